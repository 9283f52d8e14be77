// Live chat against the real demo AgentOS: what a person sees while agents, teams and
// workflows answer. The components are read from the server and picked by what they can
// do (a calculator tool, a tool that needs confirmation, a team, a workflow), never by
// name; the demo's stand-in LLM reacts to trigger words (demo/README.md): "A op B",
// "reset", "slow", "boom", "markdown", "xss".
const net = require('node:net');
const base = require('./fixtures');
const { expect } = base;
const { api, env, connect, status, mainNav, send, sessionId, failOnPageErrors } = require('./helpers');

// Every test starts connected (fixtures.js, connectedTest).
const test = base.connectedTest;

const tools = (c) => c.tools?.tools || [];
const nameOf = (c) => c.name || c.id;
const ARITHMETIC = [
  { tool: 'multiply', message: 'What is 12 * 7?', result: '84' },
  { tool: 'add', message: 'What is 12 + 7?', result: '19' },
];

/** The components the tests need, found by capability. */
async function demo() {
  const [agents, teams, workflows] = await Promise.all([api('/agents'), api('/teams'), api('/workflows')]);
  let calc = null;
  for (const sum of ARITHMETIC) {
    const agent = agents.find((a) => tools(a).some((t) => t.name === sum.tool));
    if (agent) {
      calc = { agent, ...sum };
      break;
    }
  }
  const confirmAgent = agents.find((a) => tools(a).some((t) => t.requires_confirmation));
  return {
    calc,
    confirm: confirmAgent && { agent: confirmAgent, tool: tools(confirmAgent).find((t) => t.requires_confirmation) },
    // Plain text: an agent without tools answers with text only.
    plain: agents.find((a) => tools(a).length === 0) || agents[0],
    team: teams[0],
    workflow: workflows[0],
    agents,
    teams,
    workflows,
  };
}

// No page errors, console errors or failed requests, apart from those a test provokes.
const pageErrors = failOnPageErrors(test);

/** Opens the chat with one component by its address (already connected). */
async function openChat(page, collection, component) {
  await page.goto(`/#/chat/${collection}/${encodeURIComponent(component.id)}`);
  await expect(page.getByRole('heading', { level: 1, name: nameOf(component), exact: true })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Send a message' })).toBeVisible();
  await expect(status(page)).toContainText('Connected');
}

const messageBox = (page) => page.getByRole('textbox', { name: 'Message' });
const conversation = (page) => page.getByRole('list', { name: 'Conversation', exact: true });
const answerFrom = (page, name) => page.getByRole('article', { name: `Answer from ${name}`, exact: true }).last();
const answerText = (scope) => scope.getByRole('group', { name: 'Answer text', exact: true });
/** The status badge of a run (its exact text), e.g. "Completed". */
const badge = (scope, text) => scope.getByText(text, { exact: true }).first();


/**
 * The last run of this page's session as the server stored it, once `ready(run)` holds
 * (the server may store a run a moment after the last event reached the page).
 */
async function storedRun(page, ready = () => true) {
  const id = await sessionId(page);
  let last = null;
  await expect.poll(async () => {
    const runs = await api(`/sessions/${encodeURIComponent(id)}/runs`);
    last = runs[runs.length - 1] || null;
    return !!last && ready(last);
  }, { message: 'the server stored the run', timeout: 5_000 }).toBe(true);
  return last;
}
const statusOf = (run) => String(run.status || '').toLowerCase();

test('the Chat page lists every agent, team and workflow, and "Chat with" switches between them', async ({ page }) => {
  const d = await demo();
  await page.goto('/');
  await expect(status(page)).toContainText('Connected');
  await mainNav(page).getByRole('link', { name: 'Chat', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Chat', exact: true })).toBeVisible();
  for (const [collection, items] of [['agents', d.agents], ['teams', d.teams], ['workflows', d.workflows]]) {
    const list = page.getByRole('list', { name: `Chat with ${collection}`, exact: true });
    await expect(list.getByRole('listitem')).toHaveCount(items.length);
    for (const item of items) {
      await expect(list.getByRole('link', { name: nameOf(item), exact: true })).toHaveAttribute(
        'href', `#/chat/${collection}/${encodeURIComponent(item.id)}`,
      );
    }
  }
  await page.getByRole('list', { name: 'Chat with agents' }).getByRole('link', { name: nameOf(d.plain), exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: nameOf(d.plain), exact: true })).toBeVisible();
  await expect(page.getByText('No messages yet')).toBeVisible();

  const target = page.getByRole('combobox', { name: 'Chat with' });
  await expect(target.locator('option:checked')).toHaveText(`Agent · ${nameOf(d.plain)}`);
  await target.selectOption({ label: `Team · ${nameOf(d.team)}` });
  await expect(page).toHaveURL(new RegExp(`#/chat/teams/${encodeURIComponent(d.team.id)}$`));
  await expect(page.getByRole('heading', { level: 1, name: nameOf(d.team), exact: true })).toBeVisible();
});

test('Enter sends, Shift+Enter adds a line, and Send is disabled while the message is empty', async ({ page }) => {
  const { plain } = await demo();
  await openChat(page, 'agents', plain);
  const box = messageBox(page);
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await expect(page.getByText(/^New session/)).toBeVisible();

  // Only spaces: nothing to send.
  await box.click();
  await page.keyboard.type('   ');
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await page.keyboard.press('Enter');
  await expect(conversation(page).getByRole('listitem')).toHaveCount(0);
  await box.fill('');

  await page.keyboard.type('first line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  await expect(box).toHaveValue('first line\nsecond line');
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
  await expect(conversation(page).getByRole('listitem')).toHaveCount(0);

  await page.keyboard.press('Enter');
  await expect(conversation(page).getByRole('listitem')).toHaveCount(1);
  await expect(box).toHaveValue('');
  const turn = conversation(page).getByRole('listitem').first();
  // The message is shown as written: two lines.
  expect(await turn.evaluate((li) => li.innerText)).toContain('first line\nsecond line');
  const answer = answerFrom(page, nameOf(plain));
  await expect(badge(answer, 'Completed')).toBeVisible();
  await expect(answerText(answer)).toContainText('second line');
  await expect(answer.getByText(/\d+ in · \d+ out/)).toBeVisible();
  // The first event names the session.
  const id = await sessionId(page);
  await expect(page.getByRole('link', { name: id, exact: true })).toHaveAttribute('href', `#/sessions/${id}`);
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
});

test('a tool run shows its tool card and an answer with the result', async ({ page }) => {
  const { calc } = await demo();
  test.skip(!calc, 'the server has no agent with a calculator tool');
  await openChat(page, 'agents', calc.agent);
  await send(page, calc.message);

  const answer = answerFrom(page, nameOf(calc.agent));
  await expect(badge(answer, 'Completed')).toBeVisible();
  const card = answer.getByRole('list', { name: 'Tool calls' }).getByRole('listitem').filter({ hasText: calc.tool });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('done');
  // Opening the card shows the arguments and the result.
  await card.getByText(calc.tool, { exact: true }).click();
  await expect(card.getByText('Arguments', { exact: true })).toBeVisible();
  await expect(card.getByText('Result', { exact: true })).toBeVisible();
  await expect(card).toContainText(calc.result);
  await expect(answerText(answer)).toContainText(calc.result);
  if (calc.agent.reasoning?.reasoning) {
    // A reasoning agent's thinking is behind a "Reasoning" disclosure.
    const reasoning = answer.getByRole('group').filter({ has: page.getByText('Reasoning', { exact: true }) });
    await expect(reasoning).toHaveCount(1);
    await reasoning.getByText('Reasoning', { exact: true }).click();
    await expect(reasoning).not.toHaveText(/^\s*Reasoning\s*$/);
  }
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
});

test('a team run shows the member it delegated to as a nested run', async ({ page }) => {
  const d = await demo();
  test.skip(!d.team, 'the server has no team');
  const team = await api(`/teams/${encodeURIComponent(d.team.id)}`);
  const members = team.members || [];
  // Arithmetic goes to a member with the calculator tool, if the team has one.
  const calcMember = d.calc && members.find((m) => tools(m).some((t) => t.name === d.calc.tool));
  await openChat(page, 'teams', d.team);
  await send(page, calcMember ? d.calc.message : 'Tell me about the handbook');

  const answer = answerFrom(page, nameOf(d.team));
  await expect(badge(answer, 'Completed')).toBeVisible({ timeout: 20_000 });
  const memberRuns = answer.getByRole('region', { name: /^Member run: / });
  await expect(memberRuns.first()).toBeVisible();
  const names = await memberRuns.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  for (const n of names) {
    expect(members.map((m) => `Member run: ${nameOf(m)}`), 'a member run names a team member').toContain(n);
  }
  if (calcMember) {
    const member = answer.getByRole('region', { name: `Member run: ${nameOf(calcMember)}`, exact: true });
    await expect(member).toHaveCount(1);
    await expect(badge(member, 'Completed')).toBeVisible();
    const card = member.getByRole('list', { name: 'Tool calls' }).getByRole('listitem').filter({ hasText: d.calc.tool });
    await expect(card).toContainText('done');
    await expect(answerText(member)).toContainText(d.calc.result);
  } else {
    await expect(answerText(memberRuns.first())).not.toBeEmpty();
  }
  // The team's own answer is outside the member's run.
  await expect(answerText(answer).last()).toContainText(calcMember ? d.calc.result : /\S/);
});

/** Checks a finished workflow run: every step in order, its status and output. */
async function expectWorkflowSteps(page, wf) {
  const answer = answerFrom(page, nameOf(wf));
  await expect(badge(answer, 'Completed')).toBeVisible({ timeout: 20_000 });
  const steps = answer.getByRole('list', { name: 'Workflow steps' });
  const items = steps.locator(':scope > li');
  await expect(items).toHaveCount((wf.steps || []).length);
  for (const [i, step] of (wf.steps || []).entries()) {
    const item = items.nth(i);
    await expect(item, `step ${i + 1}`).toContainText(step.name);
    await expect(badge(item, 'Completed')).toBeVisible();
    await expect(item.getByText('Output', { exact: true })).toBeVisible();
    if (step.agent) {
      const member = item.getByRole('region', { name: `Member run: ${nameOf(step.agent)}`, exact: true });
      await expect(member).toHaveCount(1);
      await expect(answerText(member)).not.toBeEmpty();
    }
  }
  return answer;
}

for (const socket of [false, true]) {
  test(`a workflow shows its steps over ${socket ? 'the WebSocket' : 'SSE'}`, async ({ page }) => {
    const d = await demo();
    test.skip(!d.workflow, 'the server has no workflow');
    const wf = await api(`/workflows/${encodeURIComponent(d.workflow.id)}`);
    const sockets = [];
    const posts = [];
    page.on('websocket', (ws) => {
      const s = { url: ws.url(), received: 0 };
      ws.on('framereceived', () => s.received++);
      sockets.push(s);
    });
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes(`/workflows/${encodeURIComponent(wf.id)}/runs`)) posts.push(r.url());
    });
    await openChat(page, 'workflows', wf);
    const box = page.getByRole('checkbox', { name: 'Use WebSocket' });
    await expect(box).not.toBeChecked();
    if (socket) await box.check();
    await send(page, 'What does the handbook say about holidays?');
    await expectWorkflowSteps(page, wf);
    if (socket) {
      expect(sockets.map((s) => new URL(s.url).pathname)).toEqual(['/workflows/ws']);
      expect(sockets[0].received).toBeGreaterThan(2);
      expect(posts).toEqual([]);
    } else {
      expect(sockets).toEqual([]);
      expect(posts).toHaveLength(1);
    }
    await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  });
}

test('Stop cancels a slow answer: "Stopped", the partial text stays, and Send is back', async ({ page }) => {
  const { plain } = await demo();
  await openChat(page, 'agents', plain);
  await send(page, 'Please answer slow');
  const answer = answerFrom(page, nameOf(plain));
  await expect(badge(answer, 'Running')).toBeVisible();
  // A few words (one every 0.4 s), then Stop.
  await expect(answerText(answer)).toHaveText(/\S+ \S+ \S+ \S+/);
  await expect(page.getByRole('button', { name: 'Send' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Stop' }).click();

  await expect(badge(answer, 'Stopped')).toBeVisible({ timeout: 5_000 });
  await expect(answer.getByRole('status')).toHaveText(/^Stopped\./);
  await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  const partial = (await answerText(answer).innerText()).trim();
  expect(partial.split(/\s+/).length, 'the partial answer is kept').toBeGreaterThanOrEqual(4);
  // Nothing more arrives after the stop.
  await page.waitForTimeout(1_200);
  expect((await answerText(answer).innerText()).trim()).toBe(partial);
  await expect(badge(answer, 'Stopped')).toBeVisible();
  // The server cancelled the run, well before its ~13 s answer would have ended.
  await storedRun(page, (run) => statusOf(run) === 'cancelled');

  await messageBox(page).fill('Hello again');
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
});

test('Stop ends a slow workflow run over the WebSocket too', async ({ page }) => {
  const d = await demo();
  test.skip(!d.workflow, 'the server has no workflow');
  await openChat(page, 'workflows', d.workflow);
  await page.getByRole('checkbox', { name: 'Use WebSocket' }).check();
  await send(page, 'Please answer slow');
  const answer = answerFrom(page, nameOf(d.workflow));
  await expect(answer.getByRole('region', { name: /^Member run: / }).first()).toContainText(/\S+ \S+ \S+ \S+/, { timeout: 15_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible({ timeout: 3_000 });
  await expect(badge(answer, 'Stopped')).toBeVisible();
  await expect(answer.getByText('Running', { exact: true })).toHaveCount(0);
});

test('a run paused for approval continues after Approve', async ({ page }) => {
  const { confirm } = await demo();
  test.skip(!confirm, 'the server has no agent with a tool that needs confirmation');
  await openChat(page, 'agents', confirm.agent);
  await send(page, 'Please reset the counter');

  const answer = answerFrom(page, nameOf(confirm.agent));
  const approval = answer.getByRole('group', { name: 'Approval needed' });
  await expect(approval).toBeVisible();
  await expect(approval).toContainText(confirm.tool.name);
  await expect(badge(answer, 'Waiting for approval')).toBeVisible();
  const card = answer.getByRole('list', { name: 'Tool calls' }).getByRole('listitem').filter({ hasText: confirm.tool.name });
  await expect(card).toContainText('awaiting approval');
  // Waiting for a decision is not running: the composer can send (no Stop).
  await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);

  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(badge(answer, 'Completed')).toBeVisible({ timeout: 15_000 });
  await expect(approval).toHaveCount(0);
  await expect(card).toContainText('approved');
  await expect(card).toContainText('done');
  await expect(card).not.toContainText('awaiting approval');
  await expect(answerText(answer)).toContainText(confirm.tool.name);
  await storedRun(page, (run) => statusOf(run) === 'completed');
});

test('a run paused for approval ends without the tool after Reject', async ({ page }) => {
  const { confirm } = await demo();
  test.skip(!confirm, 'the server has no agent with a tool that needs confirmation');
  await openChat(page, 'agents', confirm.agent);
  await send(page, 'Please reset the counter');
  const answer = answerFrom(page, nameOf(confirm.agent));
  const approval = answer.getByRole('group', { name: 'Approval needed' });
  await approval.getByRole('button', { name: 'Reject' }).click();
  await expect(badge(answer, 'Completed')).toBeVisible({ timeout: 15_000 });
  await expect(approval).toHaveCount(0);
  const card = answer.getByRole('list', { name: 'Tool calls' }).getByRole('listitem').filter({ hasText: confirm.tool.name });
  await expect(answerText(answer)).not.toBeEmpty();
  await expect(card).toContainText('rejected', { timeout: 3_000 });
  await expect(card).not.toContainText('awaiting approval');
  await expect(card).not.toContainText('approved');
});

test('a team paused by its member\'s tool shows that tool, and Approve finishes member and team', async ({ page }) => {
  const { confirm, teams } = await demo();
  test.skip(!confirm, 'the server has no agent with a tool that needs confirmation');
  const details = await Promise.all(teams.map((t) => api(`/teams/${encodeURIComponent(t.id)}`)));
  const team = details.find((t) => (t.members || []).some((m) => m.id === confirm.agent.id));
  test.skip(!team, 'no team has that agent as a member');
  await openChat(page, 'teams', team);
  await send(page, 'Please reset the counter');

  const answer = answerFrom(page, nameOf(team));
  const approval = answer.getByRole('group', { name: 'Approval needed' });
  await expect(approval).toBeVisible({ timeout: 15_000 });
  // The decision is on the member's tool, not on the team's delegation.
  await expect(approval).toContainText(confirm.tool.name);
  await expect(badge(answer, 'Waiting for approval')).toBeVisible();
  const member = answer.getByRole('region', { name: `Member run: ${nameOf(confirm.agent)}` });
  const card = member.getByRole('list', { name: 'Tool calls' }).getByRole('listitem').filter({ hasText: confirm.tool.name });
  await expect(card).toContainText('awaiting approval');

  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(badge(answer, 'Completed')).toBeVisible({ timeout: 15_000 });
  await expect(approval).toHaveCount(0);
  await expect(card).toContainText('done');
  await expect(card).not.toContainText('awaiting approval');
  // The team's answer reports the member's tool result.
  await expect(answerText(answer).last()).toContainText(confirm.tool.name);
  // Stored as completed (the team run, not only its member).
  const id = await sessionId(page);
  await expect.poll(async () => {
    const runs = await api(`/sessions/${encodeURIComponent(id)}/runs?type=team`);
    return runs.filter((r) => !r.parent_run_id).map(statusOf);
  }, { timeout: 5_000 }).toEqual(['completed']);
});

test('a tool that asks for input shows its fields; Continue runs it with the answer', async ({ page }) => {
  const { agents } = await demo();
  // agno's agent detail does not say which tools ask for input; the demo's stand-in LLM
  // calls a tool named *note* when the message says "note" (demo/README.md).
  const isNote = (t) => /note/i.test(t.name);
  const asking = agents.find((a) => tools(a).some(isNote));
  test.skip(!asking, 'the server has no agent with a *note* tool');
  const tool = tools(asking).find(isNote);
  await openChat(page, 'agents', asking);
  await send(page, 'Send a note: lunch at noon');

  const answer = answerFrom(page, nameOf(asking));
  const approval = answer.getByRole('group', { name: 'Approval needed' });
  await expect(approval).toBeVisible({ timeout: 15_000 });
  await expect(approval).toContainText('This run needs your input');
  await expect(approval).toContainText(tool.name);
  const card = answer.getByRole('list', { name: 'Tool calls' }).getByRole('listitem').filter({ hasText: tool.name });
  await expect(card).toContainText('waiting for your input');
  // Nothing to send until every field is filled in.
  const fields = approval.getByRole('textbox');
  const go = approval.getByRole('button', { name: 'Continue' });
  const empty = [];
  for (let i = 0; i < await fields.count(); i++) {
    if (!(await fields.nth(i).inputValue())) empty.push(fields.nth(i));
  }
  expect(empty.length, 'at least one field is left for the person').toBeGreaterThan(0);
  await expect(go).toBeDisabled();
  for (const f of empty) await f.fill('Ann Example');
  await expect(go).toBeEnabled();

  // A continue the server refuses decides nothing: it says why, and the run still
  // waits with what was typed.
  pageErrors.allow('503');
  await page.route('**/continue', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"detail":"busy"}' }), { times: 1 });
  await go.click();
  await expect(conversation(page).getByRole('alert')).toContainText('busy');
  await expect(page.getByText('Nothing was decided: the run still waits for you above.')).toBeVisible();
  await expect(badge(answer, 'Waiting for approval')).toBeVisible();
  for (const f of empty) await expect(f).toHaveValue('Ann Example');
  await expect(go).toBeEnabled();

  await go.click();

  await expect(badge(answer, 'Completed')).toBeVisible({ timeout: 15_000 });
  await expect(approval).toHaveCount(0);
  await expect(card).toContainText('done');
  // The tool ran with the answer: its result (and the stored run) carry it.
  await expect(card).toContainText('Ann Example');
  const run = await storedRun(page, (r) => statusOf(r) === 'completed');
  expect(JSON.stringify(run.tools || [])).toContain('Ann Example');
});

/** A workflow with a step that asks for confirmation, found on the wire (its detail does not say). */
async function pausingWorkflow(workflows) {
  for (const wf of workflows) {
    const form = new FormData();
    form.append('message', 'probe');
    form.append('stream', 'true');
    const res = await fetch(`${env.API}/workflows/${encodeURIComponent(wf.id)}/runs`, {
      method: 'POST', body: form, headers: { Authorization: `Bearer ${env.KEY}` }, signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    const paused = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => JSON.parse(l.slice(5)))
      .find((d) => d.event === 'StepPaused' && d.requires_confirmation);
    if (paused) return { workflow: wf, step: paused.step_name, question: paused.confirmation_message };
  }
  return null;
}

for (const decision of ['Approve', 'Reject']) {
  test(`a workflow step waiting for confirmation: ${decision} ${decision === 'Approve' ? 'runs it' : 'skips it'} and the workflow ends`, async ({ page }) => {
    const { workflows } = await demo();
    const found = await pausingWorkflow(workflows);
    test.skip(!found, 'no workflow has a step that needs confirmation');
    await openChat(page, 'workflows', found.workflow);
    await send(page, 'Draft a hello');

    const answer = answerFrom(page, nameOf(found.workflow));
    const approval = answer.getByRole('group', { name: 'Approval needed' });
    await expect(approval).toBeVisible({ timeout: 15_000 });
    await expect(approval).toContainText(found.step);
    if (found.question) await expect(approval).toContainText(found.question);
    await expect(badge(answer, 'Waiting for approval')).toBeVisible();

    await approval.getByRole('button', { name: decision }).click();
    await expect(badge(answer, 'Completed')).toBeVisible({ timeout: 15_000 });
    await expect(approval).toHaveCount(0);
    const id = await sessionId(page);
    let last = null;
    await expect.poll(async () => {
      const stored = await api(`/sessions/${encodeURIComponent(id)}/runs?type=workflow`);
      last = stored[stored.length - 1];
      return statusOf(last);
    }, { message: 'the server stored the workflow run as completed', timeout: 5_000 }).toBe('completed');
    const ran = (last.step_results || []).some((r) => r.step_name === found.step);
    expect(ran, `the step ${found.step} ${decision === 'Approve' ? 'ran' : 'was skipped'}`).toBe(decision === 'Approve');
  });
}

test('a provider error is shown as a failed run with Retry', async ({ page }) => {
  const { plain } = await demo();
  await openChat(page, 'agents', plain);
  await send(page, 'boom');
  const answer = answerFrom(page, nameOf(plain));
  await expect(badge(answer, 'Failed')).toBeVisible();
  const alert = answer.getByRole('alert').filter({ hasText: /^The run failed: / });
  await expect(alert).toBeVisible();
  // The provider's own message, as the server reported it.
  const run = await storedRun(page, (r) => statusOf(r) === 'error');
  const reported = String(run.content || '').trim();
  if (reported) await expect(alert).toContainText(reported.slice(0, 60));
  await expect(alert).toHaveText(/^The run failed: \S/);
  const turn = conversation(page).getByRole('listitem').last();
  await expect(turn.getByRole('button', { name: 'Retry' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
});

/** A TCP proxy to the demo server on a fixed port, which can stop and start listening. */
async function portProxy(targetPort) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port) => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    down: () => new Promise((resolve) => { server.close(() => resolve()); for (const s of sockets) s.destroy(); }),
    up: () => listen(port),
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); if (server.listening) server.close(() => resolve()); else resolve(); }),
  };
}

test('a send that fails before any answer says why, gives the message back, and Retry sends it', async ({ page }) => {
  const { plain } = await demo();
  const proxy = await portProxy(env.API_PORT);
  try {
    await connect(page, { endpoint: proxy.url });
    await openChat(page, 'agents', plain);
    // The server goes away...
    await proxy.down();
    pageErrors.allow('ERR_CONNECTION_REFUSED');
    await send(page, 'Are you there?');
    const turn = conversation(page).getByRole('listitem').last();
    await expect(turn.getByRole('alert')).toContainText(`Nothing is listening at ${proxy.url}`);
    await expect(messageBox(page)).toHaveValue('Are you there?');
    await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
    // ... and comes back.
    await proxy.up();
    await turn.getByRole('button', { name: 'Retry' }).click();
    const answer = answerFrom(page, nameOf(plain));
    await expect(badge(answer, 'Completed')).toBeVisible();
    await expect(answerText(answer)).toContainText('Are you there?');
    await expect(messageBox(page)).toHaveValue('');
  } finally {
    await proxy.close();
  }
});

test('invalid JSON in the advanced options blocks sending and says which field', async ({ page }) => {
  const { plain } = await demo();
  await openChat(page, 'agents', plain);
  const form = page.getByRole('form', { name: 'Send a message' });
  await form.getByText('Advanced options', { exact: true }).click();
  const metadata = form.getByRole('textbox', { name: 'Metadata' });
  await expect(metadata).toBeVisible();
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/runs')) posts.push(r);
  });

  await metadata.fill('{"source": ');
  await send(page, 'Hello with metadata');
  const err = form.getByRole('alert').filter({ hasText: 'Metadata is not valid JSON: ' });
  await expect(err).toBeVisible();
  await expect(metadata).toHaveAttribute('aria-invalid', 'true');
  await expect(messageBox(page)).toHaveValue('Hello with metadata');
  await expect(conversation(page).getByRole('listitem')).toHaveCount(0);

  await metadata.fill('[1, 2]');
  await messageBox(page).press('Enter');
  await expect(form.getByRole('alert').filter({ hasText: /^Metadata must be a JSON object/ })).toBeVisible();
  await expect(conversation(page).getByRole('listitem')).toHaveCount(0);

  const session = form.getByRole('textbox', { name: 'Session state' });
  await session.fill('nope');
  await metadata.fill('{"source": "e2e"}');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByRole('alert').filter({ hasText: /^Session state is not valid JSON: / })).toBeVisible();
  await expect(form.getByRole('alert').filter({ hasText: /^Metadata/ })).toHaveCount(0);
  expect(posts).toHaveLength(0);

  await session.fill('');
  await messageBox(page).press('Enter');
  await expect(conversation(page).getByRole('listitem')).toHaveCount(1);
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(badge(answerFrom(page, nameOf(plain)), 'Completed')).toBeVisible();
  expect(posts).toHaveLength(1);
  // The field went out with the run, as the JSON that was typed.
  const body = posts[0].postData() || '';
  const sent = body.match(/name="metadata"\r?\n\r?\n([^\r\n]*)/);
  expect(sent, 'the run request has a metadata field').not.toBeNull();
  expect(JSON.parse(sent[1])).toEqual({ source: 'e2e' });
});

test('Markdown links: https opens safely in a new tab, a javascript: link is only text', async ({ page }) => {
  const { plain } = await demo();
  await openChat(page, 'agents', plain);
  await send(page, 'Show me some markdown');
  const answer = answerFrom(page, nameOf(plain));
  await expect(badge(answer, 'Completed')).toBeVisible();

  const content = String((await storedRun(page, (r) => statusOf(r) === 'completed')).content || '');
  const links = [...content.matchAll(/\[([^\]]+)\]\(([^)\s]+)/g)].map((m) => ({ text: m[1], href: m[2] }));
  const safe = links.filter((l) => /^https?:/.test(l.href));
  const scripted = links.filter((l) => /^javascript:/i.test(l.href));
  expect(safe.length, 'the answer has an https link').toBeGreaterThan(0);
  expect(scripted.length, 'the answer has a javascript: link').toBeGreaterThan(0);
  const text = answerText(answer);
  for (const l of safe) {
    const link = text.getByRole('link', { name: l.text, exact: true });
    await expect(link).toHaveAttribute('href', l.href);
    await expect(link).toHaveAttribute('rel', /\bnoopener\b/);
    await expect(link).toHaveAttribute('target', '_blank');
  }
  for (const l of scripted) {
    await expect(text.getByText(l.text)).toBeVisible();
    await expect(text.getByRole('link', { name: l.text })).toHaveCount(0);
  }
  expect(await answer.evaluate((el) => [...el.querySelectorAll('[href]')]
    .filter((a) => /^\s*javascript:/i.test(a.getAttribute('href'))).length)).toBe(0);
  // The rest of the Markdown is rendered too.
  if (/^\|.*\|\s*$/m.test(content)) await expect(text.getByRole('table')).toBeVisible();
  if (/^- /m.test(content)) await expect(text.getByRole('list').first()).toBeVisible();
});

test('HTML in the model output (and in the message) is shown as text and never runs', async ({ page }) => {
  const { plain } = await demo();
  await openChat(page, 'agents', plain);
  const mine = '<img src=y onerror="window.__xss=2"> xss';
  await send(page, mine);
  const answer = answerFrom(page, nameOf(plain));
  await expect(badge(answer, 'Completed')).toBeVisible();

  const content = String((await storedRun(page, (r) => statusOf(r) === 'completed')).content || '');
  const tags = content.match(/<[^>]+>/g) || [];
  expect(tags.some((t) => /^<script/i.test(t)), 'the answer contains a <script> tag').toBe(true);
  expect(tags.some((t) => /^<img[^>]*onerror/i.test(t)), 'the answer contains an <img onerror> tag').toBe(true);
  for (const tag of tags) await expect(answerText(answer)).toContainText(tag);
  await expect(conversation(page).getByText(mine, { exact: true })).toBeVisible();

  await page.waitForTimeout(300); // an injected image would have failed to load by now
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  expect(await answer.evaluate((el) => el.querySelectorAll('img, script').length)).toBe(0);
  expect(await page.evaluate(() => document.querySelectorAll('[onerror], img[src="x"], img[src="y"]').length)).toBe(0);
  expect(await page.evaluate(() => [...document.scripts].filter((s) => s.textContent.includes('__xss')).length)).toBe(0);
});
