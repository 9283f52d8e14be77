//! The app's routes (`src/route/table.rs`, pure, included here so a native
//! test reaches it): `Route::parse(&r.href()) == r` for every route, with
//! hostile ids and query values (slashes, `?`, `&`, `=`, `#`, `%`, dots,
//! spaces, non-ASCII), and parsing any hash never panics.

#[path = "../../../src/route/table.rs"]
#[allow(dead_code)]
mod table;

use agentos_client::metrics::{DateRange, MAX_DAYS};
use agentos_client::traces::TraceFilter;
use agentos_client::ComponentKind;
use proptest::prelude::*;
use table::Route;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.trim().parse().ok()).unwrap_or(10_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Text with the characters that break URLs, often.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/".to_string()),
        Just("?".to_string()),
        Just("&".to_string()),
        Just("=".to_string()),
        Just("#".to_string()),
        Just("%".to_string()),
        Just("%2F".to_string()),
        Just("..".to_string()),
        Just(".".to_string()),
        Just(" ".to_string()),
        Just("+".to_string()),
        Just("é✓".to_string()),
        "[a-z0-9_-]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 1..6).prop_map(|v| v.concat())
}

/// An id: hostile, but not empty (an empty segment is no segment).
fn id() -> impl Strategy<Value = String> {
    hostile()
}

/// A query value as a page stores it: not empty.
fn value() -> impl Strategy<Value = Option<String>> {
    prop::option::of(hostile())
}

fn kind() -> impl Strategy<Value = ComponentKind> {
    prop_oneof![Just(ComponentKind::Agent), Just(ComponentKind::Team), Just(ComponentKind::Workflow)]
}

fn range() -> impl Strategy<Value = Option<DateRange>> {
    prop::option::of(prop_oneof![
        (1u32..=MAX_DAYS as u32).prop_map(DateRange::Last),
        // Days from 1970 to about 2079, as the date inputs give them.
        (0i64..40_000, 0i64..40_000).prop_map(|(a, b)| DateRange::custom(a, b)),
    ])
}

fn trace_filter() -> impl Strategy<Value = TraceFilter> {
    (prop::collection::vec((0usize..TraceFilter::KEYS.len(), hostile()), 0..5), 1u64..1000).prop_map(|(sets, page)| {
        let mut f = TraceFilter::default();
        for (k, v) in sets {
            f.set(TraceFilter::KEYS[k], &v);
        }
        f.page = page;
        f
    })
}

fn route() -> impl Strategy<Value = Route> {
    prop_oneof![
        Just(Route::Overview),
        Just(Route::Connect),
        Just(Route::Welcome),
        value().prop_map(|db| Route::Sessions { db }),
        kind().prop_map(Route::List),
        (kind(), id()).prop_map(|(k, id)| Route::Detail(k, id)),
        (prop::option::of((kind(), id())), value(), any::<bool>())
            .prop_map(|(target, session, present)| Route::Chat { target, session, present }),
        (id(), value()).prop_map(|(id, db)| Route::Session(id, db)),
        (value(), value()).prop_map(|(user, db)| Route::Memories { user, db }),
        (value(), value()).prop_map(|(kb, db)| Route::Knowledge { kb, db }),
        (range(), value(), value()).prop_map(|(range, user, db)| Route::Metrics { range, user, db }),
        (trace_filter(), value()).prop_map(|(mut f, db)| {
            f.db = db;
            Route::Traces(f)
        }),
        (id(), value()).prop_map(|(id, db)| Route::Trace(id, db)),
        value().prop_map(|run| Route::Approvals { run }),
        Just(Route::Evals),
        id().prop_map(Route::Eval),
        Just(Route::Schedules),
        id().prop_map(Route::Schedule),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn href_parses_back(r in route()) {
        let href = r.href();
        prop_assert!(href.starts_with("#/"), "{href}");
        prop_assert_eq!(Route::parse(&href), r.clone(), "{}", href);
        // What a page follows is dropped, what makes the page is kept.
        prop_assert_eq!(Route::parse(&r.page().href()).page(), r.page());
        // The database is part of the page, and `with_db` sets what `db` reads.
        let page = r.page();
        prop_assert_eq!(page.db(), r.db());
    }

    #[test]
    fn with_db_round_trips(r in route(), db in value()) {
        let moved = r.clone().with_db(db.clone());
        let names_db = !matches!(moved, Route::Overview | Route::Welcome | Route::Connect | Route::List(_)
            | Route::Detail(..) | Route::Chat { .. } | Route::Approvals { .. } | Route::Evals | Route::Eval(_)
            | Route::Schedules | Route::Schedule(_) | Route::NotFound(_));
        prop_assert_eq!(moved.db(), if names_db { db.as_deref() } else { None });
        prop_assert_eq!(Route::parse(&moved.href()), moved.clone());
        prop_assert_eq!(moved.with_db(r.db().map(str::to_string)), r);
    }

    #[test]
    fn any_hash_parses(s in any::<String>()) {
        let _ = Route::parse(&s);
        let _ = Route::parse(&format!("#/{s}"));
    }
}

#[test]
fn known_links() {
    let agent = |id: &str| Route::chat(ComponentKind::Agent, id.into());
    assert_eq!(Route::parse("#/"), Route::Overview);
    assert_eq!(Route::parse(""), Route::Overview);
    assert_eq!(Route::parse("#/agents/a%2Fb"), Route::Detail(ComponentKind::Agent, "a/b".into()));
    assert_eq!(agent("x").href(), "#/chat/agents/x");
    assert_eq!(
        Route::parse("#/chat/agents/x?session=s%201"),
        Route::Chat { target: Some((ComponentKind::Agent, "x".into())), session: Some("s 1".into()), present: false }
    );
    assert_eq!(
        Route::parse("#/chat/agents/x?present"),
        Route::Chat { target: Some((ComponentKind::Agent, "x".into())), session: None, present: true }
    );
    assert_eq!(
        Route::Chat { target: Some((ComponentKind::Agent, "x".into())), session: Some("s".into()), present: true }.href(),
        "#/chat/agents/x?session=s&present"
    );
    assert_eq!(Route::parse("#/welcome"), Route::Welcome);
    assert_eq!(Route::Memories { user: Some("a&b".into()), db: None }.href(), "#/memories?user=a%26b");
    assert_eq!(Route::parse("#/memories?user="), Route::Memories { user: None, db: None });
    assert_eq!(
        Route::Memories { user: Some("u".into()), db: Some("archive db".into()) }.href(),
        "#/memories?user=u&db=archive%20db"
    );
    assert_eq!(Route::parse("#/sessions?db=a"), Route::Sessions { db: Some("a".into()) });
    assert_eq!(Route::session("s").href(), "#/sessions/s");
    assert_eq!(Route::Session("s".into(), Some("a".into())).href(), "#/sessions/s?db=a");
    assert_eq!(Route::parse("#/traces?run_id=r&db=a").db(), Some("a"));
    assert_eq!(Route::Trace("t".into(), Some("a".into())).href(), "#/traces/t?db=a");
    assert_eq!(Route::parse("#/knowledge?kb=k&db=a"), Route::Knowledge { kb: Some("k".into()), db: Some("a".into()) });
    assert_eq!(Route::run_traces("r1").href(), "#/traces?run_id=r1");
    assert_eq!(Route::Metrics { range: Some(DateRange::Last(30)), user: None, db: None }.href(), "#/metrics?range=30");
    assert_eq!(Route::Metrics { range: None, user: None, db: None }.href(), "#/metrics");
    assert_eq!(Route::Metrics { range: None, user: None, db: Some("a".into()) }.href(), "#/metrics?db=a");
    assert_eq!(Route::parse("#/chat/nope/x"), Route::NotFound("/chat/nope/x".into()));
    assert_eq!(Route::parse("#/nope"), Route::NotFound("/nope".into()));
}
