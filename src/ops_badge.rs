//! The number of pending approvals next to "Approvals" in the navigation,
//! fetched on connect and again with every health check; nothing is shown
//! when the server has no approvals (or none are pending).

use crate::state::{use_app, AppState, HEALTH_INTERVAL_MS};
use agentos_client::approvals::{count_path, parse_count};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

thread_local! {
    static COUNT: std::cell::Cell<Option<RwSignal<Option<u64>>>> = const { std::cell::Cell::new(None) };
}

fn count() -> RwSignal<Option<u64>> {
    COUNT.with(|c| match c.get() {
        Some(s) => s,
        None => {
            let s = RwSignal::new(None);
            c.set(Some(s));
            s
        }
    })
}

/// Fetches the pending count again (e.g. after an approval was resolved).
pub fn refresh(state: AppState) {
    let Some(client) = state.client.get_untracked() else { return };
    let base = client.base_url().to_string();
    let out = count();
    spawn_local(async move {
        let n = client.get_json::<Value>(&count_path(None)).await.ok().and_then(|v| parse_count(&v));
        // Dropped when another server was connected meanwhile.
        let same = state.client.with_untracked(|c| c.as_ref().is_some_and(|c| c.base_url() == base));
        if same {
            out.try_set(n);
        }
    });
}

/// The count badge (`<span>`, empty without pending approvals).
#[component]
pub fn PendingBadge() -> impl IntoView {
    let state = use_app();
    let n = count();
    Effect::new(move |_| {
        let connected = state.client.with(Option::is_some);
        n.set(None);
        if connected {
            refresh(state);
        }
    });
    let handle = set_interval_with_handle(move || refresh(state), std::time::Duration::from_millis(HEALTH_INTERVAL_MS)).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    move || {
        n.get().filter(|n| *n > 0).map(|n| {
            view! {
                <span class="nav-count">
                    <span class="visually-hidden">", pending: "</span>
                    {n.to_string()}
                </span>
            }
        })
    }
}
