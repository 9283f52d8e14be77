//! User memories: `GET /memories` (paginated `{data, meta}`), create, edit,
//! delete, `GET /memory_topics` and `GET /user_memory_stats`.
//!
//! Declared with [`wire!`](crate::wire) and read leniently from
//! `serde_json::Value` (no serde derive: smaller wasm):
//! unknown fields are ignored, missing or mistyped ones read as absent.
//! Timestamps may be ISO strings (with or without `Z`, with fractions or an
//! offset) or epoch seconds/milliseconds; all are normalized to
//! `YYYY-MM-DDTHH:MM:SSZ` by [`crate::time::timestamp`].

use crate::json::{first_text, number_or_zero, text, verbatim, FromJson};
use crate::path::encode as encode_segment;
use crate::time::timestamp_at;
use crate::wire::wire;
pub use crate::wire::{Page, PageMeta};
use serde_json::{json, Value};

/// A list of strings: an array (non-strings skipped) or one comma-separated string.
fn topic_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::String(s)) => split_topics(s),
        _ => Vec::new(),
    }
}

/// "a, b,,c " → `["a", "b", "c"]` (duplicates dropped, order kept).
pub fn split_topics(input: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in input.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

wire! {
    /// One memory (`UserMemorySchema`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Memory {
        pub memory_id: String = first_text("memory_id", "id") required optional,
        pub memory: String = verbatim("memory"),
        pub topics: Vec<String> = topics("topics"),
        pub agent_id: Option<String> = text("agent_id"),
        pub team_id: Option<String> = text("team_id"),
        pub user_id: Option<String> = text("user_id"),
        /// Normalized (see [`crate::time::timestamp`]).
        pub updated_at: Option<String> = time_of("updated_at", "created_at") optional,
    }
}

fn topics(v: &Value, key: &str) -> Vec<String> {
    topic_list(v.get(key))
}

/// `updated_at`, else `created_at`.
fn time_of(v: &Value, key: &str, fallback: &str) -> Option<String> {
    timestamp_at(v, key).or_else(|| timestamp_at(v, fallback))
}

impl Memory {
    /// The first words of the memory (for accessible names), at most `max` chars.
    pub fn excerpt(&self, max: usize) -> String {
        excerpt(&self.memory, max)
    }
}

/// The first words of `s`, at most about `max` characters, with "…" when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let mut out = String::new();
    for w in s.split(' ') {
        if out.chars().count() + w.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = s.chars().take(max).collect();
    }
    out.push('…');
    out
}

/// Names for a page of memories that are unique: the excerpt, with " (2)",
/// " (3)"… added to repeats.
pub fn unique_labels(items: &[Memory], max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for m in items {
        let base = m.excerpt(max);
        let base = if base.is_empty() { m.memory_id.clone() } else { base };
        let mut label = base.clone();
        let mut n = 2;
        while out.contains(&label) {
            label = format!("{base} ({n})");
            n += 1;
        }
        out.push(label);
    }
    out
}

/// A page of `GET /memories` (rows without an id are dropped).
pub fn parse_memories(v: &Value) -> (Vec<Memory>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// `GET /memory_topics`: a list of strings (also accepted inside `{data}`).
pub fn parse_topics(v: &Value) -> Vec<String> {
    let mut t = match v {
        Value::Array(_) => topic_list(Some(v)),
        _ => topic_list(v.get("data")),
    };
    t.sort();
    t.dedup();
    t
}

wire! {
    /// One row of `GET /user_memory_stats`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct UserStats {
        pub user_id: String = text("user_id") required,
        pub total_memories: u64 = number_or_zero("total_memories"),
        /// Normalized (see [`crate::time::timestamp`]).
        pub last_updated: Option<String> = timestamp_at("last_memory_updated_at"),
    }
}

/// A page of `GET /user_memory_stats` (rows without a user id are dropped).
pub fn parse_user_stats(v: &Value) -> (Vec<UserStats>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// The filters and page of the memory list.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryFilter {
    pub user_id: String,
    pub agent_id: String,
    pub team_id: String,
    /// One topic, or empty for all.
    pub topic: String,
    pub search: String,
    pub page: u64,
    pub limit: u64,
    /// Newest first (by `updated_at`).
    pub descending: bool,
}

impl Default for MemoryFilter {
    fn default() -> Self {
        MemoryFilter {
            user_id: String::new(),
            agent_id: String::new(),
            team_id: String::new(),
            topic: String::new(),
            search: String::new(),
            page: 1,
            limit: 20,
            descending: true,
        }
    }
}

impl MemoryFilter {
    /// Whether anything narrows the list (for the empty state's wording).
    pub fn is_filtered(&self) -> bool {
        [&self.user_id, &self.agent_id, &self.team_id, &self.topic, &self.search]
            .iter()
            .any(|s| !s.trim().is_empty())
    }
}

/// The query string (without `?`) of `GET /memories` for a filter.
pub fn memories_query(f: &MemoryFilter) -> String {
    let mut q = vec![
        format!("limit={}", f.limit.max(1)),
        format!("page={}", f.page.max(1)),
        "sort_by=updated_at".to_string(),
        format!("sort_order={}", if f.descending { "desc" } else { "asc" }),
    ];
    for (key, value) in [
        ("user_id", &f.user_id),
        ("agent_id", &f.agent_id),
        ("team_id", &f.team_id),
        ("topics", &f.topic),
        ("search_content", &f.search),
    ] {
        let value = value.trim();
        if !value.is_empty() {
            q.push(format!("{key}={}", encode_segment(value)));
        }
    }
    q.join("&")
}

/// `/memories?...` for a filter.
pub fn memories_path(f: &MemoryFilter) -> String {
    format!("/memories?{}", memories_query(f))
}

fn with_user(path: String, user_id: Option<&str>) -> String {
    match user_id.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => format!("{path}?user_id={}", encode_segment(u)),
        None => path,
    }
}

/// `/memories/{id}` (with `?user_id=` when known): GET, PATCH, DELETE.
pub fn memory_path(memory_id: &str, user_id: Option<&str>) -> String {
    with_user(format!("/memories/{}", encode_segment(memory_id)), user_id)
}

/// `/memory_topics` (for one user when given).
pub fn topics_path(user_id: Option<&str>) -> String {
    with_user("/memory_topics".to_string(), user_id)
}

/// `/user_memory_stats?limit=&page=`.
pub fn user_stats_path(page: u64, limit: u64) -> String {
    format!("/user_memory_stats?limit={}&page={}", limit.max(1), page.max(1))
}

/// The body of `POST /memories` and `PATCH /memories/{id}`: the text trimmed,
/// topics from a comma-separated input, the user only when given.
pub fn memory_body(memory: &str, topics: &str, user_id: &str) -> Value {
    let mut b = json!({ "memory": memory.trim(), "topics": split_topics(topics) });
    if !user_id.trim().is_empty() {
        b["user_id"] = json!(user_id.trim());
    }
    b
}

/// The body of `DELETE /memories` for several memories.
pub fn delete_many_body(memory_ids: &[String], user_id: Option<&str>) -> Value {
    let mut b = json!({ "memory_ids": memory_ids });
    if let Some(u) = user_id.map(str::trim).filter(|u| !u.is_empty()) {
        b["user_id"] = json!(u);
    }
    b
}

/// The body of `POST /optimize-memories`: one user's memories summarized by
/// `model` (`provider:model_id`; the server's default when empty), saved only
/// with `apply` (a preview otherwise).
pub fn optimize_body(user_id: &str, model: &str, apply: bool) -> Value {
    let mut b = json!({ "user_id": user_id.trim(), "apply": apply });
    if !model.trim().is_empty() {
        b["model"] = json!(model.trim());
    }
    b
}

/// A number that may be a float (`reduction_percentage`); absent or
/// mistyped reads as 0, never NaN or infinite.
fn float(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).filter(|f| f.is_finite()).unwrap_or(0.0)
}

/// The memories of an optimization (rows without an id dropped).
fn memory_rows(v: &Value, key: &str) -> Vec<Memory> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Memory::from_json_row).collect())
        .unwrap_or_default()
}

wire! {
    /// The answer of `POST /optimize-memories` (`OptimizeMemoriesResponse`):
    /// the memories after (a preview when not applied) and the counts.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Optimized {
        pub memories: Vec<Memory> = memory_rows("memories"),
        pub memories_before: u64 = number_or_zero("memories_before"),
        pub memories_after: u64 = number_or_zero("memories_after"),
        pub tokens_before: u64 = number_or_zero("tokens_before"),
        pub tokens_after: u64 = number_or_zero("tokens_after"),
        pub tokens_saved: u64 = number_or_zero("tokens_saved"),
        pub reduction_percentage: f64 = float("reduction_percentage"),
    }
}

/// `POST /optimize-memories`.
pub const OPTIMIZE_PATH: &str = "/optimize-memories";
