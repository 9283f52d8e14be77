//! Demo mode (issue 12): what a person who is not a developer sees.
//!
//! - [`ChatIntro`]: an empty chat's description and quick prompts;
//! - [`Suggestions`]: follow-up suggestions under an answer;
//! - [`WelcomePage`] (`#/welcome`): one card per agent, team and workflow;
//! - [`chat_with`]: the "Chat with …" link of a component's page;
//! - presenter mode ([`presenting`], [`PresenterBar`], [`PresentedRun`]): only
//!   the conversation, larger, with friendly tool lines and no technical detail.
//!
//! What an owner configured comes from `/config` (`manifest`,
//! `chat.quick_prompts`; read by `agentos_client::manifest`). A server without
//! either shows the plain pages: nothing here assumes the demo's names.

use crate::route::{replace, use_route, Route};
use crate::state::{use_app, Catalog};
use agentos_client::reducer::{RunStatus, RunView};
use agentos_client::ComponentKind;
use leptos::prelude::*;

/// The description meant for people: the manifest's, else the component's own.
pub fn description_of(c: &Catalog, kind: ComponentKind, id: &str) -> Option<String> {
    let own = c.find(kind, id).and_then(|e| e.description);
    c.manifest.description(id, own.as_deref()).map(str::to_string)
}

/// The quick prompts configured for a component (possibly none).
pub fn prompts_of(c: &Catalog, id: &str) -> Vec<String> {
    c.manifest.quick_prompts(id).to_vec()
}

/// An empty chat: what the component is for, and prompts to start with as
/// buttons that send. Shows nothing when the server configured neither.
#[component]
pub fn ChatIntro(
    kind: ComponentKind,
    #[prop(into)] id: String,
    /// Sends a prompt as the person's message.
    on_prompt: Callback<String>,
    /// A run is in progress: the buttons wait.
    #[prop(into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let state = use_app();
    let shown = Memo::new(move |_| {
        state.catalog.with(|c| {
            c.as_ref()
                .map(|c| (description_of(c, kind, &id), prompts_of(c, &id)))
                .unwrap_or_default()
        })
    });
    move || {
        let (description, prompts) = shown.get();
        // In presenter mode the bar above shows the description.
        let description = description.filter(|_| !presenting().get());
        (description.is_some() || !prompts.is_empty()).then(|| {
            view! {
                <div class="chat-intro">
                    {description.map(|d| view! { <p class="chat-intro-text">{d}</p> })}
                    <PromptButtons label="Suggested prompts" prompts=prompts on_prompt=on_prompt busy=busy/>
                </div>
            }
        })
    }
}

/// Follow-up suggestions under an answer, as buttons that send.
#[component]
pub fn Suggestions(
    prompts: Vec<String>,
    on_prompt: Callback<String>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let prompts = agentos_client::manifest::clean_prompts(&prompts);
    view! { <PromptButtons label="Follow-up suggestions" prompts=prompts on_prompt=on_prompt busy=busy/> }
}

/// A labelled group of prompt buttons (nothing when there are none).
#[component]
fn PromptButtons(
    label: &'static str,
    prompts: Vec<String>,
    on_prompt: Callback<String>,
    busy: Signal<bool>,
) -> impl IntoView {
    (!prompts.is_empty()).then(|| {
        view! {
            <div class="prompt-list" role="group" aria-label=label>
                {prompts.into_iter().map(|p| {
                    let text = p.clone();
                    view! {
                        <button type="button" class="prompt" disabled=move || busy.get()
                            on:click=move |_| on_prompt.run(text.clone())>
                            {p}
                        </button>
                    }
                }).collect_view()}
            </div>
        }
    })
}

/// "Chat with …" for a component's page.
pub fn chat_with(kind: ComponentKind, id: &str, name: &str) -> impl IntoView {
    let href = Route::chat(kind, id.to_string()).href();
    view! { <a class="button primary" href=href>{format!("Chat with {name}")}</a> }
}


/// `#/welcome`: a home for people who are not developers. One card per
/// agent, team and workflow with what it is for and a way into a chat; the
/// technical overview is one click away.
#[component]
pub fn WelcomePage() -> impl IntoView {
    let state = use_app();
    move || {
        state.catalog.get().map(|c| {
            let title = c.info.display_name().to_string();
            let about = c.config.description.clone();
            let cards: Vec<Card> = c
                .entries()
                .into_iter()
                .map(|e| Card {
                    description: description_of(&c, e.kind, &e.id),
                    labels: c.manifest.labels(&e.id).to_vec(),
                    kind: e.kind,
                    id: e.id,
                    name: e.name,
                })
                .collect();
            let empty = cards.is_empty();
            view! {
                <section class="welcome">
                    <div class="page-head">
                        <div>
                            <p class="eyebrow">{title}</p>
                            <h1>"Welcome"</h1>
                        </div>
                        <a class="button" href=Route::Overview.href()>"Technical overview"</a>
                    </div>
                    {about.map(|d| view! { <p class="lead">{d}</p> })}
                    {if empty {
                        view! { <p class="muted">"This server has no agents, teams or workflows yet."</p> }.into_any()
                    } else {
                        view! {
                            <p class="muted">"Pick one to talk to. Each card says what it is for."</p>
                            <ul class="welcome-cards" aria-label="What you can talk to">
                                {cards.into_iter().map(welcome_card).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            }
        })
    }
}

struct Card {
    kind: ComponentKind,
    id: String,
    name: String,
    description: Option<String>,
    labels: Vec<String>,
}

fn welcome_card(c: Card) -> impl IntoView {
    let heading = format!(
        "welcome-{}-{}",
        c.kind.collection(),
        agentos_client::path::encode(&c.id)
    );
    let labelled_by = heading.clone();
    let href = Route::chat(c.kind, c.id).href();
    view! {
        <li>
            <article class="card welcome-card" aria-labelledby=labelled_by>
                <p class="eyebrow">{c.kind.label()}</p>
                <h2 id=heading>{c.name.clone()}</h2>
                {c.description.map(|d| view! { <p class="welcome-text">{d}</p> })}
                {(!c.labels.is_empty()).then(|| view! {
                    <ul class="labels" aria-label="Labels">
                        {c.labels.into_iter().map(|l| view! { <li class="badge badge-accent">{l}</li> }).collect_view()}
                    </ul>
                })}
                <a class="button primary welcome-start" href=href>
                    "Start a chat"<span class="visually-hidden">{format!(" with {}", c.name)}</span>
                </a>
            </article>
        </li>
    }
}

// ------------------------------------------------------------------------------------
// Presenter mode
// ------------------------------------------------------------------------------------

thread_local! {
    // Reference-counted, not in a view's arena: no page's disposal drops it.
    static PRESENTING: ArcRwSignal<bool> = ArcRwSignal::new(false);
    // How many presenter bars (chat pages) are mounted.
    static BARS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether presenter mode is on (for this tab; a `?present` link turns it on).
pub fn presenting() -> ArcRwSignal<bool> {
    PRESENTING.with(ArcRwSignal::clone)
}

/// Whether the route asks for presenter mode (`?present`).
pub fn present_in_link() -> bool {
    use_route().with_untracked(|r| matches!(r, Route::Chat { present: true, .. }))
}

/// Turns presenter mode on or off: `data-present` on `<html>` lets the
/// stylesheet hide the header and navigation; leaving drops `?present` from
/// the address (without a navigation, so the conversation stays).
pub fn set_presenting(on: bool) {
    presenting().set(on);
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    if on {
        let _ = root.set_attribute("data-present", "");
    } else {
        let _ = root.remove_attribute("data-present");
        if present_in_link() {
            if let Route::Chat { target, session, .. } = use_route().get_untracked() {
                replace(Route::Chat { target, session, present: false });
            }
        }
    }
}

/// The link that opens this chat in presenter mode: the endpoint, never the key.
pub fn share_link(endpoint: &str, kind: ComponentKind, id: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let origin = location.origin().ok()?;
    let path = location.pathname().ok()?;
    let endpoint = agentos_client::normalize_base_url(endpoint).ok()?;
    let encoded = String::from(js_sys::encode_uri_component(&endpoint));
    Some(format!(
        "{origin}{path}?endpoint={encoded}{}",
        Route::Chat { target: Some((kind, id.to_string())), session: None, present: true }.href()
    ))
}

/// The switch in a chat's header.
#[component]
pub fn PresenterSwitch() -> impl IntoView {
    view! {
        <button type="button" aria-pressed=move || if presenting().get() { "true" } else { "false" }
            on:click=move |_| set_presenting(!presenting().get_untracked())>
            "Presenter mode"
        </button>
    }
}

/// Above the conversation in presenter mode: what the component is for,
/// "Share this demo" and a visible way out (Esc works too). Turns presenter
/// mode on for a `?present` link, and off when the chat goes.
#[component]
pub fn PresenterBar(kind: ComponentKind, #[prop(into)] id: String) -> impl IntoView {
    let state = use_app();
    if present_in_link() {
        set_presenting(true);
    }
    let esc = window_event_listener(leptos::ev::keydown, |ev| {
        if ev.key() == "Escape" && presenting().get_untracked() {
            set_presenting(false);
        }
    });
    BARS.with(|b| b.set(b.get() + 1));
    on_cleanup(move || {
        esc.remove();
        BARS.with(|b| b.set(b.get().saturating_sub(1)));
        // Leaving the chat leaves presenter mode; a chat page that replaces
        // this one in the same task (another chat, a re-render) keeps it.
        leptos::task::spawn_local(async {
            if BARS.with(std::cell::Cell::get) == 0 {
                set_presenting(false);
            }
        });
    });
    let description = {
        let id = id.clone();
        Memo::new(move |_| {
            state
                .catalog
                .with(|c| c.as_ref().and_then(|c| description_of(c, kind, &id)))
        })
    };
    let shared = RwSignal::new(None::<String>);
    let copied = RwSignal::new(None::<&'static str>);
    let id = StoredValue::new(id);
    let share = move |_| {
        let Some(link) = id.with_value(|id| share_link(&state.endpoint.get_untracked(), kind, id)) else {
            copied.set(Some("This link could not be made."));
            return;
        };
        shared.set(Some(link.clone()));
        let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
        leptos::task::spawn_local(async move {
            let done = match clipboard {
                Some(c) => wasm_bindgen_futures::JsFuture::from(c.write_text(&link)).await.is_ok(),
                None => false,
            };
            copied.set(Some(if done { "Link copied." } else { "Copy the link below." }));
        });
    };
    move || {
        presenting().get().then(|| view! {
            <div class="presenter-bar">
                {move || description.get().map(|d| view! { <p class="presenter-text">{d}</p> })}
                <div class="presenter-actions">
                    <button type="button" on:click=share>"Share this demo"</button>
                    <button type="button" class="primary" on:click=move |_| set_presenting(false)>"Leave presenter mode"</button>
                    <span class="small muted" role="status">{move || copied.get()}</span>
                </div>
                {move || shared.get().map(|link| view! {
                    <label class="presenter-link">
                        <span class="small muted">"Demo link (opens this chat in presenter mode; no key in it)"</span>
                        <input type="text" readonly prop:value=link/>
                    </label>
                })}
            </div>
        })
    }
}

/// A run as presenter mode shows it: the answer, reasoning collapsed, tool
/// calls as friendly lines; no ids, token counts or metrics.
#[component]
pub fn PresentedRun(run: Signal<RunView>) -> impl IntoView {
    let content: Signal<String> = Memo::new(move |_| run.with(answer_text)).into();
    view! {
        <article class="bubble agent presented" aria-label=move || format!("Answer from {}", run.with(|r| r.display_name()))>
            <div class="run-head">
                <strong>{move || run.with(|r| r.display_name())}</strong>
                {move || run.with(|r| r.status == RunStatus::Running).then(|| view! {
                    <span class="typing" aria-label="The answer is streaming"><i></i><i></i><i></i></span>
                })}
            </div>
            {move || {
                let lines = run.with(friendly_lines);
                (!lines.is_empty()).then(|| view! {
                    <ul class="presented-steps" aria-label="What it did">
                        {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                    </ul>
                })
            }}
            {move || {
                let reasoning = run.with(|r| r.reasoning.clone());
                (!reasoning.trim().is_empty()).then(|| view! {
                    <details class="presented-reasoning">
                        <summary>"How it thought"</summary>
                        <p class="prewrap">{reasoning}</p>
                    </details>
                })
            }}
            <crate::components::markdown::Markdown text=content label="Answer text"/>
            {crate::components::media::run_media(run, false)}
            {move || run.with(|r| match r.status {
                RunStatus::Error => Some(format!("Something went wrong: {}", r.error.as_ref().map(|e| e.message.as_str()).unwrap_or("the run failed"))),
                RunStatus::Cancelled => Some("Stopped.".to_string()),
                _ => None,
            }).map(|m| view! { <p class="presented-note">{m}</p> })}
        </article>
    }
}

/// The answer: the run's text, else (a workflow) its last step's output.
fn answer_text(r: &RunView) -> String {
    if !r.content.trim().is_empty() || r.content_is_json() {
        return r.content.clone();
    }
    r.steps.iter().rev().find_map(|s| s.output.clone()).unwrap_or_default()
}

/// "Used Multiply", "Asked Calculator", "Step: format brief": one line per
/// thing the run did, each once, at most [`MAX_LINES`].
fn friendly_lines(r: &RunView) -> Vec<String> {
    const MAX_LINES: usize = 12;
    let mut out: Vec<String> = Vec::new();
    let mut push = |line: String| {
        if out.len() < MAX_LINES && !out.contains(&line) {
            out.push(line);
        }
    };
    for t in &r.tools {
        match t.child_run_id.as_deref().and_then(|id| r.find(id)) {
            Some(member) => push(format!("Asked {}", member.display_name())),
            None => push(format!("Used {}", humanize(&t.name))),
        }
    }
    for m in &r.members {
        push(format!("Asked {}", m.display_name()));
        for t in &m.tools {
            push(format!("{} used {}", m.display_name(), humanize(&t.name)));
        }
    }
    for s in &r.steps {
        push(format!("Step: {}", humanize(&s.name)));
    }
    out
}

/// `search_knowledge_base` → "Search knowledge base" (at most 60 characters).
fn humanize(name: &str) -> String {
    let spaced: String = name
        .chars()
        .take(60)
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    let spaced = spaced.trim();
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "a tool".to_string(),
    }
}
