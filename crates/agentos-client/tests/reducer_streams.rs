//! The reducer on every recorded stream. Expectations are read from the
//! recorded frames themselves (final content from RunCompleted, tool names
//! from ToolCallStarted, member ids from the member frames, ...), not from
//! the demo's strings.

mod common;

use agentos_client::events::{parse_event, RunBody, RunEvent, RunKind};
use agentos_client::reducer::{RunStatus, RunView, ToolStatus};
use agentos_client::runs::{answer_tools, confirm_requirements, confirm_steps, confirm_tools};
use common::*;
use serde_json::{json, Value};

fn view(name: &str) -> RunView {
    view_of(&events(name))
}

/// Concatenation of the string `content` of the given frames.
fn deltas(frames: &[&Value]) -> String {
    frames.iter().filter_map(|v| v["content"].as_str()).collect()
}

fn metric(v: &Value, key: &str) -> Option<u64> {
    v["metrics"][key].as_u64()
}

#[test]
fn plain_agent_run() {
    let raw = raw("sse_agent_plain.sse");
    let v = view("sse_agent_plain.sse");
    let started = first(&raw, "RunStarted");
    let done = first(&raw, "RunCompleted");
    assert_eq!(v.kind, Some(RunKind::Agent));
    assert_eq!(v.status, RunStatus::Completed);
    assert!(!v.is_running());
    assert_eq!(v.run_id.as_deref(), started["run_id"].as_str());
    assert_eq!(v.session_id.as_deref(), started["session_id"].as_str());
    assert_eq!(v.component_id.as_deref(), started["agent_id"].as_str());
    assert_eq!(v.name.as_deref(), started["agent_name"].as_str());
    assert_eq!(v.display_name(), str_of(started, "agent_name"));
    assert_eq!(v.model.as_deref(), started["model"].as_str());
    assert_eq!(v.content, str_of(done, "content"));
    assert!(!v.content.is_empty());
    let m = v.metrics.as_ref().expect("metrics");
    assert_eq!(m.total_tokens, metric(done, "total_tokens"));
    assert_eq!(m.input_tokens, metric(done, "input_tokens"));
    assert_eq!(m.duration, done["metrics"]["duration"].as_f64());
    assert!(v.members.is_empty() && v.steps.is_empty() && v.tools.is_empty());
    assert_eq!(v.malformed_count, 0);
    assert_eq!(v.last_event_index, None, "a plain stream has no event_index");
    assert_eq!(v.applied, raw.len());
}

/// While streaming, the content is the deltas so far (appended, not replaced).
#[test]
fn content_accumulates_from_deltas_until_the_final_content() {
    for name in ["sse_agent_plain.sse", "sse_markdown.sse", "sse_xss.sse", "sse_agent_knowledge_memory.sse"] {
        let raw = raw(name);
        let evs = events(name);
        let mut v = RunView::default();
        let mut expected = String::new();
        for ((ev_name, data), ev) in raw.iter().zip(&evs) {
            v.apply(ev);
            if ev_name == "RunContent" {
                expected.push_str(data["content"].as_str().unwrap_or_default());
                assert_eq!(v.content, expected, "{name}");
                assert!(v.is_running());
            }
        }
        let done = first(&raw, "RunCompleted");
        assert_eq!(v.content, str_of(done, "content"), "{name}: the final content wins");
        assert_eq!(deltas(&all(&raw, "RunContent")), str_of(done, "content"), "{name}: the deltas add up");
    }
    // The XSS answer is kept as text: escaping is the renderer's job.
    let v = view("sse_xss.sse");
    assert!(v.content.contains("<script>"), "{}", v.content);
}

#[test]
fn tool_call_and_reasoning() {
    let raw = raw("sse_agent_tool.sse");
    let v = view("sse_agent_tool.sse");
    let started = all(&raw, "ToolCallStarted");
    let completed = all(&raw, "ToolCallCompleted");
    assert_eq!(v.tools.len(), started.len());
    for (tool, (s, c)) in v.tools.iter().zip(started.iter().zip(&completed)) {
        assert_eq!(tool.id, str_of(&s["tool"], "tool_call_id"));
        assert_eq!(tool.name, str_of(&s["tool"], "tool_name"));
        assert_eq!(tool.args, s["tool"]["tool_args"]);
        assert_eq!(tool.result.as_deref(), c["tool"]["result"].as_str());
        assert_eq!(tool.duration, c["tool"]["metrics"]["duration"].as_f64());
        assert_eq!(tool.status, ToolStatus::Done);
        assert_eq!(tool.error, None);
        assert!(!tool.requires_confirmation);
        assert_eq!(tool.raw, c["tool"]);
    }
    let reasoning: String = all(&raw, "ReasoningContentDelta").iter().filter_map(|d| d["reasoning_content"].as_str()).collect();
    assert!(!reasoning.is_empty());
    assert_eq!(v.reasoning, reasoning);
    assert!(!v.reasoning_active);
    assert_eq!(v.content, str_of(first(&raw, "RunCompleted"), "content"));
    assert_eq!(v.status, RunStatus::Completed);
}

#[test]
fn tool_card_while_running() {
    let raw = raw("sse_agent_tool.sse");
    let evs = events("sse_agent_tool.sse");
    let mut v = RunView::default();
    for ((name, _), ev) in raw.iter().zip(&evs) {
        v.apply(ev);
        if name == "ToolCallStarted" {
            assert_eq!(v.tools.last().unwrap().status, ToolStatus::Running);
            assert_eq!(v.tools.last().unwrap().result, None);
        }
        if name == "ReasoningStarted" {
            assert!(v.reasoning_active);
        }
        if name == "ModelRequestCompleted" {
            assert!(v.metrics.as_ref().and_then(|m| m.total_tokens).unwrap_or(0) > 0, "live token count");
        }
    }
}

#[test]
fn knowledge_references_and_memories() {
    let raw = raw("sse_agent_knowledge_memory.sse");
    let v = view("sse_agent_knowledge_memory.sse");
    let done = first(&raw, "RunCompleted");
    let expected: usize =
        done["references"].as_array().unwrap().iter().map(|g| g["references"].as_array().map_or(0, Vec::len)).sum();
    assert!(expected > 0, "the fixture has references");
    assert_eq!(v.references.len(), expected);
    let first_doc = &done["references"][0]["references"][0];
    assert_eq!(v.references[0].name.as_deref(), first_doc["name"].as_str());
    assert_eq!(v.references[0].content, str_of(first_doc, "content"));
    assert_eq!(v.references[0].query.as_deref(), done["references"][0]["query"].as_str());
    let memories = first(&raw, "MemoryUpdateCompleted")["memories"].as_array().unwrap().len();
    assert_eq!(v.memories_updated, Some(memories));
    let user = str_of(&first(&raw, "MemoryUpdateCompleted")["memories"][0], "user_id");
    assert_eq!(v.memories_user.as_deref(), Some(user));
    assert!(!v.memory_updating);
    let tool = first(&raw, "ToolCallStarted");
    assert_eq!(v.tools[0].name, str_of(&tool["tool"], "tool_name"));
    assert_eq!(v.status, RunStatus::Completed);
}

#[test]
fn memory_update_in_progress() {
    let raw = raw("sse_agent_knowledge_memory.sse");
    let evs = events("sse_agent_knowledge_memory.sse");
    let upto = raw.iter().position(|(n, _)| n == "MemoryUpdateStarted").unwrap();
    let v = view_of(&evs[..=upto]);
    assert!(v.memory_updating);
    assert_eq!(v.memories_updated, None);
    assert_eq!(v.memories_user, None);
}

#[test]
fn team_members_nest_under_the_team_run() {
    let raw = raw("sse_team.sse");
    let v = view("sse_team.sse");
    let team_started = first(&raw, "TeamRunStarted");
    let team_id = str_of(team_started, "run_id");
    let member_frames: Vec<&Value> = raw.iter().filter(|(_, d)| d["parent_run_id"].is_string()).map(|(_, d)| d).collect();
    assert!(!member_frames.is_empty());
    let member_id = str_of(member_frames[0], "run_id");
    assert!(member_frames.iter().all(|d| d["run_id"] == member_id && d["parent_run_id"] == team_id));

    assert_eq!(v.kind, Some(RunKind::Team));
    assert_eq!(v.run_id.as_deref(), Some(team_id));
    assert_eq!(v.name.as_deref(), team_started["team_name"].as_str());
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.content, str_of(first(&raw, "TeamRunCompleted"), "content"));
    assert_eq!(v.members.len(), 1);
    let m = &v.members[0];
    assert_eq!(m.run_id.as_deref(), Some(member_id));
    assert_eq!(m.parent_run_id.as_deref(), Some(team_id));
    assert_eq!(m.kind, Some(RunKind::Agent));
    assert_eq!(m.name.as_deref(), member_frames[0]["agent_name"].as_str());
    assert_eq!(m.status, RunStatus::Completed);
    assert_eq!(m.content, str_of(first(&raw, "RunCompleted"), "content"));
    let member_reasoning: String =
        all(&raw, "ReasoningContentDelta").iter().filter_map(|d| d["reasoning_content"].as_str()).collect();
    assert_eq!(m.reasoning, member_reasoning);
    assert!(v.reasoning.is_empty(), "the member's reasoning is not the team's");
    assert_eq!(m.tools.len(), 1);
    assert_eq!(m.tools[0].name, str_of(&first(&raw, "ToolCallStarted")["tool"], "tool_name"));
    // The team's own delegation tool points at the member run.
    let delegate = first(&raw, "TeamToolCallCompleted");
    assert_eq!(v.tools.len(), 1);
    assert_eq!(v.tools[0].name, str_of(&delegate["tool"], "tool_name"));
    assert_eq!(v.tools[0].child_run_id.as_deref(), Some(member_id));
    assert_eq!(v.find(member_id).map(|r| r.content.clone()), Some(m.content.clone()));
    // Team metrics are the team's, not the member's.
    assert_eq!(v.metrics.as_ref().unwrap().total_tokens, metric(first(&raw, "TeamRunCompleted"), "total_tokens"));
    assert_eq!(m.metrics.as_ref().unwrap().total_tokens, metric(first(&raw, "RunCompleted"), "total_tokens"));
}

#[test]
fn team_content_while_the_member_streams() {
    let raw = raw("sse_team.sse");
    let evs = events("sse_team.sse");
    let at = raw.iter().position(|(n, _)| n == "RunCompleted").unwrap();
    let v = view_of(&evs[..at]);
    let team_deltas = deltas(&raw[..at].iter().filter(|(n, _)| n == "TeamRunContent").map(|(_, d)| d).collect::<Vec<_>>());
    assert_eq!(v.content, team_deltas, "member deltas do not leak into the team's answer");
    assert_eq!(v.status, RunStatus::Running);
    assert_eq!(v.members[0].status, RunStatus::Running);
    let member_deltas = deltas(&raw[..at].iter().filter(|(n, _)| n == "RunContent").map(|(_, d)| d).collect::<Vec<_>>());
    assert_eq!(v.members[0].content, member_deltas);
    assert_eq!(v.tools[0].status, ToolStatus::Running, "the delegation is still running");
}

#[test]
fn workflow_steps_in_order_with_their_agent_runs() {
    let raw = raw("sse_workflow.sse");
    let v = view("sse_workflow.sse");
    let wf = first(&raw, "WorkflowStarted");
    assert_eq!(v.kind, Some(RunKind::Workflow));
    assert_eq!(v.run_id.as_deref(), wf["run_id"].as_str());
    assert_eq!(v.name.as_deref(), wf["workflow_name"].as_str());
    assert_eq!(v.status, RunStatus::Completed);
    let done = first(&raw, "WorkflowCompleted");
    assert_eq!(v.content, str_of(done, "content"));

    let step_names: Vec<&str> = all(&raw, "StepStarted").iter().map(|s| str_of(s, "step_name")).collect();
    let got: Vec<&str> = v.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(got, step_names);
    for (i, step) in v.steps.iter().enumerate() {
        assert_eq!(step.status, RunStatus::Completed, "step {}", step.name);
        assert_eq!(step.index, vec![i as u64]);
        let completed = all(&raw, "StepCompleted").into_iter().find(|c| c["step_name"] == step.name.as_str()).unwrap();
        assert_eq!(step.output.as_deref(), completed["content"].as_str(), "step {}", step.name);
        assert_eq!(step.step_id.as_deref(), completed["step_id"].as_str());
    }
    // The function step's StepOutput.
    let out = first(&raw, "StepOutput");
    let step = v.steps.iter().find(|s| s.name == str_of(out, "step_name")).unwrap();
    assert_eq!(step.output.as_deref(), out["step_output"]["content"].as_str());
    assert_eq!(step.executor_type.as_deref(), out["step_output"]["executor_type"].as_str());

    // The agent run sits in its step, not among members.
    let agent_frames: Vec<&Value> = raw.iter().filter(|(_, d)| d["workflow_run_id"].is_string()).map(|(_, d)| d).collect();
    let agent_run = str_of(agent_frames[0], "run_id");
    let agent_step = str_of(agent_frames[0], "step_id");
    assert!(v.members.is_empty());
    let step = v.steps.iter().find(|s| s.step_id.as_deref() == Some(agent_step)).unwrap();
    assert_eq!(step.runs.len(), 1);
    let run = &step.runs[0];
    assert_eq!(run.run_id.as_deref(), Some(agent_run));
    assert_eq!(run.status, RunStatus::Completed);
    assert_eq!(run.content, str_of(first(&raw, "RunCompleted"), "content"));
    assert_eq!(run.tools.len(), all(&raw, "ToolCallStarted").len());
    assert_eq!(run.memories_updated, Some(first(&raw, "MemoryUpdateCompleted")["memories"].as_array().unwrap().len()));
    assert!(!run.references.is_empty() || first(&raw, "RunCompleted")["references"].is_null());
    let total: Option<f64> = done["metrics"]["duration"].as_f64();
    assert_eq!(v.metrics.as_ref().unwrap().duration, total);
}

#[test]
fn workflow_step_is_running_mid_stream() {
    let raw = raw("sse_workflow.sse");
    let evs = events("sse_workflow.sse");
    let at = raw.iter().position(|(n, _)| n == "RunContent").unwrap() + 3;
    let v = view_of(&evs[..at]);
    assert_eq!(v.steps.len(), 1);
    assert_eq!(v.steps[0].status, RunStatus::Running);
    assert_eq!(v.steps[0].runs[0].status, RunStatus::Running);
    assert!(v.is_running());
}

#[test]
fn paused_run_keeps_the_tools_to_confirm() {
    let raw = raw("sse_paused.sse");
    let v = view("sse_paused.sse");
    let paused = first(&raw, "RunPaused");
    let tools = paused["tools"].as_array().unwrap();
    assert!(!tools.is_empty());
    assert_eq!(v.status, RunStatus::Paused);
    assert!(!v.is_running());
    assert_eq!(&v.paused_tools, tools, "the raw tool JSON, unchanged");
    let waiting = v.paused_tool_views();
    assert_eq!(waiting.len(), tools.len());
    assert_eq!(waiting[0].id, str_of(&tools[0], "tool_call_id"));
    assert_eq!(waiting[0].name, str_of(&tools[0], "tool_name"));
    assert!(waiting[0].requires_confirmation);
    assert_eq!(waiting[0].status, ToolStatus::AwaitingDecision);
    assert_eq!(v.notice.as_deref(), paused["content"].as_str());
    // What the chat sends back to /continue.
    let id = waiting[0].id.clone();
    let sent: Vec<Value> = serde_json::from_str(&confirm_tools(&v.paused_tools, &[(id, true)], None)).unwrap();
    assert_eq!(sent[0]["confirmed"], json!(true));
    assert_eq!(sent[0]["tool_args"], tools[0]["tool_args"]);
}

#[test]
fn continue_after_pause_completes_the_same_run() {
    let paused_raw = raw("sse_paused.sse");
    let cont_raw = raw("sse_continue.sse");
    let mut v = view("sse_paused.sse");
    let run_id = v.run_id.clone();
    let tool_id = v.paused_tool_views()[0].id.clone();
    assert_eq!(cont_raw[0].1["run_id"].as_str(), run_id.as_deref(), "the continue stream is the same run");
    let mut saw_running = false;
    for ev in events("sse_continue.sse") {
        v.apply(&ev);
        if matches!(ev, RunEvent::Run { body: RunBody::RunContinued, .. }) {
            assert_eq!(v.status, RunStatus::Running);
            assert!(v.paused_tools.is_empty());
            saw_running = true;
        }
    }
    assert!(saw_running);
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.run_id, run_id);
    assert_eq!(v.content, str_of(first(&cont_raw, "RunCompleted"), "content"));
    assert_eq!(v.tools.len(), 1, "the confirmed tool is the same card");
    let tool = &v.tools[0];
    assert_eq!(tool.id, tool_id);
    assert_eq!(tool.status, ToolStatus::Done);
    let completed = first(&cont_raw, "ToolCallCompleted");
    assert_eq!(tool.result.as_deref(), completed["tool"]["result"].as_str());
    assert_eq!(tool.confirmed, completed["tool"]["confirmed"].as_bool());
    let last = cont_raw.iter().filter_map(|(_, d)| d["event_index"].as_u64()).max();
    assert_eq!(v.last_event_index, last);
    assert_eq!(v.duplicates, 0);
    assert!(!v.reasoning.is_empty(), "the paused stream's reasoning is kept");
    let _ = paused_raw;
}

/// A paused run streamed resumably (frames 0..n) continues with a stream
/// numbered from 0 again: its frames must not be taken for duplicates.
#[test]
fn a_team_paused_by_its_member_asks_for_the_members_tool_and_continues() {
    let raw_p = raw("sse_team_paused.sse");
    let cont_raw = raw("sse_team_continue.sse");
    let mut v = view("sse_team_paused.sse");
    let paused = first(&raw_p, "TeamRunPaused");
    let reqs = paused["requirements"].as_array().unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(v.status, RunStatus::Paused);
    // The team's own tool is the delegation; the decision is on the member's tool.
    let waiting = v.paused_tool_views();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].id, str_of(&reqs[0]["tool_execution"], "tool_call_id"));
    assert_eq!(waiting[0].name, str_of(&reqs[0]["tool_execution"], "tool_name"));
    assert_eq!(&v.paused_requirements, reqs);

    // What the chat sends back: the requirements, each with its decision.
    let sent: Vec<Value> =
        serde_json::from_str(&confirm_requirements(&v.paused_requirements, &[(waiting[0].id.clone(), true)], None)).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["id"], reqs[0]["id"]);
    assert_eq!(sent[0]["confirmation"], json!(true));
    assert_eq!(sent[0]["tool_execution"]["confirmed"], json!(true));
    assert_eq!(sent[0]["member_agent_id"], reqs[0]["member_agent_id"]);
    let rejected: Vec<Value> =
        serde_json::from_str(&confirm_requirements(&v.paused_requirements, &[(waiting[0].id.clone(), false)], Some("no"))).unwrap();
    assert_eq!(rejected[0]["confirmation"], json!(false));
    assert_eq!(rejected[0]["tool_execution"]["confirmed"], json!(false));
    assert_eq!(rejected[0]["tool_execution"]["confirmation_note"], json!("no"));

    // The recorded continue (sent exactly that way) finishes the member's tool and the team.
    v.mark_decisions(&[(waiting[0].id.clone(), true)]);
    assert!(v.paused_tool_views().is_empty());
    for ev in events("sse_team_continue.sse") {
        v.apply(&ev);
    }
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.content, str_of(first(&cont_raw, "TeamRunCompleted"), "content"));
    let member_tool = v.members.iter().flat_map(|m| m.tools.iter()).find(|t| t.id == waiting[0].id).unwrap();
    assert_eq!(member_tool.status, ToolStatus::Done);
    assert_eq!(member_tool.result.as_deref(), first(&cont_raw, "ToolCallCompleted")["tool"]["result"].as_str());
}

#[test]
fn a_workflow_step_waiting_for_confirmation_is_asked_and_continues() {
    let raw_p = raw("sse_workflow_paused.sse");
    let cont_raw = raw("sse_workflow_continue.sse");
    let mut v = view("sse_workflow_paused.sse");
    let step = first(&raw_p, "StepPaused");
    assert_eq!(v.status, RunStatus::Paused);
    let waiting = v.paused_tool_views();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].id, str_of(step, "step_id"));
    assert_eq!(waiting[0].name, str_of(step, "step_name"));
    assert_eq!(waiting[0].args, step["confirmation_message"]);
    let paused_step = v.steps.iter().find(|s| s.step_id.as_deref() == Some(str_of(step, "step_id"))).unwrap();
    assert_eq!(paused_step.status, RunStatus::Paused);

    // What the chat sends back: the step, confirmed (or not), by its id.
    let id = waiting[0].id.clone();
    let sent: Vec<Value> = serde_json::from_str(&confirm_steps(&v.paused_requirements, &[(id.clone(), true)])).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["step_id"], step["step_id"]);
    assert_eq!(sent[0]["requires_confirmation"], json!(true));
    assert_eq!(sent[0]["confirmed"], json!(true));
    let no: Vec<Value> = serde_json::from_str(&confirm_steps(&v.paused_requirements, &[(id.clone(), false)])).unwrap();
    assert_eq!(no[0]["confirmed"], json!(false));
    // The stored run's full requirements (what the chat sends when it can read them)
    // are the same steps: decided by the same ids, everything else kept.
    let stored = json("workflow_run_paused.json");
    let full = stored["step_requirements"].as_array().unwrap();
    assert_eq!(full[0]["step_id"], step["step_id"]);
    let sent_full: Vec<Value> = serde_json::from_str(&confirm_steps(full, &[(id.clone(), true)])).unwrap();
    assert_eq!(sent_full[0]["confirmed"], json!(true));
    assert_eq!(sent_full[0]["on_reject"], full[0]["on_reject"]);
    assert_eq!(sent_full[0]["step_input"], full[0]["step_input"]);

    // The recorded continue (sent that way) runs the step and completes the workflow.
    v.mark_decisions(&[(id, true)]);
    assert!(v.paused_tool_views().is_empty(), "decided: no longer asked");
    for ev in events("sse_workflow_continue.sse") {
        v.apply(&ev);
    }
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.content, str_of(first(&cont_raw, "WorkflowCompleted"), "content"));
    assert!(v.steps.iter().all(|s| s.status == RunStatus::Completed), "{:?}", v.steps.iter().map(|s| s.status).collect::<Vec<_>>());
}

#[test]
fn a_resumable_workflow_stream_ends_at_step_paused_and_the_run_is_paused() {
    let raw = raw("sse_workflow_paused_background.sse");
    assert_eq!(raw.last().unwrap().0, "StepPaused", "no WorkflowPaused on a background run's stream");
    let v = view("sse_workflow_paused_background.sse");
    assert_eq!(v.status, RunStatus::Paused);
    assert!(!v.is_running());
    assert_eq!(v.paused_tool_views().len(), 1);
}

#[test]
fn a_tool_that_asks_for_input_shows_its_fields_and_continues_with_the_answers() {
    let raw_p = raw("sse_user_input.sse");
    let cont_raw = raw("sse_user_input_continue.sse");
    let mut v = view("sse_user_input.sse");
    let paused = first(&raw_p, "RunPaused");
    let tool = &paused["tools"][0];
    assert_eq!(v.status, RunStatus::Paused);
    let waiting = v.paused_tool_views();
    assert_eq!(waiting.len(), 1);
    let fields = waiting[0].input_fields();
    let schema = tool["user_input_schema"].as_array().unwrap();
    assert_eq!(fields.len(), schema.len());
    for (f, s) in fields.iter().zip(schema) {
        assert_eq!(f.name, str_of(s, "name"));
        assert_eq!(f.field_type, str_of(s, "field_type"));
        assert_eq!(f.description.as_deref(), s["description"].as_str());
        assert_eq!(f.value, s["value"].as_str().unwrap_or(""), "what the model filled in is offered");
    }
    let missing = fields.iter().find(|f| f.value.is_empty()).expect("a field the person must fill in");

    // What the chat sends back: the tools with the answers in their schema.
    let answers = vec![(waiting[0].id.clone(), missing.name.clone(), " Ann ".to_string())];
    let answered = answer_tools(&v.paused_tools, &answers);
    let sent: Vec<Value> = serde_json::from_str(&confirm_tools(&answered, &[(waiting[0].id.clone(), true)], None)).unwrap();
    let field = sent[0]["user_input_schema"].as_array().unwrap().iter().find(|f| f["name"] == missing.name.as_str()).unwrap();
    assert_eq!(field["value"], json!("Ann"));
    assert_eq!(sent[0]["tool_args"], tool["tool_args"], "the rest is unchanged");

    // The recorded continue (with the answer) runs the tool with it.
    v.mark_decisions(&[(waiting[0].id.clone(), true)]);
    for ev in events("sse_user_input_continue.sse") {
        v.apply(&ev);
    }
    assert_eq!(v.status, RunStatus::Completed);
    let done = v.tools.iter().find(|t| t.id == waiting[0].id).unwrap();
    assert_eq!(done.status, ToolStatus::Done);
    let result = first(&cont_raw, "ToolCallCompleted")["tool"]["result"].as_str().unwrap();
    assert_eq!(done.result.as_deref(), Some(result));
    assert!(result.contains("Ann"), "the recorded run used the answer: {result}");
    assert!(done.input_fields().is_empty(), "answered: nothing more to ask");
}

#[test]
fn answers_are_typed_by_their_field_type() {
    let tool = json!({"tool_call_id": "c1", "requires_user_input": true, "user_input_schema": [
        {"name": "n", "field_type": "int", "value": null},
        {"name": "x", "field_type": "float", "value": null},
        {"name": "ok", "field_type": "bool", "value": null},
        {"name": "bad", "field_type": "int", "value": null},
        {"name": "s", "field_type": "str", "value": "keep"}
    ]});
    let answers: Vec<(String, String, String)> = [("n", "42"), ("x", "2.5"), ("ok", "yes"), ("bad", "forty")]
        .iter()
        .map(|(n, v)| ("c1".to_string(), n.to_string(), v.to_string()))
        .collect();
    let out = answer_tools(&[tool], &answers);
    let values: Vec<&Value> = out[0]["user_input_schema"].as_array().unwrap().iter().map(|f| &f["value"]).collect();
    assert_eq!(values, [&json!(42), &json!(2.5), &json!(true), &json!("forty"), &json!("keep")]);
    // Another tool's answers are not applied.
    let other = answer_tools(&[json!({"tool_call_id": "c2", "user_input_schema": [{"name": "n", "value": null}]})], &answers);
    assert_eq!(other[0]["user_input_schema"][0]["value"], Value::Null);
}

#[test]
fn continue_stream_numbering_restarts() {
    let paused: Vec<RunEvent> = clean_frames("sse_paused.sse")
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (name, mut d) = frame_json(f);
            d["event_index"] = json!(i);
            parse_event(Some(&name), &d.to_string()).unwrap()
        })
        .collect();
    let mut v = view_of(&paused);
    assert!(v.last_event_index.unwrap() > 5);
    for ev in events("sse_continue.sse") {
        v.apply(&ev);
    }
    assert_eq!(v.duplicates, 0);
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.content, str_of(first(&raw("sse_continue.sse"), "RunCompleted"), "content"));
    // Replaying the continue stream (a resume) is deduplicated.
    let before = v.clone();
    for ev in events("sse_continue.sse") {
        v.apply(&ev);
    }
    assert_eq!(v.content, before.content);
    assert_eq!(v.duplicates, events("sse_continue.sse").len());
}

#[test]
fn cancelled_survives_the_trailing_run_completed() {
    let raw = raw("sse_cancelled.sse");
    let v = view("sse_cancelled.sse");
    let cancelled = first(&raw, "RunCancelled");
    assert_eq!(raw.last().unwrap().0, "RunCompleted", "the wire sends RunCompleted after RunCancelled");
    assert_eq!(v.status, RunStatus::Cancelled);
    assert!(!v.is_running());
    // agno's stock reason ("Run <id> was cancelled") adds nothing to "Stopped".
    let reason = str_of(cancelled, "reason");
    assert!(reason.starts_with("Run ") && reason.ends_with(" was cancelled"), "{reason}");
    assert_eq!(v.cancel_reason, None);
    assert_eq!(v.content, str_of(first(&raw, "RunCompleted"), "content"), "the partial answer is kept");
    assert!(!v.content.is_empty());
    assert_eq!(v.error, None);
}

#[test]
fn team_cancel_cancels_member_and_team() {
    let raw = raw("sse_team_cancelled.sse");
    let v = view("sse_team_cancelled.sse");
    assert_eq!(v.kind, Some(RunKind::Team));
    assert_eq!(v.status, RunStatus::Cancelled);
    assert!(str_of(first(&raw, "TeamRunCancelled"), "reason").ends_with(" was cancelled"));
    assert_eq!(v.cancel_reason, None);
    assert_eq!(v.members.len(), 1);
    assert_eq!(v.members[0].status, RunStatus::Cancelled);
    assert_eq!(v.members[0].run_id.as_deref(), first(&raw, "RunCancelled")["run_id"].as_str());
    assert_eq!(v.members[0].content, str_of(first(&raw, "RunCompleted"), "content"));
}

#[test]
fn workflow_cancel_marks_the_workflow_its_step_and_agent() {
    let raw = raw("sse_workflow_cancelled.sse");
    let v = view("sse_workflow_cancelled.sse");
    assert_eq!(v.kind, Some(RunKind::Workflow));
    assert_eq!(v.status, RunStatus::Cancelled);
    assert!(str_of(first(&raw, "WorkflowCancelled"), "reason").ends_with(" was cancelled"));
    assert_eq!(v.cancel_reason, None);
    // The final frames carry the cancel message as content: not an answer.
    assert_eq!(str_of(first(&raw, "WorkflowCompleted"), "content"), str_of(first(&raw, "WorkflowCancelled"), "reason"));
    assert_eq!(v.content, "");
    assert_eq!(v.steps.len(), 1);
    assert_eq!(v.steps[0].status, RunStatus::Cancelled, "the stopped step reads as stopped, not failed");
    let run = &v.steps[0].runs[0];
    assert_eq!(run.status, RunStatus::Cancelled);
    assert_eq!(run.content, str_of(first(&raw, "RunCompleted"), "content"));
}

#[test]
fn errors_are_shown() {
    for (name, event, kind) in
        [("sse_error.sse", "RunError", RunKind::Agent), ("sse_team_error.sse", "TeamRunError", RunKind::Team)]
    {
        let raw = raw(name);
        let v = view(name);
        let e = first(&raw, event);
        assert_eq!(v.kind, Some(kind), "{name}");
        assert_eq!(v.status, RunStatus::Error, "{name}");
        assert!(!v.is_running());
        let err = v.error.as_ref().expect("an error");
        assert_eq!(err.message, str_of(e, "content"), "{name}");
        assert_eq!(err.error_type.as_deref(), e["error_type"].as_str(), "{name}");
        assert!(err.error_type.is_some());
    }
}

/// The reasoning model fails: ReasoningStarted is never completed.
#[test]
fn error_during_reasoning_leaves_nothing_spinning() {
    let raw = raw("sse_reasoning_error.sse");
    let evs = events("sse_reasoning_error.sse");
    let at = raw.iter().position(|(n, _)| n == "ReasoningStarted").unwrap();
    assert!(view_of(&evs[..=at]).reasoning_active);
    assert!(!raw.iter().any(|(n, _)| n == "ReasoningCompleted"));
    let v = view_of(&evs);
    assert_eq!(v.status, RunStatus::Error);
    assert!(!v.reasoning_active);
    assert_eq!(v.error.as_ref().unwrap().message, str_of(first(&raw, "RunError"), "content"));
}

/// A run that fails or is cancelled while a tool runs: the card stops.
#[test]
fn tool_running_when_the_run_stops() {
    let error = first(&raw("sse_error.sse"), "RunError").clone();
    let cancel = first(&raw("sse_cancelled.sse"), "RunCancelled").clone();
    let raw = raw("sse_agent_tool.sse");
    let evs = events("sse_agent_tool.sse");
    let at = raw.iter().position(|(n, _)| n == "ToolCallStarted").unwrap();
    for (name, mut data) in [("RunError", error), ("RunCancelled", cancel)] {
        data["run_id"] = raw[at].1["run_id"].clone();
        let mut v = view_of(&evs[..=at]);
        assert_eq!(v.tools[0].status, ToolStatus::Running);
        v.apply(&parse_event(Some(name), &data.to_string()).unwrap());
        assert_eq!(v.tools[0].status, ToolStatus::Failed, "{name}");
        assert!(v.tools[0].error.is_some());
        assert!(!v.is_running());
    }
}

#[test]
fn cut_stream_is_interrupted_and_keeps_its_partial_content() {
    let (frames, cut) = frames("sse_cut.sse");
    assert!(cut.is_some(), "the stream was cut inside a frame");
    let mut v = RunView::default();
    let mut expected = String::new();
    for f in &frames {
        let (name, d) = frame_json(f);
        if name == "RunContent" {
            expected.push_str(d["content"].as_str().unwrap_or_default());
        }
        v.apply(&parse_event(f.event.as_deref(), &f.data).unwrap());
    }
    let cut = cut.unwrap();
    if let Err(e) = parse_event(cut.event.as_deref(), &cut.data) {
        v.record_malformed(e.to_string());
    }
    assert!(v.is_running(), "no terminal event arrived");
    v.mark_interrupted("The connection closed before the run finished.");
    assert_eq!(v.status, RunStatus::Interrupted);
    assert!(!v.is_running());
    assert_eq!(v.interrupted.as_deref(), Some("The connection closed before the run finished."));
    assert!(!expected.is_empty());
    assert_eq!(v.content, expected);
    assert_eq!(v.malformed_count, 1);
    // Interrupting a finished or paused run changes nothing.
    let mut done = view("sse_agent_plain.sse");
    done.mark_interrupted("late");
    assert_eq!(done.status, RunStatus::Completed);
    assert_eq!(done.interrupted, None);
    let mut paused = view("sse_paused.sse");
    paused.mark_interrupted("late");
    assert_eq!(paused.status, RunStatus::Paused);
}

#[test]
fn cut_team_stream_interrupts_the_running_member_too() {
    let raw = raw("sse_team.sse");
    let evs = events("sse_team.sse");
    let at = raw.iter().position(|(n, _)| n == "RunContent").unwrap() + 2;
    let mut v = view_of(&evs[..at]);
    v.mark_interrupted("cut");
    assert_eq!(v.status, RunStatus::Interrupted);
    assert_eq!(v.members[0].status, RunStatus::Interrupted);
    v.mark_resuming();
    assert_eq!(v.status, RunStatus::Running);
    assert_eq!(v.members[0].status, RunStatus::Running);
    assert_eq!(v.interrupted, None);
}

#[test]
fn background_stream_tracks_event_index() {
    let raw = raw("sse_background.sse");
    let v = view("sse_background.sse");
    let last = raw.iter().filter_map(|(_, d)| d["event_index"].as_u64()).max();
    assert!(last.is_some());
    assert_eq!(v.last_event_index, last);
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.content, str_of(first(&raw, "RunCompleted"), "content"));
}

/// Cut the background stream after index `k`, resume with `/resume`: the
/// final view equals the uninterrupted one and no text appears twice.
#[test]
fn resume_after_a_cut_dedups_by_event_index() {
    let bg_raw = raw("sse_background.sse");
    let bg = events("sse_background.sse");
    let resume = events("sse_resume.sse");
    let full = view("sse_background.sse");
    let resume_run = first(&raw("sse_resume.sse"), "catch_up")["run_id"].as_str().map(str::to_string);
    assert_eq!(full.run_id, resume_run, "the resume fixture re-attaches to the background run");
    // The first index the resume stream replays tells what was asked for.
    let first_replayed = resume.iter().find_map(|e| e.event_index()).unwrap();
    let requested = first_replayed - 1;
    let replayed = resume.iter().filter(|e| e.event_index().is_some()).count();
    for k in [requested, requested + 3, requested + 10] {
        let upto = bg_raw.iter().position(|(_, d)| d["event_index"].as_u64() == Some(k)).unwrap();
        let mut v = view_of(&bg[..=upto]);
        v.mark_interrupted("cut");
        assert_eq!(v.last_event_index, Some(k), "what /resume sends as last_event_index");
        v.mark_resuming();
        for ev in &resume {
            v.apply(ev);
        }
        assert_eq!(v.status, RunStatus::Completed, "k={k}");
        assert_eq!(v.content, full.content, "k={k}: no text lost or doubled");
        assert_eq!(v.duplicates as u64, k - requested, "k={k}");
        assert_eq!(v.last_event_index, full.last_event_index);
        assert_eq!(v.notice.as_deref(), first(&raw("sse_resume.sse"), "subscribed")["message"].as_str());
    }
    // Resuming a finished view changes nothing.
    let mut v = full.clone();
    for ev in &resume {
        v.apply(ev);
    }
    assert_eq!(v.content, full.content);
    assert_eq!(v.duplicates, replayed);
}

#[test]
fn resume_after_completion_replays_the_tail() {
    let bg_raw = raw("sse_background.sse");
    let bg = events("sse_background.sse");
    let tail = events("sse_resume_completed.sse");
    let full = view("sse_background.sse");
    let first_replayed = tail.iter().find_map(|e| e.event_index()).unwrap();
    let upto = bg_raw.iter().position(|(_, d)| d["event_index"].as_u64() == Some(first_replayed - 1)).unwrap();
    let mut v = view_of(&bg[..=upto]);
    v.mark_interrupted("cut");
    v.mark_resuming();
    for ev in &tail {
        v.apply(ev);
    }
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.content, full.content);
    assert_eq!(v.duplicates, 0);
    let replay = first(&raw("sse_resume_completed.sse"), "replay").clone();
    assert!(matches!(&tail[0], RunEvent::Replay(r) if r.status.as_deref() == replay["status"].as_str()));
}

#[test]
fn events_arriving_twice_are_applied_once() {
    for name in ["sse_background.sse", "sse_continue.sse"] {
        let evs = events(name);
        let once = view_of(&evs);
        let mut twice = RunView::default();
        for ev in &evs {
            twice.apply(ev);
            twice.apply(ev);
        }
        assert_eq!(twice.content, once.content, "{name}");
        assert_eq!(twice.tools, once.tools, "{name}");
        assert_eq!(twice.duplicates, evs.len(), "{name}");
    }
}

/// 2,000+ content deltas on one view: each append is O(delta).
#[test]
fn thousands_of_deltas() {
    let raw = raw("sse_agent_plain.sse");
    let content = first(&raw, "RunContent").clone();
    let mut v = view_of(&events("sse_agent_plain.sse")[..2]);
    let mut expected = String::new();
    for i in 0..20_000 {
        let mut d = content.clone();
        let word = format!("w{i} ");
        d["content"] = json!(word);
        expected.push_str(&word);
        v.apply(&parse_event(Some("RunContent"), &d.to_string()).unwrap());
    }
    assert_eq!(v.content, expected);
}

/// A recorded run with follow-ups (agno `followups=True`): the suggestions of
/// `FollowupsCompleted` stay on the run's view, within their bounds, for a
/// team too, and a stored run keeps them.
#[test]
fn followups_are_kept_within_bounds() {
    use agentos_client::reducer::{MAX_FOLLOWUPS, MAX_FOLLOWUP_CHARS};
    let raw = raw("sse_followups.sse");
    let done = first(&raw, "FollowupsCompleted");
    let wire: Vec<String> = done["followups"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
    assert!(!wire.is_empty());
    let v = view("sse_followups.sse");
    assert_eq!(v.followups, wire);
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.content, first(&raw, "RunCompleted")["content"].as_str().unwrap());
    assert!(v.unknown_events.is_empty());

    // The same frames as a team's: the team's view keeps them.
    let team: Vec<RunEvent> = raw
        .iter()
        .map(|(n, d)| {
            let mut d = d.clone();
            d["event"] = json!(format!("Team{n}"));
            parse_event(Some(&format!("Team{n}")), &d.to_string()).unwrap()
        })
        .collect();
    let t = view_of(&team);
    assert_eq!(t.kind, Some(RunKind::Team));
    assert_eq!(t.followups, wire);

    // Hostile: many, long, blank and non-string suggestions.
    let mut odd = done.clone();
    let long = "é".repeat(10_000);
    let mut list = vec![json!("  "), json!(42), json!(null), json!({"a": 1}), json!(format!("  {long}  "))];
    list.extend((0..50).map(|i| json!(format!("next {i}"))));
    odd["followups"] = Value::Array(list);
    let mut h = view_of(&events("sse_followups.sse")[..2]);
    h.apply(&parse_event(Some("FollowupsCompleted"), &odd.to_string()).unwrap());
    assert_eq!(h.followups.len(), MAX_FOLLOWUPS);
    assert_eq!(h.followups[0], "é".repeat(MAX_FOLLOWUP_CHARS), "trimmed, cut at a character boundary");
    assert_eq!(h.followups[1], "next 0");
    assert!(h.followups.iter().all(|f| !f.trim().is_empty() && f.chars().count() <= MAX_FOLLOWUP_CHARS));

    // A new answer's FollowupsStarted drops the last suggestions; a
    // FollowupsCompleted without a list leaves none.
    h.apply(&parse_event(Some("FollowupsStarted"), &first(&raw, "FollowupsStarted").to_string()).unwrap());
    assert!(h.followups.is_empty());
    h.apply(&parse_event(Some("FollowupsCompleted"), &done.to_string()).unwrap());
    assert_eq!(h.followups, wire);
    let mut none = done.clone();
    none["followups"] = Value::Null;
    h.apply(&parse_event(Some("FollowupsCompleted"), &none.to_string()).unwrap());
    assert!(h.followups.is_empty());

    // A stored run (`GET /sessions/{id}/runs`) carries `followups` too.
    let mut stored = first(&raw, "RunCompleted").clone();
    stored["status"] = json!("COMPLETED");
    stored["followups"] = done["followups"].clone();
    assert_eq!(RunView::from_run_json(&stored).followups, wire);
}
