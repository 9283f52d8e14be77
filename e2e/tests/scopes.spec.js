// Scopes (issue 13 §7): on an AgentOS with JWT authorization, a token without the scope a page
// needs gets 403 from agno ("Insufficient permissions. Required scope(s): memories:read"); the
// page says access was denied and names the missing scope, and the pages the token allows work.
// The spec starts a demo AgentOS of its own with DEMO_JWT_SECRET (demo/server.py) and signs
// its tokens here (HS256), so the shared demo keeps its security key.
const crypto = require('node:crypto');
const { test, expect } = require('./fixtures');
const { ownDemo, connect, collectErrors, mainNav } = require('./helpers');

const SECRET = `e2e-jwt-secret-${crypto.randomBytes(16).toString('hex')}`;

/** A JWT signed with the demo's secret, granting `scopes`. */
function token(scopes) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ sub: 'e2e-scoped-user', scopes, exp: Math.floor(Date.now() / 1000) + 3600 });
  const sig = crypto.createHmac('sha256', SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

let demo = null;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  demo = await ownDemo({ extraEnv: { DEMO_JWT_SECRET: SECRET } });
});
test.afterAll(async () => {
  if (demo) await demo.stop();
});

test('a page the token has no scope for says access was denied and names the missing scope; allowed pages work', async ({ page }) => {
  const errors = collectErrors(page);
  // Enough to connect and list the catalog, not to read memories.
  const jwt = token(['config:read', 'agents:read', 'teams:read', 'workflows:read', 'approvals:read']);
  await connect(page, { endpoint: demo.url, key: jwt });
  await page.goto('/#/agents');
  await expect(page.getByRole('heading', { level: 1, name: 'Agents' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Assistant' }).first()).toBeVisible();

  const denied = page.waitForResponse((r) => new URL(r.url()).pathname === '/memories' && r.status() === 403);
  await mainNav(page).getByRole('link', { name: 'Memories', exact: true }).click();
  await denied;
  // The page's reads (the memories, the users' figures) each say so, with the scope.
  const notices = page.getByRole('alert').filter({ hasText: 'Access denied' });
  await expect(notices.first()).toBeVisible();
  for (const n of await notices.all()) await expect(n).toContainText('Required scope(s): memories:read');
  // The token itself is never shown.
  expect(await page.locator('body').innerText()).not.toContain(jwt);
  // The refused reads are the only failures (the browser logs each 403 as a failed resource).
  expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
});
