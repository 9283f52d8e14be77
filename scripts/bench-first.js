#!/usr/bin/env node
// First-seconds benchmark (a script, not a test: test.sh does not run it).
//
//   trunk build --release --offline        # or ./scripts/run.sh once: dist/ must exist
//   node scripts/bench-first.js [--runs 5] [--api-port 7791] [--llm-port 7792] [--web-port 8091]
//                               [--dist dist] [--only load,bytes,chat,cpu]
//
// It starts its own demo AgentOS (no key, fake LLM, a fresh temporary data directory) and its
// own static server for dist/ (scripts/serve_static.py, as ./scripts/run.sh serves it), on
// the ports above, and stops both at the end. In Debian's Chromium (headless, Playwright from
// e2e/node_modules), under no throttling, "Fast 3G" (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s
// up) and "4G" (40 ms RTT, 9 Mbit/s down and up), set with CDP Network.emulateNetworkConditions,
// it reports medians of --runs cold loads (a fresh browser context each: empty cache):
//   load   first contentful paint, and the first agent's name visible on #/agents (the next
//          animation frame after it is in the DOM), from navigation start; and a new chat's
//          message box (#/chat/agents/<the chat agent>) in the DOM, connected, from navigation start,
//          and a message sent at that moment: its answer's first text on screen (the chat's
//          running code and its turns' view arrive after the box: this waits for them); and a
//          chat that continues a session the benchmark stores (one run): its stored answer on
//          screen (the next frame after it is in the DOM), and its message box ready; and that
//          session's page (#/sessions/<id>), to its stored answer on screen;
//   bytes  bytes transferred on the first load of each route (#/, #/agents, #/chat, #/sessions,
//          #/memories, #/knowledge, #/metrics, #/traces), encoded as sent (headers included):
//          the dashboard's own files requested before the route is ready (connected, its h1
//          shown), the API calls, and everything until the network is quiet (e.g. idle
//          prefetching); whether the files came compressed (Content-Encoding);
//   chat   Enter to the first token on screen in the dashboard (the demo LLM's long answer;
//          Stop as soon as it shows), against the server alone: a raw fetch() of the same
//          streamed run from the same throttled page, to its first RunContent with text (a
//          plain run, and one with background=true for comparison);
//   cpu    the longest main-thread task until the agent list shows, on a 4x CPU slowdown
//          (Emulation.setCPUThrottlingRate 4, no network throttling), from a Chromium trace
//          (RunTask on the renderer's main thread), and how many long tasks (> 50 ms) the page
//          itself saw; then the longest of the tasks that ran the dashboard's own code (and how
//          much of it that code took), against the browser alone: the same page with its
//          scripts refused (a static page's navigation task alone is often over 50 ms at 4x).
// The targets of issue 11 (Fast 3G, served compressed) are printed next to the figures. The
// exit status is 0 whatever the numbers are; 1 only when it could not run.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), BENCH_PYTHON (default .venv/bin/python).
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
class CannotRun extends Error {}

const CONDITIONS = [
  { name: 'no throttling', net: null },
  { name: 'Fast 3G', net: { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 } },
  { name: '4G', net: { latency: 40, downloadThroughput: 9e6 / 8, uploadThroughput: 9e6 / 8 } },
];
const ROUTES = ['#/', '#/agents', '#/chat', '#/sessions', '#/memories', '#/knowledge', '#/metrics', '#/traces'];
const LONG = 'Please give me a long answer';

function parseArgs(argv) {
  const opts = {
    runs: 5,
    apiPort: 7791,
    llmPort: 7792,
    webPort: 8091,
    dist: path.join(ROOT, 'dist'),
    only: new Set(['load', 'bytes', 'chat', 'cpu']),
    chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    python: process.env.BENCH_PYTHON || path.join(ROOT, '.venv', 'bin', 'python'),
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--runs': opts.runs = Number(value()); break;
      case '--api-port': opts.apiPort = Number(value()); break;
      case '--llm-port': opts.llmPort = Number(value()); break;
      case '--web-port': opts.webPort = Number(value()); break;
      case '--dist': opts.dist = path.resolve(value()); break;
      case '--only': opts.only = new Set(value().split(',').map((s) => s.trim()).filter(Boolean)); break;
      case '-h':
      case '--help':
        console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1).join('\n').split(/\n(?!\/\/)/)[0].replace(/^\/\/ ?/gm, ''));
        process.exit(0);
        break;
      default:
        throw new CannotRun(`unknown argument ${argv[i]} (try --help)`);
    }
  }
  if (!(opts.runs >= 1)) throw new CannotRun('--runs must be at least 1');
  for (const k of opts.only) if (!['load', 'bytes', 'chat', 'cpu'].includes(k)) throw new CannotRun(`--only: unknown part "${k}"`);
  if (!fs.existsSync(path.join(opts.dist, 'index.html'))) throw new CannotRun(`${opts.dist}/index.html not found: build first (trunk build --release --offline)`);
  if (!fs.existsSync(opts.python)) throw new CannotRun(`${opts.python} not found: run ./scripts/setup.sh`);
  return opts;
}

// ---- servers ---------------------------------------------------------------------------

function stopGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const done = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      resolve();
    }, 5000);
    child.once('exit', () => { clearTimeout(done); resolve(); });
    try { process.kill(-child.pid, 'SIGTERM'); } catch { clearTimeout(done); resolve(); }
  });
}

async function waitHttp(url, seconds, child, log) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new CannotRun(`a server exited before answering ${url}; see ${log}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch { /* not yet */ }
    await sleep(100);
  }
  throw new CannotRun(`${url} did not answer within ${seconds}s; see ${log}`);
}

async function startServers(opts) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-first-'));
  const web = `http://127.0.0.1:${opts.webPort}`;
  const api = `http://127.0.0.1:${opts.apiPort}`;
  for (const url of [`${web}/`, `${api}/health`]) {
    const busy = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false);
    if (busy) throw new CannotRun(`something already answers at ${url}: pick other ports (--api-port, --web-port)`);
  }
  const children = [];
  const start = (label, cmd, args, env = {}) => {
    const log = path.join(runDir, `${label}.log`);
    const fd = fs.openSync(log, 'w');
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    children.push(child);
    return { child, log };
  };
  const stop = async () => {
    for (const c of children.reverse()) await stopGroup(c);
    fs.rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const demo = start('demo', opts.python, ['demo/server.py', '--port', String(opts.apiPort), '--llm-port', String(opts.llmPort),
      '--data-dir', path.join(runDir, 'data')], { DEMO_CORS_ORIGINS: web, DEMO_FAKE_LLM: '1', AGNO_TELEMETRY: 'false', OS_SECURITY_KEY: '' });
    const stat = start('static', 'python3', ['scripts/serve_static.py', '--dir', opts.dist, '--host', '127.0.0.1', '--port', String(opts.webPort)]);
    await waitHttp(`${web}/`, 15, stat.child, stat.log);
    await waitHttp(`${api}/health`, 120, demo.child, demo.log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { web, api, stop };
}

// ---- browser helpers ---------------------------------------------------------------------

// Installed before the app loads: long tasks, first paint, and when the watched text (the
// first agent's name) and the route's readiness (connected, an h1 in main) first show.
function initScript(name) {
  const b = (window.__first = { longtasks: [], agentDom: null, agentFrame: null, ready: null, box: null, stored: null, idle: [] });
  const chat = location.hash.startsWith('#/chat/');
  // A chat that continues a session, or a stored session's page: their stored answer.
  const continued = (chat && /[?&]session=/.test(location.hash)) || /^#\/sessions\/[^/?]/.test(location.hash);
  // When the page asks for idle time and when it gets it (the idle prefetch; reported with BENCH_DETAIL).
  if (window.requestIdleCallback) {
    const ric = window.requestIdleCallback.bind(window);
    window.requestIdleCallback = (cb, o) => {
      const rec = { asked: performance.now(), fired: null, ran: null };
      b.idle.push(rec);
      return ric((d) => { rec.fired = performance.now(); try { return cb(d); } finally { rec.ran = performance.now() - rec.fired; } }, o);
    };
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* not supported */ }
  const check = () => {
    const main = document.querySelector('main');
    if (!main) return;
    if (b.agentDom === null && name && [...main.querySelectorAll('a, h1, h2, h3, li, td, span, p')].some((e) => e.textContent.trim() === name)) {
      b.agentDom = performance.now();
      requestAnimationFrame(() => {
        b.agentFrame = performance.now();
        // The same instant in the trace's clock (cpu: the tasks before it).
        performance.mark('bench-agent-visible');
      });
    }
    if (b.ready === null && main.querySelector('h1')) {
      const status = document.querySelector('[aria-label="Connection status"]');
      if (status && /Connected/.test(status.textContent)) b.ready = performance.now();
    }
    // A chat's message box, once connected (the page is usable: typing and Enter work).
    if (chat && b.box === null && b.ready !== null && main.querySelector('textarea')) b.box = performance.now();
    // The stored answer drawn (the next frame after it is in the DOM).
    if (continued && b.stored === null && main.querySelector('article[aria-label^="Answer from"]')) {
      b.stored = -1;
      requestAnimationFrame(() => { b.stored = performance.now(); });
    }
    if (b.ready !== null && (b.agentDom !== null || !name) && (b.box !== null || !chat) && (b.stored > 0 || !continued)) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true });
}

async function newPage(browser, cond, { cpu, name } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(initScript, name || '');
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (cond.net) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...cond.net });
  if (cpu) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  const reqs = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!reqs.has(e.requestId)) {
      reqs.set(e.requestId, { url: e.request.url, method: e.request.method, wall: e.wallTime * 1000, start: e.timestamp * 1000, bytes: 0, done: false, encoding: '' });
    }
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = reqs.get(e.requestId);
    if (!r) return;
    const h = Object.fromEntries(Object.entries(e.response.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    r.encoding = h['content-encoding'] || '';
    r.status = e.response.status;
  });
  const finish = (e) => {
    const r = reqs.get(e.requestId);
    if (!r) return;
    r.done = true;
    r.end = e.timestamp * 1000;
    if (e.encodedDataLength != null) r.bytes = e.encodedDataLength;
  };
  cdp.on('Network.loadingFinished', finish);
  cdp.on('Network.loadingFailed', finish);
  return { context, page, cdp, reqs };
}

/** Waits until no request is in flight for `quietMs` (at most `maxMs`). */
async function networkQuiet(reqs, quietMs = 700, maxMs = 30_000) {
  const end = Date.now() + maxMs;
  let quietSince = Date.now();
  let seen = reqs.size;
  while (Date.now() < end) {
    const pending = [...reqs.values()].some((r) => !r.done);
    if (pending || reqs.size !== seen) {
      quietSince = Date.now();
      seen = reqs.size;
    } else if (Date.now() - quietSince >= quietMs) {
      return;
    }
    await sleep(50);
  }
}

async function pollPage(page, fn, arg, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await page.evaluate(fn, arg);
    if (v !== null && v !== undefined) return v;
    await sleep(25);
  }
  return null;
}

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtMs = (x) => (x == null ? '—' : `${Math.round(x).toLocaleString('en-US')} ms`);
const fmtB = (x) => (x == null ? '—' : x.toLocaleString('en-US'));

// ---- measurements --------------------------------------------------------------------------

/** One cold load of #/agents: first contentful paint and first agent name on screen. */
async function coldLoad(browser, srv, cond, name) {
  const { context, page, reqs } = await newPage(browser, cond, { name });
  try {
    await page.goto(`${srv.web}/?endpoint=${encodeURIComponent(srv.api)}#/agents`, { waitUntil: 'commit' });
    const agent = await pollPage(page, () => window.__first.agentFrame, null, 60_000);
    const fcp = await page.evaluate(() => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? null);
    // The connection's API calls (CORS preflights included): first sent → last answered.
    const calls = [...reqs.values()].filter((r) => r.url.startsWith(srv.api) && r.done && r.end != null);
    const api = calls.length ? Math.max(...calls.map((r) => r.end)) - Math.min(...calls.map((r) => r.start)) : null;
    if (process.env.BENCH_DETAIL) {
      // The waterfall, from navigation start (BENCH_DETAIL=1; to stderr).
      const origin = await page.evaluate(() => performance.timeOrigin);
      const first = Math.min(...[...reqs.values()].map((r) => r.wall - r.start));
      process.stderr.write(`\n${cond.name}: agent ${Math.round(agent)} ms, fcp ${Math.round(fcp)} ms\n`);
      for (const r of [...reqs.values()].sort((a, b) => a.start - b.start)) {
        const t0 = r.wall - origin;
        process.stderr.write(`  ${String(Math.round(t0)).padStart(6)} → ${r.end == null ? '   ?' : String(Math.round(t0 + r.end - r.start)).padStart(6)} ms ${String(r.bytes).padStart(7)} B ${r.method} ${r.url.replace(/^https?:\/\/[^/]+/, '').slice(0, 60)}\n`);
      }
      void first;
    }
    return { fcp, agent, api, calls: calls.length };
  } finally {
    await context.close();
  }
}

/**
 * A cold load of a new chat with `agent` (ms from navigation start): its message box in the DOM,
 * connected (`box`); then a message sent as soon as it is, and that answer's first text on
 * screen (`answer`): what a person who types at once waits for, the chat's running code included.
 */
async function chatLoad(browser, srv, cond, agent) {
  const { context, page } = await newPage(browser, cond);
  try {
    await page.goto(`${srv.web}/?endpoint=${encodeURIComponent(srv.api)}#/chat/agents/${encodeURIComponent(agent.id)}`, { waitUntil: 'commit' });
    const box = await pollPage(page, () => window.__first.box, null, 60_000);
    if (box == null) return { box, answer: null };
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill(LONG);
    await page.evaluate(armProbe, await input.elementHandle());
    await input.press('Enter');
    const answer = await pollPage(page, () => (window.__first.firstFrame == null ? null : window.__first.t0 + window.__first.firstFrame), null, 60_000);
    return { box, answer };
  } finally {
    await context.close();
  }
}

/**
 * A cold load of a chat that continues `session` (stored by `agent`): ms from navigation start
 * to its stored answer on screen (`stored`), and to the message box ready (`box`).
 */
async function continuedLoad(browser, srv, cond, agent, session) {
  const { context, page } = await newPage(browser, cond);
  try {
    await page.goto(`${srv.web}/?endpoint=${encodeURIComponent(srv.api)}#/chat/agents/${encodeURIComponent(agent.id)}?session=${encodeURIComponent(session)}`, { waitUntil: 'commit' });
    const stored = await pollPage(page, () => (window.__first.stored > 0 ? window.__first.stored : null), null, 60_000);
    const box = await pollPage(page, () => window.__first.box, null, 60_000);
    return { stored, box };
  } finally {
    await context.close();
  }
}

/** A cold load of `session`'s page (#/sessions/<id>): ms from navigation start to its stored answer on screen. */
async function sessionLoad(browser, srv, cond, session) {
  const { context, page } = await newPage(browser, cond);
  try {
    await page.goto(`${srv.web}/?endpoint=${encodeURIComponent(srv.api)}#/sessions/${encodeURIComponent(session)}`, { waitUntil: 'commit' });
    return await pollPage(page, () => (window.__first.stored > 0 ? window.__first.stored : null), null, 60_000);
  } finally {
    await context.close();
  }
}

/** A stored session of `agent` with one run (what a continued chat opens), or null (no database). */
async function storedSession(srv, agent) {
  if (!agent.db) return null;
  const session = `bench-continued-${Date.now()}`;
  const form = new FormData();
  form.append('message', 'Hello from the benchmark');
  form.append('stream', 'false');
  form.append('session_id', session);
  const res = await fetch(`${srv.api}/agents/${encodeURIComponent(agent.id)}/runs`, { method: 'POST', body: form });
  if (!res.ok) throw new CannotRun(`storing a session failed: HTTP ${res.status}`);
  await res.arrayBuffer();
  return session;
}

/** The first load of one route: bytes of what was requested before it was ready, and after. */
async function routeBytes(browser, srv, route) {
  const { context, page, reqs } = await newPage(browser, CONDITIONS[0]);
  try {
    await page.goto(`${srv.web}/?endpoint=${encodeURIComponent(srv.api)}${route}`, { waitUntil: 'commit' });
    const ready = await pollPage(page, () => window.__first.ready, null, 30_000);
    const origin = await page.evaluate(() => performance.timeOrigin);
    const readyWall = ready == null ? Infinity : origin + ready;
    await networkQuiet(reqs);
    const all = [...reqs.values()];
    const own = (r) => r.url.startsWith(srv.web);
    const before = all.filter((r) => r.wall <= readyWall + 1);
    const sum = (xs) => xs.reduce((a, r) => a + r.bytes, 0);
    const files = before.filter(own);
    const encodings = [...new Set(files.filter((r) => /\.(wasm|js|css)(\?|$)/.test(r.url)).map((r) => r.encoding || 'identity'))];
    return {
      ready,
      files: sum(files),
      fileCount: files.length,
      api: sum(before.filter((r) => !own(r))),
      total: sum(all),
      later: sum(all.filter((r) => own(r) && r.wall > readyWall + 1)),
      encodings,
      largest: files.sort((a, b) => b.bytes - a.bytes)[0],
    };
  } finally {
    await context.close();
  }
}

// In the page: from the next Enter in the message box to the first answer text, the next frame.
function armProbe(box) {
  const b = window.__first;
  b.t0 = null;
  b.firstFrame = null;
  if (b.chatObserver) b.chatObserver.disconnect();
  const list = document.querySelector('ol[aria-label="Conversation"]');
  const base = list ? list.children.length : 0;
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && b.t0 === null) b.t0 = performance.now();
  }, { capture: true, once: true });
  b.chatObserver = new MutationObserver(() => {
    if (b.t0 === null || b.firstFrame !== null || !list) return;
    const turn = list.children[list.children.length - 1];
    if (list.children.length <= base || !turn) return;
    const text = turn.querySelector('[role="group"][aria-label="Answer text"]');
    if (text && text.textContent.trim()) {
      b.chatObserver.disconnect();
      const t = performance.now();
      requestAnimationFrame(() => { b.firstFrame = performance.now() - b.t0; b.firstDom = t - b.t0; });
    }
  });
  if (list) b.chatObserver.observe(list, { subtree: true, childList: true, characterData: true });
}

// In the page: POST the same run with fetch(); ms to the first RunContent with text.
async function rawRun([api, agentId, message, background]) {
  const form = new FormData();
  form.append('message', message);
  form.append('stream', 'true');
  if (background) form.append('background', 'true');
  const ctrl = new AbortController();
  const t0 = performance.now();
  const res = await fetch(`${api}/agents/${encodeURIComponent(agentId)}/runs`, { method: 'POST', body: form, signal: ctrl.signal });
  if (!res.ok) return { error: `HTTP ${res.status}` };
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let headers = performance.now() - t0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { error: 'no content' };
      buf += dec.decode(value, { stream: true });
      if (/"event":\s*"RunContent",[^\n]*"content":\s*"[^"]/.test(buf)) {
        const first = performance.now() - t0;
        const run = /"run_id":\s*"([^"]+)"/.exec(buf)?.[1] || null;
        const session = /"session_id":\s*"([^"]+)"/.exec(buf)?.[1] || null;
        ctrl.abort();
        return { first, headers, run, session };
      }
    }
  } catch (e) {
    return { error: String(e) };
  }
}

/** Cancels a run the raw fetch left running (its stream was dropped). */
async function cancelRun(srv, agentId, r) {
  if (!r || !r.run) return;
  const q = r.session ? `?session_id=${encodeURIComponent(r.session)}` : '';
  await fetch(`${srv.api}/agents/${encodeURIComponent(agentId)}/runs/${encodeURIComponent(r.run)}/cancel${q}`, { method: 'POST', signal: AbortSignal.timeout(5000) }).catch(() => {});
}

async function chatTimes(browser, srv, cond, agent, runs) {
  const { context, page } = await newPage(browser, cond);
  try {
    await page.goto(`${srv.web}/?endpoint=${encodeURIComponent(srv.api)}#/chat/agents/${encodeURIComponent(agent.id)}`);
    await page.getByRole('heading', { level: 1, name: agent.name }).waitFor({ timeout: 60_000 });
    const box = page.getByRole('textbox', { name: 'Message' });
    const newChat = page.getByRole('button', { name: 'New chat' });
    const send = page.getByRole('button', { name: 'Send' });
    const stop = page.getByRole('button', { name: 'Stop' });
    const out = { dash: [], dashDom: [], plain: [], background: [] };
    for (let i = 0; i <= runs; i++) {
      // Run 0 warms up (the server's first run of an agent is slower).
      if (await newChat.isEnabled()) await newChat.click();
      await send.waitFor();
      await box.fill(LONG);
      await page.evaluate(armProbe, await box.elementHandle());
      await box.press('Enter');
      const t = await pollPage(page, () => (window.__first.firstFrame == null ? null : [window.__first.firstFrame, window.__first.firstDom]), null, 60_000);
      if (await stop.isVisible()) await stop.click().catch(() => {});
      await send.waitFor({ timeout: 60_000 });
      const plain = await page.evaluate(rawRun, [srv.api, agent.id, LONG, false]);
      await cancelRun(srv, agent.id, plain);
      const bg = agent.db ? await page.evaluate(rawRun, [srv.api, agent.id, LONG, true]) : null;
      await cancelRun(srv, agent.id, bg);
      if (i === 0) continue;
      if (t) {
        out.dash.push(t[0]);
        out.dashDom.push(t[1]);
      }
      if (plain && plain.first != null) out.plain.push(plain.first);
      if (bg && bg.first != null) out.background.push(bg.first);
      process.stderr.write('.');
    }
    return out;
  } finally {
    await context.close();
  }
}

/** The longest main-thread task until the agent list shows, on a 4x CPU slowdown. */
async function cpuLoad(browser, srv, name) {
  const { context, page } = await newPage(browser, CONDITIONS[0], { cpu: 4, name });
  const page_ = page;
  try {
    const detailCats = process.env.BENCH_DETAIL ? ['v8', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'disabled-by-default-v8.compile'] : [];
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing', ...detailCats] });
    // BENCH_PROFILE=<file>: also a CPU profile (DevTools' .cpuprofile) of the load, written there
    // (the last run's); a build with KEEP_WASM_NAMES=1 names the wasm functions in it.
    const profiler = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.send('Profiler.start');
    }
    await page.goto(`${srv.web}/?endpoint=${encodeURIComponent(srv.api)}#/agents`, { waitUntil: 'commit' });
    const agent = await pollPage(page, () => window.__first.agentFrame, null, 60_000);
    if (profiler) fs.writeFileSync(process.env.BENCH_PROFILE, JSON.stringify((await profiler.send('Profiler.stop')).profile));
    const pageLong = await page.evaluate((until) => window.__first.longtasks.filter((t) => t.start < until).map((t) => t.duration), agent ?? Infinity);
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
    const events = trace.traceEvents || trace;
    const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    // The page's own mark when the agent name showed gives the trace time of that instant, and
    // with it the page's time origin (performance.now() 0) in the trace's clock.
    const mark = events.find((e) => e.name === 'bench-agent-visible');
    const nav = mark && agent != null ? { ts: mark.ts - agent * 1000, pid: mark.pid, tid: mark.tid } : null;
    const until = mark ? mark.ts : Infinity;
    const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`) && (!nav || e.ts >= nav.ts) && e.ts < until);
    const top = tasks.reduce((m, e) => ((e.dur || 0) > (m?.dur || 0) ? e : m), null);
    const longest = top ? top.dur / 1000 : 0;
    // The tasks that ran the page's own code (a script, a callback, promise reactions: the
    // dashboard's JS and wasm), and how much of each that code took (the union of those events).
    const codeTasks = tasks.map((t) => ({ dur: t.dur / 1000, code: codeTime(events, t) })).filter((t) => t.code > 1);
    const codeTop = codeTasks.reduce((m, t) => (t.dur > (m?.dur || 0) ? t : m), null);
    // What filled it: the longest event nested in it on the same thread.
    const inner = top && events
      .filter((e) => e.ph === 'X' && !e.name.includes('RunTask') && e.pid === top.pid && e.tid === top.tid && e.ts >= top.ts && e.ts + (e.dur || 0) <= top.ts + top.dur)
      .sort((a, b) => (b.dur || 0) - (a.dur || 0))[0];
    if (process.env.BENCH_DETAIL) {
      const page = await page_.evaluate(() => ({ agentDom: window.__first.agentDom, idle: window.__first.idle }));
      process.stderr.write(`\npage: agent in DOM ${Math.round(page.agentDom)} ms; idle callbacks ${JSON.stringify(page.idle.map((r) => [Math.round(r.asked), Math.round(r.fired), Math.round(r.ran)]))}`);
      // Every task over 50 ms before the agent list, and the events nested in it (BENCH_DETAIL=1).
      process.stderr.write(`\ncpu: agent ${Math.round(agent)} ms\n`);
      for (const t of tasks.filter((e) => e.dur > 50_000)) {
        process.stderr.write(`  task at ${Math.round((t.ts - (nav ? nav.ts : 0)) / 1000)} ms: ${Math.round(t.dur / 1000)} ms\n`);
        const nested = events.filter((e) => e.ph === 'X' && e !== t && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts + (e.dur || 0) <= t.ts + t.dur && (e.dur || 0) > 2000)
          .sort((a, b) => a.ts - b.ts);
        for (const e of nested) process.stderr.write(`    +${Math.round((e.ts - t.ts) / 1000)} ${Math.round(e.dur / 1000)} ms ${e.name} ${JSON.stringify(e.args?.data || {}).slice(0, 120)}\n`);
        const inTask = events.filter((e) => e !== t && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts <= t.ts + t.dur && e.ph === 'X');
        const byName = new Map();
        for (const e of inTask) byName.set(e.name, [(byName.get(e.name)?.[0] || 0) + (e.dur || 0), (byName.get(e.name)?.[1] || 0) + 1]);
        process.stderr.write(`    by name: ${[...byName].sort((a, b) => b[1][0] - a[1][0]).slice(0, 10).map(([n, [d, c]]) => `${n} ${Math.round(d / 1000)} ms ×${c}`).join('; ')}\n`);
      }
    }
    return { agent, longest, what: inner ? inner.name : '?', pageLong, aligned: !!nav, codeLongest: codeTop ? codeTop.dur : 0, codeIn: codeTop ? codeTop.code : 0 };
  } finally {
    await context.close();
  }
}

// Trace events in which a page's code runs (a module or script evaluated, a callback or timer,
// a microtask checkpoint: promise reactions, where wasm-bindgen-futures runs Rust tasks).
const CODE_EVENTS = new Set(['v8.evaluateModule', 'EvaluateScript', 'FunctionCall', 'TimerFire', 'FireAnimationFrame', 'BlinkScheduler_PerformMicrotaskCheckpoint', 'v8.callFunction']);

/** Milliseconds of task `t` spent in the page's code: the union of its CODE_EVENTS. */
function codeTime(events, t) {
  const spans = events
    .filter((e) => e.ph === 'X' && CODE_EVENTS.has(e.name) && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts < t.ts + t.dur)
    .map((e) => [e.ts, Math.min(e.ts + (e.dur || 0), t.ts + t.dur)])
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total / 1000;
}

/**
 * The browser's own share, for comparison: the same page at 4x CPU with its scripts refused
 * (index.html, its stylesheets and static shell; no JS, no wasm). The longest main-thread task
 * of that load: navigation, parsing, style and layout.
 */
async function cpuBaseline(browser, srv) {
  const { context, page } = await newPage(browser, CONDITIONS[0], { cpu: 4 });
  try {
    await page.route(/\.(js|wasm)(\?|$)/, (route) => route.abort());
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
    await page.goto(`${srv.web}/`, { waitUntil: 'load' });
    await page.waitForTimeout(500);
    const events = JSON.parse((await browser.stopTracing()).toString('utf8')).traceEvents;
    const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
    return Math.max(0, ...tasks.map((e) => e.dur / 1000));
  } finally {
    await context.close();
  }
}

// ---- main ------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let chromium;
  try {
    ({ chromium } = require(path.join(ROOT, 'e2e', 'node_modules', 'playwright-core')));
  } catch {
    try {
      ({ chromium } = require(path.join(ROOT, 'e2e', 'node_modules', 'playwright')));
    } catch {
      throw new CannotRun('Playwright is not installed in e2e/node_modules: run ./scripts/setup.sh --with-browser');
    }
  }
  process.stderr.write('starting the demo AgentOS and the static server… ');
  const srv = await startServers(opts);
  process.stderr.write('up\n');
  const interrupted = async () => {
    await srv.stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let browser;
  try {
    const agents = await (await fetch(`${srv.api}/agents`)).json();
    if (!agents.length) throw new CannotRun('the demo server has no agents');
    const first = agents[0].name || agents[0].id;
    const plain = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
    const chatAgent = { id: plain.id, name: plain.name || plain.id, db: !!plain.db_id };
    try {
      browser = await chromium.launch({
        executablePath: opts.chromium,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    } catch (e) {
      throw new CannotRun(`Chromium did not start (${opts.chromium}): ${e.message.split('\n')[0]}`);
    }
    // Warm-up: the server's and the OS's first answers are slower.
    await coldLoad(browser, srv, CONDITIONS[0], first);
    const continued = opts.only.has('load') ? await storedSession(srv, chatAgent) : null;

    const results = {};
    for (const cond of CONDITIONS) {
      const r = (results[cond.name] = {});
      if (opts.only.has('load')) {
        process.stderr.write(`${cond.name}: ${opts.runs} cold loads `);
        const loads = [];
        for (let i = 0; i < opts.runs; i++) {
          loads.push(await coldLoad(browser, srv, cond, first));
          process.stderr.write('.');
        }
        process.stderr.write('\n');
        r.fcp = median(loads.map((l) => l.fcp));
        r.agent = median(loads.map((l) => l.agent));
        r.api = median(loads.map((l) => l.api));
        r.calls = median(loads.map((l) => l.calls));
        const chats = [];
        for (let i = 0; i < opts.runs; i++) chats.push(await chatLoad(browser, srv, cond, chatAgent));
        r.box = median(chats.map((c) => c.box));
        r.firstAnswer = median(chats.map((c) => c.answer));
        if (continued) {
          const opened = [];
          for (let i = 0; i < opts.runs; i++) opened.push(await continuedLoad(browser, srv, cond, chatAgent, continued));
          r.stored = median(opened.map((c) => c.stored));
          r.storedBox = median(opened.map((c) => c.box));
          const pages = [];
          for (let i = 0; i < opts.runs; i++) pages.push(await sessionLoad(browser, srv, cond, continued));
          r.sessionPage = median(pages);
        }
      }
      if (opts.only.has('chat')) {
        process.stderr.write(`${cond.name}: ${opts.runs} chat runs `);
        const c = await chatTimes(browser, srv, cond, chatAgent, opts.runs);
        process.stderr.write('\n');
        r.dash = median(c.dash);
        r.dashDom = median(c.dashDom);
        r.plain = median(c.plain);
        r.background = median(c.background);
      }
    }
    let bytes = null;
    if (opts.only.has('bytes')) {
      process.stderr.write('bytes per route ');
      bytes = [];
      for (const route of ROUTES) {
        bytes.push({ route, ...(await routeBytes(browser, srv, route)) });
        process.stderr.write('.');
      }
      process.stderr.write('\n');
    }
    let cpu = null;
    if (opts.only.has('cpu')) {
      process.stderr.write(`CPU 4x slowdown: ${opts.runs} cold loads `);
      const loads = [];
      const bases = [];
      for (let i = 0; i < opts.runs; i++) {
        loads.push(await cpuLoad(browser, srv, first));
        bases.push(await cpuBaseline(browser, srv));
        process.stderr.write('.');
      }
      process.stderr.write('\n');
      cpu = {
        agent: median(loads.map((l) => l.agent)),
        longest: median(loads.map((l) => l.longest)),
        worst: Math.max(...loads.map((l) => l.longest)),
        what: [...new Set(loads.map((l) => l.what))].join(', '),
        pageLong: median(loads.map((l) => l.pageLong.length)),
        aligned: loads.every((l) => l.aligned),
        codeLongest: median(loads.map((l) => l.codeLongest)),
        codeWorst: Math.max(...loads.map((l) => l.codeLongest)),
        codeIn: median(loads.map((l) => l.codeIn)),
        base: median(bases),
      };
    }

    // ---- report ----
    const cols = CONDITIONS.map((c) => c.name);
    const row = (label, f, target = '') => `| ${label} | ${cols.map((c) => f(results[c])).join(' | ')} | ${target} |`;
    const lines = [];
    lines.push(`First-seconds benchmark: dist/ (${path.relative(ROOT, opts.dist) || '.'}) on ${srv.web}, demo AgentOS ${srv.api} (no key)`);
    lines.push(`Chromium ${browser.version()}, headless; ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; medians of ${opts.runs}`);
    lines.push('');
    if (opts.only.has('load') || opts.only.has('chat')) {
      lines.push(`| measure | ${cols.join(' | ')} | target (Fast 3G) |`);
      lines.push(`|---|${cols.map(() => '---:').join('|')}|---|`);
    }
    if (opts.only.has('load')) {
      lines.push(row('first contentful paint', (r) => fmtMs(r.fcp), '≤ 600 ms'));
      lines.push(row(`first agent name visible ("${first}" on #/agents)`, (r) => fmtMs(r.agent), '≤ 2,000 ms'));
      lines.push(row('of which connecting: first API call sent → last answered', (r) => `${fmtMs(r.api)} (${r.calls} calls)`, 'two round trips'));
      lines.push(row(`a new chat's message box ready (#/chat/agents/${chatAgent.id})`, (r) => fmtMs(r.box)));
      lines.push(row('and a message sent then: its first answer text on screen', (r) => fmtMs(r.firstAnswer)));
      if (continued) {
        lines.push(row('a chat that continues a session (one stored run): its stored answer on screen', (r) => fmtMs(r.stored)));
        lines.push(row('and its message box ready', (r) => fmtMs(r.storedBox)));
        lines.push(row('that session\'s page (#/sessions/<id>): its stored answer on screen', (r) => fmtMs(r.sessionPage)));
      }
    }
    if (opts.only.has('chat')) {
      lines.push(row('Enter → first token on screen (dashboard)', (r) => fmtMs(r.dash), 'within 50 ms of the server alone'));
      lines.push(row('server alone: fetch → first RunContent (plain run)', (r) => fmtMs(r.plain)));
      lines.push(row('difference', (r) => (r.dash == null || r.plain == null ? '—' : `${r.dash - r.plain >= 0 ? '+' : ''}${Math.round(r.dash - r.plain)} ms`)));
      if (chatAgent.db) lines.push(row('server alone, background=true (for comparison)', (r) => fmtMs(r.background)));
    }
    if (bytes) {
      lines.push('');
      lines.push('| route (first load, no throttling) | dashboard files before ready | files | API | all until quiet | files after ready | ready |');
      lines.push('|---|---:|---:|---:|---:|---:|---:|');
      for (const b of bytes) {
        lines.push(`| \`${b.route}\` | ${fmtB(b.files)} | ${b.fileCount} | ${fmtB(b.api)} | ${fmtB(b.total)} | ${fmtB(b.later)} | ${fmtMs(b.ready)} |`);
      }
      const enc = [...new Set(bytes.flatMap((b) => b.encodings))];
      const big = bytes[0].largest;
      lines.push('');
      lines.push(`Content-Encoding of the wasm/js/css files: ${enc.join(', ') || '?'}${enc.length === 1 && enc[0] === 'identity' ? ' (served uncompressed)' : ''}; ` +
        `largest file: ${big ? `${big.url.replace(srv.web, '')} ${fmtB(big.bytes)} bytes` : '?'}.`);
      lines.push('Target (compressed): overview ≤ 172 KB brotli, every other route ≤ 250 KB.');
    }
    if (cpu) {
      lines.push('');
      lines.push(`CPU 4× slowdown, no network throttling: agent name visible ${fmtMs(cpu.agent)}; longest main-thread task before it ` +
        `${fmtMs(cpu.longest)} (median; worst ${fmtMs(cpu.worst)}; mostly ${cpu.what}${cpu.aligned ? '' : '; trace not aligned to navigation, whole load counted'}); ` +
        `long tasks (> 50 ms) the page saw: ${cpu.pageLong} (median). Target: no task over 50 ms.`);
      lines.push(`  Of those, the longest task that ran the dashboard's code (JS or wasm): ${fmtMs(cpu.codeLongest)} (median; worst ` +
        `${fmtMs(cpu.codeWorst)}), ${fmtMs(cpu.codeIn)} of it in that code. The browser alone, the same page with its scripts ` +
        `refused (navigation, HTML, CSS, layout): longest task ${fmtMs(cpu.base)} (median).`);
    }
    console.log(lines.join('\n'));
  } finally {
    if (browser) await browser.close().catch(() => {});
    await srv.stop();
  }
}

main().catch((e) => {
  if (e instanceof CannotRun) {
    console.error(`bench-first: ${e.message}`);
  } else {
    console.error(e);
  }
  process.exit(1);
});
