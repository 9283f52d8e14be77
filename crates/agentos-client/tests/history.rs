//! Session history: the stored runs of a session (`GET /sessions/{id}/runs`)
//! rebuilt into views that match what the live stream of the same run
//! showed.

mod common;

use agentos_client::events::RunKind;
use agentos_client::reducer::{runs_to_views, RunStatus, RunView, ToolStatus};
use common::*;
use serde_json::{json, Value};

fn stored(name: &str) -> Vec<Value> {
    json(name).as_array().unwrap_or_else(|| panic!("{name} is not a list")).clone()
}

fn live(name: &str) -> RunView {
    view_of(&events(name))
}

/// The parts of a view a person sees, compared between live and history.
fn same_as_live(history: &RunView, live: &RunView, what: &str) {
    assert_eq!(history.run_id, live.run_id, "{what}: run_id");
    assert_eq!(history.kind, live.kind, "{what}: kind");
    assert_eq!(history.component_id, live.component_id, "{what}: component");
    assert_eq!(history.status, live.status, "{what}: status");
    assert_eq!(history.content, live.content, "{what}: content");
    assert_eq!(history.tools.len(), live.tools.len(), "{what}: tools");
    for (h, l) in history.tools.iter().zip(&live.tools) {
        assert_eq!(h.id, l.id, "{what}: tool id");
        assert_eq!(h.name, l.name, "{what}: tool name");
        assert_eq!(h.args, l.args, "{what}: tool args");
        assert_eq!(h.result, l.result, "{what}: tool result");
        assert_eq!(h.status, l.status, "{what}: tool status");
        assert_eq!(h.child_run_id, l.child_run_id, "{what}: child run");
    }
    let tokens = |v: &RunView| v.metrics.as_ref().and_then(|m| m.total_tokens);
    assert_eq!(tokens(history), tokens(live), "{what}: tokens");
    assert_eq!(history.references, live.references, "{what}: references");
    assert_eq!(history.members.len(), live.members.len(), "{what}: members");
    for (h, l) in history.members.iter().zip(&live.members) {
        assert_eq!(h.parent_run_id, l.parent_run_id, "{what}: member parent");
        same_as_live(h, l, &format!("{what} > member"));
    }
    assert_eq!(history.steps.len(), live.steps.len(), "{what}: steps");
    for (h, l) in history.steps.iter().zip(&live.steps) {
        assert_eq!(h.name, l.name, "{what}: step name");
        assert_eq!(h.step_id, l.step_id, "{what}: step id");
        assert_eq!(h.status, l.status, "{what}: step status");
        assert_eq!(h.output, l.output, "{what}: step output");
        assert_eq!(h.runs.len(), l.runs.len(), "{what}: step runs");
        for (hr, lr) in h.runs.iter().zip(&l.runs) {
            same_as_live(hr, lr, &format!("{what} > step {}", h.name));
        }
    }
}

#[test]
fn agent_history_matches_the_live_run() {
    let runs = stored("session_runs_agent.json");
    let views = runs_to_views(&runs);
    let live = live("sse_agent_tool.sse");
    let h = views.iter().find(|v| v.run_id == live.run_id).expect("the live run is in the session");
    same_as_live(h, &live, "agent");
    let stored_run = runs.iter().find(|r| r["run_id"].as_str() == live.run_id.as_deref()).unwrap();
    assert_eq!(h.input.as_deref(), stored_run["run_input"].as_str());
    assert!(!h.reasoning.is_empty());
    assert_eq!(views.len(), runs.iter().filter(|r| r["parent_run_id"].as_str().unwrap_or("").is_empty()).count());
}

#[test]
fn team_history_nests_members_under_the_team() {
    let runs = stored("session_runs_team.json");
    let views = runs_to_views(&runs);
    let live = live("sse_team.sse");
    let tops = runs.iter().filter(|r| r["parent_run_id"].as_str().unwrap_or("").is_empty()).count();
    assert_eq!(views.len(), tops, "members are not top-level");
    let h = views.iter().find(|v| v.run_id == live.run_id).unwrap();
    assert_eq!(h.kind, Some(RunKind::Team));
    same_as_live(h, &live, "team");
    let member = &h.members[0];
    let stored_member = runs.iter().find(|r| r["run_id"].as_str() == member.run_id.as_deref()).unwrap();
    assert_eq!(member.parent_run_id.as_deref(), stored_member["parent_run_id"].as_str());
    assert_eq!(h.tools[0].child_run_id, member.run_id);
}

#[test]
fn workflow_history_has_steps_with_their_agent_runs() {
    let runs = stored("session_runs_workflow.json");
    let views = runs_to_views(&runs);
    let live = live("sse_workflow.sse");
    let h = views.iter().find(|v| v.run_id == live.run_id).unwrap();
    assert_eq!(h.kind, Some(RunKind::Workflow));
    same_as_live(h, &live, "workflow");
    // agno stores the step's agent run as CANCELLED although it completed.
    let stored_exec = &runs.iter().find(|r| r["run_id"].as_str() == live.run_id.as_deref()).unwrap()["step_executor_runs"][0];
    if stored_exec["status"] == "CANCELLED" {
        assert_eq!(h.steps[0].runs[0].status, RunStatus::Completed);
    }
}

#[test]
fn stored_error_paused_and_orphan_runs() {
    let runs = stored("session_runs_agent.json");
    let mut failed = runs[0].clone();
    failed["status"] = json!("ERROR");
    failed["content"] = json!("provider said no");
    let v = RunView::from_run_json(&failed);
    assert_eq!(v.status, RunStatus::Error);
    assert_eq!(v.error.as_ref().unwrap().message, "provider said no");
    assert!(v.content.is_empty());

    let mut paused = runs[0].clone();
    paused["status"] = json!("PAUSED");
    paused["tools"][0]["requires_confirmation"] = json!(true);
    paused["tools"][0]["confirmed"] = Value::Null;
    paused["tools"][0]["result"] = Value::Null;
    let v = RunView::from_run_json(&paused);
    assert_eq!(v.status, RunStatus::Paused);
    assert_eq!(v.paused_tools, vec![paused["tools"][0].clone()]);
    assert_eq!(v.tools[0].status, ToolStatus::AwaitingDecision);

    // A member whose team is not in the list stays top-level; a parent
    // cycle does not hang.
    let team = stored("session_runs_team.json");
    let member = team.iter().find(|r| !r["parent_run_id"].as_str().unwrap_or("").is_empty()).unwrap().clone();
    assert_eq!(runs_to_views(std::slice::from_ref(&member)).len(), 1);
    let mut a = member.clone();
    let mut b = member.clone();
    a["run_id"] = json!("A");
    a["parent_run_id"] = json!("B");
    b["run_id"] = json!("B");
    b["parent_run_id"] = json!("A");
    let views = runs_to_views(&[a, b, json!("not an object")]);
    assert_eq!(views.len(), 1);
    assert!(views[0].find("A").is_some() && views[0].find("B").is_some());
}
