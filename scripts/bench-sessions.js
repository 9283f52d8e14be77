#!/usr/bin/env node
// Session-list benchmark with 10,000 sessions (a script, not a test: test.sh does not run it).
//
//   ./scripts/setup.sh --with-browser && trunk build --release --offline   # once
//   node scripts/bench-sessions.js [--count 10000] [--repeats 5]
//
// It starts its own demo AgentOS (fake LLM) on a fresh temporary data dir and serves dist/,
// on ports of its own (BENCH_API_PORT 7797, BENCH_LLM_PORT 7798, BENCH_WEB_PORT 8097), seeds
// --count sessions through agno's own SqliteDb (demo/seed_sessions.py: agent, team and
// workflow sessions of 50 users over 90 days), and then measures, as medians over --repeats:
//   server  GET /sessions: first page, a middle page, the last page, a name search, a type
//           filter (Node fetch, no browser);
//   browser in Debian's Chromium with the release build: from clicking "Sessions" in the
//           navigation to the first page's rows on screen, "Next page", "Last page", a name
//           search and a sort change, each until the new rows are on screen.
// The exit status is 0 whatever the numbers are; 1 only when it could not run.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const num = (v, d) => (v === undefined ? d : Number(v));

function parseArgs(argv) {
  const opts = {
    count: num(process.env.BENCH_COUNT, 10_000),
    repeats: num(process.env.BENCH_REPEATS, 5),
    apiPort: num(process.env.BENCH_API_PORT, 7797),
    llmPort: num(process.env.BENCH_LLM_PORT, 7798),
    webPort: num(process.env.BENCH_WEB_PORT, 8097),
    python: process.env.BENCH_PYTHON || path.join(ROOT, '.venv', 'bin', 'python'),
    chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => Number(inline !== undefined ? inline : argv[++i]);
    if (flag === '--count') opts.count = value();
    else if (flag === '--repeats') opts.repeats = value();
    else if (flag === '-h' || flag === '--help') {
      console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 16).join('\n').replace(/^\/\/ ?/gm, ''));
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]} (try --help)`);
  }
  if (!(opts.count >= 1) || !(opts.repeats >= 1)) throw new Error('--count and --repeats must be at least 1');
  return opts;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(0).padStart(6)} ms`;

function start(label, cmd, args, env, logDir) {
  const log = fs.openSync(path.join(logDir, `${label}.log`), 'w');
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  return child;
}

function stop(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
}

async function waitHttp(url, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      /* not yet */
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${seconds}s`);
}

async function timedGet(url) {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return [performance.now() - t0, body];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: trunk build --release --offline');
  if (!fs.existsSync(opts.python)) throw new Error(`${opts.python} is missing: ./scripts/setup.sh`);
  const { chromium } = require(path.join(ROOT, 'e2e', 'node_modules', 'playwright'));

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentos-bench-sessions-'));
  const api = `http://127.0.0.1:${opts.apiPort}`;
  const web = `http://127.0.0.1:${opts.webPort}`;
  const children = [];
  const cleanup = () => {
    children.forEach(stop);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    children.push(start('demo', opts.python, ['demo/server.py', '--port', String(opts.apiPort), '--llm-port', String(opts.llmPort), '--data-dir', dataDir],
      { DEMO_FAKE_LLM: '1', DEMO_CORS_ORIGINS: web, AGNO_TELEMETRY: 'false', OS_SECURITY_KEY: '' }, dataDir));
    children.push(start('web', 'python3', ['scripts/serve_static.py', '--dir', 'dist', '--host', '127.0.0.1', '--port', String(opts.webPort)], {}, dataDir));
    await waitHttp(`${web}/`, 15);
    await waitHttp(`${api}/health`, 120);

    // Seed through agno, with the server's own agents, teams and workflows.
    const ids = async (p) => (await (await fetch(api + p)).json()).map((x) => x.id);
    const [agents, teams, workflows] = await Promise.all([ids('/agents'), ids('/teams'), ids('/workflows')]);
    const seedArgs = ['demo/seed_sessions.py', '--db', path.join(dataDir, 'agentos.db'), '--count', String(opts.count)];
    agents.forEach((id) => seedArgs.push('--agent', id));
    teams.forEach((id) => seedArgs.push('--team', id));
    workflows.forEach((id) => seedArgs.push('--workflow', id));
    await new Promise((resolve, reject) => {
      const p = spawn(opts.python, seedArgs, { cwd: ROOT, stdio: 'inherit' });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed_sessions.py exited ${code}`))));
    });
    const total = (await (await fetch(`${api}/sessions?limit=1`)).json()).meta.total_count;
    console.log(`\n${total} sessions in the database (${agents.length} agents, ${teams.length} teams, ${workflows.length} workflows)\n`);

    // Server alone.
    const pages = Math.ceil(total / 20);
    const queries = {
      'first page': '/sessions?limit=20&page=1&sort_by=updated_at&sort_order=desc',
      'middle page': `/sessions?limit=20&page=${Math.ceil(pages / 2)}&sort_by=updated_at&sort_order=desc`,
      'last page': `/sessions?limit=20&page=${pages}&sort_by=updated_at&sort_order=desc`,
      'name search': '/sessions?limit=20&page=1&session_name=invoice',
      'type filter': '/sessions?limit=20&page=1&type=team',
    };
    console.log('server: GET /sessions (median of %d)', opts.repeats);
    for (const [label, q] of Object.entries(queries)) {
      const times = [];
      for (let i = 0; i < opts.repeats; i++) times.push((await timedGet(api + q))[0]);
      console.log(`  ${label.padEnd(14)} ${ms(median(times))}`);
    }

    // The dashboard.
    const browser = await chromium.launch({
      executablePath: opts.chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    await page.goto(`${web}/?endpoint=${api}#/`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: 30_000 });
    const pager = page.getByRole('navigation', { name: 'Pages' });
    const pageText = (n) => pager.getByText(new RegExp(`^Page ${n} of `));
    const rows = page.getByRole('table', { name: 'Sessions' }).getByRole('row');
    const timed = async (act, until) => {
      const t0 = performance.now();
      await act();
      await until();
      return performance.now() - t0;
    };
    const results = { 'open the list': [], 'next page': [], 'last page': [], 'name search': [], 'sort change': [] };
    for (let i = 0; i < opts.repeats; i++) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      results['open the list'].push(await timed(
        () => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click(),
        () => pageText(1).waitFor(),
      ));
      results['next page'].push(await timed(() => pager.getByRole('button', { name: 'Next page' }).click(), () => pageText(2).waitFor()));
      results['last page'].push(await timed(() => pager.getByRole('button', { name: 'Last page' }).click(), () => pageText(pages).waitFor()));
      const search = page.getByRole('searchbox', { name: 'Search by name' });
      results['name search'].push(await timed(async () => {
        await search.fill(`#${1000 + i}`);
        await search.press('Enter');
      }, () => rows.nth(1).getByRole('link', { name: new RegExp(`#${1000 + i}$`) }).waitFor()));
      await search.fill('');
      await search.press('Enter');
      await pageText(1).waitFor();
      const firstRow = () => rows.nth(1).innerText();
      const before = await firstRow();
      results['sort change'].push(await timed(
        () => page.getByLabel('Sort by').selectOption(i % 2 ? 'updated-desc' : 'created-asc'),
        async () => {
          while ((await firstRow()) === before) await sleep(5);
        },
      ));
    }
    await browser.close();
    console.log('\nbrowser: until the new rows are on screen (median of %d)', opts.repeats);
    for (const [label, xs] of Object.entries(results)) console.log(`  ${label.padEnd(14)} ${ms(median(xs))}   (max ${ms(Math.max(...xs)).trim()})`);
    console.log('');
  } finally {
    cleanup();
  }
}

main().catch((e) => {
  console.error(`bench-sessions: cannot run: ${e.message}`);
  process.exit(1);
});
