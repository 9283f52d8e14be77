//! Typed events: every recorded frame parses, in the expected order, and
//! nothing unexpected (unknown names, fields, types, enum values, broken
//! JSON) is fatal.

mod common;

use agentos_client::events::{parse_event, RunBody, RunEvent, RunKind};
use agentos_client::reducer::{RunStatus, RunView};
use common::*;
use serde_json::{json, Value};

const SEQUENCES: &[(&str, &str)] = &[
    ("sse_agent_plain.sse", "RunStarted ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted"),
    (
        "sse_agent_tool.sse",
        "RunStarted ReasoningStarted ReasoningContentDelta+ ReasoningCompleted ModelRequestStarted ModelRequestCompleted \
         ToolCallStarted ToolCallCompleted ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted",
    ),
    (
        "sse_agent_knowledge_memory.sse",
        "RunStarted ModelRequestStarted ModelRequestCompleted ToolCallStarted ToolCallCompleted ModelRequestStarted \
         RunContent+ ModelRequestCompleted RunContentCompleted MemoryUpdateStarted MemoryUpdateCompleted RunCompleted",
    ),
    (
        "sse_team.sse",
        "TeamRunStarted TeamModelRequestStarted TeamModelRequestCompleted TeamToolCallStarted \
         RunStarted ReasoningStarted ReasoningContentDelta+ ReasoningCompleted ModelRequestStarted ModelRequestCompleted \
         ToolCallStarted ToolCallCompleted ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted \
         TeamToolCallCompleted TeamModelRequestStarted TeamRunContent+ TeamModelRequestCompleted TeamRunContentCompleted TeamRunCompleted",
    ),
    (
        "sse_workflow.sse",
        "WorkflowStarted StepStarted RunStarted ModelRequestStarted ModelRequestCompleted ToolCallStarted ToolCallCompleted \
         ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted MemoryUpdateStarted MemoryUpdateCompleted \
         RunCompleted StepCompleted StepStarted StepOutput StepCompleted WorkflowCompleted",
    ),
    (
        "sse_paused.sse",
        "RunStarted ReasoningStarted ReasoningContentDelta+ ReasoningCompleted ModelRequestStarted ModelRequestCompleted \
         RunContentCompleted RunPaused",
    ),
    (
        "sse_continue.sse",
        "RunContinued ToolCallStarted ToolCallCompleted ModelRequestStarted RunContent+ ModelRequestCompleted \
         RunContentCompleted RunCompleted",
    ),
    ("sse_cancelled.sse", "RunStarted ModelRequestStarted RunContent+ RunCancelled RunCompleted"),
    ("sse_error.sse", "RunStarted ModelRequestStarted RunError"),
    ("sse_reasoning_error.sse", "RunStarted ReasoningStarted ModelRequestStarted RunError"),
    ("sse_team_error.sse", "TeamRunStarted TeamModelRequestStarted TeamRunError"),
    ("sse_background.sse", "RunStarted ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted"),
    (
        "sse_resume.sse",
        "CatchUp RunContent+ Subscribed RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted",
    ),
    (
        "sse_resume_completed.sse",
        "Replay RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted",
    ),
    (
        "sse_team_paused.sse",
        "TeamRunStarted TeamModelRequestStarted TeamModelRequestCompleted TeamToolCallStarted RunStarted \
         ReasoningStarted ReasoningContentDelta+ ReasoningCompleted ModelRequestStarted ModelRequestCompleted \
         RunContentCompleted RunPaused TeamToolCallCompleted TeamRunPaused",
    ),
    (
        "sse_team_continue.sse",
        "RunContinued ToolCallStarted ToolCallCompleted ModelRequestStarted RunContent+ ModelRequestCompleted \
         RunContentCompleted RunCompleted TeamRunContinued TeamModelRequestStarted TeamRunContent+ \
         TeamModelRequestCompleted TeamRunContentCompleted TeamRunCompleted",
    ),
    (
        "sse_workflow_paused.sse",
        "WorkflowStarted StepStarted RunStarted ModelRequestStarted RunContent+ ModelRequestCompleted \
         RunContentCompleted RunCompleted StepCompleted StepPaused WorkflowPaused WorkflowRunOutput",
    ),
    (
        "sse_workflow_paused_background.sse",
        "WorkflowStarted StepStarted RunStarted ModelRequestStarted RunContent+ ModelRequestCompleted \
         RunContentCompleted RunCompleted StepCompleted StepPaused",
    ),
    ("sse_workflow_continue.sse", "StepContinued StepStarted StepOutput StepCompleted WorkflowCompleted"),
    (
        "sse_user_input.sse",
        "RunStarted ModelRequestStarted ModelRequestCompleted RunContentCompleted MemoryUpdateStarted \
         MemoryUpdateCompleted RunPaused",
    ),
    (
        "sse_user_input_continue.sse",
        "RunContinued ToolCallStarted ToolCallCompleted ModelRequestStarted RunContent+ ModelRequestCompleted \
         RunContentCompleted RunCompleted",
    ),
    (
        "sse_team_cancelled.sse",
        "TeamRunStarted TeamModelRequestStarted TeamModelRequestCompleted TeamToolCallStarted \
         RunStarted ModelRequestStarted RunContent+ RunCancelled RunCompleted TeamRunCancelled TeamRunCompleted",
    ),
    (
        "sse_workflow_cancelled.sse",
        "WorkflowStarted StepStarted RunStarted ModelRequestStarted RunContent+ RunCancelled RunCompleted \
         WorkflowCancelled WorkflowCompleted",
    ),
    (
        "sse_followups.sse",
        "RunStarted ModelRequestStarted RunContent+ ModelRequestCompleted FollowupsStarted FollowupsCompleted \
         RunContentCompleted RunCompleted",
    ),
    ("sse_markdown.sse", "RunStarted ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted"),
    ("sse_xss.sse", "RunStarted ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted"),
    // Run control (issue 13): a regenerate is a new run that starts with
    // RunContinued; an external-execution tool sends no tool event on continue.
    ("sse_runctl_first.sse", "RunStarted ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted"),
    ("sse_regenerate.sse", "RunContinued ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted"),
    (
        "sse_regenerate_instructions.sse",
        "RunContinued ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted",
    ),
    ("sse_external_paused.sse", "RunStarted ModelRequestStarted ModelRequestCompleted RunContentCompleted RunPaused"),
    (
        "sse_external_continue.sse",
        "RunContinued ModelRequestStarted RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted",
    ),
    // RouterPaused and StepOutputReview are kept as raw `Activity` (what they
    // ask is in WorkflowPaused's step_requirements).
    ("sse_workflow_route_paused.sse", "WorkflowStarted Activity WorkflowPaused WorkflowRunOutput"),
    (
        "sse_workflow_route_continue.sse",
        "StepGroupStarted StepStarted StepCompleted StepGroupCompleted StepPaused WorkflowPaused WorkflowRunOutput",
    ),
    (
        "sse_workflow_input_continue.sse",
        "StepContinued StepStarted StepOutput StepCompleted Activity WorkflowPaused WorkflowRunOutput",
    ),
    ("sse_workflow_review_continue.sse", "WorkflowCompleted"),
    // Issue 12 §3: tools that return media (the Artist agent).
    (
        "sse_media_image.sse",
        "RunStarted ModelRequestStarted ModelRequestCompleted ToolCallStarted ToolCallCompleted ModelRequestStarted \
         RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted",
    ),
    (
        "sse_media_audio.sse",
        "RunStarted ModelRequestStarted ModelRequestCompleted ToolCallStarted ToolCallCompleted ModelRequestStarted \
         RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted",
    ),
    (
        "sse_media_hostile.sse",
        "RunStarted ModelRequestStarted ModelRequestCompleted ToolCallStarted ToolCallCompleted ModelRequestStarted \
         RunContent+ ModelRequestCompleted RunContentCompleted RunCompleted",
    ),
];

#[test]
fn every_fixture_parses_with_zero_malformed_frames_in_the_expected_order() {
    let mut seen = Vec::new();
    for (name, pattern) in SEQUENCES {
        let evs = events(name);
        assert_sequence(name, &evs, pattern);
        seen.push(name.to_string());
    }
    // The cut stream: its complete frames parse; the cut one does not.
    let (frames, cut) = frames("sse_cut.sse");
    let evs: Vec<RunEvent> = frames.iter().map(|f| parse_event(f.event.as_deref(), &f.data).unwrap()).collect();
    assert_sequence("sse_cut.sse", &evs, "RunStarted ModelRequestStarted RunContent+");
    let cut = cut.expect("sse_cut.sse ends inside a frame");
    let err = parse_event(cut.event.as_deref(), &cut.data).unwrap_err();
    assert_eq!(err.event.as_deref(), Some("RunContent"));
    assert!(err.to_string().contains("RunContent"), "{err}");
    seen.push("sse_cut.sse".into());
    // No recorded stream is left untested.
    for f in sse_fixtures() {
        assert!(seen.contains(&f), "{f} has no expected sequence here");
    }
}

/// Recorded events the parser keeps as their raw JSON (`RunBody::Activity`):
/// a workflow's route-selection and output-review pauses, whose questions
/// WorkflowPaused's `step_requirements` carry in full.
const KEPT_AS_ACTIVITY: [&str; 2] = ["RouterPaused", "StepOutputReview"];

#[test]
fn names_headers_and_kinds_match_the_wire() {
    for name in sse_fixtures().iter().filter(|n| *n != "sse_cut.sse") {
        for f in clean_frames(name) {
            let (sse_name, v) = frame_json(&f);
            let ev = parse_event(Some(&sse_name), &f.data).unwrap();
            assert_eq!(ev.name(), sse_name, "{name}");
            let kept_raw = KEPT_AS_ACTIVITY.contains(&sse_name.as_str());
            assert!(!matches!(ev, RunEvent::Unknown { .. }), "{name}: {sse_name} unknown");
            assert!(kept_raw || !matches!(ev, RunEvent::Run { body: RunBody::Activity(_), .. }), "{name}: {sse_name} not modelled");
            if let RunEvent::WorkflowRunOutput { step_requirements } = &ev {
                // The run object itself: no `event` field, only the SSE name says what it is.
                assert_eq!(v["event"], Value::Null, "{name}");
                assert_eq!(step_requirements, v["step_requirements"].as_array().unwrap(), "{name}");
                continue;
            }
            assert_eq!(v["event"].as_str(), Some(sse_name.as_str()), "{name}: JSON event field");
            // Without the SSE name (WebSocket replays), the JSON names it.
            assert_eq!(parse_event(None, &f.data).unwrap(), ev, "{name}: {sse_name} without the event line");
            if let Some(h) = ev.header() {
                assert_eq!(h.run_id.as_deref(), v["run_id"].as_str(), "{name}: run_id");
                assert_eq!(h.parent_run_id.as_deref(), v["parent_run_id"].as_str(), "{name}: parent_run_id");
                assert_eq!(h.event_index, v["event_index"].as_u64(), "{name}: event_index");
                assert_eq!(h.step_id.as_deref(), v["step_id"].as_str(), "{name}: step_id");
                assert_eq!(h.workflow_run_id.as_deref(), v["workflow_run_id"].as_str(), "{name}: workflow_run_id");
                let kind = ev.run_kind().unwrap();
                let expected = if sse_name.starts_with("Team") {
                    RunKind::Team
                } else if ["Workflow", "Step", "Router", "Loop", "Parallel", "Condition"].iter().any(|p| sse_name.starts_with(p)) {
                    RunKind::Workflow
                } else {
                    RunKind::Agent
                };
                assert_eq!(kind, expected, "{name}: {sse_name}");
            }
        }
    }
}

#[test]
fn payloads_carry_the_wire_values() {
    let raw = raw("sse_agent_tool.sse");
    let started = first(&raw, "ToolCallStarted");
    let completed = first(&raw, "ToolCallCompleted");
    let evs = events("sse_agent_tool.sse");
    let tool_done = evs
        .iter()
        .find_map(|e| match e {
            RunEvent::Run { kind: RunKind::Agent, body: RunBody::ToolCallCompleted(t), .. } => t.tool.clone(),
            _ => None,
        })
        .unwrap();
    assert_eq!(tool_done.tool_name.as_deref(), started["tool"]["tool_name"].as_str());
    assert_eq!(tool_done.tool_args, completed["tool"]["tool_args"]);
    assert_eq!(tool_done.result, completed["tool"]["result"]);
    assert_eq!(tool_done.raw, completed["tool"], "the raw tool JSON is kept whole");
    assert_eq!(tool_done.metrics.unwrap().duration, completed["tool"]["metrics"]["duration"].as_f64());
    let usage = evs
        .iter()
        .find_map(|e| match e {
            RunEvent::Run { kind: RunKind::Agent, body: RunBody::ModelRequestCompleted(m), .. } => Some(m.usage.clone()),
            _ => None,
        })
        .unwrap();
    let mrc = first(&raw, "ModelRequestCompleted");
    assert_eq!(usage.total_tokens, mrc["total_tokens"].as_u64());
    assert_eq!(usage.input_tokens, mrc["input_tokens"].as_u64());
}

/// Adds fields nobody knows, at the top level of every recorded frame.
#[test]
fn unknown_fields_change_nothing() {
    for name in sse_fixtures().iter().filter(|n| *n != "sse_cut.sse") {
        for f in clean_frames(name) {
            let (sse_name, mut v) = frame_json(&f);
            if KEPT_AS_ACTIVITY.contains(&sse_name.as_str()) {
                // Kept as the raw frame by design: every field is in it.
                continue;
            }
            v["zz_brand_new"] = json!({"nested": [1, 2, {"x": null}]});
            v["another_flag"] = json!(true);
            let mutated = serde_json::to_string(&v).unwrap();
            assert_eq!(
                parse_event(Some(&sse_name), &mutated).unwrap(),
                parse_event(Some(&sse_name), &f.data).unwrap(),
                "{name}: {sse_name}"
            );
        }
    }
    // Inside a tool object too.
    let raw = raw("sse_agent_tool.sse");
    let mut v = first(&raw, "ToolCallCompleted").clone();
    v["tool"]["future_field"] = json!({"a": 1});
    let RunEvent::Run { kind: RunKind::Agent, body: RunBody::ToolCallCompleted(t), .. } = parse_event(Some("ToolCallCompleted"), &v.to_string()).unwrap() else {
        panic!()
    };
    let t = t.tool.unwrap();
    assert_eq!(t.tool_name.as_deref(), v["tool"]["tool_name"].as_str());
    assert_eq!(t.result, v["tool"]["result"]);
    assert_eq!(t.raw["future_field"], json!({"a": 1}), "kept in the raw JSON sent back to /continue");
}

#[test]
fn unexpected_types_and_missing_fields_read_as_absent() {
    let raw = raw("sse_agent_tool.sse");
    let mut v = first(&raw, "ToolCallCompleted").clone();
    v["created_at"] = json!("soon");
    v["nested_depth"] = json!("deep");
    v["event_index"] = json!("7");
    v["session_id"] = json!(12345);
    v["run_id"] = json!(null);
    v["tool"]["tool_args"] = json!("a=1");
    v["tool"]["metrics"] = json!([1, 2]);
    v["tool"]["tool_call_error"] = json!("maybe");
    v["tool"]["requires_confirmation"] = json!({"odd": true});
    let ev = parse_event(Some("ToolCallCompleted"), &v.to_string()).unwrap();
    let RunEvent::Run { kind: RunKind::Agent, body: RunBody::ToolCallCompleted(t), header: h } = &ev else { panic!("{ev:?}") };
    assert_eq!(h.created_at, None);
    assert_eq!(h.nested_depth, None);
    assert_eq!(h.event_index, Some(7), "a numeric string still reads");
    assert_eq!(h.session_id.as_deref(), Some("12345"));
    assert_eq!(h.run_id, None);
    let t = t.tool.as_ref().unwrap();
    assert_eq!(t.tool_args, json!("a=1"));
    assert_eq!(t.metrics, None);
    assert_eq!(t.tool_call_error, None);
    assert_eq!(t.requires_confirmation, None);
    assert_eq!(t.tool_name.as_deref(), v["tool"]["tool_name"].as_str());

    // A completed run whose metrics, references and content are odd.
    let mut done = first(&raw, "RunCompleted").clone();
    done["metrics"] = json!("n/a");
    done["references"] = json!({"not": "a list"});
    done["content_type"] = json!(5);
    let RunEvent::Run { kind: RunKind::Agent, body: RunBody::RunCompleted(o), .. } = parse_event(Some("RunCompleted"), &done.to_string()).unwrap() else { panic!() };
    assert_eq!(o.metrics, None);
    assert!(o.references.is_empty());
    assert_eq!(o.content_type.as_deref(), Some("5"));

    // Bare minimum frames.
    assert!(matches!(parse_event(Some("RunContent"), "{}").unwrap(), RunEvent::Run { kind: RunKind::Agent, body: RunBody::RunContent(_), .. }));
    assert!(matches!(parse_event(None, r#"{"event":"TeamRunCompleted"}"#).unwrap(), RunEvent::Run { kind: RunKind::Team, body: RunBody::RunCompleted(_), .. }));
}

#[test]
fn unknown_enum_values_are_tolerated() {
    let raw = raw("sse_resume.sse");
    let mut c = first(&raw, "catch_up").clone();
    c["status"] = json!("SOMETHING_NEW");
    let RunEvent::CatchUp(info) = parse_event(Some("catch_up"), &c.to_string()).unwrap() else { panic!() };
    assert_eq!(info.status.as_deref(), Some("SOMETHING_NEW"));
    assert_eq!(RunStatus::from_wire("SOMETHING_NEW"), RunStatus::Running);
    assert_eq!(RunStatus::from_wire("COMPLETED"), RunStatus::Completed);
    assert_eq!(RunStatus::from_wire("cancelled"), RunStatus::Cancelled);
    let mut content = first(&raw, "RunContent").clone();
    content["content_type"] = json!("FancyNewType");
    assert!(parse_event(Some("RunContent"), &content.to_string()).is_ok());
}

/// A real frame renamed to an event nobody knows: kept as Unknown with its
/// JSON; the reducer notes it and carries on.
#[test]
fn unknown_event_names_are_kept_and_not_fatal() {
    let frames = clean_frames("sse_agent_plain.sse");
    let mut view = RunView::default();
    let mut plain = RunView::default();
    for (i, f) in frames.iter().enumerate() {
        let (name, v) = frame_json(f);
        plain.apply(&parse_event(Some(&name), &f.data).unwrap());
        view.apply(&parse_event(Some(&name), &f.data).unwrap());
        if i == 2 {
            let mut odd = v.clone();
            odd["event"] = json!("QuantumEntanglementStarted");
            let ev = parse_event(Some("QuantumEntanglementStarted"), &odd.to_string()).unwrap();
            match &ev {
                RunEvent::Unknown { name, raw } => {
                    assert_eq!(name, "QuantumEntanglementStarted");
                    assert_eq!(raw, &odd);
                }
                other => panic!("{other:?}"),
            }
            view.apply(&ev);
            view.apply(&ev);
        }
    }
    assert_eq!(view.unknown_events, vec!["QuantumEntanglementStarted".to_string()]);
    assert_eq!(view.content, plain.content);
    assert_eq!(view.status, RunStatus::Completed);
    assert_eq!(view.malformed_count, 0);
}

/// Real frames renamed to the events the demo does not trigger.
#[test]
fn events_not_recorded_map_to_their_variants() {
    let wf = raw("sse_workflow.sse");
    let step = first(&wf, "StepStarted").clone();
    let rename = |v: &Value, name: &str| {
        let mut v = v.clone();
        v["event"] = json!(name);
        parse_event(Some(name), &v.to_string()).unwrap()
    };
    assert!(matches!(rename(&step, "StepError"), RunEvent::Run { kind: RunKind::Workflow, body: RunBody::StepError(_), .. }));
    assert!(matches!(rename(&step, "StepPaused"), RunEvent::Run { kind: RunKind::Workflow, body: RunBody::StepPaused(_), .. }));
    assert!(matches!(rename(&step, "StepProgress"), RunEvent::Run { kind: RunKind::Workflow, body: RunBody::StepProgress(_), .. }));
    assert!(matches!(rename(&step, "WorkflowPaused"), RunEvent::Run { kind: RunKind::Workflow, body: RunBody::RunPaused(_), .. }));
    for group in ["Loop", "Parallel", "Condition", "Router", "Steps"] {
        match rename(&step, &format!("{group}ExecutionStarted")) {
            RunEvent::Run { kind: RunKind::Workflow, body: RunBody::StepGroupStarted(_, g), .. } => assert_eq!(g, group),
            other => panic!("{other:?}"),
        }
        assert!(matches!(rename(&step, &format!("{group}ExecutionCompleted")), RunEvent::Run { kind: RunKind::Workflow, body: RunBody::StepGroupCompleted(..), .. }));
    }
    assert!(matches!(rename(&step, "LoopIterationStarted"), RunEvent::Run { kind: RunKind::Workflow, body: RunBody::Activity(_), .. }));
    let mut err = first(&wf, "WorkflowStarted").clone();
    err["error"] = json!("it broke");
    match rename(&err, "WorkflowError") {
        RunEvent::Run { kind: RunKind::Workflow, body: RunBody::RunError(e), .. } => assert_eq!(e.message(), Some("it broke")),
        other => panic!("{other:?}"),
    }
    let team = raw("sse_team.sse");
    let t = first(&team, "TeamRunContent").clone();
    assert!(matches!(rename(&t, "TeamReasoningStep"), RunEvent::Run { kind: RunKind::Team, body: RunBody::ReasoningStep(_), .. }));
    assert!(matches!(rename(&t, "TeamRunPaused"), RunEvent::Run { kind: RunKind::Team, body: RunBody::RunPaused(_), .. }));
    assert!(matches!(rename(&t, "TeamMemoryUpdateCompleted"), RunEvent::Run { kind: RunKind::Team, body: RunBody::MemoryUpdateCompleted(_), .. }));
    assert!(matches!(rename(&t, "TeamRunIntermediateContent"), RunEvent::Run { kind: RunKind::Team, body: RunBody::RunIntermediateContent(_), .. }));
    match rename(&t, "TeamSessionSummaryCompleted") {
        ev @ RunEvent::Run { body: RunBody::Activity(_), .. } => assert_eq!(ev.run_kind(), Some(RunKind::Team)),
        other => panic!("{other:?}"),
    }
    let a = raw("sse_agent_tool.sse");
    let tool = first(&a, "ToolCallCompleted").clone();
    assert!(matches!(rename(&tool, "ToolCallError"), RunEvent::Run { kind: RunKind::Agent, body: RunBody::ToolCallError(_), .. }));
    assert!(matches!(rename(&tool, "CustomEvent"), RunEvent::Run { kind: RunKind::Agent, body: RunBody::Activity(_), .. }));
    assert!(matches!(rename(&tool, "PreHookStarted"), RunEvent::Run { kind: RunKind::Agent, body: RunBody::Activity(_), .. }));
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    let raw = clean_frames("sse_agent_plain.sse");
    let good = &raw[2].data;
    let cases = [
        good[..good.len() / 2].to_string(),
        String::new(),
        "[1, 2]".into(),
        "null".into(),
        "\"text\"".into(),
        format!("{good}}}"),
        "{\"event\": \"RunContent\", \"content\": \"\\ud800\"".into(),
    ];
    let mut view = RunView::default();
    for c in &cases {
        let err = parse_event(Some("RunContent"), c).unwrap_err();
        assert!(err.to_string().contains("RunContent"), "{err}");
        view.record_malformed(err.to_string());
    }
    assert_eq!(view.malformed_count, cases.len());
    assert_eq!(view.malformed.len(), cases.len());
    assert_eq!(view.status, RunStatus::Running, "nothing else changed");
}
