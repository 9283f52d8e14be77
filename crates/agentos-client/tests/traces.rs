//! Traces recorded from the demo AgentOS decode into the list and the span
//! waterfall; durations and times are read exactly, filters round-trip.

use agentos_client::traces::*;
use agentos_client::time::*;
use agentos_client::json::FromJson;
use agentos_client::ComponentKind;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

#[test]
fn durations_as_agentos_writes_them() {
    assert_eq!(parse_duration_us("13.01s"), Some(13_010_000));
    assert_eq!(parse_duration_us("152.0007848739624ms"), Some(152_000));
    assert_eq!(parse_duration_ms("152.0007848739624ms"), Some(152));
    assert_eq!(parse_duration_ms("13.01s"), Some(13_010));
    assert_eq!(parse_duration_us("0ms"), Some(0));
    assert_eq!(parse_duration_us("41ms"), Some(41_000));
    assert_eq!(parse_duration_us("1.50s"), Some(1_500_000));
    assert_eq!(parse_duration_us("250us"), Some(250));
    assert_eq!(parse_duration_us("250µs"), Some(250));
    assert_eq!(parse_duration_us("1m 2.5s"), Some(62_500_000));
    assert_eq!(parse_duration_us(" 7 "), Some(7_000));
    assert_eq!(parse_duration_us(""), None);
    assert_eq!(parse_duration_us("fast"), None);
    assert_eq!(parse_duration_us("12 parsecs"), None);
    assert_eq!(parse_duration_us("."), None);
}

#[test]
fn durations_for_people() {
    assert_eq!(format_duration(0), "0 ms");
    assert_eq!(format_duration(40), "0.1 ms");
    assert_eq!(format_duration(450), "0.4 ms");
    assert_eq!(format_duration(4_560), "4.5 ms");
    assert_eq!(format_duration(152_000), "152 ms");
    assert_eq!(format_duration(13_010_000), "13.01 s");
    assert_eq!(format_duration(125_000_000), "2 min 5 s");
}

#[test]
fn times_to_microseconds() {
    let a = parse_time_us("2026-11-23T08:21:54.685946Z").unwrap();
    let b = parse_time_us("2026-11-23T08:22:07.693327Z").unwrap();
    assert_eq!(b - a, 13_007_381);
    assert_eq!(parse_time_us("1970-01-01T00:00:01Z"), Some(1_000_000));
    assert_eq!(parse_time_us("1970-01-01T01:00:00+01:00"), Some(0));
    assert_eq!(parse_time_us("1970-01-01 00:00:00.5"), Some(500_000));
    assert_eq!(parse_time_us("2026-11-23"), None);
    assert_eq!(parse_time_us("yesterday at noon"), None);
}

#[test]
fn the_recorded_trace_list_decodes_every_row() {
    let raw = fixture("traces.json");
    let (rows, meta) = parse_traces(&raw);
    let items = raw["data"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(rows.len(), items.len());
    assert_eq!(meta.total_count, raw["meta"]["total_count"].as_u64().unwrap());
    for (row, item) in rows.iter().zip(items) {
        assert_eq!(row.trace_id, item["trace_id"].as_str().unwrap());
        assert_eq!(row.name, item["name"].as_str().unwrap());
        assert_eq!(row.status, item["status"].as_str().unwrap());
        assert_eq!(row.duration_text, item["duration"].as_str().unwrap());
        assert!(row.duration_us.is_some(), "{}", row.duration_text);
        assert_eq!(row.total_spans, item["total_spans"].as_u64().unwrap());
        assert_eq!(row.error_count, item["error_count"].as_u64().unwrap());
        assert_eq!(row.run_id.as_deref(), item["run_id"].as_str());
        assert_eq!(row.session_id.as_deref(), item["session_id"].as_str());
        match row.component.clone() {
            Some((kind, id)) => {
                let key = match kind {
                    ComponentKind::Agent => "agent_id",
                    ComponentKind::Team => "team_id",
                    ComponentKind::Workflow => "workflow_id",
                };
                assert_eq!(item[key].as_str(), Some(id.as_str()));
            }
            // agno records some traces without a component (e.g. a workflow step
            // executed on continue: "publish.aexecute_stream").
            None => assert!(["agent_id", "team_id", "workflow_id"].iter().all(|k| item[*k].is_null()), "{item}"),
        }
        assert_eq!(row.is_error(), item["error_count"].as_u64().unwrap() > 0);
    }
    // "13.01s" reads "13.01 s"; "152.0007848739624ms" reads "152 ms".
    let seconds = rows.iter().find(|r| r.duration_text.ends_with('s') && !r.duration_text.ends_with("ms"));
    if let Some(r) = seconds {
        assert_eq!(r.duration(), format!("{} s", r.duration_text.trim_end_matches('s')));
    }
    assert!(rows.iter().any(|r| r.component.is_some()));
}

#[test]
fn a_stock_server_trace_without_ids_or_input_still_lists() {
    let (rows, meta) = parse_traces(&json!({"data": [
        {"trace_id": "t1", "name": "fastapi.dependencies", "status": "OK", "duration": "3ms",
         "start_time": "2026-11-23T08:21:54Z", "end_time": "2026-11-23T08:21:54.003Z",
         "total_spans": 1, "error_count": 0, "created_at": "2026-11-23T08:21:54Z"},
        {"name": "no id"}
    ]}));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].component, None);
    assert_eq!(rows[0].input, None);
    assert_eq!(rows[0].run_id, None);
    assert_eq!(meta.page, 1);
    assert_eq!(parse_traces(&json!({})).0, vec![]);
}

#[test]
fn the_recorded_trace_tree_flattens_into_a_waterfall() {
    let raw = fixture("trace_detail.json");
    let t = TraceDetail::from_json(&raw);
    assert_eq!(t.summary.trace_id, raw["trace_id"].as_str().unwrap());
    assert!(t.summary.output.is_some());
    assert_eq!(t.tree.len(), raw["tree"].as_array().unwrap().len());

    fn count(v: &Value) -> usize {
        v.as_array().map(|a| a.iter().map(|s| 1 + count(&s["spans"])).sum()).unwrap_or(0)
    }
    let start = t.summary.start_time.as_deref().and_then(parse_time_us);
    let flat = flatten(&t.tree, start, t.summary.duration_us);
    assert_eq!(flat.len(), count(&raw["tree"]));
    assert_eq!(flat.len() as u64, raw["total_spans"].as_u64().unwrap());

    // Depth-first order, with depths, as in the recorded tree.
    fn walk<'a>(v: &'a Value, depth: usize, out: &mut Vec<(usize, &'a str, &'a str)>) {
        for s in v.as_array().into_iter().flatten() {
            out.push((depth, s["name"].as_str().unwrap(), s["type"].as_str().unwrap()));
            walk(&s["spans"], depth + 1, out);
        }
    }
    let mut expected_names = Vec::new();
    walk(&raw["tree"], 0, &mut expected_names);
    let names: Vec<(usize, &str, &str)> =
        flat.iter().map(|f| (f.depth, f.span.name.as_str(), f.span.kind.as_str())).collect();
    assert_eq!(names, expected_names);
    // The recorded trace is a team run that delegates: agent spans, LLM spans and tool spans.
    for kind in ["TEAM", "AGENT", "LLM", "TOOL"] {
        assert!(names.iter().any(|n| n.2 == kind), "{kind}");
    }
    assert!(names.iter().any(|n| n.0 >= 2), "nested at least two deep");
    assert_eq!(flat[0].children, raw["tree"][0]["spans"].as_array().unwrap().len());

    // The root spans the whole trace; children sit inside it, in time order.
    assert_eq!((flat[0].left_bp, flat[0].offset_us), (0, 0));
    assert!(flat[0].width_bp >= 9_990, "{}", flat[0].width_bp);
    for f in &flat {
        assert!(f.left_bp + f.width_bp <= 10_000);
        assert!(f.span.children.is_empty());
    }
    let first_child = &raw["tree"][0]["spans"][0];
    let child = &flat[1];
    let time = |v: &Value| parse_time_us(v.as_str().unwrap()).unwrap();
    assert_eq!(child.offset_us as i64, time(&first_child["start_time"]) - time(&raw["tree"][0]["start_time"]));
    let ms: u64 = first_child["duration"].as_str().unwrap().trim_end_matches("ms").parse().unwrap();
    assert_eq!(child.span.duration_us(), ms * 1000);
    assert!(flat[2].left_bp > flat[1].left_bp);

    // Inputs and outputs are text; JSON text is pretty-printed; metadata as JSON text.
    let (i, tool) = flat.iter().enumerate().find(|(_, f)| f.span.kind == "TOOL").map(|(i, f)| (i, &f.span)).unwrap();
    let raw_tool = {
        let mut all = Vec::new();
        fn spans<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
            for s in v.as_array().into_iter().flatten() {
                out.push(s);
                spans(&s["spans"], out);
            }
        }
        spans(&raw["tree"], &mut all);
        all[i]
    };
    let raw_input: Value = serde_json::from_str(raw_tool["input"].as_str().unwrap()).unwrap();
    assert_eq!(tool.input.as_deref().unwrap(), serde_json::to_string_pretty(&raw_input).unwrap());
    assert_eq!(tool.output.as_deref(), raw_tool["output"].as_str());
    assert!(tool.metadata.as_deref().unwrap().contains(&format!("\"tool_name\": \"{}\"", tool.name)));
    assert_eq!(flat[0].span.input, None);
}

#[test]
fn spans_without_times_or_with_errors() {
    let tree = vec![Span::from_json(&json!({
        "id": "a", "name": "root", "type": "agent", "duration": "10ms", "status": "ERROR",
        "start_time": "2026-01-01T00:00:00Z",
        "children": [
            {"id": "b", "name": "no times", "duration": "5ms"},
            {"id": "c", "type": "TOOL", "duration": "2.5ms", "start_time": "2026-01-01T00:00:00.005Z", "end_time": "2026-01-01T00:00:00.0075Z",
             "input": {"a": 1}, "output": "", "metadata": {}}
        ]
    }))];
    assert!(tree[0].is_error());
    assert_eq!(tree[0].kind, "AGENT");
    let flat = flatten(&tree, None, None);
    assert_eq!(flat.len(), 3);
    assert_eq!((flat[0].left_bp, flat[0].width_bp), (0, 10_000));
    assert_eq!((flat[1].span.kind.as_str(), flat[1].offset_us, flat[1].width_bp), ("UNKNOWN", 0, 5_000));
    assert_eq!((flat[2].left_bp, flat[2].width_bp), (5_000, 2_500));
    assert_eq!(flat[2].span.name, "(unnamed span)");
    assert_eq!(flat[2].span.input.as_deref(), Some("{\n  \"a\": 1\n}"));
    assert_eq!(flat[2].span.output, None);
    assert_eq!(flat[2].span.metadata, None);
    assert!(flatten(&[], None, None).is_empty());
    assert_eq!(percent(1_234), "12.34%");
    assert_eq!(percent(5), "0.05%");
}

#[test]
fn filters_round_trip_through_the_hash_query() {
    let f = TraceFilter::from_query(|k| match k {
        "run_id" => Some("r 1".into()),
        "status" => Some("ERROR".into()),
        "page" => Some("3".into()),
        "bogus" => Some("x".into()),
        _ => None,
    });
    assert_eq!(f.run_id, "r 1");
    assert_eq!(f.page, 3);
    assert!(f.is_filtered());
    assert_eq!(f.path(), "/traces?page=3&limit=20&run_id=r%201&status=ERROR");
    assert_eq!(f.hash_query(), "run_id=r%201&status=ERROR&page=3");
    assert_eq!(TraceFilter::default().path(), "/traces?page=1&limit=20");
    assert_eq!(TraceFilter::default().hash_query(), "");
    assert!(!TraceFilter::default().is_filtered());

    let mut f = f;
    f.set_component(Some((ComponentKind::Team, "research-team")));
    assert_eq!(f.page, 1);
    assert_eq!(f.component(), Some((ComponentKind::Team, "research-team")));
    f.set_component(Some((ComponentKind::Agent, "calc")));
    assert_eq!((f.team_id.as_str(), f.agent_id.as_str()), ("", "calc"));
    f.set("start_time", &input_to_iso("2026-11-23T08:21"));
    assert_eq!(f.start_time, "2026-11-23T08:21:00Z");
    assert_eq!(iso_to_input(&f.start_time), "2026-11-23T08:21");
    assert_eq!(iso_to_input("soon"), "");
    assert_eq!(input_to_iso(""), "");
    f.set_component(None);
    assert_eq!(f.component(), None);
    assert_eq!(trace_path("a/b", Some("r")), "/traces/a%2Fb?run_id=r");
    assert_eq!(trace_path("a", None), "/traces/a");
}
