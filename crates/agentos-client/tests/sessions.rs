//! Session list and detail bodies recorded from the demo AgentOS decode into
//! what the session pages show.

use agentos_client::sessions::{create_request, parse_sessions, SessionDetail};
use agentos_client::json::FromJson;
use agentos_client::ComponentKind;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

#[test]
fn the_mixed_session_list_decodes_every_row() {
    let raw = fixture("sessions.json");
    let (rows, meta) = parse_sessions(&raw);
    let items = raw["data"].as_array().unwrap();
    assert_eq!(rows.len(), items.len());
    assert_eq!(meta.total_count, raw["meta"]["total_count"].as_u64().unwrap());
    for (row, item) in rows.iter().zip(items) {
        assert_eq!(row.session_id, item["session_id"].as_str().unwrap());
        let kind = row.kind.expect("every row has a session_type");
        assert_eq!(kind.as_str(), item["session_type"].as_str().unwrap());
        let id_field = format!("{}_id", kind.as_str());
        assert_eq!(row.component_id.as_deref(), item[&id_field].as_str(), "{id_field}");
        assert_eq!(row.updated_at.as_deref(), item["updated_at"].as_str());
    }
    // All three kinds are in the recording.
    for k in ComponentKind::ALL {
        assert!(rows.iter().any(|r| r.kind == Some(k)), "{k:?}");
    }
}

#[test]
fn typed_lists_and_details_decode() {
    for (list, detail, kind) in [
        ("sessions_agent.json", "session_agent.json", ComponentKind::Agent),
        ("sessions_team.json", "session_team.json", ComponentKind::Team),
        ("sessions_workflow.json", "session_workflow.json", ComponentKind::Workflow),
    ] {
        let (rows, _) = parse_sessions(&fixture(list));
        assert!(!rows.is_empty(), "{list}");
        assert!(rows.iter().all(|r| r.kind == Some(kind)), "{list}");
        let raw = fixture(detail);
        let d = SessionDetail::from_json(&raw);
        assert_eq!(d.summary.session_id, raw["session_id"].as_str().unwrap());
        assert_eq!(d.summary.kind, Some(kind), "{detail}");
        assert!(d.summary.component_id.is_some(), "{detail}");
    }
}

#[test]
fn unknown_and_missing_fields_are_tolerated() {
    let v: Value = serde_json::json!({"data": [{"session_id": "s", "session_type": "mystery", "future": 1}], "meta": {}});
    let (rows, meta) = parse_sessions(&v);
    assert_eq!(rows[0].session_id, "s");
    assert_eq!(rows[0].kind, None);
    assert_eq!(meta.page, 1);
    assert_eq!(rows[0].display_name(), "s");
}

#[test]
fn a_new_session_request_names_its_component_and_leaves_blanks_out() {
    let (path, body) = create_request(ComponentKind::Team, "research-team", "  Planning  ", " ");
    assert_eq!(path, "/sessions?type=team");
    assert_eq!(body, serde_json::json!({ "team_id": "research-team", "session_name": "Planning" }));
    let (path, body) = create_request(ComponentKind::Agent, "a", "", "ann");
    assert_eq!(path, "/sessions?type=agent");
    assert_eq!(body, serde_json::json!({ "agent_id": "a", "user_id": "ann" }));
    // What the server answers (201) reads as the detail the session page shows.
    let created = SessionDetail::from_json(&serde_json::json!({
        "session_id": "s-1", "session_name": "Planning", "team_id": "research-team", "user_id": "ann"
    }));
    assert_eq!(created.summary.session_id, "s-1");
}
