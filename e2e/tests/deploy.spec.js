// Foundation: dist/ is a plain folder of static files that works under a sub-path, and is
// served precompressed.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const { test, expect } = require('./fixtures');
const { api, env, connectByHand, mainNav, collectErrors, detailHref } = require('./helpers');

test('served under the sub-path /dashboard/, the dashboard loads its assets there and works', async ({ page }) => {
  const errors = collectErrors(page);
  const outside = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin === env.WEB_ORIGIN && !url.pathname.startsWith('/dashboard/')) outside.push(url.pathname);
  });
  await connectByHand(page, { base: '/dashboard/' });
  await expect(page).toHaveURL(new RegExp(`^${env.WEB_ORIGIN}/dashboard/`));

  const agents = await api('/agents');
  await mainNav(page).getByRole('link', { name: 'Agents', exact: true }).click();
  await page.getByRole('link', { name: agents[0].name || agents[0].id, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`^${env.WEB_ORIGIN}/dashboard/.*${detailHref('agents', agents[0].id)}$`));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: agents[0].name || agents[0].id, exact: true })).toBeVisible();

  expect(outside, 'requests outside /dashboard/').toEqual([]);
  expect(errors).toEqual([]);
});

/** GET with the given Accept-Encoding; the body as it came over the wire (not decoded). */
function rawGet(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === null ? {} : { 'Accept-Encoding': acceptEncoding };
    const req = http.get(url, { headers, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

const DECODE = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync };

test('assets are served precompressed (brotli first, then gzip) and decode to the same bytes', async ({ page }) => {
  const wasm = fs.readdirSync(env.DIST).find((f) => f.endsWith('.wasm'));
  const css = fs.readdirSync(env.DIST).find((f) => f.endsWith('.css'));
  const cases = [
    // [file in dist, URL path, Accept-Encoding, expected Content-Encoding]
    [wasm, `/${wasm}`, 'br', 'br'],
    [wasm, `/dashboard/${wasm}`, 'gzip, deflate, br, zstd', 'br'],
    [wasm, `/${wasm}`, 'br;q=0, gzip', 'gzip'],
    [wasm, `/${wasm}`, null, undefined],
    ['index.html', '/dashboard/', 'br', 'br'],
    ['index.html', '/', 'gzip', 'gzip'],
    [css, `/${css}`, '*', 'br'],
    [css, `/${css}`, 'identity', undefined],
  ];
  for (const [file, urlPath, accept, encoding] of cases) {
    const label = `${urlPath} with Accept-Encoding: ${accept}`;
    const res = await rawGet(env.WEB_ORIGIN + urlPath, accept);
    expect(res.status, label).toBe(200);
    expect(res.headers['content-encoding'], label).toBe(encoding);
    expect(res.headers.vary, label).toBe('Accept-Encoding');
    expect(res.headers['content-length'], label).toBe(String(res.body.length));
    const original = fs.readFileSync(path.join(env.DIST, file));
    const decoded = encoding ? DECODE[encoding](res.body) : res.body;
    expect(decoded.equals(original), `${label}: decodes to dist/${file}`).toBe(true);
    if (encoding) expect(res.body.length, label).toBeLessThan(original.length);
  }
  // The wasm, the biggest file, is a third of its size or less in brotli.
  const br = fs.statSync(path.join(env.DIST, `${wasm}.br`)).size;
  expect(br).toBeLessThan(fs.statSync(path.join(env.DIST, wasm)).size / 3);

  // And the browser's own first load gets the wasm compressed.
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('.wasm')),
    page.goto('/'),
  ]);
  expect(await response.headerValue('content-encoding')).toMatch(/^(br|gzip)$/);
  await expect(page.getByRole('form', { name: 'Connect to AgentOS' })).toBeVisible();
});
