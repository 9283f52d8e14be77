// The smaller gaps (issue 13 §6): the metrics' user filter; memories' agent filter, bulk
// delete and optimize (preview, then apply); trace search built from the server's filter
// schema; knowledge metadata edit, re-process and delete-all. Each action is cross-checked
// against the server, and failures show the server's reason. Destructive steps only touch
// data the test makes: a user id of its own for memories, and for "Delete all content" (which
// wipes a whole knowledge base) a second demo AgentOS of its own.
const { test, expect } = require('./fixtures');
const { api, apiSend, env, connect, mainNav, alert, collectErrors, runAgent, ownDemo } = require('./helpers');

const tagOf = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const today = () => new Date().toISOString().slice(0, 10);

test('metrics: the user filter shows one user\'s runs and is kept in the URL', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const user = `e2e-gaps-met-${tagOf()}`;
  const agents = await api('/agents');
  const agent = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
  for (let i = 0; i < 3; i++) await runAgent(agent.id, `Hello ${user} ${i}`, { user, session: `${user}-${i}` });
  await apiSend('POST', '/metrics/refresh');
  const day = today();
  const [row] = (await api(`/metrics?starting_date=${day}&ending_date=${day}&user_id=${user}`)).metrics;
  expect(row.agent_runs_count).toBe(3);

  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Metrics' }).click();
  const filter = page.getByRole('search', { name: 'Filter metrics' });
  const asked = page.waitForRequest((r) => r.url().includes('/metrics?') && r.url().includes(`user_id=${user}`));
  await filter.getByRole('textbox', { name: 'User id' }).fill(user);
  await filter.getByRole('textbox', { name: 'User id' }).press('Enter');
  await asked;
  await expect(page).toHaveURL(new RegExp(`#/metrics\\?range=30&user_id=${user}$`));
  const chart = page.getByRole('img', { name: /^Runs per day, / });
  await expect(chart.locator('title').filter({ hasText: new RegExp(`^${day}: 3 runs `) })).toHaveCount(1);

  // A reload keeps the user; "Every user" drops it.
  await page.reload();
  await expect(page.getByRole('search', { name: 'Filter metrics' }).getByRole('textbox', { name: 'User id' })).toHaveValue(user);
  await page.getByRole('button', { name: 'Every user' }).click();
  await expect(page).toHaveURL(/#\/metrics\?range=30$/);
  expect(errors).toEqual([]);
});

test('memories: agent filter, bulk delete, optimize preview then apply, and a failure with the server\'s reason', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const tag = tagOf();
  const user = `e2e-gaps-mem-${tag}`;
  const serverMemories = async () => (await api(`/memories?user_id=${user}&limit=100`)).data;
  // A chat run of the agent with memory remembers something with its agent_id.
  const agents = await api('/agents');
  const librarian = agents.find((a) => a.id === 'librarian-agent');
  await runAgent(librarian.id, `I like green tea ${tag}`, { user, session: `${user}-s` });
  for (const text of [`Lives in Oslo ${tag}`, `Has a cat named Miso ${tag}`, `Works on Mondays ${tag}`, `Likes long walks ${tag}`]) {
    await apiSend('POST', '/memories', { memory: text, user_id: user, topics: ['e2e'] });
  }
  expect((await serverMemories()).length).toBe(5);

  await connect(page);
  await page.goto(`/#/memories?user=${user}`);
  const list = page.getByRole('list', { name: 'Memories' });
  await expect(list.getByRole('listitem')).toHaveCount(5);

  // The agent filter (a select from the catalog) sends agent_id and narrows the list.
  const filters = page.getByRole('search', { name: 'Filter memories' });
  const asked = page.waitForRequest((r) => r.url().includes('/memories?') && r.url().includes(`agent_id=${librarian.id}`));
  await filters.getByRole('combobox', { name: 'Agent' }).selectOption({ label: librarian.name });
  await asked;
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText(`I like green tea ${tag}`);
  await expect(filters.getByRole('combobox', { name: 'Team' })).toHaveValue('');
  await filters.getByRole('combobox', { name: 'Agent' }).selectOption({ label: 'Any agent' });
  await expect(list.getByRole('listitem')).toHaveCount(5);

  // Bulk delete: two ticked, one DELETE /memories after a confirmation.
  await list.getByRole('checkbox', { name: new RegExp(`^Select memory: Works on Mondays ${tag}`) }).check();
  await list.getByRole('checkbox', { name: new RegExp(`^Select memory: Likes long walks ${tag}`) }).check();
  const bulk = page.getByRole('group', { name: 'Selected memories' });
  await expect(bulk).toContainText('2 selected');
  await bulk.getByRole('button', { name: 'Delete selected' }).click();
  await expect(bulk).toContainText('Delete 2 memories?');
  const del = page.waitForRequest((r) => r.method() === 'DELETE' && new URL(r.url()).pathname === '/memories');
  await bulk.getByRole('button', { name: 'Confirm delete' }).click();
  expect(JSON.parse((await del).postData()).memory_ids).toHaveLength(2);
  await expect(list.getByRole('listitem')).toHaveCount(3);
  const left = (await serverMemories()).map((m) => m.memory);
  expect(left).toHaveLength(3);
  expect(left.join('|')).not.toContain('Mondays');

  // Optimize: a preview saves nothing; Apply replaces the three with the summary.
  const panel = page.getByRole('region', { name: 'Optimize memories' });
  await panel.getByRole('button', { name: 'Preview optimization' }).click();
  const preview = panel.getByRole('region', { name: 'Optimization preview' });
  await expect(preview).toContainText('Before: 3 memories');
  await expect(preview).toContainText('After: 1 memory');
  const summary = (await preview.getByRole('list', { name: 'Memories after optimization' }).getByRole('listitem').innerText()).split('\n')[0].trim();
  expect(summary.length).toBeGreaterThan(0);
  expect((await serverMemories()).length).toBe(3);
  await preview.getByRole('button', { name: `Apply: replace the memories of ${user}` }).click();
  await expect(panel.getByRole('status')).toHaveText('Optimized: 3 memories became 1 memory.');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  const after = await serverMemories();
  expect(after.map((m) => m.memory)).toEqual([summary]);

  // A user without memories: the server's 404 and its reason.
  const nobody = `e2e-gaps-nobody-${tag}`;
  await filters.getByRole('textbox', { name: 'User id' }).fill(nobody);
  await filters.getByRole('textbox', { name: 'User id' }).press('Enter');
  await panel.getByRole('button', { name: 'Preview optimization' }).click();
  await expect(panel.getByRole('alert')).toContainText(`No memories found for user ${nobody}`);
  // A model string without a provider: the server's 400 and its reason.
  await filters.getByRole('textbox', { name: 'User id' }).fill(user);
  await filters.getByRole('textbox', { name: 'User id' }).press('Enter');
  await panel.getByRole('textbox', { name: 'Model (provider:model_id)' }).fill('gpt-4o');
  await panel.getByRole('button', { name: 'Preview optimization' }).click();
  await expect(panel.getByRole('alert')).toContainText('Invalid model string format');
  expect((await serverMemories()).length).toBe(1);
  await apiSend('DELETE', '/memories', { memory_ids: after.map((m) => m.memory_id), user_id: user });
  // Only the two failures asked for above.
  expect(errors.filter((e) => !/status of (404|400) .*\/optimize-memories/.test(e))).toEqual([]);
});

test('traces: a search built from the filter schema finds one user\'s runs', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const user = `e2e-gaps-tr-${tagOf()}`;
  const agents = await api('/agents');
  const agent = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
  for (let i = 0; i < 2; i++) await runAgent(agent.id, `Trace me ${i}`, { user, session: `${user}-${i}` });
  await expect.poll(async () => (await api(`/traces?user_id=${user}`)).data.length, { timeout: 20_000 }).toBe(2);

  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Traces' }).click();
  await page.getByText('Search traces', { exact: true }).click();
  const form = page.getByRole('form', { name: 'Search traces' });
  // An empty value is refused before anything is sent.
  await form.getByRole('combobox', { name: 'Field of condition 1' }).selectOption({ label: 'User ID' });
  await form.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Condition 1: enter a value.');
  await form.getByRole('combobox', { name: 'Operator of condition 1' }).selectOption({ label: 'starts with' });
  await form.getByRole('textbox', { name: 'Value of condition 1' }).fill(user);
  await form.getByRole('button', { name: 'Add condition' }).click();
  await form.getByRole('combobox', { name: 'Field of condition 2' }).selectOption({ label: 'Status' });
  await form.getByRole('combobox', { name: 'Value of condition 2' }).selectOption('OK');
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/traces/search'));
  await form.getByRole('button', { name: 'Search', exact: true }).click();
  expect(JSON.parse((await sent).postData()).filter).toEqual({
    op: 'AND',
    conditions: [{ op: 'STARTSWITH', key: 'user_id', value: user }, { op: 'EQ', key: 'status', value: 'OK' }],
  });
  const results = page.getByRole('region', { name: 'Search results' });
  await expect(results.getByRole('table').getByRole('row')).toHaveCount(3); // header + 2 runs
  await expect(results).toContainText('2 traces');
  // A search nothing matches, then Clear search brings the list back.
  await form.getByRole('combobox', { name: 'Value of condition 2' }).selectOption('ERROR');
  await form.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toContainText('No traces match the search');
  await form.getByRole('button', { name: 'Clear search' }).click();
  await expect(results).toHaveCount(0);
  await expect(page.getByRole('table').first()).toBeVisible();
  expect(errors).toEqual([]);
});

test('knowledge: metadata edit checked as JSON, re-process with the server\'s reason, no remote source control without one', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const tag = tagOf();
  const [kb] = (await api('/config')).knowledge.knowledge_instances;
  const q = `knowledge_id=${encodeURIComponent(kb.id)}&db_id=${encodeURIComponent(kb.db_id)}`;
  const form = new FormData();
  form.set('name', `e2e gaps ${tag}`);
  form.set('text_content', `Notes for the gaps test ${tag}.`);
  const added = await apiSend('POST', `/knowledge/content?${q}`, form);
  await expect.poll(async () => (await api(`/knowledge/content/${added.id}/status?${q}`)).status, { timeout: 30_000 }).toBe('completed');
  try {
    await connect(page);
    await page.goto(`/#/knowledge?kb=${encodeURIComponent(kb.id)}`);
    const item = page.getByRole('listitem', { name: `e2e gaps ${tag}` });
    await expect(item).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Add from a remote source' })).toHaveCount(0);

    // Metadata: not an object is refused before sending; an object is sent and shown.
    await item.getByRole('button', { name: `Edit content: e2e gaps ${tag}` }).click();
    const edit = page.getByRole('form', { name: `Edit content: e2e gaps ${tag}` });
    await edit.getByRole('textbox', { name: 'Metadata (JSON object)' }).fill('[1, 2]');
    let patched = false;
    page.on('request', (r) => { if (r.method() === 'PATCH') patched = true; });
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit.getByRole('alert')).toContainText('Metadata must be a JSON object');
    expect(patched).toBe(false);
    await edit.getByRole('textbox', { name: 'Metadata (JSON object)' }).fill(`{"team": "e2e-${tag}", "reviewed": true}`);
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(item.getByRole('definition').filter({ hasText: `e2e-${tag}` })).toBeVisible();
    const stored = await api(`/knowledge/content/${added.id}?${q}`);
    expect(stored.metadata.team).toBe(`e2e-${tag}`);
    expect(stored.metadata.reviewed).toBe(true);

    // Re-process: text has no source to read again; the server says so.
    await item.getByRole('button', { name: `Re-process content: e2e gaps ${tag}` }).click();
    await expect(page.getByRole('alert')).toContainText('Content has no source URL to refresh from');
    // Gone on the server meanwhile: its 404 and reason.
    await apiSend('DELETE', `/knowledge/content/${added.id}?${q}`);
    await item.getByRole('button', { name: `Re-process content: e2e gaps ${tag}` }).click();
    await expect(page.getByRole('alert')).toContainText(`Content not found: ${added.id}`);
  } finally {
    await fetch(`${env.API}/knowledge/content/${added.id}?${q}`, { method: 'DELETE', headers: { Authorization: `Bearer ${env.KEY}` } });
  }
  // Only the two refusals asked for above.
  expect(errors.filter((e) => !/status of (400|404) .*\/refresh\?/.test(e))).toEqual([]);
});

test('knowledge: delete all content asks for the base\'s name, on a demo AgentOS of its own', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  const demo = await ownDemo();
  const own = demo.url;
  const ownApi = async (p) => (await fetch(own + p, { headers: { Authorization: `Bearer ${env.KEY}` } })).json();
  try {
    const [kb] = (await ownApi('/config')).knowledge.knowledge_instances;
    const before = (await ownApi(`/knowledge/content?knowledge_id=${kb.id}`)).data.length;
    expect(before).toBeGreaterThan(0);

    await connect(page, { endpoint: own });
    await page.goto(`/?endpoint=${own}#/knowledge?kb=${encodeURIComponent(kb.id)}`);
    const zone = page.getByRole('region', { name: 'Delete all content' });
    await zone.getByRole('button', { name: 'Delete all content…' }).click();
    const now = zone.getByRole('button', { name: 'Delete all content now' });
    await expect(now).toBeDisabled();
    const box = zone.getByRole('textbox', { name: `Type “${kb.name}” to confirm` });
    await box.fill(`${kb.name} (not quite)`);
    await expect(now).toBeDisabled();
    await zone.getByRole('button', { name: 'Cancel' }).click();
    expect((await ownApi(`/knowledge/content?knowledge_id=${kb.id}`)).data.length).toBe(before);

    await zone.getByRole('button', { name: 'Delete all content…' }).click();
    await zone.getByRole('textbox', { name: `Type “${kb.name}” to confirm` }).fill(kb.name);
    const wiped = page.waitForRequest((r) => r.method() === 'DELETE' && new URL(r.url()).pathname === '/knowledge/content');
    await zone.getByRole('button', { name: 'Delete all content now' }).click();
    await wiped;
    await expect(zone.getByRole('status')).toHaveText(`Every content of “${kb.name}” was deleted.`);
    await expect(page.getByText('No content yet')).toBeVisible();
    expect((await ownApi(`/knowledge/content?knowledge_id=${kb.id}`)).data.length).toBe(0);
  } finally {
    await demo.stop();
  }
  expect(errors).toEqual([]);
});
