//! Application state shared through context: the connection (URL, key,
//! status), the discovered configuration, and the periodic health check.

use agentos_client::web::Client;
use agentos_client::{AgentDetail, ApiError, ComponentKind, OsConfig, OsInfo, TeamDetail, WorkflowDetail};
use leptos::prelude::*;
use leptos::task::spawn_local;

const ENDPOINT_KEY: &str = "agentos-dashboard.endpoint";
const KEY_KEY: &str = "agentos-dashboard.key";
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

/// What the server is configured with, fetched once per connection.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    pub info: OsInfo,
    pub config: OsConfig,
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
    /// The security key, kept in memory and localStorage; never in a URL.
    pub key: RwSignal<String>,
    pub client: RwSignal<Option<Client>>,
    pub status: RwSignal<ConnStatus>,
    pub health: RwSignal<Health>,
    pub catalog: RwSignal<Option<Catalog>>,
    /// Bumped by every connect, so stale answers of an earlier connect are dropped.
    generation: RwSignal<u32>,
}

impl AppState {
    pub fn new() -> Self {
        let from_query = query_endpoint();
        let endpoint = from_query.clone().or_else(|| load(ENDPOINT_KEY)).unwrap_or_default();
        let state = Self {
            endpoint: RwSignal::new(endpoint),
            key: RwSignal::new(load(KEY_KEY).unwrap_or_default()),
            client: RwSignal::new(None),
            status: RwSignal::new(ConnStatus::Idle),
            health: RwSignal::new(Health::Unknown),
            catalog: RwSignal::new(None),
            generation: RwSignal::new(0),
        };
        if !state.endpoint.get_untracked().is_empty() {
            state.connect();
        }
        state
    }

    /// Connects to the current endpoint with the current key: checks that it
    /// is an AgentOS, then loads its configuration. Remembers both on success
    /// and also on an auth failure (so the person only has to fix the key).
    pub fn connect(&self) {
        let this = *self;
        let endpoint = self.endpoint.get_untracked();
        let key = self.key.get_untracked();
        let gen = self.generation.get_untracked() + 1;
        self.generation.set(gen);
        let client = match Client::new(&endpoint, Some(key.clone())) {
            Ok(c) => c,
            Err(e) => {
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
            save(ENDPOINT_KEY, client.base_url());
            save(KEY_KEY, &key);
            match result {
                Ok(catalog) => {
                    this.endpoint.set(client.base_url().to_string());
                    this.catalog.set(Some(catalog));
                    this.client.set(Some(client));
                    this.health.set(Health::Ok);
                    this.status.set(ConnStatus::Connected);
                }
                Err(e) => {
                    this.catalog.set(None);
                    this.client.set(None);
                    this.status.set(ConnStatus::Failed(e));
                }
            }
        });
    }

    /// Reloads the configuration of the current connection.
    pub fn refresh(&self) {
        if self.client.get_untracked().is_some() {
            self.connect();
        }
    }

    /// Forgets the server and key.
    pub fn disconnect(&self) {
        self.generation.update(|g| *g += 1);
        self.client.set(None);
        self.catalog.set(None);
        self.status.set(ConnStatus::Idle);
        self.health.set(Health::Unknown);
        self.key.set(String::new());
        save(KEY_KEY, "");
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
    let (health, info) = futures::join!(client.probe_health(), client.probe_info());
    health?;
    let info = info?;
    // Without a key for a server that needs one, say so instead of sending
    // requests bound to fail.
    if info.needs_key() && !client.has_key() {
        return Err(ApiError::Unauthorized { had_key: false, detail: None });
    }
    let (config, agents, teams, workflows) =
        futures::join!(client.config(), client.agents(), client.teams(), client.workflows());
    // A wrong key fails all four the same way; the first one says so.
    Ok(Catalog {
        info,
        config: config?,
        agents: absent_is_empty(agents)?,
        teams: absent_is_empty(teams)?,
        workflows: absent_is_empty(workflows)?,
    })
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

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
