//! Media a run returns (images, audio, video, files) and a person's own
//! attachments, as agno 3.1.10 sends them, and the one check that decides
//! what the app may load.
//!
//! On the wire (recorded from the demo, `tests/fixtures/sse_media_*.sse`,
//! `session_runs_media*.json`): a tool that returns `ToolResult(images=…)`
//! makes `ToolCallCompleted` carry `images` (and `audio`, `videos`, `files`),
//! and `RunCompleted` repeats them (same `id`); the stored run
//! (`GET /sessions/{id}/runs`) has the same lists, and the person's uploads
//! under `input_media` (`{images, videos, audios, files}`). Each item is
//! agno's `to_dict()`: `id`, `url` or base64 `content` (a text file's
//! `content` is its text), `mime_type`, `format`, `alt_text`,
//! `revised_prompt`, `filename`/`name`, `size`, `transcript`, and with a media
//! storage backend a `media_reference` (`storage_key`, `session_id`, `url`)
//! instead of the content, served by `GET /sessions/{id}/media/{key}`.
//!
//! Bounds: at most [`MAX_MEDIA`] items per run (the rest counted), and an
//! item whose `content` or `url` is over [`MAX_MEDIA_BYTES`] is kept without
//! it ("too large to show"), so a huge base64 string never reaches the DOM.

use crate::json::{get, number, text, FromJson};
use crate::wire::wire;
use serde_json::Value;

/// Items kept per run (more are counted in `RunView::media_dropped`).
pub const MAX_MEDIA: usize = 20;
/// The largest `content` or `url` shown (8 MiB of text).
pub const MAX_MEDIA_BYTES: usize = 8 * 1024 * 1024;

/// What an item is, from the list it came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Audio,
    Video,
    File,
}

/// A string field only when it is within [`MAX_MEDIA_BYTES`].
fn capped(v: &Value, key: &str) -> Option<String> {
    text(v, key).filter(|s| s.len() <= MAX_MEDIA_BYTES)
}

/// Whether the field is a string over [`MAX_MEDIA_BYTES`].
fn oversized(v: &Value, key: &str) -> bool {
    get(v, key).and_then(Value::as_str).is_some_and(|s| s.len() > MAX_MEDIA_BYTES)
}

wire! {
    /// One agno media item (`Image`, `Audio`, `Video` or `File`, `to_dict()`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct MediaItem {
        pub id: Option<String> = text("id") optional,
        pub url: Option<String> = capped("url") optional,
        /// Base64 bytes (a text file: its text).
        pub content: Option<String> = capped("content") optional,
        /// `content` or `url` was over [`MAX_MEDIA_BYTES`] and is not kept.
        pub too_large: bool = oversized("content") optional,
        pub url_too_large: bool = oversized("url") optional,
        pub mime_type: Option<String> = text("mime_type") optional,
        pub format: Option<String> = text("format") optional,
        pub alt_text: Option<String> = text("alt_text") optional,
        pub revised_prompt: Option<String> = text("revised_prompt") optional,
        pub filename: Option<String> = text("filename") optional,
        pub name: Option<String> = text("name") optional,
        pub size: Option<u64> = number("size") optional,
        pub transcript: Option<String> = text("transcript") optional,
        /// Offloaded to a media storage backend: `GET /sessions/{session}/media/{key}`.
        pub storage_key: Option<String> = text("media_reference.storage_key") optional,
        pub storage_session: Option<String> = text("media_reference.session_id") optional,
        pub reference_url: Option<String> = capped("media_reference.url") optional,
        pub reference_mime: Option<String> = text("media_reference.mime_type") optional,
        pub reference_filename: Option<String> = text("media_reference.filename") optional,
        pub reference_size: Option<u64> = number("media_reference.size") optional,
    }
}

/// One item of a run, with what it is and the tool that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub kind: MediaKind,
    pub item: MediaItem,
    /// The tool whose result carried it (live `ToolCallCompleted`).
    pub tool: Option<String>,
}

impl Media {
    /// The name a person reads: alt text, the revised prompt, the file
    /// name, else "Image from <tool>" (or the kind alone).
    pub fn label(&self) -> String {
        let i = &self.item;
        let named = [&i.alt_text, &i.revised_prompt, &i.filename, &i.name, &i.reference_filename]
            .into_iter()
            .find_map(|s| s.as_deref().map(str::trim).filter(|s| !s.is_empty()));
        if let Some(n) = named {
            return n.chars().take(300).collect();
        }
        let what = match self.kind {
            MediaKind::Image => "Image",
            MediaKind::Audio => "Audio",
            MediaKind::Video => "Video",
            MediaKind::File => "File",
        };
        match self.tool.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => format!("{what} from {}", t.chars().take(100).collect::<String>()),
            None => what.to_string(),
        }
    }

    /// The size in bytes when known (stated, or from the base64 length).
    pub fn size(&self) -> Option<u64> {
        let i = &self.item;
        i.size.or(i.reference_size).or_else(|| {
            let c = i.content.as_deref()?;
            Some(if is_base64(c) { (c.len() as u64 / 4).saturating_mul(3) } else { c.len() as u64 })
        })
    }
}

/// The lists of one object (a run event, a stored run, `input_media`):
/// `images`, `audio`/`audios`, `videos`, `files`; non-objects are skipped.
pub fn read_media(v: &Value, tool: Option<&str>) -> Vec<Media> {
    let lists = [
        ("images", MediaKind::Image),
        ("audio", MediaKind::Audio),
        ("audios", MediaKind::Audio),
        ("response_audio", MediaKind::Audio),
        ("videos", MediaKind::Video),
        ("files", MediaKind::File),
    ];
    let mut out = Vec::new();
    for (key, kind) in lists {
        let items: Vec<&Value> = match v.get(key) {
            Some(Value::Array(a)) => a.iter().collect(),
            // `response_audio` is one object.
            Some(o @ Value::Object(_)) => vec![o],
            _ => continue,
        };
        for item in items.into_iter().filter(|i| i.is_object()) {
            if out.len() > MAX_MEDIA {
                return out;
            }
            out.push(Media { kind, item: MediaItem::from_json(item), tool: tool.map(str::to_string) });
        }
    }
    out
}

/// A stored run's own attachments: `input_media` (agno 3.1.10), else the
/// lists of `input` (`RunInput`: `images`, `videos`, `audios`, `files`).
pub fn read_input_media(run: &Value) -> Vec<Media> {
    let from = |k: &str| run.get(k).filter(|v| v.is_object()).map(|v| read_media(v, None)).unwrap_or_default();
    let media = from("input_media");
    if media.is_empty() {
        from("input")
    } else {
        media
    }
}


/// Where the app may load an item from (see [`media_source`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    /// A `data:` URL of an allowed type, for `src` directly.
    Data(String),
    /// An `http:`/`https:` address: shown as a link, never loaded in the page
    /// (the CSP allows no remote hosts; README "Content-Security-Policy").
    Remote(String),
    /// A file's bytes (`base64`: true) or text, to become a `blob:` URL made
    /// in the app, always typed `application/octet-stream` (a download,
    /// never a document of the app's origin).
    Bytes { content: String, base64: bool },
    /// Offloaded media: `GET /sessions/{session_id}/media/{key}` with the
    /// client's key, shown through a `blob:` URL.
    Stored { session_id: String, key: String, mime: String },
    /// Not shown; the reason is for the person.
    Refused(&'static str),
    /// Over [`MAX_MEDIA_BYTES`].
    TooLarge,
}

/// A MIME type as a lowercase `type/subtype` of token characters, else None.
fn clean_mime(m: &str) -> Option<String> {
    let m = m.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let (t, s) = m.split_once('/')?;
    let token = |x: &str| {
        !x.is_empty() && x.len() <= 100 && x.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    };
    (token(t) && token(s)).then_some(m)
}

/// The MIME type a `format` implies.
fn mime_of_format(kind: MediaKind, format: &str) -> Option<String> {
    let f = format.trim().to_ascii_lowercase();
    let f = f.as_str();
    let known = match (kind, f) {
        (MediaKind::Image, "jpg" | "jpeg") => "image/jpeg",
        (MediaKind::Audio, "mp3" | "mpeg") => "audio/mpeg",
        (MediaKind::Audio, "wav" | "wave") => "audio/wav",
        (MediaKind::Audio, "pcm16" | "pcm") => return None,
        _ => "",
    };
    if !known.is_empty() {
        return Some(known.to_string());
    }
    let top = match kind {
        MediaKind::Image => "image",
        MediaKind::Audio => "audio",
        MediaKind::Video => "video",
        MediaKind::File => return None,
    };
    clean_mime(&format!("{top}/{f}"))
}

/// Whether a MIME type may be shown for this kind: `image/*` (not SVG, which
/// can carry script), `audio/*`, `video/*`.
fn allowed(kind: MediaKind, mime: &str) -> bool {
    let top = match kind {
        MediaKind::Image => "image/",
        MediaKind::Audio => "audio/",
        MediaKind::Video => "video/",
        MediaKind::File => return true,
    };
    mime.starts_with(top) && !mime.starts_with("image/svg")
}

/// Standard or URL-safe base64, with padding only at the end.
fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !s.is_empty()
        && s.len() - body.len() <= 2
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/-_".contains(&b))
}

/// The item's MIME type: its own, else its reference's, else from its
/// format, else a default for the kind.
pub fn media_mime(m: &Media) -> String {
    let i = &m.item;
    i.mime_type
        .as_deref()
        .or(i.reference_mime.as_deref())
        .and_then(clean_mime)
        .or_else(|| i.format.as_deref().and_then(|f| mime_of_format(m.kind, f)))
        .unwrap_or_else(|| {
            match m.kind {
                MediaKind::Image => "image/png",
                MediaKind::Audio => "audio/wav",
                MediaKind::Video => "video/mp4",
                MediaKind::File => "application/octet-stream",
            }
            .to_string()
        })
}

/// Decides where an item may be loaded from: only `http:`/`https:`
/// addresses (as links), `data:` URLs of an image (not SVG), audio or video
/// type, base64 bytes (as such a `data:` URL, or a file's `blob:`), or a
/// stored reference; anything else (`javascript:`, `file:`, `blob:` from the
/// server, SVG, a mismatched type) is refused. `session_id` is the run's,
/// for a reference without its own.
pub fn media_source(m: &Media, session_id: Option<&str>) -> MediaSource {
    let i = &m.item;
    if i.too_large || (i.url_too_large && i.content.is_none()) {
        return MediaSource::TooLarge;
    }
    let mime = media_mime(m);
    if !allowed(m.kind, &mime) {
        return MediaSource::Refused("its type is not an allowed media type");
    }
    if let Some(c) = i.content.as_deref() {
        if m.kind == MediaKind::File {
            return MediaSource::Bytes { content: c.to_string(), base64: !mime.starts_with("text/") && is_base64(c) };
        }
        return if is_base64(c) {
            MediaSource::Data(format!("data:{mime};base64,{c}"))
        } else {
            MediaSource::Refused("its content is not base64")
        };
    }
    if let Some(u) = i.url.as_deref().or(i.reference_url.as_deref()) {
        return url_source(m.kind, u.trim());
    }
    if let Some(key) = i.storage_key.as_deref().filter(|k| !k.is_empty()) {
        let session = i.storage_session.as_deref().or(session_id).filter(|s| !s.is_empty());
        return match session {
            Some(s) => MediaSource::Stored { session_id: s.to_string(), key: key.to_string(), mime },
            None => MediaSource::Refused("it names no session"),
        };
    }
    MediaSource::Refused("it has no content")
}

fn url_source(kind: MediaKind, u: &str) -> MediaSource {
    let scheme = u.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") if !u.chars().any(char::is_control) => {
            MediaSource::Remote(u.to_string())
        }
        Some("data") => {
            let rest = u.get(5..).unwrap_or_default();
            let Some((head, data)) = rest.split_once(',') else { return MediaSource::Refused("a malformed data: URL") };
            let mut parts = head.split(';');
            let mime = parts.next().and_then(clean_mime);
            let base64 = parts.any(|p| p.trim().eq_ignore_ascii_case("base64"));
            match mime {
                Some(mime) if kind != MediaKind::File && allowed(kind, &mime) && base64 && is_base64(data) => {
                    MediaSource::Data(format!("data:{mime};base64,{data}"))
                }
                _ => MediaSource::Refused("a data: URL of a type that is not allowed"),
            }
        }
        _ => MediaSource::Refused("its address is not http, https or data"),
    }
}
