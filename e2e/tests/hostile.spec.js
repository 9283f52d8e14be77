// Hostile answers (issue 9): whatever a server or its model sends, the dashboard never runs
// a script, opens a dialog, fetches from another host, throws, crashes or stalls, and it
// still navigates afterwards.
//
// The corpus lives in one place, the demo's stand-in LLM (demo/fake_llm.py, HOSTILE_CASES):
// a message containing "hostile:<case>" is answered with that case's crafted text, through
// the real AgentOS. It is checked on every path the text reaches the page:
//   * the live chat: an agent's answer, a team member's answer, a workflow step's answer;
//   * session history, and a trace's input and output (runs made from Node);
//   * memory text and knowledge names (the same text, read back from such a run and
//     written through the API from Node).
// Every payload that could run sets window.__pwned or calls alert(); every image or
// stylesheet points at 127.0.0.9:9, loopback where nothing listens.
const base = require('@playwright/test');
const { expect } = base;
const { api, runAgent, env, connect, status, mainNav, collectErrors, apiSend } = require('./helpers');

const CASES = ['html', 'links', 'images', 'deep-quote', 'deep-list', 'deep-emphasis', 'quadratic', 'big', 'cancelled'];
/** The text that shows a case was rendered in full: its last words. */
const endOf = (c) => (c === 'cancelled' ? 'Run was cancelled' : `End of hostile case ${c}.`);
/** After the server's last byte, the final text must be on screen within this. */
const RENDER_LIMIT_MS = 10_000;
/** While an answer streams, the page answers a trivial evaluate within this. */
const RESPONSIVE_LIMIT_MS = 2_000;
/** Upper bound for the server itself (agno streaming a 3 MB answer through a team). */
const SERVER_LIMIT_MS = 90_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nameOf = (c) => c.name || c.id;
const tools = (c) => c.tools?.tools || [];

// Connect once per worker and start every page from that storage (URL and key): the
// connect flow has its own specs.
const test = base.test.extend({
  connectedState: [
    async ({ browser }, use) => {
      const context = await browser.newContext({ baseURL: env.WEB_ORIGIN });
      await connect(await context.newPage());
      const state = await context.storageState();
      await context.close();
      await use(state);
    },
    { scope: 'worker' },
  ],
  storageState: ({ connectedState }, use) => use(connectedState),
});

/**
 * Records, from now on, everything a hostile text could make the page do: requests to any
 * origin but the dashboard's and the AgentOS's, WebSockets elsewhere, dialogs, popups,
 * console errors, uncaught errors and failed requests.
 */
function guard(page) {
  const allowed = new Set([env.WEB_ORIGIN, env.API]);
  const apiHost = new URL(env.API).host;
  const g = { foreign: [], dialogs: [], popups: [], errors: collectErrors(page) };
  page.on('request', (r) => {
    let origin = 'null';
    try {
      origin = new URL(r.url()).origin;
    } catch {
      /* not a URL: recorded as is */
    }
    if (!allowed.has(origin)) g.foreign.push(r.url().slice(0, 200));
  });
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).host !== apiHost) g.foreign.push(ws.url().slice(0, 200));
  });
  page.on('dialog', (d) => {
    g.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('popup', (p) => g.popups.push(p.url()));
  return g;
}

/** Adds what the guard saw to a failure, so a crash says why (e.g. "RuntimeError: unreachable"). */
async function explained(g, body) {
  try {
    await body();
  } catch (e) {
    if (e && typeof e.message === 'string') {
      e.message += `\n\nPage errors so far: ${JSON.stringify(g.errors.slice(0, 10), null, 1)}`;
    }
    throw e;
  }
}

/**
 * Probes the page with a trivial evaluate every 250 ms; stop() gives the slowest answer
 * in ms. A page that does not answer within twice the limit counts as stalled.
 */
function watchResponsiveness(page) {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = Date.now();
      const answered = await Promise.race([
        page.evaluate(() => 1).then(() => true, () => true),
        sleep(RESPONSIVE_LIMIT_MS * 2).then(() => false),
      ]);
      worst = Math.max(worst, Date.now() - t0);
      if (!answered) break;
      await sleep(250);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return worst;
  };
}

/** What a hostile text left in the DOM: elements that load or run things, handlers, unsafe links. */
function domFindings(page) {
  return page.evaluate(() => {
    const found = [];
    const loaders = 'script, iframe, frame, object, embed, img, video, audio, picture, source, svg, math, base, form, template';
    for (const el of document.body.querySelectorAll(`${loaders}, link, style, meta`)) found.push(`<${el.localName}>`);
    for (const el of document.querySelectorAll('script')) {
      if (el.textContent.includes('__pwned')) found.push('<script> with the payload');
    }
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name) || ['src', 'srcset', 'srcdoc', 'formaction', 'xlink:href'].includes(a.name)) {
          found.push(`${el.localName}[${a.name}=${a.value.slice(0, 60)}]`);
        }
      }
    }
    for (const a of document.querySelectorAll('a[href], area[href]')) {
      const href = a.getAttribute('href');
      // Answers may link only to absolute http(s) and mailto targets; the app's own links are "#/…".
      const ok = /^(https?:\/\/|mailto:)/i.test(href) || (href.startsWith('#/') && !/endpoint=/i.test(href));
      if (!ok || !['http:', 'https:', 'mailto:'].includes(a.protocol)) found.push(`a[href=${href.slice(0, 80)}]`);
    }
    return found;
  });
}

/**
 * Nothing ran, opened, loaded or failed, and the app still navigates: the main navigation
 * leads to the Overview and its heading shows.
 */
async function expectUnharmed(page, g) {
  await sleep(200); // an image or frame the text might have created has had time to load or fail
  expect(await page.evaluate(() => window.__pwned), 'no payload ran').toBeUndefined();
  expect(g.dialogs, 'no dialog opened').toEqual([]);
  expect(g.popups, 'no window opened').toEqual([]);
  expect(g.foreign, 'no request to another host').toEqual([]);
  expect(await domFindings(page), 'nothing that loads or runs is in the page').toEqual([]);
  expect(g.errors, 'no console error, uncaught error or failed request').toEqual([]);
  await mainNav(page).getByRole('link', { name: 'Overview', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview', exact: true })).toBeVisible();
  await expect(status(page)).toContainText('Connected');
  expect(g.errors, 'no error while navigating').toEqual([]);
}

/** The demo's components, chosen by what they can do, never by name. */
async function components() {
  const [agents, teams, workflows] = await Promise.all([api('/agents'), api('/teams'), api('/workflows')]);
  const details = await Promise.all(workflows.map((w) => api(`/workflows/${encodeURIComponent(w.id)}`)));
  return {
    // Plain text: an agent without tools answers with text only.
    plain: agents.find((a) => tools(a).length === 0) || agents[0],
    team: teams[0],
    // A workflow whose steps start with an agent (its answer is a step's answer).
    workflow: details.find((w) => (w.steps || [])[0]?.agent) || null,
  };
}

const answerFrom = (page, name) => page.getByRole('article', { name: `Answer from ${name}`, exact: true }).last();
const badge = (scope, text) => scope.getByText(text, { exact: true }).first();
const isRunPost = (r) => r.method() === 'POST' && /\/runs(\?|$)/.test(new URL(r.url()).pathname + new URL(r.url()).search);

// ---------------------------------------------------------------------------------------
// The live chat
// ---------------------------------------------------------------------------------------

const LIVE = [
  {
    path: "an agent's answer",
    pick: (d) => d.plain && { collection: 'agents', component: d.plain },
    where: (answer) => answer.getByRole('group', { name: 'Answer text', exact: true }),
  },
  {
    path: "a team member's answer",
    pick: (d) => d.team && { collection: 'teams', component: d.team },
    where: (answer) => answer.getByRole('region', { name: /^Member run: / }),
  },
  {
    path: "a workflow step's answer",
    pick: (d) => d.workflow && { collection: 'workflows', component: d.workflow },
    where: (answer) => answer.getByRole('list', { name: 'Workflow steps', exact: true }),
  },
];

for (const live of LIVE) {
  for (const c of CASES) {
    test(`live chat, ${live.path}: hostile "${c}" renders, runs nothing, loads nothing, and the app navigates`, async ({ page }) => {
      test.setTimeout(SERVER_LIMIT_MS + 30_000);
      const picked = live.pick(await components());
      expect(picked, `the server has a component for ${live.path}`).toBeTruthy();
      const { collection, component } = picked;
      const g = guard(page);
      await explained(g, async () => {
        await page.goto(`/#/chat/${collection}/${encodeURIComponent(component.id)}`);
        await expect(page.getByRole('heading', { level: 1, name: nameOf(component), exact: true })).toBeVisible();
        await expect(status(page)).toContainText('Connected');
        const box = page.getByRole('textbox', { name: 'Message' });
        await box.fill(`hostile:${c}`);
        const finished = page.waitForEvent('requestfinished', { predicate: isRunPost, timeout: SERVER_LIMIT_MS });
        const stopWatch = watchResponsiveness(page);
        await box.press('Enter');
        await finished;
        const answer = answerFrom(page, nameOf(component));
        await expect(live.where(answer).getByText(endOf(c)).first(), 'the whole answer is on screen').toBeVisible({ timeout: RENDER_LIMIT_MS });
        await expect(badge(answer, 'Completed')).toBeVisible({ timeout: RENDER_LIMIT_MS });
        const worst = await stopWatch();
        expect(worst, 'the page stayed responsive while the answer streamed (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
        await expectUnharmed(page, g);
      });
    });
  }
}

// ---------------------------------------------------------------------------------------
// Stored runs: session history and traces (each case run once, from Node)
// ---------------------------------------------------------------------------------------

const TAG = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const stored = new Map();

/** The stand-in's answer for a case, run once (without streaming) through a plain agent. */
async function storedRun(c) {
  if (!stored.has(c)) {
    const { plain } = await components();
    const session = `e2e-hostile-${c}-${TAG}`;
    const run = await runAgent(plain.id, `hostile:${c}`, { user: `e2e-hostile-${TAG}`, session });
    expect(String(run.content || '')).toContain(endOf(c));
    stored.set(c, { agent: plain, session, run });
  }
  return stored.get(c);
}

for (const c of CASES) {
  test(`session history: hostile "${c}" renders, runs nothing, loads nothing, and the app navigates`, async ({ page }) => {
    test.setTimeout(SERVER_LIMIT_MS + 30_000);
    const { agent, session } = await storedRun(c);
    const g = guard(page);
    await explained(g, async () => {
      const stopWatch = watchResponsiveness(page);
      await page.goto(`/#/sessions/${encodeURIComponent(session)}`);
      const answer = answerFrom(page, nameOf(agent));
      await expect(answer.getByText(endOf(c)).first(), 'the stored answer is on screen').toBeVisible({ timeout: RENDER_LIMIT_MS });
      expect(await stopWatch(), 'the page stayed responsive (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
      await expectUnharmed(page, g);
    });
  });
}

/** Spans are exported in batches: waits until the run's trace is listed. */
async function traceOf(runId) {
  for (let i = 0; i < 40; i++) {
    const { data } = await api(`/traces?run_id=${encodeURIComponent(runId)}`);
    if (data.length) return data[0];
    await sleep(500);
  }
  throw new Error(`no trace for run ${runId}`);
}

for (const c of CASES) {
  test(`trace input and output: hostile "${c}" shows as text, runs nothing, loads nothing, and the app navigates`, async ({ page }) => {
    test.setTimeout(SERVER_LIMIT_MS + 30_000);
    const { run } = await storedRun(c);
    const trace = await traceOf(run.run_id);
    const detail = await api(`/traces/${encodeURIComponent(trace.trace_id)}`);
    const g = guard(page);
    await explained(g, async () => {
      await page.goto(`/#/traces?run_id=${encodeURIComponent(run.run_id)}`);
      const table = page.getByRole('table', { name: 'Traces' });
      await expect(table.getByRole('row')).toHaveCount(2);
      const stopWatch = watchResponsiveness(page);
      await table.getByRole('row').nth(1).getByRole('link', { name: trace.name }).click();
      await expect(page.getByRole('heading', { level: 1, name: trace.name })).toBeVisible({ timeout: RENDER_LIMIT_MS });
      // The server's own output of the trace (it may shorten it) is shown, as text.
      const output = String(detail.output ?? trace.output ?? '');
      expect(output, 'the trace carries the hostile answer').not.toBe('');
      const tail = output.trim().split('\n').pop().trim().slice(-40);
      await expect(page.getByRole('heading', { name: 'Output' }).first()).toBeVisible();
      await expect(page.getByText(tail).first(), 'the output is on screen').toBeVisible({ timeout: RENDER_LIMIT_MS });
      // Every span opens: its input and output show as text too.
      const spans = page.getByRole('list', { name: 'Spans' }).getByRole('button');
      for (let i = 0; i < await spans.count(); i++) {
        await spans.nth(i).click();
        await expect(spans.nth(i)).toHaveAttribute('aria-pressed', 'true');
      }
      expect(await stopWatch(), 'the page stayed responsive (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
      await expectUnharmed(page, g);
    });
  });
}

// ---------------------------------------------------------------------------------------
// Memory text and knowledge names, written through the API from Node
// ---------------------------------------------------------------------------------------

test('memory text: the whole corpus shows as text, runs nothing, loads nothing, and the app navigates', async ({ page }) => {
  test.setTimeout(SERVER_LIMIT_MS + 60_000);
  const user = `e2e-hostile-mem-${TAG}`;
  for (const c of CASES) {
    const text = String((await storedRun(c)).run.content);
    await apiSend('POST', '/memories', { memory: text, user_id: user, topics: [`hostile-${c}`] });
  }
  const g = guard(page);
  await explained(g, async () => {
    const stopWatch = watchResponsiveness(page);
    await page.goto(`/#/memories?user=${encodeURIComponent(user)}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Memories' })).toBeVisible();
    const list = page.getByRole('list', { name: 'Memories' });
    await expect(list.getByRole('listitem')).toHaveCount(CASES.length, { timeout: RENDER_LIMIT_MS });
    for (const c of CASES) {
      const item = list.getByRole('listitem').filter({ has: page.getByText(`hostile-${c}`, { exact: true }) });
      await expect(item.getByText(endOf(c)).first(), `memory ${c} is on screen`).toBeVisible();
    }
    expect(await stopWatch(), 'the page stayed responsive (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
    await expectUnharmed(page, g);
  });
});

test('knowledge names: the whole corpus shows as text, runs nothing, loads nothing, and the app navigates', async ({ page }) => {
  test.setTimeout(SERVER_LIMIT_MS + 60_000);
  const [kb] = (await api('/config')).knowledge?.knowledge_instances || [];
  expect(kb, 'the server has a knowledge base').toBeTruthy();
  const q = `knowledge_id=${encodeURIComponent(kb.id)}&db_id=${encodeURIComponent(kb.db_id)}`;
  const added = [];
  try {
    for (const c of CASES) {
      let name = String((await storedRun(c)).run.content);
      // A form field is capped at 1 MiB by the server (Starlette's multipart parser):
      // the 3 MB answer goes in as its last 900,000 characters.
      if (name.length > 900_000) name = name.slice(-900_000);
      const form = new FormData();
      form.set('name', name);
      form.set('description', `hostile-${c}`);
      form.set('text_content', `Hostile knowledge name case ${c} (${TAG}).`);
      const content = await apiSend('POST', `/knowledge/content?${q}`, form);
      added.push(content.id);
    }
    const g = guard(page);
    await explained(g, async () => {
      const stopWatch = watchResponsiveness(page);
      await page.goto(`/#/knowledge?kb=${encodeURIComponent(kb.id)}`);
      await expect(page.getByRole('heading', { level: 2, name: kb.name })).toBeVisible();
      const list = page.getByRole('list', { name: 'Content' });
      for (const c of CASES) {
        const item = list.getByRole('listitem').filter({ has: page.getByText(`hostile-${c}`, { exact: true }) });
        await expect(item.getByText(endOf(c)).first(), `the content named by case ${c} is on screen`).toBeVisible({ timeout: RENDER_LIMIT_MS });
      }
      expect(await stopWatch(), 'the page stayed responsive (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
      await expectUnharmed(page, g);
    });
  } finally {
    // Other specs count the knowledge base's content.
    for (const id of added) await apiSend('DELETE', `/knowledge/content/${encodeURIComponent(id)}?${q}`).catch(() => {});
  }
});
