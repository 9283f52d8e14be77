// Every control on every page has a role and an accessible name, as Chromium's own
// accessibility tree computes them (what a screen reader gets), not as our markup intends.
const { test, expect } = require('./fixtures');
const { api, connect } = require('./helpers');

const CONTROLS = new Set([
  'button', 'link', 'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio', 'spinbutton',
  'slider', 'switch', 'tab', 'menuitem', 'option', 'progressbar', 'ListBoxOption',
]);

/** The interactive nodes of the page's accessibility tree that have no name. */
async function unnamedControls(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  return nodes
    .filter((n) => !n.ignored && CONTROLS.has(n.role?.value) && !String(n.name?.value || '').trim())
    .map((n) => `${n.role.value} (backend node ${n.backendDOMNodeId})`);
}

test('every control on every area has an accessible name', async ({ page }) => {
  test.setTimeout(90_000);
  const [agents, teams, workflows] = await Promise.all([api('/agents'), api('/teams'), api('/workflows')]);
  await connect(page);
  const pages = ['#/', '#/connect', '#/chat', '#/sessions', '#/memories', '#/knowledge', '#/metrics?range=30', '#/traces',
    '#/agents', '#/teams', '#/workflows'];
  if (agents[0]) pages.push(`#/agents/${encodeURIComponent(agents[0].id)}`, `#/chat/agents/${encodeURIComponent(agents[0].id)}`);
  if (teams[0]) pages.push(`#/teams/${encodeURIComponent(teams[0].id)}`);
  if (workflows[0]) pages.push(`#/workflows/${encodeURIComponent(workflows[0].id)}`, `#/chat/workflows/${encodeURIComponent(workflows[0].id)}`);
  const sessions = await api('/sessions?limit=1');
  if (sessions.data[0]) pages.push(`#/sessions/${encodeURIComponent(sessions.data[0].session_id)}`);
  const traces = await api('/traces?limit=1');
  if (traces.data[0]) pages.push(`#/traces/${encodeURIComponent(traces.data[0].trace_id)}`);

  const found = {};
  for (const hash of pages) {
    await page.goto(`/${hash}`);
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    // Let lists and charts load.
    await page.waitForLoadState('networkidle');
    const unnamed = await unnamedControls(page);
    if (unnamed.length) found[hash] = unnamed;
  }
  expect(found).toEqual({});
});
