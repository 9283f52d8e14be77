//! Traces: the list (filters kept in the hash query, so `#/traces?run_id=<id>`
//! links work) and one trace's span waterfall with each span's input, output
//! and metadata.

use crate::components::{Badge, Empty, Pager};
use crate::components::dom::{self, mount};
use crate::components::load::{fallback, use_get};
use crate::route::{encode_segment, Route};
use crate::state::{use_app, AppState};
use agentos_client::memory::excerpt;
use agentos_client::time::{format_duration, human_time, input_to_iso, iso_to_input, parse_time_us};
use agentos_client::traces::{
    flatten, parse_traces, percent,
    trace_path, FlatSpan, TraceDetail, TraceFilter, TraceSummary,
};
use agentos_client::{ApiError, ComponentKind, FromJson};
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

fn tone(status: &str, error: bool) -> &'static str {
    if error {
        "danger"
    } else if status.eq_ignore_ascii_case("ok") {
        "ok"
    } else {
        "neutral"
    }
}

fn status_badge(status: &str, error: bool) -> impl IntoView {
    let text = if status.is_empty() { "unknown".to_string() } else { status.to_string() };
    view! { <Badge text=text tone=tone(status, error)/> }
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

    let res = use_get(Signal::derive(move || filter.with(TraceFilter::path)), reload);

    let text_filter = move |key: &'static str, label: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input
                    type="text"
                    placeholder="any"
                    value=filter.with_untracked(|f| f.get(key).to_string())
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
                    value=filter.with_untracked(|f| iso_to_input(f.get(key)))
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
                                let sel = filter.with_untracked(|f| f.component() == Some((k, id.as_str())));
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
                        {[("", "Any"), ("OK", "OK"), ("ERROR", "Error")].into_iter().map(|(v, label)| view! {
                            <option value=v selected=filter.with_untracked(|f| f.status == v)>{label}</option>
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
                    on:click=move |_| crate::route::navigate(&Route::Traces)
                >"Clear filters"</button>
            </div>
            {move || res.with(|r| fallback(r, "Loading traces…").unwrap_or_else(|| match r {
                Some(Ok(v)) => trace_list(state, v, filter),
                _ => ().into_any(),
            }))}
        </section>
    }
}

fn trace_list(state: AppState, v: &Value, filter: RwSignal<TraceFilter>) -> AnyView {
    let (rows, meta) = parse_traces(v);
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
        {mount(trace_table(state, rows))}
        <Pager meta=meta count=count on_page=Callback::new(move |p: u64| filter.update(|f| f.page = p.max(1)))/>
    }
    .into_any()
}

/// The trace list as a table (built as plain DOM: text only, links by href).
fn trace_table(state: AppState, rows: Vec<TraceSummary>) -> web_sys::Element {
    use dom::{el, text};
    let head: Vec<_> = ["Trace", "Status", "Duration", "Spans", "Agent, team or workflow", "Input", "Started"]
        .iter()
        .map(|h| text("th", &[("scope", "col")], h))
        .collect();
    let trs: Vec<_> = rows
        .into_iter()
        .map(|t| {
            let href = Route::Trace(t.trace_id.clone()).href();
            let spans = match t.error_count {
                0 => t.total_spans.to_string(),
                e => format!("{} ({e} with errors)", t.total_spans),
            };
            let status = if t.status.is_empty() { "unknown" } else { t.status.as_str() };
            let badge = format!("badge badge-{}", tone(&t.status, t.is_error()));
            el("tr", &[], &[
                el("th", &[("scope", "row")], &[text("a", &[("href", &href)], &t.name)]),
                el("td", &[], &[text("span", &[("class", &badge)], status)]),
                text("td", &[("class", "num")], &t.duration()),
                text("td", &[("class", "num")], &spans),
                text("td", &[], &t.component.as_ref().map(|c| component_label(state, c)).unwrap_or_default()),
                text("td", &[("class", "trace-input")], &t.input.as_deref().map(|i| excerpt(i, 80)).unwrap_or_default()),
                text("td", &[("class", "small")], &t.start_time.as_deref().or(t.created_at.as_deref()).map(human_time).unwrap_or_default()),
            ])
        })
        .collect();
    el("table", &[("class", "data traces-table")], &[
        text("caption", &[("class", "visually-hidden")], "Traces"),
        el("thead", &[], &[el("tr", &[], &head)]),
        el("tbody", &[], &trs),
    ])
}

/// `#/traces/<trace_id>`.
#[component]
pub fn TracePage(id: String) -> impl IntoView {
    let state = use_app();
    let path = trace_path(&id, None);
    let res = use_get(Signal::stored(path), RwSignal::new(0));
    view! {
        <section class="trace">
            <p class="small"><a href=Route::Traces.href()>"← All traces"</a></p>
            {move || res.with(|r| match r {
                Some(Err(ApiError::NotFound { .. })) => view! {
                    <h1>"Trace not found"</h1>
                    <div class="notice notice-error" role="alert">
                        <p class="notice-title">{format!("This server has no trace with the id “{id}”.")}</p>
                        <p class="notice-hint">
                            "It may have been deleted, or not exported yet: spans are written in batches, so a run that just ended can take a few seconds to appear."
                        </p>
                    </div>
                }.into_any(),
                Some(Ok(v)) => trace_view(state, TraceDetail::from_json(v)),
                _ => view! { <h1>"Trace"</h1>{fallback(r, "Loading the trace…")} }.into_any(),
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
        s.component.as_ref().map(|c| ("Agent, team or workflow", Route::Detail(c.0, c.1.clone()).href(), component_label(state, c), None)),
        s.session_id.as_ref().map(|sid| ("Session", Route::Session(sid.clone()).href(), sid.clone(), None)),
        s.run_id.as_ref().map(|rid| {
            ("Run", format!("#/traces?run_id={}", encode_segment(rid)), rid.clone(), Some(format!("All traces of run {rid}")))
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
    let mut summary = vec![fields_dom(fields.into_iter().filter_map(|(k, v)| Some((k, v?))).collect(), links)];
    if has_io {
        summary.push(dom::text("h2", &[], "Input and output"));
    }
    summary.extend(text_blocks(vec![("Input", s.input.clone()), ("Output", s.output.clone())]));
    view! {
        <div class="page-head">
            <h1>{s.name.clone()}</h1>
            {status_badge(&s.status, s.is_error())}
        </div>
        {mount(dom::el("div", &[], &summary))}
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
            {move || selected.get().and_then(|i| spans.get(i).map(|f| mount(span_detail(f))))}
        })}
    }
    .into_any()
}

/// A `dl.fields.card` of labelled values, then labelled links.
fn fields_dom(fields: Vec<(&str, String)>, links: Vec<(&str, String, String, Option<String>)>) -> web_sys::Element {
    let mut items: Vec<_> = fields
        .into_iter()
        .map(|(k, v)| dom::el("div", &[("class", "field")], &[dom::text("dt", &[], k), dom::text("dd", &[], &v)]))
        .collect();
    for (k, href, text, name) in links {
        let a = dom::text("a", &[("class", "mono"), ("href", &href)], &text);
        if let Some(n) = name {
            let _ = a.set_attribute("aria-label", &n);
        }
        items.push(dom::el("div", &[("class", "field")], &[dom::text("dt", &[], k), dom::el("dd", &[], &[a])]));
    }
    dom::el("dl", &[("class", "fields card")], &items)
}

/// Texts under `h3` headings, each in a `<pre>` (as text, never HTML).
fn text_blocks(items: Vec<(&'static str, Option<String>)>) -> Vec<web_sys::Element> {
    let mut out = Vec::new();
    for (title, text) in items {
        if let Some(t) = text {
            out.push(dom::text("h3", &[], title));
            out.push(dom::text("pre", &[("class", "code span-text")], &t));
        }
    }
    out
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

fn span_detail(f: &FlatSpan) -> web_sys::Element {
    let sp = f.span.clone();
    let fields = vec![
        ("Type", sp.kind.clone()),
        ("Status", if sp.status.is_empty() { "unknown".to_string() } else { sp.status.clone() }),
        ("Duration", format_duration(sp.duration_us())),
        ("Starts at", format!("+{}", format_duration(f.offset_us))),
        ("Span id", sp.id.clone()),
    ];
    let title = format!("Span: {}", sp.name);
    let mut kids = vec![dom::text("h2", &[], &title), fields_dom(fields, Vec::new())];
    if sp.input.is_none() && sp.output.is_none() && sp.metadata.is_none() {
        kids.push(dom::text("p", &[("class", "muted")], "This span recorded no input, output or metadata."));
    }
    kids.extend(text_blocks(vec![("Input", sp.input), ("Output", sp.output), ("Metadata", sp.metadata)]));
    dom::el("section", &[("class", "card span-detail"), ("aria-label", &format!("Span {}", sp.name))], &kids)
}
