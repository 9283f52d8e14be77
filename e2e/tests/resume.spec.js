// A stream cut in the middle of an answer: the partial answer stays on screen, the
// dashboard says what happened, and Resume re-attaches to the run (the run's /resume
// with last_event_index) so the answer completes with nothing shown twice.
//
// The cut is real: the dashboard talks to the demo AgentOS through a TCP proxy on
// loopback, and the test destroys the proxy's sockets mid-stream. The server and the
// run keep going, as they would when a laptop's Wi-Fi drops for a moment.
const net = require('node:net');
const { test, expect } = require('./fixtures');
const { api, env, connect, collectErrors } = require('./helpers');

function startProxy(targetPort) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        cut: () => { for (const s of sockets) s.destroy(); },
        close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
      });
    });
  });
}

test('a stream cut mid-answer keeps the partial answer, and Resume completes it without repeats', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = collectErrors(page);
  const proxy = await startProxy(env.API_PORT);
  try {
    // Resumable runs need a database: pick any agent that has one.
    const agents = await api('/agents');
    const agent = agents.find((a) => a.db_id);
    test.skip(!agent, 'the server has no agent with a database');

    await connect(page, { endpoint: proxy.url });
    await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
    const name = agent.name || agent.id;
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

    // "slow" makes the demo's stand-in LLM stream one word every 0.4 s.
    await page.getByRole('textbox', { name: 'Message' }).fill('Please give me a slow answer');
    await page.keyboard.press('Enter');
    const answer = page.getByRole('article', { name: `Answer from ${name}` });
    await expect(answer).toContainText(/\w+ \w+ \w+ \w+/, { timeout: 15_000 });

    proxy.cut();

    const alert = page.getByRole('alert').filter({ hasText: 'The connection broke' });
    await expect(alert).toBeVisible();
    await expect(answer).toContainText('Interrupted');
    const text = answer.getByRole('group', { name: 'Answer text' });
    const partial = (await text.innerText()).trim();
    expect(partial.length).toBeGreaterThan(0);
    // The partial answer stays on screen.
    await expect(answer).toContainText(partial);

    await alert.getByRole('button', { name: 'Resume' }).click();
    await expect(answer).toContainText('Completed', { timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();

    const final = (await text.innerText()).trim();
    expect(final.startsWith(partial)).toBe(true);
    expect(final.length).toBeGreaterThan(partial.length);

    // What is on screen is exactly what the server stored for the run: nothing lost,
    // nothing twice.
    const sessionLine = await page.getByText(/^Session [0-9a-f-]{8,}/).innerText();
    const sessionId = sessionLine.replace(/^Session\s+/, '').trim();
    const runs = await api(`/sessions/${encodeURIComponent(sessionId)}/runs`);
    const stored = runs[runs.length - 1].content.trim();
    expect(final.replace(/\s+/g, ' ')).toBe(stored.replace(/\s+/g, ' '));
  } finally {
    await proxy.close();
  }
  // The cut itself makes the browser log a failed request; nothing else may fail.
  expect(errors.filter((e) => !e.startsWith('request failed') && !e.includes('ERR_'))).toEqual([]);
});
