//! Approvals: runs paused on a tool marked `@approval`, from any user or
//! schedule. Filter them, see what each asks (tool, arguments, input), open
//! its run, approve or reject it (with data where it asks for some), and
//! continue the run once decided.

use crate::components::load::{use_action, use_get, UseAction};
use crate::components::{plural, Badge, Empty, Notice, PageHead, Pager, Tone};
use crate::pages::ops::{component_name, components, feature_error};
use crate::route::{use_route_part, Route};
use crate::state::use_app;
use agentos_client::approvals::{
    approvals_path, json_text, parse_approvals, resolution_data, resolve_body, resolve_path, Approval,
    ApprovalFilter, APPROVAL_TYPES, ARGS_SHOWN_MAX, PAUSE_TYPES, STATUSES,
};
use agentos_client::time::human_time;
use agentos_client::{ApiError, ComponentKind};
use gloo_net::http::Method;
use leptos::prelude::*;

/// `#/approvals` (and `#/approvals?run_id=<id>`: the approvals of one run).
#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let route_run = use_route_part(|r| match r {
        Route::Approvals { run } => Some(run.clone().unwrap_or_default()),
        _ => None,
    });
    let initial_run = route_run.get_untracked();
    // A run's approvals are shown whatever their status.
    let status = if initial_run.is_empty() { "pending".to_string() } else { String::new() };
    let filter = RwSignal::new(ApprovalFilter { run_id: initial_run, status, ..Default::default() });
    Effect::new(move |_| {
        let run = route_run.get();
        if run != filter.with_untracked(|f| f.run_id.clone()) {
            filter.update(|f| {
                f.run_id = run;
                f.page = 1;
            });
        }
    });
    let list = use_get(move || Some(filter.with(approvals_path)), parse_approvals);
    let state = use_app();
    let reload = move || {
        list.reload();
        crate::ops_badge::refresh(state);
    };
    let set_page = move |p: u64| filter.update(|f| f.page = p.max(1));

    view! {
        <section class="approvals">
            <PageHead title="Approvals" on_refresh=Callback::new(move |()| reload())/>
            <p class="muted">
                "Runs paused on a tool that needs an operator's approval, from any user or schedule. "
                "Approve or reject them here; the run goes on when it is continued."
            </p>
            <Filters filter=filter/>
            {move || list.with(|r| match r {
                None => view! { <crate::components::Loading label="Loading approvals…"/> }.into_any(),
                Some(Err(e)) => feature_error(
                    e.clone(),
                    "Approvals are",
                    "An AgentOS with a database serves /approvals (agno 2.5 and later); records appear when a run pauses on a tool marked @approval.",
                ),
                Some(Ok((rows, meta))) => {
                    let narrowed = filter.with_untracked(|f| f.is_narrowed() || f.status != "pending");
                    if rows.is_empty() {
                        let (title, detail) = if narrowed {
                            ("No approvals match", "Try another status or clear the filters.")
                        } else {
                            ("Nothing waits for approval", "A run that pauses on a tool marked @approval shows up here.")
                        };
                        return view! { <Empty title=title detail=detail/> }.into_any();
                    }
                    let meta = *meta;
                    view! {
                        <ul class="cards approval-list" aria-label="Approvals">
                            {rows.iter().cloned().map(|a| view! { <ApprovalItem approval=a on_change=Callback::new(move |()| reload())/> }).collect_view()}
                        </ul>
                        <Pager meta=meta count=plural(meta.total_count, "approval", "approvals") on_page=Callback::new(set_page)/>
                    }
                    .into_any()
                }
            })}
        </section>
    }
}

/// Status, type, pause, component, user, schedule and run.
#[component]
fn Filters(filter: RwSignal<ApprovalFilter>) -> impl IntoView {
    let user = RwSignal::new(String::new());
    let schedule = RwSignal::new(String::new());
    let run = RwSignal::new(filter.with_untracked(|f| f.run_id.clone()));
    Effect::new(move |_| run.set(filter.with(|f| f.run_id.clone())));
    let apply = move || {
        filter.update(|f| {
            f.user_id = user.get_untracked().trim().to_string();
            f.schedule_id = schedule.get_untracked().trim().to_string();
            f.run_id = run.get_untracked().trim().to_string();
            f.page = 1;
        });
    };
    let select = |label: &'static str, all: &'static str, options: Vec<(String, String)>,
                  get: fn(&ApprovalFilter) -> String, set: fn(&mut ApprovalFilter, String)| {
        view! {
            <label>
                <span>{label}</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| { set(f, v); f.page = 1; });
                }>
                    <option value="" selected=move || filter.with(|f| get(f).is_empty())>{all}</option>
                    {options.into_iter().map(|(value, text)| {
                        let v = value.clone();
                        view! { <option value=value selected=move || filter.with(|f| get(f) == v)>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let own = |list: &[&str]| list.iter().map(|s| (s.to_string(), s.replace('_', " "))).collect::<Vec<_>>();
    let mut component_options: Vec<(String, String)> = ["agent", "team", "workflow"]
        .iter()
        .map(|k| (k.to_string(), format!("Any {k}")))
        .collect();
    component_options.extend(
        components().into_iter().map(|e| (format!("{}:{}", e.kind.as_str(), e.id), format!("{} ({})", e.name, e.kind.as_str()))),
    );
    let text_input = |label: &'static str, value: RwSignal<String>, placeholder: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input
                    type="text"
                    placeholder=placeholder
                    bind:value=value
                    on:change=move |_| apply()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { apply() }
                />
            </label>
        }
    };
    view! {
        <div class="filters" role="search" aria-label="Filter approvals">
            {select("Status", "Any status", own(&STATUSES), |f| f.status.clone(), |f, v| f.status = v)}
            {select("Approval type", "Any type", own(&APPROVAL_TYPES), |f| f.approval_type.clone(), |f, v| f.approval_type = v)}
            {select("Waits for", "Anything", own(&PAUSE_TYPES), |f| f.pause_type.clone(), |f, v| f.pause_type = v)}
            {select(
                "Component",
                "Any component",
                component_options,
                |f| if f.component_id.is_empty() { f.component_kind.clone() } else { format!("{}:{}", f.component_kind, f.component_id) },
                |f, v| match v.split_once(':') {
                    Some((k, id)) => { f.component_kind = k.to_string(); f.component_id = id.to_string(); }
                    None => { f.component_kind = v; f.component_id.clear(); }
                },
            )}
            {text_input("User id", user, "any user")}
            {text_input("Schedule id", schedule, "any schedule")}
            {text_input("Run id", run, "any run")}
        </div>
    }
}

/// One approval: what it asks, where it comes from, and its decision.
#[component]
fn ApprovalItem(approval: Approval, on_change: Callback<()>) -> impl IntoView {
    let a = approval;
    let component = a.component().map(|(k, id)| (k, id.to_string()));
    let source = component
        .as_ref()
        .map(|(k, id)| component_name(*k, id))
        .or_else(|| a.source_name.clone())
        .unwrap_or_else(|| "an unknown component".into());
    let question = a.question();
    let label = format!("{question} · {source}");
    let tone = match a.status.as_str() {
        "pending" => Tone::Warn,
        "approved" => Tone::Ok,
        "rejected" => Tone::Danger,
        _ => Tone::Neutral,
    };
    let facts: Vec<(&'static str, String)> = [
        Some(("From", source.clone())),
        a.user_id.clone().map(|u| ("User", u)),
        a.created_at.as_deref().map(|t| ("Asked", human_time(t))),
        a.pause_type.clone().map(|p| ("Waits for", p.replace('_', " "))),
        a.approval_type.clone().map(|t| ("Approval type", t)),
        a.run_status.clone().map(|s| ("Run status", s)),
        a.schedule_id.clone().map(|s| ("Schedule", s)),
        a.expires_at.as_deref().map(|t| ("Expires", human_time(t))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let session_href = (!a.session_id.is_empty()).then(|| {
        let c = component.as_ref().map(|(k, id)| (*k, id.as_str()));
        crate::components::db_picker::component_session(use_app(), c, a.session_id.clone()).href()
    });
    let chat_href = component.clone().filter(|_| !a.session_id.is_empty()).map(|(k, id)| {
        Route::Chat { target: Some((k, id)), session: Some(a.session_id.clone()), present: false }.href()
    });
    let tools = a.tools.clone();
    let args = (!a.tool_args.is_null()).then(|| json_text(&a.tool_args, ARGS_SHOWN_MAX));
    let outcome = (!a.is_pending()).then(|| outcome_text(&a));
    let data = (!a.resolution_data.is_null()).then(|| json_text(&a.resolution_data, ARGS_SHOWN_MAX));
    let pending = a.is_pending();
    let can_continue = !pending
        && a.run_status.as_deref() == Some("PAUSED")
        && matches!(component, Some((ComponentKind::Agent | ComponentKind::Team, _)));
    let run_id = a.run_id.clone();
    view! {
        <li class="card approval" aria-label=label.clone()>
            <div class="approval-head">
                <h2>{question}</h2>
                <Badge text=a.status.clone() tone=tone/>
            </div>
            <dl class="fields">
                {facts.into_iter().map(|(k, v)| view! { <crate::components::Field label=k value=v/> }).collect_view()}
                <crate::components::Field label="Run" value=run_id/>
            </dl>
            {args.map(|t| view! {
                <h3 class="small">"Arguments"</h3>
                <pre class="code" aria-label="Arguments"><code>{t}</code></pre>
            })}
            {(tools.len() > 1).then(|| view! {
                <h3 class="small">"Tool calls in this pause"</h3>
                <ul aria-label="Tool calls in this pause">
                    {tools.iter().map(|t| view! { <li class="mono">{t.tool_name.clone()}</li> }).collect_view()}
                </ul>
            })}
            <p class="links">
                {session_href.map(|h| view! { <a href=h>"Open the session"</a> })}
                {chat_href.map(|h| view! { " · " <a href=h>"Open the run in the chat"</a> })}
            </p>
            {outcome.map(|o| view! { <p class="outcome" role="status">{o}</p> })}
            {data.map(|t| view! { <pre class="code" aria-label="Resolution data"><code>{t}</code></pre> })}
            {pending.then(|| view! { <ResolveForm approval=a.clone() label=label.clone() on_change=on_change/> })}
            {can_continue.then(|| view! { <ContinueRun approval=a.clone() on_change=on_change/> })}
        </li>
    }
}

fn outcome_text(a: &Approval) -> String {
    let verb = match a.status.as_str() {
        "approved" => "Approved",
        "rejected" => "Rejected",
        "expired" => "Expired",
        "cancelled" => "Cancelled",
        other => return format!("Status: {other}"),
    };
    let by = a.resolved_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
    let at = a.resolved_at.as_deref().map(|t| format!(" on {}", human_time(t))).unwrap_or_default();
    let run = match a.run_status.as_deref() {
        Some("PAUSED") => " The run is still paused: continue it to apply the decision.",
        Some("COMPLETED") => " The run has completed.",
        Some("ERROR") => " The run ended with an error.",
        Some("CANCELLED") => " The run was cancelled.",
        _ => "",
    };
    format!("{verb}{by}{at}.{run}")
}

/// Approve or reject, with the answers the tool asks for and optional data.
#[component]
fn ResolveForm(approval: Approval, label: String, on_change: Callback<()>) -> impl IntoView {
    let fields: Vec<(String, Option<String>, RwSignal<String>)> = approval
        .input_fields()
        .into_iter()
        .map(|f| {
            let hint = [f.field_type.clone(), f.description.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
            (f.name, (!hint.is_empty()).then_some(hint), RwSignal::new(f.value.unwrap_or_default()))
        })
        .collect();
    let needs_result = approval.needs_result();
    let result = RwSignal::new(String::new());
    let extra = RwSignal::new(String::new());
    let resolved_by = RwSignal::new(String::new());
    let check = RwSignal::new(None::<String>);
    let action: UseAction = use_action().then(move || on_change.run(()));
    let id = approval.id.clone();
    let field_values = fields.iter().map(|(n, _, v)| (n.clone(), *v)).collect::<Vec<_>>();
    let decide = move |approve: bool| {
        let answers: Vec<(String, String)> =
            field_values.iter().map(|(n, v)| (n.clone(), v.get_untracked())).collect();
        match resolution_data(approve, &answers, &result.get_untracked(), &extra.get_untracked()) {
            Err(e) => check.set(Some(e.to_string())),
            Ok(data) => {
                check.set(None);
                let body = resolve_body(approve, &resolved_by.get_untracked(), data);
                action.send(Method::POST, resolve_path(&id), Some(body), || ());
            }
        }
    };
    let decide2 = decide.clone();
    view! {
        <form class="approval-form" aria-label=format!("Decide: {label}") on:submit=|ev| ev.prevent_default()>
            {fields.into_iter().map(|(name, hint, value)| view! {
                <label>
                    <span>{name.clone()}</span>
                    <input type="text" required bind:value=value/>
                    {hint.map(|h| view! { <span class="muted small">{h}</span> })}
                </label>
            }).collect_view()}
            {needs_result.then(|| view! {
                <label>
                    <span>"Result of the tool"</span>
                    <textarea rows="3" bind:value=result></textarea>
                </label>
            })}
            <label>
                <span>"Data (optional JSON object)"</span>
                <textarea rows="2" placeholder="{\"note\": \"checked by ops\"}" bind:value=extra></textarea>
            </label>
            <label>
                <span>"Resolved by (optional)"</span>
                <input type="text" placeholder="your name" bind:value=resolved_by/>
            </label>
            {move || check.get().map(|m| view! { <Notice title=m/> })}
            {action.notice()}
            <div class="actions">
                <button type="button" class="primary" disabled=move || action.pending() on:click=move |_| decide(true)>"Approve"</button>
                <button type="button" class="danger" disabled=move || action.pending() on:click=move |_| decide2(false)>"Reject"</button>
            </div>
        </form>
    }
}

/// After the decision: continue the paused run, so agno applies it.
#[component]
fn ContinueRun(approval: Approval, on_change: Callback<()>) -> impl IntoView {
    let action = use_action().then(move || on_change.run(()));
    let outcome = RwSignal::new(None::<String>);
    let go = move |_| {
        let Some((kind, id)) = approval.component().map(|(k, id)| (k, id.to_string())) else { return };
        let path = format!(
            "/{}/{}/runs/{}/continue",
            kind.collection(),
            agentos_client::path::encode(&id),
            agentos_client::path::encode(&approval.run_id)
        );
        let session = approval.session_id.clone();
        action.run(
            move |c| async move {
                let form = agentos_client::upload::form_of(&[("session_id", session), ("stream", "false".into())])?;
                let resp = c.post_form(&path, &form, None).await?;
                let v: serde_json::Value = resp.json().await.map_err(|e| ApiError::Decode {
                    what: "the continued run".into(),
                    detail: e.to_string(),
                })?;
                Ok(v)
            },
            move |v| {
                let status = agentos_client::json::text(&v, "status").unwrap_or_else(|| "unknown".into());
                outcome.set(Some(format!("The run went on; its status is now {status}.")));
            },
        );
    };
    view! {
        <div class="actions">
            <button type="button" disabled=move || action.pending() on:click=go>
                {move || if action.pending() { "Continuing…" } else { "Continue the run" }}
            </button>
            {move || outcome.get().map(|o| view! { <span role="status">{o}</span> })}
            {action.notice()}
        </div>
    }
}
