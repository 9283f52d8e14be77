//! Demo mode (issue 12): what a person who is not a developer sees.
//!
//! - [`ChatIntro`]: an empty chat's description and quick prompts;
//! - [`Suggestions`]: follow-up suggestions under an answer;
//! - [`WelcomePage`] (`#/welcome`): one card per agent, team and workflow;
//! - [`chat_with`]: the "Chat with …" link of a component's page.
//!
//! What an owner configured comes from `/config` (`manifest`,
//! `chat.quick_prompts`; read by `agentos_client::manifest`). A server without
//! either shows the plain pages: nothing here assumes the demo's names.

use crate::route::Route;
use crate::state::{use_app, Catalog};
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
            c.as_ref().map(|c| (description_of(c, kind, &id), prompts_of(c, &id))).unwrap_or_default()
        })
    });
    move || {
        let (description, prompts) = shown.get();
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
    let href = Route::Chat(Some((kind, id.to_string()))).href();
    view! { <a class="button primary" href=href>{format!("Chat with {name}")}</a> }
}

fn kind_word(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Agent => "Agent",
        ComponentKind::Team => "Team",
        ComponentKind::Workflow => "Workflow",
    }
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
    let heading = format!("welcome-{}-{}", c.kind.collection(), crate::route::encode_segment(&c.id));
    let labelled_by = heading.clone();
    let href = Route::Chat(Some((c.kind, c.id))).href();
    view! {
        <li>
            <article class="card welcome-card" aria-labelledby=labelled_by>
                <p class="eyebrow">{kind_word(c.kind)}</p>
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
