//! Schedules and their runs recorded from the demo AgentOS (its scheduler
//! on) decode into what the Schedules page shows; the cron check and its
//! preview, and the form's body, follow agno 3.1.10's rules.

use agentos_client::json::FromJson;
use agentos_client::schedules::*;
use agentos_client::time::iso_from_epoch;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

#[test]
fn the_demo_schedules_decode() {
    let raw = fixture("schedules.json");
    let (rows, meta) = parse_schedules(&raw);
    assert_eq!(rows.len(), 2);
    assert_eq!(meta.total_count, 2);
    let hourly = rows.iter().find(|s| s.cron_expr.is_some()).unwrap();
    assert_eq!(hourly.endpoint, "/metrics/refresh");
    assert!(hourly.enabled);
    assert_eq!(hourly.when(), "Every hour at minute 0 (UTC)");
    let item = raw["data"].as_array().unwrap().iter().find(|s| s["id"] == json!(hourly.id)).unwrap();
    assert_eq!(hourly.next_run_at.as_deref(), Some(iso_from_epoch(item["next_run_at"].as_i64().unwrap()).as_str()));
    let on_demand = rows.iter().find(|s| s.cron_expr.is_none()).unwrap();
    assert_eq!(on_demand.when(), "On demand (runs only when triggered)");
    assert_eq!(on_demand.payload["message"], json!("Please archive the calculation history (scheduled review)"));
    assert_eq!(on_demand.next_run_at, None);
}

#[test]
fn a_triggered_run_that_pauses_links_its_session() {
    let run = ScheduleRun::from_json(&fixture("schedule_trigger.json"));
    assert_eq!(run.status, "paused");
    assert_eq!(run.status_code, Some(200));
    assert!(run.run_id.is_some() && run.session_id.is_some());
    assert_eq!(run.waiting_for, vec!["archive_calculation_history"]);
    assert_eq!(run.output.as_deref(), Some("I have tools to execute, but I need confirmation."));
    let (runs, meta) = parse_runs(&fixture("schedule_runs.json"));
    assert_eq!(meta.total_count, 1);
    assert_eq!(runs[0], run);
    assert_eq!(ScheduleRun::from_json(&fixture("schedule_run.json")), run);
}

#[test]
fn create_edit_enable_disable() {
    let created = Schedule::from_json(&fixture("schedule_create.json"));
    assert_eq!(created.timezone, "Europe/Berlin");
    assert_eq!(created.when(), "At 09:30 on Monday to Friday (Europe/Berlin)");
    let edited = Schedule::from_json(&fixture("schedule_patch.json"));
    assert_eq!(edited.cron_expr.as_deref(), Some("0 8 * * *"));
    assert_eq!(edited.when(), "At 08:00 (Europe/Berlin)");
    assert!(!Schedule::from_json(&fixture("schedule_disable.json")).enabled);
    assert!(Schedule::from_json(&fixture("schedule_enable.json")).enabled);
    // The form filled from the schedule sends what it holds.
    let form = ScheduleForm::from_schedule(&created);
    let body = form.body().unwrap();
    assert_eq!(body["cron_expr"], json!("30 9 * * 1-5"));
    assert_eq!(body["payload"], json!({"message": "Good morning"}));
    assert_eq!(body["timezone"], json!("Europe/Berlin"));
}

#[test]
fn cron_is_checked_and_described() {
    for (expr, words) in [
        ("* * * * *", "Every minute"),
        ("*/15 * * * *", "Every 15 minutes"),
        ("0 * * * *", "Every hour at minute 0"),
        ("30 9 * * 1-5", "At 09:30 on Monday to Friday"),
        ("0 */6 * * *", "Every 6 hours at minute 0"),
        ("0 8 1 * *", "At 08:00 on day 1 of the month"),
        ("15 14 * jan,jul sun", "At 14:15 in January, July on Sunday"),
        ("0 0 * * 7", "At 00:00 on Sunday"),
        ("5,35 1-3 * * *", "At minute 5,35 of hour 1-3"),
        ("", "On demand: runs only when triggered"),
    ] {
        assert_eq!(describe_cron(expr).as_deref(), Ok(words), "{expr}");
    }
    for bad in ["every day", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "5-1 * * * *",
                "*/0 * * * *", "* * * *", "* * * * * *", "a,,b * * * *", "1-é * * * *"] {
        assert!(describe_cron(bad).is_err(), "{bad}");
    }
    assert!(check_cron("every day").unwrap_err().contains("5 fields"));
}

#[test]
fn the_form_is_checked_before_sending() {
    let ok = ScheduleForm {
        name: "Nightly report".into(),
        cron_expr: " 0  2 * * * ".into(),
        endpoint: "/agents/a/runs".into(),
        payload: r#"{"message": "Report"}"#.into(),
        timeout_seconds: "600".into(),
        ..Default::default()
    };
    assert_eq!(
        ok.body().unwrap(),
        json!({"name": "Nightly report", "cron_expr": "0 2 * * *", "endpoint": "/agents/a/runs", "method": "POST",
               "timezone": "UTC", "description": "", "payload": {"message": "Report"}, "timeout_seconds": 600})
    );
    let on_demand = ScheduleForm { cron_expr: String::new(), payload: String::new(), ..ok.clone() };
    assert_eq!(on_demand.body().unwrap()["cron_expr"], json!(""));
    assert_eq!(on_demand.body().unwrap()["payload"], Value::Null);
    for (form, says) in [
        (ScheduleForm { name: "-x".into(), ..ok.clone() }, "name"),
        (ScheduleForm { cron_expr: "every day".into(), ..ok.clone() }, "Cron"),
        (ScheduleForm { endpoint: "http://evil/x".into(), ..ok.clone() }, "endpoint"),
        (ScheduleForm { endpoint: "/a b".into(), ..ok.clone() }, "endpoint"),
        (ScheduleForm { payload: "[1]".into(), ..ok.clone() }, "JSON object"),
        (ScheduleForm { payload: "{".into(), ..ok.clone() }, "not valid JSON"),
        (ScheduleForm { method: "TRACE".into(), ..ok.clone() }, "method"),
        (ScheduleForm { timezone: "Europe / Berlin".into(), ..ok.clone() }, "timezone"),
        (ScheduleForm { max_retries: "11".into(), ..ok.clone() }, "max retries"),
    ] {
        let e = form.body().unwrap_err();
        assert!(e.contains(says), "{e}");
    }
    assert_eq!(schedules_path(None, 0, 0), "/schedules?limit=1&page=1");
    assert_eq!(schedules_path(Some(false), 2, 50), "/schedules?limit=50&page=2&enabled=false");
    assert_eq!(action_path("a/b", "trigger"), "/schedules/a%2Fb/trigger");
    assert_eq!(runs_path("s", 1, 20), "/schedules/s/runs?limit=20&page=1");
    assert_eq!(run_endpoint("teams", "t 1"), "/teams/t%201/runs");
}
