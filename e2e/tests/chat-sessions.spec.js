// Inside the chat: the side list of this component's earlier chats for the chat's user
// (newest first, paged, each opening in the chat, the current one marked, "New chat"), and
// the session's state, metadata and summary ("Session details"), with the state edited
// through PATCH /sessions/{id}. Sessions are seeded through the API under a user id of
// their own, so specs that count sessions (by their own names or users) are not disturbed.
const base = require('./fixtures');
const { expect } = base;
const { api, apiSend, apiAnswer, env, status, collectErrors } = require('./helpers');

// Every test starts connected (fixtures.js, connectedTest).
const test = base.connectedTest;

const tools = (c) => c.tools?.tools || [];
const nameOf = (c) => c.name || c.id;
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const unique = (what) => `e2e-${what}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A plain agent (no tools: it answers with text) and another one. */
async function agents() {
  const all = await api('/agents');
  const plain = all.find((a) => tools(a).length === 0) || all[0];
  return { plain, other: all.find((a) => a.id !== plain.id) };
}

/** Runs an agent without streaming, as `user`, in a session of its own; returns the session id. */
async function runAs(agent, user, message) {
  const form = new FormData();
  form.set('message', message);
  form.set('stream', 'false');
  form.set('user_id', user);
  const run = await apiSend('POST', `/agents/${encodeURIComponent(agent.id)}/runs`, form);
  return run.session_id;
}

/** Creates an empty session through the API; returns its id. */
async function createSession(agent, body) {
  const s = await apiSend('POST', '/sessions?type=agent', { agent_id: agent.id, ...body });
  return s.session_id;
}

async function openChat(page, agent, query = '') {
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}${query}`);
  await expect(page.getByRole('heading', { level: 1, name: nameOf(agent), exact: true })).toBeVisible();
  await expect(status(page)).toContainText('Connected');
}

async function setUser(page, user) {
  const box = page.getByRole('textbox', { name: 'User id' });
  await box.fill(user);
  await box.press('Tab');
}

/** Holds GET /sessions/{sid} (the session, which names its user) until the returned function is called. */
async function holdSession(page, sid) {
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  await page.route(new RegExp(`^${escape(env.API)}/sessions/${escape(sid)}(\\?.*)?$`), async (route) => {
    if (route.request().method() === 'GET') await gate;
    return route.continue();
  });
  return release;
}

/** The run requests the page posts to `agent`, as they go out. */
function runPosts(page, agent) {
  const posts = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && req.url().startsWith(`${env.API}/agents/${encodeURIComponent(agent.id)}/runs`)) posts.push(req);
  });
  return posts;
}

const side = (page) => page.getByRole('navigation', { name: 'Earlier chats' });
const conversation = (page) => page.getByRole('list', { name: 'Conversation', exact: true });
const details = (page) => page.getByText('Session details', { exact: true });

let errors = [];
test.beforeEach(({ page }) => {
  errors = collectErrors(page);
});

test('the side list shows this agent\'s earlier chats for the user, newest first, and opens one', async ({ page }) => {
  test.setTimeout(60_000);
  const { plain, other } = await agents();
  const user = unique('side');
  const tag = unique('t');
  // Three sessions a second apart (agno stores times in seconds), oldest first.
  const first = `First chat ${tag}`;
  const a = await runAs(plain, user, first);
  await sleep(1_100);
  const second = `Second chat ${tag}`;
  await createSession(plain, { user_id: user, session_name: second });
  await sleep(1_100);
  const third = `Third chat ${tag}`;
  await runAs(plain, user, third);
  // Not in the list: another user's session with this agent, this user's with another agent.
  await runAs(plain, unique('someone'), `Not mine ${tag}`);
  if (other) await createSession(other, { user_id: user, session_name: `Other agent ${tag}` });

  await openChat(page, plain);
  await setUser(page, user);
  const links = side(page).getByRole('link');
  await expect(links).toHaveText([new RegExp(escape(third)), new RegExp(escape(second)), new RegExp(escape(first))]);
  // What the server lists for this agent and user, in the same order.
  const listed = await api(`/sessions?type=agent&component_id=${encodeURIComponent(plain.id)}&user_id=${user}&sort_by=updated_at&sort_order=desc`);
  expect(listed.data.map((s) => s.session_name)).toEqual([third, second, first]);
  await expect(side(page).locator('[aria-current]')).toHaveCount(0);

  // Opening one continues it in the chat: its turns appear, it is marked as the current one.
  await side(page).getByRole('link', { name: new RegExp(escape(first)) }).click();
  await expect(page).toHaveURL(new RegExp(`session=${a}`));
  await expect(conversation(page).getByLabel('You said')).toHaveText(first);
  await expect(conversation(page).getByRole('article', { name: `Answer from ${nameOf(plain)}` })).toContainText(`Echo: ${first}`);
  await expect(side(page).getByRole('link', { name: new RegExp(escape(first)) })).toHaveAttribute('aria-current', 'page');

  // New chat starts empty, in no session; nothing in the list is current.
  await side(page).getByRole('button', { name: 'New chat', exact: true }).click();
  await expect(page).not.toHaveURL(/session=/);
  await expect(page.getByText('No messages yet', { exact: true })).toBeVisible();
  await expect(conversation(page).getByRole('listitem')).toHaveCount(0);
  await expect(page.getByText('New session: it starts with your first message.')).toBeVisible();
  await expect(side(page).locator('[aria-current]')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('"More" shows older chats, and a finished turn adds its new session at the top', async ({ page }) => {
  test.setTimeout(60_000);
  const { plain } = await agents();
  const user = unique('more');
  const tag = unique('m');
  for (let i = 1; i <= 11; i++) {
    await createSession(plain, { user_id: user, session_name: `${tag} ${String(i).padStart(2, '0')}` });
  }

  await openChat(page, plain);
  await setUser(page, user);
  const links = side(page).getByRole('link');
  await expect(links).toHaveCount(10);
  await side(page).getByRole('button', { name: 'More', exact: true }).click();
  await expect(links).toHaveCount(11);
  await expect(side(page).getByRole('button', { name: 'More', exact: true })).toHaveCount(0);

  const message = `Hello from the side list ${tag}`;
  await page.getByRole('textbox', { name: 'Message' }).fill(message);
  await page.keyboard.press('Enter');
  await expect(conversation(page).getByRole('article').last()).toContainText('Completed', { timeout: 30_000 });
  await expect(links).toHaveCount(12);
  await expect(links.first()).toContainText(message);
  await expect(links.first()).toHaveAttribute('aria-current', 'page');
  // The new session's details, once the server has it.
  await details(page).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('No summary');
  const listed = await api(`/sessions?type=agent&component_id=${encodeURIComponent(plain.id)}&user_id=${user}&limit=1`);
  expect(listed.data[0].session_name).toBe(message);
  expect(errors).toEqual([]);
});

test('session details show state, metadata and summary; the state is checked, saved and read back', async ({ page }) => {
  test.setTimeout(60_000);
  const { plain } = await agents();
  const user = unique('state');
  const sid = await createSession(plain, {
    user_id: user,
    session_name: unique('details'),
    session_state: { cart: ['milk'], note: '<b>not html</b>' },
    metadata: { source: 'e2e' },
  });
  // A summary, as agno stores one (the demo's fake LLM writes none).
  await apiSend('PATCH', `/sessions/${sid}?type=agent&user_id=${user}`, {
    summary: { summary: 'The user keeps a shopping cart.', topics: ['shopping'] },
  });

  await openChat(page, plain, `?session=${sid}`);
  await details(page).click();
  const state = page.getByRole('region', { name: 'Session state' });
  await expect(state).toContainText('"cart": [');
  await expect(state).toContainText('"note": "<b>not html</b>"');
  await expect(page.locator('b', { hasText: 'not html' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Metadata' })).toContainText('"source": "e2e"');
  const summary = page.getByRole('region', { name: 'Summary' });
  await expect(summary).toContainText('The user keeps a shopping cart.');
  await expect(summary.getByRole('list', { name: 'Topics' })).toHaveText('shopping');

  // Invalid JSON, or JSON that is not an object: refused, nothing sent.
  const patches = [];
  page.on('request', (r) => { if (r.method() === 'PATCH') patches.push(r.url()); });
  await state.getByRole('button', { name: 'Edit state' }).click();
  const box = page.getByRole('textbox', { name: 'Session state (a JSON object)' });
  await expect(box).toHaveValue(/"cart"/);
  await box.fill('{"cart": [');
  await page.getByRole('button', { name: 'Save state' }).click();
  await expect(page.getByRole('alert')).toContainText('Session state is not valid JSON');
  await expect(page.getByRole('alert')).toContainText('Nothing was sent.');
  await box.fill('["milk"]');
  await page.getByRole('button', { name: 'Save state' }).click();
  await expect(page.getByRole('alert')).toContainText('Session state must be a JSON object');
  expect(patches).toEqual([]);

  // A JSON object is saved; the server's answer is shown, and the server has it.
  await box.fill('{"cart": ["milk", "bread"], "step": 2}');
  const saved = page.waitForResponse((r) => r.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Save state' }).click();
  expect((await saved).status()).toBe(200);
  await expect(box).toHaveCount(0);
  await expect(state).toContainText('"bread"');
  await expect(state).toContainText('"step": 2');
  const stored = await api(`/sessions/${sid}?type=agent`);
  expect(stored.session_state).toEqual({ cart: ['milk', 'bread'], step: 2 });
  expect(patches).toHaveLength(1);
  expect(patches[0]).toContain(`user_id=${user}`);

  // The session page shows the same, open.
  await page.goto(`/#/sessions/${encodeURIComponent(sid)}`);
  await expect(page.getByRole('region', { name: 'Session state' })).toContainText('"bread"');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('The user keeps a shopping cart.');

  // A refusal from the server shows its reason: the session is gone meanwhile.
  await page.getByRole('button', { name: 'Edit state' }).click();
  await apiSend('DELETE', `/sessions/${sid}?user_id=${user}`);
  await page.getByRole('textbox', { name: 'Session state (a JSON object)' }).fill('{"x": 1}');
  await page.getByRole('button', { name: 'Save state' }).click();
  await expect(page.getByRole('alert')).toContainText(`Session with id '${sid}' not found`);
  await expect(page.getByRole('textbox', { name: 'Session state (a JSON object)' })).toHaveValue('{"x": 1}');
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});

test('presenter mode shows neither the side list nor the session details; narrow screens fold the list', async ({ page }) => {
  const { plain } = await agents();
  const user = unique('present');
  const sid = await createSession(plain, { user_id: user, session_name: unique('p'), session_state: { k: 1 } });

  await openChat(page, plain, `?session=${sid}`);
  await expect(side(page)).toBeVisible();
  await expect(details(page)).toBeVisible();
  await page.getByRole('button', { name: 'Presenter mode', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Leave presenter mode', exact: true })).toBeVisible();
  await expect(side(page)).toHaveCount(0);
  await expect(details(page)).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(side(page)).toBeVisible();

  // A phone: the list folds behind a button that says whether it is open.
  await page.setViewportSize({ width: 420, height: 800 });
  const toggle = side(page).getByRole('button', { name: 'Earlier chats', exact: true });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(side(page).getByRole('link')).toHaveCount(0);
  await expect(side(page).getByRole('button', { name: 'New chat', exact: true })).toBeVisible();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(side(page).getByRole('link').first()).toBeVisible();
  expect(errors).toEqual([]);
});

test('a stored session whose runs fail to load says why; a message sent meanwhile stays, and Retry shows the session before it, once each', async ({ page }) => {
  const { plain } = await agents();
  const user = unique('retry');
  const sid = await runAs(plain, user, 'Hello from before the failure');
  // The session's runs answer 500 once (with the CORS headers a real server sends).
  let failures = 1;
  await page.route(`${env.API}/sessions/${sid}/runs**`, async (route) => {
    if (route.request().method() !== 'GET' || failures === 0) return route.continue();
    failures -= 1;
    return route.fulfill(apiAnswer(500, { detail: 'Internal Server Error' }));
  });
  await openChat(page, plain, `?session=${sid}`);
  const failed = page.getByRole('alert').filter({ hasText: 'The server failed' });
  await expect(failed).toBeVisible();
  await expect(conversation(page).getByLabel('You said')).toHaveCount(0);

  // The chat goes on in the session meanwhile.
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('And a message sent meanwhile');
  await box.press('Enter');
  const answers = conversation(page).getByRole('article', { name: `Answer from ${nameOf(plain)}`, exact: true });
  await expect(answers.last().getByText('Completed', { exact: true }).first()).toBeVisible();

  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(failed).toHaveCount(0);
  const said = conversation(page).getByLabel('You said');
  await expect(said).toHaveCount(2);
  await expect(said.first()).toContainText('Hello from before the failure');
  await expect(said.last()).toContainText('And a message sent meanwhile');
  await expect(answers).toHaveCount(2);
  expect(errors.filter((e) => !e.includes('500'))).toEqual([]);
});

test('a stored session on its way shows "Loading the session…", not an empty chat, at first and on Retry', async ({ page }) => {
  const { plain } = await agents();
  const user = unique('loading');
  const sid = await runAs(plain, user, 'Hello from a slow session');
  // The session's runs are held until the test lets them go: the first answers 500, the second
  // (Retry) is the server's own.
  const held = [];
  await page.route(`${env.API}/sessions/${sid}/runs**`, async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const first = held.length === 0;
    await new Promise((release) => held.push(release));
    return first ? route.fulfill(apiAnswer(500, { detail: 'Internal Server Error' })) : route.continue();
  });
  await openChat(page, plain, `?session=${sid}`);
  const loading = page.getByText('Loading the session…', { exact: true });
  await expect(loading).toBeVisible();
  await expect(page.getByText('No messages yet', { exact: true })).toHaveCount(0);

  await expect.poll(() => held.length).toBe(1);
  held[0]();
  const failed = page.getByRole('alert').filter({ hasText: 'The server failed' });
  await expect(failed).toBeVisible();
  await expect(loading).toHaveCount(0);

  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(failed).toHaveCount(0);
  await expect(loading).toBeVisible();
  await expect.poll(() => held.length).toBe(2);
  held[1]();
  const said = conversation(page).getByLabel('You said');
  await expect(said).toHaveCount(1);
  await expect(said.first()).toContainText('Hello from a slow session');
  await expect(loading).toHaveCount(0);
  await expect(page.getByText('No messages yet', { exact: true })).toHaveCount(0);
  expect(errors.filter((e) => !e.includes('500'))).toEqual([]);
});

test('a message sent before the continued session has answered waits for it, and goes out as the session\'s user', async ({ page }) => {
  const { plain } = await agents();
  const user = unique('waits');
  const sid = await runAs(plain, user, 'Hello from the session\'s own user');
  // This browser's user id is someone else's.
  await page.addInitScript(() => localStorage.setItem('agentos-dashboard.user_id', 'someone-else'));
  // The session (GET /sessions/{id}, which names its user) is held until the test lets it go.
  const release = await holdSession(page, sid);
  const posts = runPosts(page, plain);
  await openChat(page, plain, `?session=${sid}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('A message sent at once');
  await box.press('Enter');
  await expect(conversation(page).getByLabel('You said').filter({ hasText: 'A message sent at once' })).toBeVisible();
  await sleep(1500);
  expect(posts, 'nothing is sent before the session has said whose it is').toHaveLength(0);

  release();
  await expect.poll(() => posts.length).toBe(1);
  const sent = (posts[0].postData() || '').match(/name="user_id"\r?\n\r?\n([^\r\n]*)/);
  expect(sent, 'the run request has a user_id field').not.toBeNull();
  expect(sent[1]).toBe(user);
  await expect(page.getByRole('textbox', { name: 'User id' })).toHaveValue(user);
  // The stored turn and the new one, answered, in the same session.
  const said = conversation(page).getByLabel('You said');
  await expect(said).toHaveCount(2);
  await expect(said.first()).toContainText('Hello from the session\'s own user');
  const answers = conversation(page).getByRole('article', { name: `Answer from ${nameOf(plain)}`, exact: true });
  await expect(answers.last().getByText('Completed', { exact: true }).first()).toBeVisible();
  // Stored in that session, as its second run.
  expect(await api(`/sessions/${sid}/runs?type=agent`)).toHaveLength(2);
  expect(errors).toEqual([]);
});

test('Stop while a message waits for the continued session: it is never sent, and comes back to the box', async ({ page }) => {
  const { plain } = await agents();
  const user = unique('stopwait');
  const sid = await runAs(plain, user, 'Hello before a stop');
  // The session (GET /sessions/{id}, which names its user) is held until the test lets it go.
  const release = await holdSession(page, sid);
  const posts = runPosts(page, plain);
  await openChat(page, plain, `?session=${sid}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('A message stopped before it went');
  await box.press('Enter');
  await expect(conversation(page).getByLabel('You said').filter({ hasText: 'A message stopped before it went' })).toBeVisible();
  await expect(box).toHaveValue('');
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  // Ended at once, not when the session answers: the message is back, nothing was sent.
  await expect(page.getByRole('alert').filter({ hasText: 'The request was cancelled.' })).toBeVisible();
  await expect(box).toHaveValue('A message stopped before it went');
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
  release();
  await expect(conversation(page).getByLabel('You said').filter({ hasText: 'Hello before a stop' })).toBeVisible();
  await sleep(1500);
  expect(posts, 'a stopped message is never sent').toHaveLength(0);
  expect(await api(`/sessions/${sid}/runs?type=agent`)).toHaveLength(1);
  expect(errors).toEqual([]);
});
