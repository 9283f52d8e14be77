//! What the operator pages (approvals, evals, schedules) share: the state
//! of a server without the feature, and the component picker.

use crate::components::ErrorNotice;
use crate::state::{use_app, Entry};
use agentos_client::ApiError;
use leptos::prelude::*;

/// Whether an error of a list route means the server does not offer the
/// feature: the route is missing (404), or agno's stub for a feature that
/// needs a database or a running scheduler answers 503.
pub fn not_enabled(e: &ApiError) -> bool {
    matches!(e, ApiError::NotFound { .. } | ApiError::Server { status: 503, .. })
}

/// "<feature> is not enabled on this server", with the server's reason and
/// what enables it; any other error as the usual notice.
pub fn feature_error(e: ApiError, feature: &'static str, enable: &'static str) -> AnyView {
    if !not_enabled(&e) {
        return view! { <ErrorNotice error=e/> }.into_any();
    }
    let reason = match &e {
        ApiError::Server { detail: Some(d), .. } => Some(d.clone()),
        _ => None,
    };
    view! {
        <div class="empty" role="status">
            <p class="empty-title">{format!("{feature} not enabled on this server")}</p>
            {reason.map(|r| view! { <p class="muted">{format!("The server says: {r}")}</p> })}
            <p class="muted">{enable}</p>
        </div>
    }
    .into_any()
}

/// Every agent, team and workflow of the connected server.
pub fn components() -> Vec<Entry> {
    use_app().catalog.with_untracked(|c| c.as_ref().map(|c| c.entries()).unwrap_or_default())
}

/// The display name of a component, else its id (the catalog's one lookup).
pub fn component_name(kind: agentos_client::ComponentKind, id: &str) -> String {
    use_app().component_name(kind, id)
}
