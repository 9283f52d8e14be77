//! Media a run returns and a person's own attachments (issue 12 §3), over the
//! frames and stored runs recorded from the demo's Artist agent
//! (`demo/record_fixtures.py --only media`), and the one check that decides
//! what the app may load (`media_source`), property-tested.

mod common;

use agentos_client::media::{media_source, read_media, Media, MediaItem, MediaKind, MediaSource, MAX_MEDIA, MAX_MEDIA_BYTES};
use agentos_client::reducer::runs_to_views;
use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

fn stored(name: &str) -> Vec<Value> {
    json(name).as_array().unwrap_or_else(|| panic!("{name} is not a list")).clone()
}

fn data_url(s: &MediaSource) -> &str {
    match s {
        MediaSource::Data(u) => u,
        other => panic!("not a data: URL: {other:?}"),
    }
}

#[test]
fn a_tool_image_streams_once_with_its_alt_text_and_tool() {
    let raw = raw("sse_media_image.sse");
    // On the wire: the tool's result and the final output both carry it.
    assert!(first(&raw, "ToolCallCompleted").get("images").is_some());
    assert!(first(&raw, "RunCompleted").get("images").is_some());
    let v = view_of(&events("sse_media_image.sse"));
    assert_eq!(v.media.len(), 1, "the same id twice is one image");
    let m = &v.media[0];
    assert_eq!(m.kind, MediaKind::Image);
    assert_eq!(m.tool.as_deref(), Some("draw_picture"));
    assert_eq!(m.label(), "An orange sun on a blue sky");
    let url = media_source(m, v.session_id.as_deref());
    assert!(data_url(&url).starts_with("data:image/png;base64,iVBORw0KGgo"), "{url:?}");
}

#[test]
fn a_tool_sound_streams_as_audio() {
    let v = view_of(&events("sse_media_audio.sse"));
    assert_eq!(v.media.len(), 1);
    assert_eq!(v.media[0].kind, MediaKind::Audio);
    assert!(data_url(&media_source(&v.media[0], None)).starts_with("data:audio/wav;base64,UklGR"));
    // "Audio from play_sound": no alt text on the wire.
    assert_eq!(v.media[0].label(), "Audio from play_sound");
}

#[test]
fn a_javascript_image_address_is_refused() {
    let v = view_of(&events("sse_media_hostile.sse"));
    assert_eq!(v.media.len(), 1);
    assert_eq!(v.media[0].item.url.as_deref(), Some("javascript:window.__pwned=1"));
    assert!(matches!(media_source(&v.media[0], None), MediaSource::Refused(_)));
}

#[test]
fn stored_runs_carry_the_same_media() {
    let live = view_of(&events("sse_media_image.sse"));
    let views = runs_to_views(&stored("session_runs_media.json"));
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].media.len(), 1);
    assert_eq!(views[0].media[0].kind, MediaKind::Image);
    assert_eq!(views[0].media[0].label(), live.media[0].label());
    assert_eq!(media_source(&views[0].media[0], None), media_source(&live.media[0], None));
    assert!(views[0].input_media.is_empty());

    let audio = runs_to_views(&stored("session_runs_media_audio.json"));
    assert_eq!(audio[0].media.len(), 1);
    assert_eq!(audio[0].media[0].kind, MediaKind::Audio);
    // The tool is found from the stored messages, so the name matches the live one.
    assert_eq!(audio[0].media[0].label(), "Audio from play_sound");
}

#[test]
fn a_persons_uploads_are_the_runs_input_media() {
    let views = runs_to_views(&stored("session_runs_media_upload.json"));
    assert!(views[0].media.is_empty());
    let input = &views[0].input_media;
    assert_eq!(input.len(), 2, "{input:?}");
    assert_eq!(input[0].kind, MediaKind::Image);
    assert!(data_url(&media_source(&input[0], None)).starts_with("data:image/png;base64,"));
    assert_eq!(input[1].kind, MediaKind::File);
    assert_eq!(input[1].label(), "notes.txt");
    assert_eq!(input[1].size(), Some(12));
    // A text file's content is its text, not base64 (agno's File._normalise_content).
    assert_eq!(
        media_source(&input[1], None),
        MediaSource::Bytes { content: "hello notes\n".into(), base64: false }
    );
}

fn media(kind: MediaKind, v: Value) -> Media {
    Media { kind, item: MediaItem::from_json(&v), tool: None }
}
use agentos_client::json::FromJson;

#[test]
fn only_safe_sources_are_allowed() {
    let img = |v: Value| media_source(&media(MediaKind::Image, v), Some("s1"));
    let refused = |s: MediaSource| matches!(s, MediaSource::Refused(_));
    assert!(refused(img(json!({"url": "javascript:alert(1)"}))));
    assert!(refused(img(json!({"url": " JaVaScRiPt:alert(1)"}))));
    assert!(refused(img(json!({"url": "file:///etc/passwd"}))));
    assert!(refused(img(json!({"url": "blob:http://x/1"}))));
    assert!(refused(img(json!({"url": "//127.0.0.9:9/a.png"}))));
    assert!(refused(img(json!({"url": "data:image/svg+xml;base64,PHN2Zz4="}))));
    assert!(refused(img(json!({"url": "data:text/html;base64,PHNjcmlwdD4="}))));
    assert!(refused(img(json!({"url": "data:image/png,<script>"}))));
    assert!(refused(img(json!({"content": "PHN2Zz4=", "mime_type": "image/svg+xml"}))));
    assert!(refused(img(json!({"content": "iVBOR", "mime_type": "audio/wav"}))));
    assert!(refused(img(json!({"content": "not base64 <>"}))));
    assert!(refused(img(json!({"id": "x"}))));
    assert_eq!(img(json!({"url": "https://example.com/a.png"})), MediaSource::Remote("https://example.com/a.png".into()));
    assert_eq!(img(json!({"url": "data:image/png;base64,iVBOR"})), MediaSource::Data("data:image/png;base64,iVBOR".into()));
    assert_eq!(img(json!({"content": "iVBOR", "format": "jpg"})), MediaSource::Data("data:image/jpeg;base64,iVBOR".into()));
    assert_eq!(
        img(json!({"media_reference": {"storage_key": "k/1.png", "storage_backend": "local", "media_id": "1"}})),
        MediaSource::Stored { session_id: "s1".into(), key: "k/1.png".into(), mime: "image/png".into() }
    );
    let huge = "A".repeat(MAX_MEDIA_BYTES + 4);
    let big = media(MediaKind::Image, json!({"content": huge}));
    assert!(big.item.content.is_none(), "the huge string is not kept");
    assert_eq!(media_source(&big, None), MediaSource::TooLarge);
}

#[test]
fn a_run_keeps_at_most_max_media_items() {
    let items: Vec<Value> = (0..50).map(|i| json!({"id": format!("i{i}"), "content": "iVBOR"})).collect();
    let runs = vec![json!({"run_id": "r", "images": items})];
    let v = &runs_to_views(&runs)[0];
    assert_eq!(v.media.len(), MAX_MEDIA);
    assert!(read_media(&json!({"images": [1, "x", null]}), None).is_empty());
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "(javascript|JAVASCRIPT|data|http|https|file|blob|vbscript): ?[ -~]{0,30}",
        "data:(image|audio|video|text)/[a-z+.-]{0,10}(;base64)?,[A-Za-z0-9+/=<>\"]{0,20}",
    ]
}

proptest! {
    /// Whatever an item carries, the check never panics, and what it lets
    /// through is only a base64 `data:` URL of an image (not SVG), audio or
    /// video type, or an `http(s):` address.
    #[test]
    fn media_source_lets_only_safe_sources_through(
        url in proptest::option::of(any_text()),
        content in proptest::option::of(any_text()),
        mime in proptest::option::of(any_text()),
        format in proptest::option::of(any_text()),
        kind in 0..4u8,
    ) {
        let kind = [MediaKind::Image, MediaKind::Audio, MediaKind::Video, MediaKind::File][kind as usize];
        let m = media(kind, json!({"url": url, "content": content, "mime_type": mime, "format": format}));
        let _ = m.label();
        let _ = m.size();
        match media_source(&m, None) {
            MediaSource::Data(u) => {
                let top = match kind { MediaKind::Image => "data:image/", MediaKind::Audio => "data:audio/", _ => "data:video/" };
                prop_assert!(u.starts_with(top), "{u}");
                prop_assert!(!u.starts_with("data:image/svg"), "{u}");
                let (head, data) = u.split_once(',').unwrap();
                prop_assert!(head.ends_with(";base64"), "{u}");
                prop_assert!(data.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/-_=".contains(&b)), "{u}");
            }
            MediaSource::Remote(u) => {
                let l = u.to_ascii_lowercase();
                prop_assert!(l.starts_with("http:") || l.starts_with("https:"), "{u}");
            }
            MediaSource::Bytes { .. } => prop_assert_eq!(kind, MediaKind::File),
            MediaSource::Stored { .. } => prop_assert!(false, "no reference was given"),
            MediaSource::Refused(_) | MediaSource::TooLarge => {}
        }
    }

    /// Any JSON in the media lists reads without panic and within the bound.
    #[test]
    fn read_media_is_bounded(n in 0..60usize, junk in any_text()) {
        let list: Vec<Value> = (0..n).map(|i| if i % 3 == 0 { json!(junk.clone()) } else { json!({"url": junk.clone()}) }).collect();
        let got = read_media(&json!({"images": list.clone(), "files": list, "response_audio": {"id": 1}}), Some(&junk));
        prop_assert!(got.len() <= MAX_MEDIA + 1);
    }
}
