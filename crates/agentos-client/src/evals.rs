//! Evals: `GET /eval-runs` (paginated `{data, meta}`), one eval run, running
//! a new one (`POST /eval-runs`), renaming (`PATCH`) and deleting several
//! (`DELETE /eval-runs`).
//!
//! agno stores `eval_data` in another shape than `POST` answers with (a
//! performance run: `{result: {...}, runs: [{runtime, memory}]}` stored,
//! flat `run_times`/`memory_usages` answered); both read the same here.
//! Declared with [`wire!`](crate::wire) and read leniently: unknown fields
//! are ignored, missing or mistyped ones read as absent.

use crate::config::ComponentKind;
use crate::json::{as_f64, flag, get, list, object, string, strings, text, FromJson};
use crate::path::encode as encode_segment;
use crate::time::timestamp_at;
use crate::wire::wire;
pub use crate::wire::{Page, PageMeta};
use serde_json::{json, Value};

/// The eval types `POST /eval-runs` runs (agno 3.1.10), with what people read.
pub const EVAL_TYPES: [(&str, &str); 4] = [
    ("accuracy", "Accuracy"),
    ("agent_as_judge", "Agent as judge"),
    ("performance", "Performance"),
    ("reliability", "Reliability"),
];

/// The name people read for an eval type (the wire name when unknown).
pub fn type_label(t: &str) -> String {
    EVAL_TYPES.iter().find(|(w, _)| *w == t).map(|(_, l)| l.to_string()).unwrap_or_else(|| t.to_string())
}

wire! {
    /// One case of an accuracy or agent-as-judge eval.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct EvalCase {
        pub input: Option<String> = text("input"),
        pub output: Option<String> = text("output"),
        pub expected_output: Option<String> = text("expected_output"),
        pub criteria: Option<String> = text("criteria"),
        pub score: Option<f64> = real("score"),
        pub passed: Option<bool> = flag("passed"),
        pub reason: Option<String> = text("reason"),
    }
}

wire! {
    /// The tool calls of a reliability eval: expected and made (read from
    /// the whole eval run).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ToolCalls {
        /// `eval_input.expected_tool_calls` (stored runs only).
        pub expected: Vec<String> = strings("eval_input.expected_tool_calls"),
        pub passed: Vec<String> = strings("eval_data.passed_tool_calls"),
        pub failed: Vec<String> = strings("eval_data.failed_tool_calls"),
        pub missing: Vec<String> = strings("eval_data.missing_tool_calls"),
        pub additional: Vec<String> = strings("eval_data.additional_tool_calls"),
    }
}

wire! {
    /// Timings of a performance eval's `eval_data` (seconds; memory in MiB
    /// as agno measures it). Stored as `{result: {...}, runs: [...]}`,
    /// answered flat (`run_times`, `memory_usages`): both read the same.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Performance {
        pub avg_run_time: Option<f64> = real_in("result.avg_run_time", "avg_run_time"),
        pub min_run_time: Option<f64> = real_in("result.min_run_time", "min_run_time"),
        pub max_run_time: Option<f64> = real_in("result.max_run_time", "max_run_time"),
        pub p95_run_time: Option<f64> = real_in("result.p95_run_time", "p95_run_time"),
        pub avg_memory: Option<f64> = real_in("result.avg_memory_usage", "avg_memory_usage"),
        /// Each measured run: (seconds, memory).
        pub runs: Vec<(f64, Option<f64>)> = timings("runs", "run_times", "memory_usages"),
    }
}

/// The runs a performance result lists, capped (a hostile server's list
/// cannot make the page draw a million rows).
pub const RUNS_SHOWN_MAX: usize = 200;

/// A finite float field.
fn real(v: &Value, key: &str) -> Option<f64> {
    get(v, key).and_then(as_f64).filter(|f| f.is_finite())
}

/// [`real`] at `key`, else at `flat`.
fn real_in(v: &Value, key: &str, flat: &str) -> Option<f64> {
    real(v, key).or_else(|| real(v, flat))
}

/// `runs: [{runtime, memory}]` (stored), else `run_times` with
/// `memory_usages` (answered), capped at [`RUNS_SHOWN_MAX`].
fn timings(v: &Value, runs: &str, times: &str, memory: &str) -> Vec<(f64, Option<f64>)> {
    let stored: Vec<(f64, Option<f64>)> = list(v, runs)
        .iter()
        .take(RUNS_SHOWN_MAX)
        .filter_map(|x| real(x, "runtime").map(|t| (t, real(x, "memory"))))
        .collect();
    if !stored.is_empty() {
        return stored;
    }
    let memory = list(v, memory);
    list(v, times)
        .iter()
        .take(RUNS_SHOWN_MAX)
        .enumerate()
        .filter_map(|(i, t)| as_f64(t).filter(|t| t.is_finite()).map(|t| (t, memory.get(i).and_then(as_f64))))
        .collect()
}

wire! {
    /// One eval run (`EvalSchema`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct EvalRun {
        pub id: String = text("id") required,
        pub name: Option<String> = text("name"),
        pub eval_type: String = string("eval_type"),
        pub agent_id: Option<String> = text("agent_id"),
        pub team_id: Option<String> = text("team_id"),
        pub workflow_id: Option<String> = text("workflow_id"),
        pub model_id: Option<String> = text("model_id"),
        pub model_provider: Option<String> = text("model_provider"),
        pub component_name: Option<String> = text("evaluated_component_name"),
        /// Normalized (see [`crate::time::timestamp`]).
        pub created_at: Option<String> = timestamp_at("created_at"),
        /// Average score (accuracy, numeric judge), 1–10.
        pub avg_score: Option<f64> = real("eval_data.avg_score"),
        pub min_score: Option<f64> = real("eval_data.min_score"),
        pub max_score: Option<f64> = real("eval_data.max_score"),
        /// Agent-as-judge: share of passed cases, 0–100.
        pub pass_rate: Option<f64> = real("eval_data.pass_rate"),
        /// Reliability: `PASSED` or `FAILED`.
        pub status: Option<String> = text("eval_data.eval_status"),
        pub cases: Vec<EvalCase> = cases("eval_data.results"),
        pub tool_calls: ToolCalls = from_whole(),
        /// Performance evals only.
        pub performance: Option<Performance> = performance("eval_type", "eval_data"),
        /// What the eval was run with (`eval_input`, stored runs only).
        pub input: Value = object("eval_input"),
    }
}

/// At most this many cases are read from one result.
pub const CASES_SHOWN_MAX: usize = 200;

/// The cases of a result, capped at [`CASES_SHOWN_MAX`].
fn cases(v: &Value, key: &str) -> Vec<EvalCase> {
    list(v, key).iter().take(CASES_SHOWN_MAX).map(EvalCase::from_json).collect()
}

/// The whole value read as another type.
fn from_whole<T: FromJson>(v: &Value) -> T {
    T::from_json(v)
}

/// The timings in `data` when the eval type is `performance`.
fn performance(v: &Value, eval_type: &str, data: &str) -> Option<Performance> {
    (text(v, eval_type).as_deref() == Some("performance")).then(|| Performance::from_json(&object(v, data)))
}

impl EvalRun {
    /// The component evaluated (team before workflow before agent).
    pub fn component(&self) -> Option<(ComponentKind, &str)> {
        self.team_id
            .as_deref()
            .map(|t| (ComponentKind::Team, t))
            .or_else(|| self.workflow_id.as_deref().map(|w| (ComponentKind::Workflow, w)))
            .or_else(|| self.agent_id.as_deref().map(|a| (ComponentKind::Agent, a)))
    }

    /// The name people read: the eval's name, else its type and what it evaluated, else its
    /// type and the start of its id.
    pub fn display_name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let kind = type_label(&self.eval_type);
        match self.component_name.as_deref().or(self.component().map(|(_, id)| id)) {
            Some(c) => format!("{kind} eval of {c}"),
            None => format!("{kind} eval {}", self.id.chars().take(8).collect::<String>()),
        }
    }

    /// The result in a few words: "score 10/10", "100% passed", "PASSED", "0.099 s on average".
    pub fn headline(&self) -> String {
        if let Some(s) = &self.status {
            return s.clone();
        }
        if let Some(r) = self.pass_rate {
            let score = self.avg_score.map(|s| format!(", score {}/10", short(s))).unwrap_or_default();
            return format!("{}% passed{score}", short(r));
        }
        if let Some(s) = self.avg_score {
            return format!("score {}/10", short(s));
        }
        if let Some(t) = self.performance.as_ref().and_then(|p| p.avg_run_time) {
            return format!("{} s on average", seconds(t));
        }
        if self.cases.is_empty() && matches!(self.eval_type.as_str(), "accuracy" | "agent_as_judge") {
            return "no result (the judge did not answer)".into();
        }
        "no result".into()
    }
}

/// A number with at most one decimal: 10 → "10", 9.5 → "9.5".
pub fn short(x: f64) -> String {
    match fixed(x, 10) {
        (sign, whole, 0) => format!("{sign}{whole}"),
        (sign, whole, tenth) => format!("{sign}{whole}.{tenth}"),
    }
}

/// Seconds with three decimals: "0.099".
pub fn seconds(x: f64) -> String {
    let (sign, whole, thousandths) = fixed(x, 1_000);
    format!("{sign}{whole}.{thousandths:03}")
}

/// `x` rounded to 1/`scale` (half away from zero), as sign, whole part and fraction in
/// 1/`scale`: integer formatting only, so the wasm carries no float formatting (it cost a
/// route about 5 KB brotli). Casts saturate: NaN gives 0, ±inf the largest values.
fn fixed(x: f64, scale: u64) -> (&'static str, u64, u64) {
    let n = (x * scale as f64).round();
    let sign = if n < 0.0 { "-" } else { "" };
    let n = n.abs() as u64;
    (sign, n / scale, n % scale)
}

/// A page of `GET /eval-runs` (rows without an id are dropped).
pub fn parse_eval_runs(v: &Value) -> (Vec<EvalRun>, PageMeta) {
    Page::from_json(v).into_parts()
}

/// The filters and page of the eval list (empty = no filter).
#[derive(Debug, Clone, PartialEq)]
pub struct EvalFilter {
    /// `agent`, `team` or `workflow`, with `component_id`.
    pub component_kind: String,
    pub component_id: String,
    pub model_id: String,
    pub eval_type: String,
    pub page: u64,
    pub limit: u64,
}

impl Default for EvalFilter {
    fn default() -> Self {
        EvalFilter {
            component_kind: String::new(),
            component_id: String::new(),
            model_id: String::new(),
            eval_type: String::new(),
            page: 1,
            limit: 20,
        }
    }
}

impl EvalFilter {
    pub fn is_filtered(&self) -> bool {
        [&self.component_id, &self.model_id, &self.eval_type].iter().any(|s| !s.trim().is_empty())
    }
}

/// `/eval-runs?...` for a filter (newest first).
pub fn eval_runs_path(f: &EvalFilter) -> String {
    let mut q = vec![
        format!("limit={}", f.limit.max(1)),
        format!("page={}", f.page.max(1)),
        "sort_by=created_at".to_string(),
        "sort_order=desc".to_string(),
    ];
    let id_key = match f.component_kind.as_str() {
        "team" => "team_id",
        "workflow" => "workflow_id",
        _ => "agent_id",
    };
    for (key, value) in [(id_key, &f.component_id), ("model_id", &f.model_id), ("eval_types", &f.eval_type)] {
        let value = value.trim();
        if !value.is_empty() {
            q.push(format!("{key}={}", encode_segment(value)));
        }
    }
    format!("/eval-runs?{}", q.join("&"))
}

/// `/eval-runs/{id}` (GET, PATCH).
pub fn eval_run_path(id: &str) -> String {
    format!("/eval-runs/{}", encode_segment(id))
}

/// The body of `PATCH /eval-runs/{id}`; `None` for a blank name.
pub fn rename_body(name: &str) -> Option<Value> {
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= 255).then(|| json!({ "name": name }))
}

/// The body of `DELETE /eval-runs`.
pub fn delete_body(ids: &[String]) -> Value {
    json!({ "eval_run_ids": ids })
}

/// What the "Run an eval" form holds (text as typed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalRequest {
    pub eval_type: String,
    /// `agent` or `team` (agno 3.1.10 evaluates agents and teams).
    pub component_kind: String,
    pub component_id: String,
    pub name: String,
    pub input: String,
    pub expected_output: String,
    pub criteria: String,
    /// `binary` or `numeric`.
    pub scoring_strategy: String,
    pub threshold: String,
    pub iterations: String,
    pub warmup_runs: String,
    /// Comma-separated tool names.
    pub expected_tool_calls: String,
    pub allow_additional_tool_calls: bool,
    pub additional_guidelines: String,
    /// The judge (accuracy, agent as judge): a model id and its provider,
    /// both or neither. agno judges with the component's own model when
    /// they equal it; without them it uses its default (an OpenAI model).
    pub model_id: String,
    pub model_provider: String,
}

fn whole(text: &str, what: &str, min: u64, max: u64) -> Result<Option<u64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(format!("{what} must be a whole number from {min} to {max}")),
    }
}

impl EvalRequest {
    /// The body of `POST /eval-runs`, or what is wrong with the form (the
    /// server's own rules for agno 3.1.10, checked before anything is sent).
    pub fn body(&self) -> Result<Value, String> {
        let t = self.eval_type.as_str();
        if !EVAL_TYPES.iter().any(|(w, _)| *w == t) {
            return Err("Choose an eval type".into());
        }
        let id_key = match self.component_kind.as_str() {
            "agent" => "agent_id",
            "team" => "team_id",
            _ => return Err("Choose the agent or team to evaluate".into()),
        };
        if self.component_id.trim().is_empty() {
            return Err("Choose the agent or team to evaluate".into());
        }
        if self.input.trim().is_empty() {
            return Err("Write the input the component is given".into());
        }
        let mut b = json!({ "eval_type": t, id_key: self.component_id.trim(), "input": self.input.trim() });
        let name = self.name.trim();
        if name.chars().count() > 255 {
            return Err("The name is longer than 255 characters".into());
        }
        if !name.is_empty() {
            b["name"] = json!(name);
        }
        let (model, provider) = (self.model_id.trim(), self.model_provider.trim());
        if model.is_empty() != provider.is_empty() {
            return Err("Give the judge's model id and its provider, or neither".into());
        }
        if !model.is_empty() && matches!(t, "accuracy" | "agent_as_judge") {
            b["model_id"] = json!(model);
            b["model_provider"] = json!(provider);
        }
        if let Some(n) = whole(&self.iterations, "Iterations", 1, 100)? {
            b["num_iterations"] = json!(n);
        }
        if !self.additional_guidelines.trim().is_empty() && matches!(t, "accuracy" | "agent_as_judge") {
            b["additional_guidelines"] = json!(self.additional_guidelines.trim());
        }
        match t {
            "accuracy" => {
                if self.expected_output.trim().is_empty() {
                    return Err("An accuracy eval needs the expected output".into());
                }
                b["expected_output"] = json!(self.expected_output.trim());
            }
            "agent_as_judge" => {
                if self.criteria.trim().is_empty() {
                    return Err("An agent-as-judge eval needs criteria".into());
                }
                b["criteria"] = json!(self.criteria.trim());
                let numeric = self.scoring_strategy == "numeric";
                b["scoring_strategy"] = json!(if numeric { "numeric" } else { "binary" });
                if numeric {
                    if let Some(n) = whole(&self.threshold, "The threshold", 1, 10)? {
                        b["threshold"] = json!(n);
                    }
                }
            }
            "performance" => {
                if let Some(n) = whole(&self.warmup_runs, "Warm-up runs", 0, 10)? {
                    b["warmup_runs"] = json!(n);
                }
            }
            _ => {
                let tools: Vec<String> = self
                    .expected_tool_calls
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                if tools.is_empty() {
                    return Err("A reliability eval needs the tool calls it expects".into());
                }
                b["expected_tool_calls"] = json!(tools);
                b["allow_additional_tool_calls"] = json!(self.allow_additional_tool_calls);
            }
        }
        Ok(b)
    }
}
