//! Traces: the list (filters kept in the hash query, so `#/traces?run_id=<id>`
//! links work) and one trace's span waterfall with each span's input, output
//! and metadata.

use crate::components::{Badge, Empty, Field, Notice, Pager, Tone};
use crate::components::db_picker::{provide_db, route_db, DbPicker};
use crate::components::load::{not_loaded, use_action, use_get};
use crate::route::{navigate, replace, use_route_part, Route};
use crate::state::{labelled, use_app, AppState};
use agentos_client::memory::excerpt;
use agentos_client::time::{format_duration, human_time, input_to_iso, iso_to_input, parse_time_us};
use agentos_client::traces::{
    flatten, parse_filter_schema, parse_traces, percent, search_body,
    trace_path, Condition, FilterSchema, FlatSpan, PageMeta, TraceDetail, TraceFilter, TraceSummary,
    FILTER_SCHEMA_PATH, SEARCH_PATH,
};
use gloo_net::http::Method;
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
    // While a search's results are shown, the filtered list is not.
    let searching = RwSignal::new(false);

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
                <button type="button" on:click=move |_| res.reload()>"Refresh"</button>
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
            <Search searching=searching/>
            {move || (!searching.get()).then(|| res.show("Loading traces…", move |(rows, meta)| trace_list(state, rows.clone(), *meta, filter)))}
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
        <div class="table-scroll"><table class="data traces-table">
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
        </table></div>
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

/// "Search traces": conditions built from the server's filter schema
/// (`GET /traces/filter-schema`: each field's operators, an enum's values),
/// combined with AND or OR and sent as `POST /traces/search`; the results
/// show in the trace table. A server without the schema route shows nothing.
#[component]
fn Search(searching: RwSignal<bool>) -> impl IntoView {
    let state = use_app();
    let schema = use_get(|| Some(FILTER_SCHEMA_PATH.to_string()), parse_filter_schema);
    let conditions = RwSignal::new(vec![Condition::default()]);
    let logical = RwSignal::new("AND".to_string());
    let results = RwSignal::new(None::<(Vec<TraceSummary>, PageMeta)>);
    let check = RwSignal::new(None::<String>);
    let action = use_action();
    let run = move |page: u64| {
        let Some(sc) = schema.ok() else { return };
        match search_body(&sc, &conditions.get_untracked(), &logical.get_untracked(), page, 20) {
            Err(e) => check.set(Some(e.to_string())),
            Ok(body) => {
                check.set(None);
                action.send_read(Method::POST, SEARCH_PATH.into(), Some(body), parse_traces, move |r| {
                    results.set(Some(r));
                    searching.set(true);
                });
            }
        }
    };
    let clear = move || {
        results.set(None);
        searching.set(false);
        check.set(None);
        conditions.set(vec![Condition::default()]);
    };
    view! {
        {move || match schema.with(|s| s.clone()) {
            None => ().into_any(),
            Some(Err(agentos_client::ApiError::NotFound { .. })) => ().into_any(),
            Some(Err(e)) => not_loaded(Some(&e), ""),
            Some(Ok(sc)) if sc.fields.is_empty() => ().into_any(),
            Some(Ok(sc)) => {
                let sc = std::sync::Arc::new(sc);
                view! {
                    <details class="card trace-search" open=move || searching.get()>
                        <summary>"Search traces"</summary>
                        <form aria-label="Search traces" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); run(1); }>
                            {(sc.logical.len() > 1).then(|| {
                                let opts = sc.logical.clone();
                                view! {
                                    <label>
                                        <span>"Match"</span>
                                        <select on:change=move |ev| logical.set(event_target_value(&ev))>
                                            {opts.into_iter().map(|o| {
                                                let label = if o == "OR" { "any condition" } else { "all conditions" };
                                                let sel = { let o = o.clone(); move || logical.with(|l| *l == o) };
                                                view! { <option value=o selected=sel>{label}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                }
                            })}
                            {
                                let sc = sc.clone();
                                // Rebuilt when a condition is added or removed, not on typing.
                                let count = Memo::new(move |_| conditions.with(Vec::len));
                                move || {
                                    let n = count.get();
                                    (0..n).map(|i| condition_row(sc.clone(), conditions, i)).collect_view()
                                }
                            }
                            <div class="actions">
                                <button type="button" on:click=move |_| conditions.update(|c| if c.len() < 16 { c.push(Condition::default()) })>"Add condition"</button>
                                <button type="submit" class="primary" disabled=move || action.pending()>"Search"</button>
                                <button type="button" disabled=move || !searching.get() on:click=move |_| clear()>"Clear search"</button>
                            </div>
                        </form>
                        {move || check.get().map(|c| view! { <Notice title="The search cannot be sent." hint=c/> })}
                        {action.notice()}
                    </details>
                }.into_any()
            }
        }}
        {move || results.get().map(|(rows, meta)| view! {
            <section aria-label="Search results">
                <h2>"Search results"</h2>
                {if rows.is_empty() {
                    view! { <Empty title="No traces match the search" detail="Change the conditions, or Clear search to see the list."/> }.into_any()
                } else {
                    let count = format!("{} {}", meta.total_count, if meta.total_count == 1 { "trace" } else { "traces" });
                    view! {
                        {trace_table(state, rows)}
                        <Pager meta=meta count=count on_page=Callback::new(move |p: u64| run(p.max(1)))/>
                    }.into_any()
                }}
            </section>
        })}
    }
}

/// One condition: field, operator, value (an enum's values as a select, a
/// time as a date-time input, `IN` as comma-separated values), and Remove.
fn condition_row(sc: std::sync::Arc<FilterSchema>, conditions: RwSignal<Vec<Condition>>, i: usize) -> impl IntoView {
    let n = i + 1;
    let current = move || conditions.with(|c| c.get(i).cloned().unwrap_or_default());
    let set = move |change: &dyn Fn(&mut Condition)| conditions.update(|c| if let Some(x) = c.get_mut(i) { change(x) });
    // The value's input depends on the field and operator only (not on what
    // is typed, so typing keeps the focus).
    let shape = Memo::new(move |_| conditions.with(|c| c.get(i).map(|x| (x.key.clone(), x.op.clone())).unwrap_or_default()));
    let field = {
        let sc = sc.clone();
        move || { let k = shape.get().0; sc.fields.iter().find(|f| f.key == k).cloned() }
    };
    let keys: Vec<(String, String)> = sc.fields.iter().map(|f| (f.key.clone(), if f.label.is_empty() { f.key.clone() } else { f.label.clone() })).collect();
    let value_input = {
        let sc = sc.clone();
        move || {
            let (key, op) = shape.get();
            let f = sc.fields.iter().find(|f| f.key == key).cloned();
            let label = format!("Value of condition {n}");
            match f {
                Some(f) if f.kind == "enum" && !f.values.is_empty() && op != "IN" => view! {
                    <select aria-label=label on:change=move |ev| { let v = event_target_value(&ev); set(&|c| c.value = v.clone()) }>
                        <option value="">"Choose…"</option>
                        {f.values.into_iter().map(|v| { let sel = { let v = v.clone(); move || current().value == v }; view! { <option value=v.clone() selected=sel>{v.clone()}</option> } }).collect_view()}
                    </select>
                }.into_any(),
                Some(f) if f.kind == "datetime" => view! {
                    <input type="datetime-local" aria-label=label prop:value=move || iso_to_input(&current().value)
                        on:change=move |ev| { let v = input_to_iso(&event_target_value(&ev)); set(&|c| c.value = v.clone()) }/>
                }.into_any(),
                f => {
                    let kind = if f.as_ref().is_some_and(|f| f.kind == "number") && op != "IN" { "number" } else { "text" };
                    let placeholder = if op == "IN" { "comma-separated values" } else { "value" };
                    view! {
                        <input type=kind aria-label=label placeholder=placeholder prop:value=move || current().value
                            on:input=move |ev| { let v = event_target_value(&ev); set(&|c| c.value = v.clone()) }/>
                    }.into_any()
                }
            }
        }
    };
    view! {
        <div class="filters" role="group" aria-label=format!("Condition {n}")>
            <select aria-label=format!("Field of condition {n}") on:change=move |ev| {
                let k = event_target_value(&ev);
                let first_op = sc.fields.iter().find(|f| f.key == k).and_then(|f| f.operators.first().cloned()).unwrap_or_default();
                set(&|c| { c.key = k.clone(); c.op = first_op.clone(); c.value.clear(); });
            }>
                <option value="">"Field…"</option>
                {keys.into_iter().map(|(k, l)| { let sel = { let k = k.clone(); move || current().key == k }; view! { <option value=k selected=sel>{l}</option> } }).collect_view()}
            </select>
            <select aria-label=format!("Operator of condition {n}") on:change=move |ev| { let v = event_target_value(&ev); set(&|c| c.op = v.clone()) }>
                {move || field().map(|f| f.operators).unwrap_or_default().into_iter().map(|o| {
                    let sel = { let o = o.clone(); move || current().op == o };
                    view! { <option value=o.clone() selected=sel>{operator_label(&o)}</option> }
                }).collect_view()}
            </select>
            {value_input}
            <button type="button" aria-label=format!("Remove condition {n}") on:click=move |_| conditions.update(|c| {
                if i < c.len() {
                    c.remove(i);
                }
                if c.is_empty() {
                    c.push(Condition::default());
                }
            })>"Remove"</button>
        </div>
    }
}

/// An operator in words (the server's name when it is not a known one).
fn operator_label(op: &str) -> String {
    match op {
        "EQ" => "is".into(),
        "NEQ" => "is not".into(),
        "CONTAINS" => "contains".into(),
        "STARTSWITH" => "starts with".into(),
        "IN" => "is one of".into(),
        "GT" => "greater than / after".into(),
        "GTE" => "at least / from".into(),
        "LT" => "less than / before".into(),
        "LTE" => "at most / until".into(),
        o => o.to_string(),
    }
}
