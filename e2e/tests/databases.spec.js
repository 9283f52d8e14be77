// Databases (issue 13 §4): where GET /config lists two or more databases for an area, a
// "Database" picker on sessions, memories, metrics and traces with the display names of
// `domain_config`, kept in the URL (?db=), and every request of the page carries that db_id.
//
// The default demo has one database (agno 3.1.10 answers 400 to every sessions, memories,
// metrics, traces and evals request without db_id once there are two, so the shared demo
// keeps one). This spec starts a second demo AgentOS with its second database
// (demo/server.py --second-db: archive-db, an Archivist agent and an Archive Notes knowledge
// base, a seeded session and memory) on free ports, and stops it.
const { test, expect } = require('./fixtures');
const { connect, env, alert, ownDemo } = require('./helpers');

/** The second demo's URL (set once it is up). */
let API2 = null;
let demo = null;

const picker = (page) => page.getByRole('combobox', { name: 'Database' });
const heading = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });

async function api2(p) {
  const res = await fetch(API2 + p, { headers: { Authorization: `Bearer ${env.KEY}` }, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  demo = await ownDemo({ args: ['--second-db'] });
  API2 = demo.url;
});

test.afterAll(async () => {
  if (demo) await demo.stop();
});

test('a server with one database shows no database picker', async ({ page }) => {
  const config = await (await fetch(`${env.API}/config`, { headers: { Authorization: `Bearer ${env.KEY}` } })).json();
  expect(config.session.dbs.length).toBe(1);
  await connect(page);
  for (const [hash, title] of [['#/sessions', 'Sessions'], ['#/memories', 'Memories']]) {
    await page.goto(`/${hash}`);
    await expect(heading(page, title)).toBeVisible();
    // Sessions are a table, memories a list; either may be empty.
    const shown = page.getByRole('table', { name: title, exact: true }).or(page.getByRole('list', { name: title, exact: true }));
    await expect(shown.or(page.getByText(/No (sessions|memories)/)).first()).toBeVisible();
    await expect(picker(page)).toHaveCount(0);
  }
});

test('sessions: the picker shows both display names; switching shows the other database, in the URL, across back and reload', async ({ page }) => {
  const config = await api2('/config');
  const names = config.session.dbs.map((d) => d.domain_config.display_name);
  expect(names.length).toBe(2);
  const archive = config.session.dbs.find((d) => d.db_id !== config.os_database);
  const archived = (await api2(`/sessions?db_id=${encodeURIComponent(archive.db_id)}`)).data[0];

  await connect(page, { endpoint: API2 });
  await page.goto('/#/sessions');
  await expect(heading(page, 'Sessions')).toBeVisible();
  await expect(picker(page).getByRole('option')).toHaveText(names);
  // The default database (the AgentOS's own) first: its list, not the archive's.
  await expect(picker(page)).toHaveValue(config.os_database);
  await expect(page.getByText('No sessions match')).toBeVisible();
  await expect(page.getByRole('link', { name: archived.session_name })).toHaveCount(0);
  await expect(alert(page)).toHaveCount(0);

  const listed = page.waitForRequest((r) => r.url().startsWith(`${API2}/sessions?`) && r.url().includes(`db_id=${archive.db_id}`));
  await picker(page).selectOption({ label: archive.domain_config.display_name });
  await listed;
  await expect(page).toHaveURL(new RegExp(`#/sessions\\?db=${archive.db_id}$`));
  await expect(picker(page)).toHaveValue(archive.db_id);
  const link = page.getByRole('link', { name: archived.session_name, exact: true });
  await expect(link).toBeVisible();

  // The session page reads the same database, and goes back to its list.
  await link.click();
  await expect(page).toHaveURL(new RegExp(`#/sessions/${archived.session_id}\\?db=${archive.db_id}$`));
  const runs = await api2(`/sessions/${archived.session_id}/runs?db_id=${archive.db_id}`);
  await expect(page.getByText(runs[0].content, { exact: true })).toBeVisible();
  await page.goBack();
  await expect(link).toBeVisible();

  // Reload keeps it.
  await page.reload();
  await expect(picker(page)).toHaveValue(archive.db_id);
  await expect(link).toBeVisible();

  // Back to before the switch: the default database again.
  await page.goBack();
  await expect(page).toHaveURL(/#\/sessions$/);
  await expect(picker(page)).toHaveValue(config.os_database);
  await expect(page.getByRole('link', { name: archived.session_name })).toHaveCount(0);
});

test('memories: the archive\'s memory shows only in its database', async ({ page }) => {
  const config = await api2('/config');
  const archive = config.memory.dbs.find((d) => d.db_id !== config.os_database);
  const memory = (await api2(`/memories?db_id=${encodeURIComponent(archive.db_id)}`)).data[0];

  await connect(page, { endpoint: API2 });
  await page.goto('/#/memories');
  await expect(heading(page, 'Memories')).toBeVisible();
  await expect(picker(page).getByRole('option')).toHaveText(config.memory.dbs.map((d) => d.domain_config.display_name));
  await expect(page.getByText(memory.memory)).toHaveCount(0);
  await picker(page).selectOption({ label: archive.domain_config.display_name });
  await expect(page).toHaveURL(new RegExp(`#/memories\\?db=${archive.db_id}$`));
  await expect(page.getByText(memory.memory).first()).toBeVisible();
  await page.reload();
  await expect(page.getByText(memory.memory).first()).toBeVisible();
});

test('metrics and traces: a picker with their display names; the chosen db_id is on the wire', async ({ page }) => {
  const config = await api2('/config');
  await connect(page, { endpoint: API2 });
  for (const [area, title, domain, route] of [['metrics', 'Metrics', 'metrics', '/metrics?'], ['traces', 'Traces', 'traces', '/traces?']]) {
    await page.goto(`/#/${area}`);
    await expect(heading(page, title)).toBeVisible();
    const dbs = config[domain].dbs;
    await expect(picker(page).getByRole('option')).toHaveText(dbs.map((d) => d.domain_config.display_name));
    const other = dbs.find((d) => d.db_id !== config.os_database);
    const sent = page.waitForRequest((r) => r.url().startsWith(API2 + route) && r.url().includes(`db_id=${other.db_id}`));
    await picker(page).selectOption({ label: other.domain_config.display_name });
    await sent;
    await expect(page).toHaveURL(new RegExp(`#/${area}\\?(.*&)?db=${other.db_id}`));
    await expect(alert(page)).toHaveCount(0);
  }
});

test('knowledge: the picker offers "All databases" and each database; one shows only its knowledge bases, kept in the URL, read from that database', async ({ page }) => {
  await api2('/config'); // so the next answer repeats the bases (see below)
  const config = await api2('/config');
  const { dbs } = config.knowledge;
  // Each base once: agno 3.1.10 repeats them on every /config request when the knowledge domain
  // is configured (as this demo does, for the display names); the dashboard lists each id once.
  const all = [...new Map(config.knowledge.knowledge_instances.map((b) => [b.id, b])).values()];
  expect(config.knowledge.knowledge_instances.length).toBeGreaterThan(all.length);
  expect(dbs.length).toBe(2);
  const archive = dbs.find((d) => d.db_id !== config.os_database);
  const archived = all.filter((b) => b.db_id === archive.db_id);
  const others = all.filter((b) => b.db_id !== archive.db_id);
  expect(archived.map((b) => b.name), 'the second demo has one knowledge base in its archive database').toHaveLength(1);
  expect(others.length).toBeGreaterThan(0);

  await connect(page, { endpoint: API2 });
  await page.goto('/#/knowledge');
  await expect(heading(page, 'Knowledge')).toBeVisible();
  await expect(picker(page).getByRole('option')).toHaveText(['All databases', ...dbs.map((d) => d.domain_config.display_name)]);
  // Every database's bases to choose from.
  const bases = page.getByRole('combobox', { name: 'Knowledge base' });
  await expect(bases.getByRole('option')).toHaveCount(all.length + 1);

  // The archive's database: only its base, shown at once, its content read from archive-db.
  const sent = page.waitForRequest((r) => r.url().startsWith(`${API2}/knowledge/content`) && r.url().includes(`db_id=${archive.db_id}`));
  await picker(page).selectOption({ label: archive.domain_config.display_name });
  await sent;
  await expect(page).toHaveURL(new RegExp(`#/knowledge\\?(.*&)?db=${archive.db_id}`));
  await expect(page.getByRole('heading', { level: 2, name: archived[0].name, exact: true })).toBeVisible();
  await expect(bases).toHaveCount(0);
  for (const b of others) await expect(page.getByRole('heading', { level: 2, name: b.name, exact: true })).toHaveCount(0);
  // Back to every database.
  await page.goBack();
  await expect(bases.getByRole('option')).toHaveCount(all.length + 1);
  await expect(alert(page)).toHaveCount(0);
});

test('the chat reads a stored session from its agent\'s own database', async ({ page }) => {
  const config = await api2('/config');
  const agent = config.agents.find((a) => a.db_id && a.db_id !== config.os_database);
  const session = (await api2(`/sessions?db_id=${encodeURIComponent(agent.db_id)}`)).data[0];
  const runs = await api2(`/sessions/${session.session_id}/runs?db_id=${agent.db_id}`);
  await connect(page, { endpoint: API2 });
  await page.goto(`/#/chat/agents/${agent.id}?session=${session.session_id}`);
  await expect(page.getByText(runs[0].content, { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: session.session_id })).toHaveAttribute(
    'href', `#/sessions/${session.session_id}?db=${agent.db_id}`);
});

test('a trace of the archive\'s agent links to its session in the archive database', async ({ page }) => {
  const config = await api2('/config');
  const agent = config.agents.find((a) => a.db_id && a.db_id !== config.os_database);
  const session = `dbs-trace-${Date.now()}`;
  const form = new FormData();
  form.set('message', 'Hello from the trace test');
  form.set('stream', 'false');
  form.set('user_id', 'dbs-e2e');
  form.set('session_id', session);
  const res = await fetch(`${API2}/agents/${agent.id}/runs`, {
    method: 'POST', body: form, headers: { Authorization: `Bearer ${env.KEY}` }, signal: AbortSignal.timeout(30_000),
  });
  expect(res.ok).toBe(true);
  const run = await res.json();
  // agno writes traces to the AgentOS's own database, in batches.
  let trace = null;
  await expect.poll(async () => {
    trace = (await api2(`/traces?db_id=${config.os_database}&run_id=${run.run_id}`)).data[0] || null;
    return !!trace;
  }, { timeout: 30_000 }).toBe(true);

  await connect(page, { endpoint: API2 });
  await page.goto(`/#/traces/${encodeURIComponent(trace.trace_id)}`);
  const link = page.getByRole('link', { name: session, exact: true });
  await expect(link).toHaveAttribute('href', `#/sessions/${session}?db=${agent.db_id}`);
  await link.click();
  await expect(page.getByText(run.content, { exact: true })).toBeVisible();
});
