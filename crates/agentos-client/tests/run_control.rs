//! Run control on recorded agno 3.1.10 streams: regenerate (with and
//! without instructions), the session fork's answer, a stored session with
//! regenerated runs, and an external-execution tool answered with a result.
//! Expectations come from the recorded frames, not from the demo's strings.

mod common;

use agentos_client::reducer::{runs_to_views, RunStatus, ToolStatus};
use agentos_client::runs::{
    can_regenerate, fill_results, fork_session_path, needs_result, ContinueRequest, ForkedSession, RegenerateRequest,
};
use agentos_client::{ComponentKind, FromJson};
use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

#[test]
fn regenerate_streams_a_new_run_into_a_fresh_view() {
    let before = view_of(&events("sse_runctl_first.sse"));
    for name in ["sse_regenerate.sse", "sse_regenerate_instructions.sse"] {
        let raw = raw(name);
        // No RunStarted: the new run begins with RunContinued, under a new id.
        assert!(raw.iter().all(|(e, _)| e != "RunStarted"), "{name}");
        let continued = first(&raw, "RunContinued");
        assert_ne!(continued["run_id"].as_str(), before.run_id.as_deref(), "{name}");
        let v = view_of(&events(name));
        assert_eq!(v.status, RunStatus::Completed, "{name}");
        assert_eq!(v.run_id.as_deref(), continued["run_id"].as_str(), "{name}");
        assert_eq!(v.content, str_of(first(&raw, "RunCompleted"), "content"), "{name}");
    }
    // The instructions reach the model as a user message: the fake LLM
    // echoes the latest one.
    let steered = view_of(&events("sse_regenerate_instructions.sse"));
    assert!(steered.content.contains("Be brief"), "{}", steered.content);
}

#[test]
fn regenerated_runs_are_left_out_of_the_history() {
    let stored = json("session_runs_regenerated.json");
    let runs = stored.as_array().expect("a list");
    let replaced: Vec<&str> = runs
        .iter()
        .filter(|r| r["status"] == "REGENERATED")
        .map(|r| r["run_id"].as_str().unwrap())
        .collect();
    assert_eq!(replaced.len(), 2, "the first answer and its regeneration");
    let views = runs_to_views(runs);
    assert_eq!(views.len(), runs.len() - replaced.len());
    assert!(views.iter().all(|v| !replaced.contains(&v.run_id.as_deref().unwrap_or_default())));
    // What is left is the latest answer, as completed.
    let last = runs.iter().rfind(|r| r["status"] == "COMPLETED").unwrap();
    assert_eq!(views.last().unwrap().content, str_of(last, "content"));
    assert_eq!(views.last().unwrap().status, RunStatus::Completed);
}

#[test]
fn regenerate_form_fields() {
    let r = RegenerateRequest { instructions: "  ".into(), session_id: Some("s".into()), user_id: Some(" ada ".into()) };
    assert_eq!(
        r.form_fields(),
        vec![
            ("regenerate", "true".to_string()),
            ("stream", "true".to_string()),
            ("session_id", "s".to_string()),
            ("user_id", "ada".to_string()),
        ]
    );
    // additional_instructions only travels with regenerate=true (3.1.10
    // drops it otherwise), trimmed; never fork (regenerate derives it).
    let r = RegenerateRequest { instructions: " Be brief \n".into(), ..Default::default() };
    let f = r.form_fields();
    assert!(f.contains(&("regenerate", "true".into())));
    assert!(f.contains(&("additional_instructions", "Be brief".into())));
    assert!(!f.iter().any(|(k, _)| matches!(*k, "fork" | "input" | "replace_original" | "background")));
    assert!(can_regenerate(ComponentKind::Agent) && can_regenerate(ComponentKind::Team));
    assert!(!can_regenerate(ComponentKind::Workflow));
}

#[test]
fn fork_path_and_answer() {
    assert_eq!(
        fork_session_path(ComponentKind::Agent, "a b", "s/1", Some(" u 1 ")).as_deref(),
        Some("/agents/a%20b/sessions/s%2F1/fork?user_id=u%201")
    );
    assert_eq!(fork_session_path(ComponentKind::Team, "t", "s", Some("")).as_deref(), Some("/teams/t/sessions/s/fork"));
    assert_eq!(fork_session_path(ComponentKind::Workflow, "w", "s", None), None);
    let f = ForkedSession::from_json(&json("fork_session.json"));
    assert!(f.session_id.is_some());
    assert_eq!(f.forked_from.as_deref(), Some("fx-runctl"));
    assert_ne!(f.session_id, f.forked_from);
    // Errors carry the server's reason in `detail`.
    assert_eq!(ForkedSession::from_json(&json("error_400_fork_empty.json")).session_id, None);
    assert!(json("error_400_fork_empty.json")["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

#[test]
fn external_tool_pauses_and_continues_with_the_result() {
    let paused = view_of(&events("sse_external_paused.sse"));
    assert_eq!(paused.status, RunStatus::Paused);
    let waiting = paused.paused_tool_views();
    assert_eq!(waiting.len(), 1);
    assert!(needs_result(&waiting[0].raw));
    assert_eq!(waiting[0].status, ToolStatus::AwaitingDecision);
    // The continue form: the paused tools with `result` filled in.
    let id = waiting[0].id.clone();
    let results = [(id.clone(), "42 bolts in stock".to_string())];
    let decided: Vec<Value> = serde_json::from_str(&ContinueRequest::decisions(
        ComponentKind::Agent,
        &paused.paused_tools,
        &paused.paused_requirements,
        &[(id.clone(), true)],
        &[],
        &results,
    ))
    .unwrap();
    assert_eq!(decided[0]["result"], "42 bolts in stock");
    assert_eq!(decided[0]["tool_call_id"], id.as_str());
    assert_eq!(decided[0]["external_execution_required"], true);
    // What the recorder sent, and what agno answered with it.
    let manifest = json("manifest.json");
    let sent = manifest["sse_external_continue.sse"]["request"].as_str().unwrap();
    assert!(sent.contains("\"tools\""), "{sent}");
    let mut after = paused.clone();
    after.mark_results(&results);
    assert_eq!(after.tools[0].result.as_deref(), Some("42 bolts in stock"));
    assert_eq!(after.tools[0].status, ToolStatus::Done);
    for ev in events("sse_external_continue.sse") {
        after.apply(&ev);
    }
    assert_eq!(after.status, RunStatus::Completed);
    assert!(after.content.contains("42 bolts in stock"), "{}", after.content);
    // The result stays on the tool card (agno sends no tool event for it).
    assert_eq!(after.tools[0].result.as_deref(), Some("42 bolts in stock"));
}

#[test]
fn results_fill_only_their_tools() {
    let paused = vec![json!({"tool_call_id": "a"}), json!("not an object"), json!({"tool_call_id": "b", "result": null})];
    let out = fill_results(&paused, &[("b".into(), "x".into()), ("".into(), "y".into())]);
    assert!(out[0].get("result").is_none());
    assert_eq!(out[1], "not an object");
    assert_eq!(out[2]["result"], "x");
    // A team: the result inside the requirement's tool execution.
    let reqs = vec![json!({"tool_execution": {"tool_call_id": "b", "external_execution_required": true}})];
    let out: Vec<Value> =
        serde_json::from_str(&ContinueRequest::decisions(ComponentKind::Team, &[], &reqs, &[("b".into(), true)], &[], &[("b".into(), "7".into())]))
            .unwrap();
    assert_eq!(out[0]["tool_execution"]["result"], "7");
    assert_eq!(out[0]["tool_execution"]["confirmed"], true);
    assert_eq!(out[0]["external_execution_result"], "7");
    // A member's tool asking for input: the values in both schemas.
    let reqs = vec![json!({
        "user_input_schema": [{"name": "recipient", "field_type": "str"}],
        "tool_execution": {"tool_call_id": "c", "requires_user_input": true,
                           "user_input_schema": [{"name": "recipient", "field_type": "str"}]}
    })];
    let answers = [("c".to_string(), "recipient".to_string(), " Ada ".to_string())];
    let out: Vec<Value> =
        serde_json::from_str(&ContinueRequest::decisions(ComponentKind::Team, &[], &reqs, &[("c".into(), true)], &answers, &[])).unwrap();
    assert_eq!(out[0]["user_input_schema"][0]["value"], "Ada");
    assert_eq!(out[0]["tool_execution"]["user_input_schema"][0]["value"], "Ada");
    assert!(out[0].get("external_execution_result").is_none());
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop_oneof![Just("session_id".to_string()), Just("forked_from_session_id".to_string()), Just("status".to_string()), Just("run_id".to_string()), ".{0,8}"], inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Hostile answers never panic the fork reader, the result filler or
    /// the history filter.
    #[test]
    fn hostile_input_never_panics(v in arb_json(), list in prop::collection::vec(arb_json(), 0..8), text in ".{0,30}") {
        let f = ForkedSession::from_json(&v);
        if let Some(s) = f.session_id {
            prop_assert!(!s.trim().is_empty());
        }
        let _ = needs_result(&v);
        let out = fill_results(&list, &[(text.clone(), text.clone())]);
        prop_assert_eq!(out.len(), list.len());
        let _ = ContinueRequest::decisions(ComponentKind::Team, &list, &list, &[(text.clone(), true)], &[], &[(text.clone(), text)]);
        let _ = runs_to_views(&list);
    }
}

/// The paused workflow's requirements as the run view holds them.
fn paused_steps(name: &str) -> agentos_client::reducer::RunView {
    let v = view_of(&events(name));
    assert_eq!(v.status, RunStatus::Paused, "{name}");
    v
}

#[test]
fn workflow_pauses_are_answered_in_the_shape_agno_reads() {
    use agentos_client::reducer::{step_pause, StepPause};
    use agentos_client::runs::{answer_steps, ROUTE_CHOICE};
    let decided = |reqs: &[Value], decisions: &[(String, bool)], answers: &[(String, String, String)]| -> Vec<Value> {
        serde_json::from_str(&ContinueRequest::decisions(ComponentKind::Workflow, &[], reqs, decisions, answers, &[])).unwrap()
    };

    // 1. A Router without a selector: pick a route among the available ones.
    let v = paused_steps("sse_workflow_route_paused.sse");
    let open = v.paused_tool_views();
    assert_eq!(open.len(), 1);
    let (key, pause) = step_pause(&open[0].raw).unwrap();
    assert_eq!(pause, StepPause::RouteSelection);
    assert_eq!(key, open[0].id);
    let routes: Vec<&str> = open[0].raw["available_choices"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(routes.len() >= 2, "{routes:?}");
    let out = decided(&v.paused_requirements, &[(key.clone(), true)], &[(key.clone(), ROUTE_CHOICE.into(), routes[1].into())]);
    assert_eq!(out[0]["selected_choices"], json!([routes[1]]));
    assert!(step_pause(&out[0]).is_none(), "answered");
    // What the recorder sent has the same shape.
    let sent = json("manifest.json")["sse_workflow_route_continue.sse"]["request"].as_str().unwrap().to_string();
    assert!(sent.contains("step_requirements"), "{sent}");

    // 2. A step asking for a value: user_input (and the schema's value).
    let v = paused_steps("sse_workflow_route_continue.sse");
    let open = v.paused_tool_views();
    assert_eq!(open.len(), 1);
    let fields = open[0].input_fields();
    assert_eq!(fields.len(), 1, "{:?}", open[0].raw);
    let key = open[0].id.clone();
    assert!(key.ends_with(":input"));
    let out = decided(&v.paused_requirements, &[(key.clone(), true)], &[(key.clone(), fields[0].name.clone(), " the team ".into())]);
    let answered = out.iter().find(|r| r.get("user_input").is_some_and(|u| !u.is_null())).expect("answered");
    assert_eq!(answered["user_input"][&fields[0].name], "the team");
    assert_eq!(answered["user_input_schema"][0]["value"], "the team");
    // The answered route stays as it was sent before.
    assert!(out.iter().any(|r| r["selected_choices"].is_array()));

    // 3. A review of the step's output: confirmed (or rejected with feedback).
    let v = paused_steps("sse_workflow_input_continue.sse");
    let open = v.paused_tool_views();
    assert_eq!(open.len(), 1);
    let key = open[0].id.clone();
    assert_eq!(step_pause(&open[0].raw).map(|p| p.1), Some(StepPause::OutputReview));
    assert!(open[0].requires_confirmation);
    let out = decided(&v.paused_requirements, &[(key.clone(), false)], &[]);
    let reviewed = out.iter().find(|r| r["requires_output_review"] == true).unwrap();
    assert_eq!(reviewed["confirmed"], false);
    assert!(reviewed["rejection_feedback"].is_string());
    // The user-input requirement of the same step is left alone.
    let input = out.iter().find(|r| r["requires_user_input"] == true).unwrap();
    assert!(input.get("confirmed").is_none_or(Value::is_null));
    let out = answer_steps(&v.paused_requirements, &[(key, true)], &[]);
    assert_eq!(out.iter().find(|r| r["requires_output_review"] == true).unwrap()["confirmed"], true);
    // And the workflow completed with it.
    let done = view_of(&events("sse_workflow_review_continue.sse"));
    assert_eq!(done.status, RunStatus::Completed);
}

proptest! {
    /// Hostile step requirements never panic the pause reader or the answers.
    #[test]
    fn hostile_step_requirements_never_panic(list in prop::collection::vec(arb_json(), 0..8), text in ".{0,20}") {
        for r in &list {
            let _ = agentos_client::reducer::step_pause(r);
        }
        let answers = [(text.clone(), agentos_client::runs::ROUTE_CHOICE.to_string(), text.clone()), (text.clone(), text.clone(), text.clone())];
        let out = agentos_client::runs::answer_steps(&list, &[(text.clone(), false)], &answers);
        prop_assert_eq!(out.len(), list.len());
    }
}
