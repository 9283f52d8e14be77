// Foundation: connecting to an AgentOS, the overview, and the happy path without errors.
const { test, expect } = require('./fixtures');
const { api, env, connectForm, connect, connectByHand, expectOverview, status, mainNav, collectErrors } = require('./helpers');

test('first load with no server remembered shows the connection form; connecting opens the overview', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  const f = connectForm(page);
  await expect(f.form).toBeVisible();
  await expect(f.key).toHaveAttribute('type', 'password');
  await expect(f.submit).toBeEnabled();

  await f.url.fill(env.API);
  await f.key.fill(env.KEY);
  await f.submit.click();

  await expectOverview(page);
  const info = await api('/info');
  const osName = info.name || info.os_id;
  await expect(status(page)).toContainText('Connected');
  await expect(status(page)).toContainText(osName);
  // The key never appears in the address bar.
  expect(page.url()).not.toContain(env.KEY);
  expect(errors).toEqual([]);
});

test('?endpoint= pre-fills the URL; the key is typed, never taken from the link', async ({ page }) => {
  await page.goto(`/?endpoint=${env.API}&key=${env.KEY}#/connect`);
  const f = connectForm(page);
  await expect(f.url).toHaveValue(env.API);
  await expect(f.key).toHaveValue('');
  await f.key.fill(env.KEY);
  await f.submit.click();
  await expectOverview(page);
});

test('the overview shows what the server reports', async ({ page }) => {
  await connect(page);
  const [info, cfg, agents, teams, workflows] = await Promise.all([
    api('/info'), api('/config'), api('/agents'), api('/teams'), api('/workflows'),
  ]);
  const main = page.getByRole('main');

  // Identity: OS id, agno version, auth mode.
  if (info.name) await expect(main).toContainText(info.name);
  await expect(main).toContainText(info.os_id || cfg.os_id);
  expect(info.agno_version, 'GET /info reports agno_version').toBeTruthy();
  await expect(main).toContainText(info.agno_version);
  expect(info.auth_mode).toBe('security_key');
  await expect(main).toContainText(/security key/i);

  // Sections with counts.
  const counts = {
    Models: (cfg.available_models || []).length,
    Databases: (cfg.databases || []).length,
    'Knowledge bases': (cfg.knowledge?.knowledge_instances || []).length,
    Interfaces: (cfg.interfaces || []).length,
    Agents: agents.length,
    Teams: teams.length,
    Workflows: workflows.length,
  };
  for (const [section, count] of Object.entries(counts)) {
    const heading = main.getByRole('heading', { level: 2, name: new RegExp(`^${section}\\b`) });
    await expect(heading, `overview section "${section}"`).toBeVisible();
    await expect(heading, `count in "${section}"`).toHaveText(new RegExp(`\\b${count}\\b`));
  }

  // Each knowledge base links to its knowledge page.
  const kb = (cfg.knowledge?.knowledge_instances || [])[0];
  if (kb) {
    await main.getByRole('list', { name: 'Knowledge bases' }).getByRole('link', { name: kb.name || kb.id }).click();
    await expect(page).toHaveURL(new RegExp(`#/knowledge\\?kb=${encodeURIComponent(kb.id)}$`));
    await expect(page.getByRole('heading', { level: 1, name: 'Knowledge' })).toBeVisible();
  }
});

test('main navigation links to every area', async ({ page }) => {
  await connect(page);
  const nav = mainNav(page);
  const areas = [['Agents', '#/agents'], ['Teams', '#/teams'], ['Workflows', '#/workflows'], ['Sessions', '#/sessions'],
    ['Memories', '#/memories'], ['Knowledge', '#/knowledge'], ['Metrics', '#/metrics'], ['Traces', '#/traces'], ['Overview', '#/']];
  for (const [name, hash] of areas) {
    await nav.getByRole('link', { name, exact: true }).click();
    // A page may keep its state in the hash query (e.g. the metrics range).
    await expect(page).toHaveURL(new RegExp(`${hash.replace('/', '\\/')}(\\?.*)?$`));
    await expect(page.getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
  }
});

test('the connection status turns to Disconnected/Unreachable when health checks fail', async ({ page }) => {
  // Fake time so the periodic health check runs now rather than in 15 s.
  await page.clock.install();
  await connect(page);
  // From here on the server is gone, as far as the browser can tell.
  await page.route(`${env.API}/**`, (route) => route.abort('connectionrefused'));
  await page.clock.runFor(60_000);
  await expect(status(page)).toHaveText(/Disconnected|Unreachable/);
});

test('the happy path (overview, lists, details, reload) logs no console errors', async ({ page }) => {
  const errors = collectErrors(page);
  const [agents, teams, workflows] = await Promise.all([api('/agents'), api('/teams'), api('/workflows')]);
  await connectByHand(page);
  const nav = mainNav(page);
  for (const [title, items] of [['Agents', agents], ['Teams', teams], ['Workflows', workflows]]) {
    await nav.getByRole('link', { name: title, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: title, exact: true })).toBeVisible();
    for (const item of items) {
      const name = item.name || item.id;
      await page.getByRole('list', { name: title, exact: true }).getByRole('link', { name, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
      await page.goBack();
      await expect(page.getByRole('heading', { level: 1, name: title, exact: true })).toBeVisible();
    }
  }
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Workflows', exact: true })).toBeVisible();
  await expect(status(page)).toContainText('Connected');
  expect(errors).toEqual([]);
});
