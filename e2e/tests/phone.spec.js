// No page is wider than the screen it is on: on a phone (390 px) every page of the
// navigation, a stored session's page and a chat fit, so nothing can be dragged sideways
// and the top bar spans the page (wide tables scroll inside their own box). On a desktop, a
// message with a very long word wraps inside its bubble.
const base = require('./fixtures');
const { expect } = base;
const { api, apiAnswer, env, runAgent, collectErrors } = require('./helpers');

const test = base.connectedTest;

/** How far the page reaches past the window, in CSS pixels (0: it fits). */
const overflow = async (page) => (await widest(page)).px;

/** That, and the outermost element that reaches past the window (not inside a box that clips
 * or scrolls it), to say what is too wide. */
const widest = (page) =>
  page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
    const width = document.documentElement.clientWidth;
    const px = document.documentElement.scrollWidth - width;
    let what = '';
    if (px > 0) {
      const clips = (el) => getComputedStyle(el).overflowX !== 'visible';
      // Whether a box that clips or scrolls holds el: one on its containing-block chain (an
      // absolutely positioned element escapes the boxes below its positioned ancestor).
      const inClip = (el) => {
        const pos = getComputedStyle(el).position;
        if (pos === 'fixed') return false;
        let p = el.parentElement;
        if (pos === 'absolute') while (p && p !== el.offsetParent) p = p.parentElement;
        for (; p && p !== document.body; p = p.parentElement) if (clips(p)) return true;
        return false;
      };
      const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent || '').trim().slice(0, 40)}"`;
      const el = [...document.querySelectorAll('body *')].find((e) => e.getBoundingClientRect().right > width + 1 && !inClip(e));
      if (el) {
        what = name(el);
      } else {
        // Text that runs out of its element (whose own box fits).
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let t = walk.nextNode(); t; t = walk.nextNode()) {
          const r = document.createRange();
          r.selectNodeContents(t);
          if (r.getBoundingClientRect().right > width + 1 && t.parentElement && !clips(t.parentElement) && !inClip(t.parentElement)) {
            what = `text in ${name(t.parentElement)}`;
            break;
          }
        }
      }
    }
    resolve({ px, what });
  }))));

let errors = [];
test.beforeEach(({ page }) => {
  errors = collectErrors(page);
});

test('on a phone, no page is wider than the screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  // Something in the lists: a run makes a session and a trace.
  const agents = await api('/agents');
  const agent = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
  const run = await runAgent(agent.id, 'A question from a phone', { user: 'e2e-phone', session: `e2e-phone-${Date.now()}` });
  // Approvals pending: the navigation shows their count, with a visually hidden ", pending:"
  // (positioned out of the flow: it stretched the page when the row's scroll did not hold it).
  await page.route(`${env.API}/approvals/count**`, (route) => route.fulfill(apiAnswer(200, { count: 3 })));

  await page.goto('/#/');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: /Approvals/ })).toContainText('3');
  // Each link's own words (not the count after them).
  const names = (await nav.getByRole('link').allInnerTexts()).map((t) => t.split('\n')[0].replace(/\s*\d+$/, '').trim());
  expect(names.length).toBeGreaterThan(5);
  const wide = [];
  for (const name of names) {
    await nav.getByRole('link', { name, exact: false }).first().click();
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    // Let the page's data arrive (its loading states go).
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 15_000 });
    const { px, what } = await widest(page);
    if (px > 0) wide.push(`${name}: ${px}px (${what})`);
  }
  await page.goto(`/#/sessions/${encodeURIComponent(run.session_id)}`);
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 15_000 });
  const session = await widest(page);
  if (session.px > 0) wide.push(`a stored session: ${session.px}px (${session.what})`);
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}?session=${encodeURIComponent(run.session_id)}`);
  await expect(page.getByLabel('You said').first()).toBeVisible();
  const chat = await widest(page);
  if (chat.px > 0) wide.push(`a chat: ${chat.px}px (${chat.what})`);
  expect(wide, 'pages wider than a 390 px screen').toEqual([]);

  // The navigation is one row that scrolls sideways; opened by its address, a page's link
  // is scrolled into the row's view.
  for (const [path, name] of [['/#/connect', 'Connection'], ['/#/', 'Overview'], ['/#/schedules', 'Schedules']]) {
    await page.goto(path);
    const link = nav.getByRole('link', { name, exact: true });
    await expect(link).toHaveAttribute('aria-current', 'page');
    await expect.poll(async () => {
      const [l, n] = [await link.boundingBox(), await nav.boundingBox()];
      return l.x >= n.x && l.x + l.width <= n.x + n.width;
    }, { message: `${name} in the navigation row's view` }).toBe(true);
  }
  expect(errors).toEqual([]);
});

test('a message with a very long word wraps inside its bubble', async ({ page }) => {
  const agents = await api('/agents');
  const agent = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  const word = `https://example.com/${'a'.repeat(300)}`;
  await box.fill(word);
  await box.press('Enter');
  const said = page.getByLabel('You said').last();
  await expect(said).toContainText(word.slice(0, 40));
  expect(await overflow(page)).toBe(0);
  const viewport = page.viewportSize();
  const bubble = await said.boundingBox();
  expect(bubble.x + bubble.width).toBeLessThanOrEqual(viewport.width);
  expect(errors).toEqual([]);
});
