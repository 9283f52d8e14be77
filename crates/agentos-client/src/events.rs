//! Typed run events, as AgentOS streams them over SSE and the workflow
//! WebSocket.
//!
//! Every frame carries its name twice (the SSE `event:` line and the JSON
//! `"event"` field) and a flat JSON object. [`parse_event`] turns one frame
//! into a [`RunEvent`]. An event about a run is
//! `RunEvent::Run { kind, header, body }`: its [`RunKind`], decided here
//! once from the name (`TeamRunContent` is a team's `RunContent`,
//! `Workflow*` and `Step*` names are workflow events); the common
//! [`EventHeader`] (ids, names, nesting, `event_index`); and a [`RunBody`],
//! what the event says. Control frames (resume, WebSocket) are their own
//! variants. Nothing here is strict: unknown
//! fields are ignored, missing ones take defaults, a field of an unexpected
//! type reads as absent, and an unknown event name becomes
//! [`RunEvent::Unknown`]. Only a frame whose data is not a JSON object is an
//! error ([`ParseError`]), which the reducer records and moves past.
//!
//! The frame is parsed once into a `serde_json::Value` (kept where the UI
//! needs raw JSON: tool calls, paused tools, step outputs) and the typed
//! fields are read from it with the lenient readers of [`crate::json`] rather than with
//! `#[derive(Deserialize)]`: same tolerance (every field defaulted, unknown
//! ones ignored, wrong types absent), a fraction of the wasm code size.

pub use crate::json::{as_f64, as_u64, FromJson};
use crate::json::{any, flag, int, list, text};
use crate::media::{read_media, Media};
use serde_json::Value;
use std::fmt;

fn metrics(v: &Value, key: &str) -> Option<Metrics> {
    v.get(key).filter(|m| m.is_object()).map(Metrics::from_value)
}

/// The fields every run event may carry. Agent frames name the agent, team
/// frames the team, workflow frames the workflow; a team member's frames
/// carry `parent_run_id` (the team run); an agent running as a workflow step
/// carries `workflow_run_id` and the step fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventHeader {
    /// The event name as sent (`RunContent`, `TeamRunStarted`, ...).
    pub event: Option<String>,
    /// Epoch seconds.
    pub created_at: Option<i64>,
    pub run_id: Option<String>,
    pub parent_run_id: Option<String>,
    pub session_id: Option<String>,
    pub agent_id: Option<String>,
    pub agent_name: Option<String>,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub workflow_id: Option<String>,
    pub workflow_name: Option<String>,
    /// On an agent or team running inside a workflow: the workflow's run.
    pub workflow_run_id: Option<String>,
    pub step_id: Option<String>,
    pub parent_step_id: Option<String>,
    pub step_name: Option<String>,
    /// An integer, or an array of integers for steps nested in
    /// loops/parallels/conditions (see [`EventHeader::step_path`]).
    pub step_index: Option<Value>,
    pub nested_depth: Option<u64>,
    /// Position in a resumable stream (0-based); absent on plain streams.
    pub event_index: Option<u64>,
}

impl FromJson for EventHeader {
    fn from_json(v: &Value) -> Self {
        EventHeader {
            event: text(v, "event"),
            created_at: int(v, "created_at"),
            run_id: text(v, "run_id"),
            parent_run_id: text(v, "parent_run_id"),
            session_id: text(v, "session_id"),
            agent_id: text(v, "agent_id"),
            agent_name: text(v, "agent_name"),
            team_id: text(v, "team_id"),
            team_name: text(v, "team_name"),
            workflow_id: text(v, "workflow_id"),
            workflow_name: text(v, "workflow_name"),
            workflow_run_id: text(v, "workflow_run_id"),
            step_id: text(v, "step_id"),
            parent_step_id: text(v, "parent_step_id"),
            step_name: text(v, "step_name"),
            step_index: v.get("step_index").filter(|x| !x.is_null()).cloned(),
            nested_depth: v.get("nested_depth").and_then(as_u64),
            event_index: v.get("event_index").and_then(as_u64),
        }
    }
}

impl EventHeader {
    /// The step index as a path: `2` gives `[2]`, `[1, 0]` gives `[1, 0]`.
    pub fn step_path(&self) -> Vec<u64> {
        match &self.step_index {
            Some(Value::Array(a)) => a.iter().filter_map(as_u64).collect(),
            Some(v) => as_u64(v).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// The agent, team or workflow id, whichever this frame names.
    pub fn component_id(&self) -> Option<&str> {
        self.agent_id.as_deref().or(self.team_id.as_deref()).or(self.workflow_id.as_deref()).filter(|s| !s.is_empty())
    }

    /// The agent, team or workflow name, whichever this frame names.
    pub fn component_name(&self) -> Option<&str> {
        self.agent_name
            .as_deref()
            .or(self.team_name.as_deref())
            .or(self.workflow_name.as_deref())
            .filter(|s| !s.is_empty())
    }
}

/// Token and timing metrics (of a run, a model request or a workflow).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub total_tokens: Option<u64>,
    pub reasoning_tokens: Option<u64>,
    pub cache_read_tokens: Option<u64>,
    pub cache_write_tokens: Option<u64>,
    /// Seconds.
    pub time_to_first_token: Option<f64>,
    /// Seconds.
    pub duration: Option<f64>,
}

impl Metrics {
    /// Reads a metrics object. A workflow's metrics (`{"steps": {name:
    /// {"metrics": {...}}}, "duration": ...}`) get their tokens summed over
    /// the steps.
    pub fn from_value(v: &Value) -> Metrics {
        let u = |k: &str| v.get(k).and_then(as_u64);
        let f = |k: &str| v.get(k).and_then(as_f64);
        let mut m = Metrics {
            input_tokens: u("input_tokens"),
            output_tokens: u("output_tokens"),
            total_tokens: u("total_tokens"),
            reasoning_tokens: u("reasoning_tokens"),
            cache_read_tokens: u("cache_read_tokens"),
            cache_write_tokens: u("cache_write_tokens"),
            time_to_first_token: f("time_to_first_token"),
            duration: f("duration"),
        };
        if m.total_tokens.is_none() {
            if let Some(steps) = v.get("steps").and_then(Value::as_object) {
                for step in steps.values() {
                    if let Some(sm) = step.get("metrics").filter(|s| s.is_object()) {
                        m.add_tokens(&Metrics::from_value(sm));
                    }
                }
            }
        }
        m
    }

    /// Adds another request's token counts to these.
    pub fn add_tokens(&mut self, o: &Metrics) {
        fn add(a: &mut Option<u64>, b: Option<u64>) {
            if let Some(b) = b {
                *a = Some(a.unwrap_or(0).saturating_add(b));
            }
        }
        add(&mut self.input_tokens, o.input_tokens);
        add(&mut self.output_tokens, o.output_tokens);
        add(&mut self.total_tokens, o.total_tokens);
        add(&mut self.reasoning_tokens, o.reasoning_tokens);
        add(&mut self.cache_read_tokens, o.cache_read_tokens);
        add(&mut self.cache_write_tokens, o.cache_write_tokens);
    }

    pub fn is_empty(&self) -> bool {
        *self == Metrics::default()
    }
}

/// One tool call (agno's `ToolExecution`), with the raw JSON kept so it can
/// be sent back to `/continue` unchanged apart from `confirmed`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolExecution {
    pub tool_call_id: Option<String>,
    pub tool_name: Option<String>,
    /// Arguments as sent (usually an object).
    pub tool_args: Value,
    /// The result (usually a string, often holding JSON); `Null` until done.
    pub result: Value,
    /// `true` when the call failed.
    pub tool_call_error: Option<bool>,
    pub requires_confirmation: Option<bool>,
    pub confirmed: Option<bool>,
    pub confirmation_note: Option<String>,
    pub requires_user_input: Option<bool>,
    pub external_execution_required: Option<bool>,
    /// A team's `delegate_task_to_member` call: the member run it started.
    pub child_run_id: Option<String>,
    pub metrics: Option<Metrics>,
    pub created_at: Option<i64>,
    /// The whole object as received.
    pub raw: Value,
}

impl ToolExecution {
    pub fn from_value(v: &Value) -> ToolExecution {
        ToolExecution {
            tool_call_id: text(v, "tool_call_id"),
            tool_name: text(v, "tool_name"),
            tool_args: any(v, "tool_args"),
            result: any(v, "result"),
            tool_call_error: flag(v, "tool_call_error"),
            requires_confirmation: flag(v, "requires_confirmation"),
            confirmed: flag(v, "confirmed"),
            confirmation_note: text(v, "confirmation_note"),
            requires_user_input: flag(v, "requires_user_input"),
            external_execution_required: flag(v, "external_execution_required"),
            child_run_id: text(v, "child_run_id"),
            metrics: metrics(v, "metrics"),
            created_at: int(v, "created_at"),
            raw: v.clone(),
        }
    }

    /// Whether the run waits on a person for this call.
    pub fn needs_decision(&self) -> bool {
        self.requires_confirmation == Some(true) && self.confirmed.is_none()
            || self.requires_user_input == Some(true)
            || self.external_execution_required == Some(true)
    }
}

/// `RunStarted`, `ModelRequestStarted` and `ModelRequestCompleted` (and the
/// team versions): the model used and, when completed, the request's usage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelInfo {
    pub model: Option<String>,
    pub model_provider: Option<String>,
    pub usage: Metrics,
}

impl FromJson for ModelInfo {
    fn from_json(v: &Value) -> Self {
        ModelInfo { model: text(v, "model"), model_provider: text(v, "model_provider"), usage: Metrics::from_value(v) }
    }
}

/// `RunContent` / `RunIntermediateContent` (and team versions): one delta.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentDelta {
    /// Usually a string delta; structured output arrives as JSON.
    pub content: Value,
    pub content_type: Option<String>,
    /// A reasoning delta riding on the content frame (models that stream
    /// reasoning inline).
    pub reasoning_content: Option<String>,
    pub references: Vec<Value>,
}

impl FromJson for ContentDelta {
    fn from_json(v: &Value) -> Self {
        ContentDelta {
            content: any(v, "content"),
            content_type: text(v, "content_type"),
            reasoning_content: text(v, "reasoning_content"),
            references: list(v, "references"),
        }
    }
}

/// `RunCompleted` / `TeamRunCompleted`: the final output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunOutcome {
    /// The whole answer (replaces the accumulated deltas when present).
    pub content: Value,
    pub content_type: Option<String>,
    pub reasoning_content: Option<String>,
    /// `[{query, references: [{content, name, meta_data}], time}]`.
    pub references: Vec<Value>,
    pub metrics: Option<Metrics>,
    /// Teams: the members' full run outputs.
    pub member_responses: Vec<Value>,
    /// Suggested next prompts (agno 3.1.10 sends them in
    /// `FollowupsCompleted`, not here; a run output carries them).
    pub followups: Vec<Value>,
    /// Images, audio, video and files the run returned (`crate::media`).
    pub media: Vec<Media>,
}

impl FromJson for RunOutcome {
    fn from_json(v: &Value) -> Self {
        RunOutcome {
            content: any(v, "content"),
            content_type: text(v, "content_type"),
            reasoning_content: text(v, "reasoning_content"),
            references: list(v, "references"),
            metrics: metrics(v, "metrics"),
            member_responses: list(v, "member_responses"),
            followups: list(v, "followups"),
            media: read_media(v, None),
        }
    }
}

/// `RunError`, `TeamRunError`, `WorkflowError`, `StepError`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorInfo {
    /// Agent and team errors put the message here.
    pub content: Option<String>,
    /// Workflow and step errors put it here.
    pub error: Option<String>,
    pub error_type: Option<String>,
    pub error_id: Option<String>,
}

impl FromJson for ErrorInfo {
    fn from_json(v: &Value) -> Self {
        ErrorInfo {
            content: text(v, "content"),
            error: text(v, "error"),
            error_type: text(v, "error_type"),
            error_id: text(v, "error_id"),
        }
    }
}

impl ErrorInfo {
    /// The message, wherever it was put.
    pub fn message(&self) -> Option<&str> {
        self.error.as_deref().or(self.content.as_deref()).filter(|s| !s.is_empty())
    }
}

/// `RunCancelled`, `TeamRunCancelled`, `WorkflowCancelled`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CancelInfo {
    pub reason: Option<String>,
    /// The partial answer at the time of the cancel.
    pub content: Value,
}

impl FromJson for CancelInfo {
    fn from_json(v: &Value) -> Self {
        CancelInfo { reason: text(v, "reason"), content: any(v, "content") }
    }
}

/// `RunPaused`, `TeamRunPaused`, `WorkflowPaused`: what the run waits on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PauseInfo {
    pub content: Option<String>,
    /// The tools awaiting a decision (raw JSON kept in each).
    pub tools: Vec<ToolExecution>,
    /// Raw `requirements` (teams continue with these).
    pub requirements: Vec<Value>,
    /// Raw `step_requirements` (workflows continue with these).
    pub step_requirements: Vec<Value>,
}

impl FromJson for PauseInfo {
    fn from_json(v: &Value) -> Self {
        let tools = v.get("tools").and_then(Value::as_array);
        PauseInfo {
            content: text(v, "content"),
            tools: tools.into_iter().flatten().filter(|t| t.is_object()).map(ToolExecution::from_value).collect(),
            requirements: list(v, "requirements"),
            step_requirements: list(v, "step_requirements"),
        }
    }
}

/// Tool call events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolEvent {
    pub tool: Option<ToolExecution>,
    /// `ToolCallError`: the error text.
    pub error: Option<String>,
    /// Media the tool returned (`ToolCallCompleted`: `images`, `audio`, …).
    pub media: Vec<Media>,
}

impl FromJson for ToolEvent {
    fn from_json(v: &Value) -> Self {
        ToolEvent {
            tool: v.get("tool").filter(|t| t.is_object()).map(ToolExecution::from_value),
            error: text(v, "error"),
            media: read_media(v, v.get("tool").and_then(|t| t.get("tool_name")).and_then(Value::as_str)),
        }
    }
}

/// Reasoning events: a delta (`ReasoningContentDelta`), a step
/// (`ReasoningStep`) or the steps at the end (`ReasoningCompleted`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReasoningInfo {
    pub reasoning_content: Option<String>,
    pub content: Value,
}

impl FromJson for ReasoningInfo {
    fn from_json(v: &Value) -> Self {
        ReasoningInfo { reasoning_content: text(v, "reasoning_content"), content: any(v, "content") }
    }
}

/// `MemoryUpdateCompleted`: the user's memories (all of them, not only new ones).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryInfo {
    pub memories: Vec<Value>,
}

impl FromJson for MemoryInfo {
    fn from_json(v: &Value) -> Self {
        MemoryInfo { memories: list(v, "memories") }
    }
}

/// `WorkflowCompleted`: the final output and every step's result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowOutcome {
    pub content: Value,
    pub metrics: Option<Metrics>,
    /// agno `StepOutput` objects: `{content, step_name, step_id, executor_type,
    /// executor_name, step_run_id, success, error, ...}`.
    pub step_results: Vec<Value>,
    /// The agent/team runs of the steps (full run outputs).
    pub step_executor_runs: Vec<Value>,
}

impl FromJson for WorkflowOutcome {
    fn from_json(v: &Value) -> Self {
        WorkflowOutcome {
            content: any(v, "content"),
            metrics: metrics(v, "metrics"),
            step_results: list(v, "step_results"),
            step_executor_runs: list(v, "step_executor_runs"),
        }
    }
}

/// Step events (`StepStarted`, `StepCompleted`, `StepOutput`, `StepError`,
/// `StepPaused`, `StepProgress`, and the Loop/Parallel/Condition/Router/Steps
/// execution groups). The step's name, id and index are in the header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepInfo {
    /// `StepCompleted`/`StepProgress`: the content; `StepOutput`: copy of its content.
    pub content: Value,
    /// `StepCompleted`: the step's `StepOutput`.
    pub step_response: Value,
    /// `StepOutput`: the step's `StepOutput`.
    pub step_output: Value,
    /// `StepError`.
    pub error: Option<String>,
    /// Group results (`ParallelExecutionCompleted`, ...).
    pub step_results: Vec<Value>,
    pub requires_confirmation: Option<bool>,
    pub confirmation_message: Option<String>,
    pub requires_user_input: Option<bool>,
    pub user_input_message: Option<String>,
}

impl FromJson for StepInfo {
    fn from_json(v: &Value) -> Self {
        StepInfo {
            content: any(v, "content"),
            step_response: any(v, "step_response"),
            step_output: any(v, "step_output"),
            error: text(v, "error"),
            step_results: list(v, "step_results"),
            requires_confirmation: flag(v, "requires_confirmation"),
            confirmation_message: text(v, "confirmation_message"),
            requires_user_input: flag(v, "requires_user_input"),
            user_input_message: text(v, "user_input_message"),
        }
    }
}

impl StepInfo {
    /// The step's `StepOutput` object, from whichever field carries it.
    pub fn output(&self) -> Option<&Value> {
        [&self.step_output, &self.step_response].into_iter().find(|v| v.is_object())
    }
}

/// Resume control frames (`catch_up`, `subscribed`, `replay`,
/// `stream_expired`) on `/resume` streams and the workflow WebSocket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResumeInfo {
    pub run_id: Option<String>,
    /// `running`, `COMPLETED`, ... as sent.
    pub status: Option<String>,
    pub missed_events: Option<u64>,
    pub current_event_count: Option<u64>,
    pub total_events: Option<u64>,
    pub message: Option<String>,
}

impl FromJson for ResumeInfo {
    fn from_json(v: &Value) -> Self {
        let u = |k: &str| v.get(k).and_then(as_u64);
        ResumeInfo {
            run_id: text(v, "run_id"),
            status: text(v, "status"),
            missed_events: u("missed_events"),
            current_event_count: u("current_event_count"),
            total_events: u("total_events"),
            message: text(v, "message"),
        }
    }
}

/// Which kind of run an event belongs to, decided once when the frame is
/// parsed: `Team*` names are team events, `Workflow*` and `Step*` names
/// (and the Loop/Parallel/... groups) workflow events, the other run event
/// names agent events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Agent,
    Team,
    Workflow,
}

/// What a run event says, whichever kind of run sent it.
///
/// The variants carry agno's agent event names: a team sends the same
/// events with a `Team` prefix (`TeamRunContent` is `RunContent` with
/// [`RunKind::Team`]), and a workflow's lifecycle reuses the run bodies
/// (`WorkflowError` is `RunError` with [`RunKind::Workflow`]). Only what a
/// workflow says differently has its own body: its completion and its steps.
#[derive(Debug, Clone, PartialEq)]
pub enum RunBody {
    /// `RunStarted`, `TeamRunStarted`, `WorkflowStarted` (no model).
    RunStarted(ModelInfo),
    RunContent(ContentDelta),
    RunIntermediateContent(ContentDelta),
    RunContentCompleted,
    RunCompleted(RunOutcome),
    /// Also `WorkflowError`.
    RunError(ErrorInfo),
    /// Also `WorkflowCancelled`.
    RunCancelled(CancelInfo),
    /// Also `WorkflowPaused`.
    RunPaused(PauseInfo),
    RunContinued,
    ToolCallStarted(ToolEvent),
    ToolCallCompleted(ToolEvent),
    ToolCallError(ToolEvent),
    ReasoningStarted,
    ReasoningContentDelta(ReasoningInfo),
    ReasoningStep(ReasoningInfo),
    ReasoningCompleted(ReasoningInfo),
    ModelRequestStarted(ModelInfo),
    ModelRequestCompleted(ModelInfo),
    MemoryUpdateStarted,
    MemoryUpdateCompleted(MemoryInfo),
    /// The model is asked for follow-up suggestions (agno `followups=True`).
    FollowupsStarted,
    /// The suggested next prompts, raw (`followups`: a list of strings;
    /// the reducer keeps a bounded number of them).
    FollowupsCompleted(Vec<Value>),
    /// Other known agent, team or workflow events the view does not model
    /// (hooks, session summary, parser/output model, compression,
    /// compaction, team tasks, `CustomEvent`, `WorkflowAgent*`, loop
    /// iterations, ...); the name is in `header.event`.
    Activity(Value),

    WorkflowCompleted(WorkflowOutcome),
    StepStarted(StepInfo),
    StepCompleted(StepInfo),
    StepOutput(StepInfo),
    StepError(StepInfo),
    StepPaused(StepInfo),
    StepContinued(StepInfo),
    StepProgress(StepInfo),
    /// `LoopExecutionStarted`, `ParallelExecutionStarted`,
    /// `ConditionExecutionStarted`, `RouterExecutionStarted`,
    /// `StepsExecutionStarted`; the string is `Loop`, `Parallel`, ...
    StepGroupStarted(StepInfo, String),
    /// The matching `...ExecutionCompleted`.
    StepGroupCompleted(StepInfo, String),
}

/// One decoded event.
///
/// Every event about a run is [`RunEvent::Run`]: its kind, the common
/// header and what it says. A team member's frames use the agent names
/// (`RunContent`, ...) with `parent_run_id` set, so they are agent events.
/// The other variants are control frames of the resume streams and the
/// workflow WebSocket.
// Run events are the stream; the small control frames are rare, so boxing
// the header would cost an allocation per frame for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent {
    Run { kind: RunKind, header: EventHeader, body: RunBody },

    /// Resume control frames.
    CatchUp(ResumeInfo),
    Subscribed(ResumeInfo),
    Replay(ResumeInfo),
    StreamExpired(ResumeInfo),

    /// WebSocket control frames.
    Connected { message: String, requires_auth: bool },
    Authenticated { message: String },
    AuthRequired { message: String },
    AuthError { message: String },
    Pong,
    /// `{"event": "error", "error": ...}`: on the WebSocket, and as an SSE
    /// `event: error` frame on `/resume` streams.
    SocketError { message: String },
    /// Durable queue: the run was accepted and waits for a worker.
    Queued { run_id: Option<String>, session_id: Option<String> },

    /// `event: WorkflowRunOutput`: the workflow run object itself, sent after
    /// `WorkflowPaused` (its data has no `event` field). It carries the full
    /// `step_requirements` a paused workflow waits on.
    WorkflowRunOutput { step_requirements: Vec<Value> },

    /// Anything else: never fatal.
    Unknown { name: String, raw: Value },
}

/// A frame that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub event: Option<String>,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.event {
            Some(e) => write!(f, "unreadable {e} event: {}", self.message),
            None => write!(f, "unreadable event: {}", self.message),
        }
    }
}

impl std::error::Error for ParseError {}

fn load<T: FromJson>(v: &Value) -> T {
    T::from_json(v)
}

fn first_text(v: &Value, keys: &[&str]) -> String {
    keys.iter().find_map(|k| v.get(*k).and_then(Value::as_str)).unwrap_or_default().to_string()
}

/// Parses one frame. `name` is the SSE `event:` line; without it the JSON
/// `"event"` field names the event. Malformed data gives an error value,
/// never a panic.
pub fn parse_event(name: Option<&str>, data: &str) -> Result<RunEvent, ParseError> {
    let err = |message: String| ParseError { event: name.map(str::to_string), message };
    let v: Value = serde_json::from_str(data).map_err(|e| {
        let snippet: String = data.chars().take(60).collect();
        err(format!("{e} (data: `{snippet}`)"))
    })?;
    if !v.is_object() {
        return Err(err("the data is not a JSON object".into()));
    }
    Ok(event_from_value(name, v))
}

/// Builds the event from an already parsed JSON object.
pub fn event_from_value(name: Option<&str>, v: Value) -> RunEvent {
    let name = name
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .or_else(|| v.get("event").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default();
    match run_body(&name, &v) {
        Some((kind, body)) => {
            let mut header: EventHeader = load(&v);
            header.event = Some(name);
            RunEvent::Run { kind, header, body }
        }
        None => control_event(name, v),
    }
}

/// The kind and body of a run event; `None` for any other name.
fn run_body(name: &str, v: &Value) -> Option<(RunKind, RunBody)> {
    // Team events are the agent events with a "Team" prefix.
    let (kind, base) = match name.strip_prefix("Team") {
        Some(rest) if is_run_event(rest) => (RunKind::Team, rest),
        _ if is_run_event(name) => (RunKind::Agent, name),
        _ => return workflow_body(name, v).map(|b| (RunKind::Workflow, b)),
    };
    Some((kind, agent_body(base, v)))
}

/// The body of an agent event (`base` is an agent event name).
fn agent_body(base: &str, v: &Value) -> RunBody {
    use RunBody::*;
    match base {
        "RunStarted" => RunStarted(load(v)),
        "RunContent" => RunContent(load(v)),
        "RunIntermediateContent" => RunIntermediateContent(load(v)),
        "RunContentCompleted" => RunContentCompleted,
        "RunCompleted" => RunCompleted(load(v)),
        "RunError" => RunError(load(v)),
        "RunCancelled" => RunCancelled(load(v)),
        "RunPaused" => RunPaused(load(v)),
        "RunContinued" => RunContinued,
        "ToolCallStarted" => ToolCallStarted(load(v)),
        "ToolCallCompleted" => ToolCallCompleted(load(v)),
        "ToolCallError" => ToolCallError(load(v)),
        "ReasoningStarted" => ReasoningStarted,
        "ReasoningContentDelta" => ReasoningContentDelta(load(v)),
        "ReasoningStep" => ReasoningStep(load(v)),
        "ReasoningCompleted" => ReasoningCompleted(load(v)),
        "ModelRequestStarted" => ModelRequestStarted(load(v)),
        "ModelRequestCompleted" => ModelRequestCompleted(load(v)),
        "MemoryUpdateStarted" => MemoryUpdateStarted,
        "MemoryUpdateCompleted" => MemoryUpdateCompleted(load(v)),
        "FollowupsStarted" => FollowupsStarted,
        "FollowupsCompleted" => FollowupsCompleted(list(v, "followups")),
        _ => Activity(v.clone()),
    }
}

const GROUPS: [&str; 5] = ["Loop", "Parallel", "Condition", "Router", "Steps"];

/// The body of a workflow or step event; `None` for any other name.
fn workflow_body(name: &str, v: &Value) -> Option<RunBody> {
    use RunBody::*;
    Some(match name {
        // A workflow names no model.
        "WorkflowStarted" => RunStarted(ModelInfo::default()),
        "WorkflowCompleted" => WorkflowCompleted(load(v)),
        "WorkflowCancelled" => RunCancelled(load(v)),
        "WorkflowError" => RunError(load(v)),
        "WorkflowPaused" => RunPaused(load(v)),
        "StepStarted" => StepStarted(load(v)),
        "StepCompleted" => StepCompleted(load(v)),
        "StepOutput" => StepOutput(load(v)),
        "StepError" => StepError(load(v)),
        "StepPaused" => StepPaused(load(v)),
        "StepContinued" => StepContinued(load(v)),
        "StepProgress" => StepProgress(load(v)),
        "WorkflowAgentStarted" | "WorkflowAgentCompleted" | "StepExecutorPaused" | "StepExecutorContinued"
        | "StepOutputReview" | "LoopIterationStarted" | "LoopIterationCompleted" | "ConditionPaused"
        | "RouterPaused" => Activity(v.clone()),
        _ => {
            let (group, rest) = GROUPS.iter().find_map(|g| Some((*g, name.strip_prefix(g)?)))?;
            match rest {
                "ExecutionStarted" => StepGroupStarted(load(v), group.to_string()),
                "ExecutionCompleted" => StepGroupCompleted(load(v), group.to_string()),
                _ => return None,
            }
        }
    })
}

/// Control frames (resume streams, the WebSocket), and unknown names.
fn control_event(name: String, v: Value) -> RunEvent {
    match name.as_str() {
        "catch_up" => RunEvent::CatchUp(load(&v)),
        "subscribed" => RunEvent::Subscribed(load(&v)),
        "replay" => RunEvent::Replay(load(&v)),
        "stream_expired" => RunEvent::StreamExpired(load(&v)),
        "connected" => RunEvent::Connected {
            message: first_text(&v, &["message"]),
            requires_auth: v.get("requires_auth").and_then(Value::as_bool).unwrap_or(false),
        },
        "authenticated" => RunEvent::Authenticated { message: first_text(&v, &["message"]) },
        "auth_required" => RunEvent::AuthRequired { message: first_text(&v, &["error", "message"]) },
        "auth_error" => RunEvent::AuthError { message: first_text(&v, &["error", "message"]) },
        "pong" => RunEvent::Pong,
        "error" => RunEvent::SocketError { message: first_text(&v, &["error", "message"]) },
        "queued" => RunEvent::Queued {
            run_id: v.get("run_id").and_then(Value::as_str).map(str::to_string),
            session_id: v.get("session_id").and_then(Value::as_str).map(str::to_string),
        },
        "WorkflowRunOutput" => RunEvent::WorkflowRunOutput { step_requirements: list(&v, "step_requirements") },
        _ => RunEvent::Unknown { name, raw: v },
    }
}

/// Agent event names (without the `Team` prefix) from agno's `RunEvent` and
/// `TeamRunEvent` enums.
fn is_run_event(name: &str) -> bool {
    const NAMES: [&str; 42] = [
        "RunStarted",
        "RunContent",
        "RunContentCompleted",
        "RunIntermediateContent",
        "RunCompleted",
        "RunError",
        "RunCancelled",
        "RunPaused",
        "RunContinued",
        "PreHookStarted",
        "PreHookCompleted",
        "PostHookStarted",
        "PostHookCompleted",
        "ToolCallStarted",
        "ToolCallCompleted",
        "ToolCallError",
        "ReasoningStarted",
        "ReasoningStep",
        "ReasoningContentDelta",
        "ReasoningCompleted",
        "MemoryUpdateStarted",
        "MemoryUpdateCompleted",
        "SessionSummaryStarted",
        "SessionSummaryCompleted",
        "ParserModelResponseStarted",
        "ParserModelResponseCompleted",
        "OutputModelResponseStarted",
        "OutputModelResponseCompleted",
        "ModelRequestStarted",
        "ModelRequestCompleted",
        "CompressionStarted",
        "CompressionCompleted",
        "CompactionStarted",
        "CompactionCompleted",
        "FollowupsStarted",
        "FollowupsCompleted",
        "CustomEvent",
        "TaskIterationStarted",
        "TaskIterationCompleted",
        "TaskStateUpdated",
        "TaskCreated",
        "TaskUpdated",
    ];
    NAMES.contains(&name)
}

impl RunEvent {
    /// The header of a run event (`None` for control frames and `Unknown`).
    pub fn header(&self) -> Option<&EventHeader> {
        match self {
            RunEvent::Run { header, .. } => Some(header),
            _ => None,
        }
    }

    /// The event's name as it appeared on the wire.
    pub fn name(&self) -> &str {
        use RunEvent::*;
        match self {
            Run { header, .. } => header.event.as_deref().unwrap_or(""),
            CatchUp(_) => "catch_up",
            Subscribed(_) => "subscribed",
            Replay(_) => "replay",
            StreamExpired(_) => "stream_expired",
            Connected { .. } => "connected",
            Authenticated { .. } => "authenticated",
            AuthRequired { .. } => "auth_required",
            AuthError { .. } => "auth_error",
            Pong => "pong",
            SocketError { .. } => "error",
            Queued { .. } => "queued",
            WorkflowRunOutput { .. } => "WorkflowRunOutput",
            Unknown { name, .. } => name,
        }
    }

    /// `event_index`, on resumable streams.
    pub fn event_index(&self) -> Option<u64> {
        self.header().and_then(|h| h.event_index)
    }

    /// The kind of run this event is about (`None` for control frames and
    /// `Unknown`).
    pub fn run_kind(&self) -> Option<RunKind> {
        match self {
            RunEvent::Run { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

/// Content of any JSON value as display text: strings as they are,
/// anything else as pretty JSON, `null` as nothing.
pub fn content_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => serde_json::to_string_pretty(other).ok(),
    }
}
