// Approvals: runs paused on a tool with agno's approval-record flow (@approval) are listed
// with what they ask, filtered, approved or rejected (with data), and continued; each step
// is cross-checked against the server (GET /approvals). A server without the route shows
// "not enabled", not an error wall. The paused runs are made through the demo's fake-LLM
// trigger ("archive" calls a tool named *archive*) and its on-demand schedule.
const { test, expect } = require('./fixtures');
const { api, apiSend, runAgent, env, connect, mainNav, collectErrors } = require('./helpers');

/** The agent with a tool named *archive* (the demo's @approval tool), if there is one. */
async function approvalAgent() {
  const agents = await api('/agents');
  for (const a of agents) {
    const tool = (a.tools?.tools || []).find((t) => /archive/i.test(t.name));
    if (tool) return { agent: a, tool };
  }
  return null;
}

const tag = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const pendingFor = async (user) =>
  (await api(`/approvals?status=pending&user_id=${encodeURIComponent(user)}`)).data;

test('an approval is listed with what it asks, approved with a name, and its run continued', async ({ page }) => {
  test.setTimeout(120_000);
  const found = await approvalAgent();
  test.skip(!found, 'the server has no agent with an @approval tool');
  const errors = collectErrors(page);
  const user = `e2e-appr-${tag()}`;
  const run = await runAgent(found.agent.id, 'Please archive the history', { user, session: `${user}-s1` });
  expect(run.status).toBe('PAUSED');
  const [record] = await pendingFor(user);
  expect(record.tool_name).toBe(found.tool.name);

  await connect(page);
  // The navigation counts the pending approvals (refreshed with the health check).
  const nav = mainNav(page).getByRole('link', { name: /^Approvals/ });
  const { count } = await api('/approvals/count');
  expect(count).toBeGreaterThan(0);
  await expect(nav).toHaveText(new RegExp(`^Approvals\\s*, pending: ${count}$`), { timeout: 20_000 });
  await nav.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Approvals' })).toBeVisible();

  // Filter by user and show every status: exactly this run's record.
  const filters = page.getByRole('search', { name: 'Filter approvals' });
  await filters.getByRole('combobox', { name: 'Status' }).selectOption('');
  await filters.getByRole('textbox', { name: 'User id' }).fill(user);
  await filters.getByRole('textbox', { name: 'User id' }).press('Enter');
  const list = page.getByRole('list', { name: 'Approvals' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  const item = list.getByRole('listitem', { name: new RegExp(`^Run ${found.tool.name}\\?`) });
  await expect(item.getByRole('heading', { name: `Run ${found.tool.name}?` })).toBeVisible();
  await expect(item).toContainText('pending');
  await expect(item).toContainText(`User${user}`);
  // What is asked: the tool's arguments as the server recorded them.
  const args = item.getByLabel('Arguments');
  for (const [k, v] of Object.entries(record.tool_args)) {
    await expect(args).toContainText(`"${k}": ${JSON.stringify(v)}`);
  }
  await expect(item.getByRole('link', { name: 'Open the session' })).toHaveAttribute('href', `#/sessions/${record.session_id}`);
  await expect(item.getByRole('link', { name: 'Open the run in the chat' })).toHaveAttribute(
    'href',
    `#/chat/agents/${encodeURIComponent(found.agent.id)}?session=${encodeURIComponent(record.session_id)}`,
  );

  // Data that is not a JSON object is refused before anything is sent.
  const form = item.getByRole('form', { name: /^Decide:/ });
  await form.getByRole('textbox', { name: 'Data (optional JSON object)' }).fill('{not json');
  await form.getByRole('button', { name: 'Approve' }).click();
  await expect(form.getByRole('alert')).toContainText('not valid JSON');
  expect((await api(`/approvals/${record.id}`)).status).toBe('pending');

  // Approve with a name and data: the server has it, and the page shows the outcome.
  await form.getByRole('textbox', { name: 'Data (optional JSON object)' }).fill('{"ticket": "OPS-1"}');
  await form.getByRole('textbox', { name: 'Resolved by (optional)' }).fill('e2e-operator');
  await form.getByRole('button', { name: 'Approve' }).click();
  await expect(item).toContainText('approved');
  await expect(item.getByRole('status')).toContainText('Approved by e2e-operator');
  await expect(item.getByRole('status')).toContainText('The run is still paused');
  const approved = await api(`/approvals/${record.id}`);
  expect(approved).toMatchObject({ status: 'approved', resolved_by: 'e2e-operator', resolution_data: { ticket: 'OPS-1' } });
  await expect(item.getByLabel('Resolution data')).toContainText('"ticket": "OPS-1"');

  // Continue the run: agno applies the decision and the run completes.
  await item.getByRole('button', { name: 'Continue the run' }).click();
  // (The Continue control says what the server answered in a status of its own until the list is
  // read again: two statuses for a moment.)
  await expect(item.getByRole('status').filter({ hasText: 'The run has completed' })).toBeVisible({ timeout: 30_000 });
  expect((await api(`/approvals/${record.id}`)).run_status).toBe('COMPLETED');
  await expect(item.getByRole('button', { name: 'Continue the run' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('an approval is rejected; resolving one twice shows the server’s reason', async ({ page }) => {
  test.setTimeout(120_000);
  const found = await approvalAgent();
  test.skip(!found, 'the server has no agent with an @approval tool');
  const errors = collectErrors(page);
  const user = `e2e-appr-${tag()}`;
  await runAgent(found.agent.id, 'Please archive the history', { user, session: `${user}-a` });
  await runAgent(found.agent.id, 'Please archive the old history', { user, session: `${user}-b` });
  const records = await pendingFor(user);
  expect(records).toHaveLength(2);

  await connect(page);
  await page.goto('/#/approvals');
  const filters = page.getByRole('search', { name: 'Filter approvals' });
  await filters.getByRole('textbox', { name: 'User id' }).fill(user);
  await filters.getByRole('textbox', { name: 'User id' }).press('Enter');
  const list = page.getByRole('list', { name: 'Approvals' });
  await expect(list.getByRole('listitem')).toHaveCount(2);

  // Reject the first: it leaves the pending list, the server has the decision.
  const first = list.getByRole('listitem').filter({ hasText: records[0].run_id });
  await first.getByRole('button', { name: 'Reject' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  expect((await api(`/approvals/${records[0].id}`)).status).toBe('rejected');

  // The other is resolved elsewhere meanwhile: approving it here shows the 409's reason.
  await apiSend('POST', `/approvals/${records[1].id}/resolve`, { status: 'approved', resolved_by: 'someone-else' });
  const second = list.getByRole('listitem').filter({ hasText: records[1].run_id });
  await second.getByRole('button', { name: 'Approve' }).click();
  await expect(second.getByRole('alert')).toContainText('HTTP 409');
  await expect(second.getByRole('alert')).toContainText("Approval is already 'approved' and cannot be resolved");
  expect((await api(`/approvals/${records[1].id}`)).resolved_by).toBe('someone-else');

  // Status filter: the rejected one under "rejected".
  await filters.getByRole('combobox', { name: 'Status' }).selectOption('rejected');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText(records[0].run_id);
  await expect(list.getByRole('listitem').getByRole('status')).toContainText('Rejected');
  expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
});

test('a scheduled run that pauses is found by its run', async ({ page }) => {
  test.setTimeout(120_000);
  const found = await approvalAgent();
  test.skip(!found, 'the server has no agent with an @approval tool');
  const schedules = (await api('/schedules')).data;
  const schedule = schedules.find((s) => s.enabled && s.endpoint === `/agents/${found.agent.id}/runs` && /archive/i.test(JSON.stringify(s.payload || {})));
  test.skip(!schedule, 'the server has no schedule that runs the @approval tool');
  const run = await apiSend('POST', `/schedules/${schedule.id}/trigger`);
  expect(run.status).toBe('paused');

  await connect(page);
  await page.goto(`/#/approvals?run_id=${encodeURIComponent(run.run_id)}`);
  const filters = page.getByRole('search', { name: 'Filter approvals' });
  await expect(filters.getByRole('textbox', { name: 'Run id' })).toHaveValue(run.run_id);
  const list = page.getByRole('list', { name: 'Approvals' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText(run.run_id);
  await expect(list.getByRole('listitem')).toContainText('pending');
});

test('a server without approvals says so instead of showing an error', async ({ page }) => {
  const errors = collectErrors(page);
  await connect(page);
  // The route answers like an AgentOS that has no /approvals (404), as a browser sees it.
  await page.route(`${env.API}/approvals**`, (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/json',
      headers: { 'access-control-allow-origin': env.WEB_ORIGIN },
      body: '{"detail":"Not Found"}',
    }),
  );
  await page.goto('/#/approvals');
  await expect(page.getByRole('heading', { level: 1, name: 'Approvals' })).toBeVisible();
  await expect(page.getByText('Approvals are not enabled on this server')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});
