//! Memory bodies recorded from the demo AgentOS decode into what the
//! Memories page shows; query paths and request bodies are built right.

use agentos_client::memory::*;
use agentos_client::time::*;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

#[test]
fn the_memory_list_decodes_every_row() {
    let raw = fixture("memories.json");
    let (rows, meta) = parse_memories(&raw);
    let items = raw["data"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(rows.len(), items.len());
    assert_eq!(meta.total_count, raw["meta"]["total_count"].as_u64().unwrap());
    assert_eq!(meta.page, 1);
    assert_eq!(meta.total_pages, raw["meta"]["total_pages"].as_u64().unwrap());
    for (row, item) in rows.iter().zip(items) {
        assert_eq!(row.memory_id, item["memory_id"].as_str().unwrap());
        assert_eq!(row.memory, item["memory"].as_str().unwrap());
        let topics: Vec<&str> = item["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert_eq!(row.topics, topics);
        assert_eq!(row.agent_id.as_deref(), item["agent_id"].as_str());
        assert_eq!(row.team_id.as_deref(), item["team_id"].as_str());
        assert_eq!(row.user_id.as_deref(), item["user_id"].as_str());
        // Recorded as "…Z": kept as it is.
        assert_eq!(row.updated_at.as_deref(), item["updated_at"].as_str());
    }
    // "2026-11-23T08:21:54Z" reads "2026-11-23 08:21 UTC".
    let iso = items[0]["updated_at"].as_str().unwrap();
    assert_eq!(human_time(rows[0].updated_at.as_deref().unwrap()), format!("{} {} UTC", &iso[..10], &iso[11..16]));
}

#[test]
fn topics_and_user_stats_decode() {
    assert_eq!(parse_topics(&fixture("memory_topics.json")), vec!["chat"]);
    assert_eq!(parse_topics(&json!(["ui", "prefs", "ui", 3, ""])), vec!["prefs", "ui"]);
    assert_eq!(parse_topics(&json!({"data": ["b", "a"]})), vec!["a", "b"]);
    assert!(parse_topics(&json!(null)).is_empty());

    let raw = fixture("user_memory_stats.json");
    let (rows, meta) = parse_user_stats(&raw);
    assert_eq!(rows.len(), raw["data"].as_array().unwrap().len());
    let first = &raw["data"][0];
    assert_eq!(meta.total_count, raw["meta"]["total_count"].as_u64().unwrap());
    assert_eq!(rows[0].user_id, first["user_id"].as_str().unwrap());
    assert_eq!(rows[0].total_memories, first["total_memories"].as_u64().unwrap());
    assert!(rows[0].total_memories > 0);
    assert_eq!(rows[0].last_updated.as_deref(), first["last_memory_updated_at"].as_str());
}

#[test]
fn rows_are_read_leniently() {
    let v = json!({
        "data": [
            {"memory_id": "a", "memory": "likes tea", "topics": "prefs, food", "updated_at": 1_795_422_114, "extra": {"x": 1}},
            {"memory_id": "b", "memory": null, "topics": null, "user_id": 42, "updated_at": "2026-11-23T08:21:54.123456"},
            {"memory_id": "c", "updated_at": "2026-11-23 08:21:54+00:00", "agent_id": ""},
            {"memory_id": "d", "updated_at": 1_795_422_114_000u64},
            {"memory": "no id: dropped"},
            "not an object"
        ],
        "meta": {"page": "2", "total_count": 31, "total_pages": 2}
    });
    let (rows, meta) = parse_memories(&v);
    assert_eq!(rows.iter().map(|m| m.memory_id.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    assert_eq!(rows[0].topics, ["prefs", "food"]);
    assert_eq!(rows[0].updated_at.as_deref(), Some("2026-11-23T08:21:54Z"));
    assert_eq!(rows[1].memory, "");
    assert!(rows[1].topics.is_empty());
    assert_eq!(rows[1].user_id.as_deref(), Some("42"));
    assert_eq!(rows[1].updated_at.as_deref(), Some("2026-11-23T08:21:54Z"));
    assert_eq!(rows[2].updated_at.as_deref(), Some("2026-11-23T08:21:54Z"));
    assert_eq!(rows[2].agent_id, None);
    assert_eq!(rows[3].updated_at.as_deref(), Some("2026-11-23T08:21:54Z"), "milliseconds");
    assert_eq!((meta.page, meta.total_pages, meta.total_count), (2, 2, 31));
    assert_eq!(parse_memories(&json!("nope")).0.len(), 0);
}

#[test]
fn timestamps_normalize() {
    assert_eq!(iso_from_epoch(0), "1970-01-01T00:00:00Z");
    assert_eq!(iso_from_epoch(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(timestamp(&json!("1795422114")).as_deref(), Some("2026-11-23T08:21:54Z"));
    assert_eq!(timestamp(&json!(1_795_422_114.5)).as_deref(), Some("2026-11-23T08:21:54Z"));
    assert_eq!(timestamp(&json!("2026-11-23T10:21:54+02:00")).as_deref(), Some("2026-11-23T10:21:54+02:00"));
    assert_eq!(timestamp(&json!("yesterday")).as_deref(), Some("yesterday"));
    assert_eq!(timestamp(&json!("")), None);
    assert_eq!(timestamp(&json!(null)), None);
    assert_eq!(human_time("2026-11-23T10:21:54+02:00"), "2026-11-23 10:21 +02:00");
    assert_eq!(human_time("yesterday"), "yesterday");
}

#[test]
fn query_strings() {
    let f = MemoryFilter::default();
    assert_eq!(memories_query(&f), "limit=20&page=1&sort_by=updated_at&sort_order=desc");
    assert!(!f.is_filtered());
    let f = MemoryFilter {
        user_id: " user 1 ".into(),
        topic: "prefs/ui".into(),
        search: "oat milk & tea".into(),
        agent_id: "librarian-agent".into(),
        page: 3,
        ..Default::default()
    };
    assert!(f.is_filtered());
    assert_eq!(
        memories_path(&f),
        "/memories?limit=20&page=3&sort_by=updated_at&sort_order=desc&user_id=user%201&agent_id=librarian-agent&topics=prefs%2Fui&search_content=oat%20milk%20%26%20tea"
    );
    assert_eq!(memory_path("a/b", Some("u 1")), "/memories/a%2Fb?user_id=u%201");
    assert_eq!(memory_path("x", Some("  ")), "/memories/x");
    assert_eq!(topics_path(None), "/memory_topics");
    assert_eq!(topics_path(Some("fixture-user")), "/memory_topics?user_id=fixture-user");
    assert_eq!(user_stats_path(0, 50), "/user_memory_stats?limit=50&page=1");
}

#[test]
fn request_bodies() {
    assert_eq!(
        memory_body("  likes tea ", " prefs, food,,prefs ", " u1 "),
        json!({"memory": "likes tea", "topics": ["prefs", "food"], "user_id": "u1"})
    );
    assert_eq!(memory_body("x", "", ""), json!({"memory": "x", "topics": []}));
    assert_eq!(delete_many_body(&["a".into(), "b".into()], Some("u")), json!({"memory_ids": ["a", "b"], "user_id": "u"}));
    assert_eq!(delete_many_body(&[], None), json!({"memory_ids": []}));
}

#[test]
fn labels_are_short_and_unique() {
    let raw = fixture("memories.json");
    let (mut rows, _) = parse_memories(&raw);
    assert_eq!(excerpt("one  two\nthree", 40), "one two three");
    assert_eq!(excerpt("The user said: Please search: where is the coffee machine?", 30), "The user said: Please search:…");
    rows.push(rows[0].clone());
    let labels = unique_labels(&rows, 40);
    let mut sorted = labels.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), labels.len());
    assert!(labels.last().unwrap().ends_with(" (2)"));
}
