//! The SSE decoder: framing rules, and the recorded streams decoded the same
//! way whatever the chunking and line endings.

mod common;

use agentos_client::events::parse_event;
use agentos_client::reducer::RunView;
use agentos_client::sse::{decode_all, SseDecoder, SseFrame};
use common::*;
use serde_json::Value;

fn frame(event: Option<&str>, data: &str) -> SseFrame {
    SseFrame { event: event.map(str::to_string), data: data.to_string() }
}

/// Decodes `bytes` pushed in the given chunks.
fn decode_chunks(chunks: &[&[u8]]) -> (Vec<SseFrame>, Option<SseFrame>) {
    let mut d = SseDecoder::new();
    let mut out = Vec::new();
    for c in chunks {
        out.extend(d.push(c));
    }
    (out, d.finish())
}

fn decode_split_at(bytes: &[u8], cuts: &[usize]) -> (Vec<SseFrame>, Option<SseFrame>) {
    let mut chunks = Vec::new();
    let mut at = 0;
    for &c in cuts {
        chunks.push(&bytes[at..c]);
        at = c;
    }
    chunks.push(&bytes[at..]);
    decode_chunks(&chunks)
}

fn one_byte_chunks(bytes: &[u8]) -> (Vec<SseFrame>, Option<SseFrame>) {
    let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
    decode_chunks(&chunks)
}

fn random_cuts(len: usize, rng: &mut Lcg, max_chunk: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut at = 0;
    loop {
        at += 1 + rng.below(max_chunk);
        if at >= len {
            return cuts;
        }
        cuts.push(at);
    }
}

#[test]
fn framing_rules() {
    let text = b"event: A\ndata: one\ndata: two\n\n: a comment\n\nid: 7\nretry: 1000\nevent: B\ndata:no space\ndata:  two spaces\n\nevent: NoData\n\ndata\n\nevent: C\nunknown: x\ndata: {\"k\": 1}\n\n";
    let (frames, rest) = decode_all(text);
    assert_eq!(
        frames,
        vec![
            frame(Some("A"), "one\ntwo"),
            frame(Some("B"), "no space\n two spaces"),
            frame(None, ""),
            frame(Some("C"), "{\"k\": 1}"),
        ]
    );
    assert_eq!(rest, None);
}

#[test]
fn line_endings_crlf_cr_and_mixed() {
    let want = vec![frame(Some("X"), "a\nb"), frame(Some("Y"), "c")];
    for text in [
        &b"event: X\r\ndata: a\r\ndata: b\r\n\r\nevent: Y\r\ndata: c\r\n\r\n"[..],
        &b"event: X\rdata: a\rdata: b\r\revent: Y\rdata: c\r\r"[..],
        &b"event: X\ndata: a\r\ndata: b\r\revent: Y\rdata: c\n\r\n"[..],
    ] {
        assert_eq!(decode_all(text), (want.clone(), None), "{:?}", String::from_utf8_lossy(text));
        // Split between every CR and LF (and everywhere else).
        for cut in 0..=text.len() {
            assert_eq!(decode_split_at(text, &[cut]), (want.clone(), None), "cut at {cut}");
        }
        assert_eq!(one_byte_chunks(text), (want.clone(), None));
    }
}

#[test]
fn cr_at_chunk_end_then_lf_is_one_line_end() {
    // If the LF were taken for a blank line, "a" would be dispatched alone.
    let (frames, rest) = decode_chunks(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
    assert_eq!(frames, vec![frame(None, "a\nb")]);
    assert_eq!(rest, None);
}

#[test]
fn leading_bom_is_skipped_even_when_split() {
    let text = b"\xEF\xBB\xBFevent: X\ndata: 1\n\n";
    let want = (vec![frame(Some("X"), "1")], None);
    assert_eq!(decode_all(text), want);
    assert_eq!(one_byte_chunks(text), want);
    assert_eq!(decode_split_at(text, &[2]), want);
    // Only one, only at the start.
    let (frames, _) = decode_all(b"data: \xEF\xBB\xBFx\n\n");
    assert_eq!(frames[0].data, "\u{feff}x");
}

#[test]
fn finish_reports_a_cut_frame() {
    // Clean ends.
    assert_eq!(decode_all(b"data: 1\n\n").1, None);
    assert_eq!(decode_all(b"data: 1\n\n: heartbeat").1, None);
    assert_eq!(decode_all(b"data: 1\n\n\n").1, None);
    assert_eq!(decode_all(b"").1, None);
    // Cut inside a data line.
    let (frames, rest) = decode_all(b"data: 1\n\nevent: RunContent\ndata: {\"cont");
    assert_eq!(frames.len(), 1);
    assert_eq!(rest, Some(frame(Some("RunContent"), "{\"cont")));
    // Cut after a whole field line, before the blank line.
    assert_eq!(decode_all(b"event: X\ndata: {}\n").1, Some(frame(Some("X"), "{}")));
    // Cut right after the event line.
    assert_eq!(decode_all(b"event: X\n").1, Some(frame(Some("X"), "")));
    // The decoder is reusable after finish.
    let mut d = SseDecoder::new();
    d.push(b"data: partial");
    assert!(d.is_mid_frame());
    assert!(d.finish().is_some());
    assert_eq!(d.push(b"data: 2\n\n"), vec![frame(None, "2")]);
    assert!(!d.is_mid_frame());
}

#[test]
fn huge_data_line_byte_by_byte_is_linear() {
    // 2 MB in one data line, one byte per push: a decoder that rescans its
    // buffer on every push would take minutes here.
    let payload = "x".repeat(2_000_000);
    let text = format!("event: Big\ndata: {payload}\n\n");
    let (frames, rest) = one_byte_chunks(text.as_bytes());
    assert_eq!(rest, None);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].data.len(), payload.len());
}

#[test]
fn every_fixture_decodes_identically_in_every_chunking() {
    for name in sse_fixtures() {
        let bytes = bytes(&name);
        let want = decode_all(&bytes);
        assert!(!want.0.is_empty(), "{name}: no frames");
        assert_eq!(one_byte_chunks(&bytes), want, "{name}: 1-byte chunks");
        for seed in 1..=12u64 {
            let mut rng = Lcg(seed * 7919 + bytes.len() as u64);
            let max = [3, 17, 256, 4096][seed as usize % 4];
            let cuts = random_cuts(bytes.len(), &mut rng, max);
            assert_eq!(decode_split_at(&bytes, &cuts), want, "{name}: seed {seed}");
        }
        // Inside every multi-byte character (after each lead byte, and
        // before each continuation byte).
        for (i, b) in bytes.iter().enumerate() {
            if *b >= 0x80 {
                assert_eq!(decode_split_at(&bytes, &[i]), want, "{name}: split before byte {i}");
                assert_eq!(decode_split_at(&bytes, &[i + 1]), want, "{name}: split after byte {i}");
            }
        }
    }
}

#[test]
fn every_fixture_decodes_identically_with_other_line_endings_and_noise() {
    for name in sse_fixtures() {
        let bytes = bytes(&name);
        let want = decode_all(&bytes);
        let text = String::from_utf8(bytes.clone()).expect("fixtures are UTF-8");
        for (label, variant) in [("CRLF", text.replace('\n', "\r\n")), ("CR", text.replace('\n', "\r"))] {
            assert_eq!(decode_all(variant.as_bytes()), want, "{name}: {label}");
            let mut rng = Lcg(42);
            let cuts = random_cuts(variant.len(), &mut rng, 64);
            assert_eq!(decode_split_at(variant.as_bytes(), &cuts), want, "{name}: {label}, random chunks");
        }
        // BOM, heartbeats, keepalives, id and retry lines between the frames.
        let mut noisy = String::from("\u{feff}: keepalive\n\n");
        for (i, f) in want.0.iter().enumerate() {
            noisy.push_str(&format!(": heartbeat\n\nid: {i}\nretry: 3000\n"));
            if let Some(e) = &f.event {
                noisy.push_str(&format!("event: {e}\n"));
            }
            for line in f.data.split('\n') {
                noisy.push_str(&format!("data: {line}\n"));
            }
            noisy.push_str(": trailing comment\n\n");
        }
        assert_eq!(decode_all(noisy.as_bytes()).0, want.0, "{name}: with noise");
        assert_eq!(one_byte_chunks(noisy.as_bytes()).0, want.0, "{name}: with noise, 1-byte chunks");
    }
}

/// A real stream with its content deltas replaced by non-ASCII text (2-, 3-
/// and 4-byte characters), split at every byte.
#[test]
fn non_ascii_content_survives_every_split() {
    let frames = clean_frames("sse_agent_plain.sse");
    let words = ["héllo ", "wörld — ", "日本語 ", "🎉🦀 ", "Ünïcödé"];
    let mut body = String::new();
    let mut k = 0;
    let mut expected = String::new();
    for f in &frames {
        let (name, mut v) = frame_json(f);
        if name == "RunContent" {
            let w = words[k % words.len()];
            k += 1;
            v["content"] = Value::String(w.to_string());
            expected.push_str(w);
        }
        if name == "RunCompleted" {
            v["content"] = Value::String(expected.clone());
        }
        body.push_str(&format!("event: {name}\ndata: {}\n\n", serde_json::to_string(&v).unwrap()));
    }
    assert!(k >= 3, "the plain stream should have several RunContent frames");
    assert!(body.bytes().any(|b| b >= 0xF0), "4-byte characters are in the stream");
    let bytes = body.as_bytes();
    let want = decode_all(bytes);
    assert_eq!(want.0.len(), frames.len());
    for cut in 0..=bytes.len() {
        assert_eq!(decode_split_at(bytes, &[cut]), want, "cut at {cut}");
    }
    assert_eq!(one_byte_chunks(bytes), want);
    // And the reducer gets the text intact.
    let mut view = RunView::default();
    let mut d = SseDecoder::new();
    for chunk in bytes.chunks(3) {
        for f in d.push(chunk) {
            view.apply(&parse_event(f.event.as_deref(), &f.data).unwrap());
        }
    }
    assert_eq!(view.content, expected);
}
