// Where the e2e harness puts things. Ports can be moved with environment variables
// (e.g. when two checkouts run the suite on one machine at once).
const path = require('node:path');

const num = (name, fallback) => Number(process.env[name] || fallback);

const ROOT = path.resolve(__dirname, '..');
const API_PORT = num('E2E_API_PORT', 7787);
const LLM_PORT = num('E2E_LLM_PORT', 7788);
const WEB_PORT = num('E2E_WEB_PORT', 8088);
const OTHER_HOST = process.env.E2E_OTHER_HOST || '127.0.0.2';
const OTHER_PORT = num('E2E_OTHER_PORT', 8089);

module.exports = {
  ROOT,
  DIST: path.resolve(process.env.E2E_DIST || path.join(ROOT, 'dist')),
  // Per API port, so suites of two checkouts (or two port sets) never stop each other's servers.
  RUN_DIR: path.join(__dirname, '.run', String(API_PORT)),
  KEY: 'e2e-key',
  API_PORT,
  LLM_PORT,
  WEB_PORT,
  OTHER_HOST,
  OTHER_PORT,
  // The demo AgentOS (security key required; CORS allows only WEB_ORIGIN).
  API: `http://127.0.0.1:${API_PORT}`,
  // The release dist/ at / and at /dashboard/ (an origin the API allows).
  WEB_ORIGIN: `http://127.0.0.1:${WEB_PORT}`,
  // The same dist/ on an origin the API does NOT allow (CORS test).
  OTHER_ORIGIN: `http://${OTHER_HOST}:${OTHER_PORT}`,
  // A port where nothing listens.
  DEAD_URL: `http://127.0.0.1:${num('E2E_DEAD_PORT', 7999)}`,
};
