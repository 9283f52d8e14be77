//! Memories: what the AgentOS remembers about its users. Browse by user,
//! topic and text; add, edit and delete memories.

use crate::components::{plural, Badge, Empty, ErrorNotice, Loading, Pager};
use crate::state::use_app;
use agentos_client::memory::{
    memories_path, memory_body, memory_path, parse_memories, parse_topics,
    parse_user_stats, topics_path, unique_labels, user_stats_path, Memory, MemoryFilter, PageMeta,
    UserStats,
};
use agentos_client::time::human_time;
use agentos_client::ApiError;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
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
    let state = use_app();
    let initial_user = crate::route::hash_query("user").unwrap_or_default();
    let filter = RwSignal::new(MemoryFilter { user_id: initial_user.clone(), ..Default::default() });
    let user_input = RwSignal::new(initial_user.clone());
    let search_input = RwSignal::new(String::new());
    let search_tick = RwSignal::new(0u32);
    let reload = RwSignal::new(0u32);
    let action_error = RwSignal::new(None::<ApiError>);
    let mode = RwSignal::new(Mode::Idle);

    // The user of the filter, also when it comes from a changed `?user=`.
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let u = crate::route::hash_query("user").unwrap_or_default();
        if u != filter.with_untracked(|f| f.user_id.clone()) {
            user_input.set(u.clone());
            filter.update(|f| {
                f.user_id = u;
                f.page = 1;
            });
        }
    });
    on_cleanup(move || handle.remove());

    let memories = LocalResource::new(move || {
        let client = state.client.get();
        let path = filter.with(memories_path);
        reload.track();
        async move {
            let Some(c) = client else { return Err(ApiError::Aborted) };
            let v: Value = c.get_json(&path).await?;
            Ok(parse_memories(&v))
        }
    });
    let topics = LocalResource::new(move || {
        let client = state.client.get();
        let user = filter.with(|f| f.user_id.trim().to_string());
        reload.track();
        async move {
            let Some(c) = client else { return Err(ApiError::Aborted) };
            let v: Value = c.get_json(&topics_path(Some(&user))).await?;
            Ok(parse_topics(&v))
        }
    });
    let stats = LocalResource::new(move || {
        let client = state.client.get();
        reload.track();
        async move {
            let Some(c) = client else { return Err(ApiError::Aborted) };
            let v: Value = c.get_json(&user_stats_path(1, 100)).await?;
            Ok(parse_user_stats(&v))
        }
    });

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
    let done = move |r: Result<Value, ApiError>| match r {
        Ok(_) => {
            action_error.set(None);
            mode.set(Mode::Idle);
            reload.update(|n| *n += 1);
            true
        }
        Err(e) => {
            action_error.set(Some(e));
            false
        }
    };

    view! {
        <section class="memories">
            <div class="page-head">
                <h1>"Memories"</h1>
                <button type="button" on:click=move |_| reload.update(|n| *n += 1)>"Refresh"</button>
            </div>

            <UsersOverview stats=stats filter=filter set_user=set_user/>

            <div class="filters" role="search" aria-label="Filter memories">
                <label>
                    <span>"User id"</span>
                    <input
                        type="text"
                        placeholder="any user"
                        prop:value=move || user_input.get()
                        on:input=move |ev| user_input.set(event_target_value(&ev))
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
                            let mut list = topics.get().and_then(Result::ok).unwrap_or_default();
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

            {move || action_error.get().map(|e| view! { <ErrorNotice error=e/> })}

            <Transition fallback=|| view! { <Loading label="Loading memories…"/> }>
                {move || memories.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok((rows, meta)) => {
                        let filtered = filter.with_untracked(MemoryFilter::is_filtered);
                        memory_list(rows, meta, filtered, mode, set_page, done).into_any()
                    }
                })}
            </Transition>

            <AddMemory filter=filter done=done/>
        </section>
    }
}

/// The list "Users" from `/user_memory_stats`; choosing one filters by it.
#[component]
fn UsersOverview(
    stats: LocalResource<Result<(Vec<UserStats>, PageMeta), ApiError>>,
    filter: RwSignal<MemoryFilter>,
    set_user: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="mem-users">
            <h2 id="mem-users">"Users"</h2>
            <Transition fallback=|| view! { <Loading label="Loading users…"/> }>
                {move || stats.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok((rows, _)) if rows.is_empty() => view! {
                        <Empty title="No user has memories yet"/>
                    }.into_any(),
                    Ok((rows, _)) => view! {
                        <ul class="user-stats" aria-label="Users">
                            <li>
                                <button
                                    type="button"
                                    aria-pressed=move || filter.with(|f| f.user_id.is_empty()).to_string()
                                    on:click=move |_| set_user(String::new())
                                >"All users"</button>
                            </li>
                            {rows.into_iter().map(|s| {
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
            </Transition>
        </section>
    }
}

fn memory_list(
    rows: Vec<Memory>,
    meta: PageMeta,
    filtered: bool,
    mode: RwSignal<Mode>,
    set_page: impl Fn(u64) + Copy + Send + Sync + 'static,
    done: impl Fn(Result<Value, ApiError>) -> bool + Copy + Send + Sync + 'static,
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
            {rows.into_iter().zip(labels).map(|(m, label)| memory_item(m, label, mode, done)).collect_view()}
        </ul>
        <Pager meta=meta count=plural(meta.total_count, "memory", "memories") on_page=Callback::new(set_page)/>
    }
    .into_any()
}

fn memory_item(
    m: Memory,
    label: String,
    mode: RwSignal<Mode>,
    done: impl Fn(Result<Value, ApiError>) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app();
    let id = m.memory_id.clone();
    let editing = {
        let id = id.clone();
        move || mode.with(|md| *md == Mode::Edit(id.clone()))
    };
    let confirming = {
        let id = id.clone();
        move || mode.with(|md| *md == Mode::Confirm(id.clone()))
    };
    let busy = RwSignal::new(false);
    let delete = {
        let id = id.clone();
        let user = m.user_id.clone();
        move || {
            let Some(client) = state.client.get_untracked() else { return };
            let path = memory_path(&id, user.as_deref());
            busy.set(true);
            spawn_local(async move {
                let r = client.send_empty::<Value>(Method::DELETE, &path).await;
                busy.set(false);
                done(r);
            });
        }
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
                edit_form(m2.clone(), label2.clone(), mode, done).into_any()
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
                                    <button type="button" class="danger" disabled=move || busy.get() on:click=move |_| delete()>
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

/// The inline editor of one memory: text, topics, user; Save / Cancel.
fn edit_form(
    m: Memory,
    label: String,
    mode: RwSignal<Mode>,
    done: impl Fn(Result<Value, ApiError>) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app();
    let text = RwSignal::new(m.memory.clone());
    let topics = RwSignal::new(m.topics.join(", "));
    let user = RwSignal::new(m.user_id.clone().unwrap_or_default());
    let busy = RwSignal::new(false);
    let id = m.memory_id.clone();
    let old_user = m.user_id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if text.with_untracked(|t| t.trim().is_empty()) {
            return;
        }
        let Some(client) = state.client.get_untracked() else { return };
        let body = memory_body(&text.get_untracked(), &topics.get_untracked(), &user.get_untracked());
        let path = memory_path(&id, old_user.as_deref());
        busy.set(true);
        spawn_local(async move {
            let r = client.send_json::<Value>(Method::PATCH, &path, &body).await;
            busy.set(false);
            done(r);
        });
    };
    view! {
        <form class="memory-form" aria-label=format!("Edit memory: {label}") on:submit=save>
            <label>
                <span>"Memory"</span>
                <textarea
                    rows="3"
                    required
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            </label>
            <label>
                <span>"Topics"</span>
                <input type="text" placeholder="comma-separated" prop:value=move || topics.get()
                    on:input=move |ev| topics.set(event_target_value(&ev))/>
            </label>
            <label>
                <span>"User id"</span>
                <input type="text" prop:value=move || user.get() on:input=move |ev| user.set(event_target_value(&ev))/>
            </label>
            <div class="actions">
                <button type="submit" disabled=move || busy.get() || text.with(|t| t.trim().is_empty())>"Save"</button>
                <button type="button" on:click=move |_| mode.set(Mode::Idle)>"Cancel"</button>
            </div>
        </form>
    }
}

/// The form "Add a memory"; the user id follows the filter until typed in.
#[component]
fn AddMemory(
    filter: RwSignal<MemoryFilter>,
    done: impl Fn(Result<Value, ApiError>) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app();
    let text = RwSignal::new(String::new());
    let topics = RwSignal::new(String::new());
    let user = RwSignal::new(filter.with_untracked(|f| f.user_id.clone()));
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let u = filter.with(|f| f.user_id.clone());
        user.set(u);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if text.with_untracked(|t| t.trim().is_empty()) {
            return;
        }
        let Some(client) = state.client.get_untracked() else { return };
        let body = memory_body(&text.get_untracked(), &topics.get_untracked(), &user.get_untracked());
        busy.set(true);
        spawn_local(async move {
            let r = client.send_json::<Value>(Method::POST, "/memories", &body).await;
            busy.set(false);
            if done(r) {
                text.set(String::new());
                topics.set(String::new());
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="mem-add">
            <h2 id="mem-add">"Add a memory"</h2>
            <form class="memory-form" aria-label="Add a memory" on:submit=submit>
                <label>
                    <span>"Memory"</span>
                    <textarea
                        rows="3"
                        required
                        placeholder="e.g. Prefers short answers"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <label>
                    <span>"Topics"</span>
                    <input type="text" placeholder="comma-separated, e.g. preferences, style"
                        prop:value=move || topics.get() on:input=move |ev| topics.set(event_target_value(&ev))/>
                </label>
                <label>
                    <span>"User id"</span>
                    <input type="text" placeholder="optional" prop:value=move || user.get()
                        on:input=move |ev| user.set(event_target_value(&ev))/>
                </label>
                <button type="submit" disabled=move || busy.get() || text.with(|t| t.trim().is_empty())>
                    {move || if busy.get() { "Adding…" } else { "Add memory" }}
                </button>
            </form>
        </section>
    }
}
