//! Application state shared through context: the connection (URL, key,
//! status), the discovered configuration, and the periodic health check.

use agentos_client::error::endpoint_id;
use agentos_client::reducer::RunView;
use agentos_client::web::Client;
use agentos_client::{AgentDetail, ApiError, ComponentKind, OsConfig, OsInfo, TeamDetail, WorkflowDetail};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// How often `/health` is re-checked while connected.
pub const HEALTH_INTERVAL_MS: u64 = 15_000;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn load(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = if value.is_empty() { s.remove_item(key) } else { s.set_item(key, value) };
    }
}

pub use keys::{saved_key, saved_servers, SavedServer};

/// Saved servers and their keys. A key is stored under the server it was
/// entered for (its [`endpoint_id`]: normalized origin and path) and is only
/// ever read back for that server.
///
/// - localStorage `agentos-dashboard.servers`: a JSON list of
///   `{"url", "name", "key"?}`; `key` only when "Remember the key on this
///   device" was on.
/// - sessionStorage `agentos-dashboard.tab-keys`: `{endpoint id: key}` for
///   keys not remembered; it lives as long as the tab.
/// - localStorage `agentos-dashboard.last`: the last server connected to.
///
/// Storage is read leniently (anything malformed is skipped) and capped.
mod keys {
    use agentos_client::error::endpoint_id;
    use serde_json::{Map, Value};

    const SERVERS: &str = "agentos-dashboard.servers";
    const TAB_KEYS: &str = "agentos-dashboard.tab-keys";
    const LAST: &str = "agentos-dashboard.last";
    /// Before keys were stored per server: one endpoint and one key.
    const OLD_ENDPOINT: &str = "agentos-dashboard.endpoint";
    const OLD_KEY: &str = "agentos-dashboard.key";
    /// Bounds on what is read back from storage.
    const MAX_SERVERS: usize = 50;
    const MAX_TEXT: usize = 4096;

    #[derive(Clone, Debug, PartialEq)]
    pub struct SavedServer {
        /// [`endpoint_id`] of `url`: what the key is stored under.
        pub id: String,
        /// The normalized base URL.
        pub url: String,
        pub name: String,
        /// The key is kept in localStorage (else only in this tab, if at all).
        pub remembered: bool,
    }

    fn local() -> Option<web_sys::Storage> {
        super::storage()
    }

    fn tab() -> Option<web_sys::Storage> {
        web_sys::window().and_then(|w| w.session_storage().ok().flatten())
    }

    fn read(s: Option<web_sys::Storage>, item: &str) -> Option<Value> {
        let text = s?.get_item(item).ok().flatten()?;
        serde_json::from_str(&text).ok()
    }

    fn write(s: Option<web_sys::Storage>, item: &str, v: &Value) {
        if let Some(s) = s {
            let _ = s.set_item(item, &v.to_string());
        }
    }

    fn text(v: &Value, field: &str) -> Option<String> {
        v.get(field).and_then(Value::as_str).filter(|t| !t.is_empty() && t.len() <= MAX_TEXT).map(str::to_string)
    }

    /// The stored list as JSON objects with a usable URL.
    fn entries() -> Vec<Map<String, Value>> {
        let Some(Value::Array(list)) = read(local(), SERVERS) else { return Vec::new() };
        list.into_iter()
            .filter_map(|v| match v {
                Value::Object(m) if id_of(&m).is_some() => Some(m),
                _ => None,
            })
            .take(MAX_SERVERS)
            .collect()
    }

    fn id_of(m: &Map<String, Value>) -> Option<String> {
        m.get("url").and_then(Value::as_str).filter(|u| u.len() <= MAX_TEXT).and_then(endpoint_id)
    }

    fn tab_keys() -> Map<String, Value> {
        match read(tab(), TAB_KEYS) {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    /// Every saved server, in the order they were first saved.
    pub fn saved_servers() -> Vec<SavedServer> {
        entries()
            .into_iter()
            .filter_map(|m| {
                let v = Value::Object(m);
                let url = text(&v, "url")?;
                let id = endpoint_id(&url)?;
                Some(SavedServer {
                    name: text(&v, "name").unwrap_or_else(|| url.clone()),
                    remembered: text(&v, "key").is_some(),
                    id,
                    url,
                })
            })
            .collect()
    }

    /// The key saved for the server at `url` (this tab's first, then the
    /// remembered one). Never a key saved for any other server.
    pub fn saved_key(url: &str) -> Option<String> {
        let id = endpoint_id(url)?;
        if let Some(k) = tab_keys().get(&id).and_then(Value::as_str).filter(|k| !k.is_empty()) {
            return Some(k.to_string());
        }
        entries().into_iter().find(|m| id_of(m).as_deref() == Some(&id)).and_then(|m| text(&Value::Object(m), "key"))
    }

    /// The last server connected to.
    pub fn last_server() -> Option<String> {
        let url = local()?.get_item(LAST).ok().flatten()?;
        endpoint_id(&url).map(|_| url)
    }

    /// Saves a server after a connection to it succeeded: its URL, name and
    /// key (in localStorage when `remember`, else in this tab's
    /// sessionStorage; an empty key forgets the saved one), and makes it the
    /// last one used.
    pub fn save_server(url: &str, name: &str, key: &str, remember: bool) {
        let Some(id) = endpoint_id(url) else { return };
        let mut list = entries();
        let mut entry = Map::new();
        entry.insert("url".into(), Value::String(url.to_string()));
        if !name.is_empty() {
            let name: String = name.chars().take(200).collect();
            entry.insert("name".into(), Value::String(name));
        }
        if remember && !key.is_empty() {
            entry.insert("key".into(), Value::String(key.to_string()));
        }
        match list.iter_mut().find(|m| id_of(m).as_deref() == Some(&id)) {
            Some(m) => *m = entry,
            None => {
                if list.len() >= MAX_SERVERS {
                    list.remove(0);
                }
                list.push(entry);
            }
        }
        write(local(), SERVERS, &Value::Array(list.into_iter().map(Value::Object).collect()));
        let mut tk = tab_keys();
        if remember || key.is_empty() {
            tk.remove(&id);
        } else {
            tk.insert(id, Value::String(key.to_string()));
        }
        write(tab(), TAB_KEYS, &Value::Object(tk));
        if let Some(s) = local() {
            let _ = s.set_item(LAST, url);
        }
    }

    /// Forgets the key saved for the server at `url` (the server stays).
    pub fn forget_key(url: &str) {
        let Some(id) = endpoint_id(url) else { return };
        let mut list = entries();
        for m in list.iter_mut().filter(|m| id_of(m).as_deref() == Some(&id)) {
            m.remove("key");
        }
        write(local(), SERVERS, &Value::Array(list.into_iter().map(Value::Object).collect()));
        let mut tk = tab_keys();
        if tk.remove(&id).is_some() {
            write(tab(), TAB_KEYS, &Value::Object(tk));
        }
    }

    /// Removes a saved server and forgets its key.
    pub fn delete_server(url: &str) {
        let Some(id) = endpoint_id(url) else { return };
        forget_key(url);
        let list: Vec<Value> =
            entries().into_iter().filter(|m| id_of(m).as_deref() != Some(&id)).map(Value::Object).collect();
        write(local(), SERVERS, &Value::Array(list));
        if last_server().and_then(|u| endpoint_id(&u)).as_deref() == Some(&id) {
            if let Some(s) = local() {
                let _ = s.remove_item(LAST);
            }
        }
    }

    /// Moves the single endpoint and key of earlier versions into the list:
    /// the old key belongs to the old endpoint only (it was in localStorage,
    /// so it stays remembered).
    pub fn migrate() {
        let Some(s) = local() else { return };
        let old_url = s.get_item(OLD_ENDPOINT).ok().flatten();
        let old_key = s.get_item(OLD_KEY).ok().flatten().unwrap_or_default();
        if let Some(url) = old_url.as_deref().and_then(|u| agentos_client::normalize_base_url(u).ok()) {
            let known = entries().iter().any(|m| id_of(m) == endpoint_id(&url));
            if !known {
                let remember = !old_key.trim().is_empty();
                save_server(&url, "", old_key.trim(), remember);
            }
        }
        let _ = s.remove_item(OLD_ENDPOINT);
        let _ = s.remove_item(OLD_KEY);
    }
}

/// What the server is configured with, fetched once per connection.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    pub info: OsInfo,
    pub config: OsConfig,
    /// `manifest` and `chat.quick_prompts` of the same `/config` (demo mode).
    pub manifest: agentos_client::Manifest,
    pub agents: Vec<AgentDetail>,
    pub teams: Vec<TeamDetail>,
    pub workflows: Vec<WorkflowDetail>,
}

/// One agent, team or workflow, for pickers, filters and name lookups.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub kind: ComponentKind,
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Whether it has a database (runs can then be resumable).
    pub has_db: bool,
}

impl Catalog {
    /// Agents, then teams, then workflows.
    pub fn entries(&self) -> Vec<Entry> {
        let agents = self.agents.iter().map(|a| (ComponentKind::Agent, &a.id, a.display_name(), &a.description, &a.db_id));
        let teams = self.teams.iter().map(|t| (ComponentKind::Team, &t.id, t.display_name(), &t.description, &t.db_id));
        let workflows =
            self.workflows.iter().map(|w| (ComponentKind::Workflow, &w.id, w.display_name(), &w.description, &w.db_id));
        agents
            .chain(teams)
            .chain(workflows)
            .map(|(kind, id, name, description, db)| Entry {
                kind,
                id: id.clone(),
                name: name.to_string(),
                description: description.clone(),
                has_db: db.is_some(),
            })
            .collect()
    }

    pub fn find(&self, kind: ComponentKind, id: &str) -> Option<Entry> {
        self.entries().into_iter().find(|e| e.kind == kind && e.id == id)
    }

    /// The display name of an agent, team or workflow, if the server has it.
    pub fn name_of(&self, kind: ComponentKind, id: &str) -> Option<String> {
        self.find(kind, id).map(|e| e.name)
    }

    /// Names a stored run, its member runs and its steps' runs: stored runs
    /// carry ids, not names, and history should read like the live chat.
    pub fn name_runs(&self, v: &mut RunView) {
        if v.name.is_none() {
            if let (Some(kind), Some(id)) = (v.kind, v.component_id.as_deref()) {
                v.name = self.name_of(kind.into(), id).filter(|n| n != id);
            }
        }
        v.members.iter_mut().for_each(|m| self.name_runs(m));
        v.steps.iter_mut().flat_map(|s| s.runs.iter_mut()).for_each(|r| self.name_runs(r));
    }
}

impl Entry {
    /// "Agent · Calculator", as pickers and filters list it.
    pub fn label(&self) -> String {
        labelled(self.kind, &self.name)
    }
}

/// "Agent · Calculator": a kind and a name (or an id).
pub fn labelled(kind: ComponentKind, name: &str) -> String {
    format!("{} · {}", kind.label(), name)
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConnStatus {
    /// No server chosen yet.
    Idle,
    Connecting,
    Connected,
    /// Connecting failed; nothing was loaded.
    Failed(ApiError),
}

/// Liveness as seen by the periodic health check.
#[derive(Clone, Debug, PartialEq)]
pub enum Health {
    Unknown,
    Ok,
    Down(ApiError),
}

#[derive(Clone, Copy)]
pub struct AppState {
    /// The URL typed or remembered (not yet normalized).
    pub endpoint: RwSignal<String>,
    /// The key of the current connection (the one `client` sends); never in
    /// a URL. Keys of other servers stay in storage (see [`keys`]).
    pub key: RwSignal<String>,
    pub client: RwSignal<Option<Client>>,
    pub status: RwSignal<ConnStatus>,
    pub health: RwSignal<Health>,
    pub catalog: RwSignal<Option<Catalog>>,
    /// The saved servers (for the switcher and the Connect page), kept in
    /// step with storage.
    pub servers: RwSignal<Vec<SavedServer>>,
    /// Set when `?endpoint=` names a server that is not saved yet: the
    /// Connect page then offers to add it.
    pub from_link: RwSignal<Option<String>>,
    /// Bumped by every connect, so stale answers of an earlier connect are dropped.
    generation: RwSignal<u32>,
}

impl AppState {
    /// Opens the server of a `?endpoint=` link, else the last one used, with
    /// the key saved for that very server (none if there is none: a
    /// protected server then asks for it).
    pub fn new() -> Self {
        keys::migrate();
        let linked = query_endpoint();
        let servers = saved_servers();
        let unsaved_link = linked.clone().filter(|u| {
            let id = endpoint_id(u);
            id.is_none() || !servers.iter().any(|s| Some(&s.id) == id.as_ref())
        });
        let endpoint = linked.or_else(keys::last_server).unwrap_or_default();
        let state = Self {
            endpoint: RwSignal::new(endpoint.clone()),
            key: RwSignal::new(String::new()),
            client: RwSignal::new(None),
            status: RwSignal::new(ConnStatus::Idle),
            health: RwSignal::new(Health::Unknown),
            catalog: RwSignal::new(None),
            servers: RwSignal::new(servers),
            from_link: RwSignal::new(unsaved_link),
            generation: RwSignal::new(0),
        };
        if !endpoint.is_empty() {
            state.connect_to(&endpoint, saved_key(&endpoint).unwrap_or_default(), None);
        }
        state
    }

    /// Connects to `endpoint` with `key`, the key entered or saved for that
    /// very server: checks that it is an AgentOS, then loads its
    /// configuration. Only when that succeeds are the server and key saved
    /// (the key on this device when `remember`, else for this tab;
    /// `None` keeps where it was). A key a header cannot carry fails at
    /// once, before anything is sent.
    pub fn connect_to(&self, endpoint: &str, key: String, remember: Option<bool>) {
        self.connect_named(endpoint, key, remember, String::new());
    }

    /// [`connect_to`](Self::connect_to), saving the server under `name`
    /// (empty: the name it had, else the server's own name).
    pub fn connect_named(&self, endpoint: &str, key: String, remember: Option<bool>, name: String) {
        let this = *self;
        let gen = self.generation.get_untracked() + 1;
        self.generation.set(gen);
        self.endpoint.set(endpoint.trim().to_string());
        let client = match Client::new(endpoint, Some(key.clone())) {
            Ok(c) => c,
            Err(e) => {
                self.client.set(None);
                self.catalog.set(None);
                self.status.set(ConnStatus::Failed(e));
                return;
            }
        };
        self.status.set(ConnStatus::Connecting);
        self.health.set(Health::Unknown);
        spawn_local(async move {
            let result = load_catalog(&client).await;
            if this.generation.get_untracked() != gen {
                return; // a newer connect superseded this one
            }
            match result {
                Ok(catalog) => {
                    let url = client.base_url().to_string();
                    let key = client.socket_token();
                    let id = endpoint_id(&url);
                    let saved = saved_servers().into_iter().find(|s| Some(&s.id) == id.as_ref());
                    let remember = remember.unwrap_or_else(|| saved.as_ref().is_some_and(|s| s.remembered));
                    let name = Some(name.trim().to_string())
                        .filter(|n| !n.is_empty())
                        .or_else(|| saved.map(|s| s.name).filter(|n| *n != url))
                        .unwrap_or_else(|| catalog.info.display_name().to_string());
                    keys::save_server(&url, &name, &key, remember);
                    this.servers.set(saved_servers());
                    this.from_link.set(None);
                    this.endpoint.set(url);
                    this.key.set(key);
                    this.catalog.set(Some(catalog));
                    this.client.set(Some(client));
                    this.health.set(Health::Ok);
                    this.status.set(ConnStatus::Connected);
                }
                Err(e) => {
                    this.catalog.set(None);
                    this.client.set(None);
                    this.key.set(String::new());
                    this.status.set(ConnStatus::Failed(e));
                }
            }
        });
    }

    /// Reloads the configuration of the current connection (same server,
    /// same key).
    pub fn refresh(&self) {
        if let Some(c) = self.client.get_untracked() {
            self.connect_to(c.base_url(), c.socket_token(), None);
        }
    }

    /// Forgets the key saved for the server at `url`; if that is the
    /// current connection, disconnects.
    pub fn forget_key(&self, url: &str) {
        keys::forget_key(url);
        self.servers.set(saved_servers());
        let current = self.client.get_untracked().map(|c| c.base_url().to_string());
        if current.is_some_and(|c| endpoint_id(&c) == endpoint_id(url)) {
            self.generation.update(|g| *g += 1);
            self.client.set(None);
            self.catalog.set(None);
            self.status.set(ConnStatus::Idle);
            self.health.set(Health::Unknown);
            self.key.set(String::new());
        }
    }

    /// Removes a saved server and forgets its key; if it is the current
    /// connection, disconnects.
    pub fn delete_server(&self, url: &str) {
        self.forget_key(url);
        keys::delete_server(url);
        self.servers.set(saved_servers());
    }

    /// Switches to a saved server, with its own saved key (or none).
    pub fn switch_to(&self, url: &str) {
        self.connect_to(url, saved_key(url).unwrap_or_default(), None);
    }

    /// Starts the periodic `/health` check.
    pub fn start_health_checks(&self) {
        let this = *self;
        let _ = set_interval_with_handle(
            move || {
                let Some(client) = this.client.get_untracked() else { return };
                let gen = this.generation.get_untracked();
                spawn_local(async move {
                    let h = match client.health().await {
                        Ok(_) => Health::Ok,
                        Err(e) => Health::Down(e),
                    };
                    if this.generation.get_untracked() == gen && this.health.get_untracked() != h {
                        this.health.set(h);
                    }
                });
            },
            std::time::Duration::from_millis(HEALTH_INTERVAL_MS),
        );
    }
}

async fn load_catalog(client: &Client) -> Result<Catalog, ApiError> {
    // `/health` and `/info` together: both are open and sent without the
    // key (no CORS preflight), and they say whether this is an AgentOS and
    // whether it needs a key. Only then is the key sent, with everything the
    // first page needs at once: two round trips in all, not four in a row.
    // src/boot.js may have sent both already, to this very server, before the
    // app ran: their answers are used once, if they came.
    let (health, info) = futures::join!(
        async { client.probe_health_from(early_answer(client.base_url(), "health").await).await },
        async { client.probe_info_from(early_answer(client.base_url(), "info").await).await },
    );
    health?;
    let info = info?;
    // Without a key for a server that needs one, say so instead of sending
    // requests bound to fail.
    if info.needs_key() && !client.has_key() {
        return Err(ApiError::Unauthorized { had_key: false, detail: None });
    }
    // src/boot.js asks for these four too, without a key or any header, once /info says the
    // server needs no key: their answers are taken only by a connection without a key to a
    // server that needs none (as the app would have sent them); otherwise the app asks itself.
    let keyless = !client.has_key() && !info.needs_key();
    let early = |what: &'static str| async move {
        if keyless {
            early_answer(client.base_url(), what).await
        } else {
            None
        }
    };
    let (config, agents, teams, workflows) = futures::join!(
        async { client.get_json_from::<agentos_client::ConfigWithManifest>("/config", early("config").await).await },
        async { client.get_json_from("/agents", early("agents").await).await },
        async { client.get_json_from("/teams", early("teams").await).await },
        async { client.get_json_from("/workflows", early("workflows").await).await },
    );
    // A wrong key fails all four the same way; the first one says so.
    let agentos_client::ConfigWithManifest { config, manifest } = config?;
    Ok(Catalog {
        info,
        config,
        manifest,
        agents: absent_is_empty(agents)?,
        teams: absent_is_empty(teams)?,
        workflows: absent_is_empty(workflows)?,
    })
}

/// The answer to `GET {base}/{what}` that src/boot.js started before the app
/// ran (`window.__agentosEarly`: `{base, health, info}`, and `config`, `agents`,
/// `teams`, `workflows` once `/info` said no key is needed, else `null`; all
/// without a key or any header), taken once and only for that very `base`;
/// `None` when there is none, or it failed (the request is then sent again, as
/// usual).
async fn early_answer(base: &str, what: &str) -> Option<web_sys::Response> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let early = js_sys::Reflect::get(&window, &"__agentosEarly".into()).ok().filter(|v| v.is_object())?;
    if js_sys::Reflect::get(&early, &"base".into()).ok()?.as_string().as_deref() != Some(base) {
        return None;
    }
    let pending = js_sys::Reflect::get(&early, &what.into()).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let _ = js_sys::Reflect::delete_property(early.unchecked_ref::<js_sys::Object>(), &what.into());
    let answer = wasm_bindgen_futures::JsFuture::from(pending).await.ok()?;
    answer.dyn_into::<web_sys::Response>().ok()
}

/// A list route the server does not have (404) means it has none of those;
/// any other failure is reported.
fn absent_is_empty<T>(r: Result<Vec<T>, ApiError>) -> Result<Vec<T>, ApiError> {
    match r {
        Err(ApiError::NotFound { .. }) => Ok(Vec::new()),
        other => other,
    }
}

/// `?endpoint=` from the page URL, so a demo link opens onto a server.
fn query_endpoint() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let search = search.trim_start_matches('?');
    search.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        if k != "endpoint" || v.is_empty() {
            return None;
        }
        js_sys::decode_uri_component(&v.replace('+', " ")).ok()?.as_string()
    })
}

/// Catalog lookups for code that does not track the catalog (history,
/// recovered runs, table cells): the same answers before a connection,
/// with ids in place of names.
impl AppState {
    /// The name of an agent, team or workflow from the catalog, else its id.
    pub fn component_name(&self, kind: ComponentKind, id: &str) -> String {
        self.catalog.with_untracked(|c| c.as_ref().and_then(|c| c.name_of(kind, id))).unwrap_or_else(|| id.to_string())
    }

    /// "Agent · Calculator" from the catalog (the id when the server does not list it).
    pub fn component_label(&self, kind: ComponentKind, id: &str) -> String {
        labelled(kind, &self.component_name(kind, id))
    }

    /// See [`Catalog::name_runs`]; nothing to name before a connection.
    pub fn name_runs(&self, v: &mut RunView) {
        self.catalog.with_untracked(|c| c.as_ref().map(|c| c.name_runs(v)));
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
