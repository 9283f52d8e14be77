//! Knowledge bases: pick one (from `/config`), browse its content, add
//! content (a file with upload progress, a URL or pasted text) and follow its
//! processing, edit names and descriptions, delete, and search.
//!
//! The chosen base lives in the hash query (`#/knowledge?kb=<id>`), so it
//! survives a reload. Every request names it with `knowledge_id` and `db_id`.

use crate::components::db_picker::{route_db, DbPicker};
use crate::components::load::{self, use_action, use_get, UseAction, UseGet};
use crate::components::{plural, Badge, Empty, ErrorNotice, Notice, Pager, Tone};
use crate::route::{navigate, use_route_part, Route};
use crate::state::use_app;
use agentos_client::config::KnowledgeInstance;
use agentos_client::knowledge::*;
use agentos_client::time::{human_size, human_time};
use agentos_client::upload::{form_of, FormRequest};
use agentos_client::web::{sleep, Client};
use agentos_client::ApiError;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;

const PAGE_SIZE: u64 = 20;

/// A base's content list (reloaded after every change).
type List = UseGet<(Vec<Content>, PageMeta)>;

/// `#/knowledge` (and `#/knowledge?kb=<id>`).
#[component]
pub fn KnowledgePage() -> impl IntoView {
    let state = use_app();
    let wanted = use_route_part(|r| match r {
        Route::Knowledge { kb, .. } => Some(kb.clone()),
        _ => None,
    });

    // With several knowledge databases, `?db=` shows the bases of one (the page is made anew for it).
    let db = route_db();
    let bases = Memo::new(move |_| {
        let in_db = |b: &KnowledgeInstance| db.is_none() || b.db_id == db;
        state.catalog.with(|c| {
            c.as_ref().map(|c| c.config.knowledge_instances().iter().filter(|b| in_db(b)).cloned().collect::<Vec<_>>()).unwrap_or_default()
        })
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
    let choose =
        move |id: String| navigate(&Route::Knowledge { kb: Some(id).filter(|id| !id.is_empty()), db: route_db() });

    view! {
        <section class="knowledge">
            <div class="page-head">
                <h1>"Knowledge"</h1>
                <DbPicker domain=agentos_client::db::DbDomain::Knowledge all=true/>
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
                        <Notice title=format!("There is no knowledge base “{id}” on this server.") hint="Choose one of its knowledge bases."/>
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
    let target = Target::of(&kb);
    let page = RwSignal::new(1u64);
    let action = use_action();

    let config = {
        let t = target.clone();
        use_get(move || Some(config_path(&t)), KnowledgeConfig::from_json)
    };
    let contents: List = {
        let t = target.clone();
        use_get(move || Some(content_list_path(&t, page.get(), PAGE_SIZE)), parse_content_list)
    };
    // The config's parts the forms use; empty while loading or on failure.
    let cfg = Memo::new(move |_| config.ok().unwrap_or_default());
    let set_page = move |p: u64| page.set(p.max(1));

    let title = base_label(&kb).to_string();
    let about = [kb.description.clone(), kb.table.as_ref().map(|t| format!("Table {t}"))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let t_list = target.clone();
    let t_add = target.clone();
    let t_remote = target.clone();
    let t_wipe = target.clone();
    let wipe_title = title.clone();
    view! {
        <div class="kb">
            <div class="kb-head">
                <h2>{title}</h2>
                {(!about.is_empty()).then(|| view! { <p class="muted">{about}</p> })}
            </div>
            {move || config.error().map(|e| view! {
                <div class="kb-config-error">
                    <p class="small muted">"The readers, chunkers and search types could not be loaded; the server's defaults are used."</p>
                    <ErrorNotice error=e/>
                </div>
            })}

            <section class="card" aria-labelledby="kb-content">
                <div class="page-head">
                    <h3 id="kb-content">"Content"</h3>
                    <button type="button" on:click=move |_| contents.reload()>"Refresh"</button>
                </div>
                {action.notice()}
                {contents.show("Loading content…", move |(rows, meta)| {
                    content_list(rows.clone(), *meta, t_list.clone(), contents, action, set_page)
                })}
            </section>

            <AddContent target=t_add cfg=cfg list=contents/>
            {move || (!cfg.with(|c| c.remote_sources.is_empty())).then(|| view! { <RemoteContent target=t_remote.clone() cfg=cfg list=contents/> })}
            <Search target=target cfg=cfg/>
            <DeleteAll target=t_wipe title=wipe_title list=contents/>
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
    list: List,
    action: UseAction,
    set_page: impl Fn(u64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <Empty title="No content yet" detail="Add a file, a URL or some text below."/>
        }
        .into_any();
    }
    let items = Items { mode: RwSignal::new(Mode::Idle), list, action };
    view! {
        <ul class="kb-list" aria-label="Content">
            {rows.into_iter().map(|c| ((content_path(&target, &c.id), refresh_path(&target, &c.id)), c)).map(|(paths, c)| content_item(c, paths, items)).collect_view()}
        </ul>
        <Pager meta=meta count=plural(meta.total_count, "item", "items") on_page=Callback::new(set_page)/>
    }
    .into_any()
}

/// What the items of a list share: which one is being edited or deleted,
/// the list, and the action that changes them.
#[derive(Clone, Copy)]
struct Items {
    mode: RwSignal<Mode>,
    list: List,
    action: UseAction,
}

impl Items {
    /// After an edit or delete succeeded: back to idle and reload (on
    /// failure the action keeps the error and the list stays as it was).
    fn settle(self) {
        self.mode.set(Mode::Idle);
        self.list.reload();
    }
}

/// One content item; `paths` are its `/knowledge/content/{id}` and `…/refresh`.
fn content_item(c: Content, (path, refresh_path): (String, String), items: Items) -> impl IntoView {
    let Items { mode, action, .. } = items;
    let name = c.display_name().to_string();
    let id = c.id.clone();
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
        let path = path.clone();
        move || action.send(Method::DELETE, path.clone(), None, move || items.settle())
    };
    // Process it again (the server re-reads its source).
    let refresh = {
        move || action.send(Method::POST, refresh_path.clone(), None, move || items.settle())
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
                edit_form(c2.clone(), path.clone(), items).into_any()
            } else {
                let c = &c2;
                let delete = delete.clone();
                let refresh = refresh.clone();
                let confirming = confirming.clone();
                let (e, d) = (c.id.clone(), c.id.clone());
                let label = n2.clone();
                view! {
                    <h4 class="row-title">{label.clone()}</h4>
                    {c.description.clone().map(|d| view! { <p>{d}</p> })}
                    <div class="badges">
                        <Badge text=phase.label() tone=phase_tone(phase)/>
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
                                <button type="button" class="danger" disabled=move || action.pending() on:click=move |_| delete()>"Confirm delete"</button>
                                <button type="button" on:click=move |_| mode.set(Mode::Idle)>"Cancel"</button>
                            }.into_any()
                        } else {
                            let (e, d) = (e.clone(), d.clone());
                            let refresh = refresh.clone();
                            view! {
                                <button type="button" aria-label=format!("Edit content: {label}")
                                    on:click=move |_| mode.set(Mode::Edit(e.clone()))>"Edit"</button>
                                <button type="button" aria-label=format!("Re-process content: {label}") disabled=move || action.pending()
                                    on:click=move |_| refresh()>"Re-process"</button>
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

// The form fields, one shape each (not one view type per field: smaller wasm).

/// A labelled one-line input bound to `value`.
fn text_input(label: &'static str, kind: &'static str, value: RwSignal<String>, placeholder: Signal<String>) -> AnyView {
    view! {
        <label>
            <span>{label}</span>
            <input type=kind placeholder=move || placeholder.get() bind:value=value/>
        </label>
    }
    .into_any()
}

/// A labelled text area bound to `value`.
fn text_area(label: &'static str, rows: &'static str, value: RwSignal<String>, placeholder: &'static str) -> AnyView {
    view! {
        <label>
            <span>{label}</span>
            <textarea rows=rows placeholder=placeholder bind:value=value></textarea>
        </label>
    }
    .into_any()
}

/// A labelled select bound to `value`: `first` (the empty value), then
/// `options` as `(value, text)`.
fn select_input(label: &'static str, value: RwSignal<String>, first: &'static str, options: Signal<Vec<(String, String)>>) -> AnyView {
    view! {
        <label>
            <span>{label}</span>
            <select prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">{first}</option>
                {move || options.get().into_iter().map(|(v, t)| {
                    let key = v.clone();
                    view! { <option value=v selected=move || value.with(|x| *x == key)>{t}</option> }
                }).collect_view()}
            </select>
        </label>
    }
    .into_any()
}

fn fixed(s: &'static str) -> Signal<String> {
    Signal::stored(s.to_string())
}


/// A problem with the input, in words (`role=alert`).
fn problem_view(problem: RwSignal<Option<String>>) -> impl IntoView {
    move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })
}

/// The inline editor of a content's name and description (a form `PATCH`).
fn edit_form(c: Content, path: String, items: Items) -> impl IntoView {
    let Items { mode, action, .. } = items;
    let name = RwSignal::new(c.name.clone().unwrap_or_default());
    let description = RwSignal::new(c.description.clone().unwrap_or_default());
    let shown = serde_json::Value::Object(c.metadata_json.clone());
    let metadata = RwSignal::new(if c.metadata_json.is_empty() { String::new() } else { serde_json::to_string_pretty(&shown).unwrap_or_default() });
    let problem = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = match edit_fields(&name.get_untracked(), &description.get_untracked()) {
            Ok(f) => f,
            Err(e) => return problem.set(Some(e)),
        };
        // The metadata is checked as a JSON object before anything is sent.
        let fields = match metadata_field(&metadata.get_untracked()) {
            Ok(Some(m)) => fields.into_iter().chain([("metadata", m)]).collect(),
            Ok(None) => fields,
            Err(e) => return problem.set(Some(e)),
        };
        problem.set(None);
        let path = path.clone();
        // On an error the form stays open with what was typed.
        action.run(
            move |c| async move { send_form(&c, "PATCH", &path, &fields, None).await },
            move |_| items.settle(),
        );
    };
    let label = c.display_name().to_string();
    view! {
        <form class="kb-form" aria-label=format!("Edit content: {label}") on:submit=save>
            {text_input("Name", "text", name, fixed(""))}
            {text_input("Description", "text", description, fixed("optional"))}
            {text_area("Metadata (JSON object)", "4", metadata, "{\"team\": \"docs\"}")}
            <p class="muted small">"Keys given are added or changed; AgentOS keeps keys that are left out."</p>
            {problem_view(problem)}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || action.pending()>"Save"</button>
                <button type="button" on:click=move |_| mode.set(Mode::Idle)>"Cancel"</button>
            </div>
        </form>
    }
}

/// A file to send, its request, and where its progress goes (bytes sent, of a total if known).
type Upload = (web_sys::File, FormRequest, RwSignal<Option<(f64, Option<f64>)>>);

/// Sends text fields (and a file) as a form over XMLHttpRequest;
/// `progress` gets the upload's progress when given.
async fn send_form(
    client: &Client,
    method: &str,
    path: &str,
    fields: &[(&str, String)],
    upload: Option<Upload>,
) -> Result<Status, ApiError> {
    let data = form_of(fields)?;
    let (req, progress, timeout) = match upload {
        Some((file, req, progress)) => {
            let _ = data.append_with_blob_and_filename("file", &file, &file.name());
            (req, Some(progress), 0)
        }
        None => (FormRequest::new()?, None, 20_000),
    };
    let answer = req
        .send(client, method, path, &data, timeout, move |loaded, total| {
            if let Some(p) = progress {
                p.try_set(Some((loaded, total)));
            }
        })
        .await?;
    Ok(parse_status(&answer))
}

/// A content's id, phase and status message (see [`parse_status`]).
type Status = (Option<String>, Phase, Option<String>);

/// Follows a content's processing until it is done, failed, or polling
/// gives up (or the page is left), telling `status` and reloading the list
/// at the end.
async fn follow(client: Client, path: String, name: String, status: RwSignal<String>, list: List) {
    let mut errors = 0;
    let mut attempt = 0;
    while let Some(ms) = poll_delay_ms(attempt) {
        attempt += 1;
        sleep(ms as i32).await;
        if status.is_disposed() {
            return;
        }
        match load::get(&client, &path, parse_status).await {
            Ok((_, phase, message)) => {
                errors = 0;
                if phase.is_final() {
                    status.try_set(final_text(&name, phase, message));
                    list.reload();
                    return;
                }
            }
            Err(e) => {
                errors += 1;
                if errors >= 3 {
                    status.try_set(format!("Could not follow “{name}”: {}", e.title()));
                    list.reload();
                    return;
                }
            }
        }
    }
    status.try_set(format!("“{name}” is still processing; refresh the list later."));
    list.reload();
}

/// The form "Add content": a file (with upload progress), a URL or text,
/// with name, description, metadata, reader and chunker.
#[component]
fn AddContent(target: Target, cfg: Memo<KnowledgeConfig>, list: List) -> impl IntoView {
    let source = RwSignal::new(Source::File);
    let [name, description, url, text, metadata, reader, chunker, chunk_size, chunk_overlap] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let file_name = RwSignal::new(String::new());
    let file_input = NodeRef::<leptos::html::Input>::new();
    // The reader last chosen from the file type: it follows the next file
    // too, unless someone picked another one.
    let auto_reader = RwSignal::new(String::new());
    let action = use_action();
    let problem = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    // Upload progress: (bytes sent, total when known).
    let progress = RwSignal::new(None::<(f64, Option<f64>)>);
    let request = StoredValue::new_local(None::<FormRequest>);
    let chosen_file = move || file_input.get_untracked().and_then(|i| i.files()).and_then(|l| l.get(0));

    let on_file = move |_| file_name.set(chosen_file().map(|f| f.name()).unwrap_or_default());
    // The reader follows the file's type, from the readers `/knowledge/config` lists: also when
    // they arrive after the file was picked.
    Effect::new(move |_| {
        let r = file_name.with(|n| cfg.with(|c| c.reader_for_file(n))).unwrap_or_default();
        if reader.get_untracked() == auto_reader.get_untracked() {
            auto_reader.set(r.clone());
            reader.set(r);
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let src = source.get_untracked();
        let add = AddForm {
            name: name.get_untracked(),
            description: description.get_untracked(),
            url: url.get_untracked(),
            text: text.get_untracked(),
            metadata: metadata.get_untracked(),
            reader_id: reader.get_untracked(),
            chunker: chunker.get_untracked(),
            chunk_size: chunk_size.get_untracked(),
            chunk_overlap: chunk_overlap.get_untracked(),
        };
        let fields = match add.fields(src) {
            Ok(f) => f,
            Err(e) => return problem.set(Some(e)),
        };
        let file = chosen_file().filter(|_| src == Source::File);
        if src == Source::File && file.is_none() {
            return problem.set(Some("Choose a file to upload.".into()));
        }
        problem.set(None);
        let shown = match (add.name.trim(), src, &file) {
            (n, _, _) if !n.is_empty() => n.to_string(),
            (_, Source::File, Some(f)) => f.name(),
            (_, Source::Url, _) => add.url.trim().to_string(),
            _ => "the text".to_string(),
        };
        let req = match FormRequest::new() {
            Ok(r) => r,
            Err(e) => return action.set_error(Some(e)),
        };
        request.set_value(Some(req.clone()));
        let path = add_path(&target);
        let status_target = target.clone();
        progress.set(file.as_ref().map(|f| (0.0, Some(f.size()))));
        status.set(format!("{} “{shown}”…", if file.is_some() { "Uploading" } else { "Adding" }));
        action.run(
            move |client| async move {
                let r = send_form(&client, "POST", &path, &fields, file.map(|f| (f, req, progress))).await;
                progress.try_set(None);
                request.try_set_value(None);
                match r {
                    Ok(st) => Ok(Some((client, st))),
                    // Cancelled on purpose: said in the status, not as an error.
                    Err(ApiError::Aborted) => Ok(None),
                    Err(e) => {
                        status.try_set(String::new());
                        Err(e)
                    }
                }
            },
            move |added| {
                let Some((client, (id, phase, message))) = added else {
                    return status.set("Upload cancelled.".into());
                };
                // Only now is the form emptied: a failure keeps what was typed.
                for s in [name, description, url, text, metadata, reader, chunker, chunk_size, chunk_overlap, file_name, auto_reader] {
                    s.set(String::new());
                }
                if let Some(i) = file_input.get_untracked() {
                    i.set_value("");
                }
                list.reload();
                match id {
                    Some(id) if !phase.is_final() => {
                        status.set(format!("“{shown}” was added and is being processed…"));
                        let path = status_path(&status_target, &id);
                        spawn_local(follow(client, path, shown, status, list));
                    }
                    _ => status.set(final_text(&shown, phase, message)),
                }
            },
        );
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
            Some(t) if t > 0.0 => ((loaded * 100.0 / t) as u32).min(100),
            _ => 0,
        })
    };
    let readers = Signal::derive(move || cfg.with(|c| c.readers.iter().map(|r| (r.id.clone(), r.name.clone())).collect()));
    let chunkers = Signal::derive(move || {
        let r = reader.get();
        cfg.with(|c| {
            c.chunkers_for(&r)
                .into_iter()
                .map(|k| {
                    let name = c.chunker(&k).map(|c| c.name.clone()).unwrap_or_else(|| k.clone());
                    (k, name)
                })
                .collect()
        })
    });
    let chunk_default = move |size: bool| {
        Signal::derive(move || {
            let key = chunker.get();
            cfg.with(|c| c.chunker(&key).and_then(|c| if size { c.chunk_size } else { c.chunk_overlap }))
                .map(|n| format!("default {n}"))
                .unwrap_or_else(|| "default".into())
        })
    };
    let name_hint = Signal::derive(move || {
        let f = file_name.get();
        if f.is_empty() { "optional".to_string() } else { f }
    });

    view! {
        <section class="card" aria-labelledby="kb-add">
            <h3 id="kb-add">"Add content"</h3>
            <form class="kb-form" aria-label="Add content" on:submit=submit>
                <fieldset class="kb-sources">
                    <legend>"Add from"</legend>
                    {radio(Source::File, "A file")}
                    {radio(Source::Url, "A URL")}
                    {radio(Source::Text, "Pasted text")}
                </fieldset>
                <label class:hidden=move || source.get() != Source::File>
                    <span>"File"</span>
                    <input type="file" node_ref=file_input on:change=on_file/>
                </label>
                {move || match source.get() {
                    Source::File => None,
                    Source::Url => Some(text_input("URL", "url", url, fixed("https://…"))),
                    Source::Text => Some(text_area("Text", "5", text, "")),
                }}
                <div class="kb-grid">
                    {text_input("Name", "text", name, name_hint)}
                    {text_input("Description", "text", description, fixed("optional"))}
                </div>
                {text_area("Metadata", "2", metadata, "key=value, one per line (or a JSON object)")}
                <div class="kb-grid">
                    {select_input("Reader", reader, "Automatic", readers)}
                    {select_input("Chunker", chunker, "Default", chunkers)}
                    {text_input("Chunk size", "text", chunk_size, chunk_default(true))}
                    {text_input("Chunk overlap", "text", chunk_overlap, chunk_default(false))}
                </div>
                {problem_view(problem)}
                {action.notice()}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || action.pending()>"Add content"</button>
                    {move || (action.pending() && progress.with(Option::is_some)).then(|| view! {
                        <button type="button" on:click=move |_| request.with_value(|r| if let Some(r) = r { r.abort() })>"Cancel upload"</button>
                    })}
                </div>
                {move || percent().map(|p| view! {
                    <div class="kb-progress">
                        <progress aria-label="Upload progress" max="100" value=p></progress>
                        <span aria-hidden="true">{p}"%"</span>
                    </div>
                })}
                <p class="kb-status" role="status" aria-live="polite" aria-label="Add status">{move || status.get()}</p>
            </form>
        </section>
    }
}

/// A content's processing phase as a badge colour.
fn phase_tone(phase: Phase) -> Tone {
    match phase {
        Phase::Processing => Tone::Accent,
        Phase::Completed => Tone::Ok,
        Phase::Partial => Tone::Warn,
        Phase::Failed => Tone::Danger,
    }
}

/// "“name”: completed. message" and the like.
fn final_text(name: &str, phase: Phase, message: Option<String>) -> String {
    let mut s = format!("“{name}”: {}", phase.label().to_ascii_lowercase());
    if let Some(m) = message {
        s.push_str(". ");
        s.push_str(&m);
    }
    s
}

/// Search the base: query, search type, result limit, filters.
#[component]
fn Search(target: Target, cfg: Memo<KnowledgeConfig>) -> impl IntoView {
    let [query, search_type, filters] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let max_results = RwSignal::new("10".to_string());
    let problem = RwSignal::new(None::<String>);
    // The last answer: the query it was for and its hits (an error is the
    // action's). Cleared when a new search starts, so an earlier answer is
    // never shown as if it were the new one's; the action drops an answer
    // that a newer search overtook.
    let answer = RwSignal::new(None::<(String, Vec<SearchHit>)>);
    let search = use_action();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = SearchForm {
            query: query.get_untracked(),
            search_type: search_type.get_untracked(),
            max_results: max_results.get_untracked(),
            filters: filters.get_untracked(),
        };
        let body = match search_body(&target, &form) {
            Ok(b) => b,
            Err(e) => return problem.set(Some(e)),
        };
        problem.set(None);
        answer.set(None);
        let q = form.query.trim().to_string();
        search.send_read(Method::POST, SEARCH_PATH.into(), Some(body), |v| parse_search(v).0, move |hits| {
            answer.set(Some((q, hits)))
        });
    };
    let types = Signal::derive(move || cfg.with(|c| c.search_types().into_iter().map(|t| (t.clone(), t)).collect()));
    let filter_hint = Signal::derive(move || {
        cfg.with(|c| c.filters.first().map(|k| format!("{k}=…")).unwrap_or_else(|| "key=value".into()))
    });

    view! {
        <section class="card" aria-labelledby="kb-search">
            <h3 id="kb-search">"Search"</h3>
            <form class="kb-form" role="search" aria-label="Search knowledge" on:submit=submit>
                {text_input("Search for", "search", query, fixed(""))}
                <div class="kb-grid">
                    {select_input("Search type", search_type, "Default", types)}
                    {text_input("Result limit", "text", max_results, fixed("server default"))}
                    {text_input("Filters", "text", filters, filter_hint)}
                </div>
                <p class="help muted">
                    "Filters: key=value pairs, separated by commas. "
                    {move || cfg.with(|c| (!c.filters.is_empty()).then(|| format!("Keys: {}.", c.filters.join(", "))))}
                </p>
                {problem_view(problem)}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || search.pending()>"Search"</button>
                </div>
            </form>
            {move || search.pending().then(|| view! { <p class="muted small" role="status">"Searching…"</p> })}
            {search.notice()}
            {move || answer.get().map(|(query, hits)| match hits {
                hits if hits.is_empty() => view! {
                    <div role="status">
                        <Empty title="No results" detail=format!("Nothing in this knowledge base matches “{query}”. Try other words, another search type or fewer filters.")/>
                    </div>
                }.into_any(),
                hits => view! {
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

/// "Delete all content": wipes the base (`DELETE /knowledge/content`), only
/// once its name is typed exactly.
#[component]
fn DeleteAll(target: Target, title: String, list: List) -> impl IntoView {
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let action = use_action();
    let matches = {
        let title = title.clone();
        move || typed.with(|t| t.trim() == title.trim())
    };
    let wipe = {
        let path = delete_all_path(&target);
        let title = title.clone();
        let matches = matches.clone();
        move || {
            if !matches() {
                return;
            }
            let title = title.clone();
            action.send(Method::DELETE, path.clone(), None, move || {
                open.set(false);
                typed.set(String::new());
                done.set(Some(format!("Every content of “{title}” was deleted.")));
                list.reload();
            });
        }
    };
    let prompt = format!("Type “{title}” to confirm");
    view! {
        <section class="card danger-zone" aria-labelledby="kb-wipe">
            <h3 id="kb-wipe">"Delete all content"</h3>
            <div role="status" aria-live="polite" class="small">{move || done.get()}</div>
            {move || if open.get() {
                let (wipe, matches, prompt) = (wipe.clone(), matches.clone(), prompt.clone());
                view! {
                    <p>"Every content of this knowledge base and its search index entries are deleted. This cannot be undone."</p>
                    <label>
                        <span>{prompt}</span>
                        <input type="text" autocomplete="off" bind:value=typed/>
                    </label>
                    {action.notice()}
                    <div class="actions">
                        <button type="button" class="danger" disabled=move || action.pending() || !matches() on:click=move |_| wipe()>
                            "Delete all content now"
                        </button>
                        <button type="button" on:click=move |_| { open.set(false); typed.set(String::new()); }>"Cancel"</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="danger" on:click=move |_| { done.set(None); open.set(true); }>"Delete all content…"</button>
                }.into_any()
            }}
        </section>
    }
}

/// "Add from a remote source": a file or folder of a source the base
/// configures (`remote_content_sources` of `/knowledge/config`), sent as
/// `POST /knowledge/remote-content` and followed like any added content.
#[component]
fn RemoteContent(target: Target, cfg: Memo<KnowledgeConfig>, list: List) -> impl IntoView {
    let source = RwSignal::new(String::new());
    let path = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let action = use_action();
    let sources = Signal::derive(move || {
        cfg.with(|c| c.remote_sources.iter().map(|s| (s.id.clone(), if s.kind.is_empty() { s.name.clone() } else { format!("{} ({})", s.name, s.kind) })).collect::<Vec<_>>())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = match remote_fields(&source.get_untracked(), &path.get_untracked(), &name.get_untracked(), "") {
            Ok(f) => f,
            Err(e) => return problem.set(Some(e)),
        };
        problem.set(None);
        let shown = path.get_untracked().trim().to_string();
        let post = remote_path(&target);
        let t = target.clone();
        status.set(format!("Adding “{shown}”…"));
        action.run(
            move |client| async move { send_form(&client, "POST", &post, &fields, None).await.map(|st| (client, st)) },
            move |(client, (id, phase, message))| {
                path.set(String::new());
                name.set(String::new());
                list.reload();
                match id {
                    Some(id) if !phase.is_final() => {
                        status.set(format!("“{shown}” was added and is being processed…"));
                        spawn_local(follow(client, status_path(&t, &id), shown, status, list));
                    }
                    _ => status.set(final_text(&shown, phase, message)),
                }
            },
        );
    };
    view! {
        <section class="card" aria-labelledby="kb-remote">
            <h3 id="kb-remote">"Add from a remote source"</h3>
            <form class="kb-form" aria-label="Add from a remote source" on:submit=submit>
                {select_input("Source", source, "Choose…", sources)}
                {text_input("Path in the source", "text", path, fixed("a file or folder, e.g. docs/"))}
                {text_input("Name", "text", name, fixed("optional"))}
                {problem_view(problem)}
                {action.notice()}
                <button type="submit" class="primary" disabled=move || action.pending()>"Add from source"</button>
            </form>
            <div role="status" aria-live="polite" class="small">{move || status.get()}</div>
        </section>
    }
}
