//! Memories: what the AgentOS remembers about its users. Browse by user,
//! topic and text; add, edit and delete memories.

use crate::components::db_picker::{provide_db, DbPicker};
use crate::components::load::{use_action, use_get, UseAction, UseGet};
use crate::components::{plural, Badge, Empty, Pager};
use crate::route::{use_route_part, Route};
use crate::state::use_app;
use agentos_client::memory::{
    memories_path, memory_body, memory_path, parse_memories, parse_topics,
    parse_user_stats, topics_path, unique_labels, user_stats_path, Memory, MemoryFilter, PageMeta,
    UserStats,
};
use agentos_client::time::human_time;
use gloo_net::http::Method;
use leptos::prelude::*;
use std::time::Duration;

/// What one memory item is doing: nothing, being edited, or asking to
/// confirm its deletion. Only one item at a time.
#[derive(Clone, Debug, PartialEq)]
enum Mode {
    Idle,
    Edit(String),
    Confirm(String),
}

/// `#/memories` (and `#/memories?user=<id>`).
#[component]
pub fn MemoriesPage() -> impl IntoView {
    provide_db(agentos_client::db::DbDomain::Memory);
    let route_user = use_route_part(|r| match r {
        Route::Memories { user, .. } => Some(user.clone().unwrap_or_default()),
        _ => None,
    });
    let initial_user = route_user.get_untracked();
    let filter = RwSignal::new(MemoryFilter { user_id: initial_user.clone(), ..Default::default() });
    let user_input = RwSignal::new(initial_user.clone());
    let search_input = RwSignal::new(String::new());
    let search_tick = RwSignal::new(0u32);
    let mode = RwSignal::new(Mode::Idle);

    // The user of the filter, also when it comes from a changed `?user=`.
    Effect::new(move |_| {
        let u = route_user.get();
        if u != filter.with_untracked(|f| f.user_id.clone()) {
            user_input.set(u.clone());
            filter.update(|f| {
                f.user_id = u;
                f.page = 1;
            });
        }
    });

    let memories = use_get(move || Some(filter.with(memories_path)), parse_memories);
    let topics = use_get(move || Some(filter.with(|f| topics_path(Some(f.user_id.trim())))), parse_topics);
    let stats = use_get(|| Some(user_stats_path(1, 100)), parse_user_stats);
    // After a change: the list, its topics and the per-user counts again.
    let reload = move || {
        memories.reload();
        topics.reload();
        stats.reload();
    };

    let set_user = move |u: String| {
        user_input.set(u.clone());
        mode.set(Mode::Idle);
        filter.update(|f| {
            f.user_id = u;
            f.topic.clear();
            f.page = 1;
        });
    };
    let apply_user = move || {
        let u = user_input.get_untracked().trim().to_string();
        if u != filter.with_untracked(|f| f.user_id.clone()) {
            set_user(u);
        }
    };
    let apply_search = move || {
        let s = search_input.get_untracked().trim().to_string();
        if s != filter.with_untracked(|f| f.search.clone()) {
            filter.update(|f| {
                f.search = s;
                f.page = 1;
            });
        }
    };
    let set_page = move |p: u64| {
        mode.set(Mode::Idle);
        filter.update(|f| f.page = p.max(1));
    };
    // Adding, editing and deleting: after a success, back to idle and
    // everything reloaded.
    let changes = use_action().then(move || {
        mode.set(Mode::Idle);
        reload();
    });

    view! {
        <section class="memories">
            <div class="page-head">
                <h1>"Memories"</h1>
                <DbPicker domain=agentos_client::db::DbDomain::Memory/>
                <button type="button" on:click=move |_| reload()>"Refresh"</button>
            </div>

            <UsersOverview stats=stats filter=filter set_user=set_user/>

            <div class="filters" role="search" aria-label="Filter memories">
                <label>
                    <span>"User id"</span>
                    <input
                        type="text"
                        placeholder="any user"
                        bind:value=user_input
                        on:change=move |_| apply_user()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { apply_user() }
                    />
                </label>
                <label>
                    <span>"Topic"</span>
                    <select
                        prop:value=move || filter.with(|f| f.topic.clone())
                        on:change=move |ev| {
                            let t = event_target_value(&ev);
                            filter.update(|f| { f.topic = t; f.page = 1; });
                        }
                    >
                        <option value="" selected=move || filter.with(|f| f.topic.is_empty())>"All topics"</option>
                        {move || {
                            let mut list = topics.ok().unwrap_or_default();
                            let current = filter.with(|f| f.topic.clone());
                            if !current.is_empty() && !list.contains(&current) {
                                list.push(current);
                            }
                            list.into_iter().map(|t| {
                                let sel = {
                                    let t = t.clone();
                                    move || filter.with(|f| f.topic == t)
                                };
                                view! { <option value=t.clone() selected=sel>{t.clone()}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label>
                    <span>"Search memories"</span>
                    <input
                        type="search"
                        placeholder="text in the memory"
                        prop:value=move || search_input.get()
                        on:input=move |ev| {
                            search_input.set(event_target_value(&ev));
                            let tick = search_tick.get_untracked().wrapping_add(1);
                            search_tick.set(tick);
                            set_timeout(move || {
                                if search_tick.get_untracked() == tick {
                                    apply_search();
                                }
                            }, Duration::from_millis(400));
                        }
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { apply_search() }
                    />
                </label>
            </div>

            {changes.notice()}

            {memories.show("Loading memories…", move |(rows, meta)| {
                let filtered = filter.with_untracked(MemoryFilter::is_filtered);
                memory_list(rows.clone(), *meta, filtered, mode, set_page, changes)
            })}

            <AddMemory filter=filter changes=changes/>
        </section>
    }
}

/// The list "Users" from `/user_memory_stats`; choosing one filters by it.
#[component]
fn UsersOverview(
    stats: UseGet<(Vec<UserStats>, PageMeta)>,
    filter: RwSignal<MemoryFilter>,
    set_user: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="mem-users">
            <h2 id="mem-users">"Users"</h2>
            {stats.show("Loading users…", move |(rows, _)| match rows {
                    rows if rows.is_empty() => view! {
                        <Empty title="No user has memories yet"/>
                    }.into_any(),
                    rows => view! {
                        <ul class="user-stats" aria-label="Users">
                            <li>
                                <button
                                    type="button"
                                    aria-pressed=move || filter.with(|f| f.user_id.is_empty()).to_string()
                                    on:click=move |_| set_user(String::new())
                                >"All users"</button>
                            </li>
                            {rows.iter().cloned().map(|s| {
                                let id = s.user_id.clone();
                                let pressed = {
                                    let id = id.clone();
                                    move || filter.with(|f| f.user_id == id).to_string()
                                };
                                let count = plural(s.total_memories, "memory", "memories");
                                let last = s.last_updated.as_deref().map(|t| format!("last updated {}", human_time(t)));
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            aria-pressed=pressed
                                            on:click=move |_| set_user(id.clone())
                                        >
                                            <span class="mono">{s.user_id.clone()}</span>
                                            " · "
                                            <span>{count}</span>
                                            {last.map(|l| view! { " · " <span class="muted small">{l}</span> })}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
        </section>
    }
}

fn memory_list(
    rows: Vec<Memory>,
    meta: PageMeta,
    filtered: bool,
    mode: RwSignal<Mode>,
    set_page: impl Fn(u64) + Copy + Send + Sync + 'static,
    changes: UseAction,
) -> impl IntoView {
    if rows.is_empty() {
        let view = if filtered {
            view! { <Empty title="No memories match" detail="Try another user, topic or search, or choose All users."/> }
        } else {
            view! {
                <Empty
                    title="No memories yet"
                    detail="Add one below, or chat with an agent that has memory enabled: what it learns about a user appears here."
                />
            }
        };
        return view.into_any();
    }
    let labels = unique_labels(&rows, 48);
    view! {
        <ul class="cards memory-list" aria-label="Memories">
            {rows.into_iter().zip(labels).map(|(m, label)| memory_item(m, label, mode, changes)).collect_view()}
        </ul>
        <Pager meta=meta count=plural(meta.total_count, "memory", "memories") on_page=Callback::new(set_page)/>
    }
    .into_any()
}

fn memory_item(
    m: Memory,
    label: String,
    mode: RwSignal<Mode>,
    changes: UseAction,
) -> impl IntoView {
    let id = m.memory_id.clone();
    let editing = {
        let id = id.clone();
        move || mode.with(|md| *md == Mode::Edit(id.clone()))
    };
    let confirming = {
        let id = id.clone();
        move || mode.with(|md| *md == Mode::Confirm(id.clone()))
    };
    let delete = {
        let id = id.clone();
        let user = m.user_id.clone();
        move || changes.send(Method::DELETE, memory_path(&id, user.as_deref()), None, || ())
    };
    let who = [
        m.user_id.clone().map(|u| format!("User: {u}")),
        m.agent_id.as_deref().map(|a| format!("Agent: {}", use_app().component_name(agentos_client::ComponentKind::Agent, a))),
        m.team_id.as_deref().map(|t| format!("Team: {}", use_app().component_name(agentos_client::ComponentKind::Team, t))),
        m.updated_at.as_deref().map(|t| format!("Updated {}", human_time(t))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let m2 = m.clone();
    let label2 = label.clone();
    view! {
        <li class="card memory" aria-label=label.clone()>
            {move || if editing() {
                edit_form(m2.clone(), label2.clone(), mode, changes).into_any()
            } else {
                let delete = delete.clone();
                view! {
                    <p class="memory-text">{m2.memory.clone()}</p>
                    {(!m2.topics.is_empty()).then(|| view! {
                        <div class="badges" aria-label="Topics">
                            {m2.topics.iter().map(|t| view! { <Badge text=t.clone()/> }).collect_view()}
                        </div>
                    })}
                    <p class="muted small">{who.clone()}</p>
                    <div class="actions">
                        {
                            let id = m2.memory_id.clone();
                            let label = label2.clone();
                            let confirming = confirming.clone();
                            move || if confirming() {
                                let delete = delete.clone();
                                view! {
                                    <span class="small">"Delete this memory?"</span>
                                    <button type="button" class="danger" disabled=move || changes.pending() on:click=move |_| delete()>
                                        "Confirm delete"
                                    </button>
                                    <button type="button" on:click=move |_| mode.set(Mode::Idle)>"Cancel"</button>
                                }.into_any()
                            } else {
                                let (e, d) = (id.clone(), id.clone());
                                view! {
                                    <button
                                        type="button"
                                        aria-label=format!("Edit memory: {label}")
                                        on:click=move |_| mode.set(Mode::Edit(e.clone()))
                                    >"Edit"</button>
                                    <button
                                        type="button"
                                        class="danger"
                                        aria-label=format!("Delete memory: {label}")
                                        on:click=move |_| mode.set(Mode::Confirm(d.clone()))
                                    >"Delete"</button>
                                }.into_any()
                            }
                        }
                    </div>
                }.into_any()
            }}
        </li>
    }
}

/// The fields of a memory form (text, topics, user id) and what they send.
#[derive(Clone, Copy)]
struct Draft {
    text: RwSignal<String>,
    topics: RwSignal<String>,
    user: RwSignal<String>,
}

impl Draft {
    fn new(text: String, topics: String, user: String) -> Draft {
        Draft { text: RwSignal::new(text), topics: RwSignal::new(topics), user: RwSignal::new(user) }
    }

    /// Whether there is no text to send (tracked).
    fn blank(self) -> bool {
        self.text.with(|t| t.trim().is_empty())
    }

    /// Sends the draft (nothing while the text is blank); `then` after a success.
    fn send(self, changes: UseAction, method: Method, path: String, then: impl FnOnce() + 'static) {
        if self.text.with_untracked(|t| t.trim().is_empty()) {
            return;
        }
        let body = memory_body(&self.text.get_untracked(), &self.topics.get_untracked(), &self.user.get_untracked());
        changes.send(method, path, Some(body), then);
    }

    /// The labelled fields, with these placeholders.
    fn fields(self, [text, topics, user]: [&'static str; 3]) -> impl IntoView {
        view! {
            <label>
                <span>"Memory"</span>
                <textarea rows="3" required placeholder=text bind:value=self.text></textarea>
            </label>
            <label>
                <span>"Topics"</span>
                <input type="text" placeholder=topics bind:value=self.topics/>
            </label>
            <label>
                <span>"User id"</span>
                <input type="text" placeholder=user bind:value=self.user/>
            </label>
        }
    }
}

/// The inline editor of one memory: text, topics, user; Save / Cancel.
fn edit_form(
    m: Memory,
    label: String,
    mode: RwSignal<Mode>,
    changes: UseAction,
) -> impl IntoView {
    let draft = Draft::new(m.memory.clone(), m.topics.join(", "), m.user_id.clone().unwrap_or_default());
    let id = m.memory_id.clone();
    let old_user = m.user_id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        draft.send(changes, Method::PATCH, memory_path(&id, old_user.as_deref()), || ());
    };
    view! {
        <form class="memory-form" aria-label=format!("Edit memory: {label}") on:submit=save>
            {draft.fields(["", "comma-separated", ""])}
            <div class="actions">
                <button type="submit" disabled=move || changes.pending() || draft.blank()>"Save"</button>
                <button type="button" on:click=move |_| mode.set(Mode::Idle)>"Cancel"</button>
            </div>
        </form>
    }
}

/// The form "Add a memory"; the user id follows the filter until typed in.
#[component]
fn AddMemory(
    filter: RwSignal<MemoryFilter>,
    changes: UseAction,
) -> impl IntoView {
    let draft = Draft::new(String::new(), String::new(), filter.with_untracked(|f| f.user_id.clone()));
    Effect::new(move |_| {
        let u = filter.with(|f| f.user_id.clone());
        draft.user.set(u);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        draft.send(changes, Method::POST, "/memories".into(), move || {
            draft.text.set(String::new());
            draft.topics.set(String::new());
        });
    };
    view! {
        <section class="card" aria-labelledby="mem-add">
            <h2 id="mem-add">"Add a memory"</h2>
            <form class="memory-form" aria-label="Add a memory" on:submit=submit>
                {draft.fields(["e.g. Prefers short answers", "comma-separated, e.g. preferences, style", "optional"])}
                <button type="submit" disabled=move || changes.pending() || draft.blank()>
                    {move || if changes.pending() { "Adding…" } else { "Add memory" }}
                </button>
            </form>
        </section>
    }
}
