// Foundation: every way connecting can fail says what happened and what to do, in a
// role=alert whose text starts with a fixed sentence.
const { test, expect } = require('./fixtures');
const { env, connectForm, submitConnect, connect, alert, status } = require('./helpers');

const startsWith = (prefix) => new RegExp(`^\\s*${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

test('a wrong security key: "The server rejected the security key"', async ({ page }) => {
  await submitConnect(page, { key: 'not-the-key' });
  await expect(alert(page)).toHaveText(startsWith('The server rejected the security key'));
  await expect(connectForm(page).form).toBeVisible();
  await expect(status(page)).not.toContainText(/^Connected/);
});

test('no security key for a server that needs one: "This server needs a security key"', async ({ page }) => {
  await page.goto(`/?endpoint=${env.API}#/connect`);
  const f = connectForm(page);
  await expect(f.url).toHaveValue(env.API);
  await expect(f.key).toHaveValue('');
  await f.submit.click();
  await expect(alert(page)).toHaveText(startsWith('This server needs a security key'));
});

test('nothing listening at the URL: "Nothing is listening at"', async ({ page }) => {
  await submitConnect(page, { endpoint: env.DEAD_URL });
  await expect(alert(page)).toHaveText(startsWith('Nothing is listening at'));
  await expect(alert(page)).toContainText(env.DEAD_URL.replace(/^http:\/\//, ''));
});

test('a port browsers refuse: the message says so, not "Nothing is listening"', async ({ page }) => {
  // 6000 (X11) is on the Fetch standard's list of bad ports: Chromium fails the request before
  // it leaves, with the same TypeError as a closed port.
  const refused = 'http://127.0.0.1:6000';
  await submitConnect(page, { endpoint: refused, key: '' });
  const a = alert(page);
  await expect(a).toHaveText(startsWith(`Browsers refuse to connect to port 6000, so ${refused} cannot be reached`));
  await expect(a).toContainText('Serve the AgentOS on another port');
  await expect(connectForm(page).form).toBeVisible();
});

test('a URL that answers but is no AgentOS: "This URL answers, but it is not an AgentOS"', async ({ page }) => {
  // The static server that serves the dashboard itself.
  await submitConnect(page, { endpoint: env.WEB_ORIGIN });
  await expect(alert(page)).toHaveText(startsWith('This URL answers, but it is not an AgentOS'));
});

test('the dashboard on an origin the server does not allow: the CORS message names that origin', async ({ page }) => {
  await submitConnect(page, { base: `${env.OTHER_ORIGIN}/` });
  const a = alert(page);
  await expect(a).toHaveText(startsWith('The browser blocked this request (CORS)'));
  await expect(a).toContainText(env.OTHER_ORIGIN);
  await expect(a).toContainText('cors_allowed_origins');
});

test('a server error: "The server failed"', async ({ page }) => {
  await connect(page); // remembers URL and key
  // Every API call now answers 500 (the browser sees a real HTTP response, with CORS headers).
  await page.route(`${env.API}/**`, async (route) => {
    const cors = {
      'access-control-allow-origin': env.WEB_ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': '*',
      'access-control-allow-methods': '*',
    };
    if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    return route.fulfill({
      status: 500,
      headers: { ...cors, 'content-type': 'application/json' },
      body: JSON.stringify({ detail: 'Internal Server Error' }),
    });
  });
  await page.goto(`/?endpoint=${env.API}#/connect`);
  await connectForm(page).submit.click();
  await expect(alert(page)).toHaveText(startsWith('The server failed'));
});
