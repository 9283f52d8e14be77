//! Approval records recorded from the demo AgentOS (an `@approval` tool's
//! pause, triggered by a schedule and by a person) decode into what the
//! Approvals page shows; filters, resolution data and bodies are built right.

use agentos_client::approvals::*;
use agentos_client::json::FromJson;
use agentos_client::time::iso_from_epoch;
use agentos_client::ComponentKind;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

#[test]
fn the_pending_record_of_a_scheduled_run_decodes() {
    let raw = fixture("approvals.json");
    let (rows, meta) = parse_approvals(&raw);
    let items = raw["data"].as_array().unwrap();
    assert_eq!(rows.len(), items.len());
    assert_eq!(meta.total_count, raw["meta"]["total_count"].as_u64().unwrap());
    let a = &rows[0];
    let item = &items[0];
    assert_eq!(a.id, item["id"].as_str().unwrap());
    assert!(a.is_pending());
    assert_eq!(a.pause_type.as_deref(), Some("confirmation"));
    assert_eq!(a.approval_type.as_deref(), Some("required"));
    assert_eq!(a.tool_name.as_deref(), Some("archive_calculation_history"));
    assert_eq!(a.tool_args, item["tool_args"]);
    assert_eq!(a.component(), Some((ComponentKind::Agent, "calculator-agent")));
    assert_eq!(a.source_name.as_deref(), Some("Calculator"));
    assert_eq!(a.run_status.as_deref(), Some("PAUSED"));
    assert_eq!(a.run_id, item["run_id"].as_str().unwrap());
    assert_eq!(a.session_id, item["session_id"].as_str().unwrap());
    assert_eq!(a.tools.len(), 1);
    assert!(a.tools[0].requires_confirmation);
    assert_eq!(a.tool_names, vec!["archive_calculation_history".to_string()]);
    assert_eq!(a.created_at.as_deref(), Some(iso_from_epoch(item["created_at"].as_i64().unwrap()).as_str()));
    assert_eq!(a.question(), "Run archive_calculation_history?");
    assert!(a.input_fields().is_empty());
    assert!(!a.needs_result());
    // The record of the scheduled run carries no schedule id in agno 3.1.10; the
    // schedule run and the approval share the run id.
    assert_eq!(a.schedule_id, None);
    let trigger = fixture("schedule_trigger.json");
    assert_eq!(a.run_id, trigger["run_id"].as_str().unwrap());
    assert_eq!(parse_count(&fixture("approvals_count.json")), Some(1));
}

#[test]
fn resolving_shows_the_outcome() {
    let approved = Approval::from_json(&fixture("approval_resolve.json"));
    assert_eq!(approved.status, "approved");
    assert_eq!(approved.resolved_by.as_deref(), Some("fixture-operator"));
    assert!(approved.resolved_at.is_some());
    let after = Approval::from_json(&fixture("approval_after_continue.json"));
    assert_eq!(after.run_status.as_deref(), Some("COMPLETED"));
    let rejected = Approval::from_json(&fixture("approval_reject.json"));
    assert_eq!(rejected.status, "rejected");
    assert_eq!(rejected.resolution_data, json!({"note": "not today"}));
    assert_eq!(rejected.user_id.as_deref(), Some("fixture-user"));
    let (rows, _) = parse_approvals(&fixture("approvals_rejected.json"));
    assert!(rows.iter().all(|r| r.status == "rejected") && !rows.is_empty());
    // A person's pending run, filtered by status, agent and user.
    let (rows, _) = parse_approvals(&fixture("approvals_pending.json"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].user_id.as_deref(), Some("fixture-user"));
}

#[test]
fn errors_keep_the_servers_reason() {
    use agentos_client::detail_from_body;
    let body = std::fs::read_to_string(format!("{}/tests/fixtures/error_409_approval.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert_eq!(detail_from_body(&body).as_deref(), Some("Approval is already 'approved' and cannot be resolved"));
    let body = std::fs::read_to_string(format!("{}/tests/fixtures/error_404_approval.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert_eq!(detail_from_body(&body).as_deref(), Some("Approval not found"));
}

#[test]
fn filters_become_the_query() {
    let f = ApprovalFilter::default();
    assert_eq!(approvals_path(&f), "/approvals?limit=20&page=1&status=pending");
    assert!(!f.is_narrowed());
    let f = ApprovalFilter {
        status: String::new(),
        approval_type: "required".into(),
        pause_type: "user_input".into(),
        component_kind: "team".into(),
        component_id: "research team".into(),
        user_id: "ann&bob".into(),
        schedule_id: "s1".into(),
        run_id: " r1 ".into(),
        page: 3,
        limit: 5000,
    };
    assert!(f.is_narrowed());
    assert_eq!(
        approvals_path(&f),
        "/approvals?limit=1000&page=3&approval_type=required&pause_type=user_input&team_id=research%20team&user_id=ann%26bob&schedule_id=s1&run_id=r1"
    );
    let kind_only = ApprovalFilter { component_kind: "workflow".into(), ..Default::default() };
    assert_eq!(approvals_path(&kind_only), "/approvals?limit=20&page=1&status=pending&source_type=workflow");
    assert_eq!(count_path(None), "/approvals/count");
    assert_eq!(count_path(Some("u 1")), "/approvals/count?user_id=u%201");
    assert_eq!(resolve_path("a/b"), "/approvals/a%2Fb/resolve");
}

#[test]
fn resolution_data_is_validated_before_sending() {
    assert_eq!(resolution_data(true, &[], "", "  "), Ok(None));
    assert_eq!(resolution_data(true, &[], "", r#"{"note": "ok"}"#), Ok(Some(json!({"note": "ok"}))));
    assert_eq!(resolution_data(true, &[], "", "[1]"), Err(DataError::NotObject));
    assert!(matches!(resolution_data(true, &[], "", "{nope"), Err(DataError::NotJson(_))));
    let fields = vec![("recipient".to_string(), "Ann".to_string())];
    assert_eq!(resolution_data(true, &fields, "", ""), Ok(Some(json!({"values": {"recipient": "Ann"}}))));
    let empty = vec![("recipient".to_string(), " ".to_string())];
    assert_eq!(resolution_data(true, &empty, "", ""), Err(DataError::Missing("recipient".into())));
    // Rejecting needs no answers.
    assert_eq!(resolution_data(false, &empty, "", ""), Ok(None));
    assert_eq!(resolution_data(true, &[], "42", ""), Ok(Some(json!({"result": "42"}))));
    assert_eq!(
        resolve_body(true, " ops ", Some(json!({"note": "x"}))),
        json!({"status": "approved", "resolved_by": "ops", "resolution_data": {"note": "x"}})
    );
    assert_eq!(resolve_body(false, "", None), json!({"status": "rejected"}));
}

#[test]
fn user_input_and_external_pauses_say_what_they_need() {
    let v = json!({
        "id": "a", "run_id": "r", "session_id": "s", "status": "pending", "source_type": "team",
        "team_id": "t", "agent_id": "member", "pause_type": "user_input", "tool_name": "send_note",
        "requirements": [{"tool_execution": {"tool_name": "send_note", "requires_user_input": true,
            "user_input_schema": [{"name": "text", "value": "hi"}, {"name": "recipient", "field_type": "str", "value": null}]}},
            {"tool_execution": {"tool_name": "fetch", "external_execution_required": true}}]
    });
    let a = Approval::from_json(&v);
    assert_eq!(a.component(), Some((ComponentKind::Team, "t")));
    assert_eq!(a.question(), "send_note needs input");
    let names: Vec<_> = a.input_fields().into_iter().map(|f| f.name).collect();
    assert_eq!(names, vec!["recipient", "text"]);
    assert!(a.needs_result());
}

#[test]
fn hostile_values_read_as_absent_and_text_is_capped() {
    for v in [json!(null), json!([]), json!("x"), json!({"id": 5, "tool_args": "rm -rf", "requirements": {"a": 1},
        "context": [], "resolution_data": [1], "created_at": {"x": 1}})] {
        let a = Approval::from_json(&v);
        assert_eq!(a.tool_args, Value::Null);
        assert!(a.tools.is_empty());
        assert_eq!(a.resolution_data, Value::Null);
        assert_eq!(a.created_at, None);
    }
    let (rows, _) = parse_approvals(&json!({"data": [{"status": "pending"}, {"id": "x"}]}));
    assert_eq!(rows.len(), 1, "a row without an id is dropped");
    let long = json!({"k": "é".repeat(10_000)});
    let shown = json_text(&long, ARGS_SHOWN_MAX);
    assert_eq!(shown.chars().count(), ARGS_SHOWN_MAX + 1);
    assert!(shown.ends_with('…'));
}
