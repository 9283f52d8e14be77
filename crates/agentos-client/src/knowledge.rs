//! Knowledge bases: their content (`GET /knowledge/content`, paginated
//! `{data, meta}`), adding content (multipart `POST /knowledge/content`,
//! answered 202 while indexing runs in the background), its status, editing
//! (a **form** `PATCH`), deleting, the readers and chunkers on offer
//! (`GET /knowledge/config`) and search (`POST /knowledge/search`).
//!
//! Every request names the knowledge base with `knowledge_id` (and `db_id`):
//! in the query string, or in the JSON body for search. The bases themselves
//! are listed in `/config` (see [`crate::config::KnowledgeInstance`]).
//!
//! Declared with [`wire!`](crate::wire) and read leniently from
//! `serde_json::Value` (no serde derive: smaller wasm):
//! unknown fields are ignored, missing or mistyped ones read as absent.

use crate::config::KnowledgeInstance;
use crate::json::{as_f64, get, number, str_items, string, strings, text, verbatim};
pub use crate::json::FromJson;
use crate::path::encode as encode_segment;
use crate::time::timestamp_at;
use crate::wire::wire;
pub use crate::wire::{Page, PageMeta};
use serde_json::{json, Map, Value};

/// Which knowledge base a request is for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    pub knowledge_id: String,
    pub db_id: Option<String>,
}

impl Target {
    pub fn of(kb: &KnowledgeInstance) -> Target {
        Target { knowledge_id: kb.id.clone(), db_id: kb.db_id.clone().filter(|d| !d.is_empty()) }
    }

    /// `knowledge_id=…&db_id=…` (without `?`); empty for an empty target.
    pub fn query(&self) -> String {
        let mut q = String::new();
        if !self.knowledge_id.is_empty() {
            q.push_str("knowledge_id=");
            q.push_str(&encode_segment(&self.knowledge_id));
        }
        if let Some(db) = &self.db_id {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str("db_id=");
            q.push_str(&encode_segment(db));
        }
        q
    }

    /// `path?knowledge_id=…&db_id=…` (or `&…` when `path` has a query).
    pub fn on(&self, path: &str) -> String {
        let q = self.query();
        if q.is_empty() {
            return path.to_string();
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}{q}")
    }
}

/// The name people see for a knowledge base: its name, else its id.
pub fn base_label(kb: &KnowledgeInstance) -> &str {
    kb.name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or(&kb.id)
}

/// `GET /knowledge/config` for a base.
pub fn config_path(t: &Target) -> String {
    t.on("/knowledge/config")
}

/// `GET /knowledge/content` for a page of a base, newest first.
pub fn content_list_path(t: &Target, page: u64, limit: u64) -> String {
    let p = format!("/knowledge/content?limit={}&page={}&sort_by=created_at&sort_order=desc", limit.max(1), page.max(1));
    t.on(&p)
}

/// `POST /knowledge/content` (multipart) for a base.
pub fn add_path(t: &Target) -> String {
    t.on("/knowledge/content")
}

/// `/knowledge/content/{id}` for a base: GET, PATCH (form), DELETE.
pub fn content_path(t: &Target, id: &str) -> String {
    t.on(&format!("/knowledge/content/{}", encode_segment(id)))
}

/// `GET /knowledge/content/{id}/status` for a base.
pub fn status_path(t: &Target, id: &str) -> String {
    t.on(&format!("/knowledge/content/{}/status", encode_segment(id)))
}

/// `POST /knowledge/search`.
pub const SEARCH_PATH: &str = "/knowledge/search";

/// Where a content is in its processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Processing,
    Completed,
    /// Some chunks indexed, others failed: searchable but incomplete.
    Partial,
    Failed,
}

impl Phase {
    /// From the wire's `status` (case-insensitive; unknown values read as
    /// processing, as the server itself does).
    pub fn parse(s: &str) -> Phase {
        let s = s.to_ascii_lowercase();
        if s.contains("partial") {
            Phase::Partial
        } else if s.contains("fail") || s.contains("error") {
            Phase::Failed
        } else if s.contains("complete") || s == "done" || s == "success" {
            Phase::Completed
        } else {
            Phase::Processing
        }
    }

    /// Whether polling can stop.
    pub fn is_final(self) -> bool {
        self != Phase::Processing
    }

    pub fn label(self) -> &'static str {
        match self {
            Phase::Processing => "Processing",
            Phase::Completed => "Completed",
            Phase::Partial => "Partly indexed",
            Phase::Failed => "Failed",
        }
    }
}

wire! {
    /// One content entry of a knowledge base.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Content {
        pub id: String = text("id") required,
        pub name: Option<String> = text("name"),
        pub description: Option<String> = text("description"),
        /// `type`: a MIME type, `Text`, `manual`, `url`, … as sent.
        pub kind: Option<String> = text("type"),
        /// Bytes (sent as a string such as `"265"`, or a number).
        pub size: Option<u64> = number("size"),
        pub linked_to: Option<String> = text("linked_to"),
        /// Metadata as `(key, text)`, without agno's internal `_agno` entry.
        pub metadata: Vec<(String, String)> = metadata_pairs("metadata"),
        /// The same metadata as a JSON object (for the editor), without `_agno`.
        pub metadata_json: Map<String, Value> = metadata_object("metadata"),
        pub status: Option<String> = text("status"),
        pub status_message: Option<String> = text("status_message"),
        /// Normalized (see [`crate::time::timestamp`]).
        pub created_at: Option<String> = timestamp_at("created_at"),
        pub updated_at: Option<String> = timestamp_at("updated_at"),
    }
}

/// A JSON value as short text: strings as they are, the rest as JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn metadata_object(v: &Value, key: &str) -> Map<String, Value> {
    let mut m = v.get(key).and_then(Value::as_object).cloned().unwrap_or_default();
    m.remove("_agno");
    m
}

fn metadata_pairs(v: &Value, key: &str) -> Vec<(String, String)> {
    v.get(key)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, v)| k.as_str() != "_agno" && !v.is_null())
                .map(|(k, v)| (k.clone(), value_text(v)))
                .collect()
        })
        .unwrap_or_default()
}

impl Content {
    /// The name, else the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// The phase from `status` (absent reads as processing).
    pub fn phase(&self) -> Phase {
        Phase::parse(self.status.as_deref().unwrap_or(""))
    }
}

/// A page of `GET /knowledge/content` (rows without an id are dropped).
pub fn parse_content_list(v: &Value) -> (Vec<Content>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// `GET /knowledge/content/{id}/status` (also the 202 of an add):
/// `(id, phase, message)`; the message is absent when blank.
pub fn parse_status(v: &Value) -> (Option<String>, Phase, Option<String>) {
    let phase = Phase::parse(&text(v, "status").unwrap_or_default());
    (text(v, "id"), phase, text(v, "status_message"))
}

wire! {
    /// A reader from `/knowledge/config` → `readers` (an id or name it lacks
    /// comes from its key in the map).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Reader {
        pub id: String = string("id"),
        pub name: String = string("name"),
        pub description: Option<String> = text("description"),
        pub chunkers: Vec<String> = strings("chunkers"),
        /// File extensions such as `.txt`.
        pub content_types: Vec<String> = strings("content_types"),
    }
}

wire! {
    /// A chunker from `/knowledge/config` → `chunkers` (a key or name it
    /// lacks comes from its key in the map).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Chunker {
        pub key: String = string("key"),
        pub name: String = string("name"),
        pub description: Option<String> = text("description"),
        pub chunk_size: Option<u64> = number("metadata.chunk_size"),
        pub chunk_overlap: Option<u64> = number("metadata.chunk_overlap") optional,
    }
}

wire! {
    /// A vector database of the base and the search types it offers.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct VectorDb {
        pub id: String = string("id"),
        pub name: String = string("name"),
        pub search_types: Vec<String> = strings("search_types"),
    }
}

wire! {
    /// `GET /knowledge/config`, read leniently.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct KnowledgeConfig {
        pub readers: Vec<Reader> = keyed("readers"),
        /// Extension → reader ids.
        pub readers_for_type: Vec<(String, Vec<String>)> = string_lists("readersForType"),
        pub chunkers: Vec<Chunker> = keyed("chunkers"),
        /// Metadata keys that search can filter on (agno's internal `_agno` left out).
        pub filters: Vec<String> = filter_keys("filters"),
        pub vector_dbs: Vec<VectorDb> = keyed("vector_dbs"),
        /// The remote sources content can be taken from (S3, GCS, SharePoint,
        /// GitHub, …); `null` when the base configures none.
        pub remote_sources: Vec<RemoteSource> = sources("remote_content_sources") optional,
    }
}

/// The remote sources that have an id (at most 64).
fn sources(v: &Value, key: &str) -> Vec<RemoteSource> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(RemoteSource::from_json_row).take(64).collect())
        .unwrap_or_default()
}

wire! {
    /// A remote content source of a base (`RemoteContentSourceSchema`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct RemoteSource {
        pub id: String = text("id") required,
        pub name: String = string("name"),
        /// `s3`, `gcs`, `sharepoint`, `github`, … as sent.
        pub kind: String = string("type"),
    }
}

/// An entry of an object map (or a list) that may lack its own id: it takes
/// the key it is listed under; entries still without an id are dropped.
trait Keyed: FromJson {
    fn fill(&mut self, key: String) -> bool;
}

impl Keyed for Reader {
    fn fill(&mut self, key: String) -> bool {
        fill_id(&mut self.id, &mut self.name, key)
    }
}

impl Keyed for Chunker {
    fn fill(&mut self, key: String) -> bool {
        fill_id(&mut self.key, &mut self.name, key)
    }
}

impl Keyed for VectorDb {
    /// Vector databases are kept as sent, with or without an id.
    fn fill(&mut self, _: String) -> bool {
        true
    }
}

/// The id from the map key when missing, the name from the id; whether there is an id.
fn fill_id(id: &mut String, name: &mut String, key: String) -> bool {
    if id.is_empty() {
        *id = key;
    }
    if name.is_empty() {
        name.clone_from(id);
    }
    !id.is_empty()
}

/// The entries of an object map, or of a list (with an empty key).
fn keyed<T: Keyed>(v: &Value, key: &str) -> Vec<T> {
    let entries: Vec<(String, &Value)> = match v.get(key) {
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Some(Value::Array(a)) => a.iter().map(|v| (String::new(), v)).collect(),
        _ => Vec::new(),
    };
    entries
        .into_iter()
        .filter_map(|(k, e)| {
            let mut item = T::from_json(e);
            item.fill(k).then_some(item)
        })
        .collect()
}

/// An object map of string lists, in order.
fn string_lists(v: &Value, key: &str) -> Vec<(String, Vec<String>)> {
    v.get(key)
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, ids)| (k.clone(), str_items(ids))).collect())
        .unwrap_or_default()
}

/// The filter keys, sorted, once each, without agno's `_agno`.
fn filter_keys(v: &Value, key: &str) -> Vec<String> {
    let mut filters: Vec<String> = strings(v, key).into_iter().filter(|f| f != "_agno").collect();
    filters.sort();
    filters.dedup();
    filters
}

impl KnowledgeConfig {
    pub fn reader(&self, id: &str) -> Option<&Reader> {
        self.readers.iter().find(|r| r.id == id)
    }

    pub fn chunker(&self, key: &str) -> Option<&Chunker> {
        self.chunkers.iter().find(|c| c.key == key)
    }

    /// The chunkers a reader can use: its own list when it has one (unknown
    /// keys kept), else every chunker.
    pub fn chunkers_for(&self, reader_id: &str) -> Vec<String> {
        match self.reader(reader_id) {
            Some(r) if !r.chunkers.is_empty() => r.chunkers.clone(),
            _ => self.chunkers.iter().map(|c| c.key.clone()).collect(),
        }
    }

    /// The reader suggested for a file name (by extension), if any.
    pub fn reader_for_file(&self, file_name: &str) -> Option<String> {
        let ext = file_name.rfind('.').map(|i| file_name[i..].to_ascii_lowercase())?;
        self.readers_for_type
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(&ext))
            .and_then(|(_, ids)| ids.first().cloned())
            .or_else(|| {
                self.readers
                    .iter()
                    .find(|r| r.content_types.iter().any(|t| t.eq_ignore_ascii_case(&ext)))
                    .map(|r| r.id.clone())
            })
    }

    /// Every search type the vector databases offer (in their order, once each).
    pub fn search_types(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self.vector_dbs.iter().flat_map(|d| d.search_types.iter()) {
            if !out.contains(t) {
                out.push(t.clone());
            }
        }
        out
    }
}

/// `key=value` pairs, one per line or separated by commas, or a JSON object.
/// Values stay text. An entry without `=` or with an empty key is an error
/// naming it.
pub fn parse_pairs(input: &str) -> Result<Map<String, Value>, String> {
    let s = input.trim();
    if s.starts_with('{') {
        return match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err("is not a valid JSON object".into()),
        };
    }
    let mut m = Map::new();
    for part in s.split(['\n', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                m.insert(k.trim().to_string(), Value::String(v.trim().to_string()));
            }
            _ => return Err(format!("“{part}” is not key=value")),
        }
    }
    Ok(m)
}

/// What is being added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    File,
    Url,
    Text,
}

/// The text fields of the "Add content" form (the file itself is added by
/// the transport).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddForm {
    pub name: String,
    pub description: String,
    pub url: String,
    pub text: String,
    /// `key=value` lines or a JSON object.
    pub metadata: String,
    pub reader_id: String,
    pub chunker: String,
    pub chunk_size: String,
    pub chunk_overlap: String,
}

/// A positive whole number, or empty.
fn count_field(label: &str, s: &str, zero_ok: bool) -> Result<Option<String>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<u64>() {
        Ok(n) if n > 0 || zero_ok => Ok(Some(n.to_string())),
        _ => Err(format!("{label} must be a whole number{}.", if zero_ok { "" } else { " above 0" })),
    }
}

impl AddForm {
    /// The multipart fields for `source` (blank ones left out), or what is
    /// wrong, in words. A file upload also needs the file, which is checked
    /// by the caller.
    pub fn fields(&self, source: Source) -> Result<Vec<(&'static str, String)>, String> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        match source {
            Source::Url => {
                let url = self.url.trim();
                let lower = url.to_ascii_lowercase();
                if url.is_empty() {
                    return Err("Enter the URL to add.".into());
                }
                if !(lower.starts_with("http://") || lower.starts_with("https://")) || url.contains(char::is_whitespace) {
                    return Err("The URL must start with http:// or https:// and contain no spaces.".into());
                }
                out.push(("url", url.to_string()));
            }
            Source::Text => {
                if self.text.trim().is_empty() {
                    return Err("Enter the text to add.".into());
                }
                out.push(("text_content", self.text.clone()));
            }
            Source::File => {}
        }
        for (key, value) in [("name", &self.name), ("description", &self.description)] {
            if !value.trim().is_empty() {
                out.push((key, value.trim().to_string()));
            }
        }
        if !self.metadata.trim().is_empty() {
            let m = parse_pairs(&self.metadata).map_err(|e| format!("Metadata {e}."))?;
            out.push(("metadata", Value::Object(m).to_string()));
        }
        for (key, value) in [("reader_id", &self.reader_id), ("chunker", &self.chunker)] {
            if !value.trim().is_empty() {
                out.push((key, value.trim().to_string()));
            }
        }
        if let Some(n) = count_field("Chunk size", &self.chunk_size, false)? {
            out.push(("chunk_size", n));
        }
        if let Some(n) = count_field("Chunk overlap", &self.chunk_overlap, true)? {
            out.push(("chunk_overlap", n));
        }
        Ok(out)
    }
}

/// The form fields of `PATCH /knowledge/content/{id}`: name and description
/// (an emptied description is sent empty, so it is cleared).
pub fn edit_fields(name: &str, description: &str) -> Result<Vec<(&'static str, String)>, String> {
    if name.trim().is_empty() {
        return Err("The name cannot be empty.".into());
    }
    Ok(vec![("name", name.trim().to_string()), ("description", description.trim().to_string())])
}

/// A search as the form holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchForm {
    pub query: String,
    /// Empty for the server's default.
    pub search_type: String,
    /// Empty for the server's default; else 1..=1000.
    pub max_results: String,
    /// `key=value` pairs or a JSON object.
    pub filters: String,
}

/// The JSON body of `POST /knowledge/search`, or what is wrong, in words.
pub fn search_body(t: &Target, f: &SearchForm) -> Result<Value, String> {
    let query = f.query.trim();
    if query.is_empty() {
        return Err("Enter something to search for.".into());
    }
    let mut b = json!({ "query": query, "meta": { "limit": 20, "page": 1 } });
    if !t.knowledge_id.is_empty() {
        b["knowledge_id"] = json!(t.knowledge_id);
    }
    if let Some(db) = &t.db_id {
        b["db_id"] = json!(db);
    }
    if !f.search_type.trim().is_empty() {
        b["search_type"] = json!(f.search_type.trim());
    }
    let max = f.max_results.trim();
    if !max.is_empty() {
        match max.parse::<u64>() {
            Ok(n) if (1..=1000).contains(&n) => {
                b["max_results"] = json!(n);
                b["meta"]["limit"] = json!(n);
            }
            _ => return Err("The result limit must be a whole number from 1 to 1000.".into()),
        }
    }
    if !f.filters.trim().is_empty() {
        let m = parse_pairs(&f.filters).map_err(|e| format!("Filters: {e}."))?;
        if !m.is_empty() {
            b["filters"] = Value::Object(m);
        }
    }
    Ok(b)
}

wire! {
    /// One search result (a chunk of a content).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SearchHit {
        pub content: String = verbatim("content"),
        pub name: Option<String> = text("name"),
        pub content_id: Option<String> = text("content_id"),
        /// `meta_data.source`.
        pub source: Option<String> = text("meta_data.source"),
        /// `meta_data.chunk`.
        pub chunk: Option<u64> = number("meta_data.chunk"),
        /// `reranking_score`, else a numeric `meta_data.score`.
        pub score: Option<f64> = score("reranking_score", "meta_data.score") optional,
    }
}

fn score(v: &Value, key: &str, fallback: &str) -> Option<f64> {
    get(v, key).and_then(as_f64).or_else(|| get(v, fallback).and_then(as_f64))
}

/// A page of `POST /knowledge/search`.
pub fn parse_search(v: &Value) -> (Vec<SearchHit>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// A score with three decimals ("0.873"), without float formatting.
pub fn score_text(score: f64) -> String {
    let milli = (score * 1000.0).round() as i64;
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    format!("{sign}{}.{:03}", m / 1000, m % 1000)
}

/// How long to wait before status check number `attempt` (0-based) of a
/// content being processed: 0.5 s, then 1 s, 2 s, then every 3 s; `None`
/// after about three minutes, when polling gives up.
pub fn poll_delay_ms(attempt: u32) -> Option<u32> {
    match attempt {
        0 => Some(500),
        1 => Some(1_000),
        2 => Some(2_000),
        n if n < 63 => Some(3_000),
        _ => None,
    }
}

/// `DELETE /knowledge/content` for a base: every content of it.
pub fn delete_all_path(t: &Target) -> String {
    t.on("/knowledge/content")
}

/// `POST /knowledge/content/{id}/refresh` for a base: process it again.
pub fn refresh_path(t: &Target, id: &str) -> String {
    t.on(&format!("/knowledge/content/{}/refresh", encode_segment(id)))
}

/// `POST /knowledge/remote-content` (a form) for a base.
pub fn remote_path(t: &Target) -> String {
    t.on("/knowledge/remote-content")
}

/// At most this many bytes of metadata JSON are sent.
pub const MAX_METADATA_BYTES: usize = 64 * 1024;

/// The `metadata` form field from what was typed: a JSON object, checked
/// before anything is sent (an empty box sends nothing). AgentOS 3.1.10
/// answers 500 to a JSON array and merges the keys into the stored ones.
pub fn metadata_field(input: &str) -> Result<Option<String>, String> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    if input.len() > MAX_METADATA_BYTES {
        return Err(format!("Metadata is at most {} KB.", MAX_METADATA_BYTES / 1024));
    }
    match serde_json::from_str::<Value>(input) {
        Ok(Value::Object(m)) => Ok(Some(Value::Object(m).to_string())),
        Ok(_) => Err("Metadata must be a JSON object, e.g. {\"team\": \"docs\"}.".into()),
        Err(e) => Err(format!("Metadata is not valid JSON: {e}.")),
    }
}

/// The form fields of `POST /knowledge/remote-content`: the source and the
/// path in it (both required), a name and description when given.
pub fn remote_fields(source_id: &str, path: &str, name: &str, description: &str) -> Result<Vec<(&'static str, String)>, String> {
    if source_id.trim().is_empty() {
        return Err("Choose a source.".into());
    }
    if path.trim().is_empty() {
        return Err("Enter the path of a file or folder in the source.".into());
    }
    let mut out = vec![("config_id", source_id.trim().to_string()), ("path", path.trim().to_string())];
    for (k, v) in [("name", name), ("description", description)] {
        if !v.trim().is_empty() {
            out.push((k, v.trim().to_string()));
        }
    }
    Ok(out)
}
