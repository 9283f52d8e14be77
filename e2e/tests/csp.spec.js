// The dashboard runs under a strict Content-Security-Policy (_headers, sent by
// scripts/serve_static.py as by a deployment), and the suite would notice if it did not:
// fixtures.js fails any test whose pages report a `securitypolicyviolation`.
const fs = require('node:fs');
const path = require('node:path');
const { test, expect } = require('./fixtures');
const { env, connect, mainNav, collectErrors } = require('./helpers');

const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:; " +
  "connect-src *; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

test('every response of the static server carries the CSP, nosniff and no-referrer', async ({ request }) => {
  const wasm = fs.readdirSync(env.DIST).find((f) => f.endsWith('.wasm'));
  for (const p of ['/', '/dashboard/', `/${wasm}`, '/dashboard/public/favicon.svg', '/no-such-file', '/dashboard']) {
    const res = await request.get(p, { maxRedirects: 0 });
    const h = res.headers();
    expect(h['content-security-policy'], p).toBe(CSP);
    expect(h['x-content-type-options'], p).toBe('nosniff');
    expect(h['referrer-policy'], p).toBe('no-referrer');
  }
  // The deployable copy of the same headers (Netlify / Cloudflare Pages format).
  const headersFile = fs.readFileSync(path.join(env.DIST, '_headers'), 'utf8');
  expect(headersFile).toContain(`/*\n  Content-Security-Policy: ${CSP}\n`);
  // The server configurations README gives to copy (nginx, Caddy) carry the very same policy.
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const copies = [...readme.matchAll(/Content-Security-Policy "([^"]*)"/g)].map((m) => m[1]);
  expect(copies.length, 'CSP lines in README').toBeGreaterThanOrEqual(2);
  for (const c of copies) expect(c).toBe(CSP);
});

test('the page has no inline script and no style attribute; it connects and navigates under the CSP', async ({ page, csp }) => {
  const errors = collectErrors(page);
  await connect(page);
  for (const name of ['Chat', 'Sessions', 'Memories', 'Knowledge', 'Metrics', 'Traces', 'Agents', 'Connection']) {
    await mainNav(page).getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  }
  const { inline, styled, external } = await page.evaluate(() => ({
    inline: [...document.scripts].filter((s) => !s.src).map((s) => s.outerHTML.slice(0, 120)),
    styled: [...document.querySelectorAll('[style]')].map((e) => e.outerHTML.slice(0, 120)),
    external: [...document.scripts].map((s) => s.type),
  }));
  expect(inline, 'inline scripts').toEqual([]);
  expect(styled, 'elements with a style attribute').toEqual([]);
  expect(external, 'the boot module is the only script').toEqual(['module']);
  expect(csp.violations).toEqual([]);
  expect(errors).toEqual([]);
});

test('the policy is enforced and a violation is recorded (so the suite-wide check can fail)', async ({ page, csp }) => {
  await page.goto('/');
  await expect(page.getByRole('form', { name: 'Connect to AgentOS' })).toBeVisible();

  // An inline style attribute is refused and reported; setting a style through the CSSOM is not.
  const applied = await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.textContent = 'probe';
    document.body.append(probe);
    probe.setAttribute('style', 'color: rgb(1, 2, 3)');
    const viaAttribute = getComputedStyle(probe).color;
    probe.removeAttribute('style');
    probe.style.color = 'rgb(4, 5, 6)'; // CSSOM: allowed
    const viaCssom = getComputedStyle(probe).color;
    probe.remove();
    return { viaAttribute, viaCssom };
  });
  expect(applied.viaAttribute).not.toBe('rgb(1, 2, 3)');
  expect(applied.viaCssom).toBe('rgb(4, 5, 6)');

  // An inline script and an inline event handler do not run.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    const b = document.createElement('button');
    b.setAttribute('onclick', 'window.__handlerRan = true');
    document.body.append(b);
    b.click();
    b.remove();
    return { script: window.__inlineRan === true, handler: window.__handlerRan === true };
  });
  expect(ran).toEqual({ script: false, handler: false });

  await expect
    .poll(() => csp.violations.map((v) => v.directive).sort())
    .toEqual(['script-src-attr', 'script-src-elem', 'style-src-attr']);
  expect(csp.take()).toHaveLength(3);
});

test('a violation nobody takes fails the test (this test is expected to fail)', async ({ page }) => {
  // If fixtures.js did not fail it, Playwright would report this test as "expected to fail, passed".
  test.fail(true, 'fixtures.js fails every test whose pages report a CSP violation');
  await page.goto('/');
  await expect(page.getByRole('form', { name: 'Connect to AgentOS' })).toBeVisible();
  await page.evaluate(() => document.body.setAttribute('style', 'outline: 1px solid red'));
});

test('every spec uses the fixtures that fail a test on a CSP violation', async () => {
  const direct = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.spec.js'))
    .filter((f) => /require\(\s*['"]@playwright\/test['"]\s*\)/.test(fs.readFileSync(path.join(__dirname, f), 'utf8')));
  expect(direct, "specs that import '@playwright/test' instead of './fixtures'").toEqual([]);
});
