// Foundation: dist/ is a plain folder of static files that works under a sub-path.
const { test, expect } = require('@playwright/test');
const { api, env, connectByHand, mainNav, collectErrors, detailHref } = require('./helpers');

test('served under the sub-path /dashboard/, the dashboard loads its assets there and works', async ({ page }) => {
  const errors = collectErrors(page);
  const outside = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin === env.WEB_ORIGIN && !url.pathname.startsWith('/dashboard/')) outside.push(url.pathname);
  });
  await connectByHand(page, { base: '/dashboard/' });
  await expect(page).toHaveURL(new RegExp(`^${env.WEB_ORIGIN}/dashboard/`));

  const agents = await api('/agents');
  await mainNav(page).getByRole('link', { name: 'Agents', exact: true }).click();
  await page.getByRole('link', { name: agents[0].name || agents[0].id, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`^${env.WEB_ORIGIN}/dashboard/.*${detailHref('agents', agents[0].id)}$`));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: agents[0].name || agents[0].id, exact: true })).toBeVisible();

  expect(outside, 'requests outside /dashboard/').toEqual([]);
  expect(errors).toEqual([]);
});
