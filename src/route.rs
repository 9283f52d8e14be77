//! Hash routing (`#/agents/my-agent`). Hash routes need no server rewrite, so
//! deep links survive a reload on any static file server and under any
//! sub-path.

use agentos_client::ComponentKind;
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Overview,
    /// `#/welcome`: the home for people who are not developers (src/demo.rs).
    Welcome,
    Connect,
    List(ComponentKind),
    Detail(ComponentKind, String),
    Chat(Option<(ComponentKind, String)>),
    Sessions,
    Session(String),
    Memories,
    Knowledge,
    Metrics,
    Traces,
    Trace(String),
    NotFound(String),
}

impl Route {
    /// Parses the part after `#`, e.g. `/agents/x`.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#');
        let path = path.split('?').next().unwrap_or("");
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode_segment)
            .collect();
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        match segs.as_slice() {
            [] => Route::Overview,
            ["connect"] => Route::Connect,
            ["welcome"] => Route::Welcome,
            ["chat"] => Route::Chat(None),
            ["sessions"] => Route::Sessions,
            ["sessions", id] => Route::Session(id.to_string()),
            ["memories"] => Route::Memories,
            ["knowledge"] => Route::Knowledge,
            ["metrics"] => Route::Metrics,
            ["traces"] => Route::Traces,
            ["traces", id] => Route::Trace(id.to_string()),
            ["chat", kind, id] => match ComponentKind::from_collection(kind) {
                Some(k) => Route::Chat(Some((k, id.to_string()))),
                None => Route::NotFound(path.to_string()),
            },
            [coll] => match ComponentKind::from_collection(coll) {
                Some(k) => Route::List(k),
                None => Route::NotFound(path.to_string()),
            },
            [coll, id] => match ComponentKind::from_collection(coll) {
                Some(k) => Route::Detail(k, id.to_string()),
                None => Route::NotFound(path.to_string()),
            },
            _ => Route::NotFound(path.to_string()),
        }
    }

    /// The `href` of this route.
    pub fn href(&self) -> String {
        match self {
            Route::Overview => "#/".into(),
            Route::Connect => "#/connect".into(),
            Route::Welcome => "#/welcome".into(),
            Route::List(k) => format!("#/{}", k.collection()),
            Route::Detail(k, id) => format!("#/{}/{}", k.collection(), encode_segment(id)),
            Route::Chat(None) => "#/chat".into(),
            Route::Chat(Some((k, id))) => format!("#/chat/{}/{}", k.collection(), encode_segment(id)),
            Route::Sessions => "#/sessions".into(),
            Route::Session(id) => format!("#/sessions/{}", encode_segment(id)),
            Route::Memories => "#/memories".into(),
            Route::Knowledge => "#/knowledge".into(),
            Route::Metrics => "#/metrics".into(),
            Route::Traces => "#/traces".into(),
            Route::Trace(id) => format!("#/traces/{}", encode_segment(id)),
            Route::NotFound(p) => format!("#/{p}"),
        }
    }
}

use agentos_client::path::decode as decode_segment;
/// Encodes one hash route segment or query value (the client's one encoder).
pub use agentos_client::path::encode as encode_segment;

/// A query parameter of the hash route (`#/chat/agents/x?session=abc`).
pub fn hash_query(key: &str) -> Option<String> {
    let hash = current_hash();
    let (_, query) = hash.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key && !v.is_empty()).then(|| decode_segment(v))
    })
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The current route as a signal, updated on `hashchange`.
pub fn use_route() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&current_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(Route::parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
    route
}

/// Navigates to a route (adds a history entry).
pub fn navigate(route: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(route.href().trim_start_matches('#'));
    }
}
