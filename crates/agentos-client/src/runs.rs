//! Starting, cancelling, continuing and resuming runs: paths and form
//! fields, independent of the transport.
//!
//! Runs take form bodies (`multipart/form-data`); a JSON body is refused with
//! 422. Pass-through fields (`session_state`, `dependencies`, ...) travel as
//! JSON strings inside the form.

use crate::config::ComponentKind;
use crate::reducer::{runs_to_views, RunView};
use crate::path::encode as encode_segment;
use serde_json::Value;

/// `/agents/{id}/runs` (and teams, workflows).
pub fn runs_path(kind: ComponentKind, id: &str) -> String {
    format!("/{}/{}/runs", kind.collection(), encode_segment(id))
}

fn run_action_path(kind: ComponentKind, id: &str, run_id: &str, action: &str) -> String {
    format!("{}/{}/{action}", runs_path(kind, id), encode_segment(run_id))
}

/// `POST …/runs/{run_id}/cancel?session_id=…`.
pub fn cancel_path(kind: ComponentKind, id: &str, run_id: &str, session_id: Option<&str>) -> String {
    let base = run_action_path(kind, id, run_id, "cancel");
    match session_id {
        Some(s) => format!("{base}?session_id={}", encode_segment(s)),
        None => base,
    }
}

/// `GET …/runs/{run_id}?session_id=…`: one stored run (a paused workflow's
/// full `step_requirements` are there).
pub fn run_path(kind: ComponentKind, id: &str, run_id: &str, session_id: Option<&str>) -> String {
    let base = format!("{}/{}", runs_path(kind, id), encode_segment(run_id));
    match session_id {
        Some(s) => format!("{base}?session_id={}", encode_segment(s)),
        None => base,
    }
}

/// `POST …/runs/{run_id}/continue` (form).
pub fn continue_path(kind: ComponentKind, id: &str, run_id: &str) -> String {
    run_action_path(kind, id, run_id, "continue")
}

/// `POST …/runs/{run_id}/resume` (form with `last_event_index`).
pub fn resume_path(kind: ComponentKind, id: &str, run_id: &str) -> String {
    run_action_path(kind, id, run_id, "resume")
}

/// The optional pass-through fields of a run, as typed in the advanced
/// panel. Each is JSON text; empty means "not sent".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunExtras {
    pub dependencies: String,
    pub session_state: String,
    pub metadata: String,
    pub knowledge_filters: String,
    pub output_schema: String,
    pub use_json_schema: bool,
}

/// A JSON field that does not parse, with a message for the person.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl RunExtras {
    /// Validates every JSON field and returns the form fields to send, or
    /// every problem found (so all can be shown at once).
    pub fn form_fields(&self) -> Result<Vec<(&'static str, String)>, Vec<FieldError>> {
        let mut fields = Vec::new();
        let mut errors = Vec::new();
        let specs: [(&'static str, &str, bool); 5] = [
            ("dependencies", &self.dependencies, true),
            ("session_state", &self.session_state, true),
            ("metadata", &self.metadata, true),
            ("knowledge_filters", &self.knowledge_filters, true),
            ("output_schema", &self.output_schema, true),
        ];
        for (field, text, must_be_object) in specs {
            let t = text.trim();
            if t.is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(t) {
                Ok(v) if must_be_object && !v.is_object() => errors.push(FieldError {
                    field,
                    message: format!("{} must be a JSON object, like {{\"key\": \"value\"}}", label(field)),
                }),
                Ok(v) => fields.push((field, v.to_string())),
                Err(e) => errors.push(FieldError {
                    field,
                    message: format!("{} is not valid JSON: {e}", label(field)),
                }),
            }
        }
        if self.use_json_schema {
            fields.push(("use_json_schema", "true".into()));
        }
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == RunExtras::default()
    }
}

/// The human label of a pass-through field.
pub fn label(field: &str) -> &'static str {
    match field {
        "dependencies" => "Dependencies",
        "session_state" => "Session state",
        "metadata" => "Metadata",
        "knowledge_filters" => "Knowledge filters",
        "output_schema" => "Output schema",
        _ => "Field",
    }
}

/// The fields of a new run.
///
/// Runs are started plain (`stream=true`, no `background`): on AgentOS
/// 3.1.10 `background=true` delays the first streamed token (it persists the
/// run before starting it, and its detached producer only lets the stream
/// through when it waits on the model: a fast model's answer arrives nearly
/// all at once at the end). A plain run is stopped by the server when its
/// stream breaks, and stored with what it had; see [`recover`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunRequest {
    pub message: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
}

impl RunRequest {
    /// Form fields (without files and extras).
    pub fn form_fields(&self) -> Vec<(&'static str, String)> {
        let mut f = vec![("message", self.message.clone()), ("stream", "true".into())];
        push_session_and_user(&mut f, self.session_id.as_deref(), self.user_id.as_deref());
        f
    }
}

/// The fields of `POST …/runs/{run_id}/continue`: the decisions on a paused
/// run, streamed back like a new run (`stream=true`, plain, see
/// [`RunRequest`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ContinueRequest {
    pub kind: ComponentKind,
    /// The paused run's tools, requirements or step requirements with the
    /// decisions in them, as JSON text ([`ContinueRequest::decisions`]).
    pub decisions: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
}

/// The note a rejected tool carries back to the model.
pub const REJECTION_NOTE: &str = "Rejected in the dashboard";

impl ContinueRequest {
    /// The decisions in the shape each kind answers with: a team its
    /// `requirements` (one per member tool), a workflow its
    /// `step_requirements`, an agent (or a team whose run carries no
    /// requirements) its paused tools with the person's answers filled in.
    pub fn decisions(
        kind: ComponentKind,
        paused_tools: &[Value],
        requirements: &[Value],
        decisions: &[(String, bool)],
        answers: &[(String, String, String)],
        results: &[(String, String)],
    ) -> String {
        let note = Some(REJECTION_NOTE);
        match kind {
            ComponentKind::Team if !requirements.is_empty() => {
                // A member's tool that asks for input or runs outside agno:
                // the answers and the result inside the requirement (agno
                // 3.1.10 merges the schema values of the requirement and of
                // its tool execution, the tool's `result` and the
                // requirement's `external_execution_result`).
                let reqs: Vec<Value> = requirements
                    .iter()
                    .map(|r| {
                        let mut r = r.clone();
                        let Some(t) = r.get("tool_execution").cloned() else { return r };
                        let id = t.get("tool_call_id").cloned().unwrap_or(Value::Null);
                        let filled = fill_results(&answer_tools(&[t], answers), results).pop();
                        let own_schema = r.get("user_input_schema").filter(|s| s.is_array()).map(|s| {
                            let holder = serde_json::json!({"tool_call_id": id, "user_input_schema": s});
                            answer_tools(&[holder], answers).pop().and_then(|h| h.get("user_input_schema").cloned())
                        });
                        let Some(obj) = r.as_object_mut() else { return r };
                        if let Some(filled) = filled {
                            if let Some(res) = filled.get("result").filter(|v| v.is_string()) {
                                if needs_result(&filled) {
                                    obj.insert("external_execution_result".into(), res.clone());
                                }
                            }
                            obj.insert("tool_execution".into(), filled);
                        }
                        if let Some(Some(schema)) = own_schema {
                            obj.insert("user_input_schema".into(), schema);
                        }
                        r
                    })
                    .collect();
                confirm_requirements(&reqs, decisions, note)
            }
            ComponentKind::Workflow if !requirements.is_empty() => {
                confirm_steps(&answer_steps(requirements, decisions, answers), decisions)
            }
            _ => confirm_tools(&fill_results(&answer_tools(paused_tools, answers), results), decisions, note),
        }
    }

    /// Form fields: the decisions under [`continue_field`], `stream`, the
    /// session and the user.
    pub fn form_fields(&self) -> Vec<(&'static str, String)> {
        let mut f = vec![(continue_field(self.kind), self.decisions.clone()), ("stream", "true".into())];
        push_session_and_user(&mut f, self.session_id.as_deref(), self.user_id.as_deref());
        f
    }
}

/// Whether agno 3.1.10 can regenerate (and steer with instructions) a
/// finished run of this kind: agents and teams take `regenerate` on
/// `/continue`; a workflow's `/continue` only answers paused steps.
pub fn can_regenerate(kind: ComponentKind) -> bool {
    matches!(kind, ComponentKind::Agent | ComponentKind::Team)
}

/// The fields of `POST …/runs/{run_id}/continue` that answer a finished run
/// again (`regenerate=true`): agno 3.1.10 keeps the run's messages up to the
/// last one that is not a plain answer, appends `additional_instructions`
/// (when given) as a user message, and streams a new run (new `run_id`,
/// `regenerated_from` the old one). The old run is kept in storage with
/// status `REGENERATED`, hidden from the model's history.
///
/// `additional_instructions` is only read with `regenerate=true`: without
/// it, 3.1.10 drops the text silently (checked on the wire), so
/// "continue with instructions" is this request with instructions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegenerateRequest {
    /// Extra guidance for the new answer; blank means none.
    pub instructions: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
}

impl RegenerateRequest {
    /// Form fields: `regenerate`, `additional_instructions` (trimmed, when
    /// not blank), `stream`, the session and the user.
    pub fn form_fields(&self) -> Vec<(&'static str, String)> {
        let mut f = vec![("regenerate", "true".to_string())];
        let text = self.instructions.trim();
        if !text.is_empty() {
            f.push(("additional_instructions", text.to_string()));
        }
        f.push(("stream", "true".into()));
        push_session_and_user(&mut f, self.session_id.as_deref(), self.user_id.as_deref());
        f
    }
}

/// `POST /{agents|teams}/{id}/sessions/{session_id}/fork[?user_id=…]`: a
/// copy of the whole session (every run, with new run ids) under a new
/// session id. `None` for workflows (agno 3.1.10 has no workflow fork).
pub fn fork_session_path(kind: ComponentKind, id: &str, session_id: &str, user_id: Option<&str>) -> Option<String> {
    if kind == ComponentKind::Workflow {
        return None;
    }
    let base = format!("/{}/{}/sessions/{}/fork", kind.collection(), encode_segment(id), encode_segment(session_id));
    Some(match user_id.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => format!("{base}?user_id={}", encode_segment(u)),
        None => base,
    })
}

/// The answer of a session fork: `{"session_id": new, "forked_from_session_id": old}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForkedSession {
    /// The new session; `None` when the answer does not name one.
    pub session_id: Option<String>,
    pub forked_from: Option<String>,
}

impl crate::FromJson for ForkedSession {
    fn from_json(v: &Value) -> Self {
        ForkedSession {
            session_id: crate::json::text(v, "session_id").filter(|s| s.chars().count() <= 512),
            forked_from: crate::json::text(v, "forked_from_session_id"),
        }
    }
}

/// Whether a paused tool waits for its result from outside agno
/// (`@tool(external_execution=True)`: `external_execution_required`).
pub fn needs_result(tool: &Value) -> bool {
    tool.get("external_execution_required").and_then(Value::as_bool) == Some(true)
}

/// Paused tools with the results the person gave (`(tool_call_id, result)`)
/// in their `result` field, the shape agno 3.1.10's `/continue` reads for
/// external-execution tools. Others are left as they are.
pub fn fill_results(paused: &[Value], results: &[(String, String)]) -> Vec<Value> {
    paused
        .iter()
        .map(|t| {
            let mut t = t.clone();
            let id = t.get("tool_call_id").and_then(Value::as_str).unwrap_or_default().to_string();
            if let (Some((_, text)), Some(obj)) = (results.iter().find(|(i, _)| *i == id), t.as_object_mut()) {
                obj.insert("result".into(), Value::String(text.clone()));
            }
            t
        })
        .collect()
}

/// The fields of `POST …/runs/{run_id}/resume`: re-attach to a run's stream
/// after the last event seen (the server replays what came after it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResumeRequest {
    /// The `event_index` of the last event received, if any.
    pub last_event_index: Option<u64>,
    pub session_id: Option<String>,
}

impl ResumeRequest {
    /// Form fields: `last_event_index` and `session_id`, each when known.
    pub fn form_fields(&self) -> Vec<(&'static str, String)> {
        let mut f = Vec::new();
        if let Some(i) = self.last_event_index {
            f.push(("last_event_index", i.to_string()));
        }
        push_session_and_user(&mut f, self.session_id.as_deref(), None);
        f
    }
}

/// `session_id` when non-empty, `user_id` (trimmed) when not blank.
fn push_session_and_user(f: &mut Vec<(&'static str, String)>, session_id: Option<&str>, user_id: Option<&str>) {
    if let Some(s) = session_id.filter(|s| !s.is_empty()) {
        f.push(("session_id", s.to_string()));
    }
    if let Some(u) = user_id.filter(|s| !s.trim().is_empty()) {
        f.push(("user_id", u.trim().to_string()));
    }
}

/// What to show for a run whose stream broke, from what the server stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Recovery {
    /// Not stored yet, or still running there: look again a little later.
    Wait,
    /// The run as the server stored it (with its member runs), to show
    /// instead of the partial one.
    Stored(Box<RunView>),
    /// The server kept less text than is on screen: keep what is shown.
    KeepShown,
}

/// Finds the run `shown` in a session's stored runs (`GET
/// /sessions/{id}/runs`, any JSON) and says what to show.
pub fn recover(session_runs: &Value, shown: &RunView) -> Recovery {
    let Some(run_id) = shown.run_id.as_deref() else { return Recovery::KeepShown };
    let runs = session_runs.as_array().map(Vec::as_slice).unwrap_or(&[]);
    let Some(stored) = runs_to_views(runs).into_iter().find(|v| v.run_id.as_deref() == Some(run_id)) else {
        return Recovery::Wait;
    };
    if stored.is_running() {
        return Recovery::Wait;
    }
    if stored.content.chars().count() < shown.content.chars().count() {
        return Recovery::KeepShown;
    }
    Recovery::Stored(Box::new(stored))
}

/// The form field that carries confirmed/rejected tools back on `/continue`
/// (agno 3.1.10's routers: `tools`, `requirements`, `step_requirements`).
pub fn continue_field(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Agent => "tools",
        ComponentKind::Team => "requirements",
        ComponentKind::Workflow => "step_requirements",
    }
}

/// Marks paused tools as confirmed or rejected, ready for `/continue`
/// (`tools` is a JSON string holding the array of tool executions).
pub fn confirm_tools(paused: &[Value], decisions: &[(String, bool)], note: Option<&str>) -> String {
    let tools: Vec<Value> = paused
        .iter()
        .map(|t| {
            let mut t = t.clone();
            let id = t.get("tool_call_id").and_then(Value::as_str).unwrap_or_default().to_string();
            let ok = decisions.iter().find(|(i, _)| *i == id).map(|(_, ok)| *ok).unwrap_or(false);
            if let Some(obj) = t.as_object_mut() {
                obj.insert("confirmed".into(), Value::Bool(ok));
                if !ok {
                    if let Some(n) = note {
                        obj.insert("confirmation_note".into(), Value::String(n.to_string()));
                    }
                }
            }
            t
        })
        .collect();
    Value::Array(tools).to_string()
}

/// Paused tools with the person's answers filled into their
/// `user_input_schema` (`(tool_call_id, field, text)`), typed by each field's
/// `field_type` (`int`, `float`, `bool`; anything else stays text). Send them
/// through [`confirm_tools`].
pub fn answer_tools(paused: &[Value], answers: &[(String, String, String)]) -> Vec<Value> {
    paused
        .iter()
        .map(|t| {
            let mut t = t.clone();
            let id = t.get("tool_call_id").and_then(Value::as_str).unwrap_or_default().to_string();
            if let Some(fields) = t.get_mut("user_input_schema").and_then(Value::as_array_mut) {
                for f in fields.iter_mut() {
                    let name = f.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
                    let Some((_, _, text)) = answers.iter().find(|(i, n, _)| *i == id && *n == name) else { continue };
                    let kind = f.get("field_type").and_then(Value::as_str).unwrap_or_default().to_string();
                    // A schema entry that is not an object cannot hold a value.
                    if let Some(obj) = f.as_object_mut() {
                        obj.insert("value".into(), typed_answer(&kind, text.trim()));
                    }
                }
            }
            t
        })
        .collect()
}

fn typed_answer(kind: &str, text: &str) -> Value {
    let parsed = match kind {
        "int" => text.parse::<i64>().ok().map(Value::from),
        "float" => text.parse::<f64>().ok().map(Value::from),
        "bool" => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(Value::Bool(true)),
            "false" | "no" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_string()))
}

/// A paused team's `requirements` with a decision on each, ready for
/// `/continue`: the requirement's `confirmation` and its tool execution's
/// `confirmed` (agno dispatches on the latter). Requirements are matched to
/// decisions by their tool call id.
pub fn confirm_requirements(requirements: &[Value], decisions: &[(String, bool)], note: Option<&str>) -> String {
    let list: Vec<Value> = requirements
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let id = r.pointer("/tool_execution/tool_call_id").and_then(Value::as_str).unwrap_or_default().to_string();
            let Some(&(_, ok)) = decisions.iter().find(|(i, _)| *i == id) else { return r };
            let note = (!ok).then_some(note).flatten().map(|n| Value::String(n.to_string()));
            if let Some(obj) = r.as_object_mut() {
                obj.insert("confirmation".into(), Value::Bool(ok));
                if let Some(n) = &note {
                    obj.insert("confirmation_note".into(), n.clone());
                }
                if let Some(t) = obj.get_mut("tool_execution").and_then(Value::as_object_mut) {
                    t.insert("confirmed".into(), Value::Bool(ok));
                    if let Some(n) = note {
                        t.insert("confirmation_note".into(), n);
                    }
                }
            }
            r
        })
        .collect();
    Value::Array(list).to_string()
}

/// The field name under which a route choice travels in `answers`
/// (`(step key, ROUTE_CHOICE, route name)`, one entry per chosen route).
pub const ROUTE_CHOICE: &str = "selected_choices";

/// A paused workflow's `step_requirements` with the person's answers to
/// the pauses other than a plain confirmation (see
/// [`crate::reducer::step_pause`] for the keys): the routes chosen
/// (`selected_choices`), the values a step asked for (`user_input`, typed
/// by `field_type`, and each schema entry's `value`), the review of a
/// step's output (`confirmed`, with `rejection_feedback` on a rejection).
pub fn answer_steps(requirements: &[Value], decisions: &[(String, bool)], answers: &[(String, String, String)]) -> Vec<Value> {
    use crate::reducer::{step_pause, StepPause};
    requirements
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let Some((key, pause)) = step_pause(&r) else { return r };
            let typed = |field: &str, text: &str| {
                let kind = r
                    .get("user_input_schema")
                    .and_then(Value::as_array)
                    .and_then(|s| s.iter().find(|f| f.get("name").and_then(Value::as_str) == Some(field)))
                    .and_then(|f| f.get("field_type").and_then(Value::as_str))
                    .unwrap_or_default()
                    .to_string();
                typed_answer(&kind, text.trim())
            };
            let mine: Vec<&(String, String, String)> = answers.iter().filter(|(k, _, _)| *k == key).collect();
            let values: Vec<(String, Value)> = mine
                .iter()
                .filter(|(_, f, _)| f != ROUTE_CHOICE)
                .map(|(_, f, t)| (f.clone(), typed(f, t)))
                .collect();
            let Some(obj) = r.as_object_mut() else { return r };
            match pause {
                StepPause::RouteSelection => {
                    let chosen: Vec<Value> =
                        mine.iter().filter(|(_, f, _)| f == ROUTE_CHOICE).map(|(_, _, t)| Value::String(t.clone())).collect();
                    if !chosen.is_empty() {
                        obj.insert("selected_choices".into(), Value::Array(chosen));
                    }
                }
                StepPause::UserInput => {
                    if !values.is_empty() {
                        // Inserted one by one: collecting into the map would
                        // bring in a sort (bundle size).
                        let mut map = serde_json::Map::new();
                        for (k, v) in &values {
                            map.insert(k.clone(), v.clone());
                        }
                        obj.insert("user_input".into(), Value::Object(map));
                        if let Some(schema) = obj.get_mut("user_input_schema").and_then(Value::as_array_mut) {
                            for f in schema.iter_mut() {
                                let name = f.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
                                let value = values.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
                                if let (Some(v), Some(fo)) = (value, f.as_object_mut()) {
                                    fo.insert("value".into(), v);
                                }
                            }
                        }
                    }
                }
                StepPause::OutputReview => {
                    if let Some(&(_, ok)) = decisions.iter().find(|(k, _)| *k == key) {
                        obj.insert("confirmed".into(), Value::Bool(ok));
                        if !ok {
                            obj.insert("rejection_feedback".into(), Value::String(REJECTION_NOTE.into()));
                        }
                    }
                }
                StepPause::Confirmation => {}
            }
            r
        })
        .collect()
}

/// A paused workflow's `step_requirements` with the decision on each step
/// (matched by `step_id`), ready for `/continue`.
pub fn confirm_steps(requirements: &[Value], decisions: &[(String, bool)]) -> String {
    let list: Vec<Value> = requirements
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let id = r.get("step_id").and_then(Value::as_str).unwrap_or_default().to_string();
            let decided = decisions.iter().find(|(i, _)| *i == id).map(|&(_, ok)| ok);
            // A requirement that is not an object has nowhere to hold it.
            if let (Some(ok), Some(obj)) = (decided, r.as_object_mut()) {
                obj.insert("confirmed".into(), Value::Bool(ok));
            }
            r
        })
        .collect();
    Value::Array(list).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_encode_ids() {
        assert_eq!(runs_path(ComponentKind::Agent, "a b/c"), "/agents/a%20b%2Fc/runs");
        assert_eq!(
            cancel_path(ComponentKind::Team, "t", "r1", Some("s 1")),
            "/teams/t/runs/r1/cancel?session_id=s%201"
        );
        assert_eq!(resume_path(ComponentKind::Workflow, "w", "r"), "/workflows/w/runs/r/resume");
    }

    #[test]
    fn decisions_on_non_objects_are_ignored() {
        // Requirements and schema entries that are not objects used to
        // panic on `r["confirmed"] = …`.
        let reqs = vec![serde_json::json!("step"), serde_json::json!([1]), serde_json::json!({"step_id": "s"})];
        let out: Vec<Value> = serde_json::from_str(&confirm_steps(&reqs, &[("".into(), true), ("s".into(), false)])).unwrap();
        assert_eq!(out[0], "step");
        assert_eq!(out[2]["confirmed"], false);
        let paused = vec![serde_json::json!({"tool_call_id": "", "user_input_schema": ["x", {"name": "", "field_type": "int"}]})];
        let out = answer_tools(&paused, &[("".into(), "".into(), "7".into())]);
        assert_eq!(out[0]["user_input_schema"][0], "x");
        assert_eq!(out[0]["user_input_schema"][1]["value"], 7);
    }

    #[test]
    fn extras_are_validated() {
        let ok = RunExtras { metadata: r#" {"a": 1} "#.into(), ..Default::default() };
        assert_eq!(ok.form_fields().unwrap(), vec![("metadata", r#"{"a":1}"#.to_string())]);
        let bad = RunExtras {
            metadata: "{a:1}".into(),
            session_state: "[1,2]".into(),
            ..Default::default()
        };
        let errs = bad.form_fields().unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs.iter().any(|e| e.field == "metadata" && e.message.contains("not valid JSON")));
        assert!(errs.iter().any(|e| e.field == "session_state" && e.message.contains("JSON object")));
    }

    #[test]
    fn confirm_marks_each_tool() {
        let paused = vec![
            serde_json::json!({"tool_call_id": "c1", "tool_name": "x", "requires_confirmation": true}),
            serde_json::json!({"tool_call_id": "c2", "tool_name": "y", "requires_confirmation": true}),
        ];
        let out: Vec<Value> = serde_json::from_str(&confirm_tools(
            &paused,
            &[("c1".into(), true), ("c2".into(), false)],
            Some("no"),
        ))
        .unwrap();
        assert_eq!(out[0]["confirmed"], true);
        assert_eq!(out[1]["confirmed"], false);
        assert_eq!(out[1]["confirmation_note"], "no");
        assert_eq!(out[0]["tool_name"], "x");
    }

    #[test]
    fn run_request_fields() {
        let r = RunRequest {
            message: "hi".into(),
            session_id: Some("s".into()),
            user_id: Some("  ".into()),
        };
        let f = r.form_fields();
        assert_eq!(f[..2], [("message", "hi".to_string()), ("stream", "true".to_string())]);
        // A plain run: background=true would delay the first token.
        assert!(!f.iter().any(|(k, _)| *k == "background"));
        assert!(f.contains(&("session_id", "s".into())));
        assert!(!f.iter().any(|(k, _)| *k == "user_id"));
    }

    #[test]
    fn continue_request_fields() {
        // agno 3.1.10's routers: `tools` (agents), `requirements` (teams),
        // `step_requirements` (workflows); session_id, user_id, stream.
        let expect = [
            (ComponentKind::Agent, "tools"),
            (ComponentKind::Team, "requirements"),
            (ComponentKind::Workflow, "step_requirements"),
        ];
        for (kind, field) in expect {
            let r = ContinueRequest {
                kind,
                decisions: "[]".into(),
                session_id: Some("s".into()),
                user_id: Some(" ada ".into()),
            };
            assert_eq!(
                r.form_fields(),
                vec![
                    (field, "[]".to_string()),
                    ("stream", "true".to_string()),
                    ("session_id", "s".to_string()),
                    ("user_id", "ada".to_string()),
                ]
            );
        }
        // No session yet, a blank user: neither is sent.
        let r = ContinueRequest { kind: ComponentKind::Agent, decisions: "[]".into(), session_id: Some(String::new()), user_id: Some("  ".into()) };
        assert_eq!(r.form_fields().len(), 2);
        let r = ContinueRequest { session_id: None, user_id: None, ..r };
        assert!(!r.form_fields().iter().any(|(k, _)| *k == "session_id" || *k == "user_id" || *k == "background"));
    }

    #[test]
    fn continue_decisions_take_each_kinds_shape() {
        let tools = vec![serde_json::json!({"tool_call_id": "c1", "user_input_schema": [{"name": "n", "field_type": "int"}]})];
        let reqs = vec![serde_json::json!({"step_id": "c1", "tool_execution": {"tool_call_id": "c1"}})];
        let yes = [("c1".to_string(), true)];
        let no = [("c1".to_string(), false)];
        let answers = [("c1".to_string(), "n".to_string(), "7".to_string())];
        let parse = |s: String| serde_json::from_str::<Vec<Value>>(&s).unwrap();
        // An agent: its tools, confirmed, with the answers typed.
        let out = parse(ContinueRequest::decisions(ComponentKind::Agent, &tools, &reqs, &yes, &answers, &[]));
        assert_eq!(out[0]["confirmed"], true);
        assert_eq!(out[0]["user_input_schema"][0]["value"], 7);
        // A team: its requirements, and the tool inside them.
        let out = parse(ContinueRequest::decisions(ComponentKind::Team, &tools, &reqs, &no, &[], &[]));
        assert_eq!(out[0]["confirmation"], false);
        assert_eq!(out[0]["tool_execution"]["confirmed"], false);
        assert_eq!(out[0]["confirmation_note"], REJECTION_NOTE);
        // A team whose run carries no requirements answers with its tools.
        let out = parse(ContinueRequest::decisions(ComponentKind::Team, &tools, &[], &no, &[], &[]));
        assert_eq!(out[0]["tool_call_id"], "c1");
        assert_eq!(out[0]["confirmation_note"], REJECTION_NOTE);
        // A workflow: its step requirements, by step id.
        let out = parse(ContinueRequest::decisions(ComponentKind::Workflow, &tools, &reqs, &yes, &[], &[]));
        assert_eq!(out[0]["confirmed"], true);
        assert!(out[0].get("confirmation").is_none());
    }

    #[test]
    fn resume_request_fields() {
        let r = ResumeRequest { last_event_index: Some(41), session_id: Some("s 1".into()) };
        assert_eq!(r.form_fields(), vec![("last_event_index", "41".to_string()), ("session_id", "s 1".to_string())]);
        // Nothing seen yet, no session: an empty form (the server replays all).
        assert!(ResumeRequest::default().form_fields().is_empty());
        let r = ResumeRequest { last_event_index: Some(0), session_id: None };
        assert_eq!(r.form_fields(), vec![("last_event_index", "0".to_string())]);
    }

    fn shown(run_id: &str, content: &str) -> RunView {
        let mut v = RunView::new();
        v.run_id = Some(run_id.into());
        v.content = content.into();
        v
    }

    #[test]
    fn recovery_shows_what_the_server_stored() {
        let runs = serde_json::json!([
            {"run_id": "r0", "agent_id": "a", "status": "COMPLETED", "content": "earlier"},
            {"run_id": "r1", "agent_id": "a", "status": "CANCELLED", "content": "Echo: Please give me "},
        ]);
        match recover(&runs, &shown("r1", "Echo: Please")) {
            Recovery::Stored(v) => {
                assert_eq!(v.run_id.as_deref(), Some("r1"));
                assert_eq!(v.content, "Echo: Please give me ");
                assert_eq!(v.status, crate::reducer::RunStatus::Cancelled);
            }
            other => panic!("{other:?}"),
        }
        // Finished on the server after all: the whole answer.
        let done = serde_json::json!([{"run_id": "r1", "agent_id": "a", "status": "COMPLETED", "content": "all of it"}]);
        assert!(matches!(recover(&done, &shown("r1", "all")), Recovery::Stored(v) if v.content == "all of it"));
    }

    #[test]
    fn recovery_waits_and_never_loses_text() {
        let running = serde_json::json!([{"run_id": "r1", "agent_id": "a", "status": "RUNNING", "content": "x"}]);
        assert_eq!(recover(&running, &shown("r1", "")), Recovery::Wait);
        let pending = serde_json::json!([{"run_id": "r1", "agent_id": "a", "status": "PENDING"}]);
        assert_eq!(recover(&pending, &shown("r1", "")), Recovery::Wait);
        let other = serde_json::json!([{"run_id": "r0", "agent_id": "a", "status": "COMPLETED", "content": "x"}]);
        assert_eq!(recover(&other, &shown("r1", "")), Recovery::Wait);
        // Hostile shapes: not an array, items that are not objects.
        assert_eq!(recover(&serde_json::json!({"detail": "x"}), &shown("r1", "")), Recovery::Wait);
        assert_eq!(recover(&serde_json::json!([1, "a", null]), &shown("r1", "")), Recovery::Wait);
        // Less text stored than shown (counted in characters, not bytes).
        let short = serde_json::json!([{"run_id": "r1", "agent_id": "a", "status": "CANCELLED", "content": "ééé"}]);
        assert_eq!(recover(&short, &shown("r1", "éééé")), Recovery::KeepShown);
        assert!(matches!(recover(&short, &shown("r1", "abc")), Recovery::Stored(_)));
        // Nothing to look for without a run id.
        assert_eq!(recover(&short, &RunView::default()), Recovery::KeepShown);
    }

    #[test]
    fn recovery_keeps_a_team_runs_members() {
        let runs = serde_json::json!([
            {"run_id": "m1", "parent_run_id": "t1", "agent_id": "a", "status": "CANCELLED", "content": "member"},
            {"run_id": "t1", "team_id": "t", "status": "CANCELLED", "content": "team"},
        ]);
        match recover(&runs, &shown("t1", "te")) {
            Recovery::Stored(v) => assert_eq!(v.members.len(), 1),
            other => panic!("{other:?}"),
        }
    }
}
