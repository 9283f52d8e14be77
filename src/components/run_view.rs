//! Renders a run as a person reads it: the answer (Markdown), reasoning,
//! tool calls, team members' runs, workflow steps, approvals, errors,
//! references and metrics. Used by the live chat and the session history.

use crate::components::markdown::Markdown;
use crate::components::{Badge, Notice, Tone};
use agentos_client::reducer::{RunStatus, RunView, StepView, ToolStatus, ToolView};
use agentos_client::reducer::{step_pause, StepPause};
use agentos_client::runs::{needs_result, ROUTE_CHOICE};
use leptos::prelude::*;
use serde_json::Value;

fn pretty(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// Seconds as the server reports them, for people ("152 ms", "13.01 s"), with the one duration
/// formatter: no float formatting in the wasm (it cost the chat and sessions routes 6.8 KB).
fn fmt_secs(s: f64) -> String {
    // A float-to-int `as` saturates (NaN and negatives give 0), so any value is safe here.
    agentos_client::time::format_duration((s * 1_000_000.0) as u64)
}

fn status_badge(status: &RunStatus) -> (&'static str, Tone) {
    match status {
        RunStatus::Running => ("Running", Tone::Accent),
        RunStatus::Paused => ("Waiting for approval", Tone::Warn),
        RunStatus::Completed => ("Completed", Tone::Ok),
        RunStatus::Cancelled => ("Stopped", Tone::Neutral),
        RunStatus::Error => ("Failed", Tone::Danger),
        RunStatus::Interrupted => ("Interrupted", Tone::Danger),
    }
}

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

/// A run with everything inside it. `on_decide` receives what the person
/// decided on a paused run.
#[component]
pub fn RunCard(
    /// The run's view-model, updated while it streams.
    run: Signal<RunView>,
    /// Called when the person approves, rejects or answers a paused run.
    #[prop(optional)]
    on_decide: Option<Callback<Decision>>,
    /// Whether another run is in progress (decisions are disabled then).
    #[prop(optional, into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let content: Signal<String> = Memo::new(move |_| run.with(|r| r.content.clone())).into();
    view! {
        <article class="bubble agent" aria-label=move || format!("Answer from {}", run.with(|r| r.display_name()))>
            <RunHeader run=run/>
            <RunBody run=run content=content/>
            {move || {
                let paused = run.with(|r| r.status == RunStatus::Paused && !r.paused_tool_views().is_empty());
                match (paused, on_decide) {
                    (true, Some(cb)) => Some(view! { <Approval run=run on_decide=cb busy=busy/> }),
                    _ => None,
                }
            }}
            <RunFooter run=run/>
        </article>
    }
}

/// The run's name, its status and, while it streams, a typing indicator.
#[component]
fn RunHeader(
    /// The run shown.
    run: Signal<RunView>,
) -> impl IntoView {
    view! {
        <div class="run-head">
            <strong>{move || run.with(|r| r.display_name())}</strong>
            {move || {
                let (label, tone) = run.with(|r| status_badge(&r.status));
                view! { <Badge text=label tone=tone/> }
            }}
            {move || run.with(|r| r.status == RunStatus::Running).then(|| view! {
                <span class="typing" aria-label="The answer is streaming"><i></i><i></i><i></i></span>
            })}
        </div>
    }
}

/// Everything a run produced, without the approval box and footer; nested
/// member and step runs use it too.
#[component]
fn RunBody(
    /// The run shown.
    run: Signal<RunView>,
    /// Its answer text (a memo of `run`'s content, so the Markdown view is
    /// only updated when the text changes).
    content: Signal<String>,
) -> impl IntoView {
    let is_json = Memo::new(move |_| run.with(|r| r.content_is_json()));
    let show_markdown = Memo::new(move |_| run.with(|r| !r.content_is_json() && !repeats_last_step(r)));
    view! {
        {move || {
            let reasoning = run.with(|r| r.reasoning.clone());
            (!reasoning.trim().is_empty()).then(|| view! {
                <details class="reasoning">
                    <summary>"Reasoning"</summary>
                    <div class="prewrap small">{reasoning}</div>
                </details>
            })
        }}
        {move || {
            let tools = run.with(|r| r.tools.clone());
            (!tools.is_empty()).then(|| view! {
                <ul class="tool-calls" aria-label="Tool calls">
                    {tools.into_iter().map(tool_card).collect_view()}
                </ul>
            })
        }}
        {move || {
            let steps = run.with(|r| r.steps.clone());
            (!steps.is_empty()).then(|| view! {
                <ol class="wf-steps" aria-label="Workflow steps">
                    {steps.into_iter().map(step_item).collect_view()}
                </ol>
            })
        }}
        {move || {
            let members = run.with(|r| r.members.clone());
            (!members.is_empty()).then(|| view! {
                <div class="members">
                    {members.into_iter().map(member_run).collect_view()}
                </div>
            })
        }}
        {move || is_json.get().then(|| view! {
            <pre class="code" aria-label="Structured output">{move || run.with(|r| r.pretty_content())}</pre>
        })}
        // A memo, so the Markdown view is built once and then only updated
        // as text arrives (not rebuilt on every event).
        {move || show_markdown.get().then(|| view! { <Markdown text=content label="Answer text"/> })}
        {crate::components::media::run_media(run, false)}
        {move || run.with(|r| r.error.clone()).map(|e| view! {
            <Notice
                title=format!("The run failed: {}", e.message)
                hint=e.error_type.map(|t| format!("Error type: {t}")).unwrap_or_default()
            />
        })}
        {move || run.with(|r| (r.status == RunStatus::Cancelled).then(|| r.cancel_reason.clone())).map(|reason| view! {
            <p class="small muted" role="status">"Stopped. " {reason.unwrap_or_default()}</p>
        })}
    }
}

/// A workflow's final content is usually its last step's output, which is
/// already shown under that step.
fn repeats_last_step(r: &RunView) -> bool {
    r.steps.last().and_then(|s| s.output.as_deref()).is_some_and(|o| o.trim() == r.content.trim())
}

fn tool_card(t: ToolView) -> impl IntoView {
    let state = match t.status {
        _ if t.confirmed == Some(false) => ("rejected", Tone::Danger),
        ToolStatus::Failed => ("failed", Tone::Danger),
        ToolStatus::Done => ("done", Tone::Ok),
        ToolStatus::Running => ("running", Tone::Accent),
        ToolStatus::AwaitingDecision if !t.input_fields().is_empty() => ("waiting for your input", Tone::Warn),
        ToolStatus::AwaitingDecision if needs_result(&t.raw) => ("waiting for its result", Tone::Warn),
        ToolStatus::AwaitingDecision => ("awaiting approval", Tone::Warn),
    };
    let approved = t.requires_confirmation && t.confirmed == Some(true);
    let duration = t.duration.map(fmt_secs);
    let args = pretty(&t.args);
    view! {
        <li class="tool-call">
            <details>
                <summary>
                    <span class="mono">{t.name.clone()}</span>
                    " " <Badge text=state.0 tone=state.1/>
                    {duration.map(|d| view! { " " <span class="small muted">{d}</span> })}
                    {approved.then(|| view! { " " <Badge text="approved" tone=Tone::Ok/> })}
                </summary>
                <div class="tool-io">
                    <p class="small muted">"Arguments"</p>
                    <pre class="code">{args}</pre>
                    {t.result.clone().map(|r| view! {
                        <p class="small muted">"Result"</p>
                        <pre class="code">{r}</pre>
                    })}
                    {t.error.clone().map(|e| view! {
                        <p class="small muted">"Error"</p>
                        <pre class="code error-text">{e}</pre>
                    })}
                </div>
            </details>
        </li>
    }
}

fn member_run(m: RunView) -> impl IntoView {
    let name = m.display_name();
    let sig = Signal::stored(m.clone());
    let content = Signal::stored(m.content.clone());
    view! {
        <section class="member-run" aria-label=format!("Member run: {name}")>
            <RunHeader run=sig/>
            <RunBody run=sig content=content/>
        </section>
    }
}

fn step_item(s: StepView) -> impl IntoView {
    let (label, tone) = status_badge(&s.status);
    let name = s.name.clone();
    view! {
        <li class="wf-step">
            <div class="run-head">
                <span class="step-name">{name}</span>
                <Badge text=label tone=tone/>
            </div>
            {s.runs.into_iter().map(member_run).collect_view()}
            {s.output.clone().map(|o| view! {
                <div class="step-output">
                    <p class="small muted">"Output"</p>
                    {crate::components::markdown::markdown_static(&o)}
                </div>
            })}
        </li>
    }
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

/// References, links to the memories it updated and to its traces, its
/// metrics, and how many unreadable events were skipped.
#[component]
fn RunFooter(
    /// The run shown.
    run: Signal<RunView>,
) -> impl IntoView {
    view! {
        {move || {
            let refs = run.with(|r| r.references.clone());
            (!refs.is_empty()).then(|| view! {
                <details class="references">
                    <summary>{format!("References ({})", refs.len())}</summary>
                    <ul class="plain">
                        {refs.into_iter().map(|r| view! {
                            <li>
                                {r.name.clone().map(|n| view! { <strong>{n}</strong> " " })}
                                <span class="prewrap small">{r.content.clone()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })
        }}
        {move || run.with(|r| r.memories_updated.map(|n| (n, r.memories_user.clone()))).map(|(n, user)| {
            // To that user's memories when the event says whose they are.
            let href = crate::route::Route::Memories { user, db: None }.href();
            view! {
                <p class="small">
                    <a href=href>{format!("Memories updated ({n})")}</a>
                </p>
            }
        })}
        {move || run.with(|r| {
            // Its traces, once the run is over (tracing records them at the end).
            let over = !matches!(r.status, RunStatus::Running | RunStatus::Paused);
            r.run_id.clone().filter(|_| over)
        }).map(|id| view! {
            <p class="small">
                <a href=crate::route::Route::run_traces(&id).href()>"Traces of this run"</a>
            </p>
        })}
        {move || run.with(|r| r.metrics.clone()).map(|m| {
            let mut parts = Vec::new();
            if let Some(t) = m.input_tokens { parts.push(format!("{t} in")); }
            if let Some(t) = m.output_tokens { parts.push(format!("{t} out")); }
            if let Some(t) = m.total_tokens { parts.push(format!("{t} tokens")); }
            if let Some(d) = m.duration { parts.push(format!("{} total", fmt_secs(d))); }
            if let Some(d) = m.time_to_first_token { parts.push(format!("{} to first token", fmt_secs(d))); }
            (!parts.is_empty()).then(|| view! { <p class="metrics small muted" aria-label="Run metrics">{parts.join(" · ")}</p> })
        })}
        {move || {
            let n = run.with(|r| r.malformed.len());
            (n > 0).then(|| view! {
                <p class="small muted">{format!("{n} unreadable event(s) were skipped.")}</p>
            })
        }}
    }
}
