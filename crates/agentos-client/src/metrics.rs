//! Usage metrics: `GET /metrics` (one row per day with activity),
//! `POST /metrics/refresh` and `GET /metrics/refresh/status`.
//!
//! AgentOS only aggregates metrics when asked to (a refresh), and leaves days
//! without activity out: [`fill_range`] turns the rows into one entry per day
//! of the chosen range, zeros where nothing happened.
//!
//! Declared with [`wire!`](crate::wire) and read leniently from JSON (no
//! serde derive: smaller wasm). Dates are kept as
//! day numbers (days since 1970-01-01, UTC) so all the range arithmetic is
//! integer math.

use crate::json::{number, number_or_zero, or_unknown, string, text, FromJson};
use crate::wire::wire;
use crate::path::encode as encode_segment;
use crate::time::{day_string, parse_day};
use serde_json::Value;

wire! {
    /// Model usage on one day (or summed over a range).
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ModelUsage {
        pub model_id: String = or_unknown("model_id"),
        pub provider: String = string("model_provider"),
        pub count: u64 = number_or_zero("count"),
    }
}


wire! {
    /// One day of metrics (all counts zero on a day without activity); a row
    /// of `GET /metrics` without a readable `date` is dropped.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct DayMetrics {
        /// Days since 1970-01-01 (UTC).
        pub day: i64 = day_of("date") required,
        pub agent_runs: u64 = number_or_zero("agent_runs_count"),
        pub agent_sessions: u64 = number_or_zero("agent_sessions_count"),
        pub team_runs: u64 = number_or_zero("team_runs_count"),
        pub team_sessions: u64 = number_or_zero("team_sessions_count"),
        pub workflow_runs: u64 = number_or_zero("workflow_runs_count"),
        pub workflow_sessions: u64 = number_or_zero("workflow_sessions_count"),
        pub users: u64 = number_or_zero("users_count"),
        pub input_tokens: u64 = number_or_zero("token_metrics.input_tokens"),
        pub output_tokens: u64 = number_or_zero("token_metrics.output_tokens"),
        /// As sent, else input plus output.
        pub total_tokens: u64 =
            total_tokens("token_metrics.total_tokens", "token_metrics.input_tokens", "token_metrics.output_tokens"),
        pub models: Vec<ModelUsage> = list_of("model_metrics"),
    }
}

fn day_of(v: &Value, key: &str) -> Option<i64> {
    text(v, key).and_then(|d| parse_day(&d))
}

fn total_tokens(v: &Value, key: &str, input: &str, output: &str) -> u64 {
    number(v, key).unwrap_or_else(|| number_or_zero(v, input).saturating_add(number_or_zero(v, output)))
}

/// Every item of a list read as `T` (a stray non-object reads as an unknown model).
fn list_of<T: FromJson>(v: &Value, key: &str) -> Vec<T> {
    v.get(key).and_then(Value::as_array).map(|a| a.iter().map(T::from_json).collect()).unwrap_or_default()
}

impl DayMetrics {
    pub fn runs(&self) -> u64 {
        self.agent_runs.saturating_add(self.team_runs).saturating_add(self.workflow_runs)
    }

    pub fn sessions(&self) -> u64 {
        self.agent_sessions.saturating_add(self.team_sessions).saturating_add(self.workflow_sessions)
    }

    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        day_string(self.day)
    }

    /// Adds another row of the same day (a server with several databases).
    fn add(&mut self, o: &DayMetrics) {
        self.agent_runs = self.agent_runs.saturating_add(o.agent_runs);
        self.agent_sessions = self.agent_sessions.saturating_add(o.agent_sessions);
        self.team_runs = self.team_runs.saturating_add(o.team_runs);
        self.team_sessions = self.team_sessions.saturating_add(o.team_sessions);
        self.workflow_runs = self.workflow_runs.saturating_add(o.workflow_runs);
        self.workflow_sessions = self.workflow_sessions.saturating_add(o.workflow_sessions);
        self.users = self.users.saturating_add(o.users);
        self.input_tokens = self.input_tokens.saturating_add(o.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(o.output_tokens);
        self.total_tokens = self.total_tokens.saturating_add(o.total_tokens);
        self.models.extend(o.models.iter().cloned());
    }
}

/// `GET /metrics` (`{metrics:[…]}`) or `POST /metrics/refresh` (a bare list):
/// the rows with a readable date, and the `updated_at` when sent.
pub fn parse_metrics(v: &Value) -> (Vec<DayMetrics>, Option<String>) {
    let list = match v {
        Value::Array(a) => Some(a),
        _ => v.get("metrics").and_then(Value::as_array),
    };
    let rows = list.map(|a| a.iter().filter_map(DayMetrics::from_json_row).collect()).unwrap_or_default();
    let updated = v.get("updated_at").and_then(crate::time::timestamp);
    (rows, updated)
}

/// One entry per day from `from` to `to` (inclusive; swapped when reversed):
/// the server's rows where there are any (rows of the same day summed, rows
/// outside the range dropped), zeros elsewhere.
pub fn fill_range(rows: &[DayMetrics], from: i64, to: i64) -> Vec<DayMetrics> {
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    // At most MAX_DAYS (the end kept): a range is never allocated unbounded.
    let from = from.max(to.saturating_sub(MAX_DAYS - 1));
    let mut out: Vec<DayMetrics> = (from..=to).map(|day| DayMetrics { day, ..Default::default() }).collect();
    for r in rows {
        if r.day >= from && r.day <= to {
            if let Some(d) = out.get_mut((r.day - from) as usize) {
                d.add(r);
            }
        }
    }
    out
}

/// Model usage summed over days, by model and provider, most used first.
pub fn model_totals(days: &[DayMetrics]) -> Vec<ModelUsage> {
    let mut out: Vec<ModelUsage> = Vec::new();
    for m in days.iter().flat_map(|d| &d.models) {
        match out.iter_mut().find(|o| o.model_id == m.model_id && o.provider == m.provider) {
            Some(o) => o.count = o.count.saturating_add(m.count),
            None => out.push(m.clone()),
        }
    }
    // Insertion sort (a few models): the std sorts cost kilobytes of wasm.
    for i in 1..out.len() {
        let mut j = i;
        while j > 0 && (out[j].count, &out[j - 1].model_id) > (out[j - 1].count, &out[j].model_id) {
            out.swap(j, j - 1);
            j -= 1;
        }
    }
    out
}

/// `/metrics?starting_date=&ending_date=` (and `user_id` when given).
pub fn metrics_path(from: i64, to: i64, user_id: &str) -> String {
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let mut p = format!("/metrics?starting_date={}&ending_date={}", day_string(from), day_string(to));
    if !user_id.trim().is_empty() {
        p.push_str("&user_id=");
        p.push_str(&encode_segment(user_id.trim()));
    }
    p
}

/// Starts a refresh in the background (answers 202).
pub const REFRESH_PATH: &str = "/metrics/refresh?background=true";
/// The state of the last refresh.
pub const REFRESH_STATUS_PATH: &str = "/metrics/refresh/status";

/// Where a metrics refresh is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshState {
    /// Started or running: poll again.
    Running,
    Completed,
    /// Failed, with the server's reason when it gave one.
    Failed(String),
}

/// `GET /metrics/refresh/status` (or the 202 of the refresh itself).
pub fn parse_refresh_status(v: &Value) -> RefreshState {
    let status = text(v, "status").unwrap_or_default().to_ascii_lowercase();
    let error = text(v, "error");
    match status.as_str() {
        "completed" | "complete" | "done" | "success" | "succeeded" | "idle" if error.is_none() => {
            RefreshState::Completed
        }
        "started" | "running" | "pending" | "queued" | "in_progress" => RefreshState::Running,
        _ => RefreshState::Failed(error.unwrap_or_else(|| {
            if status.is_empty() {
                "the server did not say how the refresh went".into()
            } else {
                format!("the refresh ended as “{status}”")
            }
        })),
    }
}

/// The indices of the `n` bars that get an axis label: at most `max` of them,
/// evenly spaced, always the first and the last.
pub fn tick_indices(n: usize, max: usize) -> Vec<usize> {
    if n == 0 || max == 0 {
        return Vec::new();
    }
    if n <= max {
        return (0..n).collect();
    }
    if max == 1 {
        return vec![0];
    }
    let step = (n - 1).div_ceil(max - 1);
    let mut out: Vec<usize> = (0..n).step_by(step).collect();
    let last = n - 1;
    if *out.last().unwrap() != last {
        // Keep the last day; drop the one before it when they would touch.
        if last - out.last().unwrap() < step / 2 + 1 && out.len() > 1 {
            out.pop();
        }
        out.push(last);
    }
    out
}

/// A round top for a value axis: 1, 2 or 5 × 10ⁿ, at least `max` (1 for 0).
pub fn nice_max(max: u64) -> u64 {
    let mut base = 1u64;
    loop {
        for f in [1, 2, 5] {
            let v = base.saturating_mul(f);
            if v >= max || v == u64::MAX {
                return v;
            }
        }
        base = base.saturating_mul(10);
    }
}

/// A count for axis labels: 950, 1.2k, 34k, 1.5M.
pub fn compact(n: u64) -> String {
    let (unit, div) = match n {
        0..=999 => return n.to_string(),
        1_000..=999_999 => ("k", 1_000),
        1_000_000..=999_999_999 => ("M", 1_000_000),
        _ => ("G", 1_000_000_000),
    };
    let whole = n / div;
    let tenth = n % div * 10 / div;
    if whole < 10 && tenth > 0 {
        format!("{whole}.{tenth}{unit}")
    } else {
        format!("{whole}{unit}")
    }
}

/// A date range preset or a custom range, as kept in the hash query:
/// `range=30`, or `from=YYYY-MM-DD&to=YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRange {
    /// The last `n` days, today included.
    Last(u32),
    /// From and to, inclusive (day numbers).
    Custom(i64, i64),
}

/// The presets offered (days).
pub const PRESETS: [u32; 4] = [7, 30, 90, 365];
/// The longest range drawn (days), so a typo cannot ask for centuries.
pub const MAX_DAYS: i64 = 3_660;

impl Default for DateRange {
    fn default() -> Self {
        DateRange::Last(30)
    }
}

impl DateRange {
    /// From the hash query's `range`, `from` and `to` (a custom range wins
    /// when both its ends are valid dates).
    pub fn from_query(range: Option<&str>, from: Option<&str>, to: Option<&str>) -> DateRange {
        if let (Some(f), Some(t)) = (from.and_then(parse_day), to.and_then(parse_day)) {
            return DateRange::custom(f, t);
        }
        match range.and_then(|r| r.trim().parse::<u32>().ok()) {
            Some(n) if n >= 1 && i64::from(n) <= MAX_DAYS => DateRange::Last(n),
            _ => DateRange::default(),
        }
    }

    /// A custom range, ordered and at most [`MAX_DAYS`] long (the end kept).
    pub fn custom(a: i64, b: i64) -> DateRange {
        let (f, t) = if a <= b { (a, b) } else { (b, a) };
        DateRange::Custom(f.max(t - MAX_DAYS + 1), t)
    }

    /// The first and last day, inclusive.
    pub fn days(&self, today: i64) -> (i64, i64) {
        match *self {
            DateRange::Last(n) => (today - i64::from(n.max(1)) + 1, today),
            DateRange::Custom(f, t) => (f, t),
        }
    }

    /// The hash query for this range (without `?`).
    pub fn query(&self) -> String {
        match *self {
            DateRange::Last(n) => format!("range={n}"),
            DateRange::Custom(f, t) => format!("from={}&to={}", day_string(f), day_string(t)),
        }
    }
}
