//! Session history: find any past conversation, read it as it happened,
//! rename or delete it, and pick it up again in the chat.

use crate::components::db_picker::{provide_db, route_db, DbPicker};
use crate::components::load::{items, not_loaded, use_action, use_get};
use crate::components::run_view::RunCard;
use crate::components::session_details::SessionDetails;
use crate::components::{Badge, Empty, ErrorNotice, Field, Pager};
use crate::route::{navigate, Route};
use agentos_client::db::DbDomain;
use crate::state::{labelled, use_app, AppState};
use agentos_client::reducer::{runs_to_views, RunView};
use agentos_client::sessions::{
    create_request, delete_many_body, parse_sessions, rename_request, session_path, session_runs_path, PageMeta,
    SessionDetail, SessionQuery, SessionSummary, SortBy,
};
use agentos_client::{ApiError, ComponentKind, FromJson};
use gloo_net::http::Method;
use leptos::prelude::*;

use agentos_client::time::human_time;

/// "Agent", "Team", "Workflow"; "Session" when the server does not say.
fn kind_label(k: Option<ComponentKind>) -> &'static str {
    k.map_or("Session", ComponentKind::label)
}

/// The name of the session's agent, team or workflow (its id when unknown).
fn component_name(state: AppState, kind: Option<ComponentKind>, id: &str) -> String {
    kind.map_or_else(|| id.to_string(), |k| state.component_name(k, id))
}

/// `#/sessions`.
#[component]
pub fn SessionsPage() -> impl IntoView {
    provide_db(DbDomain::Session);
    let state = use_app();
    let query = RwSignal::new(SessionQuery::default());
    let name_input = RwSignal::new(String::new());
    let selected = RwSignal::new(Vec::<(String, Option<ComponentKind>)>::new());
    let confirm_bulk = RwSignal::new(false);
    let action = use_action();
    let creating = RwSignal::new(false);

    let res = use_get(move || Some(query.with(SessionQuery::path)), parse_sessions);

    let set_page = move |p: u64| query.update(|q| q.page = p.max(1));
    let components = move || {
        state.catalog.with(|c| {
            c.as_ref()
                .map(|c| c.entries().into_iter().map(|e| (e.kind, e.id, e.name)).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };

    let delete_selected = move || {
        let items = selected.get_untracked();
        if items.is_empty() {
            return;
        }
        action.send(Method::DELETE, "/sessions".into(), Some(delete_many_body(&items)), move || {
            selected.set(Vec::new());
            res.reload();
        });
        confirm_bulk.set(false);
    };

    view! {
        <section>
            <div class="page-head">
                <h1>"Sessions"</h1>
                <DbPicker domain=DbDomain::Session/>
                <div class="actions">
                    <button type="button" on:click=move |_| creating.update(|c| *c = !*c) aria-expanded=move || creating.get().to_string()>
                        "New session"
                    </button>
                    <button type="button" on:click=move |_| res.reload()>"Refresh"</button>
                </div>
            </div>
            {move || creating.get().then(|| view! { <NewSession on_cancel=Callback::new(move |_| creating.set(false))/> })}
            <div class="filters" role="search" aria-label="Filter sessions">
                <label>
                    <span>"Type"</span>
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        query.update(|q| {
                            q.kind = ComponentKind::from_collection(&v);
                            q.component_id = None;
                            q.page = 1;
                        });
                    }>
                        <option value="">"All types"</option>
                        <option value="agent">"Agents"</option>
                        <option value="team">"Teams"</option>
                        <option value="workflow">"Workflows"</option>
                    </select>
                </label>
                <label>
                    <span>"Agent, team or workflow"</span>
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        query.update(|q| {
                            match v.split_once(':') {
                                Some((k, id)) => {
                                    q.kind = ComponentKind::from_collection(k);
                                    q.component_id = Some(id.to_string());
                                }
                                None => q.component_id = None,
                            }
                            q.page = 1;
                        });
                    }>
                        <option value="" selected=move || query.with(|q| q.component_id.is_none())>"Any"</option>
                        {move || components().into_iter()
                            .filter(|(k, _, _)| query.with(|q| q.kind.is_none() || q.kind == Some(*k)))
                            .map(|(k, id, name)| {
                                let value = format!("{}:{}", k.as_str(), id);
                                let sel = {
                                    let id = id.clone();
                                    move || query.with(|q| q.component_id.as_deref() == Some(id.as_str()))
                                };
                                view! { <option value=value selected=sel>{labelled(k, &name)}</option> }
                            }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>"User id"</span>
                    <input type="text" placeholder="any user" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        query.update(|q| { q.user_id = v; q.page = 1; });
                    }/>
                </label>
                <label>
                    <span>"Search by name"</span>
                    <input
                        type="search"
                        placeholder="session name"
                        bind:value=name_input
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" {
                            let v = name_input.get_untracked();
                            query.update(|q| { q.name = v; q.page = 1; });
                        }
                        on:change=move |_| {
                            let v = name_input.get_untracked();
                            query.update(|q| { q.name = v; q.page = 1; });
                        }
                    />
                </label>
                <label>
                    <span>"Sort by"</span>
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        query.update(|q| {
                            (q.sort, q.descending) = match v.as_str() {
                                "created-desc" => (SortBy::Created, true),
                                "created-asc" => (SortBy::Created, false),
                                "updated-asc" => (SortBy::Updated, false),
                                _ => (SortBy::Updated, true),
                            };
                            q.page = 1;
                        });
                    }>
                        <option value="updated-desc">"Last updated, newest first"</option>
                        <option value="updated-asc">"Last updated, oldest first"</option>
                        <option value="created-desc">"Created, newest first"</option>
                        <option value="created-asc">"Created, oldest first"</option>
                    </select>
                </label>
            </div>
            {action.notice()}
            {move || {
                let n = selected.with(Vec::len);
                (n > 0).then(|| view! {
                    <div class="bulk" role="group" aria-label="Selected sessions">
                        <span>{format!("{n} selected")}</span>
                        {move || if confirm_bulk.get() {
                            view! {
                                <button type="button" class="danger" on:click=move |_| delete_selected()>
                                    {format!("Confirm: delete {n} session(s)")}
                                </button>
                                <button type="button" on:click=move |_| confirm_bulk.set(false)>"Cancel"</button>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class="danger" on:click=move |_| confirm_bulk.set(true)>
                                    "Delete selected"
                                </button>
                            }.into_any()
                        }}
                    </div>
                })
            }}
            {res.show("Loading sessions…", move |(rows, meta)| session_table(rows.clone(), *meta, selected, set_page))}
        </section>
    }
}

/// Starts a new, empty session (`POST /sessions`) with an agent, team or
/// workflow, then opens it in the chat. What was typed stays when it fails.
#[component]
fn NewSession(on_cancel: Callback<()>) -> impl IntoView {
    let state = use_app();
    let target = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let action = use_action();
    let entries = move || state.catalog.with(|c| c.as_ref().map(|c| c.entries()).unwrap_or_default());

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = target.get_untracked();
        let Some((kind, id)) = t.split_once(':').and_then(|(k, id)| Some((ComponentKind::from_collection(k)?, id.to_string()))) else {
            action.set_error(Some(ApiError::Validation { detail: "choose an agent, team or workflow".into() }));
            return;
        };
        let (path, body) = create_request(kind, &id, &name.get_untracked(), &user.get_untracked());
        let read = |v: &_| SessionDetail::from_json(v).summary.session_id;
        action.send_read(Method::POST, path, Some(body), read, move |sid| {
            if sid.is_empty() {
                action.set_error(Some(ApiError::Decode { what: "the new session".into(), detail: "it has no session_id".into() }));
            } else {
                navigate(&Route::Chat { target: Some((kind, id)), session: Some(sid), present: false });
            }
        });
    };

    view! {
        <form class="card new-session" aria-label="New session" on:submit=create>
            <label>
                <span>"With"</span>
                <select required on:change=move |ev| target.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    {move || entries().into_iter().map(|e| {
                        let value = format!("{}:{}", e.kind.collection(), e.id);
                        view! { <option value=value>{e.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Name (optional)"</span>
                <input type="text" bind:value=name/>
            </label>
            <label>
                <span>"User id (optional)"</span>
                <input type="text" bind:value=user/>
            </label>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || action.pending()>"Create and open"</button>
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
            {action.notice()}
        </form>
    }
}

fn session_table(
    rows: Vec<SessionSummary>,
    meta: PageMeta,
    selected: RwSignal<Vec<(String, Option<ComponentKind>)>>,
    set_page: impl Fn(u64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let db = route_db();
    if rows.is_empty() {
        return view! {
            <Empty title="No sessions match" detail="Chat with an agent, team or workflow and its session appears here."/>
        }
        .into_any();
    }
    view! {
        <div class="table-scroll"><table class="sessions">
            <caption class="visually-hidden">"Sessions"</caption>
            <thead>
                <tr>
                    <th scope="col"><span class="visually-hidden">"Select"</span></th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"With"</th>
                    <th scope="col">"User"</th>
                    <th scope="col">"Updated"</th>
                    <th scope="col">"Tokens"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|s| {
                    let id = s.session_id.clone();
                    let kind = s.kind;
                    let name = s.display_name().to_string();
                    let checked = {
                        let id = id.clone();
                        move || selected.with(|v| v.iter().any(|(i, _)| *i == id))
                    };
                    let toggle = {
                        let id = id.clone();
                        move |ev: leptos::ev::Event| {
                            let on = event_target_checked(&ev);
                            selected.update(|v| {
                                v.retain(|(i, _)| *i != id);
                                if on {
                                    v.push((id.clone(), kind));
                                }
                            });
                        }
                    };
                    let with = s.component_id.as_deref().map(|c| component_name(use_app(), kind, c)).unwrap_or_default();
                    view! {
                        <tr>
                            <td><input type="checkbox" aria-label=format!("Select {name}") prop:checked=checked on:change=toggle/></td>
                            <td><a href=Route::Session(id.clone(), db.clone()).href()>{name.clone()}</a></td>
                            <td><Badge text=kind_label(kind)/></td>
                            <td>{with}</td>
                            <td class="mono small">{s.user_id.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="small">{s.updated_at.as_deref().map(human_time).unwrap_or_default()}</td>
                            <td class="small">{s.total_tokens.map(|t| t.to_string()).unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        <Pager meta=meta count=format!("{} sessions", meta.total_count) on_page=Callback::new(set_page)/>
    }
    .into_any()
}

/// `#/sessions/{id}`: the transcript and what can be done with it.
#[component]
pub fn SessionPage(id: String) -> impl IntoView {
    provide_db(DbDomain::Session);
    let back = Route::Sessions { db: route_db() };
    let path = session_path(&id, None);
    let detail = use_get(move || Some(path.clone()), SessionDetail::from_json);
    // The runs, asked for with the session, without its type: agno 3.1.10 finds the type
    // itself. A server that does not (it looks for an agent's session and answers 404, or
    // wants the type: 422) is asked again with the type the session says.
    let typed = RwSignal::new(false);
    let sid = id.clone();
    let runs = use_get(
        move || match typed.get() {
            false => Some(session_runs_path(&sid, None)),
            true => detail.with(|d| match d {
                Some(Ok(d)) => Some(session_runs_path(&sid, d.summary.kind)),
                _ => None,
            }),
        },
        items(runs_to_views),
    );
    let wants_type = |e: &ApiError| matches!(e, ApiError::NotFound { .. } | ApiError::Validation { .. });
    Effect::new(move |_| {
        if runs.error().is_some_and(|e| wants_type(&e)) && !typed.get_untracked() {
            typed.set(true);
        }
    });
    // That first refusal is not the page's error (the session's own 404 is).
    let runs_error = move || runs.error().filter(|e| typed.get() || !wants_type(e));
    let id2 = id.clone();
    view! {
        {move || match detail.with(|d| d.clone().map(|d| d.map(|d| (d, runs.ok())))) {
            None | Some(Ok((_, None))) => not_loaded(runs_error().as_ref(), "Loading the session…"),
            Some(Err(ApiError::NotFound { .. })) => view! {
                <section>
                    <h1>"Session not found"</h1>
                    <ErrorNotice error=ApiError::NotFound {
                        detail: Some(format!("there is no session “{}” on this server (it may have been deleted)", id2)),
                    }/>
                    <p><a href=back.href()>"Back to all sessions"</a></p>
                </section>
            }.into_any(),
            Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
            Some(Ok((detail, Some(views)))) => session_view(detail, views).into_any(),
        }}
    }
}

fn session_view(detail: SessionDetail, mut views: Vec<RunView>) -> impl IntoView {
    let state = use_app();
    let details = Signal::stored(Some(detail.clone()));
    let s = detail.summary.clone();
    views.iter_mut().for_each(|v| state.name_runs(v));
    let run_count = views.len();
    let name = RwSignal::new(s.display_name().to_string());
    let editing = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let action = use_action();
    let draft = RwSignal::new(s.display_name().to_string());
    let id = s.session_id.clone();
    let kind = s.kind;
    let with = s.component_id.as_deref().map(|c| component_name(state, kind, c));
    let continue_href = match (kind, s.component_id.clone()) {
        (Some(k), Some(c)) => Some(Route::Chat { target: Some((k, c)), session: Some(id.clone()), present: false }.href()),
        _ => None,
    };

    let rename = {
        let id = id.clone();
        move || {
            let new_name = draft.get_untracked();
            if new_name.trim().is_empty() {
                return;
            }
            let (path, body) = rename_request(&id, &new_name);
            action.send(Method::POST, path, Some(body), move || {
                name.set(new_name.trim().to_string());
                editing.set(false);
            });
        }
    };
    let delete = {
        let id = id.clone();
        move || {
            action.send(Method::DELETE, session_path(&id, None), None, || {
                navigate(&Route::Sessions { db: route_db() })
            });
            confirm_delete.set(false);
        }
    };

    view! {
        <article class="detail">
            <header class="page-head">
                <div>
                    <p class="eyebrow">{format!("{} session", kind_label(kind))}</p>
                    <h1>{move || name.get()}</h1>
                    <span class="mono muted small">{id.clone()}</span>
                </div>
                <div class="actions">
                    {continue_href.map(|h| view! { <a class="button primary" href=h>"Continue this chat"</a> })}
                    <button type="button" on:click=move |_| editing.set(true)>"Rename"</button>
                    {move || if confirm_delete.get() {
                        let delete = delete.clone();
                        view! {
                            <button type="button" class="danger" on:click=move |_| delete()>"Confirm delete"</button>
                            <button type="button" on:click=move |_| confirm_delete.set(false)>"Cancel"</button>
                        }.into_any()
                    } else {
                        view! { <button type="button" class="danger" on:click=move |_| confirm_delete.set(true)>"Delete"</button> }.into_any()
                    }}
                </div>
            </header>
            {action.notice()}
            {move || editing.get().then(|| {
                let rename = rename.clone();
                view! {
                    <form class="card form inline-form" aria-label="Rename session" on:submit=move |ev| { ev.prevent_default(); rename(); }>
                        <label for="session-name">"Session name"</label>
                        <input id="session-name" type="text" bind:value=draft/>
                        <div class="actions">
                            <button type="submit" class="primary">"Save"</button>
                            <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                        </div>
                    </form>
                }
            })}
            <dl class="fields card">
                <Field label="With" value=with.unwrap_or_else(|| "—".into())/>
                <Field label="User" value=s.user_id.clone().unwrap_or_else(|| "—".into())/>
                <Field label="Runs" value=run_count.to_string()/>
                <Field label="Tokens" value=s.total_tokens.map(|t| t.to_string()).unwrap_or_else(|| "—".into())/>
                <Field label="Created" value=s.created_at.as_deref().map(human_time).unwrap_or_default()/>
                <Field label="Updated" value=s.updated_at.as_deref().map(human_time).unwrap_or_default()/>
            </dl>
            <SessionDetails detail=details open=true/>
            {if views.is_empty() {
                view! { <Empty title="No runs in this session yet"/> }.into_any()
            } else {
                transcript(views)
            }}
        </article>
    }
}

/// A stored session's conversation: each turn's input and attachments, and its run (the
/// run view, Markdown and media: the chat's code, which the `session` area shares).
fn transcript(views: Vec<RunView>) -> AnyView {
                view! {
                    <ol class="transcript" aria-label="Conversation">
                        {views.into_iter().map(|v| {
                            let input = v.input.clone();
                            let attached = v.input_media.clone();
                            let session = v.session_id.clone();
                            view! {
                                <li class="turn">
                                    {(input.is_some() || !attached.is_empty()).then(|| view! {
                                        <div class="bubble user" aria-label="You said">
                                            <p class="prewrap">{input}</p>
                                            {(!attached.is_empty()).then(|| view! {
                                                {crate::components::media::media_list(attached, session, 0, "Your attachments")}
                                            })}
                                        </div>
                                    })}
                                    <RunCard run=Signal::stored(v)/>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
}
