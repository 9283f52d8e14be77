//! Session list and detail bodies recorded from the demo AgentOS decode into
//! what the session pages show.

use agentos_client::approvals::json_text;
use agentos_client::sessions::{create_request, parse_sessions, state_update_request, SessionDetail};
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
        // The session page's token count: every kind's detail has one (a workflow's only
        // inside its session data).
        assert!(d.summary.total_tokens.is_some_and(|t| t > 0), "{detail}");
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

fn manifest_request(name: &str) -> String {
    let m = fixture("manifest.json");
    m[name]["request"].as_str().unwrap_or_else(|| panic!("{name} is not in manifest.json")).to_string()
}

#[test]
fn session_state_metadata_and_summary_as_recorded() {
    // The state a run set through its form.
    let d = SessionDetail::from_json(&fixture("session_state_detail.json"));
    assert_eq!(d.session_state, serde_json::json!({"cart": ["milk", "tea"], "step": 1}));
    assert!(d.summary_text.is_none(), "no summary before one is stored");
    // After PATCH: the answer is the session as stored, state, metadata and summary.
    let raw = fixture("session_state_patch.json");
    let d = SessionDetail::from_json(&raw);
    assert_eq!(d.session_state, raw["session_state"]);
    assert_eq!(d.session_state["note"], "<b>not html</b>");
    assert_eq!(d.metadata, serde_json::json!({"source": "fixtures", "pinned": true}));
    assert_eq!(d.summary_text.as_deref(), Some("The user keeps a shopping cart."));
    assert_eq!(d.summary_topics, ["shopping", "cart"]);
    assert_eq!(d.summary.user_id.as_deref(), Some("fixture-user"));
    assert_eq!(d.summary.kind, Some(ComponentKind::Agent));
    // Shown as text, pretty and capped.
    let shown = json_text(&d.session_state, 10_000);
    assert!(shown.contains("\"cart\": [") && shown.contains('\n'), "{shown}");
    assert_eq!(json_text(&d.session_state, 5).chars().count(), 6);
    // The other recorded details carry no summary, and a workflow's none at all.
    for name in ["session_agent.json", "session_team.json", "session_workflow.json"] {
        let d = SessionDetail::from_json(&fixture(name));
        assert!(d.summary_topics.is_empty(), "{name}");
    }
}

#[test]
fn the_state_request_is_the_one_recorded() {
    let (path, body) =
        state_update_request("fx-session-state", Some(ComponentKind::Agent), Some("fixture-user"), r#"{"cart": ["milk"]}"#)
            .unwrap();
    let recorded = manifest_request("session_state_patch.json");
    assert!(recorded.starts_with(&format!("PATCH {path} json ")), "{recorded} vs {path}");
    assert_eq!(body, serde_json::json!({"session_state": {"cart": ["milk"]}}));
}

#[test]
fn server_refusals_give_their_reason() {
    use agentos_client::detail_from_body;
    let body = std::fs::read_to_string(format!("{}/tests/fixtures/error_422_session_state.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let reason = detail_from_body(&body).unwrap();
    assert!(reason.contains("session_state") && reason.contains("valid dictionary"), "{reason}");
    for name in ["error_404_session_patch.json", "error_404_session_patch_other_user.json"] {
        let body = std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let reason = detail_from_body(&body).unwrap();
        assert!(reason.starts_with("Session with id") && reason.ends_with("not found"), "{name}: {reason}");
    }
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    fn config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.trim().parse().ok()).unwrap_or(10_000);
        ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
            Just(Value::String("session_summary".into())),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec(
                    (prop_oneof![
                        Just("session_state".to_string()),
                        Just("metadata".to_string()),
                        Just("session_summary".to_string()),
                        Just("summary".to_string()),
                        Just("topics".to_string()),
                        Just("session_id".to_string()),
                        Just("user_id".to_string()),
                        Just("agent_id".to_string()),
                        ".{0,6}".prop_map(|s: String| s),
                    ], inner),
                    0..6
                )
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(config())]

        /// Any body reads as a detail, and shows as capped text.
        #[test]
        fn any_detail_reads_and_shows(v in json_value()) {
            let d = SessionDetail::from_json(&v);
            for x in [&d.session_state, &d.metadata] {
                prop_assert!(json_text(x, 100).chars().count() <= 101);
            }
        }

        /// Anything typed is either refused with a reason or sent as an object.
        #[test]
        fn any_typed_state_is_an_object_or_refused(typed in "\\PC{0,40}|\\{[\"a-z:0-9, \\[\\]{}]{0,30}", id in ".{0,10}", user in ".{0,6}") {
            match state_update_request(&id, Some(ComponentKind::Agent), Some(&user), &typed) {
                Ok((path, body)) => {
                    prop_assert!(path.starts_with("/sessions/"));
                    prop_assert!(!path.contains('#'));
                    prop_assert!(body["session_state"].is_object());
                }
                Err(e) => prop_assert!(e.starts_with("Session state")),
            }
        }
    }
}
