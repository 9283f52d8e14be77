//! What an AgentOS owner configures for people who are not developers, read
//! from `GET /config` (agno 3.1.10):
//!
//! - `manifest`: `{component id: {description, labels, quick_prompts}}`, UI
//!   metadata for a home card (description, labels) and the chat page (quick
//!   prompts). Its description is meant for people; the component's own
//!   `description` is what the model is told.
//! - `chat.quick_prompts`: `{component id: [prompts]}`, the older per-id list.
//!
//! Both are optional and often absent: a server without them reads as an
//! empty [`Manifest`] and the dashboard shows its plain pages. Every value is
//! hostile: entries, prompts and labels are capped in number and length,
//! non-strings and blanks are skipped, and nothing here can panic.

use crate::config::OsConfig;
use crate::json::{get, FromJson};
use crate::text::clip;
use crate::wire::wire;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Components read from one `/config` (more are ignored).
pub const MAX_COMPONENTS: usize = 1000;
/// Quick prompts kept per component.
pub const MAX_PROMPTS: usize = 8;
/// A longer prompt is skipped, never cut (a cut prompt would send something
/// the owner never wrote).
pub const MAX_PROMPT_CHARS: usize = 1000;
/// Labels kept per component.
pub const MAX_LABELS: usize = 8;
/// A longer label is cut at a character boundary and ends with "…".
pub const MAX_LABEL_CHARS: usize = 40;
/// A longer description is cut at a character boundary and ends with "…".
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

wire! {
    /// One component's entry of `manifest`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ManifestEntry {
        pub description: Option<String> = description("description"),
        pub labels: Vec<String> = labels("labels"),
        pub quick_prompts: Vec<String> = prompts("quick_prompts"),
    }
}

wire! {
    /// `manifest` and `chat.quick_prompts` of `/config`, by component id
    /// (read from the whole `/config` body).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Manifest {
        entries: Vec<(String, ManifestEntry)> = entries("manifest"),
        chat_prompts: Vec<(String, Vec<String>)> = chat_prompts("chat.quick_prompts"),
    }
}

impl Manifest {
    /// True when the server configured nothing for people.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.chat_prompts.is_empty()
    }

    /// The manifest entry of a component, if any.
    pub fn entry(&self, id: &str) -> Option<&ManifestEntry> {
        self.entries.iter().find(|(k, _)| k == id).map(|(_, e)| e)
    }

    /// The description meant for people: the manifest's first, else the
    /// given fallback (the component's own description), if not blank.
    pub fn description<'a>(&'a self, id: &str, own: Option<&'a str>) -> Option<&'a str> {
        self.entry(id)
            .and_then(|e| e.description.as_deref())
            .or_else(|| own.filter(|d| !d.trim().is_empty()))
    }

    /// The manifest's labels (possibly none).
    pub fn labels(&self, id: &str) -> &[String] {
        self.entry(id).map(|e| e.labels.as_slice()).unwrap_or(&[])
    }

    /// Quick prompts: the manifest's, else `chat.quick_prompts` (possibly none).
    pub fn quick_prompts(&self, id: &str) -> &[String] {
        match self.entry(id) {
            Some(e) if !e.quick_prompts.is_empty() => &e.quick_prompts,
            _ => self
                .chat_prompts
                .iter()
                .find(|(k, _)| k == id)
                .map(|(_, p)| p.as_slice())
                .unwrap_or(&[]),
        }
    }
}

fn description(v: &Value, key: &str) -> Option<String> {
    get(v, key).and_then(Value::as_str).and_then(|d| clip(d, MAX_DESCRIPTION_CHARS))
}

fn labels(v: &Value, key: &str) -> Vec<String> {
    strings(get(v, key), MAX_LABELS, |l| clip(l, MAX_LABEL_CHARS))
}

fn entries(v: &Value, key: &str) -> Vec<(String, ManifestEntry)> {
    by_id(get(v, key), |e| e.is_object().then(|| ManifestEntry::from_json(e)))
}

fn chat_prompts(v: &Value, key: &str) -> Vec<(String, Vec<String>)> {
    by_id(get(v, key), |p| {
        let p = strings(Some(p), MAX_PROMPTS, keep_prompt);
        (!p.is_empty()).then_some(p)
    })
}

/// `{id: value}` read with `read`, the first [`MAX_COMPONENTS`] ids that are
/// not blank, in the server's order.
fn by_id<T>(v: Option<&Value>, read: impl Fn(&Value) -> Option<T>) -> Vec<(String, T)> {
    let Some(map) = v.and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .filter(|(id, _)| !id.trim().is_empty())
        .take(MAX_COMPONENTS)
        .filter_map(|(id, value)| read(value).map(|t| (id.clone(), t)))
        .collect()
}

/// Quick prompts: strings that are not blank and not too long, each once.
fn prompts(v: &Value, key: &str) -> Vec<String> {
    strings(get(v, key), MAX_PROMPTS, keep_prompt)
}

fn keep_prompt(p: &str) -> Option<String> {
    let p = p.trim();
    (!p.is_empty() && p.chars().count() <= MAX_PROMPT_CHARS).then(|| p.to_string())
}

/// Prompts from elsewhere (agno's follow-up suggestions) under the same
/// rules as quick prompts: at most [`MAX_PROMPTS`], not blank, not too long,
/// each once.
pub fn clean_prompts(items: &[String]) -> Vec<String> {
    bounded(items.iter().map(String::as_str), MAX_PROMPTS, keep_prompt)
}

/// Up to `max` distinct strings of a JSON array, each passed through `keep`.
fn strings(v: Option<&Value>, max: usize, keep: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let items = v
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    bounded(items, max, keep)
}

fn bounded<'a>(items: impl Iterator<Item = &'a str>, max: usize, keep: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Look at a bounded number of items: a huge list of blanks ends quickly.
    for item in items.take(max * 8) {
        if out.len() >= max {
            break;
        }
        if let Some(s) = keep(item) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// The `/config` body read once into both [`OsConfig`] and [`Manifest`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigWithManifest {
    pub config: OsConfig,
    pub manifest: Manifest,
}

impl FromJson for ConfigWithManifest {
    fn from_json(v: &Value) -> Self {
        let mut config = OsConfig::from_json(v);
        config.drop_repeated_knowledge();
        ConfigWithManifest { config, manifest: Manifest::from_json(v) }
    }
}

impl<'de> Deserialize<'de> for ConfigWithManifest {
    /// Only a body that is not a JSON object is an error, as for [`OsConfig`].
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        if !v.is_object() {
            return Err(serde::de::Error::custom("expected a JSON object"));
        }
        Ok(Self::from_json(&v))
    }
}
