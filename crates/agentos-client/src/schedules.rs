//! Schedules: `GET /schedules` (paginated `{data, meta}`), create, edit,
//! enable, disable, trigger, delete, and each schedule's run history
//! (`GET /schedules/{id}/runs`). Also the cron check and its plain-language
//! preview, so a bad expression is caught before it is sent.
//!
//! Declared with [`wire!`](crate::wire) and read leniently: unknown fields
//! are ignored, missing or mistyped ones read as absent. Epoch seconds are normalized to ISO.

use crate::json::{is_true, list, number, object, or_unknown, string, text, FromJson};
use crate::path::encode as encode_segment;
use crate::time::timestamp_at;
use crate::wire::wire;
pub use crate::wire::{Page, PageMeta};
use serde_json::{json, Map, Value};

wire! {
    /// One schedule (`ScheduleResponse`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Schedule {
        pub id: String = text("id") required,
        pub name: String = string("name"),
        pub description: Option<String> = text("description"),
        pub method: String = method("method"),
        pub endpoint: String = string("endpoint"),
        /// The JSON object sent (`Null` without one).
        pub payload: Value = object("payload"),
        /// `None`: on demand (runs only when triggered).
        pub cron_expr: Option<String> = text("cron_expr"),
        pub timezone: String = timezone("timezone"),
        pub timeout_seconds: Option<u64> = number("timeout_seconds"),
        pub max_retries: Option<u64> = number("max_retries"),
        pub retry_delay_seconds: Option<u64> = number("retry_delay_seconds"),
        pub enabled: bool = is_true("enabled"),
        /// Normalized (see [`crate::time::timestamp`]).
        pub next_run_at: Option<String> = timestamp_at("next_run_at"),
        pub disabled_reason: Option<String> = text("disabled_reason") optional,
        pub user_id: Option<String> = text("user_id"),
        pub created_at: Option<String> = timestamp_at("created_at"),
    }
}

/// The HTTP method, POST when absent.
fn method(v: &Value, key: &str) -> String {
    text(v, key).unwrap_or_else(|| "POST".into())
}

/// The timezone, UTC when absent.
fn timezone(v: &Value, key: &str) -> String {
    text(v, key).unwrap_or_else(|| "UTC".into())
}

impl Schedule {
    /// When it runs, in words ("On demand" without a cron).
    pub fn when(&self) -> String {
        match &self.cron_expr {
            None => "On demand (runs only when triggered)".into(),
            Some(c) => match describe_cron(c) {
                Ok(d) => format!("{d} ({})", self.timezone),
                Err(_) => format!("cron {c} ({})", self.timezone),
            },
        }
    }
}

wire! {
    /// One run of a schedule (`ScheduleRunResponse`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ScheduleRun {
        pub id: String = text("id") required,
        pub schedule_id: String = string("schedule_id"),
        pub attempt: Option<u64> = number("attempt"),
        /// `running`, `success`, `paused`, `failed`, … as sent.
        pub status: String = or_unknown("status"),
        pub status_code: Option<u64> = number("status_code"),
        pub run_id: Option<String> = text("run_id"),
        pub session_id: Option<String> = text("session_id"),
        pub error: Option<String> = text("error"),
        pub triggered_at: Option<String> = timestamp_at("triggered_at"),
        pub completed_at: Option<String> = timestamp_at("completed_at"),
        /// The run's answer (`output.content`), when it has one.
        pub output: Option<String> = text("output.content") optional,
        /// Tools the paused run waits for.
        pub waiting_for: Vec<String> = waiting_for("requirements") optional,
    }
}

/// The tool names of a paused run's `requirements`.
fn waiting_for(v: &Value, key: &str) -> Vec<String> {
    list(v, key).iter().filter_map(|r| r.get("tool_execution").and_then(|t| text(t, "tool_name"))).collect()
}

/// A page of `GET /schedules` (rows without an id are dropped).
pub fn parse_schedules(v: &Value) -> (Vec<Schedule>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// A page of `GET /schedules/{id}/runs` (rows without an id are dropped).
pub fn parse_runs(v: &Value) -> (Vec<ScheduleRun>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// `/schedules?limit=&page=` (all, or only enabled / disabled ones).
pub fn schedules_path(enabled: Option<bool>, page: u64, limit: u64) -> String {
    let mut p = format!("/schedules?limit={}&page={}", limit.clamp(1, 1000), page.max(1));
    if let Some(e) = enabled {
        p.push_str(if e { "&enabled=true" } else { "&enabled=false" });
    }
    p
}

/// `/schedules/{id}` (GET, PATCH, DELETE).
pub fn schedule_path(id: &str) -> String {
    format!("/schedules/{}", encode_segment(id))
}

/// `/schedules/{id}/{action}`: `enable`, `disable`, `trigger`.
pub fn action_path(id: &str, action: &str) -> String {
    format!("/schedules/{}/{action}", encode_segment(id))
}

/// `/schedules/{id}/runs?limit=&page=` (newest first, as the server sorts).
pub fn runs_path(id: &str, page: u64, limit: u64) -> String {
    format!("/schedules/{}/runs?limit={}&page={}", encode_segment(id), limit.clamp(1, 1000), page.max(1))
}

// ---------------------------------------------------------------------------
// Cron: five fields, checked and described in words
// ---------------------------------------------------------------------------

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTH_NAMES: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];
const DAY_NAMES: [&str; 8] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// One value of a field: a number or (months, weekdays) a three-letter name.
fn value(s: &str, min: u32, max: u32, names: &[&str]) -> Result<u32, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        return Ok(i as u32 + if names.len() == 12 { 1 } else { 0 });
    }
    match s.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("“{s}” is not a value from {min} to {max}")),
    }
}

/// Checks one field (`*`, `*/n`, `a`, `a-b`, `a-b/n`, lists of them).
fn check_field(f: &str, min: u32, max: u32, names: &[&str]) -> Result<(), String> {
    if f.is_empty() || f.len() > 64 {
        return Err("a field is empty or too long".into());
    }
    for part in f.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        if let Some(s) = step {
            match s.parse::<u32>() {
                Ok(n) if n >= 1 && n <= max.max(1) => {}
                _ => return Err(format!("“{s}” is not a usable step")),
            }
        }
        if range == "*" {
            continue;
        }
        match range.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (value(a, min, max, names)?, value(b, min, max, names)?);
                if a > b {
                    return Err(format!("the range {range} runs backwards"));
                }
            }
            None => {
                value(range, min, max, names)?;
            }
        }
    }
    Ok(())
}

/// The five fields of a cron expression, or what is wrong with it.
pub fn check_cron(expr: &str) -> Result<[&str; 5], String> {
    let parts: Vec<&str> = expr.split_whitespace().collect();
    let [minute, hour, dom, month, dow] = parts.as_slice() else {
        return Err(format!(
            "A cron expression has 5 fields (minute hour day-of-month month weekday); this one has {}",
            parts.len()
        ));
    };
    let named = |what: &str, r: Result<(), String>| r.map_err(|e| format!("{what}: {e}"));
    named("minute", check_field(minute, 0, 59, &[]))?;
    named("hour", check_field(hour, 0, 23, &[]))?;
    named("day of month", check_field(dom, 1, 31, &[]))?;
    named("month", check_field(month, 1, 12, &MONTHS))?;
    named("weekday", check_field(dow, 0, 7, &DAYS))?;
    Ok([minute, hour, dom, month, dow])
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn name_of(f: &str, names: &[&str], words: &[&str], offset: u32) -> String {
    f.split(',')
        .map(|part| {
            part.split('-')
                .map(|v| {
                    let n = value(v, 0, 12, names).unwrap_or(u32::MAX);
                    words.get(n.wrapping_sub(offset) as usize).map(|w| w.to_string()).unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join(" to ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cron expression in words: "Every 15 minutes", "At 09:30 on Monday to
/// Friday", "Every hour at minute 0"; other shapes field by field. An
/// empty expression is "On demand".
pub fn describe_cron(expr: &str) -> Result<String, String> {
    if expr.trim().is_empty() {
        return Ok("On demand: runs only when triggered".into());
    }
    let [minute, hour, dom, month, dow] = check_cron(expr)?;
    let time = match (minute, hour) {
        ("*", "*") => "Every minute".to_string(),
        (m, "*") if m.starts_with("*/") => format!("Every {} minutes", &m[2..]),
        (m, "*") if is_number(m) => format!("Every hour at minute {m}"),
        (m, h) if is_number(m) && is_number(h) => {
            format!("At {:02}:{:02}", h.parse::<u32>().unwrap_or(0), m.parse::<u32>().unwrap_or(0))
        }
        (m, h) if is_number(m) && h.starts_with("*/") => format!("Every {} hours at minute {m}", &h[2..]),
        (m, h) => format!("At minute {m} of hour {h}"),
    };
    let mut out = time;
    if dom != "*" {
        out.push_str(&format!(" on day {dom} of the month"));
    }
    if month != "*" {
        out.push_str(&format!(" in {}", name_of(month, &MONTHS, &MONTH_NAMES, 1)));
    }
    if dow != "*" {
        let joiner = if dom != "*" { " and on " } else { " on " };
        out.push_str(joiner);
        out.push_str(&name_of(dow, &DAYS, &DAY_NAMES, 0));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The create / edit form
// ---------------------------------------------------------------------------

/// What the schedule form holds (text as typed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScheduleForm {
    pub name: String,
    pub description: String,
    /// Empty: on demand.
    pub cron_expr: String,
    pub endpoint: String,
    pub method: String,
    /// A JSON object, or empty.
    pub payload: String,
    pub timezone: String,
    pub timeout_seconds: String,
    pub max_retries: String,
    pub retry_delay_seconds: String,
}

impl ScheduleForm {
    /// The form filled from a schedule (for editing).
    pub fn from_schedule(s: &Schedule) -> ScheduleForm {
        ScheduleForm {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            cron_expr: s.cron_expr.clone().unwrap_or_default(),
            endpoint: s.endpoint.clone(),
            method: s.method.clone(),
            payload: if s.payload.is_null() { String::new() } else { serde_json::to_string_pretty(&s.payload).unwrap_or_default() },
            timezone: s.timezone.clone(),
            timeout_seconds: s.timeout_seconds.map(|n| n.to_string()).unwrap_or_default(),
            max_retries: s.max_retries.map(|n| n.to_string()).unwrap_or_default(),
            retry_delay_seconds: s.retry_delay_seconds.map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    /// The body of `POST /schedules` (or `PATCH`, which takes the same
    /// fields), or what is wrong: agno 3.1.10's rules, checked before sending.
    pub fn body(&self) -> Result<Value, String> {
        let name = self.name.trim();
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        if !first_ok || !name.chars().all(|c| c.is_ascii_alphanumeric() || " ._-".contains(c)) {
            return Err("The name starts with a letter or digit and holds only letters, digits, spaces, “.”, “_” and “-”".into());
        }
        if name.len() > 255 {
            return Err("The name is longer than 255 characters".into());
        }
        let cron = self.cron_expr.split_whitespace().collect::<Vec<_>>().join(" ");
        if !cron.is_empty() {
            check_cron(&cron).map_err(|e| format!("Cron: {e}"))?;
        }
        let endpoint = self.endpoint.trim();
        if !endpoint.starts_with('/') || endpoint.contains("://") || endpoint.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("The endpoint is a path of this server, starting with “/”".into());
        }
        let method = if self.method.trim().is_empty() { "POST".to_string() } else { self.method.trim().to_ascii_uppercase() };
        if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
            return Err("The method is GET, POST, PUT, PATCH or DELETE".into());
        }
        let payload: Option<Map<String, Value>> = if self.payload.trim().is_empty() {
            None
        } else {
            match serde_json::from_str::<Value>(&self.payload) {
                Ok(Value::Object(m)) => Some(m),
                Ok(_) => return Err("The payload must be a JSON object, like {\"message\": \"Hello\"}".into()),
                Err(e) => return Err(format!("The payload is not valid JSON: {e}")),
            }
        };
        let timezone = if self.timezone.trim().is_empty() { "UTC" } else { self.timezone.trim() };
        if timezone.len() > 64 || timezone.chars().any(|c| c.is_whitespace()) {
            return Err("The timezone is an IANA name such as UTC or Europe/Berlin".into());
        }
        let mut b = json!({
            "name": name,
            "cron_expr": cron,
            "endpoint": endpoint,
            "method": method,
            "timezone": timezone,
            "description": self.description.trim(),
            "payload": payload.map(Value::Object).unwrap_or(Value::Null),
        });
        for (key, text, min, max) in [
            ("timeout_seconds", &self.timeout_seconds, 1u64, 86_400u64),
            ("max_retries", &self.max_retries, 0, 10),
            ("retry_delay_seconds", &self.retry_delay_seconds, 1, 3_600),
        ] {
            let t = text.trim();
            if t.is_empty() {
                continue;
            }
            match t.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => b[key] = json!(n),
                _ => return Err(format!("{} must be a whole number from {min} to {max}", key.replace('_', " "))),
            }
        }
        Ok(b)
    }
}

/// The endpoints a schedule can call to run a component: `/agents/{id}/runs` etc.
pub fn run_endpoint(collection: &str, id: &str) -> String {
    format!("/{collection}/{}/runs", encode_segment(id))
}
