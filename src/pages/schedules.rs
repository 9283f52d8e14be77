//! Schedules: what the server's cron scheduler runs. List, create and edit
//! (cron with a plain-language preview, the endpoint from the catalog, the
//! payload checked as JSON, the timezone), enable and disable, trigger now,
//! and each schedule's run history with links to the resulting sessions.

use crate::components::load::{use_action, use_get};
use crate::components::{plural, Badge, Empty, ErrorNotice, Field, Loading, Notice, PageHead, Pager, Tone, ConfirmDelete};
use crate::pages::ops::{components, feature_error};
use crate::route::{navigate, Route};
use agentos_client::approvals::json_text;
use agentos_client::json::FromJson;
use agentos_client::schedules::{
    action_path, describe_cron, parse_runs, parse_schedules, run_endpoint, runs_path, schedule_path, schedules_path,
    Schedule, ScheduleForm, ScheduleRun,
};
use agentos_client::time::human_time;
use gloo_net::http::Method;
use leptos::prelude::*;

const ENABLE: &str = "An AgentOS with a database serves /schedules; AgentOS(scheduler=True) runs them.";

/// Timezones offered in the form (any IANA name can be typed).
const TIMEZONES: [&str; 12] = [
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
];

/// `#/schedules`: the list and the form to add one.
#[component]
pub fn SchedulesPage() -> impl IntoView {
    let page = RwSignal::new(1u64);
    let list = use_get(move || Some(schedules_path(None, page.get(), 50)), parse_schedules);
    let adding = RwSignal::new(false);
    view! {
        <section class="schedules">
            <PageHead title="Schedules" toggle=("New schedule", adding) on_refresh=Callback::new(move |()| list.reload())/>
            {move || adding.get().then(|| view! {
                <ScheduleEditor existing=None on_done=Callback::new(move |s: Schedule| {
                    adding.set(false);
                    list.reload();
                    navigate(&Route::Schedule(s.id));
                }) on_cancel=Callback::new(move |()| adding.set(false))/>
            })}
            {move || list.with(|r| match r {
                None => view! { <Loading label="Loading schedules…"/> }.into_any(),
                Some(Err(e)) => feature_error(e.clone(), "Schedules are", ENABLE),
                Some(Ok((rows, _))) if rows.is_empty() => view! {
                    <Empty title="No schedules yet" detail="Add one with “New schedule”: an endpoint of this server, called on a cron or on demand."/>
                }.into_any(),
                Some(Ok((rows, meta))) => {
                    let meta = *meta;
                    view! {
                        <ul class="cards schedule-list" aria-label="Schedules">
                            {rows.iter().cloned().map(|s| view! { <ScheduleCard schedule=s on_change=Callback::new(move |()| list.reload())/> }).collect_view()}
                        </ul>
                        <Pager meta=meta count=plural(meta.total_count, "schedule", "schedules") on_page=Callback::new(move |p| page.set(p))/>
                    }.into_any()
                }
            })}
        </section>
    }
}

/// One schedule in the list: when, what, its state, and its actions.
#[component]
fn ScheduleCard(schedule: Schedule, on_change: Callback<()>) -> impl IntoView {
    let s = schedule;
    view! {
        <li class="card schedule" aria-label=s.name.clone()>
            <div class="approval-head">
                <h2><a href=Route::Schedule(s.id.clone()).href()>{s.name.clone()}</a></h2>
                <Badge text=if s.enabled { "enabled" } else { "disabled" } tone=if s.enabled { Tone::Ok } else { Tone::Neutral }/>
            </div>
            {s.description.clone().map(|d| view! { <p>{d}</p> })}
            <dl class="fields">
                <Field label="When" value=s.when()/>
                <Field label="Calls" value=format!("{} {}", s.method, s.endpoint)/>
                {s.next_run_at.as_deref().filter(|_| s.enabled).map(|t| view! { <Field label="Next run" value=human_time(t)/> })}
                {s.disabled_reason.clone().map(|r| view! { <Field label="Disabled because" value=r/> })}
            </dl>
            <ScheduleActions schedule=s.clone() on_change=on_change/>
        </li>
    }
}

/// Enable / disable and Trigger now, with the outcome.
#[component]
fn ScheduleActions(
    schedule: Schedule,
    /// After enabling or disabling (the schedule changed).
    on_change: Callback<()>,
    /// After a trigger (a run was added; the schedule itself is as it was).
    #[prop(optional)]
    on_triggered: Option<Callback<()>>,
) -> impl IntoView {
    let toggle = use_action().then(move || on_change.run(()));
    let trigger = use_action();
    let outcome = RwSignal::new(None::<ScheduleRun>);
    let id = schedule.id.clone();
    let id2 = schedule.id.clone();
    let enabled = schedule.enabled;
    let name = schedule.name.clone();
    view! {
        <div class="actions">
            <button type="button" disabled=move || toggle.pending() aria-label=format!("{} {name}", if enabled { "Disable" } else { "Enable" }) on:click=move |_| {
                toggle.send(Method::POST, action_path(&id, if enabled { "disable" } else { "enable" }), None, || ());
            }>{if enabled { "Disable" } else { "Enable" }}</button>
            <button type="button" disabled=move || trigger.pending() || !enabled aria-label=format!("Trigger {} now", schedule.name) on:click=move |_| {
                outcome.set(None);
                trigger.send_read(Method::POST, action_path(&id2, "trigger"), None, ScheduleRun::from_json, move |r| {
                    outcome.set(Some(r));
                    if let Some(t) = on_triggered {
                        t.run(());
                    }
                });
            }>{move || if trigger.pending() { "Running…" } else { "Trigger now" }}</button>
        </div>
        {move || outcome.get().map(|r| view! { <p class="outcome" role="status">{format!("Triggered: {}", run_summary(&r))}</p> })}
        {toggle.notice()}
        {trigger.notice()}
    }
}

fn run_summary(r: &ScheduleRun) -> String {
    let mut s = r.status.clone();
    if !r.waiting_for.is_empty() {
        s.push_str(&format!(", waiting for approval of {}", r.waiting_for.join(", ")));
    }
    if let Some(e) = &r.error {
        let short: String = e.chars().take(300).collect();
        s.push_str(&format!(": {short}"));
    }
    s
}

/// `#/schedules/{id}`: the schedule, its editor and its run history.
#[component]
pub fn SchedulePage(id: String) -> impl IntoView {
    let path = schedule_path(&id);
    let one = use_get(move || Some(path.clone()), Schedule::from_json);
    let rid = id.clone();
    let page = RwSignal::new(1u64);
    let runs = use_get(move || Some(runs_path(&rid, page.get(), 20)), parse_runs);
    let editing = RwSignal::new(false);
    let delete = use_action();
    let reload = move || {
        one.reload();
        runs.reload();
    };
    view! {
        <section class="schedule-page">
            <p><a href=Route::Schedules.href()>"← All schedules"</a></p>
            {move || one.with(|r| match r {
                None => view! { <Loading label="Loading the schedule…"/> }.into_any(),
                Some(Err(e)) => view! { <h1>"Schedule"</h1> <ErrorNotice error=e.clone()/> }.into_any(),
                Some(Ok(s)) => {
                    let s = s.clone();
                    let id = s.id.clone();
                    view! {
                        <div class="page-head">
                            <h1>{s.name.clone()}</h1>
                            <Badge text=if s.enabled { "enabled" } else { "disabled" } tone=if s.enabled { Tone::Ok } else { Tone::Neutral }/>
                            <button type="button" on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                            <ConfirmDelete on_confirm=Callback::new(move |()| {
                                delete.send(Method::DELETE, schedule_path(&id), None, || navigate(&Route::Schedules));
                            })/>
                        </div>
                        {delete.notice()}
                        {s.description.clone().map(|d| view! { <p>{d}</p> })}
                        <dl class="fields">
                            <Field label="When" value=s.when()/>
                            <Field label="Calls" value=format!("{} {}", s.method, s.endpoint)/>
                            {s.next_run_at.as_deref().filter(|_| s.enabled).map(|t| view! { <Field label="Next run" value=human_time(t)/> })}
                            {s.timeout_seconds.map(|t| view! { <Field label="Timeout" value=format!("{t} s")/> })}
                            {s.max_retries.map(|t| view! { <Field label="Retries" value=t.to_string()/> })}
                            {s.disabled_reason.clone().map(|r| view! { <Field label="Disabled because" value=r/> })}
                        </dl>
                        {(!s.payload.is_null()).then(|| view! {
                            <h2 class="small">"Payload"</h2>
                            <pre class="code" aria-label="Payload"><code>{json_text(&s.payload, 4_000)}</code></pre>
                        })}
                        <ScheduleActions schedule=s.clone() on_change=Callback::new(move |()| reload())
                            on_triggered=Callback::new(move |()| runs.reload())/>
                        {move || editing.get().then(|| view! {
                            <ScheduleEditor existing=Some(s.clone()) on_done=Callback::new(move |_| { editing.set(false); reload(); })
                                on_cancel=Callback::new(move |()| editing.set(false))/>
                        })}
                    }.into_any()
                }
            })}
            <h2>"Run history"</h2>
            {move || runs.with(|r| match r {
                None => view! { <Loading label="Loading the runs…"/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNotice error=e.clone()/> }.into_any(),
                Some(Ok((rows, _))) if rows.is_empty() => view! { <Empty title="It has not run yet"/> }.into_any(),
                Some(Ok((rows, meta))) => {
                    let meta = *meta;
                    view! {
                        <div class="table-scroll"><table aria-label="Run history">
                            <thead><tr>
                                <th scope="col">"Triggered"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Attempt"</th>
                                <th scope="col">"Result"</th>
                                <th scope="col">"Session"</th>
                            </tr></thead>
                            <tbody>
                                {rows.iter().map(|r| {
                                    let result = r.error.clone().or_else(|| r.output.clone()).map(|t| t.chars().take(200).collect::<String>()).unwrap_or_default();
                                    let approvals = (r.status == "paused").then(|| r.run_id.clone()).flatten();
                                    view! {
                                        <tr>
                                            <td class="small">{r.triggered_at.as_deref().map(human_time).unwrap_or_default()}</td>
                                            <td><Badge text=r.status.clone() tone=match r.status.as_str() { "success" => Tone::Ok, "failed" => Tone::Danger, "paused" => Tone::Warn, _ => Tone::Neutral }/></td>
                                            <td>{r.attempt.map(|a| a.to_string()).unwrap_or_default()}</td>
                                            <td class="small">{result}</td>
                                            <td>
                                                {r.session_id.clone().map(|sid| view! { <a href=Route::session(sid).href()>"Open the session"</a> })}
                                                {approvals.map(|run| view! { " · " <a href=Route::Approvals { run: Some(run) }.href()>"Its approvals"</a> })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                        <Pager meta=meta count=plural(meta.total_count, "run", "runs") on_page=Callback::new(move |p| page.set(p))/>
                    }.into_any()
                }
            })}
        </section>
    }
}

/// Create (no `existing`) or edit a schedule; checked before sending.
#[component]
fn ScheduleEditor(existing: Option<Schedule>, on_done: Callback<Schedule>, on_cancel: Callback<()>) -> impl IntoView {
    let editing_id = existing.as_ref().map(|s| s.id.clone());
    let form = RwSignal::new(existing.as_ref().map(ScheduleForm::from_schedule).unwrap_or_else(|| ScheduleForm {
        timezone: "UTC".into(),
        method: "POST".into(),
        ..Default::default()
    }));
    let check = RwSignal::new(None::<String>);
    let action = use_action();
    let preview = move || match form.with(|f| describe_cron(&f.cron_expr)) {
        Ok(words) => (false, words),
        Err(e) => (true, e),
    };
    let endpoints: Vec<(String, String)> = components()
        .into_iter()
        .map(|e| (run_endpoint(e.kind.collection(), &e.id), format!("Run {} ({})", e.name, e.kind.as_str())))
        .chain([("/metrics/refresh".to_string(), "Refresh metrics".to_string())])
        .collect();
    let title = if editing_id.is_some() { "Edit the schedule" } else { "New schedule" };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.with_untracked(ScheduleForm::body) {
            Err(e) => check.set(Some(e)),
            Ok(body) => {
                check.set(None);
                let (method, path) = match &editing_id {
                    Some(id) => (Method::PATCH, schedule_path(id)),
                    None => (Method::POST, "/schedules".to_string()),
                };
                action.send_read(method, path, Some(body), Schedule::from_json, move |s| on_done.run(s));
            }
        }
    };
    let text = |label: &'static str, get: fn(&ScheduleForm) -> String, set: fn(&mut ScheduleForm, String), placeholder: &'static str, list: Option<&'static str>| {
        view! {
            <label>
                <span>{label}</span>
                <input type="text" placeholder=placeholder list=list prop:value=move || form.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); }/>
            </label>
        }
    };
    view! {
        <section class="card" aria-label=title>
            <h2>{title}</h2>
            <form class="schedule-form" aria-label=title novalidate on:submit=submit>
                {text("Name", |f| f.name.clone(), |f, v| f.name = v, "e.g. Morning report", None)}
                {text("Description (optional)", |f| f.description.clone(), |f, v| f.description = v, "", None)}
                {text("Cron expression", |f| f.cron_expr.clone(), |f, v| f.cron_expr = v, "minute hour day month weekday, e.g. 30 9 * * 1-5; empty: on demand", None)}
                {move || {
                    let (bad, words) = preview();
                    view! { <p class=if bad { "notice notice-error small" } else { "muted small" } aria-live="polite">{format!("Runs: {words}")}</p> }
                }}
                {text("Timezone", |f| f.timezone.clone(), |f, v| f.timezone = v, "UTC", Some("schedule-timezones"))}
                <datalist id="schedule-timezones">
                    {TIMEZONES.iter().map(|t| view! { <option value=*t></option> }).collect_view()}
                </datalist>
                <label>
                    <span>"Endpoint"</span>
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if !v.is_empty() { form.update(|f| { f.endpoint = v; f.method = "POST".into(); }); }
                    }>
                        <option value="">"Choose from the catalog…"</option>
                        {endpoints.into_iter().map(|(path, label)| {
                            let p = path.clone();
                            view! { <option value=path selected=move || form.with(|f| f.endpoint == p)>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {text("Endpoint path", |f| f.endpoint.clone(), |f, v| f.endpoint = v, "/agents/<id>/runs", None)}
                <label>
                    <span>"Method"</span>
                    <select on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.method = v); }>
                        {["POST", "GET", "PUT", "PATCH", "DELETE"].into_iter().map(|m| view! {
                            <option value=m selected=move || form.with(|f| f.method.eq_ignore_ascii_case(m))>{m}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>"Payload (JSON object, optional)"</span>
                    <textarea rows="3" placeholder="{\"message\": \"Good morning\"}" prop:value=move || form.with(|f| f.payload.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.payload = v); }></textarea>
                </label>
                {text("Timeout (seconds)", |f| f.timeout_seconds.clone(), |f, v| f.timeout_seconds = v, "3600", None)}
                {text("Retries", |f| f.max_retries.clone(), |f, v| f.max_retries = v, "0", None)}
                {move || check.get().map(|m| view! { <Notice title=m/> })}
                {action.notice()}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || action.pending()>"Save schedule"</button>
                    <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}
