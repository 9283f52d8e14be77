// Demo mode (issue 12): what a person who is not a developer sees. What the owner configured
// is read from the demo AgentOS's own /config (agno's `manifest` and `chat.quick_prompts`),
// never hard-coded here; a server without them (the same /config with both removed, or with
// hostile values) must show the plain chat.
const base = require('./fixtures');
const { expect } = base;
const { api, status, collectErrors } = require('./helpers');

const test = base.connectedTest;

const COLLECTIONS = [['agents', 'agents'], ['teams', 'teams'], ['workflows', 'workflows']];
const nameOf = (c) => c.name || c.id;

/** Every component with what a person should see for it, from the server's /config. */
async function showcase() {
  const config = await api('/config');
  const manifest = config.manifest || {};
  const chatPrompts = (config.chat && config.chat.quick_prompts) || {};
  const out = [];
  for (const [key, collection] of COLLECTIONS) {
    for (const c of config[key] || []) {
      const entry = manifest[c.id] || {};
      const prompts = (entry.quick_prompts && entry.quick_prompts.length ? entry.quick_prompts : chatPrompts[c.id]) || [];
      out.push({
        collection, id: c.id, name: nameOf(c),
        description: entry.description || c.description || null,
        fromManifest: !!entry.description,
        ownDescription: c.description || null,
        labels: entry.labels || [],
        prompts,
        promptSource: entry.quick_prompts && entry.quick_prompts.length ? 'manifest' : (chatPrompts[c.id] ? 'chat' : 'none'),
      });
    }
  }
  return { config, items: out };
}

let errors = [];
test.beforeEach(({ page }) => { errors = collectErrors(page); });
test.afterEach(() => { expect(errors).toEqual([]); });

const prompts = (page) => page.getByRole('group', { name: 'Suggested prompts', exact: true });
const messageBox = (page) => page.getByRole('textbox', { name: 'Message' });
const conversation = (page) => page.getByRole('list', { name: 'Conversation', exact: true });

async function openChat(page, item) {
  await page.goto(`/#/chat/${item.collection}/${encodeURIComponent(item.id)}`);
  await expect(page.getByRole('heading', { level: 1, name: item.name, exact: true })).toBeVisible();
  await expect(status(page)).toContainText('Connected');
}

/** Serves this page a /config with `change(config)` applied (the rest of the server is real). */
async function rewriteConfig(page, change) {
  await page.route((url) => url.pathname === '/config', async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const response = await route.fetch();
    const body = await response.json();
    change(body);
    await route.fulfill({ response, json: body });
  });
}

test('an empty chat shows each component\'s description and quick prompts, from the manifest first', async ({ page }) => {
  const { items } = await showcase();
  // The demo sets them unevenly on purpose: every fallback must be on show.
  expect(items.some((i) => i.promptSource === 'manifest')).toBe(true);
  expect(items.some((i) => i.promptSource === 'chat')).toBe(true);
  expect(items.some((i) => i.promptSource === 'none')).toBe(true);
  expect(items.some((i) => i.fromManifest && i.ownDescription && i.ownDescription !== i.description)).toBe(true);
  expect(items.some((i) => !i.fromManifest && i.ownDescription)).toBe(true);

  for (const item of items) {
    await openChat(page, item);
    if (item.description) {
      await expect(page.getByText(item.description, { exact: true }), item.id).toBeVisible();
    }
    if (item.fromManifest && item.ownDescription && item.ownDescription !== item.description) {
      // The manifest's text for people replaces what the model is told.
      await expect(page.getByText(item.ownDescription, { exact: true })).toHaveCount(0);
    }
    if (item.prompts.length) {
      const group = prompts(page);
      await expect(group.getByRole('button'), item.id).toHaveText(item.prompts);
    } else {
      await expect(prompts(page), item.id).toHaveCount(0);
    }
    await expect(page.getByText('No messages yet')).toBeVisible();
  }
});

test('a quick prompt sends itself, keeps what was typed, and the introduction gives way to the conversation', async ({ page }) => {
  const { items } = await showcase();
  const item = items.find((i) => i.collection === 'agents' && i.prompts.length);
  const prompt = item.prompts[0];
  await openChat(page, item);
  await messageBox(page).fill('a draft I am still writing');
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes(`/agents/${encodeURIComponent(item.id)}/runs`));
  await prompts(page).getByRole('button', { name: prompt, exact: true }).click();
  // The wire carries the prompt as the message.
  expect((await sent).postDataBuffer().toString('utf8')).toContain(prompt);
  const you = conversation(page).getByLabel('You said');
  await expect(you).toHaveText(prompt);
  const answer = page.getByRole('article', { name: `Answer from ${item.name}`, exact: true });
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(answer.getByRole('group', { name: 'Answer text', exact: true })).not.toBeEmpty();
  await expect(messageBox(page)).toHaveValue('a draft I am still writing');
  await expect(prompts(page)).toHaveCount(0);
  await expect(page.getByText('No messages yet')).toHaveCount(0);
});

test('a server without manifest or quick prompts shows the plain chat with the component\'s own description', async ({ page }) => {
  const { items } = await showcase();
  await rewriteConfig(page, (c) => { delete c.manifest; delete c.chat; });
  const item = items.find((i) => i.fromManifest && i.prompts.length && i.ownDescription);
  await openChat(page, item);
  await expect(page.getByText(item.ownDescription, { exact: true })).toBeVisible();
  await expect(page.getByText(item.description, { exact: true })).toHaveCount(0);
  await expect(prompts(page)).toHaveCount(0);
  await expect(page.getByText('No messages yet')).toBeVisible();
});

test('hostile manifest values are shown as text, skipped or capped, and never break the chat', async ({ page }) => {
  const { items } = await showcase();
  const item = items.find((i) => i.collection === 'agents');
  const payload = '<img src=x onerror="window.__pwned=1">';
  await rewriteConfig(page, (c) => {
    c.manifest = {
      [item.id]: { description: payload, labels: 'not a list', quick_prompts: [payload, 42, null, '   ', { x: 1 }, 'x'.repeat(5000), payload] },
      other: 'not an object',
    };
    c.chat = { quick_prompts: 'not a map' };
  });
  await openChat(page, item);
  await expect(page.getByText(payload, { exact: true }).first()).toBeVisible();
  // One button: non-strings, blanks, the overlong prompt and the duplicate are skipped.
  await expect(prompts(page).getByRole('button')).toHaveText([payload]);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  await expect(messageBox(page)).toBeEditable();
});

const cards = (page) => page.getByRole('list', { name: 'What you can talk to', exact: true });
const card = (page, item) => cards(page).getByRole('article', { name: item.name, exact: true });

test('the welcome has one card per agent, team and workflow: name, description, labels and "Start a chat"', async ({ page }) => {
  const { config, items } = await showcase();
  await page.goto('/#/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Welcome', exact: true }).click();
  await expect(page).toHaveURL(/#\/welcome$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome', exact: true })).toBeVisible();
  if (config.description) await expect(page.getByText(config.description, { exact: true })).toBeVisible();
  await expect(cards(page).getByRole('article')).toHaveCount(items.length);
  expect(items.some((i) => i.labels.length)).toBe(true);
  for (const item of items) {
    const c = card(page, item);
    await expect(c.getByRole('heading', { level: 2, name: item.name, exact: true })).toBeVisible();
    if (item.description) await expect(c.getByText(item.description, { exact: true })).toBeVisible();
    if (item.labels.length) {
      await expect(c.getByRole('list', { name: 'Labels' }).getByRole('listitem')).toHaveText(item.labels);
    } else {
      await expect(c.getByRole('list', { name: 'Labels' })).toHaveCount(0);
    }
    await expect(c.getByRole('link', { name: `Start a chat with ${item.name}`, exact: true }))
      .toHaveAttribute('href', `#/chat/${item.collection}/${encodeURIComponent(item.id)}`);
  }
  // Into a chat, with what the owner suggests; and the technical overview is one click away.
  const withPrompts = items.find((i) => i.prompts.length);
  await card(page, withPrompts).getByRole('link', { name: `Start a chat with ${withPrompts.name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: withPrompts.name, exact: true })).toBeVisible();
  await expect(prompts(page).getByRole('button')).toHaveText(withPrompts.prompts);
  await page.goBack();
  await page.getByRole('link', { name: 'Technical overview', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview', exact: true })).toBeVisible();
});

test('the welcome of a server without a manifest shows each component\'s own description and no labels', async ({ page }) => {
  const { items } = await showcase();
  await rewriteConfig(page, (c) => { delete c.manifest; delete c.chat; });
  await page.goto('/#/welcome');
  await expect(cards(page).getByRole('article')).toHaveCount(items.length);
  for (const item of items) {
    const c = card(page, item);
    if (item.ownDescription) await expect(c.getByText(item.ownDescription, { exact: true })).toBeVisible();
    await expect(c.getByRole('list', { name: 'Labels' })).toHaveCount(0);
  }
});

test('every agent, team and workflow page has "Chat with …", which opens that chat', async ({ page }) => {
  const { items } = await showcase();
  for (const item of items) {
    await page.goto(`/#/${item.collection}/${encodeURIComponent(item.id)}`);
    await expect(page.getByRole('heading', { level: 1, name: item.name, exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: `Chat with ${item.name}`, exact: true }))
      .toHaveAttribute('href', `#/chat/${item.collection}/${encodeURIComponent(item.id)}`);
  }
  const last = items[items.length - 1];
  await page.getByRole('link', { name: `Chat with ${last.name}`, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`#/chat/${last.collection}/`));
  await expect(page.getByRole('form', { name: 'Send a message' })).toBeVisible();
});

const suggestions = (page) => page.getByRole('group', { name: 'Follow-up suggestions', exact: true });

/** The agent whose runs carry agno's follow-up suggestions, found by running each agent without tools once. */
async function followupAgent() {
  const { runAgent } = require('./helpers');
  const agents = await api('/agents');
  for (const a of agents.filter((x) => !(x.tools?.tools || []).length)) {
    const run = await runAgent(a.id, 'Hello!', { user: 'e2e-demo-probe', session: `probe-${a.id}-${Date.now()}` });
    if (Array.isArray(run.followups) && run.followups.length) return a;
  }
  return null;
}

test('agno\'s follow-up suggestions appear under the latest answer as buttons that send, live and from history', async ({ page }) => {
  const agent = await followupAgent();
  expect(agent, 'the demo has an agent with follow-up suggestions').not.toBeNull();
  const item = { collection: 'agents', id: agent.id, name: nameOf(agent) };
  await openChat(page, item);
  await messageBox(page).fill('Hello!');
  await messageBox(page).press('Enter');
  const answer = page.getByRole('article', { name: `Answer from ${item.name}`, exact: true });
  await expect(answer.last().getByText('Completed', { exact: true }).first()).toBeVisible({ timeout: 30_000 });

  // What the server stored for this run is what the buttons say.
  const line = page.getByText(/^Session [0-9a-f-]{8,}/);
  await expect(line).toBeVisible();
  const session = (await line.innerText()).replace(/^Session\s+/, '').trim();
  let stored = [];
  await expect.poll(async () => {
    const runs = await api(`/sessions/${encodeURIComponent(session)}/runs`);
    stored = (runs[runs.length - 1] || {}).followups || [];
    return stored.length;
  }).toBeGreaterThan(0);
  await expect(suggestions(page).getByRole('button')).toHaveText(stored);

  // One sends itself; the suggestions then show under the newest answer only.
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes(`/agents/${encodeURIComponent(item.id)}/runs`));
  await suggestions(page).getByRole('button', { name: stored[0], exact: true }).click();
  expect((await sent).postDataBuffer().toString('utf8')).toContain(stored[0]);
  await expect(conversation(page).getByLabel('You said').last()).toHaveText(stored[0]);
  await expect(answer).toHaveCount(2);
  await expect(answer.last().getByText('Completed', { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(suggestions(page)).toHaveCount(1);

  // From history: the stored session shows them under its last answer.
  await page.goto(`/#/chat/agents/${encodeURIComponent(item.id)}?session=${encodeURIComponent(session)}`);
  await expect(conversation(page).getByLabel('You said')).toHaveCount(2);
  await expect(suggestions(page)).toHaveCount(1);
  await expect(suggestions(page).getByRole('button')).not.toHaveCount(0);
});

const humanize = (name) => { const s = name.replace(/[_-]/g, ' ').trim(); return s.charAt(0).toUpperCase() + s.slice(1); };
const leave = (page) => page.getByRole('button', { name: 'Leave presenter mode', exact: true });

test('presenter mode: only the conversation, larger, with friendly tool lines and collapsed reasoning; Esc leaves it', async ({ page }) => {
  const { items } = await showcase();
  const agents = await api('/agents');
  // An agent with a tool, a reasoning model and quick prompts (the demo's calculator, found by what it has).
  const agent = agents.find((a) => (a.tools?.tools || []).length && a.reasoning?.reasoning_model && items.find((i) => i.id === a.id)?.prompts.length);
  expect(agent).toBeTruthy();
  const item = items.find((i) => i.id === agent.id);
  await openChat(page, item);
  const user = `e2e-presenter-${Date.now()}`;
  await page.getByRole('textbox', { name: 'User id' }).fill(user);
  await page.getByRole('textbox', { name: 'User id' }).press('Tab');
  await page.getByRole('button', { name: 'Presenter mode', exact: true }).click();
  await expect(leave(page)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('banner')).toBeHidden();
  await expect(page.getByRole('combobox', { name: 'Chat with' })).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: item.name, exact: true })).toBeVisible();
  await expect(page.getByText(item.description, { exact: true })).toHaveCount(1);
  await expect(page.getByText(item.description, { exact: true })).toBeVisible();
  // Larger text than outside presenter mode.
  const size = await page.getByText(item.description, { exact: true }).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThan(18);

  await prompts(page).getByRole('button', { name: item.prompts[0], exact: true }).click();
  const answer = page.getByRole('article', { name: `Answer from ${item.name}`, exact: true });
  await expect(answer.getByRole('group', { name: 'Answer text', exact: true })).not.toBeEmpty({ timeout: 30_000 });
  await expect(answer.getByLabel('The answer is streaming')).toHaveCount(0, { timeout: 30_000 });
  // The run as stored: its tools read as one friendly line each, its reasoning is collapsed.
  await expect(page.getByText(/^Session [0-9a-f-]{8,}/)).toBeHidden();
  let run = null;
  await expect.poll(async () => {
    const sessions = await api(`/sessions?type=agent&component_id=${encodeURIComponent(agent.id)}&user_id=${user}&limit=1`);
    if (!sessions.data.length) return false;
    const runs = await api(`/sessions/${encodeURIComponent(sessions.data[0].session_id)}/runs`);
    run = runs[runs.length - 1];
    return !!run && String(run.status).toLowerCase() === 'completed';
  }).toBe(true);
  expect((run.tools || []).length).toBeGreaterThan(0);
  const did = answer.getByRole('list', { name: 'What it did' });
  for (const t of run.tools) await expect(did.getByText(`Used ${humanize(t.tool_name)}`, { exact: true })).toBeVisible();
  if (run.reasoning_content) {
    await expect(answer.getByText('How it thought', { exact: true })).toBeVisible();
    await expect(answer.getByText(run.reasoning_content.trim().slice(0, 30))).toBeHidden();
  }
  // Nothing technical: no tool call details, metrics, run status badges or ids.
  await expect(answer.getByRole('list', { name: 'Tool calls' })).toHaveCount(0);
  await expect(answer.getByLabel('Run metrics')).toHaveCount(0);
  await expect(answer.getByText('Completed', { exact: true })).toHaveCount(0);
  await expect(page.getByText(run.run_id)).toHaveCount(0);

  // Esc leaves; the conversation stays, shown in full again.
  await page.keyboard.press('Escape');
  await expect(leave(page)).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(answer.getByRole('list', { name: 'Tool calls' })).toBeVisible();
  await expect(conversation(page).getByLabel('You said')).toHaveText(item.prompts[0]);
});

/**
 * Opens a shared link in a fresh browser profile (nothing saved; Playwright applies the test's
 * options to new contexts, so "no storage" is said explicitly): the connection form has the
 * link's endpoint, and the visitor types the key the link does not carry.
 */
async function visit(browser, link) {
  const { env } = require('./helpers');
  const fresh = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const visitor = await fresh.newPage();
  const visitorErrors = collectErrors(visitor);
  await visitor.goto(link);
  const form = visitor.getByRole('form', { name: 'Connect to AgentOS' });
  await expect(form.getByRole('textbox', { name: 'AgentOS URL' })).toHaveValue(env.API);
  await form.getByLabel('Security key').fill(env.KEY);
  await form.getByRole('button', { name: 'Connect' }).click();
  return { fresh, visitor, visitorErrors };
}

test('"Share this demo" copies a presenter link with the endpoint and never the key; it opens in a fresh browser profile', async ({ page, browser, context }) => {
  const { env } = require('./helpers');
  const { items } = await showcase();
  const item = items.find((i) => i.collection === 'agents' && i.prompts.length);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/#/chat/${item.collection}/${encodeURIComponent(item.id)}?present`);
  await expect(leave(page)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await page.getByRole('button', { name: 'Share this demo', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied.' })).toBeVisible();
  const link = await page.getByRole('textbox', { name: /Demo link/ }).inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const url = new URL(link);
  expect(url.searchParams.get('endpoint')).toBe(env.API);
  expect(url.hash).toBe(`#/chat/${item.collection}/${encodeURIComponent(item.id)}?present`);
  expect(link).not.toContain(env.KEY);

  // A fresh profile: nothing saved. The server needs a key, which the link does not carry.
  const { fresh, visitor, visitorErrors } = await visit(browser, link);
  await expect(visitor.getByRole('heading', { level: 1, name: item.name, exact: true })).toBeVisible();
  await expect(visitor.getByRole('button', { name: 'Leave presenter mode', exact: true })).toBeVisible();
  await expect(visitor.getByRole('navigation', { name: 'Main' })).toBeHidden();
  if (item.description) await expect(visitor.getByText(item.description, { exact: true })).toBeVisible();
  await visitor.getByRole('group', { name: 'Suggested prompts' }).getByRole('button', { name: item.prompts[0], exact: true }).click();
  const answer = visitor.getByRole('article', { name: `Answer from ${item.name}`, exact: true });
  await expect(answer.getByRole('group', { name: 'Answer text', exact: true })).not.toBeEmpty({ timeout: 30_000 });
  // The visible control leaves it, and the address no longer asks for it.
  await visitor.getByRole('button', { name: 'Leave presenter mode', exact: true }).click();
  await expect(visitor.getByRole('navigation', { name: 'Main' })).toBeVisible();
  expect(new URL(visitor.url()).hash).not.toContain('present');
  await expect(answer).toBeVisible();
  expect(visitorErrors).toEqual([]);
  await fresh.close();
});

test('the whole demo, as a visitor meets it: a shared link, what the agent is for, a suggested prompt, a streamed answer with a picture, and nothing technical', async ({ page, browser }) => {
  const { env } = require('./helpers');
  const { items } = await showcase();
  // An agent whose suggested prompts ask for a picture (the demo's Artist, found by its prompts).
  const item = items.find((i) => i.collection === 'agents' && i.prompts.some((p) => /picture/i.test(p)));
  expect(item, 'the server has an agent with a suggested prompt for a picture').toBeTruthy();
  const prompt = item.prompts.find((p) => /picture/i.test(p));

  // 1. The presenter shares the demo link.
  await page.goto(`/#/chat/${item.collection}/${encodeURIComponent(item.id)}?present`);
  await page.getByRole('button', { name: 'Share this demo', exact: true }).click();
  const link = await page.getByRole('textbox', { name: /Demo link/ }).inputValue();
  expect(link).not.toContain(env.KEY);

  // 2. A visitor opens it in a fresh profile (the key is given to them apart from the link).
  const { fresh, visitor, visitorErrors } = await visit(browser, link);

  // 3. They read what the agent is for, and only that: no navigation, header or ids.
  await expect(visitor.getByRole('heading', { level: 1, name: item.name, exact: true })).toBeVisible();
  await expect(visitor.getByText(item.description, { exact: true })).toBeVisible();
  await expect(visitor.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(visitor.getByRole('banner')).toBeHidden();

  // 4. They click a suggested prompt, and the answer streams in.
  await visitor.getByRole('group', { name: 'Suggested prompts' }).getByRole('button', { name: prompt, exact: true }).click();
  const answer = visitor.getByRole('article', { name: `Answer from ${item.name}`, exact: true });
  await expect(answer.getByRole('group', { name: 'Answer text', exact: true })).not.toBeEmpty({ timeout: 30_000 });
  await expect(answer.getByLabel('The answer is streaming')).toHaveCount(0, { timeout: 30_000 });

  // 5. The picture the agent's tool made is under the answer, decoded, with its alt text.
  const media = answer.getByRole('list', { name: 'Media from the run' });
  const img = media.getByRole('img').first();
  await expect(img).toBeVisible();
  expect(await img.getAttribute('alt')).toBeTruthy();
  await expect.poll(() => img.evaluate((el) => el.complete && el.naturalWidth > 0)).toBe(true);

  // 6. Nothing technical on the page: no tool call details, metrics, status badges, ids or JSON.
  await expect(answer.getByRole('list', { name: 'Tool calls' })).toHaveCount(0);
  await expect(answer.getByLabel('Run metrics')).toHaveCount(0);
  await expect(answer.getByText('Completed', { exact: true })).toHaveCount(0);
  await expect(visitor.getByText(/^Session [0-9a-f-]{8,}/)).toBeHidden();
  const text = await visitor.locator('body').innerText();
  expect(text, 'no run or session id on screen').not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  expect(text, 'no JSON on screen').not.toMatch(/[{[]\s*"[a-z_]+"\s*:/);
  expect(text, 'no token counts on screen').not.toMatch(/\btokens?\b/i);
  expect(visitorErrors).toEqual([]);
  await fresh.close();
});
