//! The routes and their URLs, pure (no browser): `Route::parse` and
//! [`Route::href`] are each other's inverse, which a native property test
//! checks (`crates/agentos-client/tests/routes.rs` includes this file).
//!
//! A route carries its query: what a page keeps in the URL (a chat's
//! session, the memories' user, the traces' filter, …) is a typed field, not
//! a string a page parses. Every id and query value is percent-encoded with
//! the client's one encoder, so no id can add a `/`, `?`, `&` or `#`.
//!
//! To add a page: a variant, its arm in `parse` and in `href`, and a case in
//! the property test's generator.

use agentos_client::metrics::DateRange;
use agentos_client::path::{decode, encode};
use agentos_client::traces::TraceFilter;
use agentos_client::ComponentKind;

/// A page of the app and what its URL says about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Overview,
    /// `#/welcome`: the home for people who are not developers (src/demo.rs).
    Welcome,
    Connect,
    /// The agents, teams or workflows.
    List(ComponentKind),
    /// One agent, team or workflow.
    Detail(ComponentKind, String),
    /// The chat: the picker without a target; `session` continues a stored
    /// session (`#/chat/agents/x?session=abc`); `present` opens it in
    /// presenter mode (`?present`).
    Chat { target: Option<(ComponentKind, String)>, session: Option<String>, present: bool },
    /// `db` (here and below, `?db=<id>`): the database picked where
    /// `/config` lists several for the area (issue 13 §4); none is the
    /// server's default.
    Sessions { db: Option<String> },
    /// A session (in database `db`).
    Session(String, Option<String>),
    /// `#/memories?user=<id>`: that user's memories.
    Memories { user: Option<String>, db: Option<String> },
    /// `#/knowledge?kb=<id>`: that knowledge base.
    Knowledge { kb: Option<String>, db: Option<String> },
    /// `#/metrics?range=30` or `?from=…&to=…`, and `&user_id=`.
    Metrics { range: Option<DateRange>, user: Option<String>, db: Option<String> },
    /// `#/traces?run_id=…&page=2`: the list and its filter (its `db` too).
    Traces(TraceFilter),
    /// A trace (in database `db`).
    Trace(String, Option<String>),
    /// `#/approvals?run_id=<id>`: the approvals (of one run).
    Approvals { run: Option<String> },
    Evals,
    Eval(String),
    Schedules,
    Schedule(String),
    NotFound(String),
}

/// The query of a hash route (`a=1&b=2`): decoded values, empty ones absent.
struct Query<'a>(&'a str);

impl Query<'_> {
    fn get(&self, key: &str) -> Option<String> {
        self.0.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == key && !v.is_empty()).then(|| decode(v))
        })
    }

    /// Whether `key` is there at all (`?present`, `?present=1`).
    fn has(&self, key: &str) -> bool {
        self.0.split('&').any(|pair| pair.split('=').next() == Some(key))
    }
}

/// `base` with `?k=v&…` for the pairs whose value is set (values encoded).
fn with_query(base: String, pairs: &[(&str, Option<&str>)]) -> String {
    let q: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(v))))
        .collect();
    if q.is_empty() {
        base
    } else {
        format!("{base}?{}", q.join("&"))
    }
}

impl Route {
    /// The chat with one agent, team or workflow (a new session).
    pub fn chat(kind: ComponentKind, id: String) -> Route {
        Route::Chat { target: Some((kind, id)), session: None, present: false }
    }

    /// A session in the server's default database.
    pub fn session(id: impl Into<String>) -> Route {
        Route::Session(id.into(), None)
    }

    /// The database this route names (`?db=`), if any.
    pub fn db(&self) -> Option<&str> {
        match self {
            Route::Sessions { db }
            | Route::Session(_, db)
            | Route::Memories { db, .. }
            | Route::Knowledge { db, .. }
            | Route::Metrics { db, .. }
            | Route::Trace(_, db) => db.as_deref(),
            Route::Traces(f) => f.db.as_deref(),
            _ => None,
        }
    }

    /// This route in database `db` (routes without one stay as they are).
    pub fn with_db(mut self, new: Option<String>) -> Route {
        let new = new.filter(|d| !d.is_empty());
        match &mut self {
            Route::Sessions { db }
            | Route::Session(_, db)
            | Route::Memories { db, .. }
            | Route::Knowledge { db, .. }
            | Route::Metrics { db, .. }
            | Route::Trace(_, db) => *db = new,
            Route::Traces(f) => f.db = new,
            _ => {}
        }
        self
    }

    /// The traces of one run.
    pub fn run_traces(run_id: &str) -> Route {
        let mut f = TraceFilter::default();
        f.set("run_id", run_id);
        Route::Traces(f)
    }

    /// Parses a hash (`#/agents/x`, `#/memories?user=u`; the `#` optional).
    pub fn parse(hash: &str) -> Route {
        let hash = hash.trim_start_matches('#');
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let q = Query(query);
        let segments: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(decode).collect();
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        let kind = |c: &str| ComponentKind::from_collection(c);
        match segs.as_slice() {
            [] => Route::Overview,
            ["connect"] => Route::Connect,
            ["welcome"] => Route::Welcome,
            ["chat"] => Route::Chat { target: None, session: q.get("session"), present: q.has("present") },
            ["sessions"] => Route::Sessions { db: q.get("db") },
            ["sessions", id] => Route::Session(id.to_string(), q.get("db")),
            ["memories"] => Route::Memories { user: q.get("user"), db: q.get("db") },
            ["knowledge"] => Route::Knowledge { kb: q.get("kb"), db: q.get("db") },
            ["metrics"] => {
                let (range, from, to) = (q.get("range"), q.get("from"), q.get("to"));
                let set = range.is_some() || from.is_some() || to.is_some();
                Route::Metrics {
                    range: set.then(|| DateRange::from_query(range.as_deref(), from.as_deref(), to.as_deref())),
                    user: q.get("user_id"),
                    db: q.get("db"),
                }
            }
            ["traces"] => Route::Traces(TraceFilter::from_query(|k| q.get(k))),
            ["traces", id] => Route::Trace(id.to_string(), q.get("db")),
            ["approvals"] => Route::Approvals { run: q.get("run_id") },
            ["evals"] => Route::Evals,
            ["evals", id] => Route::Eval(id.to_string()),
            ["schedules"] => Route::Schedules,
            ["schedules", id] => Route::Schedule(id.to_string()),
            ["chat", k, id] => match kind(k) {
                Some(k) => Route::Chat { target: Some((k, id.to_string())), session: q.get("session"), present: q.has("present") },
                None => Route::NotFound(path.to_string()),
            },
            [c] => match kind(c) {
                Some(k) => Route::List(k),
                None => Route::NotFound(path.to_string()),
            },
            [c, id] => match kind(c) {
                Some(k) => Route::Detail(k, id.to_string()),
                None => Route::NotFound(path.to_string()),
            },
            _ => Route::NotFound(path.to_string()),
        }
    }

    /// The `href` of this route (`#/…`).
    pub fn href(&self) -> String {
        let path = match self {
            Route::Overview => "/".into(),
            Route::Welcome => "/welcome".into(),
            Route::Connect => "/connect".into(),
            Route::List(k) => format!("/{}", k.collection()),
            Route::Detail(k, id) => format!("/{}/{}", k.collection(), encode(id)),
            Route::Chat { target, session, present } => {
                let base = match target {
                    None => "/chat".to_string(),
                    Some((k, id)) => format!("/chat/{}/{}", k.collection(), encode(id)),
                };
                let path = with_query(base, &[("session", session.as_deref())]);
                match (present, path.contains('?')) {
                    (false, _) => path,
                    (true, true) => format!("{path}&present"),
                    (true, false) => format!("{path}?present"),
                }
            }
            Route::Sessions { db } => with_query("/sessions".into(), &[("db", db.as_deref())]),
            Route::Session(id, db) => with_query(format!("/sessions/{}", encode(id)), &[("db", db.as_deref())]),
            Route::Memories { user, db } => {
                with_query("/memories".into(), &[("user", user.as_deref()), ("db", db.as_deref())])
            }
            Route::Knowledge { kb, db } => with_query("/knowledge".into(), &[("kb", kb.as_deref()), ("db", db.as_deref())]),
            Route::Metrics { range, user, db } => {
                let mut q: Vec<String> = range.iter().map(DateRange::query).collect();
                q.extend(user.iter().filter(|u| !u.is_empty()).map(|u| format!("user_id={}", encode(u))));
                q.extend(db.iter().filter(|d| !d.is_empty()).map(|d| format!("db={}", encode(d))));
                if q.is_empty() {
                    "/metrics".into()
                } else {
                    format!("/metrics?{}", q.join("&"))
                }
            }
            Route::Traces(f) => {
                let q = f.hash_query();
                if q.is_empty() {
                    "/traces".into()
                } else {
                    format!("/traces?{q}")
                }
            }
            Route::Trace(id, db) => with_query(format!("/traces/{}", encode(id)), &[("db", db.as_deref())]),
            Route::Approvals { run } => with_query("/approvals".into(), &[("run_id", run.as_deref())]),
            Route::Evals => "/evals".into(),
            Route::Eval(id) => format!("/evals/{}", encode(id)),
            Route::Schedules => "/schedules".into(),
            Route::Schedule(id) => format!("/schedules/{}", encode(id)),
            Route::NotFound(p) => format!("/{}", p.trim_start_matches('/')),
        };
        format!("#{path}")
    }

    /// The route without the query its page follows while it is shown (the
    /// memories' user, the knowledge base, the metrics' range, the traces'
    /// filter): the app re-creates a page only when this changes. A chat's
    /// session is kept: another session is another chat; so is the
    /// database (`db`): another database is another page.
    pub fn page(&self) -> Route {
        match self {
            Route::Memories { db, .. } => Route::Memories { user: None, db: db.clone() },
            Route::Knowledge { db, .. } => Route::Knowledge { kb: None, db: db.clone() },
            Route::Metrics { db, .. } => Route::Metrics { range: None, user: None, db: db.clone() },
            Route::Traces(f) => Route::Traces(TraceFilter { db: f.db.clone(), ..TraceFilter::default() }),
            Route::Approvals { .. } => Route::Approvals { run: None },
            Route::Chat { target, session, .. } => {
                Route::Chat { target: target.clone(), session: session.clone(), present: false }
            }
            r => r.clone(),
        }
    }
}
