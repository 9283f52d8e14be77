//! Shared helpers for the fixture tests: loading the recorded streams,
//! a tiny deterministic PRNG, and expectations read from the raw JSON.
#![allow(dead_code)]

use agentos_client::events::{parse_event, RunEvent, RunKind};
use agentos_client::reducer::RunView;
use agentos_client::sse::{decode_all, SseFrame};
use serde_json::Value;
use std::path::PathBuf;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The bytes of a recorded fixture (a missing fixture fails the test).
pub fn bytes(name: &str) -> Vec<u8> {
    let p = fixture_path(name);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "fixture {} missing ({e}); record it with demo/record_fixtures.py",
            p.display()
        )
    })
}

pub fn json(name: &str) -> Value {
    serde_json::from_slice(&bytes(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// Every `*.sse` fixture.
pub fn sse_fixtures() -> Vec<String> {
    let dir = fixture_path("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".sse"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no .sse fixtures in {}", dir.display());
    names
}

/// The complete frames of a stream, and the cut one at the end if any.
pub fn frames(name: &str) -> (Vec<SseFrame>, Option<SseFrame>) {
    decode_all(&bytes(name))
}

/// The frames of a stream that must end cleanly.
pub fn clean_frames(name: &str) -> Vec<SseFrame> {
    let (frames, rest) = frames(name);
    assert!(
        rest.is_none(),
        "{name}: the stream ends in the middle of a frame: {rest:?}"
    );
    frames
}

/// A frame's event name and its data as JSON (for expectations).
pub fn frame_json(f: &SseFrame) -> (String, Value) {
    let v: Value = serde_json::from_str(&f.data)
        .unwrap_or_else(|e| panic!("frame {:?} is not JSON: {e}", f.event));
    (f.event.clone().unwrap_or_default(), v)
}

pub fn raw(name: &str) -> Vec<(String, Value)> {
    clean_frames(name).iter().map(frame_json).collect()
}

/// The data of the first frame called `event`.
pub fn first<'a>(raw: &'a [(String, Value)], event: &str) -> &'a Value {
    raw.iter()
        .find(|(n, _)| n == event)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {event} frame"))
}

pub fn all<'a>(raw: &'a [(String, Value)], event: &str) -> Vec<&'a Value> {
    raw.iter()
        .filter(|(n, _)| n == event)
        .map(|(_, v)| v)
        .collect()
}

pub fn events(name: &str) -> Vec<RunEvent> {
    clean_frames(name)
        .iter()
        .map(|f| parse_event(f.event.as_deref(), &f.data).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

pub fn view_of(evs: &[RunEvent]) -> RunView {
    let mut v = RunView::default();
    for e in evs {
        v.apply(e);
    }
    v
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string {key} in {v}"))
}

/// The event's decoded name: a control frame's variant (`CatchUp`), or a
/// run event's body with its kind (`RunContent`; `TeamRunContent` for a
/// team; `WorkflowError` for a workflow's `RunError`), from the Debug forms.
pub fn variant(ev: &RunEvent) -> String {
    let head = |d: String| {
        d.split(['(', ' ', '{'])
            .next()
            .unwrap_or_default()
            .to_string()
    };
    match ev {
        RunEvent::Run { kind, body, .. } => {
            let b = head(format!("{body:?}"));
            match kind {
                RunKind::Agent => b,
                RunKind::Team => format!("Team{b}"),
                RunKind::Workflow => b.replacen("Run", "Workflow", 1),
            }
        }
        other => head(format!("{other:?}")),
    }
}

/// Consecutive repeats collapsed: `A A B A` gives `A+ B A` when compared
/// with [`matches_pattern`].
pub fn collapse(names: &[String]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for n in names {
        match out.last_mut() {
            Some((last, count)) if last == n => *count += 1,
            _ => out.push((n.clone(), 1)),
        }
    }
    out
}

/// Checks a sequence against a pattern like `"A B+ C"` (`+`: one or more).
pub fn assert_sequence(name: &str, evs: &[RunEvent], pattern: &str) {
    let names: Vec<String> = evs.iter().map(variant).collect();
    let got = collapse(&names);
    let want: Vec<(&str, bool)> = pattern
        .split_whitespace()
        .map(|p| (p.trim_end_matches('+'), p.ends_with('+')))
        .collect();
    let got_text: Vec<String> = got
        .iter()
        .map(|(n, c)| if *c > 1 { format!("{n}+") } else { n.clone() })
        .collect();
    assert_eq!(
        got.len(),
        want.len(),
        "{name}: sequence\n got: {}\nwant: {pattern}",
        got_text.join(" ")
    );
    for ((g, count), (w, many)) in got.iter().zip(&want) {
        assert_eq!(
            g,
            w,
            "{name}: sequence\n got: {}\nwant: {pattern}",
            got_text.join(" ")
        );
        assert!(
            *many || *count == 1,
            "{name}: {g} repeated {count} times\n got: {}\nwant: {pattern}",
            got_text.join(" ")
        );
    }
}

/// A tiny deterministic PRNG (64-bit LCG, high bits).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One WebSocket transcript line.
pub struct WsLine {
    pub socket: u64,
    pub send: bool,
    pub text: String,
}

pub fn ws_lines(name: &str) -> Vec<WsLine> {
    let text = String::from_utf8(bytes(name)).expect("utf-8");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: bad line {l}: {e}"));
            WsLine {
                socket: v.get("socket").and_then(Value::as_u64).unwrap_or(1),
                send: str_of(&v, "dir") == "send",
                text: str_of(&v, "text").to_string(),
            }
        })
        .collect()
}
