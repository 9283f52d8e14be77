//! Knowledge bases: pick one (from `/config`), browse its content, add
//! content (a file with upload progress, a URL or pasted text) and follow its
//! processing, edit names and descriptions, delete, and search.
//!
//! The chosen base lives in the hash query (`#/knowledge?kb=<id>`), so it
//! survives a reload. Every request names it with `knowledge_id` and `db_id`.

use crate::components::{Badge, Empty, ErrorNotice, Loading, Pager};
use crate::state::use_app;
use agentos_client::config::KnowledgeInstance;
use agentos_client::knowledge::*;
use agentos_client::memory::human_time;
use agentos_client::upload::{form_of, FormRequest};
use agentos_client::web::{sleep, Client};
use agentos_client::ApiError;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

const PAGE_SIZE: u64 = 20;

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `#/knowledge` (and `#/knowledge?kb=<id>`).
#[component]
pub fn KnowledgePage() -> impl IntoView {
    let state = use_app();
    let wanted = RwSignal::new(crate::route::hash_query("kb"));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let kb = crate::route::hash_query("kb");
        if kb != wanted.get_untracked() {
            wanted.set(kb);
        }
    });
    on_cleanup(move || handle.remove());

    let bases = Memo::new(move |_| {
        state
            .catalog
            .with(|c| c.as_ref().map(|c| c.config.knowledge_instances().to_vec()).unwrap_or_default())
    });
    // The base shown: the one in the URL, else the only one.
    let selected = Memo::new(move |_| {
        let list = bases.get();
        match wanted.get() {
            Some(id) => list.into_iter().find(|b| b.id == id),
            None if list.len() == 1 => list.into_iter().next(),
            None => None,
        }
    });
    let choose = move |id: String| {
        if let Some(w) = web_sys::window() {
            let hash = if id.is_empty() {
                "/knowledge".to_string()
            } else {
                format!("/knowledge?kb={}", crate::route::encode_segment(&id))
            };
            let _ = w.location().set_hash(&hash);
        }
    };

    view! {
        <section class="knowledge">
            <div class="page-head">
                <h1>"Knowledge"</h1>
            </div>
            {move || {
                let list = bases.get();
                if list.is_empty() {
                    return view! {
                        <Empty
                            title="This AgentOS has no knowledge base"
                            detail="Give an agent or a team a knowledge base (knowledge=Knowledge(...) with a contents database) and it appears here."
                        />
                    }.into_any();
                }
                let missing = wanted.get().filter(|id| !list.iter().any(|b| &b.id == id));
                view! {
                    {(list.len() > 1).then(|| view! {
                        <label class="kb-picker">
                            <span>"Knowledge base"</span>
                            <select on:change=move |ev| choose(event_target_value(&ev))>
                                <option value="" selected=move || selected.with(Option::is_none)>"Choose a knowledge base"</option>
                                {list.iter().map(|b| {
                                    let id = b.id.clone();
                                    let sel = move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == id));
                                    view! { <option value=b.id.clone() selected=sel>{base_label(b).to_string()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    {missing.map(|id| view! {
                        <div class="notice notice-error" role="alert">
                            <p class="notice-title">{format!("There is no knowledge base “{id}” on this server.")}</p>
                            <p class="notice-hint">"Choose one of its knowledge bases."</p>
                        </div>
                    })}
                    {(list.len() > 1 && selected.with(Option::is_none)).then(|| view! {
                        <Empty title="Choose a knowledge base" detail=plural(list.len() as u64, "knowledge base", "knowledge bases")/>
                    })}
                }.into_any()
            }}
            {move || selected.get().map(|kb| view! { <KnowledgeBase kb=kb/> })}
        </section>
    }
}

/// Everything about one knowledge base.
#[component]
fn KnowledgeBase(kb: KnowledgeInstance) -> impl IntoView {
    let state = use_app();
    let target = Target::of(&kb);
    let page = RwSignal::new(1u64);
    let reload = RwSignal::new(0u32);
    let action_error = RwSignal::new(None::<ApiError>);

    let config = {
        let t = target.clone();
        LocalResource::new(move || {
            let client = state.client.get();
            let path = config_path(&t);
            async move {
                let Some(c) = client else { return Err(ApiError::Aborted) };
                let v: Value = c.get_json(&path).await?;
                Ok(KnowledgeConfig::from_json(&v))
            }
        })
    };
    // The config's parts the forms use; empty while loading or on failure.
    let cfg = Memo::new(move |_| config.get().and_then(Result::ok).unwrap_or_default());
    let contents = {
        let t = target.clone();
        LocalResource::new(move || {
            let client = state.client.get();
            let path = content_list_path(&t, page.get(), PAGE_SIZE);
            reload.track();
            async move {
                let Some(c) = client else { return Err(ApiError::Aborted) };
                let v: Value = c.get_json(&path).await?;
                Ok(parse_content_list(&v))
            }
        })
    };
    let set_page = move |p: u64| page.set(p.max(1));

    let title = base_label(&kb).to_string();
    let about = [kb.description.clone(), kb.table.as_ref().map(|t| format!("Table {t}"))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let t_list = target.clone();
    let t_add = target.clone();
    view! {
        <div class="kb">
            <div class="kb-head">
                <h2>{title}</h2>
                {(!about.is_empty()).then(|| view! { <p class="muted">{about}</p> })}
            </div>
            {move || config.get().and_then(Result::err).map(|e| view! {
                <div class="kb-config-error">
                    <p class="small muted">"The readers, chunkers and search types could not be loaded; the server's defaults are used."</p>
                    <ErrorNotice error=e/>
                </div>
            })}

            <section class="card" aria-labelledby="kb-content">
                <div class="page-head">
                    <h3 id="kb-content">"Content"</h3>
                    <button type="button" on:click=move |_| reload.update(|n| *n += 1)>"Refresh"</button>
                </div>
                {move || action_error.get().map(|e| view! { <ErrorNotice error=e/> })}
                <Transition fallback=|| view! { <Loading label="Loading content…"/> }>
                    {move || contents.get().map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok((rows, meta)) => content_list(rows, meta, t_list.clone(), reload, action_error, set_page).into_any(),
                    })}
                </Transition>
            </section>

            <AddContent target=t_add cfg=cfg reload=reload/>
            <Search target=target cfg=cfg/>
        </div>
    }
}

/// What one content item is doing: nothing, being edited, or asking to
/// confirm its deletion. Only one item at a time.
#[derive(Clone, Debug, PartialEq)]
enum Mode {
    Idle,
    Edit(String),
    Confirm(String),
}

fn content_list(
    rows: Vec<Content>,
    meta: PageMeta,
    target: Target,
    reload: RwSignal<u32>,
    action_error: RwSignal<Option<ApiError>>,
    set_page: impl Fn(u64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <Empty title="No content yet" detail="Add a file, a URL or some text below."/>
        }
        .into_any();
    }
    let mode = RwSignal::new(Mode::Idle);
    view! {
        <ul class="kb-list" aria-label="Content">
            {rows.into_iter().map(|c| content_item(c, target.clone(), mode, reload, action_error)).collect_view()}
        </ul>
        <Pager meta=meta count=plural(meta.total_count, "item", "items") on_page=Callback::new(set_page)/>
    }
    .into_any()
}

fn content_item(
    c: Content,
    target: Target,
    mode: RwSignal<Mode>,
    reload: RwSignal<u32>,
    action_error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let state = use_app();
    let name = c.display_name().to_string();
    let id = c.id.clone();
    let busy = RwSignal::new(false);
    let phase = c.phase();
    let facts = [
        c.kind.clone(),
        c.size.map(human_size),
        c.linked_to.clone().map(|l| format!("Linked to {l}")),
        c.created_at.as_deref().map(|t| format!("Added {}", human_time(t))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");

    let delete = {
        let path = content_path(&target, &id);
        move || {
            let Some(client) = state.client.get_untracked() else { return };
            let path = path.clone();
            busy.set(true);
            spawn_local(async move {
                let r = client.send_empty::<Value>(Method::DELETE, &path).await;
                if busy.is_disposed() {
                    return;
                }
                busy.set(false);
                match r {
                    Ok(_) => {
                        action_error.set(None);
                        mode.set(Mode::Idle);
                        reload.update(|n| *n += 1);
                    }
                    Err(e) => action_error.set(Some(e)),
                }
            });
        }
    };
    let editing = {
        let id = id.clone();
        move || mode.with(|m| *m == Mode::Edit(id.clone()))
    };
    let confirming = {
        let id = id.clone();
        move || mode.with(|m| *m == Mode::Confirm(id.clone()))
    };
    let c2 = c.clone();
    let n2 = name.clone();
    view! {
        <li class="card kb-item" aria-label=name.clone()>
            {move || if editing() {
                edit_form(c2.clone(), target.clone(), mode, reload, action_error).into_any()
            } else {
                let c = &c2;
                let delete = delete.clone();
                let confirming = confirming.clone();
                let (e, d) = (c.id.clone(), c.id.clone());
                let label = n2.clone();
                view! {
                    <h4 class="row-title">{label.clone()}</h4>
                    {c.description.clone().map(|d| view! { <p>{d}</p> })}
                    <div class="badges">
                        <Badge text=phase.label() tone=phase.tone()/>
                        {(!facts.is_empty()).then(|| view! { <span class="muted small">{facts.clone()}</span> })}
                    </div>
                    {c.status_message.clone().map(|m| view! {
                        <p class=if phase == Phase::Failed { "kb-status-msg error-text" } else { "kb-status-msg muted small" }>{m}</p>
                    })}
                    {(!c.metadata.is_empty()).then(|| view! {
                        <dl class="fields kb-meta" aria-label="Metadata">
                            {c.metadata.iter().map(|(k, v)| view! {
                                <div class="field"><dt>{k.clone()}</dt><dd>{v.clone()}</dd></div>
                            }).collect_view()}
                        </dl>
                    })}
                    <div class="actions">
                        {move || if confirming() {
                            let delete = delete.clone();
                            view! {
                                <span class="small">"Delete this content and its search index entries?"</span>
                                <button type="button" class="danger" disabled=move || busy.get() on:click=move |_| delete()>"Confirm delete"</button>
                                <button type="button" on:click=move |_| mode.set(Mode::Idle)>"Cancel"</button>
                            }.into_any()
                        } else {
                            let (e, d) = (e.clone(), d.clone());
                            view! {
                                <button type="button" aria-label=format!("Edit content: {label}")
                                    on:click=move |_| mode.set(Mode::Edit(e.clone()))>"Edit"</button>
                                <button type="button" class="danger" aria-label=format!("Delete content: {label}")
                                    on:click=move |_| mode.set(Mode::Confirm(d.clone()))>"Delete"</button>
                            }.into_any()
                        }}
                    </div>
                }.into_any()
            }}
        </li>
    }
}

/// The inline editor of a content's name and description (a form `PATCH`).
fn edit_form(
    c: Content,
    target: Target,
    mode: RwSignal<Mode>,
    reload: RwSignal<u32>,
    action_error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let state = use_app();
    let name = RwSignal::new(c.name.clone().unwrap_or_default());
    let description = RwSignal::new(c.description.clone().unwrap_or_default());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let path = content_path(&target, &c.id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = match edit_fields(&name.get_untracked(), &description.get_untracked()) {
            Ok(f) => f,
            Err(e) => return problem.set(Some(e)),
        };
        problem.set(None);
        let Some(client) = state.client.get_untracked() else { return };
        let path = path.clone();
        busy.set(true);
        spawn_local(async move {
            let r = match form_of(&fields) {
                Ok(form) => match FormRequest::new() {
                    Ok(req) => req.send(&client, "PATCH", &path, &form, 20_000, |_, _| {}).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match r {
                Ok(_) => {
                    action_error.set(None);
                    mode.set(Mode::Idle);
                    reload.update(|n| *n += 1);
                }
                // The form stays open with what was typed.
                Err(e) => action_error.set(Some(e)),
            }
        });
    };
    let label = c.display_name().to_string();
    view! {
        <form class="kb-form" aria-label=format!("Edit content: {label}") on:submit=save>
            <label>
                <span>"Name"</span>
                <input type="text" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            <label>
                <span>"Description"</span>
                <textarea rows="2" prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            </label>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" on:click=move |_| mode.set(Mode::Idle)>"Cancel"</button>
            </div>
        </form>
    }
}

/// Follows a content's processing until it is done, failed, or polling
/// gives up (or the page is left), telling `status` and reloading the list
/// at the end.
async fn follow(client: Client, path: String, name: String, status: RwSignal<String>, reload: RwSignal<u32>) {
    let mut errors = 0;
    let mut attempt = 0;
    while let Some(ms) = poll_delay_ms(attempt) {
        attempt += 1;
        sleep(ms as i32).await;
        if status.is_disposed() {
            return;
        }
        match client.get_json::<Value>(&path).await {
            Ok(v) => {
                errors = 0;
                let (_, phase, message) = parse_status(&v);
                if phase.is_final() {
                    let mut s = format!("“{name}”: {}", phase.label().to_lowercase());
                    if let Some(m) = message {
                        s.push_str(". ");
                        s.push_str(&m);
                    }
                    status.try_set(s);
                    reload.try_update(|n| *n += 1);
                    return;
                }
            }
            Err(e) => {
                errors += 1;
                if errors >= 3 {
                    status.try_set(format!("Could not follow “{name}”: {}", e.title()));
                    reload.try_update(|n| *n += 1);
                    return;
                }
            }
        }
    }
    status.try_set(format!("“{name}” is still processing; refresh the list later."));
    reload.try_update(|n| *n += 1);
}

/// The form "Add content": a file (with upload progress), a URL or text,
/// with name, description, metadata, reader and chunker.
#[component]
fn AddContent(target: Target, cfg: Memo<KnowledgeConfig>, reload: RwSignal<u32>) -> impl IntoView {
    let state = use_app();
    let source = RwSignal::new(Source::File);
    let form = RwSignal::new(AddForm::default());
    let file_name = RwSignal::new(None::<String>);
    let file_input = NodeRef::<leptos::html::Input>::new();
    // Whether the reader was chosen by hand (else it follows the file type).
    let reader_chosen = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(String::new());
    // Upload progress: (bytes sent, total when known).
    let progress = RwSignal::new(None::<(f64, Option<f64>)>);
    let request = StoredValue::new_local(None::<FormRequest>);

    let set = move |f: fn(&mut AddForm, String)| move |ev| form.update(|a| f(a, event_target_value(&ev)));
    let on_file = move |_| {
        let name = file_input.get_untracked().and_then(|i| i.files()).and_then(|l| l.get(0)).map(|f| f.name());
        if let Some(n) = &name {
            if !reader_chosen.get_untracked() {
                let r = cfg.with_untracked(|c| c.reader_for_file(n)).unwrap_or_default();
                form.update(|a| a.reader_id = r);
            }
        }
        file_name.set(name);
    };

    let submit = {
        let target = target.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let src = source.get_untracked();
            let fields = match form.with_untracked(|f| f.fields(src)) {
                Ok(f) => f,
                Err(e) => return problem.set(Some(e)),
            };
            let file = if src == Source::File {
                match file_input.get_untracked().and_then(|i| i.files()).and_then(|l| l.get(0)) {
                    Some(f) => Some(f),
                    None => return problem.set(Some("Choose a file to upload.".into())),
                }
            } else {
                None
            };
            problem.set(None);
            error.set(None);
            let Some(client) = state.client.get_untracked() else { return };
            let shown = form.with_untracked(|f| {
                let n = f.name.trim();
                if !n.is_empty() {
                    n.to_string()
                } else {
                    match src {
                        Source::File => file.as_ref().map(|f| f.name()).unwrap_or_default(),
                        Source::Url => f.url.trim().to_string(),
                        Source::Text => "the text".to_string(),
                    }
                }
            });
            let data = match form_of(&fields) {
                Ok(d) => d,
                Err(e) => return error.set(Some(e)),
            };
            if let Some(f) = &file {
                let _ = data.append_with_blob_and_filename("file", f, &f.name());
            }
            let req = match FormRequest::new() {
                Ok(r) => r,
                Err(e) => return error.set(Some(e)),
            };
            request.set_value(Some(req.clone()));
            let path = add_path(&target);
            let status_target = target.clone();
            busy.set(true);
            progress.set(file.as_ref().map(|f| (0.0, Some(f.size()))));
            status.set(if file.is_some() { format!("Uploading “{shown}”…") } else { format!("Adding “{shown}”…") });
            spawn_local(async move {
                let r = req
                    .send(&client, "POST", &path, &data, 0, move |loaded, total| {
                        progress.try_set(Some((loaded, total)));
                    })
                    .await;
                if busy.is_disposed() {
                    return;
                }
                busy.set(false);
                progress.set(None);
                request.set_value(None);
                match r {
                    Ok(v) => {
                        // Only now is the form emptied: a failure keeps what was typed.
                        form.update(|f| {
                            *f = AddForm { reader_id: String::new(), ..AddForm::default() };
                        });
                        reader_chosen.set(false);
                        file_name.set(None);
                        if let Some(i) = file_input.get_untracked() {
                            i.set_value("");
                        }
                        reload.update(|n| *n += 1);
                        let (id, phase, message) = parse_status(&v);
                        match id {
                            Some(id) if !phase.is_final() => {
                                status.set(format!("“{shown}” was added and is being processed…"));
                                let path = status_path(&status_target, &id);
                                follow(client, path, shown, status, reload).await;
                            }
                            _ => {
                                let mut s = format!("“{shown}”: {}", phase.label().to_lowercase());
                                if let Some(m) = message {
                                    s.push_str(". ");
                                    s.push_str(&m);
                                }
                                status.set(s);
                            }
                        }
                    }
                    Err(e) => {
                        status.set(String::new());
                        if e != ApiError::Aborted {
                            error.set(Some(e));
                        } else {
                            status.set("Upload cancelled.".into());
                        }
                    }
                }
            });
        }
    };

    let radio = move |value: Source, label: &'static str| {
        view! {
            <label class="kb-radio">
                <input type="radio" name="kb-source" prop:checked=move || source.get() == value
                    on:change=move |_| { source.set(value); problem.set(None); }/>
                <span>{label}</span>
            </label>
        }
    };
    let percent = move || {
        progress.get().map(|(loaded, total)| match total {
            Some(t) if t > 0.0 => ((loaded / t * 100.0).round() as u32).min(100),
            _ => 0,
        })
    };

    view! {
        <section class="card" aria-labelledby="kb-add">
            <h3 id="kb-add">"Add content"</h3>
            <form class="kb-form" aria-label="Add content" on:submit=submit>
                <fieldset class="kb-sources">
                    <legend>"Add from"</legend>
                    {radio(Source::File, "File")}
                    {radio(Source::Url, "URL")}
                    {radio(Source::Text, "Text")}
                </fieldset>
                <label class:hidden=move || source.get() != Source::File>
                    <span>"File"</span>
                    <input type="file" node_ref=file_input on:change=on_file/>
                </label>
                {move || (source.get() == Source::Url).then(|| view! {
                    <label>
                        <span>"URL"</span>
                        <input type="url" placeholder="https://…" prop:value=move || form.with(|f| f.url.clone())
                            on:input=set(|f, v| f.url = v)/>
                    </label>
                })}
                {move || (source.get() == Source::Text).then(|| view! {
                    <label>
                        <span>"Text"</span>
                        <textarea rows="5" prop:value=move || form.with(|f| f.text.clone())
                            on:input=set(|f, v| f.text = v)></textarea>
                    </label>
                })}
                <div class="kb-grid">
                    <label>
                        <span>"Name"</span>
                        <input type="text" placeholder=move || file_name.get().unwrap_or_else(|| "optional".into())
                            prop:value=move || form.with(|f| f.name.clone()) on:input=set(|f, v| f.name = v)/>
                    </label>
                    <label>
                        <span>"Description"</span>
                        <input type="text" placeholder="optional"
                            prop:value=move || form.with(|f| f.description.clone()) on:input=set(|f, v| f.description = v)/>
                    </label>
                </div>
                <label>
                    <span>"Metadata"</span>
                    <textarea rows="2" placeholder="key=value, one per line (or a JSON object)"
                        prop:value=move || form.with(|f| f.metadata.clone()) on:input=set(|f, v| f.metadata = v)></textarea>
                </label>
                <div class="kb-grid">
                    <label>
                        <span>"Reader"</span>
                        <select
                            prop:value=move || form.with(|f| f.reader_id.clone())
                            on:change=move |ev| {
                                let r = event_target_value(&ev);
                                reader_chosen.set(!r.is_empty());
                                form.update(|f| { f.reader_id = r; f.chunker.clear(); });
                            }
                        >
                            <option value="">"Automatic"</option>
                            {move || cfg.with(|c| c.readers.iter().map(|r| {
                                let id = r.id.clone();
                                let sel = move || form.with(|f| f.reader_id == id);
                                view! { <option value=r.id.clone() selected=sel title=r.description.clone().unwrap_or_default()>{r.name.clone()}</option> }
                            }).collect_view())}
                        </select>
                    </label>
                    <label>
                        <span>"Chunker"</span>
                        <select prop:value=move || form.with(|f| f.chunker.clone()) on:change=set(|f, v| f.chunker = v)>
                            <option value="">"Default"</option>
                            {move || {
                                let reader = form.with(|f| f.reader_id.clone());
                                cfg.with(|c| c.chunkers_for(&reader).into_iter().map(|k| {
                                    let name = c.chunker(&k).map(|c| c.name.clone()).unwrap_or_else(|| k.clone());
                                    let key = k.clone();
                                    let sel = move || form.with(|f| f.chunker == key);
                                    view! { <option value=k selected=sel>{name}</option> }
                                }).collect_view())
                            }}
                        </select>
                    </label>
                    <label>
                        <span>"Chunk size"</span>
                        <input type="text" inputmode="numeric"
                            placeholder=move || chunk_default(cfg, form, true)
                            prop:value=move || form.with(|f| f.chunk_size.clone()) on:input=set(|f, v| f.chunk_size = v)/>
                    </label>
                    <label>
                        <span>"Chunk overlap"</span>
                        <input type="text" inputmode="numeric"
                            placeholder=move || chunk_default(cfg, form, false)
                            prop:value=move || form.with(|f| f.chunk_overlap.clone()) on:input=set(|f, v| f.chunk_overlap = v)/>
                    </label>
                </div>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Adding…" } else { "Add content" }}
                    </button>
                    {move || (busy.get() && progress.with(Option::is_some)).then(|| view! {
                        <button type="button" on:click=move |_| request.with_value(|r| if let Some(r) = r { r.abort() })>"Cancel upload"</button>
                    })}
                </div>
                {move || percent().map(|p| view! {
                    <div class="kb-progress">
                        <progress aria-label="Upload progress" max="100" value=p.to_string()></progress>
                        <span aria-hidden="true">{format!("{p}%")}</span>
                    </div>
                })}
                <p class="kb-status" role="status" aria-live="polite" aria-label="Add status">{move || status.get()}</p>
            </form>
        </section>
    }
}

/// The chunker's default size or overlap, as a placeholder.
fn chunk_default(cfg: Memo<KnowledgeConfig>, form: RwSignal<AddForm>, size: bool) -> String {
    let key = form.with(|f| f.chunker.clone());
    cfg.with(|c| c.chunker(&key).and_then(|c| if size { c.chunk_size } else { c.chunk_overlap }))
        .map(|n| format!("default {n}"))
        .unwrap_or_else(|| "default".into())
}

/// Search the base: query, search type, result limit, filters.
#[component]
fn Search(target: Target, cfg: Memo<KnowledgeConfig>) -> impl IntoView {
    let state = use_app();
    let form = RwSignal::new(SearchForm { max_results: "10".into(), ..Default::default() });
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    // The last answer: the query it was for, and hits or the error.
    let answer = RwSignal::new(None::<(String, Result<Vec<SearchHit>, ApiError>)>);
    let set = move |f: fn(&mut SearchForm, String)| move |ev| form.update(|a| f(a, event_target_value(&ev)));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match form.with_untracked(|f| search_body(&target, f)) {
            Ok(b) => b,
            Err(e) => return problem.set(Some(e)),
        };
        problem.set(None);
        let Some(client) = state.client.get_untracked() else { return };
        let query = form.with_untracked(|f| f.query.trim().to_string());
        busy.set(true);
        spawn_local(async move {
            let r = client.send_json::<Value>(Method::POST, SEARCH_PATH, &body).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            answer.set(Some((query, r.map(|v| parse_search(&v).0))));
        });
    };

    view! {
        <section class="card" aria-labelledby="kb-search">
            <h3 id="kb-search">"Search"</h3>
            <form class="kb-form" role="search" aria-label="Search knowledge" on:submit=submit>
                <label>
                    <span>"Search for"</span>
                    <input type="search" prop:value=move || form.with(|f| f.query.clone()) on:input=set(|f, v| f.query = v)/>
                </label>
                <div class="kb-grid">
                    <label>
                        <span>"Search type"</span>
                        <select prop:value=move || form.with(|f| f.search_type.clone()) on:change=set(|f, v| f.search_type = v)>
                            <option value="">"Default"</option>
                            {move || cfg.with(|c| c.search_types().into_iter().map(|t| {
                                let key = t.clone();
                                let sel = move || form.with(|f| f.search_type == key);
                                let text = t.clone();
                                view! { <option value=t selected=sel>{text}</option> }
                            }).collect_view())}
                        </select>
                    </label>
                    <label>
                        <span>"Result limit"</span>
                        <input type="text" inputmode="numeric" placeholder="server default"
                            prop:value=move || form.with(|f| f.max_results.clone()) on:input=set(|f, v| f.max_results = v)/>
                    </label>
                    <label>
                        <span>"Filters"</span>
                        <input type="text"
                            placeholder=move || cfg.with(|c| c.filters.first().map(|k| format!("{k}=…")).unwrap_or_else(|| "key=value".into()))
                            prop:value=move || form.with(|f| f.filters.clone()) on:input=set(|f, v| f.filters = v)/>
                    </label>
                </div>
                <p class="help muted">
                    {move || cfg.with(|c| if c.filters.is_empty() {
                        "Filters: key=value pairs, separated by commas.".to_string()
                    } else {
                        format!("Filters: key=value pairs, separated by commas. Keys: {}.", c.filters.join(", "))
                    })}
                </p>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Searching…" } else { "Search" }}
                    </button>
                </div>
            </form>
            {move || answer.get().map(|(query, r)| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(hits) if hits.is_empty() => view! {
                    <div role="status">
                        <Empty title="No results" detail=format!("Nothing in this knowledge base matches “{query}”. Try other words, another search type or fewer filters.")/>
                    </div>
                }.into_any(),
                Ok(hits) => view! {
                    <p class="muted small" role="status">{plural(hits.len() as u64, "result", "results")}</p>
                    <ol class="kb-results" aria-label="Search results">
                        {hits.into_iter().map(hit_view).collect_view()}
                    </ol>
                }.into_any(),
            })}
        </section>
    }
}

fn hit_view(h: SearchHit) -> impl IntoView {
    let title = h.name.clone().or_else(|| h.source.clone()).unwrap_or_else(|| "Untitled".into());
    let facts = [
        h.source.as_ref().filter(|s| Some(*s) != h.name.as_ref()).map(|s| format!("Source: {s}")),
        h.chunk.map(|c| format!("Chunk {c}")),
        h.score.map(|s| format!("Score {}", score_text(s))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let label = title.clone();
    view! {
        <li class="kb-hit" aria-label=label>
            <p class="kb-hit-head"><strong>{title}</strong>
                {(!facts.is_empty()).then(|| view! { <span class="muted small">{format!(" · {facts}")}</span> })}
            </p>
            <p class="prewrap">{h.content}</p>
        </li>
    }
}
