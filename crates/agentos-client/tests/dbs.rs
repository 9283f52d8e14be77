//! Databases (issue 13 §4): the per-domain db lists of `/config` with their
//! display names, and the `db_id` a request names, over a config recorded
//! from the demo with a second database (`config_two_dbs.json`) and the
//! one-database config (`config.json`).

mod common;

use agentos_client::db::{DbDomain, DbOption, DbScope, MAX_DBS};
use agentos_client::{FromJson, OsConfig};
use common::json;
use proptest::prelude::*;
use serde_json::json as j;

const DOMAINS: [DbDomain; 6] = [
    DbDomain::Session,
    DbDomain::Memory,
    DbDomain::Metrics,
    DbDomain::Traces,
    DbDomain::Evals,
    DbDomain::Knowledge,
];

#[test]
fn two_databases_are_listed_with_their_display_names() {
    let raw = json("config_two_dbs.json");
    let c = OsConfig::from_json(&raw);
    for (d, key) in [
        (DbDomain::Session, "session"),
        (DbDomain::Memory, "memory"),
        (DbDomain::Metrics, "metrics"),
        (DbDomain::Traces, "traces"),
        (DbDomain::Evals, "evals"),
        (DbDomain::Knowledge, "knowledge"),
    ] {
        let want: Vec<DbOption> = raw[key]["dbs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| DbOption {
                id: d["db_id"].as_str().unwrap().to_string(),
                label: d["domain_config"]["display_name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            })
            .collect();
        assert_eq!(want.len(), 2, "{key}");
        assert_ne!(
            want[0].label, want[0].id,
            "{key}: the demo names its databases"
        );
        assert_eq!(c.domain_dbs(d), want, "{key}");
    }
    // The one-database demo: agno's fallback display name for knowledge is the id.
    let one = OsConfig::from_json(&json("config.json"));
    let k = one.domain_dbs(DbDomain::Knowledge);
    assert_eq!(k.len(), 1);
    assert_eq!(k[0].label, k[0].id);
}

#[test]
fn with_two_databases_every_request_names_one() {
    let c = OsConfig::from_json(&json("config_two_dbs.json"));
    let own = c.os_database.clone().unwrap();
    let other = c
        .domain_dbs(DbDomain::Session)
        .into_iter()
        .find(|o| o.id != own)
        .unwrap()
        .id;
    for d in DOMAINS {
        // Nothing chosen: the AgentOS's own database (agno answers 400 without db_id).
        assert_eq!(
            c.db_scope(d, None).db_id.as_deref(),
            Some(own.as_str()),
            "{d:?}"
        );
        // A database the domain does not list is not sent.
        assert_eq!(
            c.db_scope(d, Some("no-such-db")).db_id.as_deref(),
            Some(own.as_str()),
            "{d:?}"
        );
    }
    assert_eq!(
        c.db_scope(DbDomain::Memory, Some(&other)).db_id,
        Some(other.clone())
    );
    assert_eq!(
        c.db_scope(DbDomain::Memory, Some(&other))
            .on("/memories?page=1"),
        format!("/memories?page=1&db_id={other}")
    );
}

#[test]
fn with_one_database_requests_stay_as_they_are() {
    let c = OsConfig::from_json(&json("config.json"));
    for d in DOMAINS {
        assert!(c.domain_dbs(d).len() <= 1, "{d:?}");
        assert_eq!(c.db_scope(d, None), DbScope::default(), "{d:?}");
        assert_eq!(c.db_scope(d, Some("other")), DbScope::default(), "{d:?}");
        assert_eq!(
            c.db_scope(d, None).on("/sessions?page=2"),
            "/sessions?page=2"
        );
    }
}

#[test]
fn the_recorded_400_says_db_id_is_required() {
    let body = json("error_400_db_id_required.json");
    assert!(body["detail"].as_str().unwrap().contains("db_id"));
    // And each database answers with its own rows.
    let sessions = json("sessions_archive_db.json");
    assert_eq!(sessions["data"][0]["agent_id"], "archive-agent");
    assert_eq!(json("memories_archive_db.json")["meta"]["total_count"], 1);
}

#[test]
fn display_name_falls_back_to_the_id_and_hostile_lists_are_bounded() {
    let dbs: Vec<_> = (0..MAX_DBS + 10)
        .map(|i| j!({"db_id": format!("db{}", i % (MAX_DBS + 5)), "domain_config": {"display_name": if i % 2 == 0 { j!("  ") } else { j!([1]) }}}))
        .chain([j!({"db_id": ""}), j!({"db_id": 5}), j!("text"), j!({"domain_config": null})])
        .collect();
    let c = OsConfig::from_json(
        &j!({"databases": ["a", "b"], "memory": {"dbs": dbs}, "session": {"dbs": "nope"}}),
    );
    let m = c.domain_dbs(DbDomain::Memory);
    assert_eq!(m.len(), MAX_DBS);
    // Blank or non-text display names fall back to the id.
    assert!(m.iter().all(|o| o.label == o.id && !o.id.is_empty()));
    assert!(c.domain_dbs(DbDomain::Session).is_empty());
    // No os_database: the domain's first database.
    assert_eq!(
        c.db_scope(DbDomain::Memory, None).db_id.as_deref(),
        Some("db0")
    );
    assert_eq!(c.db_scope(DbDomain::Session, None), DbScope::default());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// `db_id` is added once, encoded, and nothing else of the path changes.
    #[test]
    fn scope_adds_one_encoded_db_id(path in "/[a-z/]{0,12}(\\?[a-z_=&0-9]{0,16})?", db in "\\PC{1,12}") {
        let out = DbScope { db_id: Some(db.clone()) }.on(&path);
        prop_assert!(out.starts_with(&path));
        let added = &out[path.len()..];
        let has_db = path.split_once('?').map(|(_, q)| q.split('&').any(|p| p.split('=').next() == Some("db_id"))).unwrap_or(false);
        if has_db {
            prop_assert_eq!(added, "");
        } else {
            let sep = if path.contains('?') { "&" } else { "?" };
            prop_assert_eq!(added, format!("{sep}db_id={}", agentos_client::path::encode(&db)));
            prop_assert_eq!(agentos_client::path::decode(&added[sep.len() + 6..]), db);
        }
    }
}

#[test]
fn a_components_sessions_are_read_from_its_own_database() {
    use agentos_client::ComponentKind;
    let c = OsConfig::from_json(&json("config_two_dbs.json"));
    let raw = json("config_two_dbs.json");
    for a in raw["agents"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        assert_eq!(
            c.component_db(ComponentKind::Agent, id).db_id.as_deref(),
            a["db_id"].as_str(),
            "{id}"
        );
    }
    assert_eq!(
        c.component_db(ComponentKind::Agent, "archive-agent")
            .on("/sessions/s/runs"),
        "/sessions/s/runs?db_id=archive-db"
    );
    // An unknown component: the default database.
    assert_eq!(
        c.component_db(ComponentKind::Team, "nope").db_id,
        c.os_database
    );
    // One database: nothing added.
    let one = OsConfig::from_json(&json("config.json"));
    assert_eq!(
        one.component_db(ComponentKind::Agent, "archive-agent"),
        DbScope::default()
    );
}

#[test]
fn a_knowledge_base_repeated_by_the_server_is_listed_once() {
    use agentos_client::manifest::ConfigWithManifest;
    // agno 3.1.10 repeats the knowledge bases on each /config request when the
    // knowledge domain is configured: the second recording lists each twice.
    let raw = json("config_two_dbs_again.json");
    let listed = raw["knowledge"]["knowledge_instances"].as_array().map(Vec::len).unwrap_or(0);
    let first = ConfigWithManifest::from_json(&json("config_two_dbs.json")).config;
    let again = ConfigWithManifest::from_json(&raw).config;
    assert_eq!(listed, 2 * first.knowledge_instances().len(), "the recording repeats every base");
    assert_eq!(again.knowledge_instances(), first.knowledge_instances());
    let names: Vec<_> = again.knowledge_instances().iter().filter_map(|b| b.name.as_deref()).collect();
    assert_eq!(names, ["Demo Handbook", "Archive Notes"]);
}

proptest! {
    /// Whatever ids the server repeats, each id is listed once, in the order first seen.
    #[test]
    fn knowledge_bases_are_unique_by_id(ids in proptest::collection::vec(0u8..6, 0..40)) {
        let v = j!({ "knowledge": { "knowledge_instances": ids.iter().map(|i| j!({ "id": format!("kb-{i}") })).collect::<Vec<_>>() } });
        let c = agentos_client::manifest::ConfigWithManifest::from_json(&v).config;
        let got: Vec<_> = c.knowledge_instances().iter().map(|b| b.id.clone()).collect();
        let mut want: Vec<String> = Vec::new();
        for i in &ids {
            let id = format!("kb-{i}");
            if !want.contains(&id) {
                want.push(id);
            }
        }
        prop_assert_eq!(got, want);
    }
}
