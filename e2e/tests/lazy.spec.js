// Code splitting: the first load carries the shell, the connection form and the page's
// area (the overview is one: its pack, one request); every other area's wasm chunk (split_<area>-<hash>.wasm, scripts/split-wasm.sh) is
// fetched on first navigation there, or when the browser is idle after the first page.
const { test, expect } = require('./fixtures');
const { api, connect, mainNav, collectErrors, runAgent, send } = require('./helpers');

/** The wasm files the page fetches, in order (file names only). */
function wasmRequests(page) {
  const seen = [];
  page.on('request', (req) => {
    const name = new URL(req.url()).pathname.split('/').pop();
    if (name.endsWith('.wasm')) seen.push(name);
  });
  return seen;
}
const chunkOf = (area) => (name) => name.startsWith(`split_${area}-`);
/** What the chat page asks for as it opens: its running part, its turns' view and its side column's code. */
const CHAT_AFTER = 'pack_run_and_turns_and_sessions-';

/**
 * A session of the server's first agent with one run of `message` (its id starts with `label`),
 * then the app connected and left (`freshLoad`).
 */
async function storedSessionThenFreshLoad(page, label, message) {
  const agent = (await api('/agents'))[0];
  const session = `${label}-${Date.now()}`;
  await runAgent(agent.id, message, { user: 'lazy-spec', session });
  await connect(page);
  await freshLoad(page);
  return { agent, session };
}

/** Holds the wasm files whose names match `pattern` until the returned function is called. */
async function holdWasm(page, pattern) {
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  await page.route(pattern, async (route) => {
    await gate;
    return route.continue();
  });
  return release;
}

/** Leaves the app (already connected), so the next goto is a first load, with no idle prefetch. */
async function freshLoad(page) {
  await page.goto('about:blank');
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
}

test('an area loads its code only when opened, and then works', async ({ page }) => {
  // No idle time ever comes: nothing is prefetched, so every chunk is fetched on navigation.
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  const errors = collectErrors(page);
  const wasm = wasmRequests(page);
  await connect(page);

  // The connection form (#/connect) is in the main module; the overview, where connecting
  // lands, is an area: its code came then, and no other area's.
  expect(wasm.filter((n) => n.endsWith('_bg.wasm'))).toHaveLength(1);
  expect(wasm.filter(chunkOf('overview'))).toHaveLength(1);
  expect(wasm.filter((n) => n.startsWith('split_') && !chunkOf('overview')(n))).toEqual([]);
  const before = wasm.length;

  await mainNav(page).getByRole('link', { name: 'Traces' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Traces' })).toBeVisible();
  await expect(page.getByRole('search', { name: 'Filter traces' })).toBeVisible();
  expect(wasm.slice(before).filter(chunkOf('traces'))).toHaveLength(1);
  expect(wasm.filter(chunkOf('metrics'))).toEqual([]);

  await mainNav(page).getByRole('link', { name: 'Metrics' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Metrics' })).toBeVisible();
  expect(wasm.filter(chunkOf('metrics'))).toHaveLength(1);

  // Back to a loaded area: its chunk is not fetched again.
  await mainNav(page).getByRole('link', { name: 'Traces' }).click();
  await expect(page.getByRole('search', { name: 'Filter traces' })).toBeVisible();
  expect(wasm.filter(chunkOf('traces'))).toHaveLength(1);
  expect(errors).toEqual([]);
});

test('once the first page is ready, the other areas are prefetched while the browser is idle', async ({ page }) => {
  const errors = collectErrors(page);
  const wasm = wasmRequests(page);
  await connect(page);
  for (const area of ['catalog', 'chat', 'run', 'sessions', 'session', 'turns', 'traces', 'memories', 'knowledge', 'metrics', 'approvals', 'evals', 'schedules']) {
    await expect.poll(() => wasm.filter(chunkOf(area)).length, { message: `${area} chunk prefetched` }).toBe(1);
  }
  const fetched = wasm.length;
  await mainNav(page).getByRole('link', { name: 'Sessions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
  expect(wasm.length, 'no wasm fetched on navigation after the prefetch').toBe(fetched);
  expect(errors).toEqual([]);
});

test('an area whose code cannot be fetched says so, and Retry loads it', async ({ page }) => {
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  let block = true;
  await page.route(/split_memories-[0-9a-f]+\.wasm$/, (route) => (block ? route.abort('failed') : route.continue()));
  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Memories' }).click();
  const notice = page.getByRole('alert').filter({ hasText: 'This page could not be loaded.' });
  await expect(notice).toBeVisible();
  // The rest of the app still works (a failed load is not a crash).
  await expect(mainNav(page).getByRole('link', { name: 'Overview' })).toBeVisible();
  block = false;
  await notice.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Memories' })).toBeVisible();
  await expect(notice).toHaveCount(0);
});

test('a deep link starts its area code and the first checks of the server before the wasm runs, each once', async ({ page }) => {
  const errors = collectErrors(page);
  await connect(page); // saves the server (with its key) as the last one used
  await freshLoad(page); // every wasm request below is the first load's
  const { env } = require('./helpers');
  const wasm = wasmRequests(page);
  const api = [];
  const styles = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.endsWith('.css')) styles.push(url.pathname);
    if (req.url().startsWith(env.API)) api.push({ path: url.pathname, key: 'authorization' in req.headers(), at: wasm.length });
  });
  await page.goto('/#/agents');
  await expect(page.getByRole('heading', { level: 1, name: 'Agents' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection status' })).toContainText('Connected');
  // The catalog's code was asked for before the app had connected (it used to wait for the
  // catalog), in one request: its pack (scripts/split-wasm.sh), before the first keyed request.
  const firstKeyed = api.findIndex((r) => r.key);
  expect(firstKeyed).toBeGreaterThan(-1);
  expect(wasm.slice(0, api[firstKeyed].at).filter((n) => n.startsWith('pack_catalog-'))).toHaveLength(1);
  // The first load is two wasm requests, the main module and that pack: none per chunk.
  expect(wasm.filter((n) => !n.endsWith('_bg.wasm') && !n.startsWith('pack_catalog-'))).toEqual([]);
  expect(wasm).toHaveLength(2);
  // Two stylesheets: the shell's, and the rest of style/*.css joined into one
  // (scripts/split-wasm.sh).
  expect(styles.map((p) => p.replace(/-[0-9a-f]+\.css$/, ''))).toEqual(['/shell', '/style']);
  // /health and /info: once each, without the key; everything after them with it.
  for (const path of ['/health', '/info']) {
    expect(api.filter((r) => r.path === path).map((r) => r.key)).toEqual([false]);
  }
  expect(api.filter((r) => r.path === '/agents').map((r) => r.key)).toEqual([true]);
  expect(errors).toEqual([]);
});

test('when an area\'s pack cannot be fetched, its chunks come one by one and the page works', async ({ page }) => {
  await connect(page);
  await freshLoad(page);
  let packs = 0;
  await page.route(/pack_[a-z]+-[0-9a-f]+\.wasm$/, (route) => {
    packs += 1;
    return route.abort('failed');
  });
  const wasm = wasmRequests(page);
  await page.goto('/#/memories');
  await expect(page.getByRole('heading', { level: 1, name: 'Memories' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'This page could not be loaded.' })).toHaveCount(0);
  expect(packs).toBe(1);
  expect(wasm.filter(chunkOf('memories'))).toHaveLength(1);
  expect(wasm.filter((n) => n.startsWith('chunk_')).length).toBeGreaterThan(0);
});

test('a stored session\'s deep link loads its page with its conversation in one request, and not the sessions list\'s code', async ({ page }) => {
  const errors = collectErrors(page);
  const { agent, session } = await storedSessionThenFreshLoad(page, 'lazy-deep', 'Hello from the lazy spec');
  const wasm = wasmRequests(page);
  await page.goto(`/#/sessions/${encodeURIComponent(session)}`);
  const conversation = page.getByRole('list', { name: 'Conversation' });
  await expect(conversation).toBeVisible();
  await expect(conversation.getByLabel('You said')).toContainText('Hello from the lazy spec');
  // The main module and the session area's pack, nothing else.
  expect(wasm.filter((n) => n.startsWith('pack_session-'))).toHaveLength(1);
  expect(wasm).toHaveLength(2);
  expect(errors).toEqual([]);

  // The sessions list does not carry a session's page: a fresh load of it fetches the sessions
  // pack only.
  await page.goto('about:blank');
  const again = wasmRequests(page);
  await page.goto('/#/sessions');
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
  expect(again.filter((n) => n.startsWith('pack_sessions-'))).toHaveLength(1);
  expect(again.filter((n) => n.startsWith('split_session-') || n.startsWith('pack_session-'))).toEqual([]);
});

test('a stored session whose page\'s code cannot be fetched from the sessions list says so, and Retry shows it with its conversation', async ({ page }) => {
  const errors = collectErrors(page);
  const { agent, session } = await storedSessionThenFreshLoad(page, 'lazy-transcript', 'Hello from the missing transcript');
  let block = true;
  await page.route(/split_session-[0-9a-f]+\.wasm$/, (route) => (block ? route.abort('failed') : route.continue()));
  await page.goto('/#/sessions');
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
  await page.evaluate((id) => { location.hash = `#/sessions/${encodeURIComponent(id)}`; }, session);
  const notice = page.getByRole('alert').filter({ hasText: 'This page could not be loaded.' });
  await expect(notice).toBeVisible();
  // The shell is there: the navigation still works.
  await expect(mainNav(page).getByRole('link', { name: 'Sessions' })).toBeVisible();
  block = false;
  await notice.getByRole('button', { name: 'Retry' }).click();
  await expect(notice).toHaveCount(0);
  const conversation = page.getByRole('list', { name: 'Conversation' });
  await expect(conversation.getByLabel('You said')).toContainText('Hello from the missing transcript');
  await expect(page.getByText(session).first()).toBeVisible();
  expect(errors.filter((e) => !/split_session|Failed to fetch|ERR_FAILED/.test(e))).toEqual([]);
});

test('the chat shows before its running code; a message sent when that code cannot be fetched comes back to the box, and Retry sends it', async ({ page }) => {
  const agent = (await api('/agents'))[0];
  const name = agent.name || agent.id;
  await connect(page);
  await freshLoad(page);
  // The chat controller's running part (the `run` area: posting and streaming runs), in the
  // pack the page asks for as it opens and, that failing, as its own file.
  let block = true;
  await page.route(/(split_run|pack_run_and_turns_and_sessions)-[0-9a-f]+\.wasm$/, (route) => (block ? route.abort('failed') : route.continue()));
  const wasm = wasmRequests(page);
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeVisible();
  // The page's first load was the main module and the chat's pack; the running part and the
  // conversation's view were asked for after it.
  expect(wasm.slice(0, 2).filter((n) => n.endsWith('_bg.wasm') || n.startsWith('pack_chat-'))).toHaveLength(2);
  await expect.poll(() => wasm.filter(chunkOf('run')).length).toBeGreaterThan(0);
  expect(wasm.slice(0, 2).filter(chunkOf('run'))).toEqual([]);
  expect(wasm.filter((n) => n.startsWith(CHAT_AFTER))).toHaveLength(1);

  await send(page, 'Hello from the lazy chat');
  const failed = page.getByRole('alert').filter({ hasText: 'did not arrive' });
  await expect(failed).toBeVisible();
  // Nothing typed is lost: the message is back in the box, and the turn offers Retry.
  await expect(box).toHaveValue('Hello from the lazy chat');
  await expect(page.getByRole('list', { name: 'Conversation', exact: true }).getByLabel('You said')).toContainText('Hello from the lazy chat');

  block = false;
  await page.getByRole('button', { name: 'Retry' }).click();
  const answer = page.getByRole('article', { name: `Answer from ${name}`, exact: true }).last();
  await expect(answer).toBeVisible();
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible();
});

test('Stop while the running code is on its way: the message is never sent, and comes back to the box', async ({ page }) => {
  const agent = (await api('/agents'))[0];
  await connect(page);
  await freshLoad(page);
  // The running part is held (not refused) until the test lets it go.
  const release = await holdWasm(page, /(split_run|pack_run_and_turns_and_sessions)-[0-9a-f]+\.wasm$/);
  const posts = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && req.url().includes(`/agents/${encodeURIComponent(agent.id)}/runs`)) posts.push(req.url());
  });
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeVisible();
  await send(page, 'Hello, then stop');
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  // Ended at once: the message is back in the box (the turn's view comes with the held code).
  await expect(box).toHaveValue('Hello, then stop');
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
  // The code arrives after the stop: still nothing is sent; the turn says it was cancelled, and
  // the chat works.
  release();
  await expect(page.getByRole('alert').filter({ hasText: 'The request was cancelled.' })).toBeVisible();
  await page.waitForTimeout(1500);
  expect(posts, 'a stopped message is never sent').toEqual([]);
  await expect(page.getByRole('list', { name: 'Conversation', exact: true }).getByLabel('You said')).toHaveCount(1);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const answer = page.getByRole('article', { name: `Answer from ${agent.name || agent.id}`, exact: true }).last();
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible();
  expect(posts).toHaveLength(1);
});

test('the conversation keeps its place while the side column\'s code is on its way: nothing moves when it arrives', async ({ page }) => {
  const agent = (await api('/agents'))[0];
  await connect(page);
  await freshLoad(page);
  // The side column comes with the running part and the turns' view, in the pack the chat
  // asks for as it opens (or its chunks one by one): held until the test lets it go.
  const release = await holdWasm(page, /(split_run|split_sessions|pack_run_and_turns_and_sessions)-[0-9a-f]+\.wasm$/);
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeVisible();
  const side = page.getByRole('navigation', { name: 'Earlier chats' });
  await expect(side).toHaveCount(0);
  const before = await box.boundingBox();
  release();
  await expect(side).toBeVisible();
  const after = await box.boundingBox();
  expect(after.x, 'the message box did not move sideways').toBe(before.x);
  expect(after.width, 'nor change its width').toBe(before.width);
  // Beside the list, not under it.
  expect(after.x).toBeGreaterThan((await side.boundingBox()).x + (await side.boundingBox()).width);
});

test('a new chat asks for its running part, its turns\' view and its side column in one request as it opens, and answers', async ({ page }) => {
  const errors = collectErrors(page);
  const agent = (await api('/agents'))[0];
  await connect(page);
  await freshLoad(page);
  const wasm = wasmRequests(page);
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Earlier chats' })).toBeVisible();
  // The main module, the chat's pack, then one pack with the rest: no chunk file of its own.
  expect(wasm[0].endsWith('_bg.wasm')).toBe(true);
  expect(wasm[1].startsWith('pack_chat-')).toBe(true);
  expect(wasm.slice(2)).toEqual([expect.stringMatching(new RegExp(`^${CHAT_AFTER}`))]);
  await send(page, 'Hello from the packed chat');
  const answer = page.getByRole('article', { name: `Answer from ${agent.name || agent.id}`, exact: true });
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible();
  expect(wasm.filter((n) => n.startsWith('split_') || n.startsWith('chunk_'))).toEqual([]);
  expect(errors).toEqual([]);
});

test('a chat that continues a stored session shows it from the chat and its turns\' view in one request, then fetches its running part and side column in one more', async ({ page }) => {
  const errors = collectErrors(page);
  const { agent, session } = await storedSessionThenFreshLoad(page, 'lazy-chat', 'Hello from the continued chat');
  const wasm = wasmRequests(page);
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}?session=${encodeURIComponent(session)}`);
  const conversation = page.getByRole('list', { name: 'Conversation', exact: true });
  await expect(conversation.getByLabel('You said')).toContainText('Hello from the continued chat');
  await expect(page.getByRole('navigation', { name: 'Earlier chats' })).toBeVisible();
  // The main module, the pack of the chat and its turns' view, then the pack of what the page
  // asks for as it opens, without what it has: no chunk file of any of the four areas.
  expect(wasm[0].endsWith('_bg.wasm')).toBe(true);
  expect(wasm[1].startsWith('pack_chat_and_turns-')).toBe(true);
  await expect.poll(() => wasm.filter((n) => n.startsWith('pack_run_and_sessions-'))).toHaveLength(1);
  // The pack a new chat asks for is not fetched: it would bring the turns' view twice.
  expect(wasm.filter((n) => n.startsWith(CHAT_AFTER))).toEqual([]);
  // And it continues: a new message is answered in the same session.
  await send(page, 'And once more');
  await expect(conversation.getByLabel('You said')).toHaveCount(2);
  await expect(page.getByRole('article', { name: `Answer from ${agent.name || agent.id}`, exact: true })).toHaveCount(2);
  await expect(page.getByRole('article', { name: `Answer from ${agent.name || agent.id}`, exact: true }).last().getByText('Completed', { exact: true }).first()).toBeVisible();
  expect(wasm.filter((n) => ['chat', 'run', 'turns', 'sessions'].some((a) => chunkOf(a)(n)))).toEqual([]);
  expect(errors).toEqual([]);
});

test('a chat that continues a session whose turns\' code cannot be fetched says so, and Retry shows the stored turns', async ({ page }) => {
  const { agent, session } = await storedSessionThenFreshLoad(page, 'lazy-late', 'Hello from the late turns');
  // The view of the turns (which also reads stored runs into turns): its pack and its own file.
  let block = true;
  await page.route(/(split_turns|pack_chat_and_turns)-[0-9a-f]+\.wasm$/, (route) => (block ? route.abort('failed') : route.continue()));
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}?session=${encodeURIComponent(session)}`);
  const notice = page.getByRole('alert').filter({ hasText: 'The conversation could not be shown.' });
  await expect(notice).toBeVisible();
  await expect(page.getByRole('link', { name: session })).toBeVisible();
  const conversation = page.getByRole('list', { name: 'Conversation', exact: true });
  await expect(conversation.getByLabel('You said')).toHaveCount(0);
  block = false;
  await notice.getByRole('button', { name: 'Retry' }).click();
  await expect(notice).toHaveCount(0);
  await expect(conversation.getByLabel('You said')).toHaveCount(1);
  await expect(conversation.getByLabel('You said')).toContainText('Hello from the late turns');
  await expect(page.getByRole('article', { name: `Answer from ${agent.name || agent.id}`, exact: true })).toHaveCount(1);
});

test('when the chat\'s turns cannot be drawn (their code did not arrive), it says so, and Retry shows them with nothing lost', async ({ page }) => {
  const agent = (await api('/agents'))[0];
  await connect(page);
  await freshLoad(page);
  let block = true;
  await page.route(/(split_turns|pack_run_and_turns_and_sessions)-[0-9a-f]+\.wasm$/, (route) => (block ? route.abort('failed') : route.continue()));
  await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
  const notice = page.getByRole('alert').filter({ hasText: 'The conversation could not be shown.' });
  await expect(notice).toBeVisible();
  // The run itself goes on: sent now, it is answered while its view is missing.
  await send(page, 'Hello while the view is missing');
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  block = false;
  await notice.getByRole('button', { name: 'Retry' }).click();
  await expect(notice).toHaveCount(0);
  const conversation = page.getByRole('list', { name: 'Conversation', exact: true });
  await expect(conversation.getByLabel('You said')).toContainText('Hello while the view is missing');
  const answer = page.getByRole('article', { name: `Answer from ${agent.name || agent.id}`, exact: true });
  await expect(answer.getByText('Completed', { exact: true }).first()).toBeVisible();
});

test('a server that needs no key: boot.js asks for the first page\'s catalog too, and the app takes those answers; one that needs a key is not asked', async ({ page }) => {
  test.setTimeout(240_000);
  const { ownDemo, env } = require('./helpers');
  const open = await ownDemo({ extraEnv: { OS_SECURITY_KEY: '' } });
  try {
    const errors = collectErrors(page);
    // The main module's wasm is held: whatever is asked of the server meanwhile is boot.js's.
    let hold = null;
    await page.route(/_bg\.wasm$/, async (route) => {
      if (hold) await hold.gate;
      await route.continue();
    });
    const api = [];
    page.on('request', (req) => {
      if (req.url().startsWith(open.url)) api.push({ path: new URL(req.url()).pathname, key: 'authorization' in req.headers(), early: hold !== null });
    });
    const load = async () => {
      let release;
      hold = { gate: new Promise((r) => { release = r; }) };
      api.length = 0;
      await page.goto(`/?endpoint=${encodeURIComponent(open.url)}#/agents`);
      return () => {
        hold = null;
        release();
      };
    };
    const early = () => api.filter((r) => r.early).map((r) => r.path).sort();
    const catalog = ['/config', '/agents', '/teams', '/workflows'];
    const agent = (await (await fetch(`${open.url}/agents`)).json())[0];

    // /health and /info, then (/info says no key is needed) the catalog, all without a key,
    // before the app runs.
    let release = await load();
    await expect.poll(early).toEqual(['/health', '/info', ...catalog].sort());
    release();
    await expect(page.getByRole('heading', { level: 1, name: 'Agents' })).toBeVisible();
    await expect(page.getByRole('main').getByText(agent.name, { exact: true }).first()).toBeVisible();
    await expect(page.getByRole('status', { name: 'Connection status' })).toContainText('Connected');
    // The app used those answers: each was asked once, never with a key.
    for (const path of ['/health', '/info', ...catalog]) {
      expect(api.filter((r) => r.path === path).map((r) => r.key), path).toEqual([false]);
    }
    expect(errors).toEqual([]);

    // A server that needs a key (the e2e one), opened by a link with nothing saved: boot.js asks
    // for /health and /info only, and nothing is sent that is bound to fail.
    await page.context().clearCookies();
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });
    const keyed = [];
    page.on('request', (req) => {
      if (req.url().startsWith(env.API)) keyed.push({ path: new URL(req.url()).pathname, early: hold !== null });
    });
    let releaseKeyed;
    hold = { gate: new Promise((r) => { releaseKeyed = r; }) };
    await page.goto(`/?endpoint=${encodeURIComponent(env.API)}#/agents`);
    const keyedEarly = () => keyed.filter((r) => r.early).map((r) => r.path).sort();
    await expect.poll(keyedEarly).toEqual(['/health', '/info']);
    await page.waitForTimeout(500);
    expect(keyedEarly(), 'nothing more while the wasm is held').toEqual(['/health', '/info']);
    hold = null;
    releaseKeyed();
    await expect(page.getByText('This server needs a security key (HTTP 401).').first()).toBeVisible();
    expect(keyed.map((r) => r.path).filter((p) => catalog.includes(p)), 'no catalog request without the key it needs').toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await open.stop();
  }
});

test('answers boot.js got early are still read when the wasm takes longer than a request\'s 20 s bound', async ({ page }) => {
  test.setTimeout(120_000);
  const { env, status } = require('./helpers');
  await connect(page); // saves the server (with its key) as the last one used
  await freshLoad(page);
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  await page.route(/_bg\.wasm$/, async (route) => {
    await gate;
    await route.continue();
  });
  const api = [];
  page.on('request', (req) => {
    if (req.url().startsWith(env.API)) api.push(new URL(req.url()).pathname);
  });
  await page.goto('/#/agents');
  await expect.poll(() => api.filter((p) => p === '/health' || p === '/info').sort()).toEqual(['/health', '/info']);
  // Longer than the bound on an early request: its answer came at once, and is read only now.
  await page.waitForTimeout(21_000);
  release();
  await expect(page.getByRole('heading', { level: 1, name: 'Agents' })).toBeVisible();
  await expect(status(page)).toContainText('Connected');
  // Read, not asked again.
  expect(api.filter((p) => p === '/health')).toHaveLength(1);
  expect(api.filter((p) => p === '/info')).toHaveLength(1);
});
