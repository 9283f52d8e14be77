// Starts the dashboard's wasm from a file. Trunk's own loader is an inline <script>, which
// the Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval', no 'unsafe-inline')
// refuses. Trunk.toml's pattern_script leaves the names of the files Trunk built in
//   <meta name="agentos-dashboard-app" data-js="./agentos-dashboard-<hash>.js" data-wasm="./…_bg.wasm">
// and index.html loads this module (hashed, with an integrity attribute) to start them.
// Trunk's <link rel="modulepreload"> and <link rel="preload"> (with integrity) fetch both
// files early; the import and the wasm fetch below use those responses.
const app = document.querySelector('meta[name="agentos-dashboard-app"]');
try {
  if (!app) throw new Error('index.html does not name the app files (built without Trunk.toml?)');
  // Relative to the page, so dist/ works under any sub-path.
  const url = (name) => new URL(app.dataset[name], document.baseURI).href;
  const { default: init } = await import(url('js'));
  await init({ module_or_path: url('wasm') });
} catch (err) {
  // Say so in the static shell instead of spinning for ever (text only, never HTML).
  const message = document.getElementById('shell-message');
  if (message) message.textContent = `The dashboard could not start: ${err && err.message ? err.message : err}. Reload the page to try again.`;
  throw err;
}
