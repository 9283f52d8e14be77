//! A session's state, metadata and summary (what `GET /sessions/{id}`
//! carries besides its runs), with the state editable: shown in the chat
//! ("Session details", not in presenter mode) and on the session page.
//!
//! Everything is shown as text (JSON pretty-printed and capped), never as
//! HTML. The state is edited as JSON, checked as a JSON object before
//! anything is sent (`state_update_request`), then sent as
//! `PATCH /sessions/{id}`; the server's answer (the session as stored) is
//! what is shown after, and a refusal shows the server's reason.

use crate::components::load::use_action;
use crate::components::{Badge, Notice};
use agentos_client::approvals::json_text;
use agentos_client::sessions::{state_update_request, SessionDetail};
use agentos_client::FromJson;
use gloo_net::http::Method;
use leptos::prelude::*;
use serde_json::Value;

/// The most characters of a JSON value shown (the rest is cut with "…").
const SHOWN_MAX: usize = 20_000;

/// JSON as capped text, or `None` when there is nothing (null, `{}`, `[]`).
fn shown(v: &Value) -> Option<String> {
    let empty = match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    };
    (!empty).then(|| json_text(v, SHOWN_MAX))
}

/// The state as the edit box starts: pretty JSON, `{}` when there is none.
fn editable(v: &Value) -> String {
    match v {
        Value::Null => "{}".into(),
        v => serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into()),
    }
}

/// "Session details": state (editable), metadata and summary of one
/// session. Collapsed unless `open`.
#[component]
pub fn SessionDetails(
    /// The session as last loaded; `None` while there is none (nothing is
    /// shown then). A newer value replaces what is shown, but not what is
    /// being typed in the edit box.
    #[prop(into)]
    detail: Signal<Option<SessionDetail>>,
    /// Open at first (the session page); the chat starts it collapsed.
    #[prop(optional)]
    open: bool,
    /// The database the session is in, where the page names none (the
    /// chat: its component's own); a page with `provide_db` needs none.
    #[prop(optional)]
    db: agentos_client::db::DbScope,
) -> impl IntoView {
    let current = RwSignal::new(None::<SessionDetail>);
    Effect::new(move |_| current.set(detail.get()));
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    // Why the typed state was not sent (checked here, before any request).
    let refused = RwSignal::new(None::<String>);
    let action = use_action();
    let db = StoredValue::new(db);

    let start_edit = move |_| {
        let text = current
            .with_untracked(|d| d.as_ref().map(|d| editable(&d.session_state)))
            .unwrap_or_default();
        draft.set(text);
        refused.set(None);
        action.set_error(None);
        editing.set(true);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(d) = current.get_untracked() else {
            return;
        };
        let s = &d.summary;
        match state_update_request(
            &s.session_id,
            s.kind,
            s.user_id.as_deref(),
            &draft.get_untracked(),
        ) {
            Err(why) => {
                action.set_error(None);
                refused.set(Some(why));
            }
            Ok((path, body)) => {
                refused.set(None);
                action.send_read(
                    Method::PATCH,
                    db.with_value(|d| d.on(&path)),
                    Some(body),
                    SessionDetail::from_json,
                    move |saved| {
                        current.set(Some(saved));
                        editing.set(false);
                    },
                );
            }
        }
    };

    // The panel is built once per session shown (so it stays open or closed
    // as the person left it); its parts follow each newer answer.
    let has = Memo::new(move |_| current.with(Option::is_some));
    let part = move |f: fn(&SessionDetail) -> Option<String>| {
        move || current.with(|d| d.as_ref().and_then(f))
    };
    let state = part(|d| shown(&d.session_state));
    let metadata = part(|d| shown(&d.metadata));
    let summary = part(|d| d.summary_text.clone());
    let topics = move || {
        current.with(|d| {
            d.as_ref()
                .map(|d| d.summary_topics.clone())
                .unwrap_or_default()
        })
    };

    move || {
        has.get().then(|| {
            view! {
                <details class="card session-details" open=open>
                    <summary>"Session details"</summary>
                    <section class="session-part" aria-labelledby="session-state-title">
                        <div class="session-part-head">
                            <h2 id="session-state-title">"Session state"</h2>
                            {move || (!editing.get()).then(|| view! {
                                <button type="button" on:click=start_edit>"Edit state"</button>
                            })}
                        </div>
                        {move || match state() {
                            Some(text) => view! { <pre class="code"><code>{text}</code></pre> }.into_any(),
                            None => view! { <p class="muted small">"Empty."</p> }.into_any(),
                        }}
                        {move || editing.get().then(|| view! {
                            <form class="form state-form" aria-label="Edit session state" on:submit=save>
                                <label for="session-state-input">"Session state (a JSON object)"</label>
                                <textarea id="session-state-input" class="mono" rows="8" spellcheck="false" bind:value=draft></textarea>
                                {move || refused.get().map(|why| view! { <Notice title=why hint="Nothing was sent."/> })}
                                {action.notice()}
                                <div class="actions">
                                    <button type="submit" class="primary" disabled=move || action.pending()>"Save state"</button>
                                    <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                                </div>
                            </form>
                        })}
                    </section>
                    <section class="session-part" aria-labelledby="session-metadata-title">
                        <h2 id="session-metadata-title">"Metadata"</h2>
                        {move || match metadata() {
                            Some(text) => view! { <pre class="code"><code>{text}</code></pre> }.into_any(),
                            None => view! { <p class="muted small">"None."</p> }.into_any(),
                        }}
                    </section>
                    <section class="session-part" aria-labelledby="session-summary-title">
                        <h2 id="session-summary-title">"Summary"</h2>
                        {move || match summary() {
                            Some(text) => view! { <p class="prewrap">{text}</p> }.into_any(),
                            None => view! {
                                <p class="muted small">"No summary: the server writes one when the agent or team has session summaries on."</p>
                            }.into_any(),
                        }}
                        {move || {
                            let topics = topics();
                            (!topics.is_empty()).then(|| view! {
                                <ul class="badges plain-list" aria-label="Topics">
                                    {topics.into_iter().map(|t| view! { <li><Badge text=t/></li> }).collect_view()}
                                </ul>
                            })
                        }}
                    </section>
                </details>
            }
        })
    }
}
