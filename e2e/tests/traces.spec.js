// Traces: a tool run of the calculator-like agent (found by its tools, not by name) is
// traced; #/traces?run_id= shows just that trace, whose waterfall has the tool span with
// its input and output. An unknown trace id says so.
const { test, expect } = require('./fixtures');
const { api, connect, mainNav, collectErrors, runAgent } = require('./helpers');

/** Spans are exported in batches: waits until the run's trace is listed. */
async function traceOf(runId) {
  for (let i = 0; i < 40; i++) {
    const { data } = await api(`/traces?run_id=${encodeURIComponent(runId)}`);
    if (data.length) return data[0];
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no trace for run ${runId}`);
}

test('a tool run shows its tool span in the waterfall, reached through the run_id filter', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const agents = await api('/agents');
  const calc = agents.find((a) => (a.tools?.tools || []).some((t) => t.name === 'add'));
  test.skip(!calc, 'the server has no agent with an add tool');
  const run = await runAgent(calc.id, 'What is 12 + 30?', { user: `e2e-tr-${tag}`, session: `e2e-tr-${tag}` });
  expect(run.content).toContain('42');
  const trace = await traceOf(run.run_id);

  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Traces' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Traces' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Traces' })).toBeVisible();

  // The chat links runs here: the filter comes from the hash query.
  await page.goto(`/#/traces?run_id=${encodeURIComponent(run.run_id)}`);
  const filters = page.getByRole('search', { name: 'Filter traces' });
  await expect(filters.getByRole('textbox', { name: 'Run id' })).toHaveValue(run.run_id);
  const table = page.getByRole('table', { name: 'Traces' });
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(page.getByText('Page 1 of 1 · 1 trace')).toBeVisible();
  const row = table.getByRole('row').nth(1);
  await expect(row).toContainText('What is 12 + 30?');
  await expect(row).toContainText(`Agent · ${calc.name || calc.id}`);
  await row.getByRole('link', { name: trace.name }).click();
  await expect(page).toHaveURL(new RegExp(`#/traces/${trace.trace_id}$`));
  await expect(page.getByRole('heading', { level: 1, name: trace.name })).toBeVisible();

  // The waterfall: the tool span with its name, type and duration; selecting it shows its input and output.
  const spans = page.getByRole('list', { name: 'Spans' });
  await expect(spans.getByRole('listitem')).toHaveCount(trace.total_spans);
  const tool = spans.getByRole('button', { name: /^add, TOOL, / });
  await expect(tool).toBeVisible();
  await tool.click();
  await expect(tool).toHaveAttribute('aria-pressed', 'true');
  const detail = page.getByRole('region', { name: 'Span add' });
  await expect(detail.getByRole('heading', { name: 'Span: add' })).toBeVisible();
  await expect(detail).toContainText('TOOL');
  await expect(detail.getByRole('heading', { name: 'Input' })).toBeVisible();
  await expect(detail).toContainText('12');
  await expect(detail.getByRole('heading', { name: 'Output' })).toBeVisible();
  await expect(detail).toContainText('42');

  // Back to the list filtered by this run, from the trace's Run link.
  await page.getByRole('link', { name: `All traces of run ${run.run_id}` }).click();
  await expect(filters.getByRole('textbox', { name: 'Run id' })).toHaveValue(run.run_id);

  // Filtering by the agent (from the catalog) keeps the URL in step.
  await page.goto('/#/traces');
  await filters.getByRole('combobox', { name: 'Agent, team or workflow' }).selectOption({ label: `Agent · ${calc.name || calc.id}` });
  await expect(page).toHaveURL(new RegExp(`#/traces\\?agent_id=${calc.id}$`));
  await expect(table.getByRole('row').filter({ hasText: 'What is 12 + 30?' })).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('an unknown trace id says the trace is not found', async ({ page }) => {
  const errors = collectErrors(page);
  await connect(page);
  await page.goto('/#/traces/no-such-trace-0000');
  await expect(page.getByRole('heading', { level: 1, name: 'Trace not found' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('no trace with the id “no-such-trace-0000”');
  await expect(page.getByRole('link', { name: '← All traces' })).toBeVisible();
  // The 404 is an expected answer, shown in the page; the browser logs it as a failed resource.
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});
