// More of the session history: start a new empty session and continue it in the chat,
// delete several sessions at once, and follow "Memories updated" to that user's memories.
const { test, expect } = require('./fixtures');
const env = require('../env');
const { api, connect, collectErrors } = require('./helpers');

/** A request to the demo AgentOS with the e2e key, from Node. */
async function call(method, path, body) {
  const res = await fetch(env.API + path, {
    method,
    headers: { Authorization: `Bearer ${env.KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const sessionsTable = (page) => page.getByRole('table', { name: 'Sessions' });

async function searchByName(page, text) {
  const box = page.getByRole('searchbox', { name: 'Search by name' });
  await box.fill(text);
  await box.press('Enter');
}

test('"New session" creates an empty named session and opens it in the chat', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = collectErrors(page);
  const agents = await api('/agents');
  test.skip(agents.length === 0, 'the server has no agent');
  const agent = agents[0];
  const agentName = agent.name || agent.id;
  const tag = `e2e-new-${Date.now().toString(36)}`;

  await connect(page);
  await page.goto('/#/sessions');
  await page.getByRole('button', { name: 'New session' }).click();
  const form = page.getByRole('form', { name: 'New session' });
  await form.getByLabel('With').selectOption(`agents:${agent.id}`);
  await form.getByLabel('Name (optional)').fill(tag);
  await form.getByLabel('User id (optional)').fill(`${tag}-user`);
  await form.getByRole('button', { name: 'Create and open' }).click();

  // The chat opens on the new session: its id in the URL, no turns yet.
  await expect(page).toHaveURL(/#\/chat\/agents\/[^?]+\?session=/);
  const sessionId = decodeURIComponent(new URL(page.url()).hash.split('session=')[1]);
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(agentName) })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'User id' })).toHaveValue(`${tag}-user`);

  // The server has it, empty, with the name and user typed.
  const stored = await api(`/sessions/${encodeURIComponent(sessionId)}?type=agent`);
  expect(stored.session_name).toBe(tag);
  expect(stored.user_id).toBe(`${tag}-user`);
  expect(await api(`/sessions/${encodeURIComponent(sessionId)}/runs?type=agent`)).toEqual([]);

  // A message goes into that session.
  await page.getByRole('textbox', { name: 'Message' }).fill('What is 2 + 2?');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('article', { name: `Answer from ${agentName}` })).toContainText('Completed', { timeout: 30_000 });
  const runs = await api(`/sessions/${encodeURIComponent(sessionId)}/runs?type=agent`);
  expect(runs.length).toBe(1);

  // And the list finds it by its name.
  await page.goto('/#/sessions');
  await searchByName(page, tag);
  await expect(sessionsTable(page).getByRole('link', { name: tag })).toBeVisible();
  expect(errors).toEqual([]);
});

test('several sessions are deleted at once after confirming; the others stay', async ({ page }) => {
  const errors = collectErrors(page);
  const agents = await api('/agents');
  test.skip(agents.length === 0, 'the server has no agent');
  const tag = `e2e-bulk-${Date.now().toString(36)}`;
  const names = [`${tag}-a`, `${tag}-b`, `${tag}-keep`];
  for (const name of names) {
    await call('POST', '/sessions?type=agent', { agent_id: agents[0].id, session_name: name });
  }

  await connect(page);
  await page.goto('/#/sessions');
  await searchByName(page, tag);
  const table = sessionsTable(page);
  await expect(table.getByRole('row')).toHaveCount(4); // header + 3
  await table.getByRole('checkbox', { name: `Select ${names[0]}` }).check();
  await table.getByRole('checkbox', { name: `Select ${names[1]}` }).check();
  const bulk = page.getByRole('group', { name: 'Selected sessions' });
  await expect(bulk).toContainText('2 selected');

  // Nothing is deleted before the confirmation; Cancel keeps everything.
  await bulk.getByRole('button', { name: 'Delete selected' }).click();
  await bulk.getByRole('button', { name: 'Cancel' }).click();
  await expect(table.getByRole('row')).toHaveCount(4);

  await bulk.getByRole('button', { name: 'Delete selected' }).click();
  await bulk.getByRole('button', { name: 'Confirm: delete 2 session(s)' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('link', { name: names[2] })).toBeVisible();
  await expect(bulk).toHaveCount(0);

  // On the server too.
  const left = await api(`/sessions?session_name=${encodeURIComponent(tag)}`);
  expect(left.data.map((s) => s.session_name)).toEqual([names[2]]);
  expect(errors).toEqual([]);
});

test('"Memories updated" in the chat links to that user\'s memories', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = collectErrors(page);
  const agents = await api('/agents');
  const remembering = agents.find((a) => a.memory && a.memory.update_memory_on_run);
  test.skip(!remembering, 'no agent updates memories on each run');
  const name = remembering.name || remembering.id;
  const user = `e2e-mem-${Date.now().toString(36)}`;

  await connect(page);
  await page.goto(`/#/chat/agents/${encodeURIComponent(remembering.id)}`);
  await page.getByRole('textbox', { name: 'User id' }).fill(user);
  await page.getByRole('textbox', { name: 'User id' }).press('Tab');
  await page.getByRole('textbox', { name: 'Message' }).fill('I like green tea.');
  await page.keyboard.press('Enter');
  const answer = page.getByRole('article', { name: `Answer from ${name}` });
  await expect(answer).toContainText('Completed', { timeout: 30_000 });
  const link = answer.getByRole('link', { name: /^Memories updated/ });
  await expect(link).toHaveAttribute('href', `#/memories?user=${encodeURIComponent(user)}`);
  await link.click();

  await expect(page.getByRole('heading', { level: 1, name: 'Memories' })).toBeVisible();
  const stored = await api(`/memories?user_id=${encodeURIComponent(user)}`);
  expect(stored.data.length).toBeGreaterThan(0);
  await expect(page.getByText(stored.data[0].memory, { exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});

test('the list pages on the server: total count, next, last and first page', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = collectErrors(page);
  const agents = await api('/agents');
  test.skip(agents.length === 0, 'the server has no agent');
  const tag = `e2e-pages-${Date.now().toString(36)}`;
  for (let i = 1; i <= 45; i++) {
    await call('POST', '/sessions?type=agent', { agent_id: agents[0].id, session_name: `${tag} ${String(i).padStart(2, '0')}` });
  }

  await connect(page);
  await page.goto('/#/sessions');
  await page.getByLabel('Sort by').selectOption('created-asc');
  await searchByName(page, tag);
  const pager = page.getByRole('navigation', { name: 'Pages' });
  const table = sessionsTable(page);
  await expect(pager).toContainText('Page 1 of 3 · 45 sessions');
  await expect(table.getByRole('row')).toHaveCount(21);
  await expect(table.getByRole('link', { name: `${tag} 01` })).toBeVisible();
  await expect(pager.getByRole('button', { name: 'Previous page' })).toBeDisabled();

  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager).toContainText('Page 2 of 3');
  await expect(table.getByRole('link', { name: `${tag} 21` })).toBeVisible();

  await pager.getByRole('button', { name: 'Last page' }).click();
  await expect(pager).toContainText('Page 3 of 3');
  await expect(table.getByRole('row')).toHaveCount(6);
  await expect(table.getByRole('link', { name: `${tag} 45` })).toBeVisible();
  await expect(pager.getByRole('button', { name: 'Next page' })).toBeDisabled();

  await pager.getByRole('button', { name: 'First page' }).click();
  await expect(pager).toContainText('Page 1 of 3');
  await expect(table.getByRole('link', { name: `${tag} 01` })).toBeVisible();
  expect(errors).toEqual([]);
});
