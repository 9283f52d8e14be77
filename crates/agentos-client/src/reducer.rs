//! The run view-model: what the chat shows for one run, built event by event.
//!
//! [`RunView::apply`] folds [`RunEvent`]s into a tree:
//!
//! - the top-level run (agent, team or workflow) is the root;
//! - a team member's run (its frames use agent event names with
//!   `parent_run_id` = the team run) is a [`RunView`] in the team's
//!   `members`, in order of appearance;
//! - a workflow's steps are [`StepView`]s in `steps`, and the agent or team
//!   run executing a step (frames carrying `workflow_run_id` and `step_id`)
//!   is a [`RunView`] in that step's `runs` (a failing step agent is retried,
//!   so there may be several).
//!
//! Rules taken from the wire:
//! - content deltas are appended; the final `RunCompleted` content replaces
//!   them when present;
//! - `RunCancelled` then `RunCompleted` stays Cancelled (an error likewise
//!   survives a later completion);
//! - `RunPaused` ends a stream; `RunContinued` (same run id) resumes it;
//! - an event whose `event_index` is not above the last applied one is a
//!   duplicate (a resume or a reconnect replays) and is skipped. A continue
//!   stream numbers its events from 0 again: its `RunContinued` is accepted
//!   while the run is paused.
//!
//! [`RunView::apply`] skips duplicates, applies a control frame to the root,
//! and hands a run event's body to the run its header names (found, or
//! created and nested, once); there one small handler per [`RunBody`]
//! variant changes the view. The event's kind matters only when a run is
//! created.
//!
//! Every step costs O(runs in the tree) to find the target plus O(delta) to
//! append: no vector is cloned per event.
//!
//! Bounds (a server cannot make the tree grow without limit): at most
//! [`MAX_DEPTH`] levels (a run nested deeper is attached to the root),
//! [`MAX_RUNS`] runs per tree, [`MAX_TOOLS`] tool calls per run and
//! [`MAX_STEPS`] steps per workflow; what goes over is counted in
//! [`RunView::dropped`], not kept. Unknown event names are counted, and only
//! the first [`MAX_UNKNOWN_NAMES`] are kept. A run keeps at most
//! [`MAX_FOLLOWUPS`] follow-up suggestions of [`MAX_FOLLOWUP_CHARS`]
//! characters.
//!
//! [`runs_to_views`] rebuilds the same tree from a stored session's runs
//! (`GET /sessions/{id}/runs`) in O(n log n): runs indexed by id, each
//! run placed once (no search through the tree per run).

use crate::events::{
    content_text, CancelInfo, ContentDelta, ErrorInfo, EventHeader, Metrics, ModelInfo, PauseInfo, ReasoningInfo, RunBody, RunEvent,
    RunKind, RunOutcome, StepInfo, ToolEvent, ToolExecution, WorkflowOutcome,
};
use crate::media::{read_input_media, read_media, Media, MAX_MEDIA};
use serde_json::Value;
// B-trees, not hash maps: serde_json's `Map` already brings B-tree code into
// the wasm (hash maps measured about 1 KB gzipped more).
use std::collections::{BTreeMap, BTreeSet};

/// The most levels a run tree has (the root is level 1).
pub const MAX_DEPTH: usize = 8;
/// The most runs in one tree (the root, members, step runs).
pub const MAX_RUNS: usize = 256;
/// The most tool calls one run shows.
pub const MAX_TOOLS: usize = 512;
/// The most steps one workflow run shows.
pub const MAX_STEPS: usize = 512;
/// The most distinct unknown event names kept (all are counted).
pub const MAX_UNKNOWN_NAMES: usize = 16;
/// The most follow-up suggestions one run keeps (agno asks for 3 by default).
pub const MAX_FOLLOWUPS: usize = 10;
/// The most characters of one follow-up suggestion kept.
pub const MAX_FOLLOWUP_CHARS: usize = 200;

/// Where a run (or a step) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunStatus {
    /// Started, or not heard of yet (a new view is Running).
    #[default]
    Running,
    /// Waiting on a person (tools to confirm); continue with `/continue`.
    Paused,
    Completed,
    Cancelled,
    Error,
    /// The stream broke before the run finished; what arrived is kept.
    Interrupted,
}

impl RunStatus {
    /// Reads a stored or control-frame status (`COMPLETED`, `running`, ...).
    pub fn from_wire(s: &str) -> RunStatus {
        match s.to_ascii_lowercase().as_str() {
            "completed" | "complete" | "success" => RunStatus::Completed,
            "cancelled" | "canceled" => RunStatus::Cancelled,
            "error" | "failed" => RunStatus::Error,
            "paused" => RunStatus::Paused,
            _ => RunStatus::Running,
        }
    }

    /// Completed, Cancelled or Error.
    pub fn is_terminal(self) -> bool {
        matches!(self, RunStatus::Completed | RunStatus::Cancelled | RunStatus::Error)
    }

    pub fn label(self) -> &'static str {
        match self {
            RunStatus::Running => "Running",
            RunStatus::Paused => "Paused",
            RunStatus::Completed => "Completed",
            RunStatus::Cancelled => "Cancelled",
            RunStatus::Error => "Error",
            RunStatus::Interrupted => "Interrupted",
        }
    }
}

/// What an open workflow step requirement (`step_requirements`) waits
/// for, in agno 3.1.10 (`StepRequirement`): checked in this order, as one
/// step may pause twice (input before it runs, a review of its output after).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepPause {
    /// A Router without a selector: which route(s) to take (`selected_choices`).
    RouteSelection,
    /// Values the step asks for (`user_input`, from `user_input_schema`).
    UserInput,
    /// The step ran: keep its output (`confirmed`) or reject it.
    OutputReview,
    /// Run the step or not (`confirmed`).
    Confirmation,
}

/// The key and kind of an open step requirement: `step_id` for a
/// confirmation, `step_id` plus `:route`, `:input` or `:review` otherwise
/// (the same step can hold two requirements). `None` once it is answered.
pub fn step_pause(r: &Value) -> Option<(String, StepPause)> {
    let id = r.get("step_id").and_then(Value::as_str)?;
    let on = |k: &str| r.get(k).and_then(Value::as_bool) == Some(true);
    let unset = |k: &str| match r.get(k) {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        _ => false,
    };
    let (suffix, pause) = if on("requires_route_selection") && unset("selected_choices") {
        (":route", StepPause::RouteSelection)
    } else if on("requires_user_input") && unset("user_input") && !on("requires_route_selection") {
        (":input", StepPause::UserInput)
    } else if on("requires_output_review") && unset("confirmed") {
        (":review", StepPause::OutputReview)
    } else if on("requires_confirmation") && unset("confirmed") {
        ("", StepPause::Confirmation)
    } else {
        return None;
    };
    Some((format!("{id}{suffix}"), pause))
}

/// Where a tool call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToolStatus {
    #[default]
    Running,
    Done,
    Failed,
    /// Waiting for a person to confirm it (or give input).
    AwaitingDecision,
}

/// One tool call card.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolView {
    pub id: String,
    pub name: String,
    pub args: Value,
    /// The result as text (JSON results pretty-printed); `None` while running.
    pub result: Option<String>,
    pub error: Option<String>,
    /// Seconds.
    pub duration: Option<f64>,
    pub requires_confirmation: bool,
    pub confirmed: Option<bool>,
    /// A team delegation: the member run it started.
    pub child_run_id: Option<String>,
    pub status: ToolStatus,
    /// The latest raw tool JSON.
    pub raw: Value,
}

/// A value a paused tool asks the person for (`user_input_schema`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputField {
    pub name: String,
    /// agno's type name: `str`, `int`, `float`, `bool`, ...
    pub field_type: String,
    pub description: Option<String>,
    /// What the model already filled in (editable), as text.
    pub value: String,
}

impl ToolView {
    /// The values this call waits for from the person (empty unless it is
    /// waiting for user input).
    pub fn input_fields(&self) -> Vec<InputField> {
        let asks = self.raw.get("requires_user_input").and_then(Value::as_bool) == Some(true);
        if !asks || self.status != ToolStatus::AwaitingDecision {
            return Vec::new();
        }
        let fields = self.raw.get("user_input_schema").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        fields
            .iter()
            .filter_map(|f| {
                let name = f.get("name").and_then(Value::as_str).filter(|n| !n.is_empty())?.to_string();
                let text = |k: &str| f.get(k).and_then(Value::as_str).map(str::to_string);
                let value = match f.get("value") {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                };
                Some(InputField { name, field_type: text("field_type").unwrap_or_default(), description: text("description"), value })
            })
            .collect()
    }

    fn merge(&mut self, t: &ToolExecution) {
        if let Some(n) = t.tool_name.as_ref().filter(|n| !n.is_empty()) {
            self.name = n.clone();
        }
        if !t.tool_args.is_null() {
            self.args = t.tool_args.clone();
        }
        if !t.result.is_null() {
            self.result = content_text(&t.result);
        }
        if let Some(c) = t.requires_confirmation {
            self.requires_confirmation = c;
        }
        if t.confirmed.is_some() {
            self.confirmed = t.confirmed;
        }
        if t.child_run_id.is_some() {
            self.child_run_id = t.child_run_id.clone();
        }
        if let Some(d) = t.metrics.as_ref().and_then(|m| m.duration) {
            self.duration = Some(d);
        }
        if t.tool_call_error == Some(true) {
            self.status = ToolStatus::Failed;
            if self.error.is_none() {
                self.error = Some(self.result.clone().unwrap_or_else(|| "The tool call failed.".into()));
            }
        }
        if !t.raw.is_null() {
            self.raw = t.raw.clone();
        }
    }
}

/// A run's error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorView {
    pub message: String,
    /// agno's classification, e.g. `model_provider_error`.
    pub error_type: Option<String>,
}

/// One document a knowledge search returned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reference {
    /// The search query.
    pub query: Option<String>,
    pub name: Option<String>,
    pub content: String,
    /// `meta_data` as sent (`{chunk, chunk_size, source, linked_to}`).
    pub meta: Value,
}

/// One workflow step (or a Loop/Parallel/Condition/Router/Steps group).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepView {
    pub step_id: Option<String>,
    pub name: String,
    /// `[i]`, or a path for nested steps.
    pub index: Vec<u64>,
    pub parent_step_id: Option<String>,
    /// `Some("Loop")`, `Some("Parallel")`, ... for a group entry.
    pub group: Option<String>,
    pub status: RunStatus,
    /// The step's output (Markdown).
    pub output: Option<String>,
    pub error: Option<String>,
    pub executor_type: Option<String>,
    pub executor_name: Option<String>,
    /// Latest `StepProgress` text.
    pub progress: Option<String>,
    pub metrics: Metrics,
    /// The agent/team runs executing this step.
    pub runs: Vec<RunView>,
}

impl StepView {
    /// Takes what an agno `StepOutput` object says.
    fn take_output(&mut self, o: &Value) {
        if let Some(c) = o.get("content").and_then(content_text) {
            self.output = Some(c);
        }
        let s = |k: &str| stored_text(o, k);
        if self.step_id.is_none() {
            self.step_id = s("step_id");
        }
        if self.name.is_empty() {
            self.name = s("step_name").unwrap_or_default();
        }
        self.executor_type = s("executor_type").or(self.executor_type.take());
        self.executor_name = s("executor_name").or(self.executor_name.take());
        if let Some(m) = o.get("metrics").filter(|m| m.is_object()) {
            self.metrics = Metrics::from_value(m);
        }
        match o.get("success").and_then(Value::as_bool) {
            // A step stopped by a cancel reports failure: it was stopped.
            Some(false) if self.status == RunStatus::Cancelled => {}
            Some(false) => {
                self.status = RunStatus::Error;
                self.error = s("error").or(self.error.take());
            }
            _ if o.get("is_paused").and_then(Value::as_bool) == Some(true) => self.status = RunStatus::Paused,
            _ if self.status != RunStatus::Error => self.status = RunStatus::Completed,
            _ => {}
        }
    }
}

/// The view of one run (and, nested, of its member and step runs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunView {
    pub kind: Option<RunKind>,
    pub run_id: Option<String>,
    pub parent_run_id: Option<String>,
    pub session_id: Option<String>,
    /// The agent, team or workflow id.
    pub component_id: Option<String>,
    /// The agent, team or workflow name.
    pub name: Option<String>,
    pub model: Option<String>,
    pub model_provider: Option<String>,
    /// Epoch seconds (first event, or the stored run).
    pub created_at: Option<i64>,
    /// The message that started the run (stored runs only).
    pub input: Option<String>,
    pub status: RunStatus,
    /// The answer (Markdown), accumulated from deltas.
    pub content: String,
    /// Structured output (an output schema), when the content is JSON.
    pub structured: Option<Value>,
    /// `RunIntermediateContent` (before an output model reworks it).
    pub intermediate: String,
    pub reasoning: String,
    /// Between `ReasoningStarted` and `ReasoningCompleted`.
    pub reasoning_active: bool,
    pub tools: Vec<ToolView>,
    /// Team member runs, in order of appearance.
    pub members: Vec<RunView>,
    /// Workflow steps, in order of appearance.
    pub steps: Vec<StepView>,
    /// Knowledge references found for the run.
    pub references: Vec<Reference>,
    /// Between `MemoryUpdateStarted` and `MemoryUpdateCompleted`.
    pub memory_updating: bool,
    /// Memories were updated: how many the user has now.
    pub memories_updated: Option<usize>,
    /// Whose memories those are (the `user_id` the memories carry).
    pub memories_user: Option<String>,
    /// Final metrics when the run completed; until then the sum of the
    /// model requests so far (`None` before any).
    pub metrics: Option<Metrics>,
    pub error: Option<ErrorView>,
    pub cancel_reason: Option<String>,
    /// Paused: the raw tool JSON to send back to `/continue` (agents).
    pub paused_tools: Vec<Value>,
    /// Paused: raw `requirements` (teams) or `step_requirements` (workflows).
    pub paused_requirements: Vec<Value>,
    /// Suggested next prompts (`FollowupsCompleted`, or a stored run's
    /// `followups`): non-blank strings, trimmed, at most [`MAX_FOLLOWUPS`]
    /// of at most [`MAX_FOLLOWUP_CHARS`] characters each.
    pub followups: Vec<String>,
    /// Images, audio, video and files the run returned (tool results and the
    /// final output, each once by `id`), at most [`MAX_MEDIA`]; the rest are
    /// counted in `media_dropped`.
    pub media: Vec<Media>,
    /// The person's own attachments (stored runs' `input_media`).
    pub input_media: Vec<Media>,
    pub media_dropped: usize,
    /// The last `event_index` applied (for `/resume` `last_event_index`).
    pub last_event_index: Option<u64>,
    /// Why the stream was cut, when it was.
    pub interrupted: Option<String>,
    /// The latest informational message from the server (pause message,
    /// catch-up/replay notes, stream errors).
    pub notice: Option<String>,
    /// Frames that could not be read (the first 100 messages).
    pub malformed: Vec<String>,
    pub malformed_count: usize,
    /// Names of unknown events seen (each once, the first
    /// [`MAX_UNKNOWN_NAMES`]).
    pub unknown_events: Vec<String>,
    /// Unknown events seen (all of them).
    pub unknown_count: usize,
    /// Events applied, and duplicates skipped by `event_index`.
    pub applied: usize,
    pub duplicates: usize,
    /// What was left out because a bound was reached (see the module
    /// docs): stored runs, events of runs over the limit, tool calls, steps.
    pub dropped: usize,
    saw_reasoning_delta: bool,
    final_metrics: bool,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

impl RunView {
    pub fn new() -> Self {
        Self::default()
    }

    /// Running: the run has not finished, paused or been cut.
    pub fn is_running(&self) -> bool {
        self.status == RunStatus::Running
    }

    /// The agent, team or workflow name (or id, or kind).
    pub fn display_name(&self) -> String {
        let kind = self.kind.map_or("Run", |k| crate::ComponentKind::from(k).label());
        non_empty(&self.name).or(non_empty(&self.component_id)).unwrap_or(kind).to_string()
    }

    /// Whether the answer is structured output (JSON) rather than Markdown.
    pub fn content_is_json(&self) -> bool {
        self.structured.is_some()
    }

    /// The structured output pretty-printed, else the content.
    pub fn pretty_content(&self) -> String {
        match &self.structured {
            Some(v) => content_text(v).unwrap_or_default(),
            None => self.content.clone(),
        }
    }

    /// The tool calls waiting for a decision (paused runs).
    pub fn paused_tool_views(&self) -> Vec<ToolView> {
        let mut out: Vec<ToolView> = self.tools.iter().filter(|t| t.status == ToolStatus::AwaitingDecision).cloned().collect();
        // A team waits on its members' tools (its own tool is the delegation).
        for c in self.children() {
            out.extend(c.paused_tool_views());
        }
        // A workflow step waiting for the person, shown like a tool call:
        // the step's name, and the question as its argument; the
        // requirement itself is its `raw` (its input fields, its routes).
        for r in &self.paused_requirements {
            let Some((id, pause)) = step_pause(r) else { continue };
            let message = match pause {
                StepPause::Confirmation => "confirmation_message",
                StepPause::OutputReview => "output_review_message",
                StepPause::RouteSelection | StepPause::UserInput => "user_input_message",
            };
            out.push(ToolView {
                id,
                name: r.get("step_name").and_then(Value::as_str).unwrap_or("step").to_string(),
                args: r.get(message).cloned().unwrap_or(Value::Null),
                requires_confirmation: matches!(pause, StepPause::Confirmation | StepPause::OutputReview),
                status: ToolStatus::AwaitingDecision,
                raw: if pause == StepPause::Confirmation { Value::Null } else { r.clone() },
                ..Default::default()
            });
        }
        out
    }

    /// Shows the results the person gave external-execution tools
    /// (`(tool_call_id, result)`): agno sends no tool event for them when
    /// the run continues.
    pub fn mark_results(&mut self, results: &[(String, String)]) {
        for t in self.tools.iter_mut() {
            if let Some((_, text)) = results.iter().find(|(id, _)| *id == t.id) {
                t.result = Some(text.clone());
                t.status = ToolStatus::Done;
            }
        }
    }

    /// Shows decisions taken in the dashboard on the tools they concern
    /// (here or in a member): an approved call runs, a rejected one is done.
    pub fn mark_decisions(&mut self, decisions: &[(String, bool)]) {
        for t in self.tools.iter_mut() {
            if let Some((_, ok)) = decisions.iter().find(|(id, _)| *id == t.id) {
                t.confirmed = Some(*ok);
                t.status = if *ok { ToolStatus::Running } else { ToolStatus::Done };
            }
        }
        for r in self.paused_requirements.iter_mut() {
            let id = step_pause(r).map(|(k, _)| k).unwrap_or_default();
            let decided = decisions.iter().find(|(i, _)| *i == id).map(|&(_, ok)| ok);
            // A requirement that is not an object has nowhere to hold it.
            if let (Some(ok), Some(obj)) = (decided, r.as_object_mut()) {
                obj.insert("confirmed".into(), Value::Bool(ok));
            }
        }
        self.members.iter_mut().for_each(|m| m.mark_decisions(decisions));
        self.steps.iter_mut().flat_map(|s| s.runs.iter_mut()).for_each(|r| r.mark_decisions(decisions));
    }

    /// Applies one event (see the module docs).
    pub fn apply(&mut self, ev: &RunEvent) {
        if self.is_duplicate(ev) {
            self.duplicates = self.duplicates.saturating_add(1);
            return;
        }
        self.applied = self.applied.saturating_add(1);
        match ev {
            RunEvent::Run { kind, header, body } => self.apply_run(*kind, header, body),
            other => self.apply_control(other),
        }
    }

    /// Whether an event was applied already (see the module docs); records
    /// the `event_index` of one that was not.
    fn is_duplicate(&mut self, ev: &RunEvent) -> bool {
        let Some(i) = ev.event_index() else { return false };
        if let Some(last) = self.last_event_index {
            let restart = matches!(ev, RunEvent::Run { body: RunBody::RunContinued, .. }) && self.status == RunStatus::Paused;
            // `<=` (never `last + 1`): a first index of u64::MAX still
            // makes its repeat a duplicate.
            if i <= last && !restart {
                return true;
            }
        }
        self.last_event_index = Some(i);
        false
    }

    /// A control frame: notes on the root run, nothing nested.
    fn apply_control(&mut self, ev: &RunEvent) {
        match ev {
            RunEvent::CatchUp(r) | RunEvent::Subscribed(r) | RunEvent::Replay(r) | RunEvent::StreamExpired(r) => {
                if self.run_id.is_none() {
                    self.run_id = r.run_id.clone();
                }
                if r.message.is_some() {
                    self.notice = r.message.clone();
                }
            }
            RunEvent::SocketError { message } => self.notice = Some(message.clone()),
            RunEvent::Queued { run_id, session_id } => {
                if self.run_id.is_none() {
                    self.run_id = run_id.clone();
                }
                if self.session_id.is_none() {
                    self.session_id = session_id.clone();
                }
            }
            // The full requirements (with the step input) replace the ones
            // read from `StepPaused`.
            RunEvent::WorkflowRunOutput { step_requirements }
                if self.status == RunStatus::Paused && !step_requirements.is_empty() =>
            {
                self.paused_requirements.clone_from(step_requirements);
            }
            RunEvent::Unknown { name, .. } => {
                self.unknown_count = self.unknown_count.saturating_add(1);
                if self.unknown_events.len() < MAX_UNKNOWN_NAMES && !self.unknown_events.contains(name) {
                    self.unknown_events.push(name.chars().take(100).collect());
                }
            }
            _ => {}
        }
    }

    /// A run event: applied to the run it is about (created and nested on
    /// first sight).
    fn apply_run(&mut self, kind: RunKind, h: &EventHeader, body: &RunBody) {
        if self.status == RunStatus::Interrupted {
            self.status = RunStatus::Running;
            self.interrupted = None;
        }
        match self.target(h, kind) {
            Some(t) => t.apply_own(h, body),
            None => self.dropped = self.dropped.saturating_add(1),
        }
        // Completions bring stored member and step runs: keep the bounds.
        if matches!(body, RunBody::RunCompleted(_) | RunBody::WorkflowCompleted(_)) {
            self.cap_tree();
        }
    }

    /// Records a frame that could not be read.
    pub fn record_malformed(&mut self, message: String) {
        self.malformed_count += 1;
        if self.malformed.len() < 100 {
            self.malformed.push(message);
        }
    }

    /// The stream was cut: a running run (and its running members and
    /// steps) becomes Interrupted, keeping what arrived. A paused or
    /// finished run stays as it is.
    pub fn mark_interrupted(&mut self, reason: &str) {
        if self.is_running() {
            self.status = RunStatus::Interrupted;
            self.interrupted = Some(reason.to_string());
        }
        for m in &mut self.members {
            m.mark_interrupted(reason);
        }
        for s in &mut self.steps {
            if s.status == RunStatus::Running {
                s.status = RunStatus::Interrupted;
            }
            for r in &mut s.runs {
                r.mark_interrupted(reason);
            }
        }
    }

    /// About to resume an interrupted run: back to Running (events after
    /// `last_event_index` will follow).
    pub fn mark_resuming(&mut self) {
        if self.status == RunStatus::Interrupted {
            self.status = RunStatus::Running;
            self.interrupted = None;
        }
        for m in &mut self.members {
            m.mark_resuming();
        }
        for s in &mut self.steps {
            if s.status == RunStatus::Interrupted {
                s.status = RunStatus::Running;
            }
            for r in &mut s.runs {
                r.mark_resuming();
            }
        }
    }

    /// The run with this id: this one or a nested one.
    pub fn find(&self, run_id: &str) -> Option<&RunView> {
        if self.run_id.as_deref() == Some(run_id) {
            return Some(self);
        }
        self.children().find_map(|c| c.find(run_id))
    }

    /// Direct nested runs: members, then the runs of each step.
    pub fn children(&self) -> impl Iterator<Item = &RunView> {
        self.members.iter().chain(self.steps.iter().flat_map(|s| s.runs.iter()))
    }

    fn find_mut(&mut self, run_id: &str) -> Option<&mut RunView> {
        if self.run_id.as_deref() == Some(run_id) {
            return Some(self);
        }
        for m in self.members.iter_mut() {
            if let Some(f) = m.find_mut(run_id) {
                return Some(f);
            }
        }
        for s in self.steps.iter_mut() {
            for r in s.runs.iter_mut() {
                if let Some(f) = r.find_mut(run_id) {
                    return Some(f);
                }
            }
        }
        None
    }

    /// The view an event belongs to, created (and nested) on first sight;
    /// `None` when the tree already holds [`MAX_RUNS`] runs.
    fn target(&mut self, h: &EventHeader, kind: RunKind) -> Option<&mut RunView> {
        let Some(rid) = non_empty(&h.run_id) else { return Some(self) };
        if self.run_id.is_none() {
            self.start(h, kind);
            return Some(self);
        }
        if self.find(rid).is_some() {
            return self.find_mut(rid);
        }
        if self.run_count() >= MAX_RUNS {
            return None;
        }
        let mut child = RunView::new();
        child.start(h, kind);
        // The parent, unless the child would sit deeper than MAX_DEPTH
        // levels: then it goes under the root.
        let parent = [non_empty(&h.parent_run_id), non_empty(&h.workflow_run_id)]
            .into_iter()
            .flatten()
            .find(|p| self.level_of(p).is_some_and(|l| l + 2 <= MAX_DEPTH));
        let parent = match parent {
            Some(p) => self.find_mut(p).expect("found above"),
            None => self,
        };
        Some(parent.adopt(child, h.step_id.as_deref(), h.step_name.as_deref(), &h.step_path()))
    }

    /// Puts a nested run under this one: into a step for a workflow, among
    /// the members otherwise (also when the workflow has MAX_STEPS steps).
    /// Returns it.
    fn adopt(&mut self, child: RunView, step_id: Option<&str>, step_name: Option<&str>, path: &[u64]) -> &mut RunView {
        let step = if self.kind == Some(RunKind::Workflow) { self.step_index(step_id, step_name, path, true) } else { None };
        let list = match step {
            Some(i) => &mut self.steps[i].runs,
            None => &mut self.members,
        };
        list.push(child);
        list.last_mut().expect("pushed")
    }

    /// How many runs the tree holds (this one included).
    pub fn run_count(&self) -> usize {
        1 + self.children().map(RunView::run_count).sum::<usize>()
    }

    /// How many levels the tree has (1 for a run without nested runs).
    pub fn depth(&self) -> usize {
        1 + self.children().map(RunView::depth).max().unwrap_or(0)
    }

    /// The level of a run in this tree (0 for this one).
    fn level_of(&self, run_id: &str) -> Option<usize> {
        if self.run_id.as_deref() == Some(run_id) {
            return Some(0);
        }
        self.children().find_map(|c| c.level_of(run_id)).map(|l| l + 1)
    }

    /// Every run id in this tree.
    fn collect_ids(&self, ids: &mut BTreeSet<String>) {
        if let Some(id) = &self.run_id {
            ids.insert(id.clone());
        }
        self.children().for_each(|c| c.collect_ids(ids));
    }

    /// The ids of the runs nested in this one (not its own).
    fn nested_ids(&self) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        self.children().for_each(|c| c.collect_ids(&mut ids));
        ids
    }

    /// Direct nested runs, mutable.
    fn children_mut(&mut self) -> impl Iterator<Item = &mut RunView> {
        self.members.iter_mut().chain(self.steps.iter_mut().flat_map(|s| s.runs.iter_mut()))
    }

    /// Takes the nested runs out (members and step runs).
    fn take_children(&mut self) -> Vec<RunView> {
        let mut out = std::mem::take(&mut self.members);
        for s in &mut self.steps {
            out.append(&mut s.runs);
        }
        out
    }

    /// Enforces the bounds on a whole tree (after stored runs were added):
    /// runs below MAX_DEPTH levels are lifted to the root's members, runs
    /// beyond MAX_RUNS are dropped (and counted).
    fn cap_tree(&mut self) {
        let mut budget = MAX_RUNS.saturating_sub(1);
        let mut lifted = Vec::new();
        let mut dropped = 0usize;
        self.prune(0, &mut budget, &mut lifted, &mut dropped);
        while !lifted.is_empty() {
            for mut r in std::mem::take(&mut lifted) {
                if budget == 0 {
                    dropped = dropped.saturating_add(r.run_count());
                    continue;
                }
                budget -= 1;
                r.prune(1, &mut budget, &mut lifted, &mut dropped);
                self.members.push(r);
            }
        }
        self.dropped = self.dropped.saturating_add(dropped);
    }

    /// Keeps this run's nested runs within the budget; `level` is this
    /// run's level (root 0). Runs that would sit deeper than MAX_DEPTH
    /// levels go to `lifted`.
    fn prune(&mut self, level: usize, budget: &mut usize, lifted: &mut Vec<RunView>, dropped: &mut usize) {
        if level + 2 > MAX_DEPTH {
            lifted.extend(self.take_children());
            return;
        }
        let mut keep = |list: &mut Vec<RunView>| {
            list.retain(|r| {
                if *budget > 0 {
                    *budget -= 1;
                    true
                } else {
                    *dropped = dropped.saturating_add(r.run_count());
                    false
                }
            })
        };
        keep(&mut self.members);
        for s in &mut self.steps {
            keep(&mut s.runs);
        }
        for c in self.children_mut() {
            c.prune(level + 1, budget, lifted, dropped);
        }
    }

    fn start(&mut self, h: &EventHeader, kind: RunKind) {
        self.kind = Some(kind);
        self.run_id = h.run_id.clone();
        self.fill(h);
    }

    fn fill(&mut self, h: &EventHeader) {
        if self.parent_run_id.is_none() {
            self.parent_run_id = non_empty(&h.parent_run_id).map(str::to_string);
        }
        if self.session_id.is_none() {
            self.session_id = h.session_id.clone();
        }
        if self.component_id.is_none() {
            self.component_id = h.component_id().map(str::to_string);
        }
        if self.name.is_none() {
            self.name = h.component_name().map(str::to_string);
        }
        if self.created_at.is_none() {
            self.created_at = h.created_at;
        }
    }

    /// Completed does not override Cancelled or Error (cancel sends
    /// RunCancelled then RunCompleted).
    /// Nothing is left spinning: reasoning and memory updates end with the
    /// run, and a tool call still running when it fails or is cancelled
    /// never finished.
    fn settle(&mut self, s: RunStatus) {
        if s == RunStatus::Completed && matches!(self.status, RunStatus::Cancelled | RunStatus::Error) {
            return;
        }
        self.status = s;
        self.reasoning_active = false;
        self.memory_updating = false;
        if matches!(s, RunStatus::Cancelled | RunStatus::Error) {
            let why = if s == RunStatus::Error { "the run failed" } else { "the run was cancelled" };
            for t in self.tools.iter_mut().filter(|t| t.status == ToolStatus::Running) {
                t.status = ToolStatus::Failed;
                t.error = Some(format!("Not finished: {why}."));
            }
        }
    }

    fn set_content(&mut self, v: &Value) {
        match v {
            Value::Null => {}
            Value::String(s) => {
                if !s.is_empty() {
                    self.content.clone_from(s);
                }
            }
            other => {
                self.structured = Some(other.clone());
                self.content = content_text(other).unwrap_or_default();
            }
        }
    }

    /// The card of a tool call (created on first sight), updated with what
    /// `t` says; `None` when MAX_TOOLS cards exist already.
    fn tool(&mut self, t: &ToolExecution) -> Option<&mut ToolView> {
        let id = t.tool_call_id.clone().unwrap_or_default();
        let found = if id.is_empty() { None } else { self.tools.iter().position(|x| x.id == id) };
        let i = match found {
            Some(i) => i,
            None if self.tools.len() < MAX_TOOLS => {
                self.tools.push(ToolView { id, ..Default::default() });
                self.tools.len() - 1
            }
            None => {
                self.dropped = self.dropped.saturating_add(1);
                return None;
            }
        };
        let view = &mut self.tools[i];
        view.merge(t);
        Some(view)
    }

    /// Applies a run event to this run: one handler per body.
    fn apply_own(&mut self, h: &EventHeader, body: &RunBody) {
        use RunBody::*;
        if self.status == RunStatus::Interrupted {
            self.status = RunStatus::Running;
        }
        self.fill(h);
        match body {
            RunStarted(m) | ModelRequestStarted(m) => self.on_model(m),
            ModelRequestCompleted(m) => self.on_usage(m),
            RunContent(c) => self.on_content(c),
            RunIntermediateContent(c) => {
                if let Some(s) = content_text(&c.content) {
                    self.intermediate.push_str(&s);
                }
            }
            RunContentCompleted => {}
            RunCompleted(o) => self.on_completed(o),
            RunError(e) => self.on_error(e),
            RunCancelled(c) => self.on_cancelled(c),
            RunPaused(p) => self.on_paused(p),
            RunContinued => self.on_continued(),
            ToolCallStarted(t) | ToolCallCompleted(t) => self.on_tool(t, matches!(body, ToolCallCompleted(_))),
            ToolCallError(t) => self.on_tool_error(t),
            ReasoningStarted => self.reasoning_active = true,
            ReasoningContentDelta(r) => self.on_reasoning_delta(r),
            ReasoningStep(r) => self.on_reasoning_step(r),
            ReasoningCompleted(r) => self.on_reasoning_completed(r),
            MemoryUpdateStarted => self.memory_updating = true,
            MemoryUpdateCompleted(m) => {
                self.memory_updating = false;
                self.memories_updated = Some(m.memories.len());
                self.memories_user = memories_user(&m.memories);
            }
            // A new answer's suggestions replace the last one's.
            FollowupsStarted => self.followups.clear(),
            FollowupsCompleted(f) => self.followups = followups(f),
            Activity(_) => {}
            WorkflowCompleted(o) => self.on_workflow_completed(o),
            StepStarted(s) => self.on_step_started(h, s, None),
            StepGroupStarted(s, g) => self.on_step_started(h, s, Some(g)),
            StepCompleted(s) | StepOutput(s) | StepGroupCompleted(s, _) => self.on_step_done(h, s),
            StepError(s) => self.on_step_error(h, s),
            StepPaused(s) => self.on_step_paused(h, s),
            StepContinued(s) => {
                if let Some(step) = self.step_at(h, s, false) {
                    step.status = RunStatus::Running;
                }
            }
            StepProgress(s) => {
                if let Some(step) = self.step_at(h, s, true) {
                    step.progress = content_text(&s.content);
                }
            }
        }
    }

    /// `RunStarted`, `ModelRequestStarted`: the model used.
    fn on_model(&mut self, m: &ModelInfo) {
        if m.model.is_some() {
            self.model.clone_from(&m.model);
            self.model_provider.clone_from(&m.model_provider);
        }
    }

    /// `ModelRequestCompleted`: the request's usage counts until the final
    /// metrics arrive.
    fn on_usage(&mut self, m: &ModelInfo) {
        if !self.final_metrics && !m.usage.is_empty() {
            let metrics = self.metrics.get_or_insert_with(Metrics::default);
            metrics.add_tokens(&m.usage);
            if metrics.time_to_first_token.is_none() {
                metrics.time_to_first_token = m.usage.time_to_first_token;
            }
        }
    }

    fn on_content(&mut self, c: &ContentDelta) {
        match &c.content {
            Value::String(s) => self.content.push_str(s),
            Value::Null => {}
            other => {
                self.structured = Some(other.clone());
                self.content = content_text(other).unwrap_or_default();
            }
        }
        if !self.saw_reasoning_delta {
            if let Some(r) = &c.reasoning_content {
                self.reasoning.push_str(r);
            }
        }
        if !c.references.is_empty() {
            self.references = references(&c.references);
        }
    }

    fn on_completed(&mut self, o: &RunOutcome) {
        self.settle(RunStatus::Completed);
        self.set_content(&o.content);
        if self.reasoning.is_empty() {
            if let Some(r) = &o.reasoning_content {
                self.reasoning.clone_from(r);
            }
        }
        if !o.references.is_empty() {
            self.references = references(&o.references);
        }
        self.final_metrics_from(o.metrics.as_ref());
        self.add_stored_members(&o.member_responses);
        if !o.followups.is_empty() {
            self.followups = followups(&o.followups);
        }
        self.paused_tools.clear();
        self.paused_requirements.clear();
        self.add_media(&o.media);
    }

    /// Adds media once each (by `id`; an item without one by its content),
    /// keeping at most [`MAX_MEDIA`] and counting the rest.
    fn add_media(&mut self, list: &[Media]) {
        for m in list {
            let same = |x: &Media| match (&x.item.id, &m.item.id) {
                (Some(a), Some(b)) => a == b,
                _ => x.kind == m.kind && x.item == m.item,
            };
            if self.media.iter().any(same) {
                continue;
            }
            if self.media.len() < MAX_MEDIA {
                self.media.push(m.clone());
            } else {
                self.media_dropped = self.media_dropped.saturating_add(1);
            }
        }
    }

    /// A stored run's media do not say which tool made them; agno follows a
    /// tool's result with a message carrying its media, so the tool is the
    /// one whose result came just before (the first 1,000 messages).
    fn name_media_tools(&mut self, r: &Value) {
        let mut tool: Option<&str> = None;
        for m in r.get("messages").and_then(Value::as_array).into_iter().flatten().take(1000) {
            if m.get("role").and_then(Value::as_str) == Some("tool") {
                tool = m.get("tool_name").and_then(Value::as_str);
                continue;
            }
            let Some(name) = tool.take() else { continue };
            for carried in read_media(m, None) {
                let Some(id) = carried.item.id.as_deref() else { continue };
                for media in self.media.iter_mut().filter(|x| x.tool.is_none() && x.item.id.as_deref() == Some(id)) {
                    media.tool = Some(name.to_string());
                }
            }
        }
    }

    /// The final metrics of a completed run, when it sent them.
    fn final_metrics_from(&mut self, m: Option<&Metrics>) {
        if let Some(m) = m {
            self.metrics = Some(m.clone());
            self.final_metrics = true;
        }
    }

    fn on_error(&mut self, e: &ErrorInfo) {
        self.settle(RunStatus::Error);
        self.error =
            Some(ErrorView { message: e.message().unwrap_or("The run failed.").to_string(), error_type: e.error_type.clone() });
        self.close_steps(RunStatus::Error);
    }

    fn on_cancelled(&mut self, c: &CancelInfo) {
        self.settle(RunStatus::Cancelled);
        // "Run <uuid> was cancelled" says nothing the status does not.
        self.cancel_reason = c.reason.clone().filter(|r| !is_stock_cancel(r));
        if self.content.is_empty() && self.kind != Some(RunKind::Workflow) && !is_stock_cancel_value(&c.content) {
            self.set_content(&c.content);
        }
        self.close_steps(RunStatus::Cancelled);
    }

    fn on_paused(&mut self, p: &PauseInfo) {
        self.settle(RunStatus::Paused);
        self.paused_tools = p.tools.iter().map(|t| t.raw.clone()).collect();
        let reqs = if p.step_requirements.is_empty() { &p.requirements } else { &p.step_requirements };
        if !reqs.is_empty() {
            self.paused_requirements.clone_from(reqs);
        }
        for t in &p.tools {
            let decide = t.needs_decision();
            if let Some(view) = self.tool(t).filter(|_| decide) {
                view.status = ToolStatus::AwaitingDecision;
            }
        }
        if p.content.is_some() {
            self.notice.clone_from(&p.content);
        }
    }

    fn on_continued(&mut self) {
        self.status = RunStatus::Running;
        self.paused_tools.clear();
        self.paused_requirements.clear();
        self.notice = None;
    }

    /// `ToolCallStarted` (a decided call runs again) or `ToolCallCompleted`.
    fn on_tool(&mut self, t: &ToolEvent, completed: bool) {
        if completed {
            self.add_media(&t.media);
        }
        let Some(view) = t.tool.as_ref().and_then(|t| self.tool(t)) else { return };
        if completed && view.status != ToolStatus::Failed {
            view.status = ToolStatus::Done;
        } else if !completed && view.status == ToolStatus::AwaitingDecision {
            view.status = ToolStatus::Running;
        }
    }

    fn on_tool_error(&mut self, t: &ToolEvent) {
        let error = t.error.clone();
        let view = match &t.tool {
            Some(tool) => self.tool(tool),
            None => self.tool(&ToolExecution::default()),
        };
        let Some(view) = view else { return };
        view.status = ToolStatus::Failed;
        if error.is_some() {
            view.error = error;
        } else if view.error.is_none() {
            view.error = Some(view.result.clone().unwrap_or_else(|| "The tool call failed.".into()));
        }
    }

    fn on_reasoning_delta(&mut self, r: &ReasoningInfo) {
        self.saw_reasoning_delta = true;
        if let Some(d) = &r.reasoning_content {
            self.reasoning.push_str(d);
        }
    }

    fn on_reasoning_step(&mut self, r: &ReasoningInfo) {
        let text = r.reasoning_content.clone().filter(|s| !s.is_empty()).or_else(|| step_text(&r.content));
        if let Some(t) = text {
            self.saw_reasoning_delta = true;
            if !self.reasoning.is_empty() && !self.reasoning.ends_with('\n') {
                self.reasoning.push('\n');
            }
            self.reasoning.push_str(&t);
        }
    }

    fn on_reasoning_completed(&mut self, r: &ReasoningInfo) {
        self.reasoning_active = false;
        if self.reasoning.is_empty() {
            let steps = r.content.get("reasoning_steps").and_then(Value::as_array);
            let text: Vec<String> = steps.into_iter().flatten().filter_map(step_text).collect();
            self.reasoning = text.join("\n");
        }
    }

    fn on_workflow_completed(&mut self, o: &WorkflowOutcome) {
        self.settle(RunStatus::Completed);
        // A cancelled workflow "completes" with the cancel message as its content.
        if !is_stock_cancel_value(&o.content) {
            self.set_content(&o.content);
        }
        self.final_metrics_from(o.metrics.as_ref());
        for r in &o.step_results {
            self.step_result(r);
        }
        for r in &o.step_executor_runs {
            self.step_run(r);
        }
        let s = self.status;
        self.close_steps(s);
        self.paused_requirements.clear();
    }

    /// `StepStarted`, or a Loop/Parallel/... group starting (`group`).
    fn on_step_started(&mut self, h: &EventHeader, s: &StepInfo, group: Option<&String>) {
        let Some(step) = self.step_at(h, s, true) else { return };
        step.status = RunStatus::Running;
        if group.is_some() {
            step.group = group.cloned();
        }
        if step.parent_step_id.is_none() {
            step.parent_step_id.clone_from(&h.parent_step_id);
        }
    }

    /// `StepCompleted`, `StepOutput`, a group completed.
    fn on_step_done(&mut self, h: &EventHeader, s: &StepInfo) {
        let Some(step) = self.step_at(h, s, true) else { return };
        if let Some(c) = content_text(&s.content) {
            step.output = Some(c);
        }
        match s.output() {
            Some(o) => step.take_output(o),
            None if step.status != RunStatus::Error => step.status = RunStatus::Completed,
            None => {}
        }
    }

    fn on_step_error(&mut self, h: &EventHeader, s: &StepInfo) {
        let Some(step) = self.step_at(h, s, true) else { return };
        step.status = RunStatus::Error;
        step.error = s.error.clone().or_else(|| content_text(&s.content));
    }

    fn on_step_paused(&mut self, h: &EventHeader, s: &StepInfo) {
        let note = s.confirmation_message.clone().or_else(|| s.user_input_message.clone());
        let Some(step) = self.step_at(h, s, true) else { return };
        step.status = RunStatus::Paused;
        let step_id = step.step_id.clone();
        let step_name = step.name.clone();
        // The workflow waits with it: a resumable (background) run's
        // stream ends here, without `WorkflowPaused`.
        self.settle(RunStatus::Paused);
        // A step that waits for confirmation: what `/continue` needs back
        // (`WorkflowPaused` does not repeat it).
        if s.requires_confirmation == Some(true) {
            let req = serde_json::json!({
                "step_id": step_id,
                "step_name": step_name,
                "step_index": h.step_index,
                "requires_confirmation": true,
                "confirmation_message": s.confirmation_message,
            });
            self.paused_requirements.retain(|r| r.get("step_id").and_then(Value::as_str) != step_id.as_deref());
            self.paused_requirements.push(req);
        }
        if note.is_some() {
            self.notice = note;
        }
    }

    /// Steps still running when the workflow ends take its outcome.
    fn close_steps(&mut self, s: RunStatus) {
        for step in &mut self.steps {
            if matches!(step.status, RunStatus::Running | RunStatus::Paused) {
                step.status = s;
            }
        }
    }

    fn step_at(&mut self, h: &EventHeader, s: &StepInfo, create: bool) -> Option<&mut StepView> {
        let out_id = s.output().and_then(|o| o.get("step_id")).and_then(Value::as_str);
        let id = non_empty(&h.step_id).or(out_id);
        self.step_for(id, h.step_name.as_deref(), &h.step_path(), create)
    }

    /// Finds a step by id, else by name and index (latest first), else
    /// creates it when asked (and fewer than MAX_STEPS exist).
    fn step_for(&mut self, id: Option<&str>, name: Option<&str>, path: &[u64], create: bool) -> Option<&mut StepView> {
        let i = self.step_index(id, name, path, create)?;
        Some(&mut self.steps[i])
    }

    fn step_index(&mut self, id: Option<&str>, name: Option<&str>, path: &[u64], create: bool) -> Option<usize> {
        let id = id.filter(|s| !s.is_empty());
        let name = name.filter(|s| !s.is_empty());
        let pos = self.steps.iter().rposition(|st| match (id, st.step_id.as_deref()) {
            (Some(a), Some(b)) => a == b,
            _ => name.is_some_and(|n| st.name == n) && (path.is_empty() || st.index.is_empty() || st.index == path),
        });
        let i = match pos {
            Some(i) => i,
            None if create && self.steps.len() < MAX_STEPS => {
                self.steps.push(StepView {
                    step_id: id.map(str::to_string),
                    name: name.unwrap_or_default().to_string(),
                    index: path.to_vec(),
                    status: RunStatus::Running,
                    ..Default::default()
                });
                self.steps.len() - 1
            }
            None => {
                if create {
                    self.dropped = self.dropped.saturating_add(1);
                }
                return None;
            }
        };
        let st = &mut self.steps[i];
        if st.step_id.is_none() {
            st.step_id = id.map(str::to_string);
        }
        if st.index.is_empty() {
            st.index = path.to_vec();
        }
        Some(i)
    }

    /// Reconciles a step with its stored `StepOutput` (step_results).
    fn step_result(&mut self, r: &Value) {
        if let Some(list) = r.as_array() {
            for x in list {
                self.step_result(x); // parallel/loop results come nested
            }
            return;
        }
        let s = |k: &str| r.get(k).and_then(Value::as_str);
        if let Some(step) = self.step_for(s("step_id"), s("step_name"), &[], true) {
            step.take_output(r);
        }
        if let Some(steps) = r.get("steps").and_then(Value::as_array) {
            for x in steps {
                self.step_result(x);
            }
        }
    }

    /// Adds a stored step executor run to its step, unless already there.
    fn step_run(&mut self, r: &Value) {
        let id = r.get("run_id").and_then(Value::as_str).unwrap_or_default();
        if id.is_empty() || self.find(id).is_some() {
            return;
        }
        let mut view = RunView::from_run_json(r);
        let step_id = r.get("workflow_step_id").and_then(Value::as_str);
        let workflow_done = self.status;
        if let Some(step) = self.step_for(step_id, None, &[], true) {
            // agno 3.1.10 stores a successful step's agent run as CANCELLED.
            if view.status == RunStatus::Cancelled
                && step.status == RunStatus::Completed
                && workflow_done != RunStatus::Cancelled
            {
                view.status = RunStatus::Completed;
            }
            step.runs.push(view);
        }
    }

    /// Builds a view from a stored run (`GET /sessions/{id}/runs` item, a
    /// team's `member_responses` item, a workflow's `step_executor_runs` item).
    pub fn from_run_json(r: &Value) -> RunView {
        let mut v = RunView::stored_header(r);
        let content = r.get("content").cloned().unwrap_or(Value::Null);
        if !content.is_string() && !content.is_null() {
            v.structured = Some(content.clone());
        }
        v.content = content_text(&content).unwrap_or_default();
        v.reasoning = stored_text(r, "reasoning_content").unwrap_or_default();
        v.stored_tools(r.get("tools").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default());
        if let Some(req) = r.get("requirements").and_then(Value::as_array) {
            if v.status == RunStatus::Paused {
                v.paused_requirements.clone_from(req);
            }
        }
        if let Some(m) = r.get("metrics").filter(|m| m.is_object()) {
            v.final_metrics_from(Some(&Metrics::from_value(m)));
        }
        if let Some(refs) = r.get("references").and_then(Value::as_array) {
            v.references = references(refs);
        }
        v.add_media(&read_media(r, None));
        v.name_media_tools(r);
        let mut input = read_input_media(r);
        input.truncate(MAX_MEDIA);
        v.input_media = input;
        for e in r.get("events").and_then(Value::as_array).into_iter().flatten() {
            if e.get("event").and_then(Value::as_str).is_some_and(|n| n.ends_with("MemoryUpdateCompleted")) {
                let list = e.get("memories").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                v.memories_updated = Some(list.len());
                v.memories_user = memories_user(list);
            }
        }
        if v.status == RunStatus::Error {
            // A failed run stores its error message as the content.
            let msg = std::mem::take(&mut v.content);
            let message = if msg.is_empty() { "The run failed.".into() } else { msg };
            v.error = Some(ErrorView { message, error_type: stored_text(r, "error_type") });
        }
        if v.status == RunStatus::Cancelled && is_stock_cancel(&v.content) {
            v.content.clear();
        }
        let list = |k: &str| r.get(k).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        list("step_results").iter().for_each(|x| v.step_result(x));
        list("step_executor_runs").iter().for_each(|x| v.step_run(x));
        v.add_stored_members(list("member_responses"));
        v.followups = followups(list("followups"));
        v
    }

    /// A stored run's ids, names, model, input and status.
    fn stored_header(r: &Value) -> RunView {
        let s = |k: &str| stored_text(r, k);
        let kind = if r.get("workflow_id").is_some() && r.get("agent_id").is_none() && r.get("team_id").is_none() {
            RunKind::Workflow
        } else if s("team_id").is_some() {
            RunKind::Team
        } else {
            RunKind::Agent
        };
        RunView {
            kind: Some(kind),
            run_id: s("run_id"),
            parent_run_id: s("parent_run_id"),
            session_id: s("session_id"),
            component_id: s("agent_id").or_else(|| s("team_id")).or_else(|| s("workflow_id")),
            name: s("agent_name").or_else(|| s("team_name")).or_else(|| s("workflow_name")),
            model: s("model"),
            model_provider: s("model_provider"),
            created_at: r.get("created_at").and_then(Value::as_i64),
            input: s("run_input").or_else(|| {
                r.get("input").and_then(|i| i.get("input_content")).and_then(content_text).filter(|s| !s.is_empty())
            }),
            status: s("status").map(|x| RunStatus::from_wire(&x)).unwrap_or(RunStatus::Completed),
            ..RunView::default()
        }
    }

    /// A stored run's tool calls; those a paused run waits on are kept to
    /// send back.
    fn stored_tools(&mut self, tools: &[Value]) {
        for t in tools.iter().filter(|t| t.is_object()) {
            let t = ToolExecution::from_value(t);
            let paused = self.status == RunStatus::Paused && t.needs_decision();
            let done = !t.result.is_null();
            let Some(view) = self.tool(&t) else { continue };
            view.status = if paused {
                ToolStatus::AwaitingDecision
            } else if view.status == ToolStatus::Failed {
                ToolStatus::Failed
            } else if done {
                ToolStatus::Done
            } else {
                ToolStatus::Running
            };
            if paused {
                self.paused_tools.push(t.raw.clone());
            }
        }
    }

    /// Stored member runs (a team's `member_responses`), each unless the
    /// tree holds it already.
    fn add_stored_members(&mut self, list: &[Value]) {
        for m in list {
            let id = m.get("run_id").and_then(Value::as_str).unwrap_or_default();
            if !id.is_empty() && self.find(id).is_none() {
                self.members.push(RunView::from_run_json(m));
            }
        }
    }
}

/// A stored run's (or step output's) text field, when it is a non-empty string.
fn stored_text(r: &Value, key: &str) -> Option<String> {
    r.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Flattens agno `MessageReferences` (`[{query, references: [{content,
/// name, meta_data}], time}]`) into one entry per document.
fn references(list: &[Value]) -> Vec<Reference> {
    let mut out = Vec::new();
    for group in list {
        let query = group.get("query").and_then(Value::as_str).map(str::to_string);
        let docs = group.get("references").and_then(Value::as_array);
        for d in docs.into_iter().flatten() {
            out.push(Reference {
                query: query.clone(),
                name: d.get("name").and_then(Value::as_str).map(str::to_string),
                content: d.get("content").and_then(content_text).unwrap_or_default(),
                meta: d.get("meta_data").cloned().unwrap_or(Value::Null),
            });
        }
    }
    out
}

/// Follow-up suggestions within their bounds: the non-blank strings,
/// trimmed, the first [`MAX_FOLLOWUPS`], each cut to [`MAX_FOLLOWUP_CHARS`]
/// characters (at a character boundary).
fn followups(list: &[Value]) -> Vec<String> {
    list.iter()
        .filter_map(|f| f.as_str().map(str::trim).filter(|f| !f.is_empty()))
        .take(MAX_FOLLOWUPS)
        .map(|f| f.chars().take(MAX_FOLLOWUP_CHARS).collect())
        .collect()
}

/// The text of a reasoning step object (`result`, else `reasoning`).
fn step_text(v: &Value) -> Option<String> {
    if let Some(s) = v.as_str() {
        return Some(s.to_string()).filter(|s| !s.is_empty());
    }
    ["reasoning_content", "result", "reasoning"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))
        .map(str::to_string)
}

/// Rebuilds the views of a stored session's runs (`GET /sessions/{id}/runs`):
/// one per top-level run, in order, with member runs nested under their
/// parent by `parent_run_id` (and workflow step runs under their steps), so
/// history renders like the live chat.
pub fn runs_to_views(runs: &[Value]) -> Vec<RunView> {
    let runs: Vec<&Value> = runs.iter().filter(|r| r.is_object()).collect();
    let mut views: Vec<Option<RunView>> = runs.iter().map(|r| Some(RunView::from_run_json(r))).collect();
    let mut parent = parents(&views);
    let (level, root) = levels(&mut parent);
    // Where each run goes: its parent, or its root when it would sit deeper
    // than MAX_DEPTH levels.
    let home = |i: usize| parent[i].map(|p| if level[i] < MAX_DEPTH { p } else { root[i] });
    // The ids each view holds already (its stored members and step runs).
    let mut holds: Vec<BTreeSet<String>> =
        views.iter().map(|v| v.as_ref().map(RunView::nested_ids).unwrap_or_default()).collect();
    // Deepest first (so a child is complete when it moves), in list order.
    let max_level = level.iter().copied().max().unwrap_or(0);
    let mut by_level: Vec<Vec<usize>> = vec![Vec::new(); max_level + 1];
    for (i, &l) in level.iter().enumerate() {
        by_level[l].push(i);
    }
    for i in by_level.into_iter().skip(1).rev().flatten() {
        let Some(p) = home(i).filter(|&p| views[p].is_some()) else { continue };
        let Some(child) = views[i].take() else { continue };
        let step_id = runs[i].get("workflow_step_id").and_then(Value::as_str);
        let held = std::mem::take(&mut holds[i]);
        if let Some(parent) = views[p].as_mut() {
            place(parent, &mut holds[p], child, held, step_id);
        }
    }
    // A run answered again (`regenerate` on `/continue`) is kept in storage
    // with status REGENERATED and left out of the history, as agno does;
    // its member runs go with it (they sit under it by now).
    let replaced: Vec<&str> = runs
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("regenerated")))
        .filter_map(|r| r.get("run_id").and_then(Value::as_str))
        .collect();
    let mut out: Vec<RunView> = views
        .into_iter()
        .flatten()
        .filter(|v| !v.run_id.as_deref().is_some_and(|id| replaced.contains(&id)))
        .collect();
    out.iter_mut().for_each(RunView::cap_tree);
    out
}

/// Each stored run's parent: the position of the first run with its
/// `parent_run_id` (not itself).
fn parents(views: &[Option<RunView>]) -> Vec<Option<usize>> {
    // Run id → its first position.
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        if let Some(id) = v.as_ref().and_then(|v| v.run_id.clone()) {
            index.entry(id).or_insert(i);
        }
    }
    views
        .iter()
        .enumerate()
        .map(|(i, v)| index.get(v.as_ref()?.parent_run_id.as_deref()?).copied().filter(|&j| j != i))
        .collect()
}

/// The level and root of each run, each computed once; a cycle is cut
/// where it closes (that run's parent is removed: it becomes a root).
fn levels(parent: &mut [Option<usize>]) -> (Vec<usize>, Vec<usize>) {
    let n = parent.len();
    let (mut level, mut root) = (vec![0usize; n], (0..n).collect::<Vec<usize>>());
    let mut state = vec![0u8; n]; // 0 new, 1 on the current path, 2 done
    let mut path = Vec::new();
    for i in 0..n {
        let mut at = i;
        while state[at] == 0 {
            state[at] = 1;
            path.push(at);
            match parent[at] {
                Some(p) if state[p] == 1 => {
                    parent[at] = None;
                    break;
                }
                Some(p) => at = p,
                None => break,
            }
        }
        while let Some(j) = path.pop() {
            if let Some(p) = parent[j] {
                level[j] = level[p] + 1;
                root[j] = root[p];
            }
            state[j] = 2;
        }
    }
    (level, root)
}

/// Puts a stored run (holding the ids `held`) under `parent`, whose tree
/// holds the ids `holds`. A run already there (the parent's stored members
/// include it) is not shown twice: only what its copy lacks is added, one
/// level up. Each run is visited once.
fn place(parent: &mut RunView, holds: &mut BTreeSet<String>, child: RunView, held: BTreeSet<String>, step_id: Option<&str>) {
    let mut work = vec![(child, Some(held), step_id.map(str::to_string))];
    while let Some((mut c, held, step)) = work.pop() {
        let id = c.run_id.clone().unwrap_or_default();
        if !id.is_empty() && holds.contains(&id) {
            work.extend(c.take_children().into_iter().map(|g| (g, None, None)));
            continue;
        }
        let held = held.unwrap_or_else(|| c.nested_ids());
        holds.extend(held);
        holds.insert(id);
        parent.adopt(c, step.as_deref(), None, &[]);
    }
}

/// The user the updated memories belong to (they all share one).
fn memories_user(memories: &[Value]) -> Option<String> {
    memories.iter().find_map(|m| crate::json::text(m, "user_id"))
}

/// agno's own cancel message, `Run <run id> was cancelled`.
fn is_stock_cancel(text: &str) -> bool {
    // No byte slicing: "Run was cancelled" has the prefix and the suffix
    // overlapping (it used to slice `t[4..3]` and abort the app).
    let id = text.trim().strip_prefix("Run ").and_then(|r| r.strip_suffix(" was cancelled"));
    id.is_some_and(|id| !id.is_empty() && !id.contains(' '))
}

fn is_stock_cancel_value(v: &Value) -> bool {
    v.as_str().is_some_and(is_stock_cancel)
}
