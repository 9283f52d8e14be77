//! Chat with an agent, team or workflow: pick one, talk, watch it work.

use crate::chat::{Chat, Phase, Turn};
use crate::components::composer::{Composer, Outgoing};
use crate::components::load::{not_loaded, use_get, UseGet};
use crate::components::approval::{approval, Decision};
use crate::components::run_view::{Paused, RunCard};
use crate::components::session_details::SessionDetails;
use crate::components::{Empty, ErrorNotice, Notice};
use crate::route::{navigate, Route};
use crate::state::use_app;
use agentos_client::sessions::{parse_sessions, session_path, PageMeta, SessionDetail, SessionQuery, SessionSummary};
use agentos_client::time::human_time;
use agentos_client::{ComponentKind, FromJson};
use leptos::prelude::*;

/// Earlier chats shown at first, and how many more each "More" adds.
const EARLIER_PAGE: u64 = 10;

/// `#/chat`: choose what to talk to.
#[component]
pub fn ChatPicker() -> impl IntoView {
    let state = use_app();
    move || {
        state.catalog.get().map(|c| {
            let entries = c.entries();
            let groups: Vec<(ComponentKind, &'static str, Vec<_>)> =
                [(ComponentKind::Agent, "Agents"), (ComponentKind::Team, "Teams"), (ComponentKind::Workflow, "Workflows")]
                    .into_iter()
                    .map(|(kind, title)| {
                        let items = entries.iter().filter(|e| e.kind == kind).map(|e| (e.id.clone(), e.name.clone(), e.description.clone())).collect();
                        (kind, title, items)
                    })
                    .collect();
            let empty = groups.iter().all(|g| g.2.is_empty());
            view! {
                <section>
                    <h1>"Chat"</h1>
                    <p class="muted">"Choose an agent, a team or a workflow to talk to."</p>
                    {empty.then(|| view! { <Empty title="This server has no agents, teams or workflows"/> })}
                    {groups.into_iter().filter(|g| !g.2.is_empty()).map(|(kind, title, items)| view! {
                        <section class="picker-group" aria-labelledby=format!("pick-{}", kind.collection())>
                            <h2 id=format!("pick-{}", kind.collection())>{title}</h2>
                            <ul class="cards" aria-label=format!("Chat with {}", title.to_ascii_lowercase())>
                                {items.into_iter().map(|(id, name, desc)| view! {
                                    <li class="card row">
                                        <a class="row-title" href=Route::chat(kind, id).href()>{name}</a>
                                        {desc.map(|d| view! { <p class="muted small">{d}</p> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }).collect_view()}
                </section>
            }
        })
    }
}

/// `#/chat/{kind}/{id}`: the conversation.
#[component]
pub fn ChatPage(kind: ComponentKind, id: String) -> impl IntoView {
    let state = use_app();
    let chat = Chat::new(state, kind, id.clone());
    // The controller's running part and the conversation's view load now, while the
    // person reads and types (neither is needed to show the page).
    crate::lazy::preload_chat_run();
    let session = crate::route::use_route().with_untracked(|r| match r {
        Route::Chat { session, .. } => session.clone(),
        _ => None,
    });
    let from_address = session.clone();
    if let Some(session) = session {
        chat.load_history(session);
    }
    on_cleanup(move || chat.stop());
    let follow = Follow::new();
    let transcript = NodeRef::<leptos::html::Ol>::new();
    follow.watch(transcript, chat.active);
    // A run starting or ending, a session loading, a message sent: follow
    // the growth that comes with it (a card opened later does not scroll).
    Effect::new(move |_| {
        chat.active.track();
        chat.turns.with(Vec::len);
        follow.hold();
    });

    let name = {
        let id = id.clone();
        Memo::new(move |_| {
            state.catalog.with(|c| {
                c.as_ref().and_then(|c| c.name_of(kind, &id))
            })
        })
    };
    let known = move || name.get().is_some();
    let title = {
        let id = id.clone();
        Memo::new(move |_| name.get().unwrap_or_else(|| id.clone()))
    };
    let kind_label = kind.label();

    let on_send = UnsyncCallback::new(move |out: Outgoing| {
        follow.to_end();
        chat.send(out.message, out.files, out.extras);
    });
    let on_stop = Callback::new(move |_| chat.stop());
    // A quick prompt or a suggestion is sent as typed; a draft in the box stays.
    // The turn's signals belong to this page, not to the button's view (the
    // introduction goes away as the conversation starts).
    let page_owner = Owner::current();
    let on_prompt = Callback::new(move |text: String| {
        let draft = chat.draft.get_untracked();
        follow.to_end();
        let send = move || chat.send(text, Vec::new(), Vec::new());
        match &page_owner {
            Some(owner) => owner.with(send),
            None => send(),
        }
        chat.draft.set(draft);
    });
    let busy = Signal::derive(move || chat.active.get().is_some());
    let placeholder = Signal::derive(move || format!("Message {}…", title.get()));

    let targets = move || {
        state.catalog.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.entries()
                        .into_iter()
                        .map(|e| (Route::chat(e.kind, e.id.clone()).href(), e.label()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let current_href = Route::chat(kind, chat.id.get_value()).href();
    let bar_id = id.clone();
    let side_id = id.clone();

    let presenting = RwSignal::from(crate::demo::presenting()).read_only();

    view! {
        <div class="chat-layout">
        {move || (!presenting.get()).then(|| crate::lazy::chat_side(Side { chat, kind, id: side_id.clone(), from_address: from_address.clone() }))}
        <section class="chat">
            <header class="chat-head">
                <div>
                    <p class="eyebrow">{kind_label}</p>
                    <h1>{move || title.get()}</h1>
                </div>
                <div class="chat-controls">
                    <label for="chat-target" class="visually-hidden">"Chat with"</label>
                    <select id="chat-target" on:change=move |ev| {
                        let href = event_target_value(&ev);
                        navigate(&Route::parse(&href));
                    }>
                        {move || targets().into_iter().map(|(href, label)| {
                            let selected = href == current_href;
                            view! { <option value=href.clone() selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                    <span class="field-inline">
                        <label for="chat-user" class="inline-label">"User id"</label>
                        <input
                            id="chat-user"
                            type="text"
                            class="narrow"
                            placeholder="optional"
                            prop:value=move || chat.user_id.get()
                            on:change=move |ev| chat.set_user_id(event_target_value(&ev))
                        />
                    </span>
                    {(kind == ComponentKind::Workflow).then(|| view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || chat.use_socket.get()
                                on:change=move |ev| chat.use_socket.set(event_target_checked(&ev))
                            />
                            " Use WebSocket"
                        </label>
                    })}
                    <crate::demo::PresenterSwitch/>
                </div>
            </header>
            <crate::demo::PresenterBar kind=kind id=bar_id/>
            <p class="small muted session-line">
                {move || match chat.session_id.get() {
                    Some(s) => {
                        let href = Route::Session(s.clone(), chat.db().db_id).href();
                        view! { "Session " <a class="mono" href=href>{s}</a> }.into_any()
                    }
                    None => view! { "New session: it starts with your first message." }.into_any(),
                }}
            </p>
            // The stored session did not load: Retry asks again (nothing of this visit is lost).
            {move || chat.history_error.get().map(|e| view! {
                <ErrorNotice error=e>
                    <button type="button" on:click=move |_| {
                        if let Some(session) = chat.session_id.get_untracked() {
                            chat.load_history(session);
                        }
                    }>"Retry"</button>
                </ErrorNotice>
            })}
            {move || (!known()).then(|| view! {
                <ErrorNotice error=agentos_client::ApiError::NotFound {
                    detail: Some(format!("this server has no {} with this id", kind_label.to_ascii_lowercase())),
                }/>
            })}
            <ol class="transcript" aria-label="Conversation" aria-live="polite" node_ref=transcript>
                {crate::lazy::live_turns(Live { chat, on_prompt })}
            </ol>
            {move || (chat.turns.with(Vec::is_empty) && !chat.history_loading.get()).then(|| view! {
                <crate::demo::ChatIntro kind=kind id=id.clone() on_prompt=on_prompt busy=busy/>
                <Empty title="No messages yet" detail="Write a message below. Enter sends, Shift+Enter adds a line."/>
            })}
            <div class="chat-foot">
                {move || (follow.away.get() && !chat.turns.with(Vec::is_empty)).then(|| view! {
                    <button type="button" class="jump-latest" on:click=move |ev| {
                        // From the keyboard, the button goes away under the
                        // focus: hand it to the message box. First, as focusing
                        // scrolls the box into view, which could leave the end.
                        if ev.detail() == 0 {
                            focus_by_id("composer-input");
                        }
                        follow.to_end();
                    }>
                        <span aria-hidden="true">"↓ "</span>"Jump to latest"
                    </button>
                })}
                <Composer
                    draft=chat.draft
                    busy=busy
                    placeholder=placeholder
                    on_send=on_send
                    on_stop=on_stop
                />
            </div>
        </section>
        </div>
    }
}

/// What the live conversation's turns need (`crate::lazy::live_turns`, [`turn_view`]).
#[derive(Clone, Copy)]
pub struct Live {
    pub chat: Chat,
    /// Sends a suggested follow-up as typed.
    pub on_prompt: Callback<String>,
}

/// One turn of the chat, with its run as it streams (the `turns` area's code: the run view,
/// Markdown, media and run control load with it; see `crate::lazy::live_turns`).
pub fn turn_view(live: Live, turn: Turn) -> AnyView {
    let Live { chat, on_prompt } = live;
    view! { <TurnView turn=turn chat=chat on_prompt=on_prompt/> }.into_any()
}

/// What the chat's side column needs (passed to its lazily loaded chunk).
#[derive(Clone)]
pub struct Side {
    pub chat: Chat,
    pub kind: ComponentKind,
    pub id: String,
    /// The session the address named (known to be stored).
    pub from_address: Option<String>,
}

/// The chat's side column, its own chunk (`crate::lazy::chat_side`, loaded
/// once the chat has shown): the earlier chats and the session's details.
pub fn chat_side(side: Side) -> AnyView {
    let Side { chat, kind, id, from_address } = side;
    // The earlier chats (the side list): this component's sessions of the
    // chat's user, the first `limit`.
    let limit = RwSignal::new(EARLIER_PAGE);
    let list_id = id.clone();
    let list = use_get(
        move || Some(chat.db().on(&SessionQuery::earlier_chats(kind, &list_id, &chat.user_id.get(), limit.get()).path())),
        parse_sessions,
    );
    // The session's state, metadata and summary, once the server has the
    // session (opened from the address, or listed as stored: a session a run
    // is starting is not stored before the run is) and no run is changing it.
    let stored = Memo::new(move |_| {
        let sid = chat.session_id.get()?;
        let known = from_address.as_deref() == Some(sid.as_str())
            || list.with(|r| matches!(r, Some(Ok((rows, _))) if rows.iter().any(|s| s.session_id == sid)));
        (known && chat.active.with(Option::is_none)).then_some(sid)
    });
    let details = use_get(move || stored.get().map(|s| chat.db().on(&session_path(&s, Some(kind)))), SessionDetail::from_json);
    let shown_details = Signal::derive(move || {
        let sid = chat.session_id.get()?;
        details.ok().filter(|d| d.summary.session_id == sid)
    });
    // A turn ended: its session may be new, its state changed. Read both
    // again then, and once more a moment later (the server may store the run
    // just after its last event reached the page).
    Effect::new(move |was: Option<bool>| {
        let running = chat.active.with(Option::is_some);
        if was == Some(true) && !running {
            let again = move || {
                list.reload();
                if stored.try_with_untracked(Option::is_some).unwrap_or(false) {
                    details.reload();
                }
            };
            again();
            set_timeout(again, std::time::Duration::from_millis(1_500));
        }
        running
    });
    view! {
        <div class="chat-side">
            <EarlierChats chat=chat kind=kind id=id list=list limit=limit/>
            <SessionDetails detail=shown_details db=chat.db()/>
        </div>
    }
    .into_any()
}

/// The side list: this component's earlier sessions for the chat's user
/// (any user while none is set), the most recently updated first, each
/// opening in this chat; the current one marked; "New chat". Read again
/// when a turn ends, so a new session appears. On narrow screens the list
/// folds behind a button.
#[component]
fn EarlierChats(
    chat: Chat,
    kind: ComponentKind,
    id: String,
    list: UseGet<(Vec<SessionSummary>, PageMeta)>,
    limit: RwSignal<u64>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let new_chat = {
        let id = id.clone();
        move |_| {
            let continuing = crate::route::use_route().with_untracked(|r| matches!(r, Route::Chat { session: Some(_), .. }));
            if continuing {
                // The address names the session: a new chat is the chat without it.
                navigate(&Route::chat(kind, id.clone()));
            } else {
                chat.new_chat();
            }
            open.set(false);
        }
    };
    view! {
        <nav class="chat-side-nav" aria-label="Earlier chats">
            <div class="chat-side-bar">
                <button type="button" class="primary" on:click=new_chat>"New chat"</button>
                <button
                    type="button"
                    class="side-toggle"
                    aria-controls="earlier-chats-list"
                    aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    "Earlier chats"
                </button>
            </div>
            <div id="earlier-chats-list" class="chat-side-list" class:open=move || open.get()>
                <h2 class="chat-side-title">"Earlier chats"</h2>
                {move || list.with(|r| match r {
                    Some(Ok((rows, meta))) => {
                        if rows.is_empty() {
                            return view! { <p class="muted small">"No earlier chats yet."</p> }.into_any();
                        }
                        let more = meta.total_count > rows.len() as u64;
                        let rows = rows.clone();
                        view! {
                            <ul class="earlier-list">
                                {rows.into_iter().map(|s| {
                                    let sid = s.session_id.clone();
                                    let href = Route::Chat { target: Some((kind, id.clone())), session: Some(sid.clone()), present: false }.href();
                                    let current = move || (chat.session_id.get().as_deref() == Some(sid.as_str())).then_some("page");
                                    let when = s.updated_at.as_deref().or(s.created_at.as_deref()).map(human_time).unwrap_or_default();
                                    view! {
                                        <li>
                                            <a href=href aria-current=current>
                                                <span class="earlier-name">{s.display_name().to_string()}</span>
                                                <span class="earlier-when small muted">{when}</span>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {more.then(|| view! {
                                <button type="button" class="earlier-more" on:click=move |_| limit.update(|l| *l += EARLIER_PAGE)>
                                    "More"
                                </button>
                            })}
                        }.into_any()
                    }
                    r => not_loaded(r.as_ref().and_then(|r| r.as_ref().err()), "Loading earlier chats…"),
                })}
            </div>
        </nav>
    }
}

#[component]
fn TurnView(turn: Turn, chat: Chat, on_prompt: Callback<String>) -> impl IntoView {
    let t1 = turn.clone();
    let t2 = turn.clone();
    let t3 = turn.clone();
    let t4 = turn.clone();
    let (key, run) = (turn.key, turn.run);
    let phase = turn.phase;
    // Only this change re-creates the run card (and an open approval with
    // what was typed in it); other phase changes leave it in place.
    let shows_run = Memo::new(move |_| !matches!(phase.get(), Phase::Failed(_)));
    // Presenter mode shows a friendly run, unless it waits for a decision.
    let presented = Memo::new(move |_| {
        crate::demo::presenting().get() && run.with(|r| r.status != agentos_client::reducer::RunStatus::Paused)
    });
    view! {
        <li class="turn">
            <div class="bubble user" aria-label="You said">
                <p class="prewrap">{turn.message.clone()}</p>
                {(!turn.attachments.is_empty()).then(|| view! {
                    {crate::components::media::local_attachments(turn.files.get_value())}
                })}
                {crate::components::media::run_media(run.into(), true)}
            </div>
            {move || match phase.get() {
                Phase::Failed(e) => view! {
                    <div class="turn-failed">
                        <ErrorNotice error=e/>
                        <button type="button" on:click={
                            let t = t1.clone();
                            move |_| chat.retry(&t)
                        }>"Retry"</button>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || shows_run.get().then(|| {
                if presented.get() {
                    return view! { <crate::demo::PresentedRun run=run.into()/> }.into_any();
                }
                let t = t2.clone();
                let on_decide = Callback::new(move |d: Decision| chat.decide(&t, d.approvals, d.answers, d.results));
                let paused = Paused { draw: approval, on_decide, busy: Signal::derive(move || chat.active.get().is_some()) };
                view! { <RunCard run=t2.run.into() paused=paused/> }.into_any()
            })}
            {move || {
                // agno's follow-up suggestions, under the latest finished answer.
                let latest = chat.turns.with(|t| t.last().map(|l| l.key)) == Some(key);
                let prompts = run.with(|r| if r.status.is_terminal() { r.followups.clone() } else { Vec::new() });
                (latest && !prompts.is_empty()).then(|| view! {
                    <crate::demo::Suggestions prompts=prompts on_prompt=on_prompt busy=Signal::derive(move || chat.active.get().is_some())/>
                })
            }}
            <crate::components::run_control::RunControls turn=turn.clone() chat=chat/>
            {move || {
                let failed_run = phase.get() == Phase::Done && t4.run.with(|r| r.error.is_some());
                let t = t4.clone();
                failed_run.then(|| view! {
                    <div class="actions">
                        <button type="button" on:click=move |_| chat.retry(&t) disabled=move || chat.active.get().is_some()>
                            "Retry"
                        </button>
                    </div>
                })
            }}
            {move || match phase.get() {
                Phase::Interrupted(msg) => {
                    let resumable = t3.resumable.get() && t3.run.with(|r| r.run_id.is_some());
                    let tr = t3.clone();
                    let tr2 = t3.clone();
                    view! {
                        <Notice title=msg hint="What arrived so far is kept above.">
                            <div class="actions">
                                {resumable.then(|| view! {
                                    <button type="button" class="primary" on:click=move |_| chat.resume(&tr)>"Resume"</button>
                                })}
                                <button type="button" on:click=move |_| chat.retry(&tr2)>"Retry"</button>
                            </div>
                        </Notice>
                    }.into_any()
                }
                Phase::DecisionFailed(e) => view! {
                    <div class="turn-failed">
                        <ErrorNotice error=e/>
                        <p class="small muted">"Nothing was decided: the run still waits for you above."</p>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
        </li>
    }
}

/// How close to the end (in CSS pixels) still counts as "at the end".
const NEAR_END_PX: i32 = 32;

/// Keeps the conversation scrolled to the newest text while the person has
/// not scrolled up; when they have, `away` shows "Jump to latest".
///
/// The page (not an inner box) scrolls, so a phone scrolls it the same way.
/// The scroll follows size changes of the transcript through a
/// `ResizeObserver`, which runs after layout and at most once per frame,
/// however many tokens arrived: one scroll per frame, no forced layout.
#[derive(Clone, Copy)]
struct Follow {
    /// Stick to the end (false once the person scrolls up).
    pinned: StoredValue<bool>,
    /// The person scrolled away from the end: offer to jump back.
    away: RwSignal<bool>,
    /// The scroll position last seen, to tell an upward scroll.
    last_top: StoredValue<i32>,
    /// Until when (`Date.now()`) growth is followed with no run in progress.
    hold_until: StoredValue<f64>,
}

/// How long growth is followed after a turn is added or a run starts or ends.
const HOLD_MS: f64 = 1_500.0;

fn scroller() -> Option<web_sys::Element> {
    document().scrolling_element()
}

fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

impl Follow {
    fn new() -> Self {
        Follow {
            pinned: StoredValue::new(true),
            away: RwSignal::new(false),
            last_top: StoredValue::new(0),
            hold_until: StoredValue::new(0.0),
        }
    }

    fn hold(&self) {
        self.hold_until.set_value(js_sys::Date::now() + HOLD_MS);
    }

    fn set_away(&self, away: bool) {
        if self.away.get_untracked() != away {
            self.away.set(away);
        }
    }

    /// Scrolls to the end and follows the answer again.
    fn to_end(self) {
        self.pinned.set_value(true);
        self.hold();
        self.set_away(false);
        self.scroll_end();
    }

    fn scroll_end(&self) {
        if let Some(el) = scroller() {
            el.set_scroll_top(el.scroll_height());
            self.last_top.set_value(el.scroll_top());
        }
    }

    /// A scroll, by the person or by us: at the end it follows again; an
    /// upward scroll away from the end stops following.
    fn on_scroll(&self) {
        let Some(el) = scroller() else { return };
        let top = el.scroll_top();
        let gap = el.scroll_height() - top - el.client_height();
        let last = self.last_top.get_value();
        self.last_top.set_value(top);
        if gap <= NEAR_END_PX {
            self.pinned.set_value(true);
        } else if top < last {
            self.pinned.set_value(false);
        }
        self.set_away(!self.pinned.get_value() && gap > NEAR_END_PX);
    }

    /// Follows the transcript's growth while pinned and a run is in
    /// progress (or just held), and the person's scrolling; both stop when
    /// the page goes.
    fn watch(&self, transcript: NodeRef<leptos::html::Ol>, active: RwSignal<Option<u64>>) {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let this = *self;
        let scroll = window_event_listener(leptos::ev::scroll, move |_| this.on_scroll());
        // A wheel turned upward means "let me read": stop at once, before a
        // token that arrives in the same frame scrolls down again.
        let wheel = window_event_listener(leptos::ev::wheel, move |ev| {
            if ev.delta_y() < 0.0 && scroller().is_some_and(|el| el.scroll_top() > 0) {
                this.pinned.set_value(false);
            }
        });
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            let following = active.try_with_untracked(Option::is_some).unwrap_or(false)
                || js_sys::Date::now() < this.hold_until.get_value();
            if this.pinned.get_value() && following {
                this.scroll_end();
            } else {
                this.on_scroll();
            }
        });
        let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
        let held = StoredValue::new_local(Some((observer.clone(), on_resize)));
        transcript.on_load(move |ol| {
            if let Some(o) = &observer {
                o.observe(&ol);
            }
        });
        on_cleanup(move || {
            scroll.remove();
            wheel.remove();
            if let Some((observer, on_resize)) = held.try_update_value(Option::take).flatten() {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(on_resize);
            }
        });
    }
}

