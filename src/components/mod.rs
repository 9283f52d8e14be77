//! Small reusable components: status indicator, notices, loading and empty
//! states, fields, badges, pager. Every prop is documented where it is
//! declared; a closed set of choices is an enum ([`Tone`]), not a string.

pub mod approval;
pub mod composer;
pub mod db_picker;
pub mod dom;
pub mod load;
pub mod markdown;
pub mod media;
pub mod run_control;
pub mod run_view;
pub mod session_details;

use crate::state::{use_app, ConnStatus, Health};
use agentos_client::ApiError;
use leptos::prelude::*;

/// "1 tool", "3 tools".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The connection status in the header (`role=status`, announced politely).
#[component]
pub fn StatusIndicator() -> impl IntoView {
    let state = use_app();
    let view_state = Memo::new(move |_| {
        let name = state
            .catalog
            .with(|c| c.as_ref().map(|c| c.info.display_name().to_string()));
        match (state.status.get(), state.health.get()) {
            (ConnStatus::Idle, _) => ("idle", "Not connected".to_string()),
            (ConnStatus::Connecting, _) => ("pending", "Connecting…".to_string()),
            (ConnStatus::Failed(_), _) => ("down", "Disconnected".to_string()),
            (ConnStatus::Connected, Health::Down(e)) => (
                "down",
                match e {
                    ApiError::Unauthorized { .. } => "Disconnected: key rejected".to_string(),
                    _ => "Unreachable: retrying".to_string(),
                },
            ),
            (ConnStatus::Connected, _) => (
                "up",
                format!("Connected · {}", name.unwrap_or_default()),
            ),
        }
    });
    view! {
        <div class="status" role="status" aria-label="Connection status" aria-live="polite">
            <span class=move || format!("dot dot-{}", view_state.get().0) aria-hidden="true"></span>
            <span class="status-text">{move || view_state.get().1}</span>
            {move || {
                state.client.get().map(|c| {
                    view! { <span class="status-url muted">{c.base_url().to_string()}</span> }
                })
            }}
        </div>
    }
}

/// Something went wrong, and what to do about it (`role=alert`): the one
/// markup of every error notice.
#[component]
pub fn Notice(
    /// What happened, in one sentence.
    #[prop(into)]
    title: String,
    /// What it means or what to do about it (nothing is shown when empty).
    #[prop(optional, into)]
    hint: Option<String>,
    /// What goes below: a code sample, Retry or Resume buttons.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <p class="notice-title">{title}</p>
            {hint.filter(|h| !h.is_empty()).map(|h| view! { <p class="notice-hint">{h}</p> })}
            {children.map(|c| c())}
        </div>
    }
}

/// An [`ApiError`] as a [`Notice`]: its title, its hint, and for a CORS
/// refusal the exact line to add on the server.
#[component]
pub fn ErrorNotice(
    /// The error to explain.
    error: ApiError,
    /// What can be done about it (e.g. a Retry button), inside the notice.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let code = match &error {
        ApiError::Cors { origin, .. } => Some(format!(
            "from agno.os.config import CORSConfig\n\nagent_os = AgentOS(\n    ...,\n    cors_allowed_origins=[\"{origin}\"],\n)"
        )),
        _ => None,
    };
    view! {
        <Notice title=error.title() hint=error.hint().unwrap_or_default()>
            {code.map(|c| view! { <pre class="code"><code>{c}</code></pre> })}
            {children.map(|c| c())}
        </Notice>
    }
}

/// A designed loading state (`aria-busy`).
#[component]
pub fn Loading(
    /// What is loading, e.g. "Loading sessions…".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! {
        <div class="loading" aria-busy="true">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}

/// A designed empty state.
#[component]
pub fn Empty(
    /// What there is none of, e.g. "No sessions yet".
    #[prop(into)]
    title: String,
    /// Why, or what to do to get some.
    #[prop(optional, into)]
    detail: Option<String>,
) -> impl IntoView {
    view! {
        <div class="empty">
            <p class="empty-title">{title}</p>
            {detail.map(|d| view! { <p class="muted">{d}</p> })}
        </div>
    }
}

/// A labelled value in a definition list.
#[component]
pub fn Field(
    /// The term (`dt`).
    #[prop(into)]
    label: String,
    /// Its value (`dd`).
    #[prop(into)]
    value: String,
) -> impl IntoView {
    view! {
        <div class="field">
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// What a [`Badge`] says about its subject, shown by its colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tone {
    /// Plain information: a kind, a topic, a file.
    #[default]
    Neutral,
    /// In progress, or worth noticing.
    Accent,
    /// Done and well.
    Ok,
    /// Waits for someone, or only partly done.
    Warn,
    /// Failed, refused or cut.
    Danger,
}

impl Tone {
    /// The badge's classes (`badge-…` in style/main.css), also for badges
    /// built without a view (the traces table).
    pub fn class(self) -> &'static str {
        match self {
            Tone::Neutral => "badge badge-neutral",
            Tone::Accent => "badge badge-accent",
            Tone::Ok => "badge badge-ok",
            Tone::Warn => "badge badge-warn",
            Tone::Danger => "badge badge-danger",
        }
    }
}

/// A small pill of text.
#[component]
pub fn Badge(
    /// The text in the pill.
    #[prop(into)]
    text: String,
    /// Its colour; [`Tone::Neutral`] when not given.
    #[prop(optional)]
    tone: Tone,
) -> impl IntoView {
    view! { <span class=tone.class()>{text}</span> }
}

/// A "User id" text field that applies on Enter or when it is left (not on
/// every keystroke, so typing sends no request).
#[component]
pub fn UserIdField(
    /// The text being typed.
    value: RwSignal<String>,
    /// Shown when empty, e.g. "every user".
    placeholder: &'static str,
    /// Applies the typed id.
    on_apply: Callback<()>,
) -> impl IntoView {
    view! {
        <label>
            <span>"User id"</span>
            <input
                type="text"
                placeholder=placeholder
                bind:value=value
                on:change=move |_| on_apply.run(())
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { on_apply.run(()) }
            />
        </label>
    }
}

/// A destructive button that asks once more: "Delete" shows "Confirm
/// delete" and "Cancel"; only the second click calls `on_confirm`.
#[component]
pub fn ConfirmDelete(
    /// The first button's label.
    #[prop(default = "Delete")]
    label: &'static str,
    /// The confirming button's label.
    #[prop(into, default = "Confirm delete".into())]
    confirm_label: String,
    /// Runs on the confirming click.
    on_confirm: Callback<()>,
    /// Disables the confirming button (while a delete is in flight).
    #[prop(into, optional)]
    busy: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    move || {
        if asking.get() {
            let confirm_label = confirm_label.clone();
            view! {
                <button type="button" class="danger" disabled=move || busy.get() on:click=move |_| on_confirm.run(())>
                    {confirm_label}
                </button>
                <button type="button" on:click=move |_| asking.set(false)>"Cancel"</button>
            }
            .into_any()
        } else {
            view! { <button type="button" class="danger" on:click=move |_| asking.set(true)>{label}</button> }.into_any()
        }
    }
}

/// A page's heading row: its `<h1>`, what the page puts beside it (e.g. the
/// database picker), optionally a button that opens and closes the page's
/// form (`aria-expanded`), and "Refresh".
#[component]
pub fn PageHead(
    /// The page's title.
    title: &'static str,
    /// The label of the button that opens and closes a form, with whether
    /// it is open; no button without it.
    #[prop(optional)]
    toggle: Option<(&'static str, RwSignal<bool>)>,
    /// Reloads what the page shows.
    on_refresh: Callback<()>,
    /// Shown right after the title (e.g. the `DbPicker`).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            {children.map(|c| c())}
            {toggle.map(|(label, open)| view! {
                <button type="button" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                    {label}
                </button>
            })}
            <button type="button" on:click=move |_| on_refresh.run(())>"Refresh"</button>
        </div>
    }
}

/// First/previous/next/last page buttons around "Page X of Y · <count>" (`nav` "Pages").
#[component]
pub fn Pager(
    /// The list's page metadata from the server.
    meta: agentos_client::sessions::PageMeta,
    /// What the total counts, e.g. "12 sessions".
    #[prop(into)]
    count: String,
    /// Called with the page to show.
    on_page: Callback<u64>,
) -> impl IntoView {
    let pages = meta.total_pages.max(1);
    view! {
        <nav class="pager" aria-label="Pages">
            <button type="button" disabled={meta.page <= 1} on:click=move |_| on_page.run(1)>"First page"</button>
            <button type="button" disabled={meta.page <= 1} on:click=move |_| on_page.run(meta.page.saturating_sub(1))>"Previous page"</button>
            <span>{format!("Page {} of {} · {}", meta.page, pages, count)}</span>
            <button type="button" disabled={meta.page >= pages} on:click=move |_| on_page.run(meta.page.saturating_add(1))>"Next page"</button>
            <button type="button" disabled={meta.page >= pages} on:click=move |_| on_page.run(pages)>"Last page"</button>
        </nav>
    }
}
