//! Demo mode (issue 12): what a person who is not a developer sees.
//!
//! - [`ChatIntro`]: an empty chat's description and quick prompts;
//! - [`Suggestions`]: follow-up suggestions under an answer.
//!
//! What an owner configured comes from `/config` (`manifest`,
//! `chat.quick_prompts`; read by `agentos_client::manifest`). A server without
//! either shows the plain pages: nothing here assumes the demo's names.

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
