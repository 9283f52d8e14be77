// Evals: run an eval of each type the server supports from the form (checked before it is
// sent), read its result, filter the list, rename one, delete several. Each step is
// cross-checked against the server (GET /eval-runs). The judge of accuracy and
// agent-as-judge evals is the evaluated agent's own model (the demo's fake LLM).
const { test, expect } = require('./fixtures');
const { api, connect, mainNav, collectErrors } = require('./helpers');

const ARITHMETIC = { tool: 'multiply', input: 'What is 12 * 7?', expected: '84' };

/** An agent with a calculator tool, and one without tools. */
async function agents() {
  const list = await api('/agents');
  const tools = (a) => a.tools?.tools || [];
  return {
    calc: list.find((a) => tools(a).some((t) => t.name === ARITHMETIC.tool)),
    plain: list.find((a) => tools(a).length === 0) || list[0],
  };
}

const evalsNamed = async (name) => (await api('/eval-runs?limit=100')).data.filter((e) => e.name === name);

test('an accuracy eval is checked, run, shown with its cases, and renamed', async ({ page }) => {
  test.setTimeout(120_000);
  const { calc } = await agents();
  test.skip(!calc, 'the server has no agent with a calculator tool');
  const errors = collectErrors(page);
  const name = `e2e accuracy ${Date.now().toString(36)}`;

  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Evals' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Evals' })).toBeVisible();
  await page.getByRole('button', { name: 'Run an eval' }).click();
  const form = page.getByRole('form', { name: 'Run an eval' });
  await form.getByRole('combobox', { name: 'Eval type' }).selectOption('accuracy');
  await form.getByRole('combobox', { name: 'Agent or team' }).selectOption(`agent:${calc.id}`);
  // The judge defaults to the agent's own model.
  await expect(form.getByRole('textbox', { name: 'Judge model id' })).toHaveValue(calc.model.model);
  await expect(form.getByRole('textbox', { name: 'Judge model provider' })).toHaveValue(calc.model.provider);
  await form.getByRole('textbox', { name: 'Name (optional)' }).fill(name);
  await form.getByRole('textbox', { name: 'Input' }).fill(ARITHMETIC.input);
  // Without the expected output nothing is sent.
  await form.getByRole('button', { name: 'Run eval' }).click();
  await expect(form.getByRole('alert')).toHaveText('An accuracy eval needs the expected output');
  expect(await evalsNamed(name)).toHaveLength(0);

  await form.getByRole('textbox', { name: 'Expected output' }).fill(ARITHMETIC.expected);
  await form.getByRole('textbox', { name: 'Iterations (1–100)' }).fill('2');
  await form.getByRole('button', { name: 'Run eval' }).click();
  // The result page of the new eval.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible({ timeout: 60_000 });
  const [stored] = await evalsNamed(name);
  expect(stored.eval_type).toBe('accuracy');
  expect(stored.eval_data.results).toHaveLength(2);
  const score = stored.eval_data.avg_score;
  await expect(page.getByRole('main')).toContainText(`Average score${score}/10`);
  const cases = page.getByRole('list', { name: 'Cases' });
  await expect(cases.getByRole('listitem')).toHaveCount(2);
  await expect(cases.getByRole('listitem').first()).toContainText(`Expected output${ARITHMETIC.expected}`);
  await expect(cases.getByRole('listitem').first()).toContainText(stored.eval_data.results[0].reason);

  // Rename.
  await page.getByRole('button', { name: 'Rename' }).click();
  const rename = page.getByRole('form', { name: 'Rename eval' });
  await rename.getByRole('textbox', { name: 'Name' }).fill(`${name} (renamed)`);
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${name} (renamed)` })).toBeVisible();
  expect((await api(`/eval-runs/${stored.id}`)).name).toBe(`${name} (renamed)`);
  expect(errors).toEqual([]);
});

test('reliability and performance evals show tool calls and timings; the list filters and deletes several', async ({ page }) => {
  test.setTimeout(150_000);
  const { calc, plain } = await agents();
  test.skip(!calc, 'the server has no agent with a calculator tool');
  const errors = collectErrors(page);
  const stamp = Date.now().toString(36);
  await connect(page);
  await page.goto('/#/evals');
  await page.getByRole('button', { name: 'Run an eval' }).click();
  const form = page.getByRole('form', { name: 'Run an eval' });

  // Reliability: expects a tool that is called and one that is not.
  await form.getByRole('combobox', { name: 'Eval type' }).selectOption('reliability');
  await form.getByRole('combobox', { name: 'Agent or team' }).selectOption(`agent:${calc.id}`);
  await form.getByRole('textbox', { name: 'Name (optional)' }).fill(`e2e reliability ${stamp}`);
  await form.getByRole('textbox', { name: 'Input' }).fill(ARITHMETIC.input);
  await form.getByRole('button', { name: 'Run eval' }).click();
  await expect(form.getByRole('alert')).toHaveText('A reliability eval needs the tool calls it expects');
  await form.getByRole('textbox', { name: 'Expected tool calls' }).fill(`${ARITHMETIC.tool}, e2e_never_called`);
  await form.getByRole('button', { name: 'Run eval' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `e2e reliability ${stamp}` })).toBeVisible({ timeout: 60_000 });
  const tools = page.getByLabel('Tool calls');
  await expect(tools).toContainText(`Expected${ARITHMETIC.tool}, e2e_never_called`);
  await expect(tools).toContainText(`Made as expected${ARITHMETIC.tool}`);
  await expect(tools).toContainText('Missinge2e_never_called');
  await expect(page.getByRole('main')).toContainText('ResultFAILED');

  // Performance on the plain agent.
  await page.goto('/#/evals');
  await page.getByRole('button', { name: 'Run an eval' }).click();
  await form.getByRole('combobox', { name: 'Eval type' }).selectOption('performance');
  await form.getByRole('combobox', { name: 'Agent or team' }).selectOption(`agent:${plain.id}`);
  await form.getByRole('textbox', { name: 'Name (optional)' }).fill(`e2e performance ${stamp}`);
  await form.getByRole('textbox', { name: 'Input' }).fill('Hello');
  await form.getByRole('textbox', { name: 'Iterations (1–100)' }).fill('101');
  await form.getByRole('button', { name: 'Run eval' }).click();
  await expect(form.getByRole('alert')).toHaveText('Iterations must be a whole number from 1 to 100');
  await form.getByRole('textbox', { name: 'Iterations (1–100)' }).fill('3');
  await form.getByRole('button', { name: 'Run eval' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `e2e performance ${stamp}` })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('list', { name: 'Measured runs' }).getByRole('listitem')).toHaveCount(3);

  // The list: filter by type, then delete both of this test's evals at once.
  await page.goto('/#/evals');
  const filters = page.getByRole('search', { name: 'Filter evals' });
  await filters.getByRole('combobox', { name: 'Type' }).selectOption('performance');
  const table = page.getByRole('table', { name: 'Eval runs' });
  await expect(table.getByRole('link', { name: `e2e performance ${stamp}` })).toBeVisible();
  await expect(table.getByRole('link', { name: `e2e reliability ${stamp}` })).toHaveCount(0);
  await filters.getByRole('combobox', { name: 'Type' }).selectOption('');
  await table.getByRole('checkbox', { name: `Select e2e performance ${stamp}` }).check();
  await table.getByRole('checkbox', { name: `Select e2e reliability ${stamp}` }).check();
  const bulk = page.getByRole('group', { name: 'Selected evals' });
  await expect(bulk).toContainText('2 evals selected');
  await bulk.getByRole('button', { name: 'Delete selected' }).click();
  await bulk.getByRole('button', { name: 'Confirm delete of 2 evals' }).click();
  await expect(table.getByRole('link', { name: `e2e performance ${stamp}` })).toHaveCount(0);
  const left = (await api('/eval-runs?limit=100')).data.map((e) => e.name);
  expect(left).not.toContain(`e2e performance ${stamp}`);
  expect(left).not.toContain(`e2e reliability ${stamp}`);
  expect(errors).toEqual([]);
});

test('an unknown eval shows the server’s 404 reason', async ({ page }) => {
  const errors = collectErrors(page);
  await connect(page);
  await page.goto('/#/evals/no-such-eval');
  await expect(page.getByRole('alert')).toContainText('Not found (HTTP 404)');
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});
