//! The workflow WebSocket: recorded transcripts decoded, actions serialized
//! as the server received them, and a reconnect that resumes without
//! showing anything twice.

mod common;

use agentos_client::events::{RunBody, RunEvent};
use agentos_client::reducer::{RunStatus, RunView};
use agentos_client::ws::{decode_ws_frames, decode_ws_text, ClientAction};
use common::*;
use serde_json::{json, Value};

/// Rebuilds the typed action from a recorded `send` frame.
fn action_of(sent: &Value) -> Option<ClientAction> {
    let s = |k: &str| sent.get(k).and_then(Value::as_str).map(str::to_string);
    Some(match sent["action"].as_str()? {
        "authenticate" => ClientAction::Authenticate { token: s("token")? },
        "ping" => ClientAction::Ping,
        "start-workflow" => ClientAction::StartWorkflow {
            workflow_id: s("workflow_id")?,
            message: s("message")?,
            session_id: s("session_id"),
            user_id: s("user_id"),
        },
        "reconnect" => ClientAction::Reconnect {
            run_id: s("run_id")?,
            workflow_id: s("workflow_id"),
            session_id: s("session_id"),
            last_event_index: sent.get("last_event_index").and_then(Value::as_u64),
        },
        _ => return None,
    })
}

#[test]
fn actions_serialize_as_the_server_received_them() {
    let mut checked = 0;
    for name in ["ws_workflow.jsonl", "ws_reconnect.jsonl", "ws_errors.jsonl"] {
        for line in ws_lines(name).iter().filter(|l| l.send) {
            let sent: Value = serde_json::from_str(&line.text).unwrap();
            if let Some(action) = action_of(&sent) {
                assert_eq!(action.to_value(), sent, "{name}");
                let reparsed: Value = serde_json::from_str(&action.to_json()).unwrap();
                assert_eq!(reparsed, sent, "{name}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 6, "only {checked} actions checked");
    // Empty optional fields are left out.
    let a = ClientAction::StartWorkflow {
        workflow_id: "w".into(),
        message: "hi".into(),
        session_id: None,
        user_id: Some(String::new()),
    };
    assert_eq!(a.to_value(), json!({"action": "start-workflow", "workflow_id": "w", "message": "hi"}));
    let c = ClientAction::ContinueWorkflow {
        workflow_id: "w".into(),
        run_id: "r".into(),
        session_id: Some("s".into()),
        user_id: None,
        step_requirements: json!([{"step_id": "x", "confirmed": true}]),
    };
    assert_eq!(
        c.to_value(),
        json!({"action": "continue-workflow", "workflow_id": "w", "run_id": "r", "session_id": "s",
               "step_requirements": [{"step_id": "x", "confirmed": true}]})
    );
    assert_eq!(ClientAction::Ping.to_json(), r#"{"action":"ping"}"#);
}

#[test]
fn control_frames() {
    let lines = ws_lines("ws_workflow.jsonl");
    let recv: Vec<RunEvent> = lines.iter().filter(|l| !l.send).map(|l| decode_ws_text(&l.text).unwrap()).collect();
    let first_text: Value = serde_json::from_str(&lines[0].text).unwrap();
    match &recv[0] {
        RunEvent::Connected { message, requires_auth } => {
            assert_eq!(*requires_auth, first_text["requires_auth"].as_bool().unwrap());
            assert_eq!(message, str_of(&first_text, "message"));
        }
        other => panic!("{other:?}"),
    }
    assert!(recv.iter().any(|e| matches!(e, RunEvent::Authenticated { .. })));
    assert!(recv.iter().any(|e| matches!(e, RunEvent::Pong)));

    let errors = ws_lines("ws_errors.jsonl");
    for l in errors.iter().filter(|l| !l.send) {
        let v: Value = serde_json::from_str(&l.text).unwrap();
        let ev = decode_ws_text(&l.text).unwrap();
        let message = v["error"].as_str().or(v["message"].as_str()).unwrap_or_default().to_string();
        match v["event"].as_str().unwrap() {
            "auth_required" => assert_eq!(ev, RunEvent::AuthRequired { message }),
            "auth_error" => assert_eq!(ev, RunEvent::AuthError { message }),
            "error" => assert_eq!(ev, RunEvent::SocketError { message }),
            "authenticated" => assert!(matches!(ev, RunEvent::Authenticated { .. })),
            "connected" => assert!(matches!(ev, RunEvent::Connected { requires_auth: true, .. })),
            other => panic!("unexpected {other}"),
        }
    }
    assert!(errors.iter().any(|l| l.text.contains("auth_error")));
}

#[test]
fn the_three_server_formats() {
    let lines = ws_lines("ws_workflow.jsonl");
    let sse_text = lines.iter().find(|l| !l.send && l.text.starts_with("event: RunContent")).unwrap();
    let data = sse_text.text.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    let from_sse = decode_ws_text(&sse_text.text).unwrap();
    assert!(matches!(from_sse, RunEvent::Run { body: RunBody::RunContent(_), .. }));
    // The same event as plain JSON (as replayed after a reconnect).
    assert_eq!(decode_ws_text(data).unwrap(), from_sse);
    // Tolerated variations: no blank line at the end, CRLF, leading space.
    let no_blank = sse_text.text.trim_end().to_string();
    assert_eq!(decode_ws_text(&no_blank).unwrap(), from_sse);
    assert_eq!(decode_ws_text(&sse_text.text.replace('\n', "\r\n")).unwrap(), from_sse);
    assert_eq!(decode_ws_text(&format!("\n  {data}")).unwrap(), from_sse);
    // Two events in one message.
    let two = format!("{}{}", sse_text.text, sse_text.text);
    assert_eq!(decode_ws_frames(&two).len(), 2);
    // Broken ones are errors.
    assert!(decode_ws_text("").is_err());
    assert!(decode_ws_text("{\"event\": \"pong\"").is_err());
    assert!(decode_ws_text("event: RunContent\ndata: {oops}\n\n").is_err());
    assert!(decode_ws_text("hello").is_err());
}

#[test]
fn workflow_over_the_socket() {
    let lines = ws_lines("ws_workflow.jsonl");
    let mut v = RunView::default();
    let mut raws: Vec<Value> = Vec::new();
    for l in lines.iter().filter(|l| !l.send) {
        let ev = decode_ws_text(&l.text).unwrap();
        if ev.header().is_some() {
            let data = l.text.lines().find_map(|x| x.strip_prefix("data: ")).expect("run events come SSE-formatted");
            raws.push(serde_json::from_str(data).unwrap());
        }
        v.apply(&ev);
    }
    let named = |e: &str| raws.iter().filter(|r| r["event"] == e).collect::<Vec<_>>();
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.run_id.as_deref(), named("WorkflowStarted")[0]["run_id"].as_str());
    assert_eq!(v.content, str_of(named("WorkflowCompleted")[0], "content"));
    let steps: Vec<&str> = named("StepStarted").iter().map(|s| str_of(s, "step_name")).collect();
    assert_eq!(v.steps.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), steps);
    assert_eq!(v.steps[0].runs[0].content, str_of(named("RunCompleted")[0], "content"));
    assert_eq!(v.last_event_index, raws.iter().filter_map(|r| r["event_index"].as_u64()).max());
    assert_eq!(v.malformed_count, 0);
    assert_eq!(v.duplicates, 0);
}

#[test]
fn reconnect_resumes_from_the_last_event_index() {
    let lines = ws_lines("ws_reconnect.jsonl");
    assert!(lines.iter().any(|l| l.socket == 2), "the transcript has a second socket");
    let mut v = RunView::default();
    // Socket 1 until it drops.
    for l in lines.iter().filter(|l| l.socket == 1 && !l.send) {
        v.apply(&decode_ws_text(&l.text).unwrap());
    }
    assert!(v.is_running());
    v.mark_interrupted("The WebSocket closed while the workflow was running.");
    assert_eq!(v.status, RunStatus::Interrupted);
    let partial = v.steps[0].runs[0].content.clone();

    // What the client sends on socket 2 is what the recorder sent.
    let sent: Value = lines
        .iter()
        .filter(|l| l.socket == 2 && l.send)
        .map(|l| serde_json::from_str::<Value>(&l.text).unwrap())
        .find(|s| s["action"] == "reconnect")
        .expect("a reconnect action");
    let ours = ClientAction::Reconnect {
        run_id: v.run_id.clone().unwrap(),
        workflow_id: v.component_id.clone(),
        session_id: v.session_id.clone(),
        last_event_index: v.last_event_index,
    };
    assert_eq!(ours.to_value(), sent);

    v.mark_resuming();
    let mut plain_json_events = 0;
    let mut socket2: Vec<RunEvent> = Vec::new();
    for l in lines.iter().filter(|l| l.socket == 2 && !l.send) {
        let ev = decode_ws_text(&l.text).unwrap();
        if ev.header().is_some() {
            assert!(l.text.trim_start().starts_with('{'), "replayed events are plain JSON");
            plain_json_events += 1;
        }
        v.apply(&ev);
        socket2.push(ev);
    }
    assert!(plain_json_events > 0);
    assert!(socket2.iter().any(|e| matches!(e, RunEvent::Subscribed(_))));
    assert_eq!(v.status, RunStatus::Completed);
    assert_eq!(v.duplicates, 0);
    let run = &v.steps[0].runs[0];
    assert!(run.content.starts_with(&partial));
    let completed = lines
        .iter()
        .filter(|l| l.socket == 2 && l.text.contains("\"RunCompleted\""))
        .map(|l| serde_json::from_str::<Value>(&l.text).unwrap())
        .next()
        .unwrap();
    assert_eq!(run.content, str_of(&completed, "content"), "nothing lost or doubled across the reconnect");
    let wf_done = lines
        .iter()
        .filter(|l| l.socket == 2 && l.text.contains("\"WorkflowCompleted\""))
        .map(|l| serde_json::from_str::<Value>(&l.text).unwrap())
        .next()
        .unwrap();
    assert_eq!(v.content, str_of(&wf_done, "content"));
    // A server that replays everything again is deduplicated.
    let before = v.clone();
    for ev in &socket2 {
        v.apply(ev);
    }
    assert_eq!(v.steps, before.steps);
    assert_eq!(v.content, before.content);
    assert_eq!(v.duplicates, plain_json_events);
}
