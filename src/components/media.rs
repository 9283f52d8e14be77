//! Media a run returned (images, audio, video, files) and a person's own
//! attachments, live and from history (issue 12 §3).
//!
//! What may be loaded is decided once, in the client crate
//! (`agentos_client::media::media_source`): base64 content and `data:` URLs
//! of an image (not SVG), audio or video type are shown inline; a file's
//! bytes become a `blob:` URL made here (typed `application/octet-stream`,
//! so it is a download, never a page of this origin); stored media is
//! fetched with the client (its key as a header, never in a URL) and shown
//! through a `blob:` URL; `http(s)` addresses are links, not loaded (the CSP
//! allows no remote hosts); anything else shows "Media not shown". Every
//! `blob:` URL is revoked when its view goes away.

use agentos_client::media::{media_source, Media, MediaKind, MediaSource, MAX_MEDIA, MAX_MEDIA_BYTES};
use agentos_client::reducer::RunView;
use agentos_client::time::human_size;
use crate::state::use_app;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::{Arc, Mutex};

/// The media of a run under its answer (`input`: false), or the person's own
/// attachments of a stored run in their turn (`input`: true). Rebuilt only
/// when an item is added.
pub fn run_media(run: Signal<RunView>, input: bool) -> impl IntoView {
    let pick = move |r: &RunView| if input { r.input_media.clone() } else { r.media.clone() };
    let count = Memo::new(move |_| run.with(|r| if input { (r.input_media.len(), 0) } else { (r.media.len(), r.media_dropped) }));
    move || {
        let (n, dropped) = count.get();
        (n > 0).then(|| {
            let (items, session) = run.with_untracked(|r| (pick(r), r.session_id.clone()));
            media_list(items, session, dropped, if input { "Your attachments" } else { "Media from the run" })
        })
    }
}

/// A list of media items; `session_id` is the run's (for stored media
/// without its own), `dropped` the items over the bound.
pub fn media_list(items: Vec<Media>, session_id: Option<String>, dropped: usize, label: &'static str) -> impl IntoView {
    let more = (dropped > 0).then(|| format!("{dropped} more not shown (at most {MAX_MEDIA} per run)."));
    view! {
        <ul class="media-list" aria-label=label>
            {items.into_iter().map(|m| view! { <li class="media-item">{media_item(m, session_id.as_deref())}</li> }).collect_view()}
            {more.map(|t| view! { <li class="small muted">{t}</li> })}
        </ul>
    }
}

fn media_item(m: Media, session: Option<&str>) -> AnyView {
    let label = m.label();
    let size = m.size();
    match media_source(&m, session) {
        MediaSource::Data(url) => shown(m.kind, url, label, size),
        // Never loaded in the page: a link the person may open.
        MediaSource::Remote(url) => link(url, format!("Open {label} (not loaded here)"), None),
        MediaSource::Bytes { content, base64 } => match file_blob(&content, base64) {
            Some(url) => {
                revoke_on_cleanup(url.clone());
                download(url, label, size)
            }
            None => not_shown(&label, "its content could not be read"),
        },
        MediaSource::Stored { session_id, key, .. } => stored(m.kind, session_id, key, label, size),
        MediaSource::Refused(why) => not_shown(&label, why),
        MediaSource::TooLarge => {
            note(format!("{label}: too large to show (over {}).", human_size(MAX_MEDIA_BYTES as u64)), "small muted")
        }
    }
}

fn note(text: String, class: &'static str) -> AnyView {
    view! { <p class=class role="note">{text}</p> }.into_any()
}

fn not_shown(label: &str, why: &str) -> AnyView {
    note(format!("Media not shown ({label}): {why}."), "media-refused small")
}

fn link(href: String, text: String, download: Option<String>) -> AnyView {
    view! { <a href=href download=download target="_blank" rel="noopener noreferrer">{text}</a> }.into_any()
}

fn download(url: String, label: String, size: Option<u64>) -> AnyView {
    let text = match size {
        Some(s) => format!("Download {label} ({})", human_size(s)),
        None => format!("Download {label}"),
    };
    link(url, text, Some(label))
}

/// An item from a URL the app may load (`data:` or its own `blob:`).
fn shown(kind: MediaKind, url: String, label: String, size: Option<u64>) -> AnyView {
    let player = match kind {
        MediaKind::Image => return image(url, label),
        MediaKind::File => return download(url, label, size),
        MediaKind::Audio => view! { <audio controls=true preload="metadata" src=url aria-label=label.clone()></audio> }.into_any(),
        MediaKind::Video => view! { <video controls=true preload="metadata" src=url aria-label=label.clone()></video> }.into_any(),
    };
    view! {
        <figure class="media-player">
            {player}
            <figcaption class="small muted">{label}</figcaption>
        </figure>
    }
    .into_any()
}

/// An image inline, with a button that opens it full size (a modal
/// `<dialog>`: Esc or Close closes it).
fn image(url: String, label: String) -> AnyView {
    let dialog = NodeRef::<html::Dialog>::new();
    let open = move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
        }
    };
    let close = move |_| {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    let full = format!("View full size: {label}");
    let (alt, caption, name) = (label.clone(), label.clone(), label.clone());
    let big = url.clone();
    view! {
        <figure class="media-image">
            <img src=url alt=alt/>
            <figcaption class="small muted">
                {caption} " "
                <button type="button" class="link" on:click=open aria-label=full>"View full size"</button>
            </figcaption>
            <dialog node_ref=dialog class="media-dialog" aria-label=name>
                <img src=big alt=label/>
                <button type="button" on:click=close>"Close"</button>
            </dialog>
        </figure>
    }
    .into_any()
}
/// Revokes a `blob:` URL made here when the view that shows it goes away.
fn revoke_on_cleanup(url: String) {
    on_cleanup(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
}

/// A file's bytes (base64) or text as a download `blob:` URL.
fn file_blob(content: &str, base64: bool) -> Option<String> {
    use wasm_bindgen::JsValue;
    let parts = js_sys::Array::new();
    if base64 {
        let standard: String = content.chars().map(|c| match c { '-' => '+', '_' => '/', c => c }).collect();
        let binary = web_sys::window()?.atob(&standard).ok()?;
        // `atob` gives one character per byte.
        let bytes: Vec<u8> = binary.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(0)).collect();
        parts.push(&js_sys::Uint8Array::from(bytes.as_slice()));
    } else {
        parts.push(&JsValue::from_str(content));
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Offloaded media: fetched with the client (the key as a header) and shown
/// through a `blob:` URL, revoked when the view goes away (also when the
/// answer arrives after that).
fn stored(kind: MediaKind, session_id: String, key: String, label: String, size: Option<u64>) -> AnyView {
    let url = RwSignal::new(None::<Result<String, String>>);
    // (revoked on cleanup, the URL once made)
    let made: Arc<Mutex<(bool, Option<String>)>> = Arc::new(Mutex::new((false, None)));
    let gone = made.clone();
    on_cleanup(move || {
        if let Ok(mut m) = gone.lock() {
            m.0 = true;
            if let Some(u) = m.1.take() {
                let _ = web_sys::Url::revoke_object_url(&u);
            }
        }
    });
    let client = use_app().client.get_untracked();
    let segments: Vec<String> = key.split('/').map(agentos_client::path::encode).collect();
    let path = format!("/sessions/{}/media/{}", agentos_client::path::encode(&session_id), segments.join("/"));
    spawn_local(async move {
        let Some(client) = client else { return };
        let result = client.get_blob(&path, MAX_MEDIA_BYTES as u64).await.map_err(|e| e.to_string());
        let result = result.and_then(|b| web_sys::Url::create_object_url_with_blob(&b).map_err(|_| "no blob URL".into()));
        if let Ok(u) = &result {
            match made.lock() {
                Ok(mut m) if !m.0 => m.1 = Some(u.clone()),
                _ => {
                    let _ = web_sys::Url::revoke_object_url(u);
                    return;
                }
            }
        }
        url.try_set(Some(result));
    });
    view! {
        {move || match url.get() {
            None => note(format!("Loading {label}…"), "small muted"),
            Some(Ok(u)) => shown(kind, u, label.clone(), size),
            Some(Err(e)) => not_shown(&label, &e),
        }}
    }
    .into_any()
}

/// The files a person attached to a message being sent: image thumbnails
/// (a `blob:` URL of the chosen file, revoked on cleanup), else the name.
pub fn local_attachments(files: Vec<web_sys::File>) -> impl IntoView {
    view! {
        <ul class="media-list attachments" aria-label="Your attachments">
            {files.into_iter().map(|f| {
                let name = f.name();
                let kind = f.type_().to_ascii_lowercase();
                let image = kind.starts_with("image/") && !kind.starts_with("image/svg");
                let url = image.then(|| web_sys::Url::create_object_url_with_blob(&f).ok()).flatten();
                let size = human_size(f.size().max(0.0) as u64);
                view! {
                    <li class="media-item">
                        {match url {
                            Some(u) => {
                                revoke_on_cleanup(u.clone());
                                view! { <img class="media-thumb" src=u alt=name.clone()/> }.into_any()
                            }
                            None => ().into_any(),
                        }}
                        <span class="small">{format!("📎 {name} ({size})")}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
