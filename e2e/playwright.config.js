// Playwright runs the release build (dist/) in Debian's Chromium against a real demo
// AgentOS that global-setup.js starts. Run it with ./scripts/test.sh from the repo root.
const { defineConfig } = require('@playwright/test');
const { WEB_ORIGIN } = require('./env');

module.exports = defineConfig({
  testDir: './tests',
  globalSetup: require.resolve('./global-setup.js'),
  // One worker: the tests share one demo server, and the machine has 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results',
  use: {
    baseURL: WEB_ORIGIN,
    browserName: 'chromium',
    headless: true,
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Never a downloaded browser: Debian's chromium (scripts/setup.sh --with-browser).
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
