// A stream cut in the middle of an answer: the partial answer stays on screen and the
// dashboard says what happened. Runs start plain (no background=true, which delays the
// first token on AgentOS 3.1.10), and AgentOS stops a plain run when its stream breaks,
// storing what it had: the dashboard then shows the run exactly as the server stored it
// (nothing lost, nothing twice) and offers Retry. (Until the runs were started plain, this
// test pressed Resume, which re-attached to a background run through /resume.)
//
// The cut is real: the dashboard talks to the demo AgentOS through a TCP proxy on
// loopback, and the test destroys the proxy's sockets mid-stream, as when a laptop's
// Wi-Fi drops for a moment.
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

test('a stream cut mid-answer keeps the partial answer, then shows what the server stored, and Retry answers again', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const proxy = await startProxy(env.API_PORT);
  try {
    const agents = await api('/agents');
    const agent = agents.find((a) => !(a.tools?.tools || []).length) || agents[0];
    test.skip(!agent, 'the server has no agents');

    await connect(page, { endpoint: proxy.url });
    await page.goto(`/#/chat/agents/${encodeURIComponent(agent.id)}`);
    const name = agent.name || agent.id;
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

    // "slow" makes the demo's stand-in LLM stream one word every 0.4 s.
    await page.getByRole('textbox', { name: 'Message' }).fill('Please give me a slow answer');
    await page.keyboard.press('Enter');
    const answer = page.getByRole('article', { name: `Answer from ${name}` });
    await expect(answer).toContainText(/\w+ \w+ \w+ \w+/, { timeout: 15_000 });
    const text = answer.getByRole('group', { name: 'Answer text' });
    const before = (await text.innerText()).trim();

    proxy.cut();

    const alert = page.getByRole('alert').filter({ hasText: 'The connection broke' });
    await expect(alert).toBeVisible();
    // The partial answer stays on screen.
    await expect(answer).toContainText(before);

    // The server stopped the run at the cut and stored it: the dashboard shows that run.
    await expect(alert).toContainText('the server stopped the run there');
    await expect(answer).toContainText('Stopped');
    const sessionLine = await page.getByText(/^Session [0-9a-f-]{8,}/).innerText();
    const sessionId = sessionLine.replace(/^Session\s+/, '').trim();
    const runs = await api(`/sessions/${encodeURIComponent(sessionId)}/runs`);
    const stored = runs[runs.length - 1];
    expect(stored.status).toBe('CANCELLED');
    const shown = (await text.innerText()).trim();
    expect(shown.replace(/\s+/g, ' ')).toBe(String(stored.content).trim().replace(/\s+/g, ' '));
    expect(shown.startsWith(before)).toBe(true);

    // Nothing to resume on the server; Retry sends the message again, and it completes.
    await expect(alert.getByRole('button', { name: 'Resume' })).toHaveCount(0);
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(answer).toHaveCount(2);
    await expect(answer.nth(1)).toContainText('Completed', { timeout: 45_000 });
    await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  } finally {
    await proxy.close();
  }
  // The cut itself makes the browser log a failed request; nothing else may fail.
  expect(errors.filter((e) => !e.startsWith('request failed') && !e.includes('ERR_'))).toEqual([]);
});
