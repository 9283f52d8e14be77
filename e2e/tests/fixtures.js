// Every spec imports `test` and `expect` from here instead of '@playwright/test':
//
//   const { test, expect } = require('./fixtures');
//
// The dashboard is served with its Content-Security-Policy (scripts/serve_static.py sends the
// headers of dist/_headers). This adds an automatic fixture, `csp`, that records every
// `securitypolicyviolation` event of every page of the test's browser context and fails the
// test after it ran if there was any. A test that provokes a violation on purpose reads and
// clears them with `csp.take()` (csp.spec.js).
const base = require('@playwright/test');

const test = base.test.extend({
  csp: [
    async ({ context }, use) => {
      const violations = [];
      await context.exposeBinding('__e2eCspViolation', (_source, v) => {
        violations.push(v);
      });
      await context.addInitScript(() => {
        // Capture phase on window: sees the events fired at elements, at the document and at
        // the window. Recorded before any page script runs.
        window.addEventListener(
          'securitypolicyviolation',
          (e) => {
            window.__e2eCspViolation?.({
              directive: e.effectiveDirective,
              blocked: e.blockedURI,
              sample: e.sample,
              source: `${e.sourceFile || '?'}:${e.lineNumber}:${e.columnNumber}`,
              page: location.href,
            });
          },
          true,
        );
      });
      const csp = {
        violations,
        /** Returns the violations recorded so far and forgets them. */
        take: () => violations.splice(0),
      };
      await use(csp);
      // Violations are reported in a task of their own: let the open pages deliver the last ones.
      for (const page of context.pages()) {
        await page.evaluate(() => new Promise((r) => setTimeout(r, 50))).catch(() => {});
      }
      base.expect(violations, 'Content-Security-Policy violations (see _headers)').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * `test`, with every page starting connected: the connect form is used once per worker and
 * its browser storage (URL and key) is reused; the connect flow has its own specs.
 */
const connectedTest = test.extend({
  connectedState: [
    async ({ browser }, use) => {
      const { env, connect } = require('./helpers');
      const context = await browser.newContext({ baseURL: env.WEB_ORIGIN });
      await connect(await context.newPage());
      const state = await context.storageState();
      await context.close();
      await use(state);
    },
    { scope: 'worker' },
  ],
  storageState: ({ connectedState }, use) => use(connectedState),
});

module.exports = { ...base, test, connectedTest, expect: base.expect };
