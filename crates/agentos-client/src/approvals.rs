//! Approvals: the records agno writes when a run pauses on a tool marked
//! `@approval` (`GET /approvals`, paginated `{data, meta}`), their pending
//! count (`GET /approvals/count`), one record, and resolving it
//! (`POST /approvals/{id}/resolve`).
//!
//! Declared with [`wire!`](crate::wire) and read leniently: unknown fields
//! are ignored, missing or mistyped ones read as absent. Epoch-second
//! timestamps are normalized to `YYYY-MM-DDTHH:MM:SSZ`.

use crate::config::ComponentKind;
use crate::json::{first_text, is_true, list, number, object, or_unknown, rows, string, strings, text, FromJson};
use crate::path::encode as encode_segment;
use crate::time::timestamp_at;
use crate::wire::wire;
pub use crate::wire::{Page, PageMeta};
use serde_json::{json, Map, Value};

/// The statuses `GET /approvals?status=` accepts (agno 3.1.10).
pub const STATUSES: [&str; 5] = ["pending", "approved", "rejected", "expired", "cancelled"];
/// The approval types (`required` blocks a run, `audit` only records).
pub const APPROVAL_TYPES: [&str; 2] = ["required", "audit"];
/// What a paused tool waits for.
pub const PAUSE_TYPES: [&str; 3] = ["confirmation", "user_input", "external_execution"];

/// How much of a tool's arguments is shown (characters).
pub const ARGS_SHOWN_MAX: usize = 4_000;

wire! {
    /// One field a paused tool asks the person for (`user_input_schema`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct InputField {
        pub name: String = text("name") required,
        pub field_type: Option<String> = text("field_type"),
        pub description: Option<String> = text("description"),
        /// Already filled in by the model (`None`: the person must answer).
        pub value: Option<String> = text("value"),
    }
}

wire! {
    /// One tool call of the pause (a requirement's `tool_execution`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct AskedTool {
        pub tool_name: String = text("tool_name") required,
        /// The arguments (an object, else `Null`).
        pub tool_args: Value = object("tool_args"),
        pub requires_confirmation: bool = is_true("requires_confirmation"),
        pub requires_user_input: bool = is_true("requires_user_input"),
        pub external_execution: bool = is_true("external_execution_required"),
        pub user_input: Vec<InputField> = rows("user_input_schema") optional,
    }
}

wire! {
    /// One approval record (`ApprovalResponse`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Approval {
        pub id: String = text("id") required,
        pub run_id: String = string("run_id"),
        pub session_id: String = string("session_id"),
        /// `pending`, `approved`, `rejected`, `expired`, `cancelled` (as sent).
        pub status: String = or_unknown("status"),
        /// `agent`, `team` or `workflow`.
        pub source_type: Option<String> = text("source_type"),
        pub approval_type: Option<String> = text("approval_type"),
        pub pause_type: Option<String> = text("pause_type"),
        pub tool_name: Option<String> = text("tool_name"),
        /// The first tool's arguments (an object, else `Null`).
        pub tool_args: Value = object("tool_args"),
        pub agent_id: Option<String> = text("agent_id"),
        pub team_id: Option<String> = text("team_id"),
        pub workflow_id: Option<String> = text("workflow_id"),
        pub user_id: Option<String> = text("user_id"),
        pub schedule_id: Option<String> = text("schedule_id"),
        pub schedule_run_id: Option<String> = text("schedule_run_id"),
        /// The component's name, as the server stored it.
        pub source_name: Option<String> = first_text("source_name", "context.source_name") optional,
        /// Every tool call of this pause.
        pub tools: Vec<AskedTool> = requirements("requirements"),
        /// `context.tool_names`.
        pub tool_names: Vec<String> = strings("context.tool_names"),
        pub resolution_data: Value = object("resolution_data"),
        pub resolved_by: Option<String> = text("resolved_by"),
        /// Normalized (see [`crate::time::timestamp`]).
        pub resolved_at: Option<String> = timestamp_at("resolved_at"),
        pub created_at: Option<String> = timestamp_at("created_at"),
        pub expires_at: Option<String> = timestamp_at("expires_at"),
        /// The run's status now (`PAUSED`, `COMPLETED`, …), as sent.
        pub run_status: Option<String> = text("run_status") optional,
    }
}

/// The tool calls of `requirements` (each its `tool_execution`, or the item
/// itself); calls without a tool name are dropped.
fn requirements(v: &Value, key: &str) -> Vec<AskedTool> {
    list(v, key)
        .iter()
        .filter_map(|r| AskedTool::from_json_row(r.get("tool_execution").unwrap_or(r)))
        .collect()
}

impl Approval {
    pub fn is_pending(&self) -> bool {
        self.status == "pending"
    }

    /// The component the paused run belongs to (team before workflow before agent).
    pub fn component(&self) -> Option<(ComponentKind, &str)> {
        let kind = self.source_type.as_deref().and_then(ComponentKind::from_collection);
        let by_kind = match kind {
            Some(ComponentKind::Team) => self.team_id.as_deref().map(|t| (ComponentKind::Team, t)),
            Some(ComponentKind::Workflow) => self.workflow_id.as_deref().map(|w| (ComponentKind::Workflow, w)),
            _ => self.agent_id.as_deref().map(|a| (ComponentKind::Agent, a)),
        };
        by_kind
            .or_else(|| self.team_id.as_deref().map(|t| (ComponentKind::Team, t)))
            .or_else(|| self.workflow_id.as_deref().map(|w| (ComponentKind::Workflow, w)))
            .or_else(|| self.agent_id.as_deref().map(|a| (ComponentKind::Agent, a)))
    }

    /// What the approval asks, in words: "Run archive_calculation_history?".
    pub fn question(&self) -> String {
        let tool = self
            .tool_name
            .clone()
            .or_else(|| self.tools.first().map(|t| t.tool_name.clone()))
            .or_else(|| self.tool_names.first().cloned())
            .unwrap_or_else(|| "a tool".into());
        match self.pause_type.as_deref() {
            Some("user_input") => format!("{tool} needs input"),
            Some("external_execution") => format!("{tool} needs its result from outside"),
            _ => format!("Run {tool}?"),
        }
    }

    /// The fields the person must fill in (user-input pauses), those the
    /// model left empty first.
    pub fn input_fields(&self) -> Vec<InputField> {
        let mut out: Vec<InputField> = Vec::new();
        for t in self.tools.iter().filter(|t| t.requires_user_input) {
            for f in &t.user_input {
                if !out.iter().any(|o| o.name == f.name) {
                    out.push(f.clone());
                }
            }
        }
        out.sort_by_key(|f| f.value.is_some());
        out
    }

    /// Whether resolving it needs the external tool's result.
    pub fn needs_result(&self) -> bool {
        self.pause_type.as_deref() == Some("external_execution") || self.tools.iter().any(|t| t.external_execution)
    }
}

pub use crate::text::json_text;

/// A page of `GET /approvals` (rows without an id are dropped).
pub fn parse_approvals(v: &Value) -> (Vec<Approval>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// `GET /approvals/count`: `{count}` (absent when the body has none).
pub fn parse_count(v: &Value) -> Option<u64> {
    number(v, "count")
}

/// The filters and page of the approvals list (empty text = no filter).
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalFilter {
    pub status: String,
    pub approval_type: String,
    pub pause_type: String,
    /// `agent`, `team`, `workflow` or empty; with `component_id`, the component.
    pub component_kind: String,
    pub component_id: String,
    pub user_id: String,
    pub schedule_id: String,
    pub run_id: String,
    pub page: u64,
    pub limit: u64,
}

impl Default for ApprovalFilter {
    fn default() -> Self {
        ApprovalFilter {
            status: "pending".into(),
            approval_type: String::new(),
            pause_type: String::new(),
            component_kind: String::new(),
            component_id: String::new(),
            user_id: String::new(),
            schedule_id: String::new(),
            run_id: String::new(),
            page: 1,
            limit: 20,
        }
    }
}

impl ApprovalFilter {
    /// Whether anything but the status narrows the list.
    pub fn is_narrowed(&self) -> bool {
        [&self.approval_type, &self.pause_type, &self.component_kind, &self.component_id, &self.user_id,
         &self.schedule_id, &self.run_id]
            .iter()
            .any(|s| !s.trim().is_empty())
    }
}

/// `/approvals?...` for a filter. A component id goes to `agent_id`,
/// `team_id` or `workflow_id` by its kind; a kind alone is `source_type`.
pub fn approvals_path(f: &ApprovalFilter) -> String {
    let mut q = vec![format!("limit={}", f.limit.clamp(1, 1000)), format!("page={}", f.page.max(1))];
    let id_key = match f.component_kind.as_str() {
        "team" => "team_id",
        "workflow" => "workflow_id",
        _ => "agent_id",
    };
    let source = if f.component_id.trim().is_empty() { f.component_kind.as_str() } else { "" };
    for (key, value) in [
        ("status", f.status.as_str()),
        ("approval_type", f.approval_type.as_str()),
        ("pause_type", f.pause_type.as_str()),
        ("source_type", source),
        (id_key, f.component_id.as_str()),
        ("user_id", f.user_id.as_str()),
        ("schedule_id", f.schedule_id.as_str()),
        ("run_id", f.run_id.as_str()),
    ] {
        let value = value.trim();
        if !value.is_empty() {
            q.push(format!("{key}={}", encode_segment(value)));
        }
    }
    format!("/approvals?{}", q.join("&"))
}

/// `/approvals/count` (for one user when given).
pub fn count_path(user_id: Option<&str>) -> String {
    match user_id.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => format!("/approvals/count?user_id={}", encode_segment(u)),
        None => "/approvals/count".into(),
    }
}

/// `/approvals/{id}`.
pub fn approval_path(id: &str) -> String {
    format!("/approvals/{}", encode_segment(id))
}

/// `/approvals/{id}/resolve`.
pub fn resolve_path(id: &str) -> String {
    format!("/approvals/{}/resolve", encode_segment(id))
}

/// Why the data typed for a resolution cannot be sent.
#[derive(Debug, Clone, PartialEq)]
pub enum DataError {
    /// The JSON does not parse (the parser's message).
    NotJson(String),
    /// It parses, but is not an object.
    NotObject,
    /// A user-input field is empty (its name).
    Missing(String),
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataError::NotJson(e) => write!(f, "The data is not valid JSON: {e}"),
            DataError::NotObject => write!(f, "The data must be a JSON object, like {{\"note\": \"…\"}}"),
            DataError::Missing(n) => write!(f, "Fill in “{n}” before approving"),
        }
    }
}

/// Extra data typed as JSON: empty is none; else it must be an object.
pub fn parse_data(input: &str) -> Result<Option<Map<String, Value>>, DataError> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    match serde_json::from_str::<Value>(input) {
        Ok(Value::Object(m)) => Ok(Some(m)),
        Ok(_) => Err(DataError::NotObject),
        Err(e) => Err(DataError::NotJson(e.to_string())),
    }
}

/// The `resolution_data` of an approval: the typed JSON object, plus
/// `values` (user-input answers, every field required when approving) and
/// `result` (an external tool's result) as agno reads them.
pub fn resolution_data(
    approve: bool,
    fields: &[(String, String)],
    result: &str,
    extra: &str,
) -> Result<Option<Value>, DataError> {
    let mut data = parse_data(extra)?.unwrap_or_default();
    if approve && !fields.is_empty() {
        let mut values = Map::new();
        for (name, value) in fields {
            if value.trim().is_empty() {
                return Err(DataError::Missing(name.clone()));
            }
            values.insert(name.clone(), Value::String(value.clone()));
        }
        data.insert("values".into(), Value::Object(values));
    }
    if approve && !result.trim().is_empty() {
        data.insert("result".into(), Value::String(result.to_string()));
    }
    Ok((!data.is_empty()).then_some(Value::Object(data)))
}

/// The body of `POST /approvals/{id}/resolve` (`resolved_by` only when given).
pub fn resolve_body(approve: bool, resolved_by: &str, data: Option<Value>) -> Value {
    let mut b = json!({ "status": if approve { "approved" } else { "rejected" } });
    if !resolved_by.trim().is_empty() {
        b["resolved_by"] = json!(resolved_by.trim());
    }
    if let Some(d) = data {
        b["resolution_data"] = d;
    }
    b
}
