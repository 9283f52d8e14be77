//! The form under a run paused for a person's decision: the tools (or workflow steps) it
//! waits on, with fields for tools that ask for input or for a result, a route choice at a
//! workflow's Router, and Approve/Reject (or Continue). Only the live chat shows it (through a
//! `RunCard`'s `Paused`), so a stored session's page does not carry its code.

use super::run_view::pretty;
use agentos_client::reducer::{step_pause, RunView, StepPause, ToolView};
use agentos_client::runs::{needs_result, ROUTE_CHOICE};
use leptos::prelude::*;
use serde_json::Value;

/// What a person decided on a paused run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// `(tool_call_id or step_id, approved)`.
    pub approvals: Vec<(String, bool)>,
    /// `(tool_call_id, field, text)` for tools that asked for input.
    pub answers: Vec<(String, String, String)>,
    /// `(tool_call_id, result)` for tools executed outside agno.
    pub results: Vec<(String, String)>,
}

/// The approval form as a [`super::run_view::Paused`] draws it.
pub fn approval(run: Signal<RunView>, on_decide: Callback<Decision>, busy: Signal<bool>) -> AnyView {
    view! { <Approval run=run on_decide=on_decide busy=busy/> }.into_any()
}

/// The tools (or steps) a paused run waits on, with a form for those that
/// ask for input, and Approve/Reject (or Continue when only questions).
#[component]
fn Approval(
    /// The paused run.
    run: Signal<RunView>,
    /// Called with what the person decided.
    on_decide: Callback<Decision>,
    /// Whether another run is in progress (the buttons are disabled then).
    busy: Signal<bool>,
) -> impl IntoView {
    let tools = move || run.with(|r| r.paused_tool_views());
    // What the person typed for tools that ask for input: (tool id, field, text).
    let answers = RwSignal::new(
        tools()
            .iter()
            .flat_map(|t| t.input_fields().into_iter().map(move |f| (t.id.clone(), f.name, f.value)))
            .collect::<Vec<_>>(),
    );
    // The results typed for tools executed outside agno: (tool id, text).
    let results = RwSignal::new(
        tools().iter().filter(|t| needs_result(&t.raw)).map(|t| (t.id.clone(), String::new())).collect::<Vec<_>>(),
    );
    // Only questions or results: one button to continue; any approval:
    // Approve/Reject.
    let is_route = |t: &ToolView| matches!(step_pause(&t.raw), Some((_, StepPause::RouteSelection)));
    // The routes chosen at a workflow's Router: (step key, route name).
    let chosen = RwSignal::new(Vec::<(String, String)>::new());
    let only_questions =
        move || tools().iter().all(|t| !t.input_fields().is_empty() || needs_result(&t.raw) || is_route(t));
    let unanswered = move || {
        answers.with(|a| a.iter().any(|(_, _, v)| v.trim().is_empty()))
            || results.with(|r| r.iter().any(|(_, v)| v.trim().is_empty()))
            || tools().iter().filter(|t| is_route(t)).any(|t| chosen.with(|c| !c.iter().any(|(k, _)| *k == t.id)))
    };
    let decide = move |ok: bool| {
        let approvals = tools().into_iter().map(|t| (t.id, ok)).collect();
        let results = if ok { results.get_untracked() } else { Vec::new() };
        let mut answers = answers.get_untracked();
        answers.extend(chosen.get_untracked().into_iter().map(|(k, c)| (k, ROUTE_CHOICE.to_string(), c)));
        on_decide.run(Decision { approvals, answers, results });
    };
    // One route per Router (a select): a Router that allows several
    // (`allow_multiple_selections`) still gets one from here.
    let route_field = move |t: &ToolView| {
        let key = t.id.clone();
        let routes: Vec<String> = t
            .raw
            .get("available_choices")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).take(64).map(str::to_string).collect())
            .unwrap_or_default();
        let legend = match &t.args {
            Value::String(s) if !s.trim().is_empty() => s.clone(),
            _ => "Choose a route".to_string(),
        };
        view! {
            <label class="field">
                <span>{legend}</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    chosen.update(|c| {
                        c.retain(|(k, _)| *k != key);
                        if !v.is_empty() {
                            c.push((key.clone(), v));
                        }
                    });
                }>
                    <option value="" selected>"Choose a route…"</option>
                    {routes.into_iter().map(|r| {
                        let label = r.clone();
                        view! { <option value=r>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let result_field = move |tool: String| {
        let id = tool.clone();
        let value = move || results.with(|r| r.iter().find(|(t, _)| *t == id).map(|x| x.1.clone()).unwrap_or_default());
        let set = move |ev| {
            let v = event_target_value(&ev);
            results.update(|r| {
                if let Some(x) = r.iter_mut().find(|(t, _)| *t == tool) {
                    x.1 = v;
                }
            });
        };
        view! {
            <label class="field">
                <span>"Result"</span>
                <textarea rows="2" required prop:value=value on:input=set></textarea>
            </label>
        }
    };
    let field = move |tool: String, f: agentos_client::reducer::InputField| {
        let key = (tool.clone(), f.name.clone());
        let value = move || {
            answers.with(|a| a.iter().find(|(t, n, _)| (t, n) == (&key.0, &key.1)).map(|x| x.2.clone()).unwrap_or_default())
        };
        let name = f.name.clone();
        let set = move |ev| {
            let v = event_target_value(&ev);
            answers.update(|a| {
                if let Some(x) = a.iter_mut().find(|(t, n, _)| *t == tool && *n == name) {
                    x.2 = v;
                }
            });
        };
        view! {
            <label class="field">
                <span>{f.name.clone()}</span>
                {f.description.clone().map(|d| view! { <span class="small muted">" — " {d}</span> })}
                <input type="text" required prop:value=value on:input=set/>
            </label>
        }
    };
    view! {
        <div class="approval" role="group" aria-label="Approval needed">
            <p><strong>{move || if only_questions() { "This run needs your input" } else { "This run is waiting for your approval" }}</strong></p>
            <ul class="plain">
                {move || tools().into_iter().map(|t| {
                    let fields = t.input_fields();
                    let id = t.id.clone();
                    let result = needs_result(&t.raw).then(|| result_field(id.clone()));
                    let route = is_route(&t).then(|| route_field(&t));
                    view! {
                        <li>
                            <span class="mono">{t.name.clone()}</span>
                            <pre class="code">{pretty(&t.args)}</pre>
                            {fields.into_iter().map(|f| field(id.clone(), f)).collect_view()}
                            {result}
                            {route}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="actions">
                {move || if only_questions() {
                    view! {
                        <button type="button" class="primary" disabled=move || busy.get() || unanswered() on:click=move |_| decide(true)>
                            "Continue"
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="primary" disabled=move || busy.get() || unanswered() on:click=move |_| decide(true)>"Approve"</button>
                        <button type="button" class="danger" disabled=busy on:click=move |_| decide(false)>"Reject"</button>
                    }.into_any()
                }}
            </div>
        </div>
    }
}
