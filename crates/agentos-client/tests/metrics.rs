//! Metrics recorded from the demo AgentOS decode into what the Metrics page
//! draws; ranges are filled with zeros, axis labels thinned, refresh states read.

use agentos_client::metrics::*;
use agentos_client::time::*;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

#[test]
fn the_recorded_metrics_decode_every_count() {
    let raw = fixture("metrics.json");
    let (rows, updated) = parse_metrics(&raw);
    let items = raw["metrics"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(rows.len(), items.len());
    assert_eq!(updated.as_deref(), raw["updated_at"].as_str());
    for (row, item) in rows.iter().zip(items) {
        let n = |k: &str| item[k].as_u64().unwrap();
        assert_eq!(row.date(), &item["date"].as_str().unwrap()[..10]);
        assert_eq!(row.agent_runs, n("agent_runs_count"));
        assert_eq!(row.team_runs, n("team_runs_count"));
        assert_eq!(row.workflow_runs, n("workflow_runs_count"));
        assert_eq!(row.agent_sessions, n("agent_sessions_count"));
        assert_eq!(row.team_sessions, n("team_sessions_count"));
        assert_eq!(row.workflow_sessions, n("workflow_sessions_count"));
        assert_eq!(row.users, n("users_count"));
        assert_eq!(row.runs(), n("agent_runs_count") + n("team_runs_count") + n("workflow_runs_count"));
        assert_eq!(row.input_tokens, item["token_metrics"]["input_tokens"].as_u64().unwrap());
        assert_eq!(row.output_tokens, item["token_metrics"]["output_tokens"].as_u64().unwrap());
        assert_eq!(row.total_tokens, item["token_metrics"]["total_tokens"].as_u64().unwrap());
        let models = item["model_metrics"].as_array().unwrap();
        assert_eq!(row.models.len(), models.len());
        assert_eq!(row.models[0].model_id, models[0]["model_id"].as_str().unwrap());
        assert_eq!(row.models[0].provider, models[0]["model_provider"].as_str().unwrap());
        assert_eq!(row.models[0].count, models[0]["count"].as_u64().unwrap());
    }
}

#[test]
fn the_refresh_answer_is_a_bare_list_of_days() {
    let v = json!([{"date": "2026-11-22T00:00:00Z", "agent_runs_count": 26}]);
    let (rows, updated) = parse_metrics(&v);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].agent_runs, 26);
    assert_eq!(rows[0].team_runs, 0);
    assert_eq!(updated, None);
}

#[test]
fn missing_and_odd_fields_read_as_zero_and_undated_rows_are_dropped() {
    let v = json!({"metrics": [
        {"date": "2026-11-20", "agent_runs_count": "4", "token_metrics": null, "model_metrics": [{"count": 2}]},
        {"agent_runs_count": 9},
        {"date": "not a date", "agent_runs_count": 9},
        "garbage"
    ]});
    let (rows, _) = parse_metrics(&v);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].agent_runs, 4);
    assert_eq!(rows[0].total_tokens, 0);
    assert_eq!(rows[0].models, vec![ModelUsage { model_id: "unknown".into(), provider: String::new(), count: 2 }]);
    assert_eq!(parse_metrics(&json!({})).0, vec![]);
    assert_eq!(parse_metrics(&Value::Null).0, vec![]);
}

#[test]
fn dates_are_day_numbers() {
    assert_eq!(parse_day("1970-01-01"), Some(0));
    assert_eq!(parse_day("2000-03-01"), Some(11_017));
    assert_eq!(parse_day("2026-11-23T00:00:00Z"), Some(20_780));
    assert_eq!(day_string(20_780), "2026-11-23");
    assert_eq!(day_string(parse_day("2024-02-29").unwrap() + 1), "2024-03-01");
    assert_eq!(parse_day("2026-13-01"), None);
    assert_eq!(parse_day("26-11-23"), None);
    assert_eq!(parse_day(""), None);
    assert_eq!(day_from_epoch_ms(1_795_422_095_000.0), 20_780);
}

#[test]
fn a_range_is_filled_with_zeros_and_days_of_several_databases_add_up() {
    let raw = fixture("metrics.json");
    let (rows, _) = parse_metrics(&raw);
    let day = rows[0].day;
    let days = fill_range(&rows, day - 6, day);
    assert_eq!(days.len(), 7);
    assert_eq!(days.iter().map(|d| d.day).collect::<Vec<_>>(), (day - 6..=day).collect::<Vec<_>>());
    assert!(days[..6].iter().all(|d| d.runs() == 0 && d.sessions() == 0 && d.total_tokens == 0 && d.models.is_empty()));
    assert_eq!(days[6], rows[0]);

    // Reversed ends, rows outside the range, the same day twice.
    let mut twice = rows[0].clone();
    twice.agent_runs = 1;
    let days = fill_range(&[rows[0].clone(), twice, DayMetrics { day: day + 5, agent_runs: 9, ..Default::default() }], day, day - 1);
    assert_eq!(days.len(), 2);
    assert_eq!(days[1].agent_runs, rows[0].agent_runs + 1);
    assert_eq!(days[1].models.len(), 2);
    assert_eq!(model_totals(&days)[0].count, rows[0].models[0].count * 2);

    // A year: 365 bars.
    assert_eq!(fill_range(&rows, day - 364, day).len(), 365);
    assert_eq!(fill_range(&[], 5, 5).len(), 1);
}

#[test]
fn model_usage_is_summed_by_model_and_provider() {
    let m = |id: &str, p: &str, c| ModelUsage { model_id: id.into(), provider: p.into(), count: c };
    let days = vec![
        DayMetrics { day: 1, models: vec![m("a", "OpenAI", 2), m("b", "OpenAI", 1)], ..Default::default() },
        DayMetrics { day: 2, models: vec![m("b", "OpenAI", 5), m("a", "Other", 1)], ..Default::default() },
    ];
    assert_eq!(model_totals(&days), vec![m("b", "OpenAI", 6), m("a", "OpenAI", 2), m("a", "Other", 1)]);
}

#[test]
fn query_paths() {
    let d = parse_day("2026-11-23").unwrap();
    assert_eq!(metrics_path(d - 6, d, ""), "/metrics?starting_date=2026-11-17&ending_date=2026-11-23");
    assert_eq!(metrics_path(d, d - 1, " u 1 "), "/metrics?starting_date=2026-11-22&ending_date=2026-11-23&user_id=u%201");
}

#[test]
fn date_ranges_survive_the_hash_query() {
    let d = parse_day("2026-11-23").unwrap();
    assert_eq!(DateRange::from_query(None, None, None), DateRange::Last(30));
    assert_eq!(DateRange::from_query(Some("7"), None, None), DateRange::Last(7));
    assert_eq!(DateRange::from_query(Some("0"), None, None), DateRange::Last(30));
    assert_eq!(DateRange::from_query(Some("x"), None, None), DateRange::Last(30));
    assert_eq!(DateRange::from_query(Some("7"), Some("2026-11-23"), Some("2026-11-01")), DateRange::Custom(d - 22, d));
    assert_eq!(DateRange::from_query(Some("7"), Some("2026-11-23"), Some("bad")), DateRange::Last(7));
    assert_eq!(DateRange::Last(7).days(d), (d - 6, d));
    assert_eq!(DateRange::Last(365).days(d), (d - 364, d));
    assert_eq!(DateRange::Custom(d - 2, d).query(), "from=2026-11-21&to=2026-11-23");
    assert_eq!(DateRange::Last(90).query(), "range=90");
    // At most MAX_DAYS long.
    let DateRange::Custom(f, t) = DateRange::custom(0, d) else { panic!() };
    assert_eq!((t - f + 1, t), (MAX_DAYS, d));
}

#[test]
fn refresh_states() {
    // The bodies recorded in the API notes (202 of the refresh, then the status).
    assert_eq!(
        parse_refresh_status(&json!({"status":"started","message":"Metrics refresh started in background"})),
        RefreshState::Running
    );
    assert_eq!(parse_refresh_status(&json!({"status":"running","started_at":"2026-11-22T19:03:21Z"})), RefreshState::Running);
    assert_eq!(
        parse_refresh_status(&json!({"status":"completed","started_at":"2026-11-22T19:03:21.976506Z","finished_at":"2026-11-22T19:03:21.985281Z","error":null})),
        RefreshState::Completed
    );
    assert_eq!(
        parse_refresh_status(&json!({"status":"failed","error":"database is locked"})),
        RefreshState::Failed("database is locked".into())
    );
    assert!(matches!(parse_refresh_status(&json!({"status":"completed","error":"partial"})), RefreshState::Failed(e) if e == "partial"));
    assert!(matches!(parse_refresh_status(&json!({})), RefreshState::Failed(_)));
}

#[test]
fn axis_labels_are_thinned_out_and_keep_both_ends() {
    assert_eq!(tick_indices(0, 8), Vec::<usize>::new());
    assert_eq!(tick_indices(7, 8), (0..7).collect::<Vec<_>>());
    for n in [8, 9, 30, 31, 90, 365, 366, 1000] {
        let t = tick_indices(n, 8);
        assert!(t.len() <= 8 && t.len() >= 2, "{n}: {t:?}");
        assert_eq!(t[0], 0);
        assert_eq!(*t.last().unwrap(), n - 1);
        assert!(t.windows(2).all(|w| w[0] < w[1]), "{n}: {t:?}");
        // Evenly spread: no gap more than twice another.
        let gaps: Vec<usize> = t.windows(2).map(|w| w[1] - w[0]).collect();
        let (lo, hi) = (*gaps.iter().min().unwrap(), *gaps.iter().max().unwrap());
        assert!(hi <= 2 * lo + 1, "{n}: {t:?}");
    }
    assert_eq!(tick_indices(365, 1), vec![0]);
}

#[test]
fn value_axes_end_on_round_numbers() {
    assert_eq!(nice_max(0), 1);
    assert_eq!(nice_max(1), 1);
    assert_eq!(nice_max(3), 5);
    assert_eq!(nice_max(13), 20);
    assert_eq!(nice_max(20_176), 50_000);
    assert_eq!(nice_max(100), 100);
    assert_eq!(compact(950), "950");
    assert_eq!(compact(1_200), "1.2k");
    assert_eq!(compact(20_176), "20k");
    assert_eq!(compact(1_500_000), "1.5M");
    assert_eq!(compact(2_000), "2k");
}
