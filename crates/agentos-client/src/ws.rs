//! The workflow WebSocket protocol (`/workflows/ws`), without the socket.
//!
//! The client sends JSON actions ([`ClientAction`]). The server sends text
//! frames in three formats, all handled by [`decode_ws_text`]:
//! - control frames as plain JSON: `{"event": "connected", ...}`;
//! - live run events in SSE format: `event: RunContent\ndata: {...}\n\n`;
//! - events replayed after `reconnect` as plain JSON with `"event"` and
//!   `"event_index"`.

use crate::events::{parse_event, ParseError, RunEvent};
use crate::sse::{SseDecoder, TooLarge};
use serde_json::{Map, Value};

/// What the client can ask over the socket.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientAction {
    /// `{"action": "authenticate", "token": ...}` (when the server asks).
    Authenticate { token: String },
    /// `{"action": "ping"}`; answered with `pong`.
    Ping,
    /// Runs a workflow; events stream back on this socket.
    StartWorkflow { workflow_id: String, message: String, session_id: Option<String>, user_id: Option<String> },
    /// Re-attaches to a run: events after `last_event_index` (0-based) are
    /// sent (a finished run may replay them all; the reducer dedups).
    Reconnect {
        run_id: String,
        workflow_id: Option<String>,
        session_id: Option<String>,
        last_event_index: Option<u64>,
    },
    /// Continues a paused workflow with its step requirements resolved.
    ContinueWorkflow {
        workflow_id: String,
        run_id: String,
        session_id: Option<String>,
        user_id: Option<String>,
        /// The paused run's `step_requirements`, with the decisions filled in.
        step_requirements: Value,
    },
}

impl ClientAction {
    /// The JSON object to send.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        let text = |s: &str| Value::String(s.to_string());
        let opt = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(text);
        match self {
            ClientAction::Authenticate { token } => {
                put("action", text("authenticate"));
                put("token", text(token));
            }
            ClientAction::Ping => put("action", text("ping")),
            ClientAction::StartWorkflow { workflow_id, message, session_id, user_id } => {
                put("action", text("start-workflow"));
                put("workflow_id", text(workflow_id));
                put("message", text(message));
                if let Some(s) = opt(session_id) {
                    put("session_id", s);
                }
                if let Some(u) = opt(user_id) {
                    put("user_id", u);
                }
            }
            ClientAction::Reconnect { run_id, workflow_id, session_id, last_event_index } => {
                put("action", text("reconnect"));
                put("run_id", text(run_id));
                if let Some(w) = opt(workflow_id) {
                    put("workflow_id", w);
                }
                if let Some(s) = opt(session_id) {
                    put("session_id", s);
                }
                if let Some(i) = last_event_index {
                    put("last_event_index", Value::from(*i));
                }
            }
            ClientAction::ContinueWorkflow { workflow_id, run_id, session_id, user_id, step_requirements } => {
                put("action", text("continue-workflow"));
                put("workflow_id", text(workflow_id));
                put("run_id", text(run_id));
                if let Some(s) = opt(session_id) {
                    put("session_id", s);
                }
                if let Some(u) = opt(user_id) {
                    put("user_id", u);
                }
                put("step_requirements", step_requirements.clone());
            }
        }
        Value::Object(m)
    }

    /// The text frame to send.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }
}

/// Decodes every event in one server text frame (normally exactly one).
/// A message over [`crate::sse::MAX_EVENT_BYTES`] is one error ("event too large");
/// check [`TooLarge::check`] first to end the stream on it.
pub fn decode_ws_frames(text: &str) -> Vec<Result<RunEvent, ParseError>> {
    if let Err(e) = TooLarge::check(text.len()) {
        return vec![Err(ParseError { event: None, message: e.to_string() })];
    }
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') {
        return vec![parse_event(None, body)];
    }
    let mut d = SseDecoder::new();
    let mut frames = d.push(body.as_bytes());
    // A socket message is complete in itself: a last frame without its blank
    // line still counts.
    frames.extend(d.finish().filter(|f| !f.data.is_empty() || f.event.is_some()));
    frames.into_iter().map(|f| parse_event(f.event.as_deref(), &f.data)).collect()
}

/// Decodes one server text frame: plain JSON (control or replayed event) or
/// an SSE-formatted event.
pub fn decode_ws_text(text: &str) -> Result<RunEvent, ParseError> {
    decode_ws_frames(text).into_iter().next().unwrap_or_else(|| {
        let snippet: String = text.chars().take(60).collect();
        Err(ParseError { event: None, message: format!("no event in the WebSocket message `{snippet}`") })
    })
}
