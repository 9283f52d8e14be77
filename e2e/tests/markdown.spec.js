// Markdown bounds through the live chat: answers that used to crash or stall the tab
// (deep nesting, 30,000 unclosed delimiters, a 3 MB answer) are shown, the deeper part as
// text, and the app keeps working. The demo's stand-in LLM echoes the message (so a
// message can carry the hostile Markdown) and has the triggers "md-stars" and "md-huge"
// (demo/README.md).
const { test, expect } = require('./fixtures');
const { api, connect, mainNav, collectErrors } = require('./helpers');

const tools = (c) => c.tools?.tools || [];
const nameOf = (c) => c.name || c.id;
const answerText = (scope) => scope.getByRole('group', { name: 'Answer text', exact: true });

let errors = [];
test.beforeEach(({ page }) => {
  errors = collectErrors(page);
});
test.afterEach(() => {
  expect(errors).toEqual([]);
});

/** Opens the chat with an agent that answers with text only, sends `message`, waits for the end. */
async function ask(page, message, timeout = 30_000) {
  const agents = await api('/agents');
  const plain = agents.find((a) => tools(a).length === 0) || agents[0];
  await connect(page);
  await page.goto(`/#/chat/agents/${encodeURIComponent(plain.id)}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(message);
  await box.press('Enter');
  const answer = page.getByRole('article', { name: `Answer from ${nameOf(plain)}`, exact: true }).last();
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible({ timeout });
  return answer;
}

/** The app still navigates (nothing aborted). */
async function stillWorks(page) {
  await mainNav(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
}

test('deeply nested quotes, lists and emphasis are shown, the deeper part as text', async ({ page }) => {
  test.setTimeout(90_000);
  const message = [
    'Nesting test',
    '>'.repeat(5000) + ' bottom of the quotes',
    '- '.repeat(3000) + 'bottom of the lists',
    '*'.repeat(4000) + 'middle of the stars' + '*'.repeat(4000),
  ].join('\n\n');
  const answer = await ask(page, message, 60_000);
  const text = answerText(answer);
  // 32 levels each (the cap), then the markers are text.
  await expect(text.getByRole('blockquote')).toHaveCount(32);
  await expect(text.getByText('>'.repeat(100), { exact: false })).toBeVisible();
  await expect(text.getByText(/bottom of the quotes/)).toBeVisible();
  await expect(text.getByText(/- - - bottom of the lists/)).toBeVisible();
  const lists = await text.getByRole('list').count();
  expect(lists).toBe(32);
  await expect(text.getByText(/middle of the stars/)).toBeVisible();
  await stillWorks(page);
});

test('30,000 unclosed emphasis delimiters stream and show as text', async ({ page }) => {
  test.setTimeout(90_000);
  const answer = await ask(page, 'Please answer with md-stars', 60_000);
  const shown = await answerText(answer).evaluate((el) => el.textContent);
  expect(shown.trim()).toBe(('a* '.repeat(30_000)).trim());
  await stillWorks(page);
});

test('a 3 MB answer is shown as plain text with a note saying why', async ({ page }) => {
  test.setTimeout(300_000);
  const answer = await ask(page, 'Please answer with md-huge', 240_000);
  await expect(answer.getByRole('note').filter({ hasText: 'shown as plain text' })).toBeVisible();
  const text = answerText(answer);
  const shown = await text.evaluate((el) => el.textContent);
  expect(shown.length).toBe(3_000_000);
  expect(shown).toContain('Paragraph 1: *some* **bold** text');
  // Plain text: the Markdown is not formatted.
  await expect(text.getByRole('link')).toHaveCount(0);
  await stillWorks(page);
});

test('a link whose definition comes last becomes a link, and the text around it stays once, in order', async ({ page }) => {
  // While the answer streams, "[the docs][d]" is text; when "[d]: …" arrives the first
  // paragraph is drawn again as a link, and the paragraphs after it are kept and moved.
  const message = [
    'Reference test: see [the docs][d] for more.',
    'A second paragraph stays as it was.',
    '- one item',
    '[d]: https://example.com/docs "The docs"',
  ].join('\n\n');
  const answer = await ask(page, message);
  const text = answerText(answer);
  const link = text.getByRole('link', { name: 'the docs', exact: true });
  await expect(link).toHaveAttribute('href', 'https://example.com/docs');
  await expect(link).toHaveAttribute('title', 'The docs');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  // Each block once, in the order written, and the definition is not shown.
  const blocks = await text.evaluate((el) => [...el.children].map((c) => `${c.tagName}:${c.textContent}`));
  expect(blocks).toEqual([
    'P:Echo: Reference test: see the docs for more.',
    'P:A second paragraph stays as it was.',
    'UL:one item',
  ]);
  await stillWorks(page);
});
