//! Traces: `GET /traces` (paginated `{data, meta}`) and `GET /traces/{id}`
//! (a summary plus a tree of spans, children under `spans`).
//!
//! AgentOS sends durations as text ("13.01s", "152.0007848739624ms") and
//! times as ISO strings with microseconds; both are read here with integer
//! math into microseconds ([`crate::time`]), so the waterfall can place
//! spans exactly.
//! Declared with [`wire!`](crate::wire) and read leniently from JSON (no
//! serde derive: smaller wasm).

use crate::config::ComponentKind;
use crate::json::{first_text, number_or_zero, string, text, FromJson};
use crate::path::encode as encode_segment;
use crate::wire::wire;
pub use crate::wire::{Page, PageMeta};
use crate::time::{format_duration, parse_duration_us, parse_time_us};
use serde_json::Value;

/// A span's input or output as text: strings as they are (JSON text
/// pretty-printed), other values as JSON. `None` for null or blank.
pub fn display_value(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => {
            let t = s.trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(parsed) = serde_json::from_str::<Value>(s) {
                    return serde_json::to_string_pretty(&parsed).ok();
                }
            }
            Some(s.clone())
        }
        Value::Object(o) if o.is_empty() => None,
        other => serde_json::to_string_pretty(other).ok(),
    }
}

/// Whether a status means failure ("ERROR", "error", "failed").
pub fn is_error_status(status: &str) -> bool {
    let s = status.trim().to_ascii_lowercase();
    s == "error" || s == "failed" || s == "failure"
}

wire! {
    /// One row of `GET /traces` (and the summary part of a trace detail).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct TraceSummary {
        pub trace_id: String = first_text("trace_id", "id") required optional,
        pub name: String = named("name"),
        pub status: String = string("status"),
        /// As sent ("13.01s").
        pub duration_text: String = string("duration"),
        pub duration_us: Option<u64> = duration_us("duration"),
        pub start_time: Option<String> = text("start_time"),
        pub end_time: Option<String> = text("end_time"),
        pub total_spans: u64 = number_or_zero("total_spans"),
        pub error_count: u64 = number_or_zero("error_count"),
        pub input: Option<String> = shown("input"),
        pub output: Option<String> = shown("output") optional,
        pub run_id: Option<String> = text("run_id"),
        pub session_id: Option<String> = text("session_id"),
        pub user_id: Option<String> = text("user_id"),
        /// The agent, team or workflow the trace is about, when sent.
        pub component: Option<(ComponentKind, String)> = component_of("agent_id", "team_id", "workflow_id"),
        pub created_at: Option<String> = text("created_at"),
    }
}

fn named(v: &Value, key: &str) -> String {
    text(v, key).unwrap_or_else(|| "(unnamed)".into())
}

fn duration_us(v: &Value, key: &str) -> Option<u64> {
    parse_duration_us(&string(v, key))
}

fn shown(v: &Value, key: &str) -> Option<String> {
    display_value(v.get(key))
}

fn component_of(v: &Value, agent: &str, team: &str, workflow: &str) -> Option<(ComponentKind, String)> {
    [(agent, ComponentKind::Agent), (team, ComponentKind::Team), (workflow, ComponentKind::Workflow)]
        .into_iter()
        .find_map(|(key, kind)| text(v, key).map(|id| (kind, id)))
}

impl TraceSummary {
    pub fn is_error(&self) -> bool {
        is_error_status(&self.status) || self.error_count > 0
    }

    /// The duration for people (from the parsed value, else as sent).
    pub fn duration(&self) -> String {
        self.duration_us.map(format_duration).unwrap_or_else(|| self.duration_text.clone())
    }
}

/// A page of `GET /traces` (rows without an id are dropped).
pub fn parse_traces(v: &Value) -> (Vec<TraceSummary>, PageMeta) {
    Page::from_json(v).into_parts()
}

wire! {
    /// One span of a trace tree.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Span {
        pub id: String = first_text_or_empty("id", "span_id") optional,
        pub name: String = span_name("name"),
        /// "AGENT", "TEAM", "WORKFLOW", "LLM", "TOOL", "UNKNOWN"… (upper case).
        pub kind: String = span_kind("type", "span_kind") optional,
        pub status: String = string("status"),
        pub duration_us: Option<u64> = duration_us("duration"),
        pub duration_text: String = string("duration"),
        pub start_us: Option<i64> = time_us("start_time"),
        pub end_us: Option<i64> = time_us("end_time"),
        pub start_time: Option<String> = text("start_time"),
        pub input: Option<String> = shown("input") optional,
        pub output: Option<String> = shown("output") optional,
        pub metadata: Option<String> = shown("metadata"),
        pub children: Vec<Span> = first_list("spans", "children") optional,
    }
}

fn first_text_or_empty(v: &Value, key: &str, fallback: &str) -> String {
    first_text(v, key, fallback).unwrap_or_default()
}

fn span_name(v: &Value, key: &str) -> String {
    text(v, key).unwrap_or_else(|| "(unnamed span)".into())
}

fn span_kind(v: &Value, key: &str, fallback: &str) -> String {
    first_text(v, key, fallback).unwrap_or_else(|| "UNKNOWN".into()).to_ascii_uppercase()
}

fn time_us(v: &Value, key: &str) -> Option<i64> {
    text(v, key).as_deref().and_then(parse_time_us)
}

/// The first of two keys that holds a list, each item read as `T`.
fn first_list<T: FromJson>(v: &Value, key: &str, fallback: &str) -> Vec<T> {
    [key, fallback]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_array))
        .map(|a| a.iter().map(T::from_json).collect())
        .unwrap_or_default()
}

impl Span {
    pub fn is_error(&self) -> bool {
        is_error_status(&self.status)
    }

    /// The CSS class for the span's kind, from a fixed set (the server's
    /// kind text never goes into a class list).
    pub fn kind_class(&self) -> &'static str {
        match self.kind.as_str() {
            "AGENT" => "kind-agent",
            "TEAM" => "kind-team",
            "WORKFLOW" => "kind-workflow",
            "LLM" => "kind-llm",
            "TOOL" => "kind-tool",
            _ => "kind-other",
        }
    }

    /// The duration: as sent, else from the start and end times.
    pub fn duration_us(&self) -> u64 {
        self.duration_us
            .or_else(|| self.end_us?.checked_sub(self.start_us?).filter(|d| *d >= 0).map(|d| d as u64))
            .unwrap_or(0)
    }
}

wire! {
    /// One trace in detail.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct TraceDetail {
        /// The summary's fields (see [`TraceSummary`]).
        pub summary: TraceSummary = whole(),
        pub tree: Vec<Span> = first_list("tree", "spans") optional,
    }
}

fn whole<T: FromJson>(v: &Value) -> T {
    T::from_json(v)
}

/// A span placed in the waterfall.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatSpan {
    /// 0 for a root span.
    pub depth: usize,
    /// Microseconds from the start of the trace.
    pub offset_us: u64,
    /// Where the bar starts and how wide it is, in hundredths of a percent
    /// of the trace (0..=10000); a zero-length span gets width 0.
    pub left_bp: u32,
    pub width_bp: u32,
    /// The number of direct children.
    pub children: usize,
    /// The span itself (its `children` emptied).
    pub span: Span,
}

/// Basis points (hundredths of a percent) → "12.34%".
pub fn percent(bp: u32) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// The spans of a tree in display order (depth first), with their depth and
/// their position relative to the whole trace: it starts at the earliest span
/// start (or `trace_start_us`) and lasts until the latest end (or at least
/// `trace_duration_us`). Spans without times start where their parent does.
pub fn flatten(tree: &[Span], trace_start_us: Option<i64>, trace_duration_us: Option<u64>) -> Vec<FlatSpan> {
    fn bounds(spans: &[Span], lo: &mut Option<i64>, hi: &mut Option<i64>) {
        for s in spans {
            if let Some(st) = s.start_us {
                *lo = Some(lo.map_or(st, |l| l.min(st)));
                let dur = i64::try_from(s.duration_us()).unwrap_or(i64::MAX);
                let end = s.end_us.unwrap_or(st.saturating_add(dur));
                *hi = Some(hi.map_or(end, |h| h.max(end)));
            }
            bounds(&s.children, lo, hi);
        }
    }
    let (mut lo, mut hi) = (trace_start_us, None);
    bounds(tree, &mut lo, &mut hi);
    let start = lo.unwrap_or(0);
    let mut total = hi.map(|h| h.saturating_sub(start).max(0) as u64).unwrap_or(0);
    if let Some(d) = trace_duration_us {
        total = total.max(d);
    }
    if total == 0 {
        total = tree.iter().map(Span::duration_us).max().unwrap_or(0);
    }
    let bp = |us: u64| -> u32 { us.min(total).saturating_mul(10_000).checked_div(total).unwrap_or(0) as u32 };
    fn walk(
        spans: &[Span],
        depth: usize,
        parent_offset: u64,
        start: i64,
        bp: &dyn Fn(u64) -> u32,
        out: &mut Vec<FlatSpan>,
    ) {
        for s in spans {
            let offset = s.start_us.map(|st| st.saturating_sub(start).max(0) as u64).unwrap_or(parent_offset);
            let left = bp(offset).min(10_000);
            // Drawn from its start and end when both are known, as its offset
            // is (agno's `duration` is measured apart and can differ slightly).
            let len = match (s.start_us, s.end_us) {
                (Some(a), Some(b)) if b >= a => b.saturating_sub(a) as u64,
                _ => s.duration_us(),
            };
            let width = bp(len).min(10_000 - left);
            let mut span = s.clone();
            let children = std::mem::take(&mut span.children);
            out.push(FlatSpan { depth, offset_us: offset, left_bp: left, width_bp: width, children: children.len(), span });
            walk(&children, depth + 1, offset, start, bp, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, 0, 0, start, &bp, &mut out);
    out
}

/// The filters and page of the trace list; also what the hash query keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceFilter {
    pub run_id: String,
    pub session_id: String,
    pub user_id: String,
    pub agent_id: String,
    pub team_id: String,
    pub workflow_id: String,
    /// "OK", "ERROR" or empty for any.
    pub status: String,
    /// ISO times with a zone (e.g. "2026-11-23T08:00:00Z").
    pub start_time: String,
    pub end_time: String,
    pub page: u64,
    pub limit: u64,
    /// The database picked (`#/traces?db=`, issue 13 §4): kept in the hash
    /// query, not in [`TraceFilter::path`] (requests get `db_id` from
    /// [`crate::db::DbScope`]).
    pub db: Option<String>,
}

impl Default for TraceFilter {
    fn default() -> Self {
        TraceFilter {
            run_id: String::new(),
            session_id: String::new(),
            user_id: String::new(),
            agent_id: String::new(),
            team_id: String::new(),
            workflow_id: String::new(),
            status: String::new(),
            start_time: String::new(),
            end_time: String::new(),
            page: 1,
            limit: 20,
            db: None,
        }
    }
}

impl TraceFilter {
    /// The query keys a filter reads and writes (both the API and the hash).
    pub const KEYS: [&'static str; 9] =
        ["run_id", "session_id", "user_id", "agent_id", "team_id", "workflow_id", "status", "start_time", "end_time"];

    fn field(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "run_id" => &mut self.run_id,
            "session_id" => &mut self.session_id,
            "user_id" => &mut self.user_id,
            "agent_id" => &mut self.agent_id,
            "team_id" => &mut self.team_id,
            "workflow_id" => &mut self.workflow_id,
            "status" => &mut self.status,
            "start_time" => &mut self.start_time,
            "end_time" => &mut self.end_time,
            _ => return None,
        })
    }

    /// A filter value by key ("" when unset or unknown).
    pub fn get(&self, key: &str) -> &str {
        match key {
            "run_id" => &self.run_id,
            "session_id" => &self.session_id,
            "user_id" => &self.user_id,
            "agent_id" => &self.agent_id,
            "team_id" => &self.team_id,
            "workflow_id" => &self.workflow_id,
            "status" => &self.status,
            "start_time" => &self.start_time,
            "end_time" => &self.end_time,
            _ => "",
        }
    }

    /// Sets a filter value (trimmed) and goes back to the first page.
    pub fn set(&mut self, key: &str, value: &str) {
        if let Some(f) = self.field(key) {
            *f = value.trim().to_string();
            self.page = 1;
        }
    }

    /// Filters by one agent, team or workflow (clearing the other two), or
    /// by none.
    pub fn set_component(&mut self, c: Option<(ComponentKind, &str)>) {
        self.agent_id.clear();
        self.team_id.clear();
        self.workflow_id.clear();
        if let Some((k, id)) = c {
            let f = match k {
                ComponentKind::Agent => &mut self.agent_id,
                ComponentKind::Team => &mut self.team_id,
                ComponentKind::Workflow => &mut self.workflow_id,
            };
            *f = id.trim().to_string();
        }
        self.page = 1;
    }

    /// The agent, team or workflow filtered by.
    pub fn component(&self) -> Option<(ComponentKind, &str)> {
        [
            (ComponentKind::Agent, &self.agent_id),
            (ComponentKind::Team, &self.team_id),
            (ComponentKind::Workflow, &self.workflow_id),
        ]
        .into_iter()
        .find(|(_, id)| !id.is_empty())
        .map(|(k, id)| (k, id.as_str()))
    }

    /// From query values (e.g. the hash query): the filter keys and `page`.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> TraceFilter {
        let mut f = TraceFilter::default();
        for k in Self::KEYS {
            if let Some(v) = get(k) {
                f.set(k, &v);
            }
        }
        f.page = get("page").and_then(|p| p.trim().parse().ok()).unwrap_or(1).max(1);
        f.db = get("db").filter(|d| !d.is_empty());
        f
    }

    /// Whether anything narrows the list.
    pub fn is_filtered(&self) -> bool {
        Self::KEYS.iter().any(|k| !self.get(k).is_empty())
    }

    fn pairs(&self) -> Vec<String> {
        Self::KEYS
            .iter()
            .filter(|k| !self.get(k).is_empty())
            .map(|k| format!("{k}={}", encode_segment(self.get(k))))
            .collect()
    }

    /// `/traces?page=&limit=&…` for this filter.
    pub fn path(&self) -> String {
        let mut q = vec![format!("page={}", self.page.max(1)), format!("limit={}", self.limit.max(1))];
        q.extend(self.pairs());
        format!("/traces?{}", q.join("&"))
    }

    /// The hash query that restores this filter (without `?`; empty for none).
    pub fn hash_query(&self) -> String {
        let mut q = self.pairs();
        if self.page > 1 {
            q.push(format!("page={}", self.page));
        }
        if let Some(db) = self.db.as_deref().filter(|d| !d.is_empty()) {
            q.push(format!("db={}", encode_segment(db)));
        }
        q.join("&")
    }
}

/// `/traces/{id}` (with `?run_id=` when given).
pub fn trace_path(trace_id: &str, run_id: Option<&str>) -> String {
    let mut p = format!("/traces/{}", encode_segment(trace_id));
    if let Some(r) = run_id.map(str::trim).filter(|r| !r.is_empty()) {
        p.push_str("?run_id=");
        p.push_str(&encode_segment(r));
    }
    p
}

// ---- Search with the server's filter schema (`GET /traces/filter-schema`,
// `POST /traces/search`) ----

/// `GET /traces/filter-schema`.
pub const FILTER_SCHEMA_PATH: &str = "/traces/filter-schema";
/// `POST /traces/search`.
pub const SEARCH_PATH: &str = "/traces/search";
/// At most this many fields, operators per field, values per field and
/// conditions are kept from the schema or sent (a hostile schema stays small).
pub const MAX_SCHEMA_ITEMS: usize = 64;

fn capped_strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).take(MAX_SCHEMA_ITEMS).map(str::to_string).collect())
        .unwrap_or_default()
}

wire! {
    /// One filterable field of the trace search (`FilterSchemaResponse.fields`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct FilterField {
        pub key: String = text("key") required,
        pub label: String = string("label"),
        /// `string`, `enum`, `number`, `datetime` (others are read as text).
        pub kind: String = string("type"),
        pub operators: Vec<String> = capped_strings("operators"),
        /// The choices of an `enum` field.
        pub values: Vec<String> = capped_strings("values"),
    }
}

/// The trace search's filter schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterSchema {
    pub fields: Vec<FilterField>,
    /// How conditions combine (`AND`, `OR`); `AND` when the server names none.
    pub logical: Vec<String>,
}

/// Reads `GET /traces/filter-schema` (fields without a key or an operator are
/// dropped; at most [`MAX_SCHEMA_ITEMS`] of each list).
pub fn parse_filter_schema(v: &Value) -> FilterSchema {
    let fields = v
        .get("fields")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(FilterField::from_json_row)
                .filter(|f| !f.operators.is_empty())
                .take(MAX_SCHEMA_ITEMS)
                .collect()
        })
        .unwrap_or_default();
    let mut logical: Vec<String> = capped_strings(v, "logical_operators")
        .into_iter()
        .filter(|o| o == "AND" || o == "OR")
        .collect();
    if logical.is_empty() {
        logical.push("AND".into());
    }
    FilterSchema { fields, logical }
}

/// One condition of a trace search as typed: a field, an operator and the
/// value (for `IN`, comma-separated values).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Condition {
    pub key: String,
    pub op: String,
    pub value: String,
}

/// Why a search cannot be sent as typed.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchError {
    /// Condition `n` (from 1) names no field or operator of the schema.
    Unknown(usize),
    /// Condition `n` has no value.
    Empty(usize),
    /// Condition `n` of a number field is not a number.
    NotNumber(usize),
    /// More than [`MAX_SCHEMA_ITEMS`] conditions.
    TooMany,
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchError::Unknown(n) => write!(f, "Condition {n}: choose a field and an operator the server offers."),
            SearchError::Empty(n) => write!(f, "Condition {n}: enter a value."),
            SearchError::NotNumber(n) => write!(f, "Condition {n}: enter a number."),
            SearchError::TooMany => write!(f, "At most {MAX_SCHEMA_ITEMS} conditions."),
        }
    }
}

/// The body of `POST /traces/search` for these conditions, combined with
/// `logical` (`AND`/`OR`; one condition is sent alone, none as no filter),
/// checked against the schema first.
pub fn search_body(schema: &FilterSchema, conditions: &[Condition], logical: &str, page: u64, limit: u64) -> Result<Value, SearchError> {
    if conditions.len() > MAX_SCHEMA_ITEMS {
        return Err(SearchError::TooMany);
    }
    let mut parts = Vec::with_capacity(conditions.len());
    for (i, c) in conditions.iter().enumerate() {
        let n = i + 1;
        let field = schema.fields.iter().find(|f| f.key == c.key).ok_or(SearchError::Unknown(n))?;
        if !field.operators.contains(&c.op) {
            return Err(SearchError::Unknown(n));
        }
        let raw = c.value.trim();
        if raw.is_empty() {
            return Err(SearchError::Empty(n));
        }
        let one = |s: &str| -> Result<Value, SearchError> {
            if field.kind == "number" {
                // serde_json's own number reader (already in the bundle; finite only).
                let x: serde_json::Number = serde_json::from_str(s).map_err(|_| SearchError::NotNumber(n))?;
                Ok(Value::Number(x))
            } else {
                Ok(Value::String(s.to_string()))
            }
        };
        let part = if c.op == "IN" {
            let values = raw
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .take(MAX_SCHEMA_ITEMS)
                .map(one)
                .collect::<Result<Vec<_>, _>>()?;
            if values.is_empty() {
                return Err(SearchError::Empty(n));
            }
            serde_json::json!({ "op": "IN", "key": field.key, "values": values })
        } else {
            serde_json::json!({ "op": c.op, "key": field.key, "value": one(raw)? })
        };
        parts.push(part);
    }
    let logical = if logical == "OR" { "OR" } else { "AND" };
    let mut body = serde_json::json!({ "group_by": "run", "page": page.max(1), "limit": limit.clamp(1, 100) });
    match parts.len() {
        0 => {}
        1 => body["filter"] = parts.pop().unwrap_or_default(),
        _ => body["filter"] = serde_json::json!({ "op": logical, "conditions": parts }),
    }
    Ok(body)
}
