// Shared by the specs. Elements are found only by role and accessible name (or label),
// as a person (or a screen reader) finds them; never by CSS class.
const { expect } = require('@playwright/test');
const env = require('../env');

/** GET a path of the demo AgentOS with the e2e key (from Node, not the browser). */
async function api(path, { key = env.KEY } = {}) {
  const res = await fetch(env.API + path, {
    headers: key ? { Authorization: `Bearer ${key}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET ${env.API}${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Runs an agent, team or workflow without streaming (POST form, as the dashboard does) and returns the run. */
async function runComponent(collection, id, message, { user, session }) {
  const form = new FormData();
  form.set('message', message);
  form.set('stream', 'false');
  form.set('user_id', user);
  form.set('session_id', session);
  return apiSend('POST', `/${collection}/${encodeURIComponent(id)}/runs`, form);
}

/** Runs an agent without streaming and returns the run. */
const runAgent = (agentId, message, opts) => runComponent('agents', agentId, message, opts);

/** The connection form and its fields. */
function connectForm(page) {
  const form = page.getByRole('form', { name: 'Connect to AgentOS' });
  return {
    form,
    url: form.getByRole('textbox', { name: 'AgentOS URL' }),
    key: form.getByLabel('Security key'),
    remember: form.getByRole('checkbox', { name: 'Remember the key on this device' }),
    submit: form.getByRole('button', { name: 'Connect' }),
  };
}

const status = (page) => page.getByRole('status', { name: 'Connection status' });
const alert = (page) => page.getByRole('alert');
const mainNav = (page) => page.getByRole('navigation', { name: 'Main' });

/**
 * Opens `${base}?endpoint=<endpoint>#/connect`, types the key and presses Connect.
 * base may be a path ("/", "/dashboard/") or a full origin+path. With `remember` (the
 * default) the key is kept on this device (localStorage), so other tabs and a saved
 * storageState have it; without, only this tab keeps it.
 */
async function submitConnect(page, { base = '/', endpoint = env.API, key = env.KEY, remember = true } = {}) {
  await page.goto(`${base}?endpoint=${endpoint}#/connect`);
  const f = connectForm(page);
  await expect(f.form).toBeVisible();
  await expect(f.url).toHaveValue(endpoint);
  await f.key.fill(key);
  await f.remember.setChecked(remember);
  await f.submit.click();
  return f;
}

/** Expects the Overview page at `#/` (or no hash at all, which is the same route). */
async function expectOverview(page) {
  await expect(page).toHaveURL((url) => url.hash === '#/' || url.hash === '');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview', exact: true })).toBeVisible();
  await expect(status(page)).toContainText('Connected');
}

/** Connects through ?endpoint= (which first auto-connects without a key) and waits for the overview. */
async function connect(page, opts = {}) {
  await submitConnect(page, opts);
  await expectOverview(page);
}

/**
 * Connects as someone who opens the dashboard fresh and types URL and key into the form
 * (no ?endpoint=, so no keyless auto-connect), and waits for the overview.
 */
async function connectByHand(page, { base = '/', endpoint = env.API, key = env.KEY, remember = true } = {}) {
  await page.goto(base);
  const f = connectForm(page);
  await expect(f.form).toBeVisible();
  await f.url.fill(endpoint);
  await f.key.fill(key);
  await f.remember.setChecked(remember);
  await f.submit.click();
  await expectOverview(page);
}

/** Collects console errors and uncaught page errors; check with expect(errors).toEqual([]). */
function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()} (${msg.location().url || '?'})`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText || '';
    // A navigation or reload cancels what is still loading (e.g. the favicon): not an error.
    if (reason === 'net::ERR_ABORTED') return;
    errors.push(`request failed: ${req.url()} ${reason}`);
  });
  return errors;
}

/** The href a link to a component's detail page must have. */
const detailHref = (collection, id) => `#/${collection}/${encodeURIComponent(id)}`;

module.exports = { api, runAgent, env, connectForm, submitConnect, connect, connectByHand, expectOverview, status, alert, mainNav, collectErrors, detailHref };

/**
 * Sends a request to the demo AgentOS with the e2e key, from Node: `body` is FormData
 * (multipart, as it is) or any other value (as JSON). Returns the parsed answer (null for 204).
 */
async function apiSend(method, path, body) {
  const form = body instanceof FormData;
  const res = await fetch(env.API + path, {
    method,
    headers: { Authorization: `Bearer ${env.KEY}`, ...(form || body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: form || body === undefined ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`${method} ${env.API}${path} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}
module.exports.apiSend = apiSend;

/** An answer of the demo AgentOS for `route.fulfill`: JSON `body` with `status` and the CORS headers it sends the dashboard. */
function apiAnswer(status, body) {
  return {
    status,
    headers: { 'access-control-allow-origin': env.WEB_ORIGIN, 'access-control-allow-credentials': 'true', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}
module.exports.apiAnswer = apiAnswer;
module.exports.runComponent = runComponent;

/** A free TCP port on 127.0.0.1. */
function freePort() {
  const net = require('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a demo AgentOS of the test's own (demo/server.py with `args`, on free ports, a fresh
 * data directory, the e2e key and CORS for the dashboard's origin; `extraEnv` added) and waits
 * until it answers /health. Returns its URL and `stop()`, which ends it and removes its data.
 */
async function ownDemo({ args = [], extraEnv = {} } = {}) {
  const { spawn } = require('node:child_process');
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const [port, llmPort] = [await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentos-e2e-own-'));
  const python = process.env.E2E_PYTHON || path.join(env.ROOT, '.venv', 'bin', 'python');
  const child = spawn(python, ['demo/server.py', ...args, '--port', String(port), '--llm-port', String(llmPort), '--data-dir', path.join(dataDir, 'data')], {
    cwd: env.ROOT,
    env: { ...process.env, OS_SECURITY_KEY: env.KEY, DEMO_CORS_ORIGINS: env.WEB_ORIGIN, DEMO_FAKE_LLM: '1', AGNO_TELEMETRY: 'false', ...extraEnv },
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    for (let i = 0; i < 30 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the demo AgentOS on port ${port} exited (${child.exitCode})`);
    }
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the demo AgentOS on port ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop };
}

module.exports.freePort = freePort;
module.exports.ownDemo = ownDemo;

/** Types `text` into the chat's message box and presses Enter. */
async function send(page, text) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** The chat's session id, from its "Session <id>" line. */
async function sessionId(page) {
  const line = page.getByText(/^Session [0-9a-f-]{8,}/);
  await expect(line).toBeVisible();
  return (await line.innerText()).replace(/^Session\s+/, '').trim();
}

module.exports.send = send;
module.exports.sessionId = sessionId;

/**
 * Fails each test of the calling spec on a page error, console error or failed request,
 * except those the test provokes on purpose: `allow('503', ...)` (matched as substrings).
 */
function failOnPageErrors(test) {
  let errors = [];
  let expected = [];
  test.beforeEach(({ page }) => {
    errors = collectErrors(page);
    expected = [];
  });
  test.afterEach(() => {
    expect(errors.filter((e) => !expected.some((x) => e.includes(x)))).toEqual([]);
  });
  return { allow: (...substrings) => expected.push(...substrings) };
}

module.exports.failOnPageErrors = failOnPageErrors;
