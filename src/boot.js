// Starts the dashboard's wasm (CSP: no inline script). Explained in README, "The first seconds".
const app = document.querySelector('meta[name="agentos-dashboard-app"]');
for (const headStart of [probeEarly, preloadArea]) {
  try {
    headStart(); // only a head start: the app asks for all of it itself
  } catch {}
}
try {
  if (!app) throw new Error('index.html does not name the app files (built without Trunk.toml?)');
  const url = (name) => new URL(app.dataset[name], document.baseURI).href;
  const { default: init } = await import(url('js'));
  await init({ module_or_path: url('wasm') });
} catch (err) {
  const message = document.getElementById('shell-message');
  if (message) message.textContent = `The dashboard could not start: ${err && err.message ? err.message : err}. Reload the page to try again.`;
  throw err;
}

// /health and /info of the server the app opens first, asked now, without a key (README).
function probeEarly() {
  let raw = new URLSearchParams(location.search).getAll('endpoint').find((v) => v !== '');
  if (raw === undefined) raw = localStorage.getItem('agentos-dashboard.last');
  const s = (raw || '').trim();
  if (!s || /[\s\x00-\x1f\x7f]/.test(s)) return;
  const sep = s.indexOf('://');
  const scheme = sep < 0 ? 'http' : s.slice(0, sep).toLowerCase();
  const rest = sep < 0 ? s : s.slice(sep + 3);
  const cut = rest.search(/[/?#]/);
  const authority = cut < 0 ? rest : rest.slice(0, cut);
  const path = cut < 0 ? '' : rest.slice(cut);
  if (!/^https?$/.test(scheme) || !authority || authority.includes('@') || /[?#]/.test(path)) return;
  const base = `${scheme}://${authority}${path.replace(/\/+$/, '')}`;
  // An answer whose headers have not come in 20 s (the app's own bound) counts as failed, and the
  // app sends that request itself. Not an abort signal: that would also cut a body the app has
  // not read yet (the wasm may take longer than that to arrive on a slow line).
  const get = (p) => {
    const answer = Promise.race([fetch(base + p), new Promise((_, fail) => setTimeout(() => fail(new Error('timed out')), 20_000))]);
    answer.catch(() => {});
    return answer;
  };
  const early = (window.__agentosEarly = { base, health: get('/health'), info: get('/info') });
  // What the first page needs, once /info says the server needs no key (as the app reads it:
  // no auth_mode, or "none"): asked the same way, so the app, connecting without a key, takes
  // these answers too (src/state.rs, load_catalog). A server that needs a key is not asked.
  const catalog = ['config', 'agents', 'teams', 'workflows'];
  const pending = early.info
    .then((r) => (r.status === 200 ? r.clone().json() : null))
    .then((info) => {
      const mode = info !== null && typeof info === 'object' ? info.auth_mode : 'unknown';
      return mode === undefined || mode === null || mode === 'none';
    })
    .catch(() => false);
  for (const p of catalog) {
    const answer = pending.then((open) => (open ? get('/' + p) : null));
    answer.catch(() => {});
    early[p] = answer;
  }
}

// The chunks of the route's area (its pack: one request), fetched alongside the main module
// (README). The areas are src/lazy.rs's; the first path segment names them (src/route/table.rs).
function preloadArea() {
  const loader = document.querySelector('link[rel="modulepreload"][data-split-loader]');
  const first = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  const areas = { '': 'overview', agents: 'catalog', teams: 'catalog', workflows: 'catalog', welcome: 'chat' };
  // A stored session's page is an area of its own (`session`).
  const area = /^#\/?sessions\/[^/?]/.test(location.hash) ? 'session' : Object.hasOwn(areas, first) ? areas[first] : first;
  // A chat that continues a session (`?session=`) also shows its turns (their view's area).
  // The chat's running part comes once it shows (src/lazy.rs).
  const also = /^#\/?chat\/[^?]*\?(.*&)?session=/.test(location.hash) ? ['turns'] : [];
  if (!loader) return;
  import(loader.href).then((m) => {
    // The app asks for packs too (src/lazy.rs: the chat page, for its running part).
    window.__agentosPrefetch = m.prefetch;
    if (/^[a-z]+$/.test(area)) m.prefetch(area, ...also);
  }, () => {});
}
