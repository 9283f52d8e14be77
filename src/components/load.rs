//! Loading JSON for a page without a resource per page (smaller wasm): a
//! signal that holds the latest answer of a GET, and its loading/error view.

use crate::components::{ErrorNotice, Loading};
use crate::state::use_app;
use agentos_client::web::Client;
use agentos_client::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

/// The answer of a page's GET, `None` until the first one arrives.
pub type Loaded = RwSignal<Option<Result<Value, ApiError>>>;

/// GETs `path()` whenever it, the connection or `reload` changes; a newer
/// request's answer replaces the shown one, older answers are dropped.
pub fn use_get(path: Signal<String>, reload: RwSignal<u32>) -> Loaded {
    let state = use_app();
    let out: Loaded = RwSignal::new(None);
    let seq = StoredValue::new(0u64);
    Effect::new(move |_| {
        let client = state.client.get();
        let path = path.get();
        reload.track();
        seq.update_value(|n| *n += 1);
        if let Some(c) = client {
            spawn_local(fetch(c, path, out, seq, seq.get_value()));
        }
    });
    out
}

async fn fetch(c: Client, path: String, out: Loaded, seq: StoredValue<u64>, n: u64) {
    let r = c.get_json::<Value>(&path).await;
    if !out.is_disposed() && seq.try_get_value() == Some(n) {
        out.set(Some(r));
    }
}

/// The loading or error state of a [`Loaded`] (`None` once it holds a value).
pub fn fallback(r: &Option<Result<Value, ApiError>>, label: &'static str) -> Option<AnyView> {
    match r {
        None => Some(view! { <Loading label=label/> }.into_any()),
        Some(Err(e)) => Some(view! { <ErrorNotice error=e.clone()/> }.into_any()),
        Some(Ok(_)) => None,
    }
}
