//! The areas that load on demand. Each function marked `wasm_split` below is a
//! split point: the release and dev builds (`scripts/split-wasm.sh`, a Trunk
//! post_build hook) move it, with all the code only it reaches, into its own
//! wasm chunk. A chunk is fetched the first time its area is shown, or earlier
//! when the browser is idle after the first page is ready ([`prefetch_when_idle`]).
//!
//! The shell and the connection form stay in the main module; the overview is an
//! area too, so the other routes' first loads do not carry it. The chat is three
//! areas: its page (`chat`), then what it needs once a message is sent, which the
//! page asks for as it opens: the controller's running part (`run`, [`run`]) and
//! the view of its turns (`turns`, [`live_turns`]), in one request with the side column's
//! code ([`preload_chat_run`]).
//!
//! A stored session's page is an area of its own (`session`), with its conversation: the
//! sessions list (`sessions`) carries neither.
//!
//! Two ways in, one each: a route's page is an area's view ([`area`]); a part of a page
//! (the chat's turns and side column) is drawn by a function its area hands back
//! ([`OnDemandCode`]), in the page's own reactive tree, so it goes with the page. A chunk
//! that fails to load (network error) shows a message with Retry; the failure is not
//! remembered, so Retry fetches again. Nothing here panics: a failed load is a `Result`,
//! never an abort of the tab.

use crate::components::{Loading, Notice};
use crate::pages;
use crate::route::Route;
use agentos_client::ComponentKind;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use send_wrapper::SendWrapper;
use std::future::Future;

type Loaded = Result<AnyView, SplitLoaderError>;

/// The area of a route that loads on demand, or `None` for the routes the main
/// module renders itself (connection, not found).
pub fn area(route: Route) -> Option<AnyView> {
    if !is_lazy(&route) {
        return None;
    }
    let load = move || -> Pending {
        let route = route.clone();
        SendWrapper::new(match route {
            Route::List(_) | Route::Detail(..) => Box::pin(catalog_area(route)),
            Route::Chat { .. } | Route::Welcome => Box::pin(chat_area(route)),
            Route::Sessions { .. } => Box::pin(async { sessions_area().await.map(|draw| draw(SessionsPart::List)) }),
            Route::Session(id, _) => Box::pin(session_area(id)),
            Route::Memories { .. } => Box::pin(memories_area(route)),
            Route::Knowledge { .. } => Box::pin(knowledge_area(route)),
            Route::Metrics { .. } => Box::pin(metrics_area(route)),
            Route::Traces(_) | Route::Trace(..) => Box::pin(traces_area(route)),
            Route::Approvals { .. } => Box::pin(approvals_area(route)),
            Route::Evals | Route::Eval(_) => Box::pin(evals_area(route)),
            Route::Schedules | Route::Schedule(_) => Box::pin(schedules_area(route)),
            Route::Overview => Box::pin(overview_area(route)),
            Route::Connect | Route::NotFound(_) => Box::pin(async { Ok(().into_any()) }),
        })
    };
    Some(on_demand(load))
}

type Pending = SendWrapper<Boxed>;

type Boxed = std::pin::Pin<Box<dyn Future<Output = Loaded>>>;

/// Shows "Loading the page…" until `load` has the view, then the view (the
/// first page is then ready: the idle prefetch waits for that); a failed load
/// says so with Retry.
fn on_demand(load: impl Fn() -> Pending + Send + Sync + 'static) -> AnyView {
    // Retry re-runs the load: a failed load is not cached by the loader.
    let attempt = RwSignal::new(0u32);
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading the page…"/> }>
            {move || {
                attempt.track();
                let fut = load();
                Suspend::new(async move {
                    let loaded = fut.await.ok();
                    match loaded {
                        Some(view) => {
                            first_page_ready();
                            view
                        }
                        None => view! {
                            <Notice
                                title="This page could not be loaded."
                                hint="Its code did not arrive from the server that hosts the dashboard (a network error?)."
                            >
                                <button type="button" on:click=move |_| attempt.update(|n| *n += 1)>
                                    "Retry"
                                </button>
                            </Notice>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

fn is_lazy(route: &Route) -> bool {
    !matches!(route, Route::Connect | Route::NotFound(_))
}

thread_local! {
    /// Whether the app asked for the prefetch ([`prefetch_when_idle`]), and whether it started.
    static PREFETCH: std::cell::Cell<(bool, bool)> = const { std::cell::Cell::new((false, false)) };
}

/// Once connected: prefetch the other areas when the browser is idle after the
/// first page shows. On a route whose area loads on demand, that is once its
/// code is there (so the prefetch never competes with the page being opened);
/// on the connection form, now.
pub fn prefetch_when_idle() {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let lazy_page = is_lazy(&Route::parse(&hash));
    PREFETCH.with(|p| p.set((true, p.get().1)));
    if !lazy_page || FIRST_PAGE.with(std::cell::Cell::get) {
        start_prefetch();
    }
}

thread_local! {
    static FIRST_PAGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn first_page_ready() {
    FIRST_PAGE.with(|f| f.set(true));
    if PREFETCH.with(|p| p.get().0) {
        start_prefetch();
    }
}

/// When the browser is next idle (`requestIdleCallback`, or a short timer
/// where it is missing), fetch every area's chunk one after another, so later
/// navigation does not wait. Once only.
fn start_prefetch() {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    if PREFETCH.with(|p| p.replace((true, true)).1) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let run = Closure::once_into_js(|| {
        leptos::task::spawn_local(async {
            // Each preload fetches and instantiates its chunk; one at a time,
            // so the page the person opens next is never starved of bandwidth.
            let _ = preload_overview().await;
            let _ = preload_catalog().await;
            let _ = preload_chat().await;
            let _ = preload_run().await;
            let _ = preload_sessions().await;
            let _ = preload_session().await;
            let _ = preload_turns().await;
            let _ = preload_traces().await;
            let _ = preload_memories().await;
            let _ = preload_knowledge().await;
            let _ = preload_metrics().await;
            let _ = preload_approvals().await;
            let _ = preload_evals().await;
            let _ = preload_schedules().await;
        });
    });
    let idle = js_sys::Reflect::get(&window, &JsValue::from_str("requestIdleCallback"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match idle {
        Some(request_idle) => {
            let _ = request_idle.call1(&window, &run);
        }
        None => {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(run.unchecked_ref(), 1_000);
        }
    }
}

#[wasm_split(overview, wasm_split_path = ::leptos::wasm_split, preload(preload_overview), fallible)]
fn overview_area(_route: Route) -> Loaded {
    Ok(view! { <pages::overview::OverviewPage/> }.into_any())
}

#[wasm_split(catalog, wasm_split_path = ::leptos::wasm_split, preload(preload_catalog), fallible)]
fn catalog_area(route: Route) -> Loaded {
    Ok(match route {
        Route::Detail(ComponentKind::Agent, id) => {
            view! { <pages::catalog::AgentPage id=id/> }.into_any()
        }
        Route::Detail(ComponentKind::Team, id) => {
            view! { <pages::catalog::TeamPage id=id/> }.into_any()
        }
        Route::Detail(ComponentKind::Workflow, id) => {
            view! { <pages::catalog::WorkflowPage id=id/> }.into_any()
        }
        Route::List(kind) => view! { <pages::catalog::ListPage kind=kind/> }.into_any(),
        _ => ().into_any(),
    })
}

/// The live chat's turns, each drawn by the `turns` area's code (the run view, Markdown,
/// media, run control), which the chat page fetches as it opens, so its first paint does not
/// wait for it. The list itself is built here, in the page's reactive tree: only the drawing
/// of a turn comes from the chunk (a function it hands back), so each turn's view goes with
/// the page like the rest of it. The turns live in the chat's controller: a message sent
/// before the code arrives shows as sent, with "Loading the conversation…", and its run when
/// the code is there. A failed fetch says so, with Retry.
pub fn live_turns(live: pages::chat::Live) -> AnyView {
    let code = on_demand_code(turns_area);
    let chat = live.chat;
    // A stored session the chat continues becomes turns with this code (`Chat::load_history`).
    Effect::new(move |_| {
        if let Some(c) = code.loaded.get() {
            chat.read_stored_with(c.read_stored);
        }
    });
    view! {
        // A stored session on its way shows where its turns will be (not "No messages yet").
        {move || (chat.history_loading.get() && !code.failed.get()).then(|| view! {
            <li><Loading label="Loading the session…"/></li>
        })}
        <For each=move || chat.turns.get() key=|t| t.key let:turn>
            {move || match code.loaded.get() {
                Some(c) => (c.draw)(live, turn.clone()),
                // Until the code is there, what was sent shows as sent (nothing typed seems lost).
                None => view! {
                    <li class="turn">
                        <div class="bubble user" aria-label="You said">
                            <p class="prewrap">{turn.message.clone()}</p>
                        </div>
                        <Loading label="Loading the conversation…"/>
                    </li>
                }
                .into_any(),
            }}
        </For>
        {move || code.failed.get().then(|| view! {
            <li>
                {code.failed_notice("The conversation could not be shown.", "Its code did not arrive from the server that hosts the dashboard.")}
            </li>
        })}
    }
    .into_any()
}

/// The `turns` area's code: what draws one turn of the live chat, and what reads a stored
/// session's runs into turns (a chat that continues a session needs both).
#[derive(Clone, Copy)]
struct TurnsCode {
    draw: fn(pages::chat::Live, crate::chat::Turn) -> AnyView,
    read_stored: crate::chat::ReadStored,
}

/// The code of a part of a page, fetched on demand: the function that draws the part
/// (`loaded`, `None` until it is there), so the page draws it in its own reactive tree and
/// each view goes with the page, before the page's signals. (A view made inside a
/// `Suspense` for it outlived the page for a moment: a turn's controls read a disposed
/// signal after navigation, a panic.) See [`on_demand_code`].
#[derive(Clone, Copy)]
struct OnDemandCode<F: Send + Sync + 'static> {
    loaded: RwSignal<Option<F>>,
    failed: RwSignal<bool>,
    fetch: StoredValue<std::rc::Rc<dyn Fn()>, LocalStorage>,
}

/// Starts fetching the code `load` hands back (a split point's function, [`OnDemandCode`]).
fn on_demand_code<F, Fut>(load: fn() -> Fut) -> OnDemandCode<F>
where
    F: Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<F, SplitLoaderError>> + 'static,
{
    let loaded = RwSignal::new(None);
    let failed = RwSignal::new(false);
    let fetch = move || {
        failed.set(false);
        leptos::task::spawn_local(async move {
            match load().await {
                Ok(f) => {
                    let _ = loaded.try_set(Some(f));
                }
                Err(_) => {
                    let _ = failed.try_set(true);
                }
            }
        });
    };
    fetch();
    OnDemandCode { loaded, failed, fetch: StoredValue::new_local(std::rc::Rc::new(fetch)) }
}

impl<F: Send + Sync + 'static> OnDemandCode<F> {
    /// When the fetch failed: `title` and `hint`, with Retry, which fetches again (the
    /// loader does not cache a failure).
    fn failed_notice(self, title: &'static str, hint: &'static str) -> impl IntoView {
        move || {
            self.failed.get().then(|| {
                view! {
                    <Notice title=title hint=hint>
                        <button type="button" on:click=move |_| self.fetch.with_value(|f| f())>"Retry"</button>
                    </Notice>
                }
            })
        }
    }
}

#[wasm_split(turns, wasm_split_path = ::leptos::wasm_split, preload(preload_turns), fallible)]
fn turns_area() -> Result<TurnsCode, SplitLoaderError> {
    Ok(TurnsCode { draw: pages::chat::turn_view, read_stored: crate::chat::read_stored })
}

/// What the sessions area renders: the sessions list, or the chat's side
/// column (earlier chats, session details), which is session code.
pub enum SessionsPart {
    List,
    ChatSide(Box<pages::chat::Side>),
}

/// The chat's side column (earlier chats, session details), loaded with the
/// sessions area's code once the chat page is on screen, so the chat's first
/// load does not carry it (a chunk of its own was measured: it split the
/// code the chat shares with it into more, worse-compressing files). Nothing
/// shows while it loads (its grid column stays empty: `.chat-layout > .chat` in
/// style/main.css); a failed fetch says so, with Retry.
pub fn chat_side(side: pages::chat::Side) -> AnyView {
    let side = StoredValue::new(side);
    let code = on_demand_code(sessions_area);
    view! {
        {move || code.loaded.get().map(|draw| draw(SessionsPart::ChatSide(Box::new(side.get_value()))))}
        {code.failed_notice("The earlier chats could not be loaded.", "Their code did not arrive from the server that hosts the dashboard.")}
    }
    .into_any()
}

#[wasm_split(chat, wasm_split_path = ::leptos::wasm_split, preload(preload_chat), fallible)]
fn chat_area(route: Route) -> Loaded {
    Ok(match route {
        Route::Chat { target: Some((kind, id)), .. } => {
            view! { <pages::chat::ChatPage kind=kind id=id/> }.into_any()
        }
        Route::Welcome => view! { <crate::demo::WelcomePage/> }.into_any(),
        _ => view! { <pages::chat::ChatPicker/> }.into_any(),
    })
}

/// Runs `op` for `chat` with the chat controller's running part (posting and streaming
/// runs, the WebSocket, recovery: `crate::chat::perform`), fetched the first time a
/// chat needs it (the chat page asks for it as it opens: [`preload_chat_run`]). `Err` when
/// its code could not be fetched; the caller ends the turn with that.
pub async fn run(chat: crate::chat::Chat, op: crate::chat::Op) -> Result<(), SplitLoaderError> {
    run_area(chat, op).await
}

/// Fetches what the chat page needs once a message is sent, now, so that message does not
/// wait for it: the controller's running part, the view of its turns and the side column's
/// sessions code, in one request (their pack without the chat's chunks, which `src/boot.js`
/// lets the app ask the loader for; about 160 chunk files otherwise, slow on a slow link). No-op
/// for what is there; chunk files when a pack cannot serve (one of them started already).
pub fn preload_chat_run() {
    use wasm_bindgen::{JsCast, JsValue};
    let prefetch = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("__agentosPrefetch")).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(prefetch) = prefetch {
        let areas = js_sys::Array::of3(&"run".into(), &"turns".into(), &"sessions".into());
        let _ = prefetch.apply(&JsValue::NULL, &areas);
    }
    leptos::task::spawn_local(async {
        let _ = preload_run().await;
    });
}

#[wasm_split(run, wasm_split_path = ::leptos::wasm_split, preload(preload_run), fallible)]
fn run_area(chat: crate::chat::Chat, op: crate::chat::Op) -> Result<(), SplitLoaderError> {
    crate::chat::perform(chat, op);
    Ok(())
}

/// Draws what the sessions area renders ([`SessionsPart`], `draw_sessions`).
type DrawSessions = fn(SessionsPart) -> AnyView;

#[wasm_split(sessions, wasm_split_path = ::leptos::wasm_split, preload(preload_sessions), fallible)]
fn sessions_area() -> Result<DrawSessions, SplitLoaderError> {
    Ok(draw_sessions)
}

fn draw_sessions(part: SessionsPart) -> AnyView {
    match part {
        SessionsPart::ChatSide(side) => pages::chat::chat_side(*side),
        SessionsPart::List => view! { <pages::sessions::SessionsPage/> }.into_any(),
    }
}

/// A stored session's page with its conversation (the run view, Markdown and media: the
/// chat's code), an area of its own: the sessions list does not carry the conversation's
/// code, and a stored session's first load does not carry the list's.
#[wasm_split(session, wasm_split_path = ::leptos::wasm_split, preload(preload_session), fallible)]
fn session_area(id: String) -> Loaded {
    Ok(view! { <pages::sessions::SessionPage id=id/> }.into_any())
}

#[wasm_split(memories, wasm_split_path = ::leptos::wasm_split, preload(preload_memories), fallible)]
fn memories_area(_route: Route) -> Loaded {
    Ok(view! { <pages::memories::MemoriesPage/> }.into_any())
}

#[wasm_split(knowledge, wasm_split_path = ::leptos::wasm_split, preload(preload_knowledge), fallible)]
fn knowledge_area(_route: Route) -> Loaded {
    Ok(view! { <pages::knowledge::KnowledgePage/> }.into_any())
}

#[wasm_split(metrics, wasm_split_path = ::leptos::wasm_split, preload(preload_metrics), fallible)]
fn metrics_area(_route: Route) -> Loaded {
    Ok(view! { <pages::metrics::MetricsPage/> }.into_any())
}

#[wasm_split(traces, wasm_split_path = ::leptos::wasm_split, preload(preload_traces), fallible)]
fn traces_area(route: Route) -> Loaded {
    Ok(match route {
        Route::Trace(id, _) => view! { <pages::traces::TracePage id=id/> }.into_any(),
        _ => view! { <pages::traces::TracesPage/> }.into_any(),
    })
}

// The operator pages, one area each: a route carries only its own page.
#[wasm_split(approvals, wasm_split_path = ::leptos::wasm_split, preload(preload_approvals), fallible)]
fn approvals_area(_route: Route) -> Loaded {
    Ok(view! { <pages::approvals::ApprovalsPage/> }.into_any())
}

#[wasm_split(evals, wasm_split_path = ::leptos::wasm_split, preload(preload_evals), fallible)]
fn evals_area(route: Route) -> Loaded {
    Ok(match route {
        Route::Eval(id) => view! { <pages::evals::EvalPage id=id/> }.into_any(),
        _ => view! { <pages::evals::EvalsPage/> }.into_any(),
    })
}

#[wasm_split(schedules, wasm_split_path = ::leptos::wasm_split, preload(preload_schedules), fallible)]
fn schedules_area(route: Route) -> Loaded {
    Ok(match route {
        Route::Schedule(id) => view! { <pages::schedules::SchedulePage id=id/> }.into_any(),
        _ => view! { <pages::schedules::SchedulesPage/> }.into_any(),
    })
}
