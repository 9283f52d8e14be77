//! Usage metrics as charts: runs, sessions, tokens and active users per day
//! over a chosen date range, and which models were used. Each chart is inline
//! SVG with the same numbers in a real table.

use crate::components::{Empty, ErrorNotice, Loading};
use crate::state::use_app;
use agentos_client::metrics::{
    compact, day_from_epoch_ms, day_string, fill_range, metrics_path, model_totals, nice_max,
    parse_day, parse_metrics, parse_refresh_status, tick_indices, DateRange, DayMetrics,
    RefreshState, PRESETS, REFRESH_PATH, REFRESH_STATUS_PATH,
};
use agentos_client::memory::human_time;
use agentos_client::ApiError;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use std::sync::Arc;

/// How many status polls a refresh may take (one a second) before the page
/// stops waiting for it.
const MAX_POLLS: u32 = 90;

fn today() -> i64 {
    day_from_epoch_ms(js_sys::Date::now())
}

/// Keeps the range (and user) in the hash query without a new history entry
/// (and without a `hashchange`, which would re-create the page).
fn write_hash(range: DateRange, user: &str) {
    let mut q = range.query();
    if !user.trim().is_empty() {
        q.push_str("&user_id=");
        q.push_str(&crate::route::encode_segment(user.trim()));
    }
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#/metrics?{q}")));
    }
}

/// `#/metrics` (`?range=30`, or `?from=YYYY-MM-DD&to=YYYY-MM-DD`; `&user_id=`).
#[component]
pub fn MetricsPage() -> impl IntoView {
    let state = use_app();
    let q = crate::route::hash_query;
    let range = RwSignal::new(DateRange::from_query(q("range").as_deref(), q("from").as_deref(), q("to").as_deref()));
    let user = q("user_id").unwrap_or_default();
    let reload = RwSignal::new(0u32);
    let refreshing = RwSignal::new(false);
    let refresh_error = RwSignal::new(None::<String>);
    let refresh_done = RwSignal::new(false);

    let u = user.clone();
    Effect::new(move |_| write_hash(range.get(), &u));

    let data = LocalResource::new(move || {
        let client = state.client.get();
        let (from, to) = range.get().days(today());
        let path = metrics_path(from, to, &user);
        reload.track();
        async move {
            let Some(c) = client else { return Err(ApiError::Aborted) };
            let v: Value = c.get_json(&path).await?;
            let (rows, updated) = parse_metrics(&v);
            Ok((Arc::new(fill_range(&rows, from, to)), !rows.is_empty(), updated))
        }
    });

    let refresh = move || {
        let Some(client) = state.client.get_untracked() else { return };
        refreshing.set(true);
        refresh_error.set(None);
        refresh_done.set(false);
        spawn_local(async move {
            let outcome = run_refresh(&client, refreshing).await;
            if refreshing.is_disposed() {
                return; // the page was left
            }
            refreshing.set(false);
            match outcome {
                Ok(()) => {
                    refresh_done.set(true);
                    reload.update(|n| *n += 1);
                }
                Err(e) => refresh_error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="metrics-page">
            <div class="page-head">
                <h1>"Metrics"</h1>
                <button type="button" class="primary" disabled=move || refreshing.get() on:click=move |_| refresh()>
                    {move || if refreshing.get() { "Refreshing metrics…" } else { "Refresh metrics" }}
                </button>
            </div>
            <p class="muted small">
                "AgentOS computes these daily figures only when they are refreshed; Refresh metrics recomputes them from the stored sessions."
            </p>
            <div role="status" aria-live="polite" class="small">
                {move || refreshing.get().then_some("Refreshing metrics on the server…")}
                {move || refresh_done.get().then_some("Metrics refreshed.")}
            </div>
            {move || refresh_error.get().map(|e| view! {
                <div class="notice notice-error" role="alert">
                    <p class="notice-title">"The metrics could not be refreshed."</p>
                    <p class="notice-hint">{e}</p>
                </div>
            })}

            <RangePicker range=range/>
            {move || match data.get() {
                None => view! { <Loading label="Loading metrics…"/> }.into_any(),
                Some(r) => match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok((days, any, updated)) => view! {
                        {(!any).then(|| view! {
                            <div class="card">
                                <Empty
                                    title="No metrics for this range"
                                    detail="AgentOS computes metrics only when they are refreshed, so a new server shows nothing until then (and days without runs stay empty). Refresh to compute them from the stored sessions."
                                />
                                <button type="button" disabled=move || refreshing.get() on:click=move |_| refresh()>
                                    "Refresh metrics now"
                                </button>
                            </div>
                        })}
                        {updated.map(|u| view! { <p class="muted small">{format!("Last computed {}", human_time(&u))}</p> })}
                        {charts(days)}
                    }.into_any(),
                },
            }}
        </section>
    }
}

/// Starts a background refresh and polls its status until it is done (at
/// most [`MAX_POLLS`] times; stops as soon as the page is left).
async fn run_refresh(client: &agentos_client::web::Client, alive: RwSignal<bool>) -> Result<(), String> {
    let started: Value = client.send_empty(Method::POST, REFRESH_PATH).await.map_err(|e| describe(&e))?;
    // A server that refreshed in the foreground answers the days themselves.
    if started.is_array() {
        return Ok(());
    }
    if let RefreshState::Failed(e) = parse_refresh_status(&started) {
        if !started.is_null() {
            return Err(e);
        }
    }
    for _ in 0..MAX_POLLS {
        agentos_client::web::sleep(1_000).await;
        if alive.is_disposed() {
            return Ok(());
        }
        let v: Value = client.get_json(REFRESH_STATUS_PATH).await.map_err(|e| describe(&e))?;
        match parse_refresh_status(&v) {
            RefreshState::Running => continue,
            RefreshState::Completed => return Ok(()),
            RefreshState::Failed(e) => return Err(e),
        }
    }
    Err("the server was still refreshing after a minute and a half; try Refresh metrics again later".into())
}

fn describe(e: &ApiError) -> String {
    match e.hint() {
        Some(h) => format!("{} {h}", e.title()),
        None => e.title(),
    }
}

/// Presets (buttons) and a custom from/to range (date inputs).
#[component]
fn RangePicker(range: RwSignal<DateRange>) -> impl IntoView {
    let bounds = move || range.get().days(today());
    let set_custom = move |from: Option<i64>, to: Option<i64>| {
        // Moving one end past the other moves both.
        let (f, t) = range.get_untracked().days(today());
        let (f, t) = match (from, to) {
            (Some(f), _) => (f, t.max(f)),
            (_, Some(t)) => (f.min(t), t),
            _ => return,
        };
        range.set(DateRange::custom(f, t));
    };
    view! {
        <div class="range-picker">
            <div role="group" aria-label="Date range" class="toolbar">
                {PRESETS.into_iter().map(|n| view! {
                    <button
                        type="button"
                        aria-pressed=move || (range.get() == DateRange::Last(n)).to_string()
                        on:click=move |_| range.set(DateRange::Last(n))
                    >{format!("Last {n} days")}</button>
                }).collect_view()}
            </div>
            <label>
                <span>"From"</span>
                <input type="date" prop:value=move || day_string(bounds().0)
                    on:change=move |ev| set_custom(parse_day(&event_target_value(&ev)), None)/>
            </label>
            <label>
                <span>"To"</span>
                <input type="date" prop:value=move || day_string(bounds().1)
                    on:change=move |ev| set_custom(None, parse_day(&event_target_value(&ev)))/>
            </label>
        </div>
    }
}

/// One series of a chart: its name, its colour class and a value per day.
struct Series {
    name: &'static str,
    class: &'static str,
    values: Vec<u64>,
}

fn charts(days: Arc<Vec<DayMetrics>>) -> impl IntoView {
    let col = |f: fn(&DayMetrics) -> u64| days.iter().map(f).collect::<Vec<u64>>();
    let s = |name, class, values| Series { name, class, values };
    let dates: Arc<Vec<String>> = Arc::new(days.iter().map(DayMetrics::date).collect());
    let models = model_totals(&days);
    let totals = [
        ("Runs", days.iter().map(DayMetrics::runs).sum::<u64>()),
        ("Sessions", days.iter().map(DayMetrics::sessions).sum()),
        ("Tokens", days.iter().map(|d| d.total_tokens).sum()),
        ("Peak daily users", days.iter().map(|d| d.users).max().unwrap_or(0)),
    ];
    view! {
        <dl class="metric-totals" aria-label="Totals for the range">
            {totals.into_iter().map(|(k, v)| view! {
                <div class="card"><dt>{k}</dt><dd>{v.to_string()}</dd></div>
            }).collect_view()}
        </dl>
        <div class="charts">
            {chart("chart-runs", "Runs per day", "runs", dates.clone(), vec![
                s("Agent runs", "s1", col(|d| d.agent_runs)),
                s("Team runs", "s2", col(|d| d.team_runs)),
                s("Workflow runs", "s3", col(|d| d.workflow_runs)),
            ])}
            {chart("chart-sessions", "Sessions per day", "sessions", dates.clone(), vec![
                s("Agent sessions", "s1", col(|d| d.agent_sessions)),
                s("Team sessions", "s2", col(|d| d.team_sessions)),
                s("Workflow sessions", "s3", col(|d| d.workflow_sessions)),
            ])}
            {chart("chart-tokens", "Tokens per day", "tokens", dates.clone(), vec![
                s("Input tokens", "s1", col(|d| d.input_tokens)),
                s("Output tokens", "s4", col(|d| d.output_tokens)),
            ])}
            {chart("chart-users", "Active users per day", "users", dates, vec![
                s("Active users", "s2", col(|d| d.users)),
            ])}
        </div>
        <section class="card" aria-labelledby="chart-models">
            <h2 id="chart-models">"Model usage"</h2>
            {if models.is_empty() {
                view! { <Empty title="No model calls in this range"/> }.into_any()
            } else {
                view! {
                    <table class="data">
                        <caption class="visually-hidden">"Model usage in the range"</caption>
                        <thead><tr>
                            <th scope="col">"Model"</th><th scope="col">"Provider"</th><th scope="col" class="num">"Count"</th>
                        </tr></thead>
                        <tbody>
                            {models.into_iter().map(|m| view! {
                                <tr>
                                    <th scope="row" class="mono">{m.model_id}</th>
                                    <td>{m.provider}</td>
                                    <td class="num">{m.count.to_string()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

// The SVG geometry (user units; the SVG scales to its box, text included).
const LEFT: usize = 48;
const RIGHT: usize = 8;
const TOP: usize = 10;
const PLOT_H: u64 = 160;
const HEIGHT: usize = 200;

/// A stacked bar chart of one value per day and series, with its legend, a
/// `<title>` per day, thinned date labels, and a table of the same numbers.
fn chart(id: &'static str, title: &'static str, unit: &'static str, dates: Arc<Vec<String>>, series: Vec<Series>) -> impl IntoView {
    let n = dates.len();
    let totals: Vec<u64> = (0..n).map(|i| series.iter().map(|s| s.values[i]).sum()).collect();
    let sum: u64 = totals.iter().sum();
    let top = nice_max(totals.iter().copied().max().unwrap_or(0));
    let slot = (720 / n.max(1)).max(2);
    let gap = if slot >= 5 { slot / 4 } else { 0 };
    let width = LEFT + slot * n + RIGHT;
    let base = TOP + PLOT_H as usize;
    let y = |v: u64| base - (v.min(top) * PLOT_H / top) as usize;
    let range_text = match (dates.first(), dates.last()) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.clone(),
        _ => String::new(),
    };
    let label = format!("{title}, {range_text}: {sum} {unit} in total");
    let grid = if top >= 2 && top % 2 == 0 { vec![0, top / 2, top] } else { vec![0, top] };

    let bars = (0..n)
        .map(|i| {
            let x = LEFT + i * slot + gap / 2;
            let w = slot - gap;
            let mut acc = 0u64;
            let detail = series.iter().map(|s| format!("{} {}", s.name.to_lowercase(), s.values[i])).collect::<Vec<_>>().join(", ");
            let tip = if series.len() > 1 {
                format!("{}: {} {unit} ({detail})", dates[i], totals[i])
            } else {
                format!("{}: {} {unit}", dates[i], totals[i])
            };
            let rects = series
                .iter()
                .filter(|s| s.values[i] > 0)
                .map(|s| {
                    let y1 = y(acc);
                    acc += s.values[i];
                    let y2 = y(acc);
                    view! { <rect class=s.class x=x y=y2 width=w height=(y1 - y2).max(1)/> }
                })
                .collect_view();
            // A transparent full-height hit area makes the title reachable on empty days too.
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="hit" x=LEFT + i * slot y=TOP width=slot height=PLOT_H/>
                    {rects}
                </g>
            }
        })
        .collect_view();
    let ticks = tick_indices(n, (width / 90).max(2))
        .into_iter()
        .map(|i| {
            let x = LEFT + i * slot + slot / 2;
            let anchor = if n > 1 && i == 0 { "start" } else if n > 1 && i == n - 1 { "end" } else { "middle" };
            let x = match anchor {
                "start" => LEFT + i * slot,
                "end" => LEFT + (i + 1) * slot,
                _ => x,
            };
            view! { <text class="tick" x=x y=base + 16 text-anchor=anchor>{dates[i][5..].to_string()}</text> }
        })
        .collect_view();
    let gridlines = grid
        .into_iter()
        .map(|v| {
            let gy = y(v);
            view! {
                <line class="grid" x1=LEFT x2=width - RIGHT y1=gy y2=gy/>
                <text class="tick" x=LEFT - 6 y=gy + 4 text-anchor="end">{compact(v)}</text>
            }
        })
        .collect_view();
    let legend = (series.len() > 1).then(|| {
        view! {
            <ul class="legend" aria-label=format!("{title} legend")>
                {series.iter().map(|s| view! {
                    <li><span class=format!("swatch {}", s.class) aria-hidden="true"></span>{s.name}</li>
                }).collect_view()}
            </ul>
        }
    });
    let table = {
        let show = RwSignal::new(false);
        let names: Vec<&'static str> = series.iter().map(|s| s.name).collect();
        let cols: Vec<Vec<u64>> = series.iter().map(|s| s.values.clone()).collect();
        let multi = names.len() > 1;
        let dates = dates.clone();
        view! {
            <details on:toggle=move |ev| {
                let open = ev.target().and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok());
                show.set(open.and_then(|o| o.as_bool()).unwrap_or(false));
            }>
                <summary>{format!("Show {} as a table", title.to_lowercase())}</summary>
                {move || show.get().then(|| view! {
                    <table class="data">
                        <caption>{format!("{title}, {range_text}")}</caption>
                        <thead><tr>
                            <th scope="col">"Date"</th>
                            {names.iter().map(|n| view! { <th scope="col" class="num">{*n}</th> }).collect_view()}
                            {multi.then(|| view! { <th scope="col" class="num">"Total"</th> })}
                        </tr></thead>
                        <tbody>
                            {(0..dates.len()).rev().map(|i| view! {
                                <tr>
                                    <th scope="row">{dates[i].clone()}</th>
                                    {cols.iter().map(|c| view! { <td class="num">{c[i].to_string()}</td> }).collect_view()}
                                    {multi.then(|| view! { <td class="num">{cols.iter().map(|c| c[i]).sum::<u64>().to_string()}</td> })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            </details>
        }
    };
    view! {
        <section class="card chart" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {legend}
            <svg class="bars" viewBox=format!("0 0 {width} {HEIGHT}") role="img" aria-label=label.clone()>
                <title>{label.clone()}</title>
                {gridlines}
                {bars}
                {ticks}
            </svg>
            {table}
        </section>
    }
}
