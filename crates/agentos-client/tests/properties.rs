//! Property tests: everything a server sends goes through code that never
//! panics, stays within its bounds and gives the same answer for the same
//! input. Each property runs 10,000 cases by default; `PROPTEST_CASES`
//! overrides the count (`scripts/proptest-long.sh` runs 1,000,000 each in
//! release mode). Input sizes are bounded so the normal run stays fast.

use agentos_client::events::{event_from_value, parse_event, RunEvent};
use agentos_client::json::{self, FromJson};
use agentos_client::path;
use agentos_client::reducer::{runs_to_views, RunView, MAX_DEPTH, MAX_RUNS, MAX_STEPS, MAX_TOOLS};
use agentos_client::sse::{decode_all, SseDecoder, SseFrame};
use agentos_client::time::*;
use agentos_client::traces::Span;
use agentos_client::ws::{decode_ws_frames, decode_ws_text};
use agentos_client::ApiError;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::HashSet;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.trim().parse().ok()).unwrap_or(10_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---- generators --------------------------------------------------------------

/// Bytes that look like an event stream often (field names, line ends,
/// colons, a BOM, invalid UTF-8) and like anything else sometimes.
fn stream_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"data:".to_vec()),
        Just(b"data: ".to_vec()),
        Just(b"event: ".to_vec()),
        Just(b"id: 7".to_vec()),
        Just(b": keepalive".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b":".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just("é€".as_bytes().to_vec()),
        Just(b"\xFF\xC3".to_vec()),
        Just(br#"{"event":"RunContent","content":"x"}"#.to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("event".to_string()),
                    Just("run_id".to_string()),
                    Just("content".to_string()),
                    Just("tools".to_string()),
                    Just("event_index".to_string()),
                    Just("step_index".to_string()),
                    Just("metrics".to_string()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const NAMES: [&str; 34] = [
    "RunStarted",
    "RunContent",
    "RunIntermediateContent",
    "RunCompleted",
    "RunError",
    "RunCancelled",
    "RunPaused",
    "RunContinued",
    "ToolCallStarted",
    "ToolCallCompleted",
    "ToolCallError",
    "ReasoningStarted",
    "ReasoningContentDelta",
    "ReasoningCompleted",
    "ModelRequestCompleted",
    "MemoryUpdateCompleted",
    "TeamRunStarted",
    "TeamRunContent",
    "TeamRunCompleted",
    "TeamToolCallStarted",
    "TeamRunPaused",
    "WorkflowStarted",
    "WorkflowCompleted",
    "WorkflowCancelled",
    "StepStarted",
    "StepCompleted",
    "StepPaused",
    "StepError",
    "LoopExecutionStarted",
    "ParallelExecutionCompleted",
    "catch_up",
    "queued",
    "SomethingNew",
    "CustomEvent",
];

/// An id from a small pool (so parents, children and steps collide), or none.
fn pool_id(prefix: &'static str) -> impl Strategy<Value = Option<String>> {
    prop_oneof![1 => Just(None), 4 => (0..6u8).prop_map(move |i| Some(format!("{prefix}{i}")))]
}

fn content() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => ".{0,8}".prop_map(Value::String),
        1 => Just(Value::Null),
        1 => Just(json!("Run was cancelled")),
        1 => Just(json!({"a": [1, 2]})),
    ]
}

/// One plausible run event as a JSON object (the wire shape).
fn event_json() -> impl Strategy<Value = (String, Value)> {
    (
        proptest::sample::select(&NAMES[..]),
        (pool_id("r"), pool_id("r"), pool_id("r"), pool_id("s"), pool_id("t")),
        prop_oneof![3 => Just(None), 1 => (0..20u64).prop_map(Some), 1 => Just(Some(u64::MAX))],
        content(),
        any::<bool>(),
    )
        .prop_map(|(name, (run, parent, wf_run, step, tool), index, content, flag)| {
            let mut v = json!({"event": name, "content": content});
            let o = v.as_object_mut().unwrap();
            let mut put = |k: &str, x: Option<String>| {
                if let Some(x) = x {
                    o.insert(k.into(), Value::String(x));
                }
            };
            put("run_id", run);
            put("parent_run_id", parent);
            put("workflow_run_id", wf_run);
            put("step_id", step.clone());
            put("step_name", step);
            if let Some(i) = index {
                o.insert("event_index".into(), json!(i));
            }
            if let Some(t) = tool {
                let tool = json!({"tool_call_id": t, "tool_name": "f", "requires_confirmation": flag, "result": if flag { Value::Null } else { json!("ok") }});
                o.insert("tool".into(), tool.clone());
                o.insert("tools".into(), json!([tool]));
            }
            o.insert("requirements".into(), json!([{"step_id": "s1"}, "not an object", 3]));
            o.insert("reasoning_content".into(), json!("r"));
            (name.to_string(), v)
        })
}

fn events() -> impl Strategy<Value = Vec<RunEvent>> {
    proptest::collection::vec(event_json(), 0..40)
        .prop_map(|list| list.into_iter().map(|(name, v)| event_from_value(Some(&name), v)).collect())
}

/// A stored run (`GET /sessions/{id}/runs` item), members nested.
fn stored_run() -> impl Strategy<Value = Value> {
    let leaf = (pool_id("r"), pool_id("r"), pool_id("s"), prop_oneof![Just("COMPLETED"), Just("CANCELLED"), Just("PAUSED"), Just("ERROR")], content())
        .prop_map(|(id, parent, step, status, content)| {
            json!({"run_id": id, "parent_run_id": parent, "workflow_step_id": step, "status": status,
                   "content": content, "agent_id": "a", "tools": [{"tool_call_id": "t", "requires_confirmation": true}],
                   "requirements": [{"step_id": "s0"}, 1]})
        });
    leaf.prop_recursive(6, 24, 3, |inner| {
        (inner.clone(), proptest::collection::vec(inner, 0..3), any::<bool>()).prop_map(|(mut r, kids, wf)| {
            if wf {
                r["workflow_id"] = json!("w");
                r.as_object_mut().unwrap().remove("agent_id");
                r["step_executor_runs"] = Value::Array(kids);
            } else {
                r["team_id"] = json!("t");
                r["member_responses"] = Value::Array(kids);
            }
            r
        })
    })
}

// ---- helpers -----------------------------------------------------------------

fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut at = 0;
    for c in cuts {
        out.push(bytes[at..c].to_vec());
        at = c;
    }
    out.push(bytes[at..].to_vec());
    out
}

fn decode_chunks(chunks: &[Vec<u8>]) -> (Vec<SseFrame>, Option<SseFrame>) {
    let mut d = SseDecoder::new();
    let mut frames = Vec::new();
    for c in chunks {
        frames.extend(d.push(c));
    }
    (frames, d.finish())
}

/// Checks the bounds on every run of a tree; returns its run ids.
fn check_tree(v: &RunView, ids: &mut Vec<String>) -> Result<(), TestCaseError> {
    prop_assert!(v.tools.len() <= MAX_TOOLS);
    prop_assert!(v.steps.len() <= MAX_STEPS);
    ids.extend(v.run_id.clone());
    for c in v.children() {
        check_tree(c, ids)?;
    }
    Ok(())
}

fn ids_in(v: &Value, out: &mut HashSet<String>) {
    if let Some(id) = v.get("run_id").and_then(Value::as_str) {
        out.insert(id.to_string());
    }
    for k in ["member_responses", "step_executor_runs"] {
        for x in v.get(k).and_then(Value::as_array).into_iter().flatten() {
            ids_in(x, out);
        }
    }
}

// ---- properties --------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes in arbitrary chunks: never a panic, and the same
    /// frames (and the same cut frame) whatever the chunking.
    #[test]
    fn sse_decoder_is_chunking_invariant(bytes in stream_bytes(), cuts in proptest::collection::vec(any::<usize>(), 0..6)) {
        let whole = decode_all(&bytes);
        let chunked = decode_chunks(&split(&bytes, &cuts));
        prop_assert_eq!(&whole, &chunked);
        let bytewise: Vec<Vec<u8>> = bytes.iter().map(|b| vec![*b]).collect();
        prop_assert_eq!(&whole, &decode_chunks(&bytewise));
        // Every frame's data came from `data:` lines of the input.
        for f in &whole.0 {
            prop_assert!(f.data.chars().count() <= bytes.len());
        }
    }

    /// Any bytes at all (not only stream-like ones).
    #[test]
    fn sse_decoder_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300), cuts in proptest::collection::vec(any::<usize>(), 0..4)) {
        prop_assert_eq!(decode_all(&bytes), decode_chunks(&split(&bytes, &cuts)));
    }

    /// The event parser: an object is always an event (of the name given,
    /// or the one inside), anything else is an error, never a panic.
    #[test]
    fn event_parser_takes_any_json(v in json_value(), name in proptest::option::of(proptest::sample::select(&NAMES[..]))) {
        let text = v.to_string();
        match parse_event(name, &text) {
            Ok(ev) => {
                prop_assert!(v.is_object());
                if let Some(n) = name {
                    prop_assert_eq!(ev.name(), n);
                }
            }
            Err(_) => prop_assert!(!v.is_object()),
        }
    }

    /// Arbitrary text as event data.
    #[test]
    fn event_parser_takes_any_text(text in ".{0,64}", name in proptest::option::of(".{0,12}")) {
        let parsed = parse_event(name.as_deref(), &text);
        let is_object = serde_json::from_str::<Value>(&text).is_ok_and(|v| v.is_object());
        prop_assert_eq!(parsed.is_ok(), is_object);
    }

    /// Live runs: any sequence of plausible events keeps the tree within its
    /// bounds, and the same sequence gives the same view.
    #[test]
    fn reducer_stays_bounded_and_deterministic(evs in events()) {
        let mut a = RunView::new();
        let mut b = RunView::new();
        for ev in &evs {
            a.apply(ev);
            b.apply(ev);
        }
        prop_assert_eq!(&a, &b);
        prop_assert!(a.depth() <= MAX_DEPTH, "depth {}", a.depth());
        prop_assert!(a.run_count() <= MAX_RUNS);
        prop_assert!(a.applied + a.duplicates <= evs.len());
        let mut ids = Vec::new();
        check_tree(&a, &mut ids)?;
        // Each run appears once.
        let unique: HashSet<&String> = ids.iter().collect();
        prop_assert_eq!(unique.len(), ids.len());
        // Deciding on whatever waits never panics (requirements that are
        // not objects included).
        let decisions: Vec<(String, bool)> = a.paused_tool_views().into_iter().map(|t| (t.id, true)).collect();
        a.mark_decisions(&decisions);
        a.mark_interrupted("cut");
        a.mark_resuming();
    }

    /// Content deltas append, in order, whatever they hold.
    #[test]
    fn deltas_append(deltas in proptest::collection::vec(".{0,6}", 0..30), team in any::<bool>()) {
        let name = if team { "TeamRunContent" } else { "RunContent" };
        let mut v = RunView::new();
        for d in &deltas {
            v.apply(&event_from_value(Some(name), json!({"run_id": "r", "content": d})));
        }
        prop_assert_eq!(v.content, deltas.concat());
    }

    /// A repeated `event_index` is a duplicate, however large the first.
    #[test]
    fn duplicate_indexes_are_skipped(first in prop_oneof![Just(u64::MAX), Just(u64::MAX - 1), any::<u64>()], repeats in 1..4usize) {
        let mut v = RunView::new();
        let ev = event_from_value(Some("RunContent"), json!({"run_id": "r", "content": "x", "event_index": first}));
        for _ in 0..=repeats {
            v.apply(&ev);
        }
        prop_assert_eq!(v.content.as_str(), "x");
        prop_assert_eq!(v.duplicates, repeats);
        prop_assert_eq!(v.last_event_index, Some(first));
    }

    /// The history rebuild: any list of stored runs gives views within the
    /// bounds, keeps every run id, and is deterministic.
    #[test]
    fn history_rebuild_keeps_runs_within_bounds(runs in proptest::collection::vec(stored_run(), 0..8)) {
        let views = runs_to_views(&runs);
        prop_assert_eq!(&views, &runs_to_views(&runs));
        let mut ids = Vec::new();
        for v in &views {
            prop_assert!(v.depth() <= MAX_DEPTH, "depth {}", v.depth());
            prop_assert!(v.run_count() <= MAX_RUNS);
            check_tree(v, &mut ids)?;
        }
        // Nothing is invented, and no stored run is lost (a run already
        // inside its parent's stored members is shown there once).
        let mut expected = HashSet::new();
        runs.iter().for_each(|r| ids_in(r, &mut expected));
        let got: HashSet<String> = ids.into_iter().collect();
        prop_assert!(got.is_subset(&expected), "{:?} ⊄ {:?}", got, expected);
        for id in runs.iter().filter_map(|r| r.get("run_id").and_then(Value::as_str)) {
            prop_assert!(got.contains(id), "{} lost", id);
        }
        prop_assert!(views.len() <= runs.len());
    }

    /// The WebSocket decoder: any text is events or errors, never a panic;
    /// an SSE-formatted message reads like the same frame over SSE.
    #[test]
    fn ws_decoder_takes_any_text(text in ".{0,80}", (name, v) in event_json()) {
        let _ = decode_ws_frames(&text);
        let _ = decode_ws_text(&text);
        let data = v.to_string();
        let framed = format!("event: {name}\ndata: {data}\n\n");
        prop_assert_eq!(decode_ws_text(&framed), parse_event(Some(&name), &data));
        prop_assert_eq!(decode_ws_text(&data), parse_event(None, &data));
    }

    /// Sizes: one shape for any number, exact below 1 KB.
    #[test]
    fn sizes_have_one_shape(bytes in prop_oneof![any::<u64>(), 0..5_000_000u64]) {
        let s = human_size(bytes);
        let (num, unit) = s.split_once(' ').unwrap();
        prop_assert!(["B", "KB", "MB", "GB", "TB"].contains(&unit), "{}", s);
        prop_assert!(num.parse::<f64>().is_ok(), "{}", s);
        if bytes < 1024 {
            prop_assert_eq!(s, format!("{bytes} B"));
        } else if unit != "TB" {
            prop_assert!(num.parse::<f64>().unwrap() <= 1024.0, "{}", s);
        }
    }

    /// Timestamps: epoch seconds (or milliseconds) round-trip through the
    /// ISO text; any string is read without a panic.
    #[test]
    fn timestamps_round_trip(secs in -62_135_596_800i64..100_000_000_000, ms in any::<bool>(), junk in ".{0,30}") {
        let v = if ms && secs.abs() > 100_000_000 { json!(secs * 1000) } else { json!(secs) };
        let iso = timestamp(&v).unwrap();
        prop_assert_eq!(parse_time_us(&iso), Some(secs * 1_000_000));
        prop_assert!(human_time(&iso).ends_with(" UTC"));
        prop_assert_eq!(iso_to_input(&iso).len(), 16);
        let day = secs.div_euclid(86_400);
        prop_assert_eq!(parse_day(&day_string(day)), Some(day));
        for s in [junk.as_str(), &format!("{}{junk}", &iso[..15])] {
            let _ = timestamp(&json!(s));
            let h = human_time(s);
            prop_assert!(!h.is_empty() || s.trim().is_empty());
            let _ = (parse_time_us(s), parse_day(s), input_to_iso(s), iso_to_input(s), parse_duration_us(s));
        }
    }

    /// Numbers of any size: durations saturate, days and epochs format.
    #[test]
    fn huge_numbers_format(n in any::<u64>(), i in any::<i64>(), f in any::<f64>()) {
        prop_assert_eq!(parse_duration_us(&format!("{n}us")), Some(n.saturating_mul(1_000) / 1_000));
        prop_assert_eq!(parse_duration_us(&format!("{n} ms")), Some(n.saturating_mul(1_000_000) / 1_000));
        prop_assert!(!format_duration(n).is_empty());
        prop_assert!(day_string(i).contains('-'));
        prop_assert!(iso_from_epoch(i).ends_with('Z'));
        let _ = timestamp(&serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null));
        let _ = day_from_epoch_ms(f);
    }

    /// The URL encoder: only unreserved characters and escapes come out,
    /// decoding gives the input back, and a path with the id is refused
    /// exactly when the id is empty, `.` or `..`.
    #[test]
    fn path_encoder_round_trips(s in prop_oneof![".{0,16}", Just(String::new()), Just(".".into()), Just("..".into()), Just("...".into())]) {
        let e = path::encode(&s);
        prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)), "{}", e);
        prop_assert_eq!(path::decode(&e), s.clone());
        let p = format!("/sessions/{e}/runs?type=agent&x=..");
        let refused = matches!(s.as_str(), "" | "." | "..");
        match path::check(&p) {
            Ok(()) => prop_assert!(!refused),
            Err(ApiError::InvalidId { id }) => {
                prop_assert!(refused);
                prop_assert_eq!(id, s);
            }
            Err(other) => prop_assert!(false, "{:?}", other),
        }
    }

    /// The lenient readers agree with the value's type.
    #[test]
    fn json_readers_follow_the_type(x in json_value()) {
        let v = json!({ "k": x.clone() });
        match (&x, json::text(&v, "k")) {
            (Value::String(s), Some(t)) => prop_assert_eq!(&t, s),
            (Value::String(s), None) => prop_assert!(s.trim().is_empty()),
            (Value::Number(_) | Value::Bool(_), t) => prop_assert!(t.is_some()),
            (_, t) => prop_assert!(t.is_none()),
        }
        if let Some(n) = json::number(&v, "k") {
            match &x {
                Value::Number(num) => prop_assert!(num.as_u64() == Some(n) || num.as_f64().is_some_and(|f| f >= 0.0)),
                Value::String(s) => prop_assert_eq!(s.trim().parse::<u64>().ok(), Some(n)),
                _ => prop_assert!(false, "a count from {:?}", x),
            }
        }
        let _ = (json::int(&v, "k"), json::flag(&v, "k"), json::list(&v, "k"), json::any(&v, "k"));
    }

    /// Span kinds map to a fixed set of classes.
    #[test]
    fn span_kinds_map_to_fixed_classes(kind in prop_oneof![".{0,12}", Just("tool".to_string()), Just("AGENT".to_string())]) {
        let span = Span::from_json(&json!({"type": kind, "start_time": kind, "duration": kind}));
        let class = span.kind_class();
        prop_assert!(["kind-agent", "kind-team", "kind-workflow", "kind-llm", "kind-tool", "kind-other"].contains(&class));
        prop_assert_eq!(class == "kind-other", !["AGENT", "TEAM", "WORKFLOW", "LLM", "TOOL"].contains(&kind.to_ascii_uppercase().as_str()));
    }
}

// ---- the bounds, one case each (too big to repeat 10,000 times) --------------

#[test]
fn sse_line_over_the_limit_stops_the_stream_and_keeps_earlier_frames() {
    use agentos_client::sse::{TooLarge, MAX_EVENT_BYTES};
    let mut d = SseDecoder::new();
    let frames = d.push(b"data: {\"a\":1}\n\ndata: ");
    assert_eq!(frames.len(), 1);
    assert_eq!(d.too_large(), None);
    let big = vec![b'x'; MAX_EVENT_BYTES];
    let frames = d.push(&big);
    assert!(frames.is_empty());
    assert_eq!(d.too_large(), Some(TooLarge));
    assert!(TooLarge.to_string().starts_with("event too large"));
    // Stopped: nothing more comes out.
    assert!(d.push(b"\n\ndata: {}\n\n").is_empty());
    // An event whose data lines add up to more than the limit.
    let mut d = SseDecoder::new();
    let line = format!("data: {}\n", "y".repeat(MAX_EVENT_BYTES / 2));
    let mut frames = d.push(b"data: 1\n\n");
    for _ in 0..3 {
        frames.extend(d.push(line.as_bytes()));
    }
    assert_eq!(frames.len(), 1);
    assert_eq!(d.too_large(), Some(TooLarge));
    // A WebSocket message over the limit is one "event too large" error.
    let text = format!("{{\"event\":\"RunContent\",\"content\":\"{}\"}}", "z".repeat(MAX_EVENT_BYTES));
    let out = decode_ws_frames(&text);
    assert_eq!(out.len(), 1);
    assert!(out[0].as_ref().unwrap_err().message.starts_with("event too large"));
}

#[test]
fn deep_trees_attach_to_the_root() {
    // A chain of 20 team runs, each the parent of the next.
    let mut v = RunView::new();
    for i in 0..20 {
        let parent = if i == 0 { Value::Null } else { json!(format!("r{}", i - 1)) };
        v.apply(&event_from_value(Some("TeamRunStarted"), json!({"run_id": format!("r{i}"), "parent_run_id": parent})));
        v.apply(&event_from_value(Some("TeamRunContent"), json!({"run_id": format!("r{i}"), "content": format!("c{i}")})));
    }
    assert_eq!(v.depth(), MAX_DEPTH);
    assert_eq!(v.run_count(), 20);
    // Runs below the cap sit directly under the root, with their content.
    let deep = v.members.iter().find(|m| m.run_id.as_deref() == Some("r15")).expect("r15 under the root");
    assert_eq!(deep.content, "c15");
    // The same chain stored: the rebuild caps it the same way.
    let runs: Vec<Value> = (0..20)
        .map(|i| json!({"run_id": format!("r{i}"), "parent_run_id": if i == 0 { Value::Null } else { json!(format!("r{}", i - 1)) }, "team_id": "t"}))
        .collect();
    let views = runs_to_views(&runs);
    assert_eq!(views.len(), 1);
    assert!(views[0].depth() <= MAX_DEPTH);
    assert_eq!(views[0].run_count(), 20);
}

#[test]
fn too_many_runs_tools_and_unknown_events_are_counted() {
    let mut v = RunView::new();
    v.apply(&event_from_value(Some("TeamRunStarted"), json!({"run_id": "root"})));
    for i in 0..MAX_RUNS + 10 {
        v.apply(&event_from_value(Some("RunContent"), json!({"run_id": format!("m{i}"), "parent_run_id": "root", "content": "x"})));
    }
    assert_eq!(v.run_count(), MAX_RUNS);
    assert_eq!(v.dropped, 11);
    for i in 0..MAX_TOOLS + 5 {
        v.apply(&event_from_value(Some("TeamToolCallStarted"), json!({"run_id": "root", "tool": {"tool_call_id": format!("t{i}")}})));
    }
    assert_eq!(v.tools.len(), MAX_TOOLS);
    for i in 0..1000 {
        v.apply(&event_from_value(Some(&format!("Made{i}Up")), json!({})));
    }
    assert_eq!(v.unknown_count, 1000);
    assert!(v.unknown_events.len() <= agentos_client::reducer::MAX_UNKNOWN_NAMES);
}

#[test]
fn stock_cancel_text_alone_does_not_crash() {
    // The exact text "Run was cancelled" made `is_stock_cancel` slice
    // `t[4..3]`, which aborted the app.
    for text in ["Run was cancelled", "Run  was cancelled", "Run x was cancelled", "Run was cancelled was cancelled"] {
        let mut v = RunView::new();
        v.apply(&event_from_value(Some("WorkflowStarted"), json!({"run_id": "w"})));
        v.apply(&event_from_value(Some("WorkflowCompleted"), json!({"run_id": "w", "content": text})));
        let mut t = RunView::new();
        t.apply(&event_from_value(Some("RunCancelled"), json!({"run_id": "r", "reason": text, "content": text})));
        let stored = runs_to_views(&[json!({"run_id": "s", "status": "CANCELLED", "content": text})]);
        let stock = text == "Run x was cancelled";
        assert_eq!(v.content.is_empty(), stock, "{text}");
        assert_eq!(stored[0].content.is_empty(), stock, "{text}");
    }
}

// ---- server addresses --------------------------------------------------------

/// Text shaped like what people type as a server address, with the odd parts that matter:
/// schemes, IPv6 brackets, ports (some refused by browsers, some out of range), paths.
fn address() -> impl Strategy<Value = String> {
    let scheme = proptest::sample::select(vec!["", "http://", "https://", "HTTP://", "ftp://", "://"]);
    let host = proptest::sample::select(vec!["localhost", "127.0.0.1", "[::1]", "os.example.com", "[", "a@b", "", "h_1"]);
    let port = prop_oneof![
        Just(String::new()),
        any::<u32>().prop_map(|p| format!(":{}", p % 100_000)),
        proptest::sample::select(vec![":6000", ":25", ":0", ":7777", ":", ":x", ":065535"]).prop_map(String::from),
    ];
    let path = proptest::sample::select(vec!["", "/", "/api/", "/a b", "/?q", "#f", "/é"]);
    (scheme, host, port, path, ".{0,3}").prop_map(|(s, h, p, pa, junk)| format!("{s}{h}{p}{pa}{junk}"))
}

proptest! {
    #![proptest_config(config())]

    /// Normalizing an address never panics, is idempotent, and keeps the server's identity;
    /// a refused port is named only for a usable address that carries that very port.
    #[test]
    fn server_addresses_normalize_stably(text in prop_oneof![address(), ".{0,24}"]) {
        use agentos_client::error::{endpoint_id, refused_port};
        match agentos_client::normalize_base_url(&text) {
            Ok(base) => {
                prop_assert!(base.starts_with("http://") || base.starts_with("https://"));
                let again = agentos_client::normalize_base_url(&base);
                prop_assert_eq!(again.as_ref(), Ok(&base));
                let id = endpoint_id(&text).expect("a usable address has an identity");
                prop_assert_eq!(endpoint_id(&id), Some(id.clone()));
                if let Some(p) = refused_port(&text) {
                    let authority = id.split_once("://").unwrap().1.split('/').next().unwrap();
                    let port = authority.rsplit(':').next().unwrap().parse::<u16>().unwrap();
                    prop_assert_eq!(port, p);
                }
            }
            Err(e) => {
                let invalid = matches!(e, ApiError::InvalidUrl { .. });
                prop_assert!(invalid);
                prop_assert_eq!(endpoint_id(&text), None);
                prop_assert_eq!(refused_port(&text), None);
            }
        }
    }
}
