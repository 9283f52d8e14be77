// Knowledge: the demo's one knowledge base is preselected; upload a text file (with upload
// progress) and find it by search; add pasted text, edit it, see failed adds and deletes lose
// nothing, delete after a confirmation; a search that finds nothing says so.
// Every step is cross-checked against the server (GET /knowledge/content) or the wire.
const { test, expect } = require('./fixtures');
const { api, env, connect, mainNav, alert, collectErrors } = require('./helpers');

const tagOf = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The knowledge bases the server lists in /config. */
async function bases() {
  return (await api('/config')).knowledge?.knowledge_instances || [];
}

/** Every content of a base, from the server. */
async function serverContent(kb) {
  const q = `knowledge_id=${encodeURIComponent(kb.id)}&db_id=${encodeURIComponent(kb.db_id)}`;
  return (await api(`/knowledge/content?limit=100&${q}`)).data;
}

/** Opens the Knowledge page from the main navigation. */
async function openKnowledge(page, kb) {
  await connect(page);
  await mainNav(page).getByRole('link', { name: 'Knowledge' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Knowledge' })).toBeVisible();
  // The only knowledge base is preselected.
  await expect(page.getByRole('heading', { level: 2, name: kb.name })).toBeVisible();
}

/** Lets requests matching `url` and `method` fail with an HTTP error, once. */
async function failOnce(page, url, method, status, detail) {
  let done = false;
  await page.route(url, (route) => {
    if (done || route.request().method() !== method) return route.fallback();
    done = true;
    return route.fulfill({
      status,
      contentType: 'application/json',
      headers: { 'access-control-allow-origin': env.WEB_ORIGIN },
      body: JSON.stringify({ detail }),
    });
  });
}

test('a file picked before the readers have arrived still gets the reader its type calls for', async ({ page }) => {
  const errors = collectErrors(page);
  const [kb] = await bases();
  expect(kb).toBeTruthy();
  // /knowledge/config (the readers) held until the file is picked.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/knowledge/config**', async (route) => {
    await held;
    await route.fallback();
  });
  await openKnowledge(page, kb);
  const form = page.getByRole('form', { name: 'Add content' });
  const reader = form.getByRole('combobox', { name: 'Reader' });
  await form.getByLabel('File', { exact: true }).setInputFiles({ name: 'early-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('early') });
  await expect(reader).toHaveValue('');
  release();
  await expect(reader.getByRole('option', { name: 'TextReader' })).toHaveCount(1);
  await expect(reader).toHaveValue('text');
  expect(errors).toEqual([]);
});

test('a text file uploads with progress and its content is found by search', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const [kb] = await bases();
  expect(kb).toBeTruthy();
  const tag = tagOf();
  const word = `quokka${tag}`;
  const fileName = `field-notes-${tag}.txt`;
  // Large enough (about 400 KB) for a throttled upload to show its progress.
  const text = `The ${word} lives on Rottnest island and smiles at visitors.\n` + 'Island notes. '.repeat(30_000);

  await openKnowledge(page, kb);
  const list = page.getByRole('list', { name: 'Content' });
  const seeded = await serverContent(kb);
  await expect(list.getByRole('listitem')).toHaveCount(seeded.length);
  for (const c of seeded) await expect(list.getByRole('listitem', { name: c.name, exact: true })).toBeVisible();

  // An unknown base in the URL is said so.
  await page.goto('/#/knowledge?kb=no-such-base');
  await expect(alert(page)).toContainText('There is no knowledge base “no-such-base”');
  await page.goto(`/#/knowledge?kb=${encodeURIComponent(kb.id)}`);
  await expect(page.getByRole('heading', { level: 2, name: kb.name })).toBeVisible();

  // Upload, throttled so the progress bar is seen.
  const form = page.getByRole('form', { name: 'Add content' });
  await expect(form.getByRole('radio', { name: 'A file' })).toBeChecked();
  await form.getByLabel('File', { exact: true }).setInputFiles({ name: fileName, mimeType: 'text/plain', buffer: Buffer.from(text) });
  // The reader follows the file type (from /knowledge/config).
  await expect(form.getByRole('combobox', { name: 'Reader' })).toHaveValue('text');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 150 * 1024,
  });
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/knowledge/content'));
  await form.getByRole('button', { name: 'Add content' }).click();
  const request = await sent;
  // The key travels in the Authorization header only; the base is named in the query.
  expect(request.headers()['authorization']).toBe(`Bearer ${env.KEY}`);
  expect(request.url()).not.toContain(env.KEY);
  expect(new URL(request.url()).searchParams.get('knowledge_id')).toBe(kb.id);
  const progress = form.getByRole('progressbar', { name: 'Upload progress' });
  await expect(progress).toBeVisible();
  await expect(form.getByRole('status', { name: 'Add status' })).toContainText(`Uploading “${fileName}”`);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
  });
  await expect(form.getByRole('status', { name: 'Add status' })).toContainText(`“${fileName}”: completed`, { timeout: 30_000 });
  await expect(progress).toHaveCount(0);

  const item = list.getByRole('listitem', { name: fileName, exact: true });
  await expect(item).toBeVisible();
  await expect(item).toContainText('Completed');
  await expect(item).toContainText(/\d+(\.\d)? KB/);
  const stored = (await serverContent(kb)).find((c) => c.name === fileName);
  expect(stored.status).toBe('completed');

  // Search finds it; each hit shows its text and its name.
  const search = page.getByRole('search', { name: 'Search knowledge' });
  await search.getByRole('searchbox', { name: 'Search for' }).fill(word);
  await search.getByRole('combobox', { name: 'Search type' }).selectOption('keyword');
  await search.getByRole('textbox', { name: 'Result limit' }).fill('3');
  await search.getByRole('button', { name: 'Search' }).click();
  const results = page.getByRole('list', { name: 'Search results' });
  const hit = results.getByRole('listitem', { name: fileName });
  await expect(hit.first()).toContainText(`The ${word} lives on Rottnest island`);
  expect(await results.getByRole('listitem').count()).toBeLessThanOrEqual(3);

  // The search survives nothing: a reload keeps the base (from the URL).
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: kb.name })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/knowledge\\?kb=${kb.id}`));

  expect(errors).toEqual([]);
});

test('pasted text is added, edited and deleted after a confirmation; failures lose nothing', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const [kb] = await bases();
  const tag = tagOf();
  const name = `note-${tag}`;
  const text = `Wombats build their burrows with strong claws (${tag}).`;
  await openKnowledge(page, kb);
  const list = page.getByRole('list', { name: 'Content' });
  const form = page.getByRole('form', { name: 'Add content' });
  await form.getByRole('radio', { name: 'Pasted text' }).check();
  await form.getByRole('textbox', { name: 'Text', exact: true }).fill(text);
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('textbox', { name: 'Metadata' }).fill(`topic=animals-${tag}`);

  // Bad input is said, in words, before anything is sent.
  await form.getByRole('textbox', { name: 'Chunk size' }).fill('many');
  await form.getByRole('button', { name: 'Add content' }).click();
  await expect(form.getByRole('alert')).toHaveText('Chunk size must be a whole number above 0.');
  await form.getByRole('textbox', { name: 'Chunk size' }).fill('');

  // A failed add says why and keeps what was typed.
  await failOnce(page, '**/knowledge/content?*', 'POST', 500, 'disk full');
  await form.getByRole('button', { name: 'Add content' }).click();
  await expect(alert(page)).toContainText('The server failed (HTTP 500): disk full');
  await expect(form.getByRole('textbox', { name: 'Text', exact: true })).toHaveValue(text);
  await expect(form.getByRole('textbox', { name: 'Name' })).toHaveValue(name);
  expect((await serverContent(kb)).some((c) => c.name === name)).toBe(false);

  // Added for real: the status is followed until done, the form empties.
  await form.getByRole('button', { name: 'Add content' }).click();
  await expect(form.getByRole('status', { name: 'Add status' })).toContainText(`“${name}”: completed`, { timeout: 30_000 });
  await expect(form.getByRole('textbox', { name: 'Text', exact: true })).toHaveValue('');
  await expect(alert(page)).toHaveCount(0);
  const item = list.getByRole('listitem', { name, exact: true });
  await expect(item).toContainText('Completed');
  await expect(item.getByRole('definition')).toHaveText(`animals-${tag}`);
  let stored = (await serverContent(kb)).find((c) => c.name === name);
  expect(stored.metadata.topic).toBe(`animals-${tag}`);

  // Edit the name and description (a form PATCH).
  const renamed = `wombat-note-${tag}`;
  await page.getByRole('button', { name: `Edit content: ${name}` }).click();
  const editor = page.getByRole('form', { name: `Edit content: ${name}` });
  await expect(editor.getByRole('textbox', { name: 'Name' })).toHaveValue(name);
  await editor.getByRole('textbox', { name: 'Name' }).fill(renamed);
  await editor.getByRole('textbox', { name: 'Description' }).fill('About wombats');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  const edited = list.getByRole('listitem', { name: renamed, exact: true });
  await expect(edited).toContainText('About wombats');
  stored = (await serverContent(kb)).find((c) => c.id === stored.id);
  expect([stored.name, stored.description]).toEqual([renamed, 'About wombats']);

  // A failing delete says why and leaves the list as it was.
  const count = await list.getByRole('listitem').count();
  await failOnce(page, '**/knowledge/content/*', 'DELETE', 404, 'Content not found');
  await page.getByRole('button', { name: `Delete content: ${renamed}` }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(alert(page)).toContainText('Not found (HTTP 404): Content not found');
  await expect(list.getByRole('listitem')).toHaveCount(count);

  // Delete asks first; Cancel keeps it; Confirm deletes it.
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: `Delete content: ${renamed}` }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(edited).toBeVisible();
  await page.getByRole('button', { name: `Delete content: ${renamed}` }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(edited).toHaveCount(0);
  await expect(list.getByRole('listitem')).toHaveCount(count - 1);
  await expect(alert(page)).toHaveCount(0);
  expect((await serverContent(kb)).some((c) => c.id === stored.id)).toBe(false);

  expect(errors.filter((e) => !/\b(404|500)\b/.test(e))).toEqual([]);
});

test('a search that finds nothing says so, and bad search input is explained', async ({ page }) => {
  const errors = collectErrors(page);
  const [kb] = await bases();
  const tag = tagOf();
  await openKnowledge(page, kb);
  const search = page.getByRole('search', { name: 'Search knowledge' });
  const query = search.getByRole('searchbox', { name: 'Search for' });

  await search.getByRole('button', { name: 'Search' }).click();
  await expect(search.getByRole('alert')).toHaveText('Enter something to search for.');

  await query.fill('coffee');
  await search.getByRole('textbox', { name: 'Filters' }).fill('source');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(search.getByRole('alert')).toHaveText('Filters: “source” is not key=value.');

  // Nothing carries this source: no results, said in words; the body names the base.
  await search.getByRole('textbox', { name: 'Filters' }).fill(`source=nowhere-${tag}`);
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/knowledge/search'));
  await search.getByRole('button', { name: 'Search' }).click();
  const body = (await sent).postDataJSON();
  expect(body).toMatchObject({ query: 'coffee', knowledge_id: kb.id, db_id: kb.db_id, filters: { source: `nowhere-${tag}` } });
  await expect(page.getByText('No results')).toBeVisible();
  await expect(page.getByText('Nothing in this knowledge base matches “coffee”')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Search results' })).toHaveCount(0);

  // A server error is an alert.
  await failOnce(page, '**/knowledge/search', 'POST', 500, 'vector db down');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(alert(page)).toContainText('The server failed (HTTP 500): vector db down');

  expect(errors.filter((e) => !/\b500\b/.test(e))).toEqual([]);
});

test('a new search never shows the previous answer as its own', async ({ page }) => {
  // A search that found nothing, then content is added and the same words are searched
  // again while the server is slow: until the new answer arrives, the old "No results"
  // must not stand on screen as if it were the new answer.
  const errors = collectErrors(page);
  const [kb] = await bases();
  const tag = tagOf();
  const word = `numbat${tag}`;
  await openKnowledge(page, kb);
  const search = page.getByRole('search', { name: 'Search knowledge' });
  await search.getByRole('searchbox', { name: 'Search for' }).fill(word);
  await search.getByRole('combobox', { name: 'Search type' }).selectOption('keyword');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No results')).toBeVisible();

  // The content arrives (through the API, as another person would add it).
  const form = new FormData();
  form.set('name', `numbat-${tag}`);
  form.set('text_content', `The ${word} eats termites in Western Australia.`);
  const q = `knowledge_id=${encodeURIComponent(kb.id)}&db_id=${encodeURIComponent(kb.db_id)}`;
  const res = await fetch(`${env.API}/knowledge/content?${q}`, {
    method: 'POST', headers: { Authorization: `Bearer ${env.KEY}` }, body: form,
  });
  expect(res.status).toBe(202);
  const { id } = await res.json();
  await expect.poll(async () => (await api(`/knowledge/content/${id}/status?${q}`)).status, { timeout: 30_000 })
    .toBe('completed');

  // The next search is held back by the "network" until we let it go.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/knowledge/search', async (route) => { await held; await route.fallback(); });
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Searching…' })).toBeVisible();
  await expect(page.getByText('No results')).toHaveCount(0);
  release();
  const results = page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem', { name: `numbat-${tag}` })).toContainText(`The ${word} eats termites`);
  await expect(page.getByText('No results')).toHaveCount(0);
  expect(errors).toEqual([]);
});
