//! The smaller gaps (issue 13 §6), over bodies recorded from the demo
//! AgentOS (`demo/record_fixtures.py --only gaps`): memory optimize and bulk
//! delete, the trace search's filter schema and body, knowledge metadata,
//! refresh, delete-all and remote sources; and hostile input never panics.

use agentos_client::knowledge::*;
use agentos_client::memory::*;
use agentos_client::traces::{parse_filter_schema, parse_traces, search_body, Condition, SearchError, MAX_SCHEMA_ITEMS};
use agentos_client::{ApiError, FromJson};
use proptest::prelude::*;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn text(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

// ---- memories ----------------------------------------------------------------

#[test]
fn the_agent_filter_is_sent_and_its_answer_reads() {
    let f = MemoryFilter { user_id: "u".into(), agent_id: "librarian-agent".into(), team_id: "t 1".into(), ..Default::default() };
    let p = memories_path(&f);
    assert!(p.contains("agent_id=librarian-agent"), "{p}");
    assert!(p.contains("team_id=t%201"), "{p}");
    let raw = fixture("memories_agent.json");
    let (rows, _) = parse_memories(&raw);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|m| m.agent_id.as_deref() == Some("librarian-agent")));
}

#[test]
fn an_optimize_preview_and_its_apply_read_with_their_counts() {
    for name in ["memories_optimize_preview.json", "memories_optimize_apply.json"] {
        let raw = fixture(name);
        let o = Optimized::from_json(&raw);
        assert_eq!(o.memories_before, raw["memories_before"].as_u64().unwrap());
        assert_eq!(o.memories_after, raw["memories_after"].as_u64().unwrap());
        assert_eq!(o.memories.len() as u64, o.memories_after);
        assert_eq!(o.tokens_before - o.tokens_after, o.tokens_saved);
        assert!((o.reduction_percentage - raw["reduction_percentage"].as_f64().unwrap()).abs() < 1e-9);
        assert_eq!(o.memories[0].memory, raw["memories"][0]["memory"].as_str().unwrap());
        assert!(o.memories_before > o.memories_after, "{name}: the demo's four memories become one");
    }
}

#[test]
fn optimize_and_bulk_delete_bodies() {
    assert_eq!(optimize_body(" u1 ", "", false), json!({"user_id": "u1", "apply": false}));
    assert_eq!(optimize_body("u1", " openai:gpt-4o ", true), json!({"user_id": "u1", "apply": true, "model": "openai:gpt-4o"}));
    assert_eq!(delete_many_body(&["a".into(), "b".into()], Some(" u ")), json!({"memory_ids": ["a", "b"], "user_id": "u"}));
    assert_eq!(delete_many_body(&["a".into()], Some("")), json!({"memory_ids": ["a"]}));
    // The bulk delete answers 204 with no body.
    assert!(text("memories_delete_many.body").is_empty());
}

#[test]
fn optimize_failures_carry_the_servers_reason() {
    let e = ApiError::from_status(404, &text("error_404_optimize.json"), true);
    assert!(e.title().contains("No memories found for user fixture-nobody"), "{}", e.title());
    let e = ApiError::from_status(400, &text("error_400_optimize_model.json"), true);
    assert!(e.title().contains("Invalid model string format"), "{}", e.title());
    let e = ApiError::from_status(422, &text("error_422_delete_many.json"), true);
    assert!(e.title().contains("memory_ids"), "{}", e.title());
}

// ---- traces ------------------------------------------------------------------

#[test]
fn the_filter_schema_reads_every_field() {
    let raw = fixture("traces_filter_schema.json");
    let s = parse_filter_schema(&raw);
    assert_eq!(s.fields.len(), raw["fields"].as_array().unwrap().len());
    assert_eq!(s.logical, vec!["AND", "OR"]);
    let status = s.fields.iter().find(|f| f.key == "status").unwrap();
    assert_eq!(status.kind, "enum");
    assert_eq!(status.values, vec!["OK", "ERROR"]);
    assert!(status.operators.contains(&"IN".to_string()));
    let d = s.fields.iter().find(|f| f.key == "duration_ms").unwrap();
    assert_eq!(d.kind, "number");
    assert_eq!(d.label, "Duration (ms)");
}

#[test]
fn a_search_body_is_what_the_recorder_sent_and_its_answer_reads_as_traces() {
    let s = parse_filter_schema(&fixture("traces_filter_schema.json"));
    let conds = vec![
        Condition { key: "status".into(), op: "EQ".into(), value: "OK".into() },
        Condition { key: "user_id".into(), op: "CONTAINS".into(), value: " gaps ".into() },
    ];
    let body = search_body(&s, &conds, "AND", 1, 5).unwrap();
    let sent = json!({"op": "AND", "conditions": [{"op": "EQ", "key": "status", "value": "OK"},
                                                  {"op": "CONTAINS", "key": "user_id", "value": "gaps"}]});
    assert_eq!(body["filter"], sent);
    assert_eq!(body["group_by"], "run");
    let raw = fixture("traces_search.json");
    let (rows, meta) = parse_traces(&raw);
    assert!(!rows.is_empty());
    assert_eq!(rows.len(), raw["data"].as_array().unwrap().len());
    assert_eq!(meta.total_count, raw["meta"]["total_count"].as_u64().unwrap());
    assert_eq!(rows[0].trace_id, raw["data"][0]["trace_id"].as_str().unwrap());
    // One condition goes alone; none is no filter; IN and numbers are typed.
    let one = search_body(&s, &conds[..1], "OR", 2, 20).unwrap();
    assert_eq!(one["filter"], json!({"op": "EQ", "key": "status", "value": "OK"}));
    assert_eq!(one["page"], 2);
    assert!(search_body(&s, &[], "AND", 1, 20).unwrap().get("filter").is_none());
    let typed = search_body(&s, &[
        Condition { key: "status".into(), op: "IN".into(), value: "OK, ERROR,".into() },
        Condition { key: "duration_ms".into(), op: "GT".into(), value: "250".into() },
    ], "OR", 1, 20).unwrap();
    assert_eq!(typed["filter"]["op"], "OR");
    assert_eq!(typed["filter"]["conditions"][0], json!({"op": "IN", "key": "status", "values": ["OK", "ERROR"]}));
    assert_eq!(typed["filter"]["conditions"][1]["value"], json!(250));
}

#[test]
fn a_search_the_schema_does_not_allow_is_refused_before_sending() {
    let s = parse_filter_schema(&fixture("traces_filter_schema.json"));
    let c = |k: &str, o: &str, v: &str| Condition { key: k.into(), op: o.into(), value: v.into() };
    assert_eq!(search_body(&s, &[c("nope", "EQ", "x")], "AND", 1, 20), Err(SearchError::Unknown(1)));
    assert_eq!(search_body(&s, &[c("status", "EQ", "OK"), c("start_time", "EQ", "x")], "AND", 1, 20), Err(SearchError::Unknown(2)));
    assert_eq!(search_body(&s, &[c("run_id", "EQ", "  ")], "AND", 1, 20), Err(SearchError::Empty(1)));
    assert_eq!(search_body(&s, &[c("duration_ms", "GT", "fast")], "AND", 1, 20), Err(SearchError::NotNumber(1)));
    assert_eq!(search_body(&s, &[c("duration_ms", "GT", "inf")], "AND", 1, 20), Err(SearchError::NotNumber(1)));
    let e = ApiError::from_status(400, &text("error_400_traces_search.json"), true);
    assert!(e.title().contains("Unknown filter operator: LIKE"), "{}", e.title());
}

// ---- knowledge ---------------------------------------------------------------

#[test]
fn metadata_is_checked_as_a_json_object() {
    assert_eq!(metadata_field("  "), Ok(None));
    assert_eq!(metadata_field(r#"{"team": "docs", "n": 2}"#), Ok(Some(r#"{"n":2,"team":"docs"}"#.to_string())));
    assert!(metadata_field("[1]").unwrap_err().contains("JSON object"));
    assert!(metadata_field("not json").unwrap_err().contains("not valid JSON"));
    assert!(metadata_field(&format!("{{\"a\": \"{}\"}}", "x".repeat(MAX_METADATA_BYTES))).is_err());
}

#[test]
fn a_metadata_edit_answers_the_merged_metadata() {
    let raw = fixture("knowledge_patch_metadata.json");
    let c = Content::from_json(&raw);
    assert_eq!(c.metadata_json.get("team"), Some(&json!("docs")));
    assert_eq!(c.metadata_json.get("reviewed"), Some(&json!(true)));
    // agno merges: the seeded `source` key is still there; `_agno` is never shown.
    assert!(c.metadata_json.contains_key("source"));
    assert!(!c.metadata_json.contains_key("_agno"));
    let e = ApiError::from_status(400, &text("error_400_knowledge_metadata.json"), true);
    assert!(e.title().contains("Invalid JSON format for metadata"), "{}", e.title());
}

#[test]
fn refresh_delete_all_and_remote_paths_and_failures() {
    let t = Target { knowledge_id: "kb 1".into(), db_id: Some("db".into()) };
    assert_eq!(refresh_path(&t, "c/1"), "/knowledge/content/c%2F1/refresh?knowledge_id=kb%201&db_id=db");
    assert_eq!(delete_all_path(&t), "/knowledge/content?knowledge_id=kb%201&db_id=db");
    assert_eq!(remote_path(&t), "/knowledge/remote-content?knowledge_id=kb%201&db_id=db");
    let e = ApiError::from_status(400, &text("error_400_knowledge_refresh.json"), true);
    assert!(e.title().contains("no source URL"), "{}", e.title());
    let e = ApiError::from_status(404, &text("error_404_knowledge_refresh.json"), true);
    assert!(e.title().contains("Content not found"), "{}", e.title());
    let e = ApiError::from_status(400, &text("error_400_remote_content.json"), true);
    assert!(e.title().contains("Unknown content source"), "{}", e.title());
    assert_eq!(fixture("knowledge_delete_all.json"), json!("success"));
    assert!(parse_content_list(&fixture("knowledge_content_empty.json")).0.is_empty());
    assert_eq!(remote_fields("", "a", "", ""), Err("Choose a source.".into()));
    assert!(remote_fields("s3", " ", "", "").is_err());
    assert_eq!(remote_fields(" s3 ", " docs/ ", "N", ""), Ok(vec![("config_id", "s3".into()), ("path", "docs/".into()), ("name", "N".into())]));
}

#[test]
fn remote_sources_read_from_the_config_and_the_demo_has_none() {
    assert!(KnowledgeConfig::from_json(&fixture("knowledge_config.json")).remote_sources.is_empty());
    let cfg = KnowledgeConfig::from_json(&json!({"remote_content_sources": [
        {"id": "docs", "name": "Docs bucket", "type": "s3", "metadata": {}}, {"name": "no id"}, 7]}));
    assert_eq!(cfg.remote_sources.len(), 1);
    assert_eq!((cfg.remote_sources[0].id.as_str(), cfg.remote_sources[0].kind.as_str()), ("docs", "s3"));
}

// ---- hostile input -----------------------------------------------------------

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("fields".to_string()), Just("key".to_string()), Just("operators".to_string()),
                    Just("values".to_string()), Just("type".to_string()), Just("logical_operators".to_string()),
                    Just("memories".to_string()), Just("memory_id".to_string()), Just("reduction_percentage".to_string()),
                    Just("tokens_before".to_string()), Just("metadata".to_string()), Just("id".to_string()),
                    Just("remote_content_sources".to_string()), "[a-z_]{1,8}",
                ],
                inner,
                0..8,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000), failure_persistence: None, ..ProptestConfig::default() })]

    /// The new readers take any JSON without a panic, and stay bounded.
    #[test]
    fn hostile_answers_never_panic(v in json_value()) {
        let o = Optimized::from_json(&v);
        prop_assert!(o.reduction_percentage.is_finite());
        let s = parse_filter_schema(&v);
        prop_assert!(s.fields.len() <= MAX_SCHEMA_ITEMS);
        prop_assert!(!s.logical.is_empty());
        for f in &s.fields {
            prop_assert!(!f.key.is_empty() && !f.operators.is_empty());
            prop_assert!(f.operators.len() <= MAX_SCHEMA_ITEMS && f.values.len() <= MAX_SCHEMA_ITEMS);
        }
        let c = Content::from_json(&v);
        prop_assert!(!c.metadata_json.contains_key("_agno"));
        let _ = KnowledgeConfig::from_json(&v);
    }

    /// Anything typed into a search or the metadata box: an answer, never a panic.
    #[test]
    fn typed_input_never_panics(schema in json_value(), key in ".{0,8}", op in ".{0,6}", value in ".{0,24}", logical in ".{0,3}", meta in ".{0,40}") {
        let s = parse_filter_schema(&schema);
        let conds = vec![Condition { key, op, value }];
        if let Ok(b) = search_body(&s, &conds, &logical, 0, u64::MAX) {
            prop_assert!(b["limit"].as_u64().unwrap() <= 100);
            prop_assert!(b["page"].as_u64().unwrap() >= 1);
        }
        if let Ok(Some(m)) = metadata_field(&meta) {
            prop_assert!(serde_json::from_str::<Value>(&m).unwrap().is_object());
        }
    }
}
