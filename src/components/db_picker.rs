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

use crate::route::{navigate, use_route};
use crate::state::use_app;
use agentos_client::db::{DbDomain, DbScope};
use leptos::prelude::*;

/// The `db_id` of a page's requests, read by `load.rs`.
#[derive(Clone, Copy)]
pub struct PageDb(pub Memo<DbScope>);

/// The database the route names for `domain` (else the default), for
/// every request of this page and its children.
pub fn provide_db(domain: DbDomain) -> Memo<DbScope> {
    let state = use_app();
    // The page is made anew when the database changes: read once.
    let chosen = route_db();
    let scope = Memo::new(move |_| {
        state.catalog.with(|c| c.as_ref().map(|c| c.config.db_scope(domain, chosen.as_deref())).unwrap_or_default())
    });
    provide_context(PageDb(scope));
    scope
}

/// The database the current route names (`?db=`), if any: what a link
/// from this page to another page of the same database carries.
pub fn route_db() -> Option<String> {
    use_route().with_untracked(|r| r.db().map(str::to_string))
}

/// A labelled "Database" select, only where `/config` lists two or more
/// databases for `domain`. `all` adds an "All databases" choice (no `db`),
/// for a page that lists what every database holds (knowledge).
#[component]
pub fn DbPicker(domain: DbDomain, #[prop(optional)] all: bool) -> impl IntoView {
    let state = use_app();
    let route = use_route();
    let options = Memo::new(move |_| {
        state.catalog.with(|c| c.as_ref().map(|c| c.config.domain_dbs(domain)).unwrap_or_default())
    });
    let current = Memo::new(move |_| {
        let chosen = route.with(|r| r.db().map(str::to_string));
        if all {
            return chosen.filter(|d| options.with(|o| o.iter().any(|o| &o.id == d))).unwrap_or_default();
        }
        state
            .catalog
            .with(|c| c.as_ref().and_then(|c| c.config.db_scope(domain, chosen.as_deref()).db_id))
            .unwrap_or_default()
    });
    let choose = move |id: String| navigate(&route.get_untracked().with_db(Some(id)));
    move || {
        let list = options.get();
        (list.len() >= 2).then(|| {
            view! {
                <label class="db-picker">
                    <span>"Database"</span>
                    <select on:change=move |ev| choose(event_target_value(&ev))>
                        {all.then(|| view! { <option value="" selected=move || current.with(String::is_empty)>"All databases"</option> })}
                        {list
                            .into_iter()
                            .map(|o| {
                                let id = o.id.clone();
                                let sel = move || current.with(|c| *c == id);
                                view! { <option value=o.id selected=sel>{o.label}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            }
        })
    }
}
