// Media in the chat (issue 12 §3), against the real demo AgentOS: a tool that returns an
// image (a PNG) and one that returns audio (a WAV), both made by agno's ToolResult; seen live,
// from the stored session and in a continued chat; the full-size view; a tool image whose
// address is javascript: (refused, not loaded); the person's own attachments in their turn.
// The agent is found by its tools (one whose name says it draws, one that plays a sound);
// the stand-in LLM calls a tool whose name contains a word of the message (demo/README.md).
const base = require('./fixtures');
const { expect } = base;
const { api, status, collectErrors, send, sessionId } = require('./helpers');

const test = base.connectedTest;

const tools = (c) => c.tools?.tools || [];
const nameOf = (c) => c.name || c.id;
const ALT = 'An orange sun on a blue sky';

async function artist() {
  const agents = await api('/agents');
  const agent = agents.find((a) => tools(a).some((t) => /draw/.test(t.name)) && tools(a).some((t) => /sound/.test(t.name)));
  expect(agent, 'an agent with a drawing and a sound tool').toBeTruthy();
  return { agent, sound: tools(agent).find((t) => /sound/.test(t.name)).name };
}

let errors = [];
test.beforeEach(({ page }) => {
  errors = collectErrors(page);
});
test.afterEach(() => {
  expect(errors).toEqual([]);
});

async function openChat(page, agent) {
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
  await expect(page.getByRole('heading', { level: 1, name: nameOf(agent), exact: true })).toBeVisible();
  await expect(status(page)).toContainText('Connected');
}

const answerFrom = (page, name) => page.getByRole('article', { name: `Answer from ${name}`, exact: true }).last();


/** The image is on screen and decoded (not a broken image). */
async function expectImage(scope, name) {
  const img = scope.getByRole('img', { name, exact: true }).first();
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el) => el.complete && el.naturalWidth)).toBe(64);
  expect(await img.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  return img;
}

/** The audio player is there with controls and its metadata loads (0.4 s). */
async function expectAudio(scope, name) {
  const audio = scope.getByLabel(name, { exact: true });
  await expect(audio).toBeVisible();
  expect(await audio.evaluate((el) => el.tagName + ':' + el.controls)).toBe('AUDIO:true');
  await expect.poll(() => audio.evaluate((el) => Math.round((el.duration || 0) * 10) / 10)).toBe(0.4);
}

test('a tool image and a tool sound show live, from the stored session and in a continued chat', async ({ page }) => {
  const { agent, sound } = await artist();
  await openChat(page, agent);

  await send(page, 'Please draw a picture');
  let answer = answerFrom(page, nameOf(agent));
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible();
  const media = answer.getByRole('list', { name: 'Media from the run' });
  const img = await expectImage(media, ALT);

  // The full-size view opens as a dialog and Esc closes it.
  await media.getByRole('button', { name: `View full size: ${ALT}` }).click();
  const dialog = page.getByRole('dialog', { name: ALT });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('img', { name: ALT })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // ... and so does its Close button.
  await media.getByRole('button', { name: `View full size: ${ALT}` }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(img).toBeVisible();

  const audioName = `Audio from ${sound}`;
  await send(page, 'Play a sound');
  answer = answerFrom(page, nameOf(agent));
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible();
  await expectAudio(answer, audioName);

  // From history: the session page shows both, as the server stored them.
  const id = await sessionId(page);
  await page.goto(`/#/sessions/${encodeURIComponent(id)}`);
  const transcript = page.getByRole('list', { name: 'Conversation', exact: true });
  await expect(transcript.getByRole('article')).toHaveCount(2);
  await expectImage(transcript, ALT);
  await expectAudio(transcript, audioName);
  // A reload reads it again.
  await page.reload();
  await expectImage(transcript, ALT);
  await expectAudio(transcript, audioName);

  // Continued in the chat: the earlier turns show their media too.
  await page.getByRole('link', { name: 'Continue this chat' }).click();
  await expect(page.getByRole('heading', { level: 1, name: nameOf(agent), exact: true })).toBeVisible();
  await expectImage(page.getByRole('list', { name: 'Conversation', exact: true }), ALT);
  await expectAudio(page.getByRole('list', { name: 'Conversation', exact: true }), audioName);
});

test('a tool image with a javascript: address is not shown and not loaded', async ({ page }) => {
  const { agent } = await artist();
  await openChat(page, agent);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await send(page, 'Show a broken picture');
  const answer = answerFrom(page, nameOf(agent));
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible();
  await expect(answer.getByText(/^Media not shown \(hostile picture\)/)).toBeVisible();
  await expect(answer.getByRole('img')).toHaveCount(0);
  await expect(page.locator('[src^="javascript:" i], [href^="javascript:" i]')).toHaveCount(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(requests.filter((u) => u.startsWith('javascript:'))).toEqual([]);

  // The same from the stored run.
  const id = await sessionId(page);
  await page.goto(`/#/sessions/${encodeURIComponent(id)}`);
  const transcript = page.getByRole('list', { name: 'Conversation', exact: true });
  await expect(transcript.getByText(/^Media not shown \(hostile picture\)/)).toBeVisible();
  await expect(transcript.getByRole('img')).toHaveCount(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test("the person's attachments show in their turn, live and from history", async ({ page }) => {
  const agents = await api('/agents');
  const plain = agents.find((a) => tools(a).length === 0) || agents[0];
  await openChat(page, plain);
  const png = await page.evaluate(async () => {
    // A 2x2 PNG drawn here, so the test needs no file on disk.
    const c = document.createElement('canvas');
    c.width = 2; c.height = 2;
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  await page.getByLabel('Attach files').setInputFiles([
    { name: 'dot.png', mimeType: 'image/png', buffer: Buffer.from(png) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello notes\n') },
  ]);
  await send(page, 'Look at these attachments');
  const mine = page.getByRole('list', { name: 'Your attachments' }).last();
  await expect(mine.getByRole('img', { name: 'dot.png' })).toBeVisible();
  await expect(mine.getByText(/notes\.txt/)).toBeVisible();
  await expect(answerFrom(page, nameOf(plain)).getByText('Completed', { exact: true }).first()).toBeVisible();

  const id = await sessionId(page);
  await page.goto(`/#/sessions/${encodeURIComponent(id)}`);
  const stored = page.getByRole('list', { name: 'Your attachments' });
  const thumb = stored.getByRole('img');
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((el) => el.complete && el.naturalWidth)).toBe(2);
  const file = stored.getByRole('link', { name: 'Download notes.txt (12 B)' });
  await expect(file).toHaveAttribute('href', /^blob:/);
  await expect(file).toHaveAttribute('download', 'notes.txt');
  const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
  const body = await (await download.createReadStream()).toArray();
  expect(Buffer.concat(body).toString()).toBe('hello notes\n');
});
