// Foundation: agents, teams and workflows as the server reports them (names are read
// from the demo server's API in the test, never hard-coded).
const { test, expect } = require('./fixtures');
const { api, connect, mainNav, detailHref } = require('./helpers');

const KINDS = [
  { collection: 'agents', title: 'Agents', filter: 'Filter agents', none: 'No agents match' },
  { collection: 'teams', title: 'Teams', filter: 'Filter teams', none: 'No teams match' },
  { collection: 'workflows', title: 'Workflows', filter: 'Filter workflows', none: 'No workflows match' },
];

const nameOf = (c) => c.name || c.id;
const h1 = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });
const h2 = (page, name) => page.getByRole('main').getByRole('heading', { level: 2, name: new RegExp(`^${name}\\b`) });

for (const kind of KINDS) {
  test(`${kind.title}: the list shows every ${kind.collection.slice(0, -1)} the server has, and filters`, async ({ page }) => {
    const items = await api(`/${kind.collection}`);
    expect(items.length, `the demo server has ${kind.collection}`).toBeGreaterThan(0);
    await connect(page);
    await mainNav(page).getByRole('link', { name: kind.title, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`#/${kind.collection}$`));
    await expect(h1(page, kind.title)).toBeVisible();

    const list = page.getByRole('list', { name: kind.title, exact: true });
    await expect(list.getByRole('listitem')).toHaveCount(items.length);
    for (const item of items) {
      const link = list.getByRole('link', { name: nameOf(item), exact: true });
      await expect(link).toBeVisible();
      await expect(link).toHaveAttribute('href', detailHref(kind.collection, item.id));
    }

    // Filtering by one item's name keeps it and hides every item that does not match.
    const target = items[items.length - 1];
    const needle = nameOf(target).toLowerCase();
    const matches = (c) => [c.name, c.id, c.description].some((t) => (t || '').toLowerCase().includes(needle));
    const filter = page.getByRole('searchbox', { name: kind.filter });
    await filter.fill(nameOf(target));
    await expect(list.getByRole('link', { name: nameOf(target), exact: true })).toBeVisible();
    for (const other of items.filter((c) => !matches(c))) {
      await expect(page.getByRole('link', { name: nameOf(other), exact: true })).toHaveCount(0);
    }

    await filter.fill('zz-matches-nothing-e2e');
    await expect(page.getByText(kind.none)).toBeVisible();
    await expect(page.getByRole('list', { name: kind.title, exact: true }).getByRole('listitem')).toHaveCount(0);

    await filter.fill('');
    await expect(list.getByRole('listitem')).toHaveCount(items.length);
  });
}

test('an agent page shows its model, tools (with confirmation), memory, knowledge, reasoning and instructions', async ({ page }) => {
  const agents = await api('/agents');
  await connect(page);
  const tools = (a) => a.tools?.tools || [];
  // Open the agent with a tool that needs confirmation first (if there is one), from the list.
  const sorted = [...agents].sort(
    (a, b) => Number(tools(b).some((t) => t.requires_confirmation)) - Number(tools(a).some((t) => t.requires_confirmation)),
  );
  let first = true;
  for (const agent of sorted) {
    if (first) {
      await mainNav(page).getByRole('link', { name: 'Agents', exact: true }).click();
      await page.getByRole('list', { name: 'Agents', exact: true }).getByRole('link', { name: nameOf(agent), exact: true }).click();
      first = false;
    } else {
      await page.goto(`/${detailHref('agents', agent.id)}`);
    }
    await expect(page).toHaveURL(new RegExp(`${detailHref('agents', agent.id)}$`));
    await expect(h1(page, nameOf(agent))).toBeVisible();

    if (agent.model) await expect(h2(page, 'Model')).toBeVisible();
    if (agent.model?.model) await expect(page.getByRole('main')).toContainText(agent.model.model);
    if (agent.memory) await expect(h2(page, 'Memory')).toBeVisible();
    if (agent.knowledge) await expect(h2(page, 'Knowledge')).toBeVisible();
    if (agent.reasoning?.reasoning) await expect(h2(page, 'Reasoning')).toBeVisible();
    const instructions = agent.system_message?.instructions;
    if (instructions && instructions.length) {
      await expect(h2(page, 'Instructions')).toBeVisible();
      const first = Array.isArray(instructions) ? instructions[0] : instructions;
      await expect(page.getByRole('main')).toContainText(first);
    }

    if (tools(agent).length) {
      await expect(h2(page, 'Tools')).toBeVisible();
      const list = page.getByRole('list', { name: 'Tools', exact: true });
      await expect(list.getByRole('listitem')).toHaveCount(tools(agent).length);
      for (const tool of tools(agent)) {
        const item = list.getByRole('listitem').filter({
          has: page.getByRole('heading', { level: 3, name: tool.name, exact: true }),
        });
        await expect(item, `tool ${tool.name}`).toHaveCount(1);
        for (const param of Object.keys(tool.parameters?.properties || {})) {
          await expect(item, `parameter ${param} of ${tool.name}`).toContainText(param);
        }
        if (tool.requires_confirmation) {
          await expect(item).toContainText('Needs confirmation');
        } else {
          await expect(item).not.toContainText('Needs confirmation');
        }
      }
    }
  }
});

test('a team page shows its mode and links to its members', async ({ page }) => {
  const teams = await api('/teams');
  await connect(page);
  for (const summary of teams) {
    const team = await api(`/teams/${encodeURIComponent(summary.id)}`);
    await page.goto(`/${detailHref('teams', team.id)}`);
    await expect(h1(page, nameOf(team))).toBeVisible();
    await expect(page.getByRole('main')).toContainText('Mode');
    if (team.mode) await expect(page.getByRole('main')).toContainText(team.mode);
    await expect(h2(page, 'Members')).toBeVisible();
    const members = page.getByRole('list', { name: 'Members', exact: true });
    for (const m of team.members || []) {
      const collection = Array.isArray(m.members) ? 'teams' : 'agents';
      await expect(members.getByRole('link', { name: nameOf(m), exact: true })).toHaveAttribute(
        'href', detailHref(collection, m.id),
      );
    }
  }
  // A member link opens that agent.
  const team = await api(`/teams/${encodeURIComponent(teams[0].id)}`);
  const member = team.members.find((m) => !Array.isArray(m.members));
  if (member) {
    await page.goto(`/${detailHref('teams', team.id)}`);
    await page.getByRole('list', { name: 'Members', exact: true }).getByRole('link', { name: nameOf(member), exact: true }).click();
    await expect(h1(page, nameOf(member))).toBeVisible();
  }
});

test('a workflow page lists its steps in order, with the agent each runs', async ({ page }) => {
  const workflows = await api('/workflows');
  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Workflows', exact: true }).click();
  for (const summary of workflows) {
    const wf = await api(`/workflows/${encodeURIComponent(summary.id)}`);
    await page.goto(`/${detailHref('workflows', wf.id)}`);
    await expect(h1(page, nameOf(wf))).toBeVisible();
    await expect(h2(page, 'Steps')).toBeVisible();
    const steps = page.getByRole('list', { name: 'Steps', exact: true });
    expect(await steps.evaluate((el) => el.tagName), 'Steps is an ordered list').toBe('OL');
    const items = steps.locator(':scope > li'); // direct items only: nested steps have their own lists
    await expect(items).toHaveCount((wf.steps || []).length);
    for (const [i, step] of (wf.steps || []).entries()) {
      await expect(items.nth(i), `step ${i + 1}`).toContainText(step.name);
      if (step.agent) await expect(items.nth(i)).toContainText(nameOf(step.agent));
      if (step.team) await expect(items.nth(i)).toContainText(nameOf(step.team));
    }
  }
});

test('reloading a deep link shows the same page (URL and key are remembered)', async ({ page }) => {
  const agents = await api('/agents');
  const agent = agents[0];
  await connect(page);
  await page.goto(`/${detailHref('agents', agent.id)}`);
  await expect(h1(page, nameOf(agent))).toBeVisible();
  await page.reload();
  await expect(page).toHaveURL(new RegExp(`${detailHref('agents', agent.id)}$`));
  await expect(h1(page, nameOf(agent))).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection status' })).toContainText('Connected');
  // The key is in this browser's storage, not in the address.
  expect(page.url()).not.toContain('e2e-key');
});
