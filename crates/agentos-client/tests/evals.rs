//! Eval runs recorded from the demo AgentOS (one of each type, judged by the
//! stand-in LLM) decode into what the Evals page shows; the form's checks
//! and the request bodies follow agno 3.1.10's rules.

use agentos_client::evals::*;
use agentos_client::json::FromJson;
use agentos_client::ComponentKind;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

#[test]
fn each_eval_type_reads_its_result() {
    let accuracy = EvalRun::from_json(&fixture("eval_accuracy.json"));
    assert_eq!(accuracy.eval_type, "accuracy");
    assert_eq!(accuracy.component(), Some((ComponentKind::Agent, "calculator-agent")));
    assert_eq!(accuracy.avg_score, Some(10.0));
    assert_eq!(accuracy.cases.len(), 2, "two iterations");
    assert_eq!(accuracy.cases[0].expected_output.as_deref(), Some("84"));
    assert!(accuracy.cases[0].output.as_deref().unwrap().contains("84"));
    assert_eq!(accuracy.headline(), "score 10/10");

    let judge = EvalRun::from_json(&fixture("eval_agent_as_judge.json"));
    assert_eq!(judge.pass_rate, Some(100.0));
    assert_eq!(judge.cases[0].passed, Some(true));
    assert_eq!(judge.cases[0].score, Some(9.0));
    assert_eq!(judge.headline(), "100% passed, score 9/10");

    let perf = EvalRun::from_json(&fixture("eval_performance.json"));
    let p = perf.performance.clone().unwrap();
    assert_eq!(p.runs.len(), 2);
    assert!(p.avg_run_time.unwrap() > 0.0);
    assert!(perf.headline().ends_with(" s on average"));

    let rel = EvalRun::from_json(&fixture("eval_reliability.json"));
    assert_eq!(rel.status.as_deref(), Some("FAILED"));
    assert_eq!(rel.tool_calls.passed, vec!["add"]);
    assert_eq!(rel.tool_calls.missing, vec!["multiply"]);
    assert_eq!(rel.headline(), "FAILED");
    let team = EvalRun::from_json(&fixture("eval_team_reliability.json"));
    assert_eq!(team.component(), Some((ComponentKind::Team, "research-team")));
}

#[test]
fn the_stored_list_reads_the_same_results() {
    let raw = fixture("eval_runs.json");
    let (rows, meta) = parse_eval_runs(&raw);
    assert_eq!(rows.len(), raw["data"].as_array().unwrap().len());
    assert_eq!(meta.total_count, raw["meta"]["total_count"].as_u64().unwrap());
    // Stored performance data is nested ({result, runs}), unlike the POST answer.
    let perf = rows.iter().find(|r| r.eval_type == "performance").unwrap();
    let p = perf.performance.as_ref().unwrap();
    assert_eq!(p.runs.len(), 2);
    assert!(p.avg_run_time.is_some() && p.runs[0].1.is_some());
    // Stored runs carry what they were run with: the expected tool calls.
    let rel = rows.iter().find(|r| r.name.as_deref() == Some("Fixture reliability")).unwrap();
    assert_eq!(rel.tool_calls.expected, vec!["add", "multiply"]);
    assert!(rel.created_at.as_deref().unwrap().ends_with('Z'));
    let (filtered, _) = parse_eval_runs(&fixture("eval_runs_filtered.json"));
    assert!(filtered.iter().all(|r| matches!(r.eval_type.as_str(), "accuracy" | "reliability")));
    assert_eq!(EvalRun::from_json(&fixture("eval_rename.json")).name.as_deref(), Some("Fixture accuracy (renamed)"));
}

#[test]
fn filters_and_bodies() {
    assert_eq!(eval_runs_path(&EvalFilter::default()), "/eval-runs?limit=20&page=1&sort_by=created_at&sort_order=desc");
    let f = EvalFilter { component_kind: "team".into(), component_id: "t 1".into(), model_id: "m".into(), eval_type: "accuracy".into(), page: 2, limit: 10 };
    assert!(f.is_filtered());
    assert_eq!(eval_runs_path(&f), "/eval-runs?limit=10&page=2&sort_by=created_at&sort_order=desc&team_id=t%201&model_id=m&eval_types=accuracy");
    assert_eq!(rename_body("  x "), Some(json!({"name": "x"})));
    assert_eq!(rename_body("  "), None);
    assert_eq!(rename_body(&"a".repeat(256)), None);
    assert_eq!(delete_body(&["a".into(), "b".into()]), json!({"eval_run_ids": ["a", "b"]}));
    assert_eq!(eval_run_path("a/b"), "/eval-runs/a%2Fb");
}

#[test]
fn the_form_is_checked_before_sending() {
    let base = EvalRequest {
        eval_type: "accuracy".into(),
        component_kind: "agent".into(),
        component_id: "calculator-agent".into(),
        input: "What is 12 * 7?".into(),
        model_id: "gpt-4o-mini-fake".into(),
        model_provider: "OpenAI".into(),
        ..Default::default()
    };
    assert_eq!(base.body().unwrap_err(), "An accuracy eval needs the expected output");
    let ok = EvalRequest { expected_output: " 84 ".into(), iterations: "2".into(), ..base.clone() };
    assert_eq!(
        ok.body().unwrap(),
        json!({"eval_type": "accuracy", "agent_id": "calculator-agent", "input": "What is 12 * 7?", "expected_output": "84",
               "model_id": "gpt-4o-mini-fake", "model_provider": "OpenAI", "num_iterations": 2})
    );
    assert!(EvalRequest { iterations: "0".into(), ..ok.clone() }.body().unwrap_err().contains("1 to 100"));
    assert!(EvalRequest { iterations: "abc".into(), ..ok.clone() }.body().is_err());
    assert!(EvalRequest { model_provider: "".into(), ..ok.clone() }.body().unwrap_err().contains("neither"));
    assert!(EvalRequest { input: " ".into(), ..ok.clone() }.body().is_err());
    assert!(EvalRequest { component_kind: "workflow".into(), ..ok.clone() }.body().is_err());
    assert!(EvalRequest { eval_type: "vibes".into(), ..ok.clone() }.body().is_err());

    let judge = EvalRequest { eval_type: "agent_as_judge".into(), ..base.clone() };
    assert!(judge.body().unwrap_err().contains("criteria"));
    let judge = EvalRequest { criteria: "c".into(), scoring_strategy: "numeric".into(), threshold: "11".into(), ..judge };
    assert!(judge.body().unwrap_err().contains("threshold"));
    let judge = EvalRequest { threshold: "8".into(), ..judge };
    let b = judge.body().unwrap();
    assert_eq!((b["scoring_strategy"].clone(), b["threshold"].clone()), (json!("numeric"), json!(8)));

    let rel = EvalRequest { eval_type: "reliability".into(), component_kind: "team".into(), component_id: "t".into(), ..base.clone() };
    assert!(rel.body().unwrap_err().contains("tool calls"));
    let b = EvalRequest { expected_tool_calls: "add, ,multiply".into(), ..rel }.body().unwrap();
    assert_eq!(b["expected_tool_calls"], json!(["add", "multiply"]));
    assert_eq!(b["team_id"], json!("t"));
    // The judge model is not sent where no judge runs.
    assert!(b.get("model_id").is_none());

    let perf = EvalRequest { eval_type: "performance".into(), warmup_runs: "11".into(), ..base };
    assert!(perf.body().unwrap_err().contains("Warm-up"));
}

#[test]
fn hostile_results_stay_bounded() {
    let many: Vec<Value> = (0..10_000).map(|i| json!({"runtime": i as f64, "memory": "x"})).collect();
    let v = json!({"id": "p", "eval_type": "performance", "eval_data": {"runs": many, "result": {"avg_run_time": "fast"}}});
    let r = EvalRun::from_json(&v);
    let p = r.performance.unwrap();
    assert_eq!(p.runs.len(), RUNS_SHOWN_MAX);
    assert_eq!(p.runs[0].1, None);
    assert_eq!(p.avg_run_time, None);
    for v in [json!(null), json!({"eval_data": [1], "eval_input": "x"}), json!({"id": "a", "eval_type": "accuracy", "eval_data": {"results": {"a": 1}}})] {
        let r = EvalRun::from_json(&v);
        assert!(r.cases.is_empty());
        assert_eq!(r.input, Value::Null);
    }
    assert_eq!(EvalRun::from_json(&json!({"id": "a", "eval_type": "accuracy", "eval_data": {"results": []}})).headline(),
               "no result (the judge did not answer)");
    assert_eq!(short(9.96), "10");
    assert_eq!(short(9.44), "9.4");
    assert_eq!(short(0.05), "0.1");
    assert_eq!(short(-9.5), "-9.5");
    assert_eq!(short(-0.04), "0");
    assert_eq!(short(f64::NAN), "0");
    assert_eq!(seconds(0.0994), "0.099");
    assert_eq!(seconds(12.3456), "12.346");
    assert_eq!(seconds(-0.25), "-0.250");
    assert_eq!(seconds(1.0), "1.000");
}

#[test]
fn an_unnamed_eval_is_called_by_its_type_and_what_it_evaluated() {
    let mut raw = fixture("eval_accuracy.json");
    raw["name"] = Value::Null;
    let e = EvalRun::from_json(&raw);
    // The recording names no component: its id then.
    assert_eq!(e.display_name(), "Accuracy eval of calculator-agent");
    raw["evaluated_component_name"] = json!("Calculator");
    assert_eq!(EvalRun::from_json(&raw).display_name(), "Accuracy eval of Calculator");
    // Nothing to call it by but its id: the id's start, not a 36-character heading.
    raw["evaluated_component_name"] = Value::Null;
    raw["agent_id"] = Value::Null;
    let id: String = raw["id"].as_str().unwrap().chars().take(8).collect();
    assert_eq!(EvalRun::from_json(&raw).display_name(), format!("Accuracy eval {id}"));
    // A name is used as it is.
    raw["name"] = json!("Nightly maths");
    assert_eq!(EvalRun::from_json(&raw).display_name(), "Nightly maths");
}
