//! Usage metrics as charts: runs, sessions, tokens and active users per day
//! over a chosen date range, and which models were used. Each chart is inline
//! SVG with the same numbers in a real table.

use crate::components::dom::{self, mount};
use crate::components::db_picker::{provide_db, route_db, DbPicker};
use crate::components::load::{self, use_action, use_get};
use crate::components::{Empty, Notice, UserIdField};
use crate::route::{replace, use_route_part, Route};
use agentos_client::metrics::{
    compact, fill_range, metrics_path, model_totals, nice_max, parse_metrics, parse_refresh_status, tick_indices, DateRange, DayMetrics,
    RefreshState, PRESETS, REFRESH_PATH, REFRESH_STATUS_PATH,
};
use agentos_client::time::{day_from_epoch_ms, day_string, human_time, parse_day};
use agentos_client::ApiError;
use gloo_net::http::Method;
use leptos::prelude::*;
use web_sys::Element;

/// How many status polls a refresh may take (one a second) before the page
/// stops waiting for it.
const MAX_POLLS: u32 = 90;

fn today() -> i64 {
    day_from_epoch_ms(js_sys::Date::now())
}

/// `#/metrics` (`?range=30`, or `?from=YYYY-MM-DD&to=YYYY-MM-DD`; `&user_id=`).
#[component]
pub fn MetricsPage() -> impl IntoView {
    let (db, app) = (provide_db(agentos_client::db::DbDomain::Metrics), crate::state::use_app());
    // The range and user live in the route (`#/metrics?range=30&user_id=`):
    // the range shown is always written there, without a history entry.
    let part = use_route_part(|r| match r {
        Route::Metrics { range, user, .. } => Some((*range, user.clone())),
        _ => None,
    });
    // What is shown: the range (the default one until the URL has it) and user.
    let shown = Memo::new(move |_| part.with(|(r, u)| (r.unwrap_or_default(), u.clone().unwrap_or_default())));
    let range = Signal::derive(move || shown.with(|s| s.0));
    let set_range =
        move |r: DateRange| replace(Route::Metrics { range: Some(r), user: part.with_untracked(|p| p.1.clone()), db: route_db() });
    Effect::new(move |_| {
        if part.with(|(r, _)| r.is_none()) {
            set_range(range.get_untracked());
        }
    });
    let action = use_action();
    let refresh_error = RwSignal::new(None::<String>);
    let refresh_done = RwSignal::new(false);

    let data = use_get(
        move || {
            shown.with(|(range, user)| {
                let (from, to) = range.days(today());
                Some(metrics_path(from, to, user))
            })
        },
        parse_metrics,
    );

    let refreshing = move || action.pending();
    let refresh = move || {
        refresh_error.set(None);
        refresh_done.set(false);
        let scope = crate::components::db_picker::page_scope(app, db);
        action.run(
            move |c| async move { run_refresh(&c, refresh_done, scope).await },
            move |outcome| match outcome {
                Ok(()) => {
                    refresh_done.set(true);
                    data.reload();
                }
                Err(e) => refresh_error.set(Some(e)),
            },
        );
    };

    view! {
        <section class="metrics-page">
            <div class="page-head">
                <h1>"Metrics"</h1>
                <DbPicker domain=agentos_client::db::DbDomain::Metrics/>
                <button type="button" class="primary" disabled=refreshing on:click=move |_| refresh()>
                    {move || if refreshing() { "Refreshing metrics…" } else { "Refresh metrics" }}
                </button>
            </div>
            <p class="muted small">
                "AgentOS computes these daily figures only when they are refreshed; Refresh metrics recomputes them from the stored sessions."
            </p>
            <div role="status" aria-live="polite" class="small">
                {move || refreshing().then_some("Refreshing metrics on the server…")}
                {move || refresh_done.get().then_some("Metrics refreshed.")}
            </div>
            {move || refresh_error.get().or_else(|| action.error().as_ref().map(describe)).map(|e| view! {
                <Notice title="The metrics could not be refreshed." hint=e/>
            })}

            {range_picker(range, set_range)}
            {user_filter(Signal::derive(move || shown.with(|s| s.1.clone())), move |u: String| {
                let user = (!u.is_empty()).then_some(u);
                replace(Route::Metrics { range: Some(range.get_untracked()), user, db: route_db() });
            })}
            {data.show("Loading metrics…", move |(rows, updated)| {
                let (from, to) = range.get_untracked().days(today());
                let days = fill_range(rows, from, to);
                view! {
                    {rows.is_empty().then(|| view! {
                        <div class="card">
                            <Empty
                                title="No metrics for this range"
                                detail="AgentOS computes metrics only when they are refreshed, so a new server shows nothing until then (and days without runs stay empty). Refresh to compute them from the stored sessions."
                            />
                            <button type="button" disabled=refreshing on:click=move |_| refresh()>
                                "Refresh metrics now"
                            </button>
                        </div>
                    })}
                    <p class="muted small">{updated.as_deref().map(|u| format!("Last computed {}", human_time(u)))}</p>
                    {mount(charts(&days))}
                }
            })}
        </section>
    }
}

/// Starts a background refresh and polls its status until it is done (at
/// most [`MAX_POLLS`] times; stops as soon as the page is left). A
/// transport error is the `Err`; a refresh the server reports as failed
/// (or still running at the end) is the `Ok(Err)` with its reason.
async fn run_refresh(
    client: &agentos_client::web::Client,
    alive: RwSignal<bool>,
    db: agentos_client::db::DbScope,
) -> Result<Result<(), String>, ApiError> {
    // A server that refreshed in the foreground answers the days themselves
    // (an array); a failed start answers its status; an empty answer is null.
    let started = load::send(client, Method::POST, &db.on(REFRESH_PATH), None, |v| {
        if v.is_array() {
            RefreshState::Completed
        } else if v.is_null() {
            RefreshState::Running
        } else {
            parse_refresh_status(v)
        }
    })
    .await?;
    match started {
        RefreshState::Completed => return Ok(Ok(())),
        RefreshState::Failed(e) => return Ok(Err(e)),
        RefreshState::Running => {}
    }
    for _ in 0..MAX_POLLS {
        agentos_client::web::sleep(1_000).await;
        if alive.is_disposed() {
            return Ok(Ok(()));
        }
        match load::get(client, &db.on(REFRESH_STATUS_PATH), parse_refresh_status).await? {
            RefreshState::Running => continue,
            RefreshState::Completed => return Ok(Ok(())),
            RefreshState::Failed(e) => return Ok(Err(e)),
        }
    }
    Ok(Err("the server was still refreshing after a minute and a half; try Refresh metrics again later".into()))
}

fn describe(e: &ApiError) -> String {
    match e.hint() {
        Some(h) => format!("{} {h}", e.title()),
        None => e.title(),
    }
}

/// The user filter: the figures of one user (`user_id`), applied on Enter
/// or when the field is left; empty is every user.
fn user_filter(user: Signal<String>, set: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let input = RwSignal::new(user.get_untracked());
    Effect::new(move |_| input.set(user.get()));
    let apply = move || {
        let u = input.get_untracked().trim().to_string();
        if u != user.get_untracked() {
            set(u);
        }
    };
    view! {
        <div class="filters" role="search" aria-label="Filter metrics">
            <UserIdField value=input placeholder="every user" on_apply=Callback::new(move |()| apply())/>
            {move || (!user.with(String::is_empty)).then(|| view! {
                <button type="button" on:click=move |_| set(String::new())>"Every user"</button>
            })}
        </div>
    }
}

/// Presets (buttons) and a custom from/to range (date inputs).
fn range_picker(range: Signal<DateRange>, set: impl Fn(DateRange) + Copy + Send + Sync + 'static) -> impl IntoView {
    let bounds = move || range.get().days(today());
    let set_custom = move |from: Option<i64>, to: Option<i64>| {
        // Moving one end past the other moves both.
        let (f, t) = range.get_untracked().days(today());
        let (f, t) = match (from, to) {
            (Some(f), _) => (f, t.max(f)),
            (_, Some(t)) => (f.min(t), t),
            _ => return,
        };
        set(DateRange::custom(f, t));
    };
    view! {
        <div class="range-picker">
            <div role="group" aria-label="Date range" class="toolbar">
                {PRESETS.into_iter().map(|n| view! {
                    <button
                        type="button"
                        aria-pressed=move || (range.get() == DateRange::Last(n)).to_string()
                        on:click=move |_| set(DateRange::Last(n))
                    >{format!("Last {n} days")}</button>
                }).collect_view()}
            </div>
            {[("From", true), ("To", false)].into_iter().map(|(label, first)| view! {
                <label>
                    <span>{label}</span>
                    <input type="date" prop:value=move || { let (f, t) = bounds(); day_string(if first { f } else { t }) }
                        on:change=move |ev| {
                            let d = parse_day(&event_target_value(&ev));
                            if first { set_custom(d, None) } else { set_custom(None, d) }
                        }/>
                </label>
            }).collect_view()}
        </div>
    }
}

/// One series of a chart: its name, its colour class and a value per day.
struct Series {
    name: &'static str,
    class: &'static str,
    values: Vec<u64>,
}

fn charts(days: &[DayMetrics]) -> web_sys::Element {
    use dom::*;
    let col = |f: fn(&DayMetrics) -> u64| days.iter().map(f).collect::<Vec<u64>>();
    let s = |name, class, values| Series { name, class, values };
    let dates: Vec<String> = days.iter().map(DayMetrics::date).collect();
    let totals = [
        ("Runs", days.iter().map(DayMetrics::runs).sum::<u64>()),
        ("Sessions", days.iter().map(DayMetrics::sessions).sum()),
        ("Tokens", days.iter().map(|d| d.total_tokens).sum()),
        ("Peak daily users", days.iter().map(|d| d.users).max().unwrap_or(0)),
    ];
    let totals: Vec<_> = totals
        .iter()
        .map(|(k, v)| el("div", &[("class", "card")], &[text("dt", &[], k), text("dd", &[], &v.to_string())]))
        .collect();
    let charts = [
        chart("Runs per day", "runs", &dates, vec![
            s("Agent runs", "s1", col(|d| d.agent_runs)),
            s("Team runs", "s2", col(|d| d.team_runs)),
            s("Workflow runs", "s3", col(|d| d.workflow_runs)),
        ]),
        chart("Sessions per day", "sessions", &dates, vec![
            s("Agent sessions", "s1", col(|d| d.agent_sessions)),
            s("Team sessions", "s2", col(|d| d.team_sessions)),
            s("Workflow sessions", "s3", col(|d| d.workflow_sessions)),
        ]),
        chart("Tokens per day", "tokens", &dates, vec![
            s("Input tokens", "s1", col(|d| d.input_tokens)),
            s("Output tokens", "s4", col(|d| d.output_tokens)),
        ]),
        chart("Active users per day", "users", &dates, vec![s("Active users", "s2", col(|d| d.users))]),
    ];
    let models = model_totals(days);
    let model_part = if models.is_empty() {
        text("p", &[("class", "muted")], "No model calls in this range.")
    } else {
        table(
            "Model usage in the range",
            true,
            &["Model", "Provider", "Count"],
            models.into_iter().map(|m| vec![m.model_id, m.provider, m.count.to_string()]).collect(),
        )
    };
    el("div", &[], &[
        el("dl", &[("class", "metric-totals"), ("aria-label", "Totals for the range")], &totals),
        el("div", &[("class", "charts")], &charts),
        el("section", &[("class", "card"), ("aria-labelledby", "chart-models")], &[
            text("h2", &[("id", "chart-models")], "Model usage"),
            model_part,
        ]),
    ])
}

// The SVG geometry (user units; the SVG scales to its box, text included).
const LEFT: usize = 48;
const RIGHT: usize = 8;
const TOP: usize = 10;
const PLOT_H: u64 = 160;
const HEIGHT: usize = 200;

/// A stacked bar chart of one value per day and series, with its legend, a
/// `<title>` per day, thinned date labels, and a table of the same numbers.
fn chart(title: &str, unit: &str, dates: &[String], series: Vec<Series>) -> web_sys::Element {
    use dom::*;
    let n = dates.len();
    let totals: Vec<u64> = (0..n).map(|i| series.iter().map(|s| s.values[i]).sum()).collect();
    let sum: u64 = totals.iter().sum();
    let top = nice_max(totals.iter().copied().max().unwrap_or(0));
    // About 450 units wide for up to 200 days: the chart's box is 350-550 px, so its text
    // shows at about its own size (wider drawings shrank the labels to 6 px).
    let slot = (400 / n.max(1)).max(2);
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
    let num = |v: usize| v.to_string();

    let mut parts = vec![svg_text("title", &[], &label)];
    let grid = if top >= 2 && top.is_multiple_of(2) { vec![0, top / 2, top] } else { vec![0, top] };
    for v in grid {
        let gy = num(y(v));
        parts.push(svg("line", &[("class", "grid"), ("x1", &num(LEFT)), ("x2", &num(width - RIGHT)), ("y1", &gy), ("y2", &gy)], &[]));
        parts.push(svg_text(
            "text",
            &[("class", "tick"), ("x", &num(LEFT - 6)), ("y", &num(y(v) + 4)), ("text-anchor", "end")],
            &compact(v),
        ));
    }
    for i in 0..n {
        let detail: Vec<String> = series.iter().map(|s| format!("{} {}", s.name, s.values[i])).collect();
        let tip = if series.len() > 1 {
            format!("{}: {} {unit} ({})", dates[i], totals[i], detail.join(", "))
        } else {
            format!("{}: {} {unit}", dates[i], totals[i])
        };
        // A transparent full-height hit area makes the title reachable on empty days too.
        let mut kids = vec![
            svg_text("title", &[], &tip),
            svg("rect", &[("class", "hit"), ("x", &num(LEFT + i * slot)), ("y", &num(TOP)), ("width", &num(slot)), ("height", &PLOT_H.to_string())], &[]),
        ];
        let (x, w) = (num(LEFT + i * slot + gap / 2), num(slot - gap));
        let mut acc = 0u64;
        for s in series.iter().filter(|s| s.values[i] > 0) {
            let y1 = y(acc);
            acc += s.values[i];
            let y2 = y(acc);
            kids.push(svg("rect", &[("class", s.class), ("x", &x), ("y", &num(y2)), ("width", &w), ("height", &num((y1 - y2).max(1)))], &[]));
        }
        parts.push(svg("g", &[], &kids));
    }
    for i in tick_indices(n, (width / 90).max(2)) {
        let (x, anchor) = if n > 1 && i == 0 {
            (LEFT, "start")
        } else if n > 1 && i == n - 1 {
            (LEFT + n * slot, "end")
        } else {
            (LEFT + i * slot + slot / 2, "middle")
        };
        parts.push(svg_text("text", &[("class", "tick"), ("x", &num(x)), ("y", &num(base + 16)), ("text-anchor", anchor)], dates[i].get(5..).unwrap_or(&dates[i])));
    }
    let view_box = format!("0 0 {width} {HEIGHT}");
    let graphic = svg("svg", &[("class", "bars"), ("viewBox", &view_box), ("role", "img"), ("aria-label", &label)], &parts);

    let mut head = vec!["Date"];
    head.extend(series.iter().map(|s| s.name));
    let multi = series.len() > 1;
    if multi {
        head.push("Total");
    }
    let rows = (0..n)
        .rev()
        .map(|i| {
            let mut r = vec![dates[i].clone()];
            r.extend(series.iter().map(|s| s.values[i].to_string()));
            if multi {
                r.push(totals[i].to_string());
            }
            r
        })
        .collect();
    let lower = title.to_ascii_lowercase();
    let details = el("details", &[], &[
        text("summary", &[], &format!("Show {lower} as a table")),
        table(&format!("{title}, {range_text}"), false, &head, rows),
    ]);
    let heading = text("h2", &[], title);
    let mut kids = vec![heading];
    if multi {
        let items: Vec<Element> = series
            .iter()
            .map(|s| {
                let li = el("li", &[], &[el("span", &[("class", &format!("swatch {}", s.class)), ("aria-hidden", "true")], &[])]);
                let _ = li.append_with_str_1(s.name);
                li
            })
            .collect();
        kids.push(el("ul", &[("class", "legend"), ("aria-label", &format!("{title} legend"))], &items));
    }
    kids.push(graphic);
    kids.push(details);
    el("section", &[("class", "card chart"), ("aria-label", title)], &kids)
}
