//! Traces: the list (filters kept in the hash query, so `#/traces?run_id=<id>`
//! links work) and one trace's span waterfall with each span's input, output
//! and metadata.

use crate::components::{Badge, Empty, Field, Notice, Pager, Tone};
use crate::components::db_picker::{provide_db, route_db, DbPicker};
use crate::components::load::{not_loaded, use_get};
use crate::route::{navigate, replace, use_route_part, Route};
use crate::state::{labelled, use_app, AppState};
use agentos_client::memory::excerpt;
use agentos_client::time::{format_duration, human_time, input_to_iso, iso_to_input, parse_time_us};
use agentos_client::traces::{
    flatten, parse_traces, percent,
    trace_path, FlatSpan, PageMeta, TraceDetail, TraceFilter, TraceSummary,
};
use agentos_client::{ApiError, ComponentKind, FromJson};
use leptos::prelude::*;
use std::sync::Arc;

fn tone(status: &str, error: bool) -> Tone {
    if error {
        Tone::Danger
    } else if status.eq_ignore_ascii_case("ok") {
        Tone::Ok
    } else {
        Tone::Neutral
    }
}

fn status_badge(status: &str, error: bool) -> impl IntoView {
    let text = if status.is_empty() { "unknown".to_string() } else { status.to_string() };
    view! { <Badge text=text tone=tone(status, error)/> }
}

/// The filter, kept in the route (`#/traces?…`): read from it, changed
/// by replacing it (no new history entry).
#[derive(Clone, Copy)]
struct Filter(Memo<TraceFilter>);

impl Filter {
    fn with<R>(&self, f: impl FnOnce(&TraceFilter) -> R) -> R {
        self.0.with(f)
    }
    fn with_untracked<R>(&self, f: impl FnOnce(&TraceFilter) -> R) -> R {
        self.0.with_untracked(f)
    }
    fn update(&self, change: impl FnOnce(&mut TraceFilter)) {
        let mut f = self.0.get_untracked();
        change(&mut f);
        replace(Route::Traces(f));
    }
}

/// `#/traces` (filters: `run_id`, `session_id`, `user_id`, `agent_id`,
/// `team_id`, `workflow_id`, `status`, `start_time`, `end_time`, `page`).
#[component]
pub fn TracesPage() -> impl IntoView {
    provide_db(agentos_client::db::DbDomain::Traces);
    let state = use_app();
    let filter = Filter(use_route_part(|r| match r {
        Route::Traces(f) => Some(f.clone()),
        _ => None,
    }));

    let res = use_get(move || Some(filter.with(TraceFilter::path)), parse_traces);

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
                <DbPicker domain=agentos_client::db::DbDomain::Traces/>
                <button type="button" on:click=move |_| res.reload()>"Reload"</button>
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
                        <option value="">"Any"</option>
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
                                view! { <option value=value selected=sel>{labelled(k, &name)}</option> }
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
                        {[("", "Any"), ("OK", "OK"), ("ERROR", "Error")].into_iter().map(|(v, label)| view! {
                            <option value=v selected=move || filter.with(|f| f.status == v)>{label}</option>
                        }).collect_view()}
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
                    on:click=move |_| navigate(&Route::Traces(TraceFilter { db: route_db(), ..TraceFilter::default() }))
                >"Clear filters"</button>
            </div>
            {res.show("Loading traces…", move |(rows, meta)| trace_list(state, rows.clone(), *meta, filter))}
        </section>
    }
}

fn trace_list(state: AppState, rows: Vec<TraceSummary>, meta: PageMeta, filter: Filter) -> AnyView {
    if rows.is_empty() {
        let (title, detail) = if filter.with_untracked(TraceFilter::is_filtered) {
            ("No traces match", "Try other filters or Clear filters. Spans are exported in batches, so a run that just finished can take a few seconds to appear; some servers also record traces without agent or run ids.")
        } else {
            ("No traces yet", "Traces are recorded when the AgentOS runs with tracing on (AgentOS(tracing=True)) and an agent, team or workflow runs.")
        };
        return view! { <Empty title=title detail=detail/> }.into_any();
    }
    let count = format!("{} {}", meta.total_count, if meta.total_count == 1 { "trace" } else { "traces" });
    view! {
        {trace_table(state, rows)}
        <Pager meta=meta count=count on_page=Callback::new(move |p: u64| filter.update(|f| f.page = p.max(1)))/>
    }
    .into_any()
}

/// The trace list as a table.
fn trace_table(state: AppState, rows: Vec<TraceSummary>) -> impl IntoView {
    let head = ["Trace", "Status", "Duration", "Spans", "Agent, team or workflow", "Input", "Started"];
    view! {
        <table class="data traces-table">
            <caption class="visually-hidden">"Traces"</caption>
            <thead>
                <tr>{head.map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|t| {
                    let spans = match t.error_count {
                        0 => t.total_spans.to_string(),
                        e => format!("{} ({e} with errors)", t.total_spans),
                    };
                    view! {
                        <tr>
                            <th scope="row"><a href=Route::Trace(t.trace_id.clone(), route_db()).href()>{t.name.clone()}</a></th>
                            <td>{status_badge(&t.status, t.is_error())}</td>
                            <td class="num">{t.duration()}</td>
                            <td class="num">{spans}</td>
                            <td>{t.component.as_ref().map(|c| state.component_label(c.0, &c.1))}</td>
                            <td class="trace-input">{t.input.as_deref().map(|i| excerpt(i, 80))}</td>
                            <td class="small">{t.start_time.as_deref().or(t.created_at.as_deref()).map(human_time)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `#/traces/<trace_id>`.
#[component]
pub fn TracePage(id: String) -> impl IntoView {
    provide_db(agentos_client::db::DbDomain::Traces);
    let state = use_app();
    let path = trace_path(&id, None);
    let res = use_get(move || Some(path.clone()), TraceDetail::from_json);
    view! {
        <section class="trace">
            <p class="small"><a href=Route::Traces(TraceFilter { db: route_db(), ..TraceFilter::default() }).href()>"← All traces"</a></p>
            {move || res.with(|r| match r {
                Some(Err(ApiError::NotFound { .. })) => view! {
                    <h1>"Trace not found"</h1>
                    <Notice
                        title=format!("This server has no trace with the id “{id}”.")
                        hint="It may have been deleted, or not exported yet: spans are written in batches, so a run that just ended can take a few seconds to appear."
                    />
                }.into_any(),
                Some(Ok(t)) => trace_view(state, t.clone()),
                r => view! { <h1>"Trace"</h1>{not_loaded(r.as_ref().and_then(|r| r.as_ref().err()), "Loading the trace…")} }.into_any(),
            })}
        </section>
    }
}

fn trace_view(state: AppState, t: TraceDetail) -> AnyView {
    let s = t.summary;
    let start = s.start_time.as_deref().and_then(parse_time_us);
    let spans: Arc<Vec<FlatSpan>> = Arc::new(flatten(&t.tree, start, s.duration_us));
    let total_us = spans.iter().map(|f| f.offset_us + f.span.duration_us()).max().unwrap_or(0).max(s.duration_us.unwrap_or(0));
    // Open on the first failed span, else on the root.
    let first = spans.iter().position(|f| f.span.is_error()).unwrap_or(0);
    let selected = RwSignal::new(if spans.is_empty() { None } else { Some(first) });
    // Links: (label, href, text, accessible name).
    let links: Vec<(&str, String, String, Option<String>)> = [
        s.component.as_ref().map(|c| ("Agent, team or workflow", Route::Detail(c.0, c.1.clone()).href(), state.component_label(c.0, &c.1), None)),
        s.session_id.as_ref().map(|sid| {
            let to = crate::components::db_picker::component_session(state, s.component.as_ref().map(|(k, id)| (*k, id.as_str())), sid.clone());
            ("Session", to.href(), sid.clone(), None)
        }),
        s.run_id.as_ref().map(|rid| {
            ("Run", Route::run_traces(rid).href(), rid.clone(), Some(format!("All traces of run {rid}")))
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let fields = [
        ("Status", Some(s.status.clone()).filter(|x| !x.is_empty())),
        ("Duration", Some(s.duration())),
        ("Spans", Some(format!("{} ({} with errors)", s.total_spans, s.error_count))),
        ("Started", s.start_time.as_deref().map(human_time)),
        ("User", s.user_id.clone()),
        ("Trace id", Some(s.trace_id.clone())),
    ];
    let spans_list = spans.clone();
    let has_io = s.input.is_some() || s.output.is_some();
    view! {
        <div class="page-head">
            <h1>{s.name.clone()}</h1>
            {status_badge(&s.status, s.is_error())}
        </div>
        <div>
            {fields_list(fields.into_iter().filter_map(|(k, v)| Some((k, v?))).collect(), links)}
            {has_io.then(|| view! { <h2>"Input and output"</h2> })}
            {text_blocks(vec![("Input", s.input.clone()), ("Output", s.output.clone())])}
        </div>
        <h2 id="waterfall-title">"Spans"</h2>
        {spans.is_empty().then(|| view! { <Empty title="This trace has no spans"/> })}
        {(!spans.is_empty()).then(|| view! {
            <div class="waterfall-wrap">
                <div class="waterfall-axis small muted" aria-hidden="true">
                    <span>"0 ms"</span><span>{format_duration(total_us)}</span>
                </div>
                <ol class="waterfall" aria-labelledby="waterfall-title">
                    {spans_list.iter().enumerate().map(|(i, f)| span_row(i, f, selected)).collect_view()}
                </ol>
            </div>
            {move || selected.get().and_then(|i| spans.get(i).map(span_detail))}
        })}
    }
    .into_any()
}

/// A `dl.fields.card` of labelled values, then labelled links.
fn fields_list(fields: Vec<(&'static str, String)>, links: Vec<(&'static str, String, String, Option<String>)>) -> impl IntoView {
    view! {
        <dl class="fields card">
            {fields.into_iter().map(|(k, v)| view! { <Field label=k value=v/> }).collect_view()}
            {links.into_iter().map(|(k, href, text, name)| view! {
                <div class="field">
                    <dt>{k}</dt>
                    <dd><a class="mono" href=href aria-label=name>{text}</a></dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

/// Texts under `h3` headings, each in a `<pre>` (as text, never HTML).
fn text_blocks(items: Vec<(&'static str, Option<String>)>) -> impl IntoView {
    items
        .into_iter()
        .filter_map(|(title, text)| {
            let t = text?;
            Some(view! {
                <h3>{title}</h3>
                <pre class="code span-text">{t}</pre>
            })
        })
        .collect_view()
}

fn span_row(i: usize, f: &FlatSpan, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let sp = &f.span;
    let error = sp.is_error();
    let duration = format_duration(sp.duration_us());
    let label = format!("{}, {}, {}{}", sp.name, sp.kind, duration, if error { ", error" } else { "" });
    let class = if error { "span-row error" } else { "span-row" };
    // A fixed class per kind (the server's text never reaches a class list).
    let kind_class = format!("span-kind {}", sp.kind_class());
    view! {
        <li class=class>
            <button
                type="button"
                aria-label=label
                aria-pressed=move || (selected.get() == Some(i)).to_string()
                on:click=move |_| selected.set(Some(i))
            >
                <span class="span-name" style:padding-left=format!("{}rem", f.depth.min(16))>
                    <span class=kind_class>{sp.kind.clone()}</span>
                    " "
                    <span>{sp.name.clone()}</span>
                    {error.then(|| view! { " " <span class="span-error">"Error"</span> })}
                </span>
                <span class="span-track" aria-hidden="true">
                    <span class="span-bar" style:left=percent(f.left_bp) style:width=percent(f.width_bp)></span>
                </span>
                <span class="span-duration">{duration}</span>
            </button>
        </li>
    }
}

fn span_detail(f: &FlatSpan) -> impl IntoView {
    let sp = f.span.clone();
    let fields = vec![
        ("Type", sp.kind.clone()),
        ("Status", if sp.status.is_empty() { "unknown".to_string() } else { sp.status.clone() }),
        ("Duration", format_duration(sp.duration_us())),
        ("Starts at", format!("+{}", format_duration(f.offset_us))),
        ("Span id", sp.id.clone()),
    ];
    let empty = sp.input.is_none() && sp.output.is_none() && sp.metadata.is_none();
    view! {
        <section class="card span-detail" aria-label=format!("Span {}", sp.name)>
            <h2>{format!("Span: {}", sp.name)}</h2>
            {fields_list(fields, Vec::new())}
            {empty.then(|| view! { <p class="muted">"This span recorded no input, output or metadata."</p> })}
            {text_blocks(vec![("Input", sp.input), ("Output", sp.output), ("Metadata", sp.metadata)])}
        </section>
    }
}
