// Session history: chat with a team, find the session by filter and by name, read the
// same transcript (with the member's run), continue it, rename it, delete it.
const { test, expect } = require('./fixtures');
const { api, apiAnswer, runComponent, env, connect, mainNav, collectErrors } = require('./helpers');

test('a chat session can be found, read, continued, renamed and deleted', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const teams = await api('/teams');
  test.skip(teams.length === 0, 'the server has no team');
  const team = teams[0];
  const teamName = team.name || team.id;
  const tag = `e2e-${Date.now().toString(36)}`;
  const message = `What is 3 + 4? (${tag})`;

  await connect(page);
  await page.goto(`/#/chat/teams/${encodeURIComponent(team.id)}`);
  await page.getByRole('textbox', { name: 'Message' }).fill(message);
  // AgentOS only searches stored names, so the dashboard names a session it starts (after
  // its first run): wait for that on the wire, or a fast search can run before it lands.
  const named = page.waitForResponse(
    (r) => r.request().method() === 'POST' && /\/sessions\/[^/]+\/rename/.test(r.url()),
    { timeout: 30_000 },
  );
  await page.keyboard.press('Enter');
  const live = page.getByRole('article', { name: `Answer from ${teamName}` });
  await expect(live).toContainText('Completed', { timeout: 30_000 });
  expect((await named).ok()).toBe(true);
  const liveMembers = live.getByRole('region', { name: /^Member run: / });
  await expect(liveMembers.first()).toBeVisible();
  const memberName = await liveMembers.first().getAttribute('aria-label');
  const liveAnswer = (await live.getByRole('group', { name: 'Answer text' }).last().innerText()).trim();

  // Find it: by type, by team, by name.
  await mainNav(page).getByRole('link', { name: 'Sessions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
  await page.getByLabel('Type').selectOption('team');
  await page.getByLabel('Agent, team or workflow').selectOption(`team:${team.id}`);
  await page.getByRole('searchbox', { name: 'Search by name' }).fill(tag);
  await page.getByRole('searchbox', { name: 'Search by name' }).press('Enter');
  const rows = page.getByRole('table', { name: 'Sessions' }).getByRole('row');
  await expect(rows).toHaveCount(2); // the header row and ours
  const link = page.getByRole('link', { name: message });
  await expect(link).toBeVisible();
  await expect(page.getByText('Page 1 of 1 · 1 sessions')).toBeVisible();

  // Read it: the same transcript, the member's run nested under the team's.
  await link.click();
  await expect(page.getByRole('heading', { level: 1, name: message })).toBeVisible();
  const stored = page.getByRole('article', { name: `Answer from ${teamName}` });
  await expect(stored.getByRole('region', { name: memberName })).toBeVisible();
  await expect(stored.getByRole('group', { name: 'Answer text' }).last()).toHaveText(liveAnswer);
  const sessionId = decodeURIComponent(new URL(page.url()).hash.replace('#/sessions/', ''));

  // Continue it: the chat shows the earlier turn and carries on in the same session.
  await page.getByRole('link', { name: 'Continue this chat' }).click();
  const conversation = page.getByRole('list', { name: 'Conversation' });
  await expect(conversation.getByText(message, { exact: true }).first()).toBeVisible();
  await page.getByRole('textbox', { name: 'Message' }).fill('What is 5 + 5?');
  await page.keyboard.press('Enter');
  await expect(conversation.getByRole('article', { name: `Answer from ${teamName}` })).toHaveCount(2);
  await expect(conversation.getByRole('article').last()).toContainText('Completed', { timeout: 30_000 });
  await expect(page.getByRole('link', { name: sessionId })).toBeVisible();
  // agno may store the run just after its last event reached the page: read until it is there.
  await expect
    .poll(async () => (await api(`/sessions/${sessionId}/runs`)).filter((r) => !r.parent_run_id).length)
    .toBe(2);

  // Rename it.
  await page.goto(`/#/sessions/${sessionId}`);
  await page.getByRole('button', { name: 'Rename' }).click();
  const renamed = `Renamed ${tag}`;
  await page.getByRole('textbox', { name: 'Session name' }).fill(renamed);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  expect((await api(`/sessions/${sessionId}`)).session_name).toBe(renamed);

  // Delete it, after a confirmation.
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
  await expect(page.getByRole('link', { name: renamed })).toHaveCount(0);
  const gone = await fetch(`${env.API}/sessions/${sessionId}`, { headers: { Authorization: `Bearer ${env.KEY}` } });
  expect(gone.status).toBe(404);

  // A deep link to the deleted session says so.
  await page.goto(`/#/sessions/${sessionId}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Session not found' })).toBeVisible();
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});

// A server that does not find a session's runs without its type (agno 3.1.10 does): 404, or 422
// from one that wants the type.
for (const refusal of [404, 422]) {
  test(`a session's page asks for its runs alongside the session, and asks again with the session's type after a ${refusal}`, async ({ page }) => {
    const errors = collectErrors(page);
    const teams = await api('/teams');
    test.skip(teams.length === 0, 'the server has no team');
    const team = teams[0];
    const tag = `e2e-typed-${refusal}-${Date.now().toString(36)}`;
    const sessionId = tag;
    await runComponent('teams', team.id, `What is 2 + 2? (${tag})`, { user: tag, session: sessionId });
    const detailUrl = `${env.API}/sessions/${encodeURIComponent(sessionId)}`;
    // What the page asks, in order: runs requests sent, and the session's own answer.
    const seen = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && r.url().startsWith(`${detailUrl}/runs`)) seen.push(`runs ${new URL(r.url()).searchParams.get('type') || '-'}`);
    });
    page.on('requestfinished', (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === new URL(detailUrl).pathname) seen.push('session answered');
    });
    await page.route(`${detailUrl}/runs**`, (route) => {
      const req = route.request();
      if (req.method() !== 'GET' || new URL(req.url()).searchParams.has('type')) return route.continue();
      return route.fulfill(apiAnswer(refusal, { detail: refusal === 404 ? `Session with ID ${sessionId} not found` : 'type: field required' }));
    });
    await connect(page);
    await page.goto(`/#/sessions/${encodeURIComponent(sessionId)}`);
    const conversation = page.getByRole('list', { name: 'Conversation' });
    await expect(conversation.getByLabel('You said')).toContainText(tag);
    await expect(page.getByRole('alert')).toHaveCount(0);
    // The untyped request went out before the session answered; the typed one after it.
    expect(seen.slice(0, 3)).toEqual(['runs -', 'session answered', 'runs team']);
    expect(errors.filter((e) => !e.includes(String(refusal)))).toEqual([]);
  });
}
