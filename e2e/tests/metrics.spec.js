// Metrics: runs made through the API show up in the charts after Refresh metrics; the date
// range (presets and custom dates) lives in the URL hash and survives a reload; an empty
// range says why it is empty. Numbers are cross-checked against GET /metrics.
const { test, expect } = require('./fixtures');
const { api, connect, mainNav, collectErrors, runAgent } = require('./helpers');

const today = () => new Date().toISOString().slice(0, 10);

test('runs made earlier appear in the charts after Refresh metrics', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const agents = await api('/agents');
  // Any agent: one without tools answers plainly.
  const agent = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
  const day = today();
  const before = (await api(`/metrics?starting_date=${day}&ending_date=${day}`)).metrics[0]?.agent_runs_count || 0;
  for (let i = 0; i < 2; i++) {
    await runAgent(agent.id, `Hello metrics ${tag} ${i}`, { user: `e2e-met-${tag}`, session: `e2e-met-${tag}-${i}` });
  }

  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Metrics' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Metrics' })).toBeVisible();
  await expect(page).toHaveURL(/#\/metrics\?range=30$/);
  await page.getByRole('button', { name: 'Refresh metrics', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Metrics refreshed.' })).toBeVisible({ timeout: 30_000 });

  // The server now counts our two runs (and whatever earlier tests ran today).
  const [row] = (await api(`/metrics?starting_date=${day}&ending_date=${day}`)).metrics;
  expect(row.agent_runs_count).toBeGreaterThanOrEqual(before + 2);
  const runs = row.agent_runs_count + row.team_runs_count + row.workflow_runs_count;

  // The chart's accessible name and the per-day title carry the numbers.
  const chart = page.getByRole('img', { name: /^Runs per day, / });
  await expect(chart).toBeVisible();
  const section = page.getByRole('region', { name: 'Runs per day' });
  await expect(section.getByRole('list', { name: 'Runs per day legend' })).toContainText('Agent runs');
  await expect(chart.locator('title').filter({ hasText: new RegExp(`^${day}: ${runs} runs \\(Agent runs ${row.agent_runs_count}, `) })).toHaveCount(1);

  // The same numbers as a table.
  await section.getByText('Show runs per day as a table').click();
  const table = section.getByRole('table', { name: /^Runs per day, / });
  await expect(table.getByRole('row')).toHaveCount(31); // header + 30 days
  const todayRow = table.getByRole('row', { name: new RegExp(`^${day} `) });
  await expect(todayRow.getByRole('cell')).toHaveText([
    String(row.agent_runs_count), String(row.team_runs_count), String(row.workflow_runs_count), String(runs),
  ]);

  // Tokens and users from the same row; the model breakdown lists the model used.
  await expect(page.getByRole('img', { name: /^Tokens per day, / })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Active users per day, / })).toBeVisible();
  const models = page.getByRole('region', { name: 'Model usage' }).getByRole('table');
  for (const m of row.model_metrics) {
    await expect(models.getByRole('row', { name: new RegExp(`^${m.model_id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `) })).toBeVisible();
  }
  expect(errors).toEqual([]);
});

test('the date range is kept in the URL, a year draws 365 days, and an empty range says why', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = collectErrors(page);
  await connect(page);
  await page.goto('/#/metrics?range=7');
  const range = page.getByRole('group', { name: 'Date range' });
  await expect(range.getByRole('button', { name: 'Last 7 days' })).toHaveAttribute('aria-pressed', 'true');
  const runsTable = async () => {
    const section = page.getByRole('region', { name: 'Runs per day' });
    await section.getByText('Show runs per day as a table').click();
    return section.getByRole('table');
  };
  await expect((await runsTable()).getByRole('row')).toHaveCount(8);

  await range.getByRole('button', { name: 'Last 365 days' }).click();
  await expect(page).toHaveURL(/#\/metrics\?range=365$/);
  await page.reload();
  await expect(range.getByRole('button', { name: 'Last 365 days' })).toHaveAttribute('aria-pressed', 'true');
  await expect((await runsTable()).getByRole('row')).toHaveCount(366);

  // A custom range long ago: nothing there, and the page says how metrics are made.
  // (To first: a From ten years before To would be cut to the longest range.)
  await page.getByLabel('To', { exact: true }).fill('2001-01-07');
  await page.getByLabel('From', { exact: true }).fill('2001-01-01');
  await expect(page).toHaveURL(/#\/metrics\?from=2001-01-01&to=2001-01-07$/);
  await expect(page.getByText('No metrics for this range')).toBeVisible();
  await expect(page.getByText(/computes metrics only when they are refreshed/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Refresh metrics now' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Runs per day, 2001-01-01 to 2001-01-07: 0 runs in total' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('From', { exact: true })).toHaveValue('2001-01-01');
  await expect(page.getByLabel('To', { exact: true })).toHaveValue('2001-01-07');
  for (const b of ['Last 7 days', 'Last 30 days']) {
    await expect(range.getByRole('button', { name: b })).toHaveAttribute('aria-pressed', 'false');
  }
  expect(errors).toEqual([]);
});
