//! Session history: `GET /sessions` (paginated `{data, meta}`: a
//! [`Page`]`<`[`SessionSummary`]`>`), one session, rename and delete.
//! Declared with [`wire!`](crate::wire) and read leniently from JSON (no serde
//! derive: smaller wasm), so unknown fields are ignored and missing ones read
//! as absent.

use crate::config::ComponentKind;
use crate::approvals::{parse_data, DataError};
use crate::json::{any, number, strings, text, FromJson};
use crate::wire::wire;
pub use crate::wire::{Page, PageMeta};
use crate::path::encode as encode_segment;
use serde_json::{json, Value};

wire! {
    /// One row of `GET /sessions`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SessionSummary {
        pub session_id: String = text("session_id") required,
        pub name: Option<String> = text("session_name"),
        pub kind: Option<ComponentKind> = kind_of("session_type"),
        /// The agent, team or workflow the session belongs to.
        pub component_id: Option<String> = component_of("session_type", "agent_id", "team_id", "workflow_id"),
        pub user_id: Option<String> = text("user_id"),
        /// ISO timestamps as sent.
        pub created_at: Option<String> = text("created_at"),
        pub updated_at: Option<String> = text("updated_at"),
        pub total_tokens: Option<u64> = total_tokens("total_tokens", "metrics.total_tokens"),
    }
}

/// `session_type` as a kind.
fn kind_of(v: &Value, key: &str) -> Option<ComponentKind> {
    text(v, key).and_then(|t| ComponentKind::from_collection(&t))
}

/// The id of the session's own kind, else the first id there is.
fn component_of(v: &Value, kind: &str, agent: &str, team: &str, workflow: &str) -> Option<String> {
    match kind_of(v, kind) {
        Some(ComponentKind::Team) => text(v, team),
        Some(ComponentKind::Workflow) => text(v, workflow),
        _ => text(v, agent),
    }
    .or_else(|| text(v, agent))
    .or_else(|| text(v, team))
    .or_else(|| text(v, workflow))
}

fn total_tokens(v: &Value, key: &str, in_metrics: &str) -> Option<u64> {
    number(v, key).or_else(|| number(v, in_metrics))
}

impl SessionSummary {
    /// The name people see: the session name (AgentOS defaults it to the
    /// first message), else the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.session_id)
    }
}

/// A page of `GET /sessions` (`Page::<SessionSummary>::from_json(v)`, in parts).
pub fn parse_sessions(v: &Value) -> (Vec<SessionSummary>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// The most rows one list request asks for.
pub const MAX_LIST_LIMIT: u64 = 500;

/// What to sort sessions by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Updated,
    Created,
}

/// The filters, sort and page of the session list.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionQuery {
    pub kind: Option<ComponentKind>,
    pub component_id: Option<String>,
    pub user_id: String,
    pub name: String,
    pub sort: SortBy,
    pub descending: bool,
    pub page: u64,
    pub limit: u64,
}

impl Default for SessionQuery {
    fn default() -> Self {
        SessionQuery {
            kind: None,
            component_id: None,
            user_id: String::new(),
            name: String::new(),
            sort: SortBy::Updated,
            descending: true,
            page: 1,
            limit: 20,
        }
    }
}

impl SessionQuery {
    /// One component's sessions of one user (any user when blank), the
    /// most recently updated first: the chat's list of earlier chats. Its
    /// first `limit` rows ("More" asks for a larger first page, so a refresh
    /// keeps every row shown).
    pub fn earlier_chats(kind: ComponentKind, component_id: &str, user_id: &str, limit: u64) -> Self {
        SessionQuery {
            kind: Some(kind),
            component_id: Some(component_id.to_string()),
            user_id: user_id.trim().to_string(),
            limit: limit.clamp(1, MAX_LIST_LIMIT),
            ..Default::default()
        }
    }

    /// `/sessions?...` for this query.
    pub fn path(&self) -> String {
        let mut q = vec![
            format!("limit={}", self.limit.max(1)),
            format!("page={}", self.page.max(1)),
            format!("sort_by={}", match self.sort {
                SortBy::Updated => "updated_at",
                SortBy::Created => "created_at",
            }),
            format!("sort_order={}", if self.descending { "desc" } else { "asc" }),
        ];
        if let Some(k) = self.kind {
            q.push(format!("type={}", k.as_str()));
        }
        if let Some(c) = self.component_id.as_ref().filter(|c| !c.is_empty()) {
            q.push(format!("component_id={}", encode_segment(c)));
        }
        if !self.user_id.trim().is_empty() {
            q.push(format!("user_id={}", encode_segment(self.user_id.trim())));
        }
        if !self.name.trim().is_empty() {
            q.push(format!("session_name={}", encode_segment(self.name.trim())));
        }
        format!("/sessions?{}", q.join("&"))
    }
}

/// `/sessions/{id}` (with `?type=` when known, which the server uses to pick the table).
pub fn session_path(id: &str, kind: Option<ComponentKind>) -> String {
    match kind {
        Some(k) => format!("/sessions/{}?type={}", encode_segment(id), k.as_str()),
        None => format!("/sessions/{}", encode_segment(id)),
    }
}

/// `/sessions/{id}/runs`.
pub fn session_runs_path(id: &str, kind: Option<ComponentKind>) -> String {
    match kind {
        Some(k) => format!("/sessions/{}/runs?type={}", encode_segment(id), k.as_str()),
        None => format!("/sessions/{}/runs", encode_segment(id)),
    }
}

/// `/sessions/{id}/rename` and its body.
pub fn rename_request(id: &str, name: &str) -> (String, Value) {
    (format!("/sessions/{}/rename", encode_segment(id)), json!({ "session_name": name.trim() }))
}

/// `POST /sessions?type=…` and its body: a new, empty session with an agent,
/// team or workflow. A blank name or user is left out (the server then names
/// the session after its first message and stores no user).
pub fn create_request(kind: ComponentKind, component_id: &str, name: &str, user_id: &str) -> (String, Value) {
    let mut body = serde_json::Map::new();
    body.insert(format!("{}_id", kind.as_str()), Value::from(component_id));
    for (key, value) in [("session_name", name.trim()), ("user_id", user_id.trim())] {
        if !value.is_empty() {
            body.insert(key.into(), Value::from(value));
        }
    }
    (format!("/sessions?type={}", kind.as_str()), Value::Object(body))
}

/// The body of `DELETE /sessions` for several sessions at once.
pub fn delete_many_body(sessions: &[(String, Option<ComponentKind>)]) -> Value {
    let ids: Vec<&str> = sessions.iter().map(|(id, _)| id.as_str()).collect();
    let types: Vec<&str> = sessions.iter().map(|(_, k)| k.unwrap_or(ComponentKind::Agent).as_str()).collect();
    json!({ "session_ids": ids, "session_types": types })
}

wire! {
    /// One session in detail (`GET /sessions/{id}`), the parts the dashboard shows.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SessionDetail {
        /// The summary's fields (see [`SessionSummary`]); detail bodies carry
        /// no `session_type`, so the kind comes from the id field they carry.
        pub summary: SessionSummary = detail_summary("team_id", "workflow_id", "agent_id"),
        /// The session's state (`session_state`, a JSON object or null).
        pub session_state: Value = any("session_state"),
        /// Metadata stored with the session (null when none).
        pub metadata: Value = any("metadata") optional,
        /// agno's summary of the session (`session_summary`, agent and
        /// team sessions only, when summaries are on or one was stored).
        pub summary_text: Option<String> = text("session_summary.summary") optional,
        pub summary_topics: Vec<String> = strings("session_summary.topics") optional,
    }
}

/// `PATCH /sessions/{id}?type=…&user_id=…` and its body, setting the
/// session's state to `typed` (JSON text; blank is `{}`). The user is the
/// session's own (AgentOS finds a session only under its owner, or with no
/// user given). Refused, with a message for the person, when the text is
/// not a JSON object: nothing is to be sent then.
pub fn state_update_request(
    id: &str,
    kind: Option<ComponentKind>,
    owner: Option<&str>,
    typed: &str,
) -> Result<(String, Value), String> {
    let state = match parse_data(typed) {
        Ok(m) => Value::Object(m.unwrap_or_default()),
        Err(DataError::NotJson(e)) => return Err(format!("Session state is not valid JSON: {e}")),
        Err(_) => return Err("Session state must be a JSON object, like {\"key\": \"value\"}".into()),
    };
    let mut q = Vec::new();
    if let Some(k) = kind {
        q.push(format!("type={}", k.as_str()));
    }
    if let Some(u) = owner.map(str::trim).filter(|u| !u.is_empty()) {
        q.push(format!("user_id={}", encode_segment(u)));
    }
    let base = format!("/sessions/{}", encode_segment(id));
    let path = if q.is_empty() { base } else { format!("{base}?{}", q.join("&")) };
    Ok((path, json!({ "session_state": state })))
}

fn detail_summary(v: &Value, team: &str, workflow: &str, agent: &str) -> SessionSummary {
    let mut summary = SessionSummary::from_json(v);
    if summary.kind.is_none() {
        let has = |key: &str| v.get(key).is_some_and(|x| !x.is_null());
        summary.kind = [(team, ComponentKind::Team), (workflow, ComponentKind::Workflow), (agent, ComponentKind::Agent)]
            .into_iter()
            .find(|(key, _)| has(key))
            .map(|(_, kind)| kind);
    }
    // A workflow session's detail has no `total_tokens`: the list's figure comes from its
    // `session_data.session_metrics` (agno's `SessionSchema`), which the detail carries.
    if summary.total_tokens.is_none() {
        summary.total_tokens = number(v, "session_data.session_metrics.total_tokens");
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_paths() {
        let q = SessionQuery {
            kind: Some(ComponentKind::Team),
            component_id: Some("t 1".into()),
            user_id: " u ".into(),
            name: "hello world".into(),
            page: 3,
            ..Default::default()
        };
        assert_eq!(
            q.path(),
            "/sessions?limit=20&page=3&sort_by=updated_at&sort_order=desc&type=team&component_id=t%201&user_id=u&session_name=hello%20world"
        );
        assert_eq!(SessionQuery::default().path(), "/sessions?limit=20&page=1&sort_by=updated_at&sort_order=desc");
    }

    #[test]
    fn bodies() {
        let (path, body) = rename_request("a/b", "  New name ");
        assert_eq!(path, "/sessions/a%2Fb/rename");
        assert_eq!(body["session_name"], "New name");
        let b = delete_many_body(&[("x".into(), Some(ComponentKind::Workflow)), ("y".into(), None)]);
        assert_eq!(b["session_ids"], json!(["x", "y"]));
        assert_eq!(b["session_types"], json!(["workflow", "agent"]));
    }

    #[test]
    fn earlier_chats_query() {
        let q = SessionQuery::earlier_chats(ComponentKind::Agent, "a/b", " u 1 ", 10);
        assert_eq!(
            q.path(),
            "/sessions?limit=10&page=1&sort_by=updated_at&sort_order=desc&type=agent&component_id=a%2Fb&user_id=u%201"
        );
        // Any user when blank; the limit stays within bounds.
        let q = SessionQuery::earlier_chats(ComponentKind::Team, "t", "  ", u64::MAX);
        assert_eq!(q.path(), "/sessions?limit=500&page=1&sort_by=updated_at&sort_order=desc&type=team&component_id=t");
        assert_eq!(SessionQuery::earlier_chats(ComponentKind::Team, "t", "", 0).limit, 1);
    }

    #[test]
    fn state_update_requests() {
        let (path, body) = state_update_request("s/1", Some(ComponentKind::Agent), Some(" u 1 "), r#" {"cart": ["milk"]} "#).unwrap();
        assert_eq!(path, "/sessions/s%2F1?type=agent&user_id=u%201");
        assert_eq!(body, json!({"session_state": {"cart": ["milk"]}}));
        // Blank text clears the state; no kind or owner, no query.
        let (path, body) = state_update_request("s", None, Some(" "), "  ").unwrap();
        assert_eq!(path, "/sessions/s");
        assert_eq!(body, json!({"session_state": {}}));
        // Refused, with why: not JSON, or not an object.
        let e = state_update_request("s", None, None, "{cart: 1}").unwrap_err();
        assert!(e.starts_with("Session state is not valid JSON"), "{e}");
        for typed in ["[1, 2]", "\"text\"", "3", "null"] {
            let e = state_update_request("s", None, None, typed).unwrap_err();
            assert!(e.contains("must be a JSON object"), "{typed}: {e}");
        }
    }

    #[test]
    fn detail_state_metadata_and_summary() {
        let d = SessionDetail::from_json(&json!({
            "session_id": "s", "agent_id": "a", "session_state": {"k": 1}, "metadata": {"pinned": true},
            "session_summary": {"summary": "They said hello.", "topics": ["greeting", 3]}
        }));
        assert_eq!(d.session_state, json!({"k": 1}));
        assert_eq!(d.metadata, json!({"pinned": true}));
        assert_eq!(d.summary_text.as_deref(), Some("They said hello."));
        assert_eq!(d.summary_topics, vec!["greeting".to_string()]);
        // A workflow session has no summary; null or odd values read as absent.
        let d = SessionDetail::from_json(&json!({"session_id": "s", "session_summary": null, "metadata": null}));
        assert!(d.metadata.is_null() && d.summary_text.is_none() && d.summary_topics.is_empty());
        let d = SessionDetail::from_json(&json!({"session_id": "s", "session_summary": "text", "session_state": [1]}));
        assert!(d.summary_text.is_none());
        assert_eq!(d.session_state, json!([1]));
    }
}
