//! Traces: the list (filters kept in the hash query, so `#/traces?run_id=<id>`
//! links work) and one trace's span waterfall with each span's input, output
//! and metadata.

use crate::components::{Badge, Empty, ErrorNotice, Field, Loading, Pager};
use crate::route::{encode_segment, Route};
use crate::state::{use_app, AppState};
use agentos_client::memory::{excerpt, human_time};
use agentos_client::traces::{
    flatten, format_duration, input_to_iso, iso_to_input, parse_time_us, parse_traces, percent,
    trace_path, FlatSpan, PageMeta, TraceDetail, TraceFilter, TraceSummary,
};
use agentos_client::{ApiError, ComponentKind};
use leptos::prelude::*;
use serde_json::Value;
use std::sync::Arc;

fn kind_word(k: ComponentKind) -> &'static str {
    match k {
        ComponentKind::Agent => "Agent",
        ComponentKind::Team => "Team",
        ComponentKind::Workflow => "Workflow",
    }
}

/// "Agent · Calculator" from the catalog (the id when the server does not list it).
fn component_label(state: AppState, c: &(ComponentKind, String)) -> String {
    let name = state.catalog.with_untracked(|cat| cat.as_ref().and_then(|cat| cat.name_of(c.0, &c.1)));
    format!("{} · {}", kind_word(c.0), name.unwrap_or_else(|| c.1.clone()))
}

fn status_badge(status: &str, error: bool) -> impl IntoView {
    let text = if status.is_empty() { "unknown".to_string() } else { status.to_string() };
    let tone = if error { "danger" } else if status.eq_ignore_ascii_case("ok") { "ok" } else { "neutral" };
    view! { <Badge text=text tone=tone/> }
}

/// Keeps the filter in the hash query without a new history entry (and
/// without a `hashchange`, which would re-create the page).
fn write_hash(f: &TraceFilter) {
    let q = f.hash_query();
    let hash = if q.is_empty() { "#/traces".to_string() } else { format!("#/traces?{q}") };
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}

/// `#/traces` (filters: `run_id`, `session_id`, `user_id`, `agent_id`,
/// `team_id`, `workflow_id`, `status`, `start_time`, `end_time`, `page`).
#[component]
pub fn TracesPage() -> impl IntoView {
    let state = use_app();
    let filter = RwSignal::new(TraceFilter::from_query(crate::route::hash_query));
    let reload = RwSignal::new(0u32);
    Effect::new(move |_| filter.with(write_hash));

    let res = LocalResource::new(move || {
        let client = state.client.get();
        let path = filter.with(TraceFilter::path);
        reload.track();
        async move {
            let Some(c) = client else { return Err(ApiError::Aborted) };
            let v: Value = c.get_json(&path).await?;
            Ok(parse_traces(&v))
        }
    });

    let text_filter = move |key: &'static str, label: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input
                    type="text"
                    placeholder="any"
                    prop:value=move || filter.with(|f| f.get(key).to_string())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| f.set(key, &v));
                    }
                />
            </label>
        }
    };
    let time_filter = move |key: &'static str, label: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input
                    type="datetime-local"
                    prop:value=move || filter.with(|f| iso_to_input(f.get(key)))
                    on:change=move |ev| {
                        let v = input_to_iso(&event_target_value(&ev));
                        filter.update(|f| f.set(key, &v));
                    }
                />
            </label>
        }
    };
    let components = move || {
        state.catalog.with(|c| c.as_ref().map(|c| c.entries()).unwrap_or_default())
    };

    view! {
        <section class="traces">
            <div class="page-head">
                <h1>"Traces"</h1>
                <button type="button" on:click=move |_| reload.update(|n| *n += 1)>"Reload"</button>
            </div>
            <div class="filters" role="search" aria-label="Filter traces">
                <label>
                    <span>"Agent, team or workflow"</span>
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| match v.split_once(':') {
                            Some((k, id)) => f.set_component(ComponentKind::from_collection(k).map(|k| (k, id))),
                            None => f.set_component(None),
                        });
                    }>
                        <option value="" selected=move || filter.with(|f| f.component().is_none())>"Any"</option>
                        {move || {
                            let mut list: Vec<(ComponentKind, String, String)> =
                                components().into_iter().map(|e| (e.kind, e.id, e.name)).collect();
                            // A filter from a link to something the catalog does not list.
                            if let Some((k, id)) = filter.with_untracked(|f| f.component().map(|(k, id)| (k, id.to_string()))) {
                                if !list.iter().any(|(lk, lid, _)| *lk == k && *lid == id) {
                                    list.push((k, id.clone(), id));
                                }
                            }
                            list.into_iter().map(|(k, id, name)| {
                                let value = format!("{}:{}", k.as_str(), id);
                                let sel = move || filter.with(|f| f.component() == Some((k, id.as_str())));
                                view! { <option value=value selected=sel>{format!("{} · {}", kind_word(k), name)}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label>
                    <span>"Status"</span>
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| f.set("status", &v));
                    }>
                        <option value="" selected=move || filter.with(|f| f.status.is_empty())>"Any"</option>
                        <option value="OK" selected=move || filter.with(|f| f.status == "OK")>"OK"</option>
                        <option value="ERROR" selected=move || filter.with(|f| f.status == "ERROR")>"Error"</option>
                    </select>
                </label>
                {text_filter("run_id", "Run id")}
                {text_filter("session_id", "Session id")}
                {text_filter("user_id", "User id")}
                {time_filter("start_time", "Started after (UTC)")}
                {time_filter("end_time", "Ended before (UTC)")}
                <button
                    type="button"
                    disabled=move || !filter.with(TraceFilter::is_filtered)
                    on:click=move |_| filter.set(TraceFilter::default())
                >"Clear filters"</button>
            </div>
            {move || match res.get() {
                None => view! { <Loading label="Loading traces…"/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                Some(Ok((rows, meta))) => trace_list(state, rows, meta, filter).into_any(),
            }}
        </section>
    }
}

fn trace_list(state: AppState, rows: Vec<TraceSummary>, meta: PageMeta, filter: RwSignal<TraceFilter>) -> impl IntoView {
    if rows.is_empty() {
        return if filter.with_untracked(TraceFilter::is_filtered) {
            view! {
                <Empty
                    title="No traces match"
                    detail="Try other filters or Clear filters. Spans are exported in batches, so a run that just finished can take a few seconds to appear; some servers also record traces without agent or run ids."
                />
            }
            .into_any()
        } else {
            view! {
                <Empty
                    title="No traces yet"
                    detail="Traces are recorded when the AgentOS runs with tracing on (AgentOS(tracing=True)) and an agent, team or workflow runs."
                />
            }
            .into_any()
        };
    }
    let count = format!("{} {}", meta.total_count, if meta.total_count == 1 { "trace" } else { "traces" });
    view! {
        <table class="data traces-table">
            <caption class="visually-hidden">"Traces"</caption>
            <thead><tr>
                <th scope="col">"Trace"</th>
                <th scope="col">"Status"</th>
                <th scope="col" class="num">"Duration"</th>
                <th scope="col" class="num">"Spans"</th>
                <th scope="col">"Agent, team or workflow"</th>
                <th scope="col">"Input"</th>
                <th scope="col">"Started"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|t| {
                    let href = Route::Trace(t.trace_id.clone()).href();
                    let errors = (t.error_count > 0).then(|| format!(" ({} with errors)", t.error_count));
                    view! {
                        <tr>
                            <th scope="row"><a href=href>{t.name.clone()}</a></th>
                            <td>{status_badge(&t.status, t.is_error())}</td>
                            <td class="num">{t.duration()}</td>
                            <td class="num">{t.total_spans.to_string()}{errors}</td>
                            <td>{t.component.as_ref().map(|c| component_label(state, c))}</td>
                            <td class="trace-input">{t.input.as_deref().map(|i| excerpt(i, 80))}</td>
                            <td class="small">{t.start_time.as_deref().or(t.created_at.as_deref()).map(human_time)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <Pager meta=meta count=count on_page=Callback::new(move |p: u64| filter.update(|f| f.page = p.max(1)))/>
    }
    .into_any()
}

/// `#/traces/<trace_id>`.
#[component]
pub fn TracePage(id: String) -> impl IntoView {
    let state = use_app();
    let path = trace_path(&id, None);
    let res = LocalResource::new(move || {
        let client = state.client.get();
        let path = path.clone();
        async move {
            let Some(c) = client else { return Err(ApiError::Aborted) };
            let v: Value = c.get_json(&path).await?;
            Ok(TraceDetail::from_json(&v))
        }
    });
    view! {
        <section class="trace">
            <p class="small"><a href=Route::Traces.href()>"← All traces"</a></p>
            {
                    let id = id.clone();
                    move || match res.get() {
                        None => view! { <h1>"Trace"</h1><Loading label="Loading the trace…"/> }.into_any(),
                        Some(Err(ApiError::NotFound { .. })) => view! {
                            <h1>"Trace not found"</h1>
                            <div class="notice notice-error" role="alert">
                                <p class="notice-title">{format!("This server has no trace with the id “{id}”.")}</p>
                                <p class="notice-hint">
                                    "It may have been deleted, or not exported yet: spans are written in batches, so a run that just ended can take a few seconds to appear."
                                </p>
                            </div>
                        }.into_any(),
                        Some(Err(e)) => view! { <h1>"Trace"</h1><ErrorNotice error=e/> }.into_any(),
                        Some(Ok(t)) => trace_view(state, t).into_any(),
                    }
            }
        </section>
    }
}

fn trace_view(state: AppState, t: TraceDetail) -> impl IntoView {
    let s = t.summary;
    let start = s.start_time.as_deref().and_then(parse_time_us);
    let spans: Arc<Vec<FlatSpan>> = Arc::new(flatten(&t.tree, start, s.duration_us));
    let total_us = spans.iter().map(|f| f.offset_us + f.span.duration_us()).max().unwrap_or(0).max(s.duration_us.unwrap_or(0));
    // Open on the first failed span, else on the root.
    let first = spans.iter().position(|f| f.span.is_error()).unwrap_or(0);
    let selected = RwSignal::new(if spans.is_empty() { None } else { Some(first) });
    let comp = s.component.clone();
    let comp_link = comp.as_ref().map(|c| (Route::Detail(c.0, c.1.clone()).href(), component_label(state, c)));
    let fields = [
        ("Status", Some(s.status.clone()).filter(|x| !x.is_empty())),
        ("Duration", Some(s.duration())),
        ("Spans", Some(format!("{} ({} with errors)", s.total_spans, s.error_count))),
        ("Started", s.start_time.as_deref().map(human_time)),
        ("User", s.user_id.clone()),
        ("Trace id", Some(s.trace_id.clone())),
    ];
    let spans_list = spans.clone();
    view! {
        <div class="page-head">
            <h1>{s.name.clone()}</h1>
            {status_badge(&s.status, s.is_error())}
        </div>
        <dl class="fields card">
            {fields.into_iter().filter_map(|(k, v)| v.map(|v| view! { <Field label=k value=v/> })).collect_view()}
            {comp_link.map(|(href, label)| view! {
                <div class="field"><dt>"Agent, team or workflow"</dt><dd><a href=href>{label}</a></dd></div>
            })}
            {s.session_id.clone().map(|sid| view! {
                <div class="field"><dt>"Session"</dt><dd><a class="mono" href=Route::Session(sid.clone()).href()>{sid.clone()}</a></dd></div>
            })}
            {s.run_id.clone().map(|rid| view! {
                <div class="field"><dt>"Run"</dt><dd>
                    <a class="mono" href=format!("#/traces?run_id={}", encode_segment(&rid))
                        aria-label=format!("All traces of run {rid}")>{rid.clone()}</a>
                </dd></div>
            })}
        </dl>
        {s.input.clone().map(|i| view! { <h2>"Input"</h2><pre class="code span-text">{i}</pre> })}
        {s.output.clone().map(|o| view! { <h2>"Output"</h2><pre class="code span-text">{o}</pre> })}
        <h2 id="waterfall-title">"Spans"</h2>
        {if spans.is_empty() {
            view! { <Empty title="This trace has no spans"/> }.into_any()
        } else {
            view! {
                <div class="waterfall-wrap">
                    <div class="waterfall-axis small muted" aria-hidden="true">
                        <span>"0 ms"</span><span>{format_duration(total_us)}</span>
                    </div>
                    <ol class="waterfall" aria-labelledby="waterfall-title">
                        {spans_list.iter().enumerate().map(|(i, f)| span_row(i, f, selected)).collect_view()}
                    </ol>
                </div>
                {move || selected.get().and_then(|i| spans.get(i).map(span_detail))}
            }.into_any()
        }}
    }
}

fn span_row(i: usize, f: &FlatSpan, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let sp = &f.span;
    let error = sp.is_error();
    let duration = format_duration(sp.duration_us());
    let label = format!("{}, {}, {}{}", sp.name, sp.kind, duration, if error { ", error" } else { "" });
    let class = if error { "span-row error" } else { "span-row" };
    let kind_class = format!("span-kind kind-{}", sp.kind.to_ascii_lowercase());
    view! {
        <li class=class>
            <button
                type="button"
                aria-label=label
                aria-pressed=move || (selected.get() == Some(i)).to_string()
                on:click=move |_| selected.set(Some(i))
            >
                <span class="span-name" style=format!("padding-left:{}rem", f.depth as u32)>
                    <span class=kind_class>{sp.kind.clone()}</span>
                    " "
                    <span>{sp.name.clone()}</span>
                    {error.then(|| view! { " " <span class="span-error">"Error"</span> })}
                </span>
                <span class="span-track" aria-hidden="true">
                    <span class="span-bar" style=format!("left:{};width:{}", percent(f.left_bp), percent(f.width_bp))></span>
                </span>
                <span class="span-duration">{duration}</span>
            </button>
        </li>
    }
}

fn span_detail(f: &FlatSpan) -> impl IntoView {
    let sp = f.span.clone();
    let block = |title: &'static str, text: Option<String>| {
        text.map(|t| view! { <h3>{title}</h3><pre class="code span-text">{t}</pre> })
    };
    view! {
        <section class="card span-detail" aria-label=format!("Span {}", sp.name)>
            <h2>{format!("Span: {}", sp.name)}</h2>
            <dl class="fields">
                <Field label="Type" value=sp.kind.clone()/>
                <Field label="Status" value=if sp.status.is_empty() { "unknown".to_string() } else { sp.status.clone() }/>
                <Field label="Duration" value=format_duration(sp.duration_us())/>
                <Field label="Starts at" value=format!("+{}", format_duration(f.offset_us))/>
                <Field label="Span id" value=sp.id.clone()/>
            </dl>
            {(sp.input.is_none() && sp.output.is_none() && sp.metadata.is_none())
                .then(|| view! { <p class="muted">"This span recorded no input, output or metadata."</p> })}
            {block("Input", sp.input)}
            {block("Output", sp.output)}
            {block("Metadata", sp.metadata)}
        </section>
    }
}
