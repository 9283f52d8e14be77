//! `manifest` and `chat.quick_prompts` of `/config`: read from the recorded
//! demo fixture, with the fallbacks the dashboard relies on, and lenient on
//! every hostile shape (never a panic, every cap holds).

use agentos_client::json::FromJson;
use agentos_client::manifest::*;
use agentos_client::*;
use proptest::prelude::*;
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let p = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn recorded_config_reads_manifest_and_chat_prompts() {
    let raw: Value = serde_json::from_str(&fixture("config.json")).unwrap();
    let both: ConfigWithManifest = serde_json::from_str(&fixture("config.json")).unwrap();
    // The config part is exactly what OsConfig reads on its own.
    assert_eq!(
        both.config,
        serde_json::from_str::<OsConfig>(&fixture("config.json")).unwrap()
    );
    let m = &both.manifest;
    assert!(!m.is_empty());

    // Every manifest entry of the wire is there, with its description and labels.
    let wire = raw["manifest"].as_object().unwrap();
    for (id, entry) in wire {
        let e = m.entry(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(e.description.as_deref(), entry["description"].as_str());
        let labels: Vec<&str> = entry["labels"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(m.labels(id), labels.as_slice());
    }

    // A manifest entry with prompts: its own prompts.
    let calc = &raw["manifest"]["calculator-agent"]["quick_prompts"];
    assert_eq!(
        m.quick_prompts("calculator-agent"),
        calc.as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .as_slice()
    );
    // An entry without prompts: chat.quick_prompts.
    assert!(raw["manifest"]["research-team"]
        .get("quick_prompts")
        .is_none_or(Value::is_null));
    let team_chat: Vec<String> = serde_json::from_value(raw["chat"]["quick_prompts"]["research-team"].clone()).unwrap();
    assert!(!team_chat.is_empty());
    assert_eq!(m.quick_prompts("research-team"), team_chat.as_slice());
    // No entry: description falls back to the component's own, prompts from chat.
    assert!(m.entry("librarian-agent").is_none());
    let own = both
        .config
        .agents
        .iter()
        .find(|a| a.id == "librarian-agent")
        .and_then(|a| a.description.clone());
    assert!(own.is_some());
    assert_eq!(m.description("librarian-agent", own.as_deref()), own.as_deref());
    assert!(!m.quick_prompts("librarian-agent").is_empty());
    // The manifest's description wins over the component's own.
    let own_calc = both
        .config
        .agents
        .iter()
        .find(|a| a.id == "calculator-agent")
        .and_then(|a| a.description.clone());
    assert_ne!(
        m.description("calculator-agent", own_calc.as_deref()),
        own_calc.as_deref()
    );
    assert_eq!(
        m.description("calculator-agent", own_calc.as_deref()),
        raw["manifest"]["calculator-agent"]["description"].as_str()
    );
    // Neither: nothing.
    assert!(m.quick_prompts("approval-workflow").is_empty());
    assert!(m.labels("approval-workflow").is_empty());
    assert!(m.quick_prompts("no-such-id").is_empty());
}

#[test]
fn a_server_without_them_reads_empty() {
    for body in [
        json!({}),
        json!({"os_id": "x", "chat": null, "manifest": null}),
        json!({"chat": {}, "manifest": {}}),
    ] {
        let m = Manifest::from_json(&body);
        assert!(m.is_empty(), "{body}");
        assert_eq!(m.description("a", Some("own")), Some("own"));
        assert_eq!(m.description("a", Some("   ")), None);
    }
    assert!(serde_json::from_str::<ConfigWithManifest>("[1]").is_err());
    assert!(serde_json::from_str::<ConfigWithManifest>("\"x\"").is_err());
}

#[test]
fn hostile_shapes_are_skipped() {
    let m = Manifest::from_json(&json!({
        "manifest": {
            "a": {"description": 5, "labels": "Maths", "quick_prompts": {"x": 1}},
            "b": "not an object",
            "c": {"description": "  ", "labels": [1, null, " ", "ok", "ok"], "quick_prompts": [null, 3, "", "  go  ", "go", ["x"]]},
            "  ": {"description": "blank id"},
            "d": null
        },
        "chat": {"quick_prompts": {"a": ["from chat"], "b": "nope", "c": ["chat c"], "e": [1, 2]}}
    }));
    let a = m.entry("a").unwrap();
    assert_eq!(
        (a.description.as_deref(), a.labels.len(), a.quick_prompts.len()),
        (None, 0, 0)
    );
    assert_eq!(m.quick_prompts("a"), ["from chat".to_string()]);
    assert!(m.entry("b").is_none() && m.entry("d").is_none() && m.entry("  ").is_none());
    assert_eq!(m.quick_prompts("b"), &[] as &[String]);
    assert_eq!(m.entry("c").unwrap().description, None);
    assert_eq!(m.labels("c"), ["ok".to_string()]);
    assert_eq!(m.quick_prompts("c"), ["go".to_string()]);
    assert!(m.quick_prompts("e").is_empty());
    // chat.quick_prompts of the wrong type.
    assert!(Manifest::from_json(&json!({"chat": {"quick_prompts": ["x"]}})).is_empty());
    assert!(Manifest::from_json(&json!({"chat": "x", "manifest": [1]})).is_empty());
}

#[test]
fn caps_hold() {
    let long_prompt = "p".repeat(MAX_PROMPT_CHARS + 1);
    let many: Vec<String> = (0..100).map(|i| format!("prompt {i}")).collect();
    let labels: Vec<String> = (0..100).map(|i| format!("label {i}")).collect();
    let all_labels: Vec<&String> = labels.iter().collect();
    let all_prompts: Vec<&String> = std::iter::once(&long_prompt).chain(many.iter()).collect();
    let m = Manifest::from_json(&json!({"manifest": {"x": {
        "description": "é".repeat(MAX_DESCRIPTION_CHARS * 2),
        "labels": all_labels,
        "quick_prompts": all_prompts,
    }, "y": {"labels": ["ü".repeat(500)]}}}));
    let x = m.entry("x").unwrap();
    let d = x.description.as_deref().unwrap();
    assert_eq!(d.chars().count(), MAX_DESCRIPTION_CHARS);
    assert!(d.ends_with('…'));
    assert_eq!(x.labels.len(), MAX_LABELS);
    // A too long prompt is skipped, not cut.
    assert_eq!(x.quick_prompts.len(), MAX_PROMPTS);
    assert_eq!(x.quick_prompts[0], "prompt 0");
    let y = &m.labels("y")[0];
    assert_eq!(y.chars().count(), MAX_LABEL_CHARS);
    assert!(y.ends_with('…'));
    // Components are capped.
    let map: serde_json::Map<String, Value> = (0..MAX_COMPONENTS + 50)
        .map(|i| (format!("c{i:05}"), json!({"labels": ["l"]})))
        .collect();
    let m = Manifest::from_json(&json!({"manifest": map}));
    let kept = (0..MAX_COMPONENTS + 50)
        .filter(|i| m.entry(&format!("c{i:05}")).is_some())
        .count();
    assert_eq!(kept, MAX_COMPONENTS);
}

#[test]
fn follow_up_suggestions_follow_the_quick_prompt_rules() {
    let many: Vec<String> = (0..50).map(|i| format!("next {i}")).collect();
    assert_eq!(clean_prompts(&many).len(), MAX_PROMPTS);
    let odd = vec![
        "  ".to_string(),
        "a".repeat(MAX_PROMPT_CHARS + 1),
        " go ".into(),
        "go".into(),
        "é".repeat(MAX_PROMPT_CHARS),
    ];
    assert_eq!(
        clean_prompts(&odd),
        vec!["go".to_string(), "é".repeat(MAX_PROMPT_CHARS)]
    );
    assert!(clean_prompts(&[]).is_empty());
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "\\PC{0,60}".prop_map(Value::String),
        prop::sample::select(vec!["description", "labels", "quick_prompts", "chat", "manifest"]).prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "description",
                        "labels",
                        "quick_prompts",
                        "chat",
                        "manifest",
                        "a",
                        "b"
                    ])
                    .prop_map(String::from),
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_shape_reads_within_caps(chat in arb_json(), manifest in arb_json(), id in prop::sample::select(vec!["a", "b", "x"])) {
        let m = Manifest::from_json(&json!({"chat": {"quick_prompts": chat}, "manifest": manifest}));
        prop_assert!(m.quick_prompts(id).len() <= MAX_PROMPTS);
        prop_assert!(m.labels(id).len() <= MAX_LABELS);
        for p in m.quick_prompts(id) {
            prop_assert!(!p.trim().is_empty() && p.chars().count() <= MAX_PROMPT_CHARS);
        }
        for l in m.labels(id) {
            prop_assert!(!l.trim().is_empty() && l.chars().count() <= MAX_LABEL_CHARS);
        }
        if let Some(d) = m.description(id, None) {
            prop_assert!(!d.trim().is_empty() && d.chars().count() <= MAX_DESCRIPTION_CHARS);
        }
    }
}
