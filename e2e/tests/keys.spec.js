// A key belongs to the server it was entered for (issue 9, "Key"): a second server, which
// records every Authorization header it receives, never sees the demo's key, whether it is
// opened from a link, typed over the URL on the form, or asked for after a 401. Keys not
// remembered stay out of localStorage and out of other tabs; a key a header cannot carry
// is refused before anything is sent; plain http:// to another host warns; a redirect is
// not followed with the key.
const http = require('node:http');
const { test, expect } = require('./fixtures');
const { api, env, connectForm, connect, connectByHand, status, alert } = require('./helpers');

const OTHER_KEY = 'recorder-key';

/**
 * A small stand-in for a second AgentOS on 127.0.0.1 (a free port). It answers what the
 * dashboard asks while connecting, with CORS headers for the dashboard's origin, and
 * records method, path and Authorization header of every request. Modes:
 *   open      - everything answers without a key;
 *   key       - /health and /info are open (and announce no auth mode), the rest needs
 *               `Bearer recorder-key` and answers 401 otherwise;
 *   redirect  - /health and /info answer, everything else is a 307 to the demo AgentOS.
 */
function startRecorder() {
  const rec = { seen: [], mode: 'open', url: '' };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://recorder').pathname;
    rec.seen.push({ method: req.method, path, authorization: req.headers.authorization ?? null });
    const cors = {
      'access-control-allow-origin': req.headers.origin || '*',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
      vary: 'origin',
    };
    const json = (code, body) => {
      res.writeHead(code, { ...cors, 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      return res.end();
    }
    if (path === '/health') return json(200, { status: 'ok', instantiated_at: '2026-01-01T00:00:00Z' });
    if (path === '/info') {
      return json(200, { os_id: 'recorder', name: 'Recording OS', agno_version: '3.1.10', auth_mode: 'none' });
    }
    if (rec.mode === 'redirect') {
      res.writeHead(307, { ...cors, location: `${env.API}${path}` });
      return res.end();
    }
    if (rec.mode === 'key' && req.headers.authorization !== `Bearer ${OTHER_KEY}`) {
      return json(401, { detail: 'Authentication required' });
    }
    if (path === '/config') return json(200, { os_id: 'recorder', databases: [], available_models: [] });
    if (['/agents', '/teams', '/workflows'].includes(path)) return json(200, []);
    return json(404, { detail: 'Not Found' });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      rec.url = `http://127.0.0.1:${server.address().port}`;
      rec.close = () => new Promise((r) => server.close(r));
      resolve(rec);
    });
  });
}

let recorder;
test.beforeAll(async () => {
  recorder = await startRecorder();
});
test.afterAll(async () => {
  await recorder?.close();
});
test.beforeEach(() => {
  recorder.seen = [];
  recorder.mode = 'open';
});

/** Every Authorization header the recorder received (null entries dropped). */
const authHeaders = () => recorder.seen.map((r) => r.authorization).filter((a) => a !== null);

/** What a page keeps in localStorage and sessionStorage, as text. */
const storages = (page) =>
  page.evaluate(() => ({ local: JSON.stringify({ ...localStorage }), tab: JSON.stringify({ ...sessionStorage }) }));

test('a link to another server connects without the saved key; that server never sees it', async ({ page }) => {
  await connect(page); // the demo, with its key remembered on this device
  await page.goto(`/?endpoint=${recorder.url}`);
  await expect(status(page)).toContainText('Connected');
  await expect(status(page)).toContainText('Recording OS');
  // Go about the dashboard on that server, and reload it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Agents', exact: true })).toBeVisible();
  await page.reload();
  await expect(status(page)).toContainText('Recording OS');
  expect(recorder.seen.some((r) => r.path === '/config'), 'the recorder was asked for /config').toBe(true);
  expect(authHeaders()).toEqual([]);

  // The demo's key still belongs to the demo: its own link connects with it.
  await page.goto(`/?endpoint=${env.API}`);
  await expect(status(page)).toContainText('Connected');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview', exact: true })).toBeVisible();
  expect(authHeaders()).toEqual([]);
});

test('changing only the URL on the form does not carry the old key to the new server', async ({ page }) => {
  await connect(page);
  await page.goto('/#/connect');
  const f = connectForm(page);
  await expect(f.url).toHaveValue(env.API);
  await expect(f.key).toHaveValue(env.KEY);

  await f.url.fill(recorder.url);
  await expect(f.key).toHaveValue('');
  // Back to the demo's address: its own key comes back.
  await f.url.fill(env.API);
  await expect(f.key).toHaveValue(env.KEY);
  await f.url.fill(recorder.url);
  await expect(f.key).toHaveValue('');
  await f.submit.click();
  await expect(status(page)).toContainText('Recording OS');
  expect(recorder.seen.some((r) => r.path === '/config')).toBe(true);
  expect(authHeaders()).toEqual([]);
});

test('a server that needs a key asks for it on 401; the key typed goes to that server only', async ({ page }) => {
  recorder.mode = 'key';
  await connect(page);
  await page.goto(`/?endpoint=${recorder.url}`);
  await expect(alert(page)).toHaveText(/^\s*This server needs a security key \(HTTP 401\)/);
  const f = connectForm(page);
  await expect(f.url).toHaveValue(recorder.url);
  await expect(f.key).toHaveValue('');
  expect(recorder.seen.some((r) => r.path === '/config' && r.authorization === null)).toBe(true);

  await f.key.fill(OTHER_KEY);
  await f.submit.click();
  await expect(status(page)).toContainText('Recording OS');
  const sent = authHeaders();
  expect(sent.length).toBeGreaterThan(0);
  expect(new Set(sent)).toEqual(new Set([`Bearer ${OTHER_KEY}`]));
});

test('with "Remember the key" off the key stays out of localStorage and out of a new tab', async ({ page, context }) => {
  await connectByHand(page, { remember: false });
  let { local, tab } = await storages(page);
  expect(local).toContain(env.API.replace(/^http:\/\//, '')); // the server is remembered...
  expect(local).not.toContain(env.KEY); // ...its key is not
  expect(tab).toContain(env.KEY);
  // The same tab keeps it across a reload.
  await page.reload();
  await expect(status(page)).toContainText('Connected');

  // A new tab opens the same server, without a key, and asks for one.
  const other = await context.newPage();
  await other.goto('/');
  await expect(alert(other)).toHaveText(/^\s*This server needs a security key/);
  await expect(connectForm(other).key).toHaveValue('');
  expect(JSON.stringify(await storages(other))).not.toContain(env.KEY);

  // Remembered, the key is on this device: a new tab connects with it.
  await connectByHand(other, { remember: true });
  ({ local } = await storages(other));
  expect(local).toContain(env.KEY);
  const third = await context.newPage();
  await third.goto('/');
  await expect(status(third)).toContainText('Connected');

  // "Forget key" removes it from this device.
  await third.goto('/#/connect');
  await connectForm(third).form.getByRole('button', { name: 'Forget key' }).click();
  await expect(connectForm(third).key).toHaveValue('');
  expect(JSON.stringify(await storages(third))).not.toContain(env.KEY);
});

test('a key a header cannot carry gets a clear message, and nothing is sent', async ({ page }) => {
  const requests = [];
  page.on('request', (r) => {
    if (r.url().startsWith(recorder.url)) requests.push(r.url());
  });
  await page.goto('/');
  const f = connectForm(page);
  await f.url.fill(recorder.url);
  for (const [key, words] of [
    ['clé-secrète', 'a character outside plain ASCII (character 3)'],
    ['two words', 'a space (character 4)'],
  ]) {
    await f.key.fill(key);
    await expect(f.key).toHaveAttribute('aria-invalid', 'true');
    await f.submit.click();
    const message = page.getByRole('alert').filter({ hasText: 'This security key cannot be sent' });
    await expect(message).toHaveText(`This security key cannot be sent: it contains ${words}. Nothing was sent.`);
    await expect(message).not.toContainText(key);
  }
  await expect(status(page)).not.toContainText('Connected');
  expect(requests).toEqual([]);
  expect(recorder.seen).toEqual([]);
  // A usable key clears the message.
  await f.key.fill('fine-key');
  await expect(page.getByRole('alert').filter({ hasText: 'This security key cannot be sent' })).toHaveCount(0);
});

test('a key for plain http:// to a host that is not loopback shows a warning', async ({ page }) => {
  const remote = 'http://10.1.2.3:9';
  const leaving = [];
  // Nothing may leave the machine, even by accident.
  await page.route(`${remote}/**`, (route) => {
    leaving.push(route.request().url());
    return route.abort('addressunreachable');
  });
  await page.goto('/#/connect');
  const f = connectForm(page);
  const warning = /plain http:\/\/ to another computer/;
  await f.url.fill(remote);
  await expect(f.key).not.toHaveAccessibleDescription(warning); // no key, nothing to warn about
  await f.key.fill('some-key');
  await expect(f.key).toHaveAccessibleDescription(warning);
  await expect(page.getByText(warning)).toBeVisible();
  // Loopback, or https, is fine.
  for (const url of [recorder.url, 'http://localhost:9', 'https://10.1.2.3:9']) {
    await f.url.fill(url);
    await expect(page.getByText(warning)).toHaveCount(0);
  }
  expect(leaving).toEqual([]);
});

test('a redirect is not followed with the key: the dashboard says so', async ({ page }) => {
  recorder.mode = 'redirect';
  const toDemoWithKey = [];
  page.on('request', async (r) => {
    if (r.url().startsWith(env.API) && (await r.allHeaders()).authorization) toDemoWithKey.push(r.url());
  });
  await page.goto('/');
  const f = connectForm(page);
  await f.url.fill(recorder.url);
  await f.key.fill(OTHER_KEY);
  await f.submit.click();
  await expect(alert(page)).toHaveText(
    /^\s*The server answered with a redirect to another address; the dashboard does not follow redirects with your key/,
  );
  expect(recorder.seen.some((r) => r.path === '/config' && r.authorization === `Bearer ${OTHER_KEY}`)).toBe(true);
  expect(toDemoWithKey).toEqual([]);
  await expect(status(page)).not.toContainText('Connected');
});

test('the server switcher keeps keys apart; deleting a server forgets its key', async ({ page }) => {
  recorder.mode = 'key';
  const info = await api('/info');
  const demoName = info.name || info.os_id;
  await connect(page);
  // Add the second server with its own key and a name of our choosing.
  await page.goto('/#/connect');
  const f = connectForm(page);
  await f.url.fill(recorder.url);
  await expect(f.key).toHaveValue('');
  await f.key.fill(OTHER_KEY);
  await f.form.getByRole('textbox', { name: 'Name' }).fill('Recorder');
  await f.remember.check();
  await f.submit.click();
  await expect(status(page)).toContainText('Recording OS');

  const switcher = page.getByRole('banner').getByRole('combobox', { name: 'Server' });
  await expect(switcher.getByRole('option')).toHaveText([demoName, 'Recorder']);
  await expect(switcher).toHaveValue(recorder.url);
  for (const [label, shown] of [[demoName, demoName], ['Recorder', 'Recording OS'], [demoName, demoName]]) {
    await switcher.selectOption({ label });
    await expect(status(page)).toContainText('Connected');
    await expect(status(page)).toContainText(shown);
  }
  // The demo needs its key, so reaching it proves it got its own; the recorder only ever got its own.
  const sent = authHeaders();
  expect(sent.length).toBeGreaterThan(0);
  expect(new Set(sent)).toEqual(new Set([`Bearer ${OTHER_KEY}`]));

  // The last server used opens first.
  await page.goto('/');
  await expect(status(page)).toContainText(demoName);

  // Deleting the recorder forgets its key and takes it out of the switcher.
  await page.goto('/#/connect');
  const saved = page.getByRole('list', { name: 'Saved servers' });
  await expect(saved.getByRole('listitem')).toHaveCount(2);
  await saved.getByRole('button', { name: 'Delete Recorder' }).click();
  await expect(saved.getByRole('listitem')).toHaveCount(1);
  await expect(switcher.getByRole('option')).toHaveText([demoName]);
  expect(JSON.stringify(await storages(page))).not.toContain(OTHER_KEY);

  // A link to it now offers to add it, and connects without a key.
  recorder.seen = [];
  await page.goto(`/?endpoint=${recorder.url}`);
  await expect(page.getByText('This link opens a server that is not saved in this browser')).toBeVisible();
  await expect(alert(page)).toHaveText(/^\s*This server needs a security key/);
  expect(authHeaders()).toEqual([]);
});
