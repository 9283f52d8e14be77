//! The shell: header with the connection status, the main navigation, and
//! the page for the current route.

use crate::components::{ErrorNotice, Loading, StatusIndicator};
use crate::pages;
use crate::route::{provide_route, Route};
use crate::state::{AppState, ConnStatus};
use agentos_client::ComponentKind;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    state.start_health_checks();
    let route = provide_route();
    // A page is re-created when the page changes, not when only the query
    // it follows does (see `Route::page`).
    let shown = Memo::new(move |_| route.with(Route::page));
    // Once connected (the first page can show), fetch the other areas' code
    // when the browser is idle.
    Effect::new(move |prefetched: Option<bool>| {
        if prefetched == Some(true) || state.catalog.with(Option::is_none) {
            return prefetched.unwrap_or(false);
        }
        crate::lazy::prefetch_when_idle();
        true
    });

    view! {
        <a class="skip-link" href="#main" on:click=|ev| {
            ev.prevent_default();
            if let Some(el) = document().get_element_by_id("main") {
                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }>"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href=Route::Overview.href()>
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                <span>"AgentOS Dashboard"</span>
            </a>
            {pages::connect::server_switcher()}
            <StatusIndicator/>
        </header>
        <div class="layout">
            <Nav route=shown/>
            <main id="main" tabindex="-1">
                {move || page(shown.get())}
            </main>
        </div>
    }
}

use wasm_bindgen::JsCast;

#[component]
fn Nav(route: Memo<Route>) -> impl IntoView {
    let items: Vec<(&'static str, Route)> = vec![
        ("Welcome", Route::Welcome),
        ("Overview", Route::Overview),
        ("Chat", Route::Chat { target: None, session: None, present: false }),
        ("Sessions", Route::Sessions { db: None }),
        ("Memories", Route::Memories { user: None, db: None }),
        ("Knowledge", Route::Knowledge { kb: None, db: None }),
        ("Metrics", Route::Metrics { range: None, user: None, db: None }),
        ("Traces", Route::Traces(Default::default())),
        ("Approvals", Route::Approvals { run: None }),
        ("Evals", Route::Evals),
        ("Schedules", Route::Schedules),
        ("Agents", Route::List(ComponentKind::Agent)),
        ("Teams", Route::List(ComponentKind::Team)),
        ("Workflows", Route::List(ComponentKind::Workflow)),
        ("Connection", Route::Connect),
    ];
    // On a phone the links are one row that scrolls sideways: keep the current one in view
    // (sideways only; the page itself does not move).
    let list = NodeRef::<leptos::html::Ul>::new();
    Effect::new(move |_| {
        route.track();
        let Some(ul) = list.get() else { return };
        if ul.scroll_width() <= ul.client_width() {
            return;
        }
        let current = ul.query_selector("a[aria-current]").ok().flatten().and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(a) = current {
            ul.set_scroll_left(a.offset_left() - ul.offset_left() - (ul.client_width() - a.offset_width()) / 2);
        }
    });
    view! {
        <nav class="sidenav" aria-label="Main">
            <ul node_ref=list>
                {items
                    .into_iter()
                    .map(|(label, target)| {
                        let href = target.href();
                        let badge = matches!(target, Route::Approvals { .. })
                            .then(|| view! { <crate::ops_badge::PendingBadge/> });
                        let current = move || {
                            let r = route.get();
                            let active = match (&r, &target) {
                                (Route::Detail(k, _), Route::List(t)) => k == t,
                                (Route::Chat { .. }, Route::Chat { .. }) => true,
                                (Route::Session(..), Route::Sessions { .. }) => true,
                                (Route::Trace(..), Route::Traces(_)) => true,
                                (Route::Eval(_), Route::Evals) => true,
                                (Route::Schedule(_), Route::Schedules) => true,
                                (a, b) => a.page().with_db(None) == b.page(),
                            };
                            active.then_some("page")
                        };
                        view! {
                            <li>
                                <a href=href aria-current=current>{label}{badge}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The page for a route. Pages that need a server show the connection form
/// (with the reason) until a connection works; the route itself is kept, so a
/// deep link opens once connected.
fn page(route: Route) -> AnyView {
    let state = crate::state::use_app();
    if route == Route::Connect {
        return view! { <pages::connect::ConnectPage/> }.into_any();
    }
    // Only a change of gate re-creates the page: the several signals a
    // connect sets one after another must not rebuild it (and drop its state).
    let gate = Memo::new(move |_| match state.status.get() {
        ConnStatus::Idle | ConnStatus::Failed(_) => Gate::Form,
        ConnStatus::Connecting if state.catalog.with(Option::is_none) => Gate::Loading,
        _ => Gate::Ready,
    });
    view! {
        {move || match gate.get() {
            Gate::Form => view! { <pages::connect::ConnectPage/> }.into_any(),
            Gate::Loading => view! { <Loading label="Connecting to the AgentOS…"/> }.into_any(),
            Gate::Ready => routed(route.clone()),
        }}
    }
    .into_any()
}

#[derive(Clone, Copy, PartialEq)]
enum Gate {
    Form,
    Loading,
    Ready,
}

fn routed(route: Route) -> AnyView {
    // Every area loads on demand (see lazy.rs); the connection form and "not found" are here.
    if let Some(view) = crate::lazy::area(route.clone()) {
        return view;
    }
    match route {
        Route::Connect => view! { <pages::connect::ConnectPage/> }.into_any(),
        Route::NotFound(path) => view! {
            <section>
                <h1>"Page not found"</h1>
                <ErrorNotice error=agentos_client::ApiError::NotFound {
                    detail: Some(format!("there is no page at #/{path}")),
                }/>
                <p><a href=Route::Overview.href()>"Go to the overview"</a></p>
            </section>
        }
        .into_any(),
        _ => ().into_any(),
    }
}
