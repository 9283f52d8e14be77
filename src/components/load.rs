//! Reading and changing a page's data: one typed loader ([`use_get`]) and one
//! helper for mutations ([`use_action`]). Pages get typed values; the JSON
//! is parsed here, once per answer, by the reader the page names (a
//! `from_json` or `parse_*` of the client crate).
//!
//! The request plumbing is one non-generic path (smaller wasm); only the
//! parse step and the typed signal are per type.

use crate::components::db_picker::{page_scope, PageDb};
use crate::components::{ErrorNotice, Loading};
use crate::state::{use_app, AppState};
use agentos_client::web::Client;
use agentos_client::ApiError;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use std::future::Future;
use std::rc::Rc;
use web_sys::AbortController;

/// An action's request, ending in what to do with its answer (every action's one code path).
type Work = std::pin::Pin<Box<dyn Future<Output = Result<Box<dyn FnOnce()>, ApiError>>>>;

/// The reader of a JSON answer (`T::from_json`, `parse_traces`, …).
pub trait Reader<T>: Fn(&Value) -> T + 'static {}
impl<T, F: Fn(&Value) -> T + 'static> Reader<T> for F {}

/// The reader of a JSON array's items as a slice (e.g. `runs_to_views`);
/// anything but an array reads as no items.
pub fn items<T: 'static>(read: fn(&[Value]) -> T) -> impl Reader<T> {
    move |v: &Value| read(v.as_array().map(Vec::as_slice).unwrap_or_default())
}

/// A page's GET: its latest answer (`None` until the first one arrives),
/// whether a newer request is in flight, and a way to send it again.
/// Returned by [`use_get`].
pub struct UseGet<T: Send + Sync + 'static> {
    value: RwSignal<Option<Result<T, ApiError>>>,
    busy: RwSignal<bool>,
    tick: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for UseGet<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for UseGet<T> {}

/// GETs `path()` whenever it, the connection or [`UseGet::reload`] changes
/// (no request while it is `None`), and reads the answer with `read`.
/// A newer request's answer replaces the shown one: a request that a newer
/// one overtakes is aborted and its answer dropped, and so is the request
/// in flight when the page goes away.
pub fn use_get<T: Send + Sync + 'static>(
    path: impl Fn() -> Option<String> + 'static,
    read: impl Reader<T>,
) -> UseGet<T> {
    let value = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let tick = RwSignal::new(0u32);
    let deliver = Rc::new(move |r: Result<Value, ApiError>| {
        value.try_set(Some(r.map(|v| read(&v))));
    });
    start(Box::new(path), tick, busy, deliver);
    UseGet { value, busy, tick }
}

/// The request side of [`use_get`], the same for every `T`.
fn start(
    path: Box<dyn Fn() -> Option<String>>,
    tick: RwSignal<u32>,
    busy: RwSignal<bool>,
    deliver: Rc<dyn Fn(Result<Value, ApiError>)>,
) {
    let state = use_app();
    let db = use_context::<PageDb>();
    let current = StoredValue::new_local(None::<AbortController>);
    let seq = StoredValue::new(0u64);
    let stop = move || {
        if let Some(Some(a)) = current.try_update_value(Option::take) {
            a.abort();
        }
    };
    on_cleanup(stop);
    // The request last sent: a change that asks for the same one again (same
    // server, path and reload count) sends nothing.
    Effect::new(move |prev: Option<(Option<Client>, Option<String>, u32)>| {
        let now = (state.client.get(), scoped(state, db, path()), tick.get());
        if prev.as_ref() == Some(&now) {
            return now;
        }
        let (client, path, _) = now.clone();
        stop();
        seq.update_value(|n| *n += 1);
        let n = seq.get_value();
        let (Some(c), Some(path)) = (client, path) else {
            busy.set(false);
            return now;
        };
        let abort = AbortController::new().ok();
        current.set_value(abort.clone());
        busy.set(true);
        let deliver = deliver.clone();
        spawn_local(async move {
            let r = c.get_json_with::<Value>(&path, abort.as_ref()).await;
            // Overtaken by a newer request, or the page is gone.
            if seq.try_get_value() != Some(n) {
                return;
            }
            current.set_value(None);
            busy.set(false);
            deliver(r);
        });
        now
    });
}

/// `path` with the page's `db_id` (see `db_picker::provide_db`), the one
/// place it is added.
fn scoped(state: AppState, db: Option<PageDb>, path: Option<String>) -> Option<String> {
    match (db, path) {
        (Some(db), Some(p)) => Some(page_scope(state, db).on(&p)),
        (_, p) => p,
    }
}

impl<T: Send + Sync + 'static> UseGet<T> {
    /// Sends the request again.
    pub fn reload(&self) {
        self.tick.try_update(|n| *n = n.wrapping_add(1));
    }

    /// The answer so far, by reference. Tracked.
    pub fn with<R>(&self, f: impl FnOnce(&Option<Result<T, ApiError>>) -> R) -> R {
        self.value.with(f)
    }

    /// The value when the answer is a success (`None` while loading or on
    /// an error). Tracked.
    pub fn ok(&self) -> Option<T>
    where
        T: Clone,
    {
        self.value.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).cloned())
    }

    /// The error, when the answer is one. Tracked.
    pub fn error(&self) -> Option<ApiError> {
        self.value.with(|r| r.as_ref().and_then(|r| r.as_ref().err()).cloned())
    }

    /// The loading state, the error, or `ok(value)`. While a newer request
    /// is in flight the answer shown is marked busy (`aria-busy`, dimmed),
    /// so a stale list never passes for the new one.
    pub fn show<V: IntoView + 'static>(
        self,
        label: &'static str,
        ok: impl Fn(&T) -> V + Send + Sync + 'static,
    ) -> AnyView {
        let value = self.value;
        frame(
            self.busy,
            Box::new(move || {
                value.with(|r| match r {
                    Some(Ok(v)) => ok(v).into_any(),
                    r => not_loaded(r.as_ref().and_then(|r| r.as_ref().err()), label),
                })
            }),
        )
    }
}

/// The box of [`UseGet::show`], the same for every `T`.
fn frame(busy: RwSignal<bool>, body: Box<dyn Fn() -> AnyView + Send + Sync>) -> AnyView {
    view! { <div class="loaded" aria-busy=move || busy.get().to_string()>{body}</div> }.into_any()
}

/// The loading state (no error yet) or the error.
pub fn not_loaded(error: Option<&ApiError>, label: &'static str) -> AnyView {
    match error {
        None => view! { <Loading label=label/> }.into_any(),
        Some(e) => view! { <ErrorNotice error=e.clone()/> }.into_any(),
    }
}

/// A mutation's state: whether it is pending and its last error. Returned
/// by [`use_action`]; cheap to copy into event handlers.
#[derive(Clone, Copy)]
pub struct UseAction {
    state: AppState,
    pending: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    seq: StoredValue<u32>,
    after: Option<Callback<()>>,
    db: Option<PageDb>,
}

/// One helper for every POST, PATCH and DELETE of a page: pending while it
/// runs, the error kept to show, and `ok` (e.g. a reload) on success. An
/// answer that a newer run of the same action overtook is dropped, and so
/// is one that arrives after the page went away.
pub fn use_action() -> UseAction {
    UseAction {
        state: use_app(),
        pending: RwSignal::new(false),
        error: RwSignal::new(None),
        seq: StoredValue::new(0),
        after: None,
        db: use_context::<PageDb>(),
    }
}

impl UseAction {
    /// What follows every success of this action, after its own `ok`
    /// (e.g. back to idle and a reload).
    pub fn then(self, after: impl Fn() + Send + Sync + 'static) -> Self {
        UseAction { after: Some(Callback::new(move |()| after())), ..self }
    }

    /// Runs `work` with the connected client (nothing without one).
    pub fn run<T: 'static, Fut>(self, work: impl FnOnce(Client) -> Fut, ok: impl FnOnce(T) + 'static)
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let Some(client) = self.state.client.get_untracked() else { return };
        let fut = work(client);
        // The typed part ends in a continuation, so the rest is one code
        // path for every action.
        self.spawn(Box::pin(async move {
            let v = fut.await?;
            Ok(Box::new(move || ok(v)) as Box<dyn FnOnce()>)
        }));
    }

    fn spawn(self, fut: Work) {
        let ticket = self.seq.get_value().wrapping_add(1);
        self.seq.set_value(ticket);
        self.pending.set(true);
        self.error.set(None);
        spawn_local(async move {
            let r = fut.await;
            if self.seq.try_get_value() != Some(ticket) {
                return;
            }
            self.pending.set(false);
            match r {
                Ok(then) => {
                    then();
                    if let Some(after) = self.after {
                        after.run(());
                    }
                }
                Err(e) => self.error.set(Some(e)),
            }
        });
    }

    /// Sends `method path` (with a JSON body when given) and reads the
    /// answer with `read`.
    pub fn send_read<T: 'static>(
        self,
        method: Method,
        path: String,
        body: Option<Value>,
        read: impl Reader<T>,
        ok: impl FnOnce(T) + 'static,
    ) {
        let path = scoped(self.state, self.db, Some(path)).unwrap_or_default();
        self.run(move |c| async move { request(&c, method, &path, body).await.map(|v| read(&v)) }, ok)
    }

    /// Sends `method path` (with a JSON body when given); the answer is not
    /// read.
    pub fn send(self, method: Method, path: String, body: Option<Value>, ok: impl FnOnce() + 'static) {
        self.send_read(method, path, body, |_| (), move |()| ok())
    }

    /// Whether a run is in flight. Tracked.
    pub fn pending(&self) -> bool {
        self.pending.get()
    }

    /// Sets (or clears) the error shown, e.g. a form's own check.
    pub fn set_error(&self, e: Option<ApiError>) {
        self.error.set(e);
    }

    /// The last error. Tracked.
    pub fn error(&self) -> Option<ApiError> {
        self.error.get()
    }

    /// The last error as a notice (nothing without one).
    pub fn notice(self) -> impl IntoView {
        move || self.error.get().map(|e| view! { <ErrorNotice error=e/> })
    }
}

/// One request with or without a JSON body (its answer `null` when empty).
async fn request(c: &Client, method: Method, path: &str, body: Option<Value>) -> Result<Value, ApiError> {
    match body {
        Some(b) => c.send_json(method, path, &b).await,
        None => c.send_empty(method, path).await,
    }
}

/// A GET outside a page's loader (polling), read with `read`.
pub async fn get<T>(c: &Client, path: &str, read: impl Reader<T>) -> Result<T, ApiError> {
    c.get_json::<Value>(path).await.map(|v| read(&v))
}

/// A request sent outside an action (a loop of them), read with `read`.
pub async fn send<T>(c: &Client, method: Method, path: &str, body: Option<Value>, read: impl Reader<T>) -> Result<T, ApiError> {
    request(c, method, path, body).await.map(|v| read(&v))
}
