//! The database of a page (issue 13 §4): sessions, memories, metrics,
//! traces and evals read the database the URL names (`?db=`), else the
//! server's default ([`OsConfig::db_scope`]: with several databases agno
//! 3.1.10 needs a `db_id` on every request).
//!
//! A page calls [`provide_db`] once: every request its loaders and actions
//! send ([`crate::components::load`]) then carries that `db_id`; nothing
//! else adds it. [`DbPicker`] in the page head shows the databases when
//! `/config` lists two or more for the domain, with their display names;
//! choosing one navigates (a history entry), and the page is made anew for
//! that database (`Route::page` keeps `db`).
//!
//! [`OsConfig::db_scope`]: agentos_client::OsConfig::db_scope

use crate::route::{navigate, use_route, Route};
use crate::state::{use_app, AppState};
use agentos_client::db::{DbDomain, DbOption, DbScope};
use agentos_client::ComponentKind;
use leptos::prelude::*;

/// The domain of a page's requests, read by `load.rs` ([`page_scope`]).
#[derive(Clone, Copy)]
pub struct PageDb(pub DbDomain);

/// Every request of this page and its children names the database of
/// `domain` that the route names (else the default): see [`page_scope`].
pub fn provide_db(domain: DbDomain) -> PageDb {
    provide_context(PageDb(domain));
    PageDb(domain)
}

/// The `db_id` a request of the page sends now: the route's database (the
/// page is made anew when it changes, so it is read untracked), checked
/// against `/config` (tracked: a reconnect reloads).
pub fn page_scope(state: AppState, db: PageDb) -> DbScope {
    let chosen = route_db();
    state.catalog.with(|c| {
        c.as_ref()
            .map(|c| c.config.db_scope(db.0, chosen.as_deref()))
            .unwrap_or_default()
    })
}

/// The database the current route names (`?db=`), if any: what a link
/// from this page to another page of the same database carries.
pub fn route_db() -> Option<String> {
    use_route().with_untracked(|r| r.db().map(str::to_string))
}

/// A session of an agent, team or workflow (when known) in that
/// component's own database (`/config`'s `db_id`, when the server has
/// several): a link from a trace or an approval to it.
pub fn component_session(
    state: AppState,
    component: Option<(ComponentKind, &str)>,
    session: String,
) -> Route {
    let db = component.and_then(|(k, id)| {
        state
            .catalog
            .with_untracked(|c| c.as_ref().and_then(|c| c.config.component_db(k, id).db_id))
    });
    Route::Session(session, db)
}

/// A labelled "Database" select, only where `/config` lists two or more
/// databases for `domain`. `all` adds an "All databases" choice (no `db`),
/// for a page that lists what every database holds (knowledge).
#[component]
pub fn DbPicker(domain: DbDomain, #[prop(optional)] all: bool) -> impl IntoView {
    let state = use_app();
    move || {
        let chosen = route_db();
        let (list, current) = state.catalog.with(|c| match c {
            Some(c) => {
                let list = c.config.domain_dbs(domain);
                let current = match all {
                    true => chosen.filter(|d| list.iter().any(|o| &o.id == d)),
                    false => c.config.db_scope(domain, chosen.as_deref()).db_id,
                };
                (list, current.unwrap_or_default())
            }
            None => (Vec::new(), String::new()),
        });
        (list.len() >= 2).then(|| picker(list, current, all))
    }
}

/// The select itself (one non-generic function: smaller wasm). The page
/// is made anew for another database, so the selection is not reactive.
fn picker(list: Vec<DbOption>, current: String, all: bool) -> AnyView {
    let all = all.then(|| DbOption {
        id: String::new(),
        label: "All databases".into(),
    });
    let options = all
        .into_iter()
        .chain(list)
        .map(|o| {
            let selected = o.id == current;
            view! { <option value=o.id selected=selected>{o.label}</option> }
        })
        .collect_view();
    let choose = |ev: leptos::ev::Event| {
        navigate(
            &use_route()
                .get_untracked()
                .with_db(Some(event_target_value(&ev))),
        )
    };
    view! {
        <label class="db-picker">
            <span>"Database"</span>
            <select on:change=choose>{options}</select>
        </label>
    }
    .into_any()
}
