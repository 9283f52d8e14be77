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
const base = require('./fixtures');
const { expect } = base;
const { api, runAgent, runComponent, env, connect, status, mainNav, collectErrors, apiSend } = require('./helpers');

const CASES = ['html', 'links', 'images', 'deep-quote', 'deep-list', 'deep-stars', 'quadratic', 'big', 'cancelled'];
/** The text that shows a case was rendered in full: its last words. */
const endOf = (c) => (c === 'cancelled' ? 'Run was cancelled' : `End of hostile case ${c}.`);
/** After the server's last byte, the final text must be on screen within this. */
const RENDER_LIMIT_MS = 10_000;
/** No main-thread task may be longer than this: the page always answers within it. */
const RESPONSIVE_LIMIT_MS = 2_000;
/**
 * The trace test reads its longest task after selecting spans with text locators in between.
 * Those locators run in the page's main thread and take seconds over a 3 MB answer (see
 * longestTaskOnceShown), so for "big" that reading includes them and gets a wider bound. The
 * dashboard's own work is measured by the live and session-history tests: at most 473 ms for
 * "big" on 2 cores (five runs, with longestTaskOnceShown).
 */
const READ_BACK_LIMIT_MS = (c) => (c === 'big' ? 5_000 : RESPONSIVE_LIMIT_MS);
/** Upper bound for the server itself (agno streaming a 3 MB answer through a team). */
const SERVER_LIMIT_MS = 90_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nameOf = (c) => c.name || c.id;
const tools = (c) => c.tools?.tools || [];

// Every test starts connected (fixtures.js, connectedTest).
const test = base.connectedTest;

/**
 * Records, from now on, everything a hostile text could make the page do: requests to any
 * origin but the dashboard's and the AgentOS's, WebSockets elsewhere, dialogs, popups,
 * console errors, uncaught errors and failed requests.
 */
async function guard(page) {
  await page.addInitScript(() => {
    window.__hostileLongestTask = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__hostileLongestTask = Math.max(window.__hostileLongestTask, e.duration);
    }).observe({ type: 'longtask' });
  });
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
 * The longest main-thread task (ms) since the page loaded or since the last reset, from the
 * browser's own Long Tasks API (registered by guard() before the page's scripts run): a
 * page busy that long answers nothing, not a click, not a key, not a scroll.
 */
async function longestTask(page, { reset = false } = {}) {
  return page.evaluate((r) => {
    const worst = window.__hostileLongestTask;
    if (r) window.__hostileLongestTask = 0;
    return worst;
  }, reset);
}

/**
 * Waits until the page's text contains every one of `texts`, then returns the longest
 * main-thread task so far. The wait is a plain `textContent` check in the page, on purpose:
 * Playwright's text locators run in the page's own main thread and normalize the text of
 * every element and of each of its ancestors, which takes seconds over a 3 MB answer. Read
 * after them, the Long Tasks API measured the probe (2.6 s once in CI), not the dashboard. So
 * this reading comes first, and the locator assertions by role and name follow it.
 */
async function longestTaskOnceShown(page, texts, timeout = RENDER_LIMIT_MS) {
  await page.waitForFunction(
    (all) => {
      const text = document.body.textContent || '';
      return all.every((t) => text.includes(t));
    },
    texts,
    { timeout, polling: 250 },
  );
  return longestTask(page);
}

/**
 * What a hostile text left in the DOM: elements that load or run things, event-handler
 * attributes, and links to anything but absolute http(s) or mailto targets (the app's own
 * links are "#/…"). The page's own scripts and stylesheets (same origin, in <head>, and the build's
 * stylesheet at the end of <body>) are fine.
 */
function domFindings(page) {
  return page.evaluate(() => {
    const found = [];
    const sameOrigin = (u) => {
      try {
        return new URL(u, location.href).origin === location.origin;
      } catch {
        return false;
      }
    };
    const loaders = ['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'img', 'image', 'video', 'audio',
      'picture', 'source', 'track', 'svg', 'math', 'base', 'template', 'portal', 'fencedframe'];
    for (const el of document.querySelectorAll('*')) {
      const tag = el.localName;
      // The build's stylesheet at the end of <body> (scripts/split-wasm.sh) is the page's own too.
      const ownCss = tag === 'link' && el.parentElement === document.body && el.rel === 'stylesheet' && /^\.\/style-[0-9a-f]+\.css$/.test(el.getAttribute('href'));
      const own = (tag === 'script' || tag === 'link') && (!el.closest('body') || ownCss) && sameOrigin(el.getAttribute('src') || el.getAttribute('href') || '');
      if (loaders.includes(tag)) found.push(`<${tag}>`);
      if (tag === 'script' && (el.textContent.includes('__pwned') || (el.hasAttribute('src') && !own) || el.closest('main'))) found.push('<script>');
      if (tag === 'link' && !own) found.push(`<link href=${String(el.getAttribute('href')).slice(0, 60)}>`);
      if (tag === 'style' && (el.closest('body') || /@import|127\.0\.0\.9|__pwned/.test(el.textContent))) found.push('<style>');
      if (tag === 'meta' && el.hasAttribute('http-equiv') && el.closest('body, meta[http-equiv=refresh]')) found.push('<meta http-equiv>');
      for (const a of el.attributes) {
        const loads = ['src', 'srcset', 'srcdoc', 'formaction', 'action', 'xlink:href', 'background', 'poster', 'data', 'ping'];
        if (/^on/i.test(a.name) || (loads.includes(a.name) && !own)) found.push(`${tag}[${a.name}=${a.value.slice(0, 60)}]`);
      }
      if ((tag === 'a' || tag === 'area') && el.hasAttribute('href')) {
        const href = el.getAttribute('href');
        const ok = /^(https?:\/\/|mailto:)/i.test(href) || (href.startsWith('#') && !/endpoint=/i.test(href));
        if (!ok || !['http:', 'https:', 'mailto:'].includes(el.protocol)) found.push(`a[href=${href.slice(0, 80)}]`);
      }
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
      const g = await guard(page);
      await explained(g, async () => {
        await page.goto(`/#/chat/${collection}/${encodeURIComponent(component.id)}`);
        await expect(page.getByRole('heading', { level: 1, name: nameOf(component), exact: true })).toBeVisible();
        await expect(status(page)).toContainText('Connected');
        const box = page.getByRole('textbox', { name: 'Message' });
        await box.fill(`hostile:${c}`);
        const finished = page.waitForEvent('requestfinished', { predicate: isRunPost, timeout: SERVER_LIMIT_MS });
        await longestTask(page, { reset: true });
        await box.press('Enter');
        await finished.catch((e) => {
          // A page that does not read its stream holds the server back: the stream never ends.
          throw new Error(`the run's stream did not finish within ${SERVER_LIMIT_MS / 1000} s: ${e.message}`);
        });
        const longest = await longestTaskOnceShown(page, [endOf(c), 'Completed']);
        const answer = answerFrom(page, nameOf(component));
        await expect(live.where(answer).getByText(endOf(c)).first(), 'the whole answer is on screen').toBeVisible({ timeout: RENDER_LIMIT_MS });
        await expect(badge(answer, 'Completed')).toBeVisible({ timeout: RENDER_LIMIT_MS });
        expect(longest, 'the longest main-thread task while the answer streamed and rendered (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
        await expectUnharmed(page, g);
      });
    });
  }
}

/**
 * A workflow with a step that asks for confirmation, found on the wire (its detail does not
 * say): the first one whose run on `message` pauses on a step.
 */
async function pausingWorkflow(message) {
  for (const wf of await api('/workflows')) {
    const form = new FormData();
    form.set('message', message);
    form.set('stream', 'true');
    const text = await (await fetch(`${env.API}/workflows/${encodeURIComponent(wf.id)}/runs`, {
      method: 'POST', body: form, headers: { Authorization: `Bearer ${env.KEY}` }, signal: AbortSignal.timeout(30_000),
    })).text();
    if (/"event":\s*"StepPaused"/.test(text) && /"requires_confirmation":\s*true/.test(text)) return wf;
  }
  return null;
}

// A workflow whose last step is rejected ends with the answer of the step before: here
// exactly "Run was cancelled" (agno's own cancel message has a run id in the middle).
test('live chat, a workflow\'s final answer (its last step rejected): exactly "Run was cancelled" shows and the app navigates', async ({ page }) => {
  test.setTimeout(60_000);
  const wf = await pausingWorkflow('hostile:cancelled');
  expect(wf, 'the server has a workflow with a step that asks for confirmation').toBeTruthy();
  const g = await guard(page);
  await explained(g, async () => {
    await page.goto(`/#/chat/workflows/${encodeURIComponent(wf.id)}`);
    await expect(page.getByRole('heading', { level: 1, name: nameOf(wf), exact: true })).toBeVisible();
    await expect(status(page)).toContainText('Connected');
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('hostile:cancelled');
    await box.press('Enter');
    const answer = answerFrom(page, nameOf(wf));
    const approval = answer.getByRole('group', { name: 'Approval needed' });
    await expect(approval).toBeVisible({ timeout: 20_000 });
    await approval.getByRole('button', { name: 'Reject' }).click();
    await expect(badge(answer, 'Completed')).toBeVisible({ timeout: 20_000 });
    await expect(approval).toHaveCount(0);
    await expect(answer.getByText(endOf('cancelled')).first()).toBeVisible({ timeout: RENDER_LIMIT_MS });
    await expectUnharmed(page, g);
  });
});

// ---------------------------------------------------------------------------------------
// Stored runs: session history and traces (each case run once, from Node)
// ---------------------------------------------------------------------------------------

const TAG = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const stored = new Map();

const runWorkflow = (id, message, opts) => runComponent('workflows', id, message, opts);

/**
 * The stand-in's answer for a case, run once (without streaming) through a plain agent
 * (kind "agent") or through the workflow whose first step is an agent (kind "workflow").
 */
async function storedRun(c, kind = 'agent') {
  const key = `${kind}:${c}`;
  if (!stored.has(key)) {
    const d = await components();
    const component = kind === 'agent' ? d.plain : d.workflow;
    expect(component, `the server has a component for a ${kind} run`).toBeTruthy();
    const session = `e2e-hostile-${kind}-${c}-${TAG}`;
    const opts = { user: `e2e-hostile-${TAG}`, session };
    const run = kind === 'agent'
      ? await runAgent(component.id, `hostile:${c}`, opts)
      : await runWorkflow(component.id, `hostile:${c}`, opts);
    expect(JSON.stringify(run)).toContain(JSON.stringify(endOf(c)).slice(1, -1));
    stored.set(key, { component, session, run });
  }
  return stored.get(key);
}

for (const kind of ['agent', 'workflow']) {
  for (const c of CASES) {
    test(`session history of ${kind === 'agent' ? 'an agent' : 'a workflow'}: hostile "${c}" renders, runs nothing, loads nothing, and the app navigates`, async ({ page }) => {
      test.setTimeout(SERVER_LIMIT_MS + 30_000);
      const { component, session } = await storedRun(c, kind);
      const g = await guard(page);
      await explained(g, async () => {
        await page.goto(`/#/sessions/${encodeURIComponent(session)}`);
        const longest = await longestTaskOnceShown(page, [endOf(c)]);
        const answer = answerFrom(page, nameOf(component));
        await expect(answer.getByText(endOf(c)).first(), 'the stored answer is on screen').toBeVisible({ timeout: RENDER_LIMIT_MS });
        expect(longest, 'the longest main-thread task while the history loaded and rendered (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
        await expectUnharmed(page, g);
      });
    });
  }
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
    const g = await guard(page);
    await explained(g, async () => {
      await page.goto(`/#/traces?run_id=${encodeURIComponent(run.run_id)}`);
      const table = page.getByRole('table', { name: 'Traces' });
      await expect(table.getByRole('row')).toHaveCount(2);
      await table.getByRole('row').nth(1).getByRole('link', { name: trace.name }).click();
      await expect(page.getByRole('heading', { level: 1, name: trace.name })).toBeVisible({ timeout: RENDER_LIMIT_MS });
      // The trace's own input and output (when the server gives them) show as text.
      if (`${detail.input ?? ''}${detail.output ?? ''}`.includes(endOf(c))) {
        await expect(page.getByRole('heading', { level: 2, name: 'Input and output' })).toBeVisible();
        await expect(page.getByText(endOf(c)).first(), 'the trace output is on screen').toBeVisible({ timeout: RENDER_LIMIT_MS });
      }
      // The spans in waterfall order (depth first); every span that carries the answer
      // (as input or output) shows it as text when selected.
      const flat = [];
      const walk = (spans) => {
        for (const sp of spans || []) {
          flat.push(sp);
          walk(sp.spans);
        }
      };
      walk(detail.tree);
      const buttons = page.getByRole('list', { name: 'Spans' }).getByRole('button');
      await expect(buttons).toHaveCount(flat.length);
      const carrying = flat.map((sp, i) => [sp, i]).filter(([sp]) => `${sp.input ?? ''}${sp.output ?? ''}`.includes(endOf(c)));
      expect(carrying.length, 'a span of the trace carries the hostile answer').toBeGreaterThan(0);
      for (const [sp, i] of carrying) {
        await buttons.nth(i).click();
        await expect(buttons.nth(i)).toHaveAttribute('aria-pressed', 'true');
        const region = page.getByRole('region', { name: `Span ${sp.name}`, exact: true });
        await expect(region.getByText(endOf(c)).first(), `span ${sp.name} shows it`).toBeVisible({ timeout: RENDER_LIMIT_MS });
      }
      expect(await longestTask(page), 'the longest main-thread task (ms)').toBeLessThan(READ_BACK_LIMIT_MS(c));
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
    // AgentOS caps a memory at 5,000 characters: each case goes in as its last 5,000
    // (the end marker stays; 5,000 nested ">" become 4,953).
    const text = String((await storedRun(c)).run.content).slice(-5000);
    await apiSend('POST', '/memories', { memory: text, user_id: user, topics: [`hostile-${c}`] });
  }
  const g = await guard(page);
  await explained(g, async () => {
    await page.goto(`/#/memories?user=${encodeURIComponent(user)}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Memories' })).toBeVisible();
    const list = page.getByRole('list', { name: 'Memories' });
    await expect(list.getByRole('listitem')).toHaveCount(CASES.length, { timeout: RENDER_LIMIT_MS });
    for (const c of CASES) {
      const item = list.getByRole('listitem').filter({ has: page.getByText(`hostile-${c}`, { exact: true }) });
      await expect(item.getByText(endOf(c)).first(), `memory ${c} is on screen`).toBeVisible();
    }
    expect(await longestTask(page), 'the longest main-thread task (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
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
    const g = await guard(page);
    await explained(g, async () => {
      await page.goto(`/#/knowledge?kb=${encodeURIComponent(kb.id)}`);
      await expect(page.getByRole('heading', { level: 2, name: kb.name })).toBeVisible();
      const list = page.getByRole('list', { name: 'Content' });
      for (const c of CASES) {
        const item = list.getByRole('listitem').filter({ has: page.getByText(`hostile-${c}`, { exact: true }) });
        await expect(item.getByText(endOf(c)).first(), `the content named by case ${c} is on screen`).toBeVisible({ timeout: RENDER_LIMIT_MS });
      }
      expect(await longestTask(page), 'the longest main-thread task (ms)').toBeLessThan(RESPONSIVE_LIMIT_MS);
      await expectUnharmed(page, g);
    });
  } finally {
    // Other specs count the knowledge base's content.
    for (const id of added) await apiSend('DELETE', `/knowledge/content/${encodeURIComponent(id)}?${q}`).catch(() => {});
  }
});
