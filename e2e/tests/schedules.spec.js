// Schedules: the server's schedules are listed with when they run in words; a schedule is
// created from the form (cron previewed, payload and cron checked before sending), edited,
// disabled and enabled, triggered, and its run history links to the resulting session.
// Each step is cross-checked against the server (GET /schedules).
const { test, expect } = require('./fixtures');
const { api, apiSend, connect, mainNav, collectErrors } = require('./helpers');

const byName = async (name) => (await api('/schedules?limit=1000')).data.find((s) => s.name === name);

test('a schedule is created, previewed, edited, disabled, enabled, triggered and deleted', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const agents = await api('/agents');
  const agent = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
  const name = `e2e schedule ${Date.now().toString(36)}`;

  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Schedules' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Schedules' })).toBeVisible();
  // The server's own schedules, with when they run.
  const existing = (await api('/schedules')).data;
  const list = page.getByRole('list', { name: 'Schedules' });
  await expect(list.getByRole('listitem')).toHaveCount(existing.length);

  await page.getByRole('button', { name: 'New schedule' }).click();
  const form = page.getByRole('form', { name: 'New schedule' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  const cron = form.getByRole('textbox', { name: 'Cron expression' });
  await cron.fill('every day');
  await expect(form.getByText(/^Runs: A cron expression has 5 fields/)).toBeVisible();
  await cron.fill('30 9 * * 1-5');
  await expect(form.getByText('Runs: At 09:30 on Monday to Friday')).toBeVisible();
  await form.getByRole('combobox', { name: 'Timezone' }).fill('Europe/Berlin');
  await form.getByRole('combobox', { name: 'Endpoint' }).selectOption(`/agents/${encodeURIComponent(agent.id)}/runs`);
  await expect(form.getByRole('textbox', { name: 'Endpoint path' })).toHaveValue(`/agents/${encodeURIComponent(agent.id)}/runs`);
  const payload = form.getByRole('textbox', { name: 'Payload (JSON object, optional)' });
  await payload.fill('["not", "an object"]');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('alert')).toContainText('The payload must be a JSON object');
  expect(await byName(name)).toBeUndefined();
  await payload.fill('{"message": "Hello from a schedule"}');
  await form.getByRole('button', { name: 'Save schedule' }).click();

  // The schedule's page.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  let stored = await byName(name);
  expect(stored).toMatchObject({ cron_expr: '30 9 * * 1-5', timezone: 'Europe/Berlin', enabled: true, payload: { message: 'Hello from a schedule' } });
  await expect(page.getByRole('main')).toContainText('WhenAt 09:30 on Monday to Friday (Europe/Berlin)');
  await expect(page.getByText('It has not run yet')).toBeVisible();

  // Edit: on demand from now on.
  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit the schedule' });
  await edit.getByRole('textbox', { name: 'Cron expression' }).fill('');
  await expect(edit.getByText('Runs: On demand: runs only when triggered')).toBeVisible();
  await edit.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByRole('main')).toContainText('WhenOn demand (runs only when triggered)');
  stored = await byName(name);
  expect(stored.cron_expr).toBeNull();

  // Disable: triggering is refused; enable again.
  await page.getByRole('button', { name: `Disable ${name}` }).click();
  await expect(page.getByRole('button', { name: `Enable ${name}` })).toBeVisible();
  expect((await byName(name)).enabled).toBe(false);
  await expect(page.getByRole('button', { name: `Trigger ${name} now` })).toBeDisabled();
  await page.getByRole('button', { name: `Enable ${name}` }).click();
  await expect(page.getByRole('button', { name: `Disable ${name}` })).toBeVisible();
  expect((await byName(name)).enabled).toBe(true);

  // Trigger now: the run shows in the history with a link to its session.
  await page.getByRole('button', { name: `Trigger ${name} now` }).click();
  await expect(page.getByText(/^Triggered: success/)).toBeVisible({ timeout: 60_000 });
  const runs = (await api(`/schedules/${stored.id}/runs`)).data;
  expect(runs).toHaveLength(1);
  const history = page.getByRole('table', { name: 'Run history' });
  await expect(history.getByRole('row')).toHaveCount(2);
  await expect(history.getByRole('link', { name: 'Open the session' })).toHaveAttribute('href', `#/sessions/${runs[0].session_id}`);

  // Delete, after a confirmation.
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Schedules' })).toBeVisible();
  expect(await byName(name)).toBeUndefined();
  expect(errors).toEqual([]);
});

test('the server’s reasons are shown: a duplicate name (409) and a bad timezone (422)', async ({ page }) => {
  const errors = collectErrors(page);
  const name = `e2e dup ${Date.now().toString(36)}`;
  await apiSend('POST', '/schedules', { name, endpoint: '/metrics/refresh', cron_expr: '' });
  await connect(page);
  await page.goto('/#/schedules');
  await page.getByRole('button', { name: 'New schedule' }).click();
  const form = page.getByRole('form', { name: 'New schedule' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('textbox', { name: 'Endpoint path' }).fill('/metrics/refresh');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('alert')).toContainText(`Schedule with name '${name}' already exists`);
  await form.getByRole('textbox', { name: 'Name' }).fill(`${name} 2`);
  await form.getByRole('combobox', { name: 'Timezone' }).fill('Mars/Olympus');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('alert')).toContainText('Invalid timezone: Mars/Olympus');
  expect(await byName(`${name} 2`)).toBeUndefined();
  const dup = await byName(name);
  await apiSend('DELETE', `/schedules/${dup.id}`);
  expect(errors.filter((e) => !/409|422/.test(e))).toEqual([]);
});
