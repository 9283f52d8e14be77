// The chat follows the answer: while a run streams, the page stays at the newest text
// unless the person scrolls up; then "Jump to latest" appears and brings them back.
// Sending, and opening a stored session, land at the end. Also on a phone-sized screen.
//
// Positions are measured in the first task after an animation frame, so the last tokens'
// layout and the dashboard's scroll for them are done (as painted).
const { test, expect } = require('./fixtures');
const { api, runAgent, connect, collectErrors } = require('./helpers');

// An agent that answers in plain text (no tools), as the demo's stand-in LLM does for
// "long" (a long Markdown answer, streamed fast) and "slow" (0.4 s per word).
async function plainAgent() {
  const agents = await api('/agents');
  const agent = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
  if (!agent) throw new Error('the server has no agents');
  return { id: agent.id, name: agent.name || agent.id };
}

async function openChat(page, agent, query = '') {
  await connect(page);
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}${query}`);
  await expect(page.getByRole('heading', { level: 1, name: agent.name })).toBeVisible();
}

/** Where the latest answer's text ends, relative to the message box (what the person sees). */
async function geometry(page, agent) {
  const text = page.getByRole('article', { name: `Answer from ${agent.name}` }).last().getByRole('group', { name: 'Answer text' });
  const box = page.getByRole('textbox', { name: 'Message' });
  return page.evaluate(([t, b]) => new Promise((resolve) => {
    // After a frame's rendering (its animation-frame callbacks, where the answer's text is
    // put in, then layout, the ResizeObserver that follows it, and paint): the first task
    // after the frame sees what was painted. Measuring inside a frame callback could run
    // after that frame's text went in and before its scroll.
    requestAnimationFrame(() => setTimeout(() => {
      const tr = t.getBoundingClientRect();
      const se = document.scrollingElement;
      resolve({
        textTop: tr.top,
        textBottom: tr.bottom,
        textHeight: tr.height,
        boxTop: b.getBoundingClientRect().top,
        viewport: window.innerHeight,
        scrollY: window.scrollY,
        below: se.scrollHeight - se.scrollTop - se.clientHeight, // page left below the fold
      });
    }, 0));
  }), [await text.elementHandle(), await box.elementHandle()]);
}

/** The end of the answer is on screen, just above the message box. */
function expectAtEnd(g) {
  expect(g.textBottom).toBeLessThanOrEqual(g.boxTop + 1);
  expect(g.textBottom).toBeGreaterThan(0);
  expect(g.below).toBeLessThanOrEqual(32);
}

async function sendAndFinish(page, agent, message) {
  await page.getByRole('textbox', { name: 'Message' }).fill(message);
  await page.keyboard.press('Enter');
  const answer = page.getByRole('article', { name: `Answer from ${agent.name}` }).last();
  await expect(answer).toContainText('Completed', { timeout: 60_000 });
  return answer;
}

async function longAnswerFollowed(page, agent) {
  await page.getByRole('textbox', { name: 'Message' }).fill('Please give me a long answer');
  await page.keyboard.press('Enter');
  const answer = page.getByRole('article', { name: `Answer from ${agent.name}` }).last();
  await expect(answer.getByRole('group', { name: 'Answer text' })).toBeVisible({ timeout: 15_000 });
  // While it streams: each look finds the newest text on screen.
  const stop = page.getByRole('button', { name: 'Stop' });
  let looks = 0;
  while (looks < 20 && (await stop.isVisible())) {
    const g = await geometry(page, agent);
    if (g.textHeight > 0) {
      expect(g.textBottom).toBeLessThanOrEqual(g.boxTop + 1);
      looks++;
    }
  }
  await expect(answer).toContainText('Completed', { timeout: 60_000 });
  const g = await geometry(page, agent);
  // The answer is taller than the screen, so without following its end would be below.
  expect(g.textHeight).toBeGreaterThan(g.viewport);
  expect(g.scrollY).toBeGreaterThan(0);
  expectAtEnd(g);
  await expect(page.getByRole('button', { name: 'Jump to latest' })).toHaveCount(0);
}

test('a long answer keeps its newest text in view while it streams and when it ends', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const agent = await plainAgent();
  await openChat(page, agent);
  await longAnswerFollowed(page, agent);
  expect(errors).toEqual([]);
});

test('scrolling up stops the following and shows "Jump to latest"; pressing it goes back and follows again', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const agent = await plainAgent();
  await openChat(page, agent);
  // A long answer first, so the page is taller than the screen.
  await sendAndFinish(page, agent, 'Please give me a long answer');
  const jump = page.getByRole('button', { name: 'Jump to latest' });
  await expect(jump).toHaveCount(0);

  // A long answer at one word every 0.4 s: it keeps growing while we look.
  await page.getByRole('textbox', { name: 'Message' }).fill('Please give me a slow long answer');
  await page.keyboard.press('Enter');
  const answer = page.getByRole('article', { name: `Answer from ${agent.name}` }).last();
  const text = answer.getByRole('group', { name: 'Answer text' });
  await expect(text).toContainText(/\w+ \w+ \w+/, { timeout: 15_000 });
  expectAtEnd(await geometry(page, agent)); // sending scrolled to the end

  // The person scrolls up to read.
  const vp = page.viewportSize();
  await page.mouse.move(vp.width / 2, vp.height / 2);
  await page.mouse.wheel(0, -1200);
  await expect(jump).toBeVisible();
  const up = await geometry(page, agent);
  // More words arrive; the page stays where the person put it.
  const before = (await text.innerText()).length;
  await expect.poll(async () => (await text.innerText()).length, { timeout: 10_000 }).toBeGreaterThan(before + 5);
  const still = await geometry(page, agent);
  expect(Math.abs(still.scrollY - up.scrollY)).toBeLessThanOrEqual(2);
  expect(still.textBottom).toBeGreaterThan(still.boxTop);
  await expect(jump).toBeVisible();

  // "Jump to latest" goes to the newest text and follows it again.
  await jump.click();
  await expect(jump).toHaveCount(0);
  expectAtEnd(await geometry(page, agent));
  const after = (await text.innerText()).length;
  await expect.poll(async () => (await text.innerText()).length, { timeout: 10_000 }).toBeGreaterThan(after + 5);
  expectAtEnd(await geometry(page, agent));

  // The keyboard works too: Page Up leaves the end, the button is reachable and pressing
  // it with Enter puts the focus in the message box.
  await page.getByRole('textbox', { name: 'Message' }).blur();
  await page.keyboard.press('PageUp');
  await page.keyboard.press('PageUp');
  await expect(jump).toBeVisible();
  // Keyboard scrolling is animated: let it come to rest, as it has before a person reaches
  // the button (an animation still running would carry the page up again after the jump).
  await expect.poll(() => page.evaluate(() => new Promise((resolve) => {
    const y = window.scrollY;
    setTimeout(() => resolve(window.scrollY === y), 150);
  }))).toBe(true);
  await jump.focus();
  await page.keyboard.press('Enter');
  await expect(jump).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();

  // Stop it if it is still going.
  const stop = page.getByRole('button', { name: 'Stop' });
  if (await stop.isVisible()) await stop.click().catch(() => {});
  await expect(stop).toHaveCount(0, { timeout: 60_000 });
  expect(errors).toEqual([]);
});

test('opening a stored long session lands at its end', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const agent = await plainAgent();
  const session = crypto.randomUUID();
  await runAgent(agent.id, 'Hello, a first short message', { user: 'scroll-e2e', session });
  await runAgent(agent.id, 'Please give me a long answer', { user: 'scroll-e2e', session });
  await openChat(page, agent, `?session=${session}`);
  const answers = page.getByRole('article', { name: `Answer from ${agent.name}` });
  await expect(answers).toHaveCount(2);
  await expect(answers.last()).toContainText('Completed');
  await expect(async () => {
    const g = await geometry(page, agent);
    expect(g.textHeight).toBeGreaterThan(g.viewport);
    expectAtEnd(g);
  }).toPass({ timeout: 5_000 });
  expect(errors).toEqual([]);
});

test.describe('on a phone-sized screen (390×844)', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the long answer is followed, and "Jump to latest" works', async ({ page }) => {
    test.setTimeout(120_000);
    const errors = collectErrors(page);
    const agent = await plainAgent();
    await openChat(page, agent);
    await longAnswerFollowed(page, agent);
    await page.mouse.move(195, 400);
    await page.mouse.wheel(0, -1500);
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    await expect(jump).toBeVisible();
    await expect(jump).toBeInViewport();
    await jump.click();
    await expect(jump).toHaveCount(0);
    expectAtEnd(await geometry(page, agent));
    expect(errors).toEqual([]);
  });
});
