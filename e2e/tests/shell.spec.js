// The static shell in index.html: the header, the navigation and "Loading the dashboard…"
// paint before any wasm arrives, and the app takes over the same regions in place.
const { test, expect } = require('./fixtures');
const { collectErrors, connectForm, mainNav } = require('./helpers');

/** Holds back every .wasm request until release() is called. */
async function holdWasm(page) {
  let release;
  const released = new Promise((r) => {
    release = r;
  });
  const held = [];
  await page.route('**/*.wasm', async (route) => {
    held.push(route.request().url());
    await released;
    await route.continue();
  });
  return { held, release };
}

const navLinks = (page) =>
  mainNav(page)
    .getByRole('link')
    .evaluateAll((links) => links.map((a) => [a.textContent.trim(), a.getAttribute('href')]));

for (const base of ['/', '/dashboard/']) {
  test(`at ${base}: the shell paints before the wasm arrives, then the app replaces it in place`, async ({ page }) => {
    const errors = collectErrors(page);
    const wasm = await holdWasm(page);
    await page.goto(base);

    // The wasm is requested and held: what shows now is static HTML and CSS only.
    await expect.poll(() => wasm.held.length).toBeGreaterThan(0);
    const banner = page.getByRole('banner');
    await expect(banner.getByRole('link', { name: 'AgentOS Dashboard' })).toBeVisible();
    await expect(page.getByText('Loading the dashboard…')).toBeVisible();
    await expect(mainNav(page).getByRole('link', { name: 'Overview', exact: true })).toBeVisible();
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint').length);
    expect(fcp, 'a first contentful paint before the wasm').toBe(1);
    const shellLinks = await navLinks(page);
    const before = {
      header: await banner.boundingBox(),
      nav: await mainNav(page).boundingBox(),
      overview: await mainNav(page).getByRole('link', { name: 'Overview', exact: true }).boundingBox(),
    };

    wasm.release();
    // Nothing saved: the app opens the connection form, in the shell's place.
    await expect(connectForm(page).form).toBeVisible();
    await expect(page.getByText('Loading the dashboard…')).toHaveCount(0);
    await expect(page.getByRole('banner')).toHaveCount(1);
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(1);
    await expect(page.getByRole('status', { name: 'Connection status' })).toContainText('Not connected');

    // The same header and navigation as the app's, in the same place (no jump).
    expect(await navLinks(page), 'the shell links the same pages as the app').toEqual(shellLinks);
    expect(await page.getByRole('banner').boundingBox()).toEqual(before.header);
    // (The navigation's height follows the page's, so compare where it starts and its width.)
    const { x, y, width } = await mainNav(page).boundingBox();
    expect({ x, y, width }).toEqual({ x: before.nav.x, y: before.nav.y, width: before.nav.width });
    expect(await mainNav(page).getByRole('link', { name: 'Overview', exact: true }).boundingBox()).toEqual(before.overview);
    expect(errors).toEqual([]);
  });
}

test('the first paint waits for the shell\'s stylesheet only, and the app starts once every stylesheet is in', async ({ page }) => {
  const errors = collectErrors(page);
  // The rest of the stylesheets, one file at the end of <body> (scripts/split-wasm.sh), held.
  let release;
  const released = new Promise((r) => {
    release = r;
  });
  const held = [];
  await page.route(/\/style-[0-9a-f]+\.css$/, async (route) => {
    held.push(route.request().url());
    await released;
    await route.continue();
  });
  const wasm = [];
  page.on('request', (req) => {
    if (req.url().endsWith('_bg.wasm')) wasm.push(req.url());
  });
  // (Neither "load" nor DOMContentLoaded comes while a stylesheet holds the scripts.)
  await page.goto('/', { waitUntil: 'commit' });
  await expect.poll(() => held.length).toBe(1);
  // Painted without it, and styled: the header sticks to the top, the navigation is a column
  // beside the main area (style/shell.css).
  const banner = page.getByRole('banner');
  await expect(banner.getByRole('link', { name: 'AgentOS Dashboard' })).toBeVisible();
  await expect(page.getByText('Loading the dashboard…')).toBeVisible();
  expect(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint').length), 'a first contentful paint').toBe(1);
  expect(await banner.evaluate((e) => getComputedStyle(e).position)).toBe('sticky');
  const nav = await mainNav(page).boundingBox();
  const main = await page.getByRole('main').boundingBox();
  expect(main.x, 'the main area is beside the navigation').toBeGreaterThanOrEqual(nav.x + nav.width);
  // The wasm downloads meanwhile, but the app does not start without its styles: a
  // stylesheet the parser met blocks scripts, src/boot.js included.
  expect(wasm.length, 'the wasm is asked for while the stylesheet is held').toBeGreaterThan(0);
  await page.waitForTimeout(1500);
  await expect(page.getByText('Loading the dashboard…')).toBeVisible();
  await expect(connectForm(page).form).toHaveCount(0);
  release();
  await expect(connectForm(page).form).toBeVisible();
  // The rest applies once the app is there: the connection form's fields are a column
  // (style/main.css's .form; a form is display: block without it).
  expect(await connectForm(page).form.evaluate((e) => getComputedStyle(e).display)).toBe('flex');
  expect(errors).toEqual([]);
});

test('a page whose wasm cannot start says so in the shell instead of loading for ever', async ({ page }) => {
  await page.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByText(/^The dashboard could not start: .+ Reload the page to try again\.$/)).toBeVisible();
  await expect(page.getByText('Loading the dashboard…')).toHaveCount(0);
  expect(errors.length, 'the error is also thrown (visible in the console)').toBe(1);
});
