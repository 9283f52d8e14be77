//! Hash routing (`#/agents/my-agent`, `#/memories?user=u`). Hash routes need
//! no server rewrite, so deep links survive a reload on any static file
//! server and under any sub-path.
//!
//! [`Route`] (in `route/table.rs`, pure) is the typed route with its query.
//! Here is its one browser side: the shell calls [`provide_route`] once;
//! pages read the route with [`use_route`] (or the part they follow with
//! [`use_route_part`]), go somewhere with [`navigate`] (a new history entry)
//! and keep their state in the URL with [`replace`] (no new entry). Links
//! are `Route::href()`; nothing else writes or reads `location.hash`.

mod table;

pub use table::Route;

use leptos::prelude::*;

thread_local! {
    // The route signal, set once by `provide_route` (a thread-local, not a
    // context: `replace` runs in event handlers, outside any owner).
    static CURRENT: std::cell::Cell<Option<RwSignal<Route>>> = const { std::cell::Cell::new(None) };
}

fn current() -> RwSignal<Route> {
    CURRENT.with(|c| match c.get() {
        Some(r) => r,
        None => {
            let r = RwSignal::new(Route::parse(&current_hash()));
            c.set(Some(r));
            r
        }
    })
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Follows the URL's hash (`hashchange`) from here on and provides the
/// route to every page. Called once, by the shell.
pub fn provide_route() -> ReadSignal<Route> {
    let route = RwSignal::new(Route::parse(&current_hash()));
    CURRENT.with(|c| c.set(Some(route)));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        route.set(Route::parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
    route.read_only()
}

/// The current route.
pub fn use_route() -> ReadSignal<Route> {
    current().read_only()
}

/// The part of the route a page follows while it is shown (e.g. the
/// memories' user), from `part`; it keeps its last value once the route
/// is another page's (the page is about to go).
pub fn use_route_part<T>(part: impl Fn(&Route) -> Option<T> + Send + Sync + 'static) -> Memo<T>
where
    T: Clone + Default + PartialEq + Send + Sync + 'static,
{
    let route = use_route();
    Memo::new(move |prev: Option<&T>| route.with(&part).unwrap_or_else(|| prev.cloned().unwrap_or_default()))
}

/// Navigates to a route (adds a history entry).
pub fn navigate(route: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(route.href().trim_start_matches('#'));
    }
}

/// Replaces the current route without a history entry (a page keeping its
/// filter in the URL). The shell keeps the page when only its query changed.
pub fn replace(route: Route) {
    let href = route.href();
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
    }
    let r = current();
    if r.with_untracked(|now| *now != route) {
        r.set(route);
    }
}
