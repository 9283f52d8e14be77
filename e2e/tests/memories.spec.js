// Memories: add memories for a fresh user, find them by user, topic and text, edit one,
// see a failed delete leave the list as it was, and delete it after a confirmation.
// Every step is cross-checked against the server (GET /memories?user_id=).
const { test, expect } = require('./fixtures');
const { api, env, connect, mainNav, alert, collectErrors } = require('./helpers');

test('memories can be added, filtered, searched, edited and deleted', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const user = `e2e-mem-${tag}`;
  const serverMemories = async () => (await api(`/memories?user_id=${encodeURIComponent(user)}&limit=100`)).data;
  const first = `Likes oat milk in tea (${tag})`;
  const second = `Works from Lisbon on Mondays (${tag})`;
  const [drinks, prefs, work, coffee] = ['drinks', 'prefs', 'work', 'coffee'].map((t) => `${t}-${tag}`);

  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Memories' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Memories' })).toBeVisible();

  // A deep link preselects the user, in the filter and in the form.
  await page.goto(`/#/memories?user=${encodeURIComponent(user)}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Memories' })).toBeVisible();
  const filters = page.getByRole('search', { name: 'Filter memories' });
  await expect(filters.getByRole('textbox', { name: 'User id' })).toHaveValue(user);
  await expect(page.getByText('No memories match')).toBeVisible();
  const form = page.getByRole('form', { name: 'Add a memory' });
  await expect(form.getByRole('textbox', { name: 'User id' })).toHaveValue(user);

  // Add two memories with topics.
  const add = async (text, topics) => {
    await form.getByRole('textbox', { name: 'Memory' }).fill(text);
    await form.getByRole('textbox', { name: 'Topics' }).fill(topics);
    await form.getByRole('button', { name: 'Add memory' }).click();
    await expect(form.getByRole('textbox', { name: 'Memory' })).toHaveValue('');
  };
  await add(first, `${drinks}, ${prefs}`);
  const list = page.getByRole('list', { name: 'Memories' });
  const item = (re) => list.getByRole('listitem', { name: re });
  await expect(item(/^Likes oat milk/)).toContainText(first);
  await expect(item(/^Likes oat milk/).getByText(drinks, { exact: true })).toBeVisible();
  await expect(item(/^Likes oat milk/).getByText(prefs, { exact: true })).toBeVisible();
  await expect(item(/^Likes oat milk/)).toContainText(`User: ${user}`);
  await add(second, work);
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(page.getByText('Page 1 of 1 · 2 memories')).toBeVisible();

  let stored = await serverMemories();
  expect(stored.map((m) => m.memory).sort()).toEqual([first, second].sort());
  expect(stored.find((m) => m.memory === first).topics.sort()).toEqual([drinks, prefs].sort());
  expect(stored.find((m) => m.memory === second).topics).toEqual([work]);

  // The per-user overview counts them; choosing the user filters by it.
  const users = page.getByRole('list', { name: 'Users' });
  const userButton = users.getByRole('button', { name: new RegExp(`^${user} · 2 memories`) });
  await expect(userButton).toBeVisible();
  await users.getByRole('button', { name: 'All users' }).click();
  await expect(filters.getByRole('textbox', { name: 'User id' })).toHaveValue('');
  await userButton.click();
  await expect(userButton).toHaveAttribute('aria-pressed', 'true');
  await expect(filters.getByRole('textbox', { name: 'User id' })).toHaveValue(user);
  await expect(list.getByRole('listitem')).toHaveCount(2);

  // Filter by topic, then back to all topics.
  const topic = filters.getByRole('combobox', { name: 'Topic' });
  await topic.selectOption(work);
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(item(/^Works from Lisbon/)).toBeVisible();
  await topic.selectOption({ label: 'All topics' });
  await expect(list.getByRole('listitem')).toHaveCount(2);

  // Search by text (Enter), then clear the search.
  const search = filters.getByRole('searchbox', { name: 'Search memories' });
  await search.fill('oat milk');
  await search.press('Enter');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(item(/^Likes oat milk/)).toBeVisible();
  await search.fill('');
  await search.press('Enter');
  await expect(list.getByRole('listitem')).toHaveCount(2);

  // Edit text and topics inline.
  const edited = `Likes oat milk in coffee (${tag})`;
  await page.getByRole('button', { name: /^Edit memory: Likes oat milk in tea/ }).click();
  const editor = page.getByRole('form', { name: /^Edit memory: Likes oat milk in tea/ });
  await expect(editor.getByRole('textbox', { name: 'Memory' })).toHaveValue(first);
  await editor.getByRole('textbox', { name: 'Memory' }).fill(edited);
  await editor.getByRole('textbox', { name: 'Topics' }).fill(`${drinks}, ${coffee}`);
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  const editedItem = item(/^Likes oat milk in coffee/);
  await expect(editedItem).toContainText(edited);
  await expect(editedItem.getByText(coffee, { exact: true })).toBeVisible();
  await expect(editedItem.getByText(prefs, { exact: true })).toHaveCount(0);
  stored = await serverMemories();
  const serverEdited = stored.find((m) => m.memory === edited);
  expect(serverEdited).toBeTruthy();
  expect(serverEdited.topics.sort()).toEqual([coffee, drinks].sort());
  expect(stored.some((m) => m.memory === first)).toBe(false);

  // A failing delete (the server answers 404) shows an alert and leaves the list as it was.
  await page.route('**/memories/**', (route) =>
    route.request().method() === 'DELETE'
      ? route.fulfill({
          status: 404,
          contentType: 'application/json',
          headers: { 'access-control-allow-origin': env.WEB_ORIGIN },
          body: JSON.stringify({ detail: 'Memory not found' }),
        })
      : route.continue(),
  );
  await page.getByRole('button', { name: /^Delete memory: Likes oat milk in coffee/ }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(alert(page)).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(2);
  expect(await serverMemories()).toHaveLength(2);
  await page.unroute('**/memories/**');

  // Delete asks first; Cancel keeps it.
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: /^Delete memory: Likes oat milk in coffee/ }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await page.getByRole('button', { name: /^Delete memory: Likes oat milk in coffee/ }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(editedItem).toHaveCount(0);
  await expect(alert(page)).toHaveCount(0);
  await expect(page.getByText('Page 1 of 1 · 1 memory')).toBeVisible();
  stored = await serverMemories();
  expect(stored.map((m) => m.memory)).toEqual([second]);

  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});
