//! Renders a run as a person reads it: the answer (Markdown), reasoning,
//! tool calls, team members' runs, workflow steps, errors, references and
//! metrics (a paused run's form is `approval.rs`). Used by the live chat and the session history.

use crate::components::markdown::Markdown;
use crate::components::{Badge, Notice, Tone};
use agentos_client::reducer::{RunStatus, RunView, StepView, ToolStatus, ToolView};
use agentos_client::runs::needs_result;
use leptos::prelude::*;
use serde_json::Value;

/// A JSON value for people: a string as it is, anything else pretty-printed.
pub(crate) fn pretty(v: &Value) -> String {
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

/// A run with everything inside it. A run paused for a decision shows the form `paused` draws
/// under its body (the chat's approval form, `components::approval`); without it (a stored
/// session's page), no form.
#[component]
pub fn RunCard(
    /// The run's view-model, updated while it streams.
    run: Signal<RunView>,
    /// The form for a run that waits for a person's decision (its approvals, questions,
    /// results or route choice); none by default.
    #[prop(optional)]
    paused: Option<Paused>,
) -> impl IntoView {
    let content: Signal<String> = Memo::new(move |_| run.with(|r| r.content.clone())).into();
    view! {
        <article class="bubble agent" aria-label=move || format!("Answer from {}", run.with(|r| r.display_name()))>
            <RunHeader run=run/>
            <RunBody run=run content=content/>
            {move || {
                let waiting = run.with(|r| r.status == RunStatus::Paused && !r.paused_tool_views().is_empty());
                paused.filter(|_| waiting).map(|p| (p.draw)(run, p.on_decide, p.busy))
            }}
            <RunFooter run=run/>
        </article>
    }
}

/// The form a [`RunCard`] shows while its run waits for a decision: `draw` (a function, so a
/// page that shows no form does not carry its code) with what it needs.
#[derive(Clone, Copy)]
pub struct Paused {
    /// Draws the form (`components::approval::approval`).
    pub draw: fn(Signal<RunView>, Callback<crate::components::approval::Decision>, Signal<bool>) -> AnyView,
    /// Called with what the person decided.
    pub on_decide: Callback<crate::components::approval::Decision>,
    /// Whether another run is in progress (the form's buttons are disabled then).
    pub busy: Signal<bool>,
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
