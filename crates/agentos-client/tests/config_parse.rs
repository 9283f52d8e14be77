//! Discovery wire types (`/health`, `/info`, `/config`, agents, teams,
//! workflows) read from the recorded fixtures through `serde_json::from_str`,
//! as the browser transport does, and the lenient rules on edge cases.

use agentos_client::*;
use serde_json::json;

fn load(name: &str) -> String {
    let p = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn json(name: &str) -> serde_json::Value {
    parse(name)
}

fn parse<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&load(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn health_and_info() {
    let h: Health = parse("health.json");
    assert_eq!(h.status, "ok");
    assert!(h.instantiated_at.is_some());

    let i: OsInfo = parse("info.json");
    assert_eq!(i.os_id.as_deref(), Some("agentos-demo"));
    assert_eq!(i.display_name(), "AgentOS Demo");
    assert_eq!(i.agno_version.as_deref(), Some("3.1.10"));
    let raw = json("info.json");
    let count = |k: &str| raw[k].as_u64().map(|n| n as u32);
    assert_eq!((i.agent_count, i.team_count, i.workflow_count), (count("agent_count"), count("team_count"), count("workflow_count")));
    assert!(i.agent_count.unwrap() > 0);
    assert!(i.needs_key());
    assert_eq!(i.user_isolation, Some(false));
    assert_eq!(i.mcp.as_ref().and_then(|m| m.get("enabled")), Some(&json!(false)));
}

#[test]
fn config() {
    let c: OsConfig = parse("config.json");
    assert_eq!(c.os_id.as_deref(), Some("agentos-demo"));
    assert_eq!(c.available_models.len(), 1);
    assert_eq!(c.os_database.as_deref(), Some("demo-db"));
    assert_eq!(c.databases, vec!["demo-db".to_string()]);
    let session = c.session.as_ref().expect("session domain");
    assert_eq!(session.dbs[0].db_id, "demo-db");
    assert_eq!(session.dbs[0].tables, vec!["agno_sessions".to_string()]);
    assert_eq!(
        session.dbs[0].domain_config.as_ref().and_then(|d| d.display_name.as_deref()),
        Some("demo-db")
    );
    let kb = c.knowledge_instances();
    assert_eq!(kb.len(), 1);
    assert_eq!(kb[0].name.as_deref(), Some("Demo Handbook"));
    assert_eq!(kb[0].table.as_deref(), Some("agno_knowledge"));
    let raw = json("config.json");
    let len = |k: &str| raw[k].as_array().unwrap().len();
    assert_eq!(c.agents.len(), len("agents"));
    assert_eq!(c.teams.len(), len("teams"));
    assert_eq!(c.teams[0].id, raw["teams"][0]["id"].as_str().unwrap());
    assert_eq!(c.workflows.len(), len("workflows"));
    assert!(c.workflows.len() > 1, "the demo has several workflows");
    assert!(c.interfaces.is_empty());
    let domains = c.database_domains();
    assert_eq!(domains.len(), 1);
    assert_eq!(domains[0].0, "demo-db");
    assert!(domains[0].1.contains(&"sessions") && domains[0].1.contains(&"knowledge"));
}

#[test]
fn agents() {
    let list: Vec<AgentDetail> = parse("agents.json");
    let ids: Vec<&str> = list.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&"calculator-agent"));

    let a: AgentDetail = parse("agent_calculator-agent.json");
    assert_eq!(a.id, "calculator-agent");
    assert_eq!(a.model.as_ref().map(ModelInfo::label).as_deref(), Some("gpt-4o-mini-fake (OpenAI)"));
    let tools: Vec<&str> = a.tool_list().iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tools.first(), Some(&"add"));
    assert!(tools.contains(&"reset_memory_counter"));
    let reset = a.tool_list().iter().find(|t| t.name == "reset_memory_counter").unwrap();
    assert!(reset.needs_confirmation());
    assert!(!a.tool_list()[0].needs_confirmation());
    assert_eq!(a.tool_list()[0].parameters["type"], "object");
    let sm = a.system_message.as_ref().expect("system message");
    assert_eq!(sm.instruction_lines().len(), 3);

    for name in ["agent_assistant-agent.json", "agent_librarian-agent.json"] {
        let a: AgentDetail = parse(name);
        assert!(!a.id.is_empty() && a.name.is_some(), "{name}");
    }
}

#[test]
fn teams_and_workflows() {
    let teams: Vec<TeamDetail> = parse("teams.json");
    assert_eq!(teams.len(), json("teams.json").as_array().unwrap().len());
    let t: TeamDetail = parse("team_research-team.json");
    assert_eq!(t.id, "research-team");
    assert_eq!(t.mode.as_deref(), Some("coordinate"));
    let members: Vec<&str> = t.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(members, ["calculator-agent", "librarian-agent"]);

    let wfs: Vec<WorkflowDetail> = parse("workflows.json");
    let raw_wfs = json("workflows.json");
    assert_eq!(wfs.len(), raw_wfs.as_array().unwrap().len());
    assert_eq!(wfs[0].id, raw_wfs[0]["id"].as_str().unwrap());
    let w: WorkflowDetail = parse("workflow_two-step-workflow.json");
    assert_eq!(w.id, "two-step-workflow");
    assert_eq!(w.steps.len(), 2);
    assert_eq!(w.steps[0].name.as_deref(), Some("ask-librarian"));
    assert_eq!(w.steps[0].kind.as_deref(), Some("Step"));
    assert_eq!(w.steps[0].agent.as_ref().map(|a| a.id.as_str()), Some("librarian-agent"));
    assert_eq!(w.steps[0].executor_label().as_deref(), Some("Agent: Librarian"));
}

#[test]
fn missing_fields_take_defaults_unknown_are_ignored() {
    let a: AgentDetail = serde_json::from_str(r#"{"future_field": [1, 2], "name": "x"}"#).unwrap();
    assert_eq!(a, AgentDetail { name: Some("x".into()), ..Default::default() });
    let c: OsConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(c, OsConfig::default());
    let w: WorkflowDetail = serde_json::from_str(r#"{"id": "w", "steps": [{"type": "Parallel", "steps": [{"name": "a"}]}]}"#).unwrap();
    assert_eq!(w.steps[0].kind.as_deref(), Some("Parallel"));
    assert_eq!(w.steps[0].steps[0].name.as_deref(), Some("a"));
}

#[test]
fn nulls_and_wrong_types_read_as_absent() {
    let a: AgentDetail = serde_json::from_str(
        r#"{"id": null, "name": 7, "model": "gpt", "tools": {"tools": [null, {"name": "t", "requires_confirmation": "true"}]},
            "members": null, "is_factory": "no", "system_message": {"instructions": null}}"#,
    )
    .unwrap();
    assert_eq!(a.id, "");
    assert_eq!(a.name.as_deref(), Some("7"));
    assert_eq!(a.model, None);
    assert_eq!(a.tool_list().len(), 1);
    assert!(a.tool_list()[0].needs_confirmation());
    assert_eq!(a.tool_list()[0].parameters, serde_json::Value::Null);
    assert_eq!(a.members, None);
    assert_eq!(a.is_factory, None);
    assert_eq!(a.system_message.unwrap().instructions, None);

    let i: OsInfo = serde_json::from_str(r#"{"agent_count": "4", "team_count": -1, "workflow_count": 2.0, "mcp": null}"#).unwrap();
    assert_eq!((i.agent_count, i.team_count, i.workflow_count, i.mcp), (Some(4), None, Some(2), None));

    let t: TeamDetail = serde_json::from_str(r#"{"id": "t", "members": [{"id": "m", "members": [{"id": "n"}]}]}"#).unwrap();
    assert_eq!(t.members[0].members.as_ref().map(|m| m[0].id.as_str()), Some("n"));
}

#[test]
fn a_body_that_is_not_an_object_is_an_error() {
    assert!(serde_json::from_str::<OsInfo>("\"hello\"").is_err());
    assert!(serde_json::from_str::<OsInfo>("not json").is_err());
    assert!(serde_json::from_str::<AgentDetail>("[]").is_err());
    assert!(serde_json::from_str::<Vec<AgentDetail>>("{}").is_err());
    assert_eq!(serde_json::from_str::<Vec<TeamDetail>>("[]").unwrap(), vec![]);
}

#[test]
fn component_kind_round_trips_lowercase() {
    for k in ComponentKind::ALL {
        let s = serde_json::to_string(&k).unwrap();
        assert_eq!(s, format!("\"{}\"", k.as_str()));
        assert_eq!(serde_json::from_str::<ComponentKind>(&s).unwrap(), k);
    }
    assert!(serde_json::from_str::<ComponentKind>("\"Agent\"").is_err());
}
