//! Every wire key a type declares (`wire!`, `Wire::FIELDS`) is checked
//! against the bodies recorded from a real AgentOS (`tests/fixtures/`,
//! `demo/record_fixtures.py`): a missing or mistyped key fails here instead
//! of reading as absent at run time.
//!
//! - A field not marked `optional`: each of its keys (dotted paths) is
//!   present in at least one of the type's recorded samples.
//! - An `optional` field (agno only sends it sometimes, or it is a fallback
//!   for another version): each key is at least known: sent in some recorded
//!   body, or listed in [`DOCUMENTED_ONLY`] (named in the AgentOS notes,
//!   `/work/shared/agentos-api/`, checked when that directory is there), or
//!   listed in [`NOT_SENT_BY_AGNO_3_1`] with why.
//!
//! To see it fail, misspell a key in any `wire!` field list (e.g.
//! `text("sesion_name")` in sessions.rs) and run `cargo test -p agentos-client
//! --test wire_keys`.

use agentos_client::approvals::{Approval, AskedTool};
use agentos_client::config::*;
use agentos_client::manifest::{Manifest, ManifestEntry};
use agentos_client::schedules::{Schedule, ScheduleRun};
use agentos_client::evals::{EvalCase, EvalRun, Performance, ToolCalls};
use agentos_client::knowledge::{Chunker, Content, KnowledgeConfig, Reader, SearchHit, VectorDb};
use agentos_client::media::MediaItem;
use agentos_client::memory::{Memory, Optimized, UserStats};
use agentos_client::metrics::{DayMetrics, ModelUsage};
use agentos_client::sessions::{Page, PageMeta, SessionDetail, SessionSummary};
use agentos_client::traces::{FilterField, Span, TraceDetail, TraceSummary};
use agentos_client::wire::{Wire, WireField};
use serde_json::Value;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const NOTES: &str = "/work/shared/agentos-api";

/// Optional keys that no recorded body carries but the AgentOS notes name
/// (checked against the notes when they are there; listed so the test gives
/// the same answer on a machine without them).
const DOCUMENTED_ONLY: &[&str] = &["input_schema", "span_id"];

/// Optional keys that no recorded body carries and the notes do not name,
/// each with the reason it is read anyway. Nothing else may be unrecorded.
const NOT_SENT_BY_AGNO_3_1: &[&str] = &[
    // Fallbacks for other AgentOS versions, pinned by existing tests
    // (`tests/traces.rs` reads `children`, `tests/knowledge.rs` `meta_data.score`).
    "span_kind",
    "children",
    "meta_data.score",
    // agno 3.1.10 sends these only when they differ from the default
    // (`filter_meaningful_config` in agno/os/routers/{agents,teams}/schema.py);
    // the demo's agents use the defaults.
    "num_history_runs",
    "enable_agentic_memory",
    // Not in agno 3.1.10's `reasoning` section at all (it sends `reasoning`,
    // `reasoning_agent_id`, `reasoning_model`); the catalog page shows "Max
    // steps" when a server sends them.
    "reasoning_min_steps",
    "reasoning_max_steps",
    // A media item's `media_reference` (agno/media/reference.py) is only set when the
    // AgentOS has a media storage backend (S3, GCS, local); the demo has none, so its
    // media is inline base64. Read so offloaded media shows through
    // `GET /sessions/{id}/media/{storage_key}`.
    "media_reference.storage_key",
    // Image.revised_prompt and Audio.transcript (agno/media/media.py `to_dict`) are set by
    // image-generation and audio models; the demo's tools return neither.
    "revised_prompt",
    "transcript",
];

fn fixture(name: &str) -> Value {
    let path = format!("{FIXTURES}/{name}");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The values at `path` in a fixture: keys joined by `.`, `*` for every item
/// of a list (or every value of an object).
fn at(name: &str, path: &str) -> Vec<Value> {
    let mut out = vec![fixture(name)];
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        out = out
            .into_iter()
            .flat_map(|v| match (seg, v) {
                ("*", Value::Array(a)) => a,
                ("*", Value::Object(m)) => m.into_iter().map(|(_, v)| v).collect(),
                (key, v) => v.get(key).cloned().into_iter().collect(),
            })
            .collect();
    }
    out
}

/// Whether a dotted key is there (null counts: the server sent the key).
fn has(v: &Value, key: &str) -> bool {
    let (parent, last) = match key.rsplit_once('.') {
        Some((p, l)) => (p.split('.').try_fold(v, |v, k| v.get(k)), l),
        None => (Some(v), key),
    };
    parent.and_then(Value::as_object).is_some_and(|o| o.contains_key(last))
}

/// Every recorded body as text, and the AgentOS notes when present.
fn known_texts() -> (String, Option<String>) {
    let mut recorded = String::new();
    for e in std::fs::read_dir(FIXTURES).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x != "md") {
            recorded.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
    let notes = Path::new(NOTES).is_dir().then(|| {
        let mut s = String::new();
        let mut dirs = vec![Path::new(NOTES).to_path_buf()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else {
                    s.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
                }
            }
        }
        s
    });
    (recorded, notes)
}

/// The problems with one type's keys against its samples.
fn check(ty: &str, fields: &[WireField], samples: &[Value], known: &(String, Option<String>)) -> Vec<String> {
    assert!(!fields.is_empty(), "{ty}: no fields declared");
    let mut problems = Vec::new();
    for f in fields {
        for key in f.keys {
            if samples.iter().any(|s| has(s, key)) {
                continue;
            }
            let last = key.rsplit('.').next().unwrap_or(key);
            let quoted = format!("\"{last}\"");
            let is_known =
                known.0.contains(&quoted) || DOCUMENTED_ONLY.contains(key) || NOT_SENT_BY_AGNO_3_1.contains(key);
            match (f.optional, is_known) {
                (false, _) => problems.push(format!(
                    "{ty}.{}: key {key:?} is in none of its {} recorded sample(s)",
                    f.field,
                    samples.len()
                )),
                (true, false) => problems.push(format!(
                    "{ty}.{} (optional): key {key:?} is neither recorded nor documented",
                    f.field
                )),
                (true, true) => {}
            }
        }
    }
    problems
}

/// `(type name, its fields, its samples)`.
type Case = (&'static str, &'static [WireField], Vec<Value>);

fn case<T: Wire>(samples: &[(&str, &str)]) -> Case {
    let full = std::any::type_name::<T>();
    let name = full.split('<').next().unwrap_or(full).rsplit("::").next().unwrap_or(full);
    let values: Vec<Value> = samples.iter().flat_map(|(file, path)| at(file, path)).collect();
    assert!(!values.is_empty(), "{name}: no recorded sample at {samples:?}");
    (name, T::FIELDS, values)
}

const AGENTS: [&str; 3] = ["agent_assistant-agent.json", "agent_calculator-agent.json", "agent_librarian-agent.json"];
const WORKFLOWS: [&str; 2] = ["workflow_two-step-workflow.json", "workflow_approval-workflow.json"];
const EVALS: [&str; 5] = [
    "eval_accuracy.json",
    "eval_agent_as_judge.json",
    "eval_performance.json",
    "eval_reliability.json",
    "eval_team_reliability.json",
];
const PAGES: [&str; 6] =
    ["sessions.json", "memories.json", "user_memory_stats.json", "knowledge_content.json", "knowledge_search.json", "traces.json"];

fn each(files: &[&'static str], path: &'static str) -> Vec<(&'static str, &'static str)> {
    files.iter().map(|f| (*f, path)).collect()
}

fn cases() -> Vec<Case> {
    let agent = |p: &'static str| each(&AGENTS, p);
    let mut spans = vec![("trace_detail.json", "tree.*")];
    spans.extend([("trace_detail.json", "tree.*.spans.*"), ("trace_detail.json", "tree.*.spans.*.spans.*")]);
    vec![
        case::<Health>(&[("health.json", "")]),
        case::<OsInfo>(&[("info.json", "")]),
        case::<OsConfig>(&[("config.json", "")]),
        case::<ModelRef>(&[("config.json", "available_models.*"), ("config.json", "agents.*.model")]),
        case::<Domain>(&[("config.json", "session"), ("config.json", "memory"), ("config.json", "traces")]),
        case::<DomainDb>(&[("config.json", "session.dbs.*")]),
        case::<DomainDisplay>(&[("config.json", "session.dbs.*.domain_config")]),
        case::<KnowledgeDomain>(&[("config.json", "knowledge")]),
        case::<KnowledgeInstance>(&[("config.json", "knowledge.knowledge_instances.*")]),
        case::<ComponentSummary>(&[("config.json", "agents.*"), ("config.json", "teams.*"), ("config.json", "workflows.*")]),
        case::<AgentDetail>(&[agent(""), each(&["agents.json"], "*"), each(&["team_research-team.json"], "members.*")].concat()),
        case::<ModelInfo>(&agent("model")),
        case::<ToolsSection>(&agent("tools")),
        case::<ToolInfo>(&agent("tools.tools.*")),
        case::<SessionsSection>(&agent("sessions")),
        case::<KnowledgeSection>(&agent("knowledge")),
        case::<MemorySection>(&agent("memory")),
        case::<ReasoningSection>(&agent("reasoning")),
        case::<SystemMessageSection>(&agent("system_message")),
        case::<TeamDetail>(&[("team_research-team.json", ""), ("teams.json", "*")]),
        case::<WorkflowDetail>(&[each(&WORKFLOWS, ""), each(&["workflows.json"], "*")].concat()),
        case::<WorkflowStep>(&each(&WORKFLOWS, "steps.*")),
        case::<Page<SessionSummary>>(&each(&PAGES, "")),
        case::<PageMeta>(&each(&PAGES, "meta")),
        case::<SessionSummary>(&[("sessions.json", "data.*")]),
        case::<SessionDetail>(&[
            ("session_agent.json", ""),
            ("session_team.json", ""),
            ("session_workflow.json", ""),
            ("session_state_patch.json", ""),
        ]),
        case::<Memory>(&[("memories.json", "data.*")]),
        case::<UserStats>(&[("user_memory_stats.json", "data.*")]),
        case::<Optimized>(&[("memories_optimize_preview.json", ""), ("memories_optimize_apply.json", "")]),
        case::<FilterField>(&[("traces_filter_schema.json", "fields.*")]),
        case::<Content>(&[("knowledge_content.json", "data.*")]),
        case::<KnowledgeConfig>(&[("knowledge_config.json", "")]),
        case::<Reader>(&[("knowledge_config.json", "readers.*")]),
        case::<Chunker>(&[("knowledge_config.json", "chunkers.*")]),
        case::<VectorDb>(&[("knowledge_config.json", "vector_dbs.*")]),
        case::<SearchHit>(&[("knowledge_search.json", "data.*")]),
        case::<DayMetrics>(&[("metrics.json", "metrics.*")]),
        case::<ModelUsage>(&[("metrics.json", "metrics.*.model_metrics.*")]),
        case::<TraceSummary>(&[("traces.json", "data.*"), ("trace_detail.json", "")]),
        case::<TraceDetail>(&[("trace_detail.json", "")]),
        case::<Span>(&spans),
        case::<Approval>(&[("approvals.json", "data.*"), ("approval.json", ""), ("approval_resolve.json", "")]),
        case::<EvalRun>(&[each(&EVALS, ""), each(&["eval_runs.json"], "data.*")].concat()),
        case::<EvalCase>(&[each(&EVALS, "eval_data.results.*"), each(&["eval_runs.json"], "data.*.eval_data.results.*")].concat()),
        case::<ToolCalls>(&[each(&EVALS, ""), each(&["eval_runs.json"], "data.*")].concat()),
        case::<Performance>(&[("eval_performance.json", "eval_data"), ("eval_runs.json", "data.*.eval_data")]),
        case::<Schedule>(&[("schedules.json", "data.*"), ("schedule.json", ""), ("schedule_disable.json", "")]),
        case::<ScheduleRun>(&[("schedule_runs.json", "data.*"), ("schedule_trigger.json", "")]),
        case::<Manifest>(&[("config.json", "")]),
        case::<ManifestEntry>(&[("config.json", "manifest.*")]),
        case::<AskedTool>(&[("approvals.json", "data.*.requirements.*.tool_execution")]),
        case::<MediaItem>(&[
            ("session_runs_media.json", "*.images.*"),
            ("session_runs_media_audio.json", "*.audio.*"),
            ("session_runs_media_upload.json", "*.input_media.images.*"),
            ("session_runs_media_upload.json", "*.input_media.files.*"),
        ]),
    ]
}

#[test]
fn documented_only_keys_are_in_the_notes() {
    let (recorded, notes) = known_texts();
    for key in DOCUMENTED_ONLY {
        assert!(!recorded.contains(&format!("\"{key}\"")), "{key} is recorded now: drop it from DOCUMENTED_ONLY");
        if let Some(notes) = &notes {
            assert!(notes.contains(key), "{key} is not in the notes at {NOTES}");
        }
    }
}

#[test]
fn every_declared_key_is_in_the_recorded_bodies() {
    let known = known_texts();
    let problems: Vec<String> =
        cases().iter().flat_map(|(ty, fields, samples)| check(ty, fields, samples, &known)).collect();
    assert!(problems.is_empty(), "wire keys not found:\n{}", problems.join("\n"));
}

/// The check itself: a misspelled key, a key moved to the wrong type and an
/// unknown optional key are all reported.
#[test]
fn the_check_catches_a_misspelled_key() {
    let known = known_texts();
    let samples = at("sessions.json", "data.*");
    let field = |keys: &'static [&'static str], optional| WireField { field: "f", keys, optional };
    assert!(check("T", &[field(&["session_id"], false)], &samples, &known).is_empty());
    assert_eq!(check("T", &[field(&["sesion_id"], false)], &samples, &known).len(), 1);
    assert_eq!(check("T", &[field(&["metrics.total_tokenz"], false)], &samples, &known).len(), 1);
    assert_eq!(check("T", &[field(&["trace_id"], false)], &samples, &known).len(), 1);
    assert!(check("T", &[field(&["trace_id"], true)], &samples, &known).is_empty());
    assert_eq!(check("T", &[field(&["no_such_key_anywhere"], true)], &samples, &known).len(), 1);
}
