//! Memories: what the AgentOS remembers about its users. Browse by user,
//! topic and text; add, edit and delete memories.

use crate::components::db_picker::{provide_db, DbPicker};
use crate::components::load::{use_action, use_get, UseAction, UseGet};
use crate::components::{plural, Badge, Empty, PageHead, Pager, UserIdField};
use crate::route::{use_route_part, Route};
use crate::state::use_app;
use agentos_client::memory::{
    delete_many_body, memories_path, memory_body, memory_path, optimize_body, parse_memories, parse_topics,
    parse_user_stats, topics_path, unique_labels, user_stats_path, Memory, MemoryFilter, Optimized, PageMeta,
    UserStats, OPTIMIZE_PATH,
};
use agentos_client::{ComponentKind, FromJson};
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
    // The memories ticked for "Delete selected" (ids), and whether it asks to confirm.
    let selected = RwSignal::new(Vec::<String>::new());
    let confirm_bulk = RwSignal::new(false);
    // Another list (filter or page) starts with nothing selected.
    Effect::new(move |_| {
        filter.track();
        selected.set(Vec::new());
        confirm_bulk.set(false);
    });

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
    // One `DELETE /memories` for every ticked memory (with the filter's user).
    let delete_selected = move || {
        let ids = selected.get_untracked();
        if ids.is_empty() {
            return;
        }
        let user = filter.with_untracked(|f| f.user_id.clone());
        changes.send(Method::DELETE, "/memories".into(), Some(delete_many_body(&ids, Some(&user))), move || {
            selected.set(Vec::new());
            confirm_bulk.set(false);
        });
    };
    let component_filter = move |kind: ComponentKind, label: &'static str, any: &'static str| {
        let get = move |f: &MemoryFilter| if kind == ComponentKind::Team { f.team_id.clone() } else { f.agent_id.clone() };
        view! {
            <label>
                <span>{label}</span>
                <select
                    prop:value=move || filter.with(get)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| {
                            if kind == ComponentKind::Team { f.team_id = v } else { f.agent_id = v }
                            f.page = 1;
                        });
                    }
                >
                    <option value="" selected=move || filter.with(|f| get(f).is_empty())>{any}</option>
                    {move || {
                        let mut list: Vec<(String, String)> = use_app().catalog.with(|c| {
                            c.as_ref()
                                .map(|c| c.entries().into_iter().filter(|e| e.kind == kind).map(|e| (e.id, e.name)).collect())
                                .unwrap_or_default()
                        });
                        let current = filter.with_untracked(get);
                        if !current.is_empty() && !list.iter().any(|(id, _)| *id == current) {
                            list.push((current.clone(), current));
                        }
                        list.into_iter().map(|(id, name)| {
                            let sel = { let id = id.clone(); move || filter.with(|f| get(f) == id) };
                            view! { <option value=id selected=sel>{name}</option> }
                        }).collect_view()
                    }}
                </select>
            </label>
        }
    };

    view! {
        <section class="memories">
            <PageHead title="Memories" on_refresh=Callback::new(move |()| reload())>
                <DbPicker domain=agentos_client::db::DbDomain::Memory/>
            </PageHead>

            <UsersOverview stats=stats filter=filter set_user=set_user/>

            <div class="filters" role="search" aria-label="Filter memories">
                <UserIdField value=user_input placeholder="any user" on_apply=Callback::new(move |()| apply_user())/>
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
                {component_filter(ComponentKind::Agent, "Agent", "Any agent")}
                {component_filter(ComponentKind::Team, "Team", "Any team")}
            </div>

            {changes.notice()}
            {move || {
                let n = selected.with(Vec::len);
                (n > 0).then(|| view! {
                    <div class="bulk" role="group" aria-label="Selected memories">
                        <span>{format!("{} selected", n)}</span>
                        {move || if confirm_bulk.get() {
                            view! {
                                <span class="small">{format!("Delete {}?", plural(n as u64, "memory", "memories"))}</span>
                                <button type="button" class="danger" disabled=move || changes.pending() on:click=move |_| delete_selected()>
                                    "Confirm delete"
                                </button>
                                <button type="button" on:click=move |_| confirm_bulk.set(false)>"Cancel"</button>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class="danger" on:click=move |_| confirm_bulk.set(true)>"Delete selected"</button>
                            }.into_any()
                        }}
                    </div>
                })
            }}

            {memories.show("Loading memories…", move |(rows, meta)| {
                let filtered = filter.with_untracked(MemoryFilter::is_filtered);
                memory_list(rows.clone(), *meta, filtered, mode, selected, set_page, changes)
            })}

            <Optimize filter=filter on_applied=Callback::new(move |()| reload())/>

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
                            {rows.iter().map(|s| {
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
    selected: RwSignal<Vec<String>>,
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
            {rows.into_iter().zip(labels).map(|(m, label)| memory_item(m, label, mode, selected, changes)).collect_view()}
        </ul>
        <Pager meta=meta count=plural(meta.total_count, "memory", "memories") on_page=Callback::new(set_page)/>
    }
    .into_any()
}

fn memory_item(
    m: Memory,
    label: String,
    mode: RwSignal<Mode>,
    selected: RwSignal<Vec<String>>,
    changes: UseAction,
) -> impl IntoView {
    let id = m.memory_id.clone();
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                s.retain(|x| *x != id);
                if on {
                    s.push(id.clone());
                }
            });
        }
    };
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
            <label class="select small">
                <input type="checkbox" aria-label=format!("Select memory: {label}") prop:checked=checked on:change=toggle/>
            </label>
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

/// "Optimize memories": one user's memories summarized by the server
/// (`POST /optimize-memories`): a preview first (`apply=false`, nothing
/// saved), then Apply (which summarizes again and replaces them).
#[component]
fn Optimize(filter: RwSignal<MemoryFilter>, on_applied: Callback<()>) -> impl IntoView {
    let model = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<(String, Optimized)>);
    let applied = RwSignal::new(None::<String>);
    let action = use_action();
    let user = move || filter.with(|f| f.user_id.trim().to_string());
    // Another user: the preview was not theirs.
    Effect::new(move |_| {
        user();
        preview.set(None);
    });
    let run = move |apply: bool| {
        let u = user();
        if u.is_empty() {
            return;
        }
        applied.set(None);
        let body = optimize_body(&u, &model.get_untracked(), apply);
        action.send_read(Method::POST, OPTIMIZE_PATH.into(), Some(body), Optimized::from_json, move |o: Optimized| {
            if apply {
                applied.set(Some(format!(
                    "Optimized: {} became {}.",
                    plural(o.memories_before, "memory", "memories"),
                    plural(o.memories_after, "memory", "memories")
                )));
                preview.set(None);
                on_applied.run(());
            } else {
                preview.set(Some((u, o)));
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="mem-optimize">
            <h2 id="mem-optimize">"Optimize memories"</h2>
            {move || if user().is_empty() {
                view! { <p class="muted small">"Choose a user to summarize their memories into fewer."</p> }.into_any()
            } else {
                view! {
                    <p class="muted small">{move || format!("Summarizes every memory of {} into one, with the model below (the server's default when empty). Preview shows the result without saving it.", user())}</p>
                    <div class="filters">
                        <label>
                            <span>"Model (provider:model_id)"</span>
                            <input type="text" placeholder="server default, e.g. openai:gpt-4o-mini" bind:value=model/>
                        </label>
                        <button type="button" disabled=move || action.pending() on:click=move |_| run(false)>
                            {move || if action.pending() { "Working…" } else { "Preview optimization" }}
                        </button>
                    </div>
                }.into_any()
            }}
            {action.notice()}
            <div role="status" aria-live="polite" class="small">{move || applied.get()}</div>
            {move || preview.get().map(|(u, o)| view! {
                <div class="optimize-preview" role="region" aria-label="Optimization preview">
                    <p>
                        {format!("Before: {} ({} tokens). After: {} ({} tokens), {} tokens saved ({}%).",
                            plural(o.memories_before, "memory", "memories"), o.tokens_before,
                            plural(o.memories_after, "memory", "memories"), o.tokens_after,
                            // Whole percent without float formatting (smaller wasm).
                            o.tokens_saved, (o.reduction_percentage.clamp(0.0, 100.0) + 0.5) as u64)}
                    </p>
                    <ul class="cards" aria-label="Memories after optimization">
                        {o.memories.iter().map(|m| view! {
                            <li class="card memory">
                                <p class="memory-text">{m.memory.clone()}</p>
                                {(!m.topics.is_empty()).then(|| view! {
                                    <div class="badges" aria-label="Topics">
                                        {m.topics.iter().map(|t| view! { <Badge text=t.clone()/> }).collect_view()}
                                    </div>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                    <div class="actions">
                        <button type="button" class="danger" disabled=move || action.pending() on:click=move |_| run(true)>
                            {format!("Apply: replace the memories of {u}")}
                        </button>
                        <button type="button" on:click=move |_| preview.set(None)>"Discard preview"</button>
                    </div>
                </div>
            })}
        </section>
    }
}
