//! Control over the latest finished answer of a chat: "Regenerate",
//! "Continue with instructions" (both `/continue` with `regenerate=true`,
//! see `RegenerateRequest`), and "Fork from here" (a copy of the session,
//! opened in the chat). Hidden in presenter mode; a refused request shows
//! the server's reason under the answer, which stays as it was.

use crate::chat::{Chat, Phase, Turn};
use crate::components::ErrorNotice;
use crate::route::{navigate, Route};
use agentos_client::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The controls under one turn; shown only while it is the latest turn,
/// its run completed and nothing else runs.
#[component]
pub fn RunControls(
    /// The turn they act on.
    turn: Turn,
    /// The chat it belongs to.
    chat: Chat,
) -> impl IntoView {
    let key = turn.key;
    let phase = turn.phase;
    let latest = move || chat.turns.with(|t| t.last().map(|l| l.key)) == Some(key);
    let shown = {
        let turn = turn.clone();
        move || {
            latest()
                && !crate::demo::presenting().get()
                && matches!(phase.get(), Phase::Done | Phase::Refused(_))
                && chat.can_regenerate(&turn)
        }
    };
    let busy = move || chat.active.get().is_some();
    // Why a fork failed (a regenerate's failure is the turn's phase).
    let fork_error = RwSignal::new(None::<ApiError>);
    let forking = RwSignal::new(false);
    let instructions = RwSignal::new(String::new());
    let instructions_open = RwSignal::new(false);

    let regenerate = {
        let turn = turn.clone();
        move |_| {
            fork_error.set(None);
            chat.regenerate(&turn, String::new());
        }
    };
    let send_instructions = {
        let turn = turn.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = instructions.get_untracked();
            if text.trim().is_empty() {
                return;
            }
            fork_error.set(None);
            instructions.set(String::new());
            instructions_open.set(false);
            chat.regenerate(&turn, text);
        }
    };
    let fork = move |_| {
        fork_error.set(None);
        forking.set(true);
        spawn_local(async move {
            let result = chat.fork_session().await;
            // The chat (and these controls) may be gone by now.
            if forking.is_disposed() {
                return;
            }
            forking.set(false);
            match result {
                Ok(session) => {
                    navigate(&Route::Chat { target: Some((chat.kind, chat.id.get_value())), session: Some(session), present: false })
                }
                Err(e) => fork_error.set(Some(e)),
            }
        });
    };

    let instructions_note = turn.instructions;
    view! {
        {move || instructions_note.get().map(|text| view! {
            <p class="small muted" aria-label="Answered again with instructions">"Answered again with: " {text}</p>
        })}
        {move || match phase.get() {
            Phase::Refused(e) => Some(view! {
                <div class="turn-failed">
                    <ErrorNotice error=e/>
                    <p class="small muted">"The answer above is unchanged."</p>
                </div>
            }),
            _ => None,
        }}
        {move || fork_error.get().map(|e| view! {
            <div class="turn-failed">
                <ErrorNotice error=e/>
                <p class="small muted">"No session was forked."</p>
            </div>
        })}
        {move || shown().then(|| {
            let regenerate = regenerate.clone();
            let send_instructions = send_instructions.clone();
            view! {
            <div class="run-controls" role="group" aria-label="Run control">
                <div class="actions">
                    <button type="button" disabled=busy on:click=regenerate>"Regenerate"</button>
                    <button type="button" disabled=move || busy() || forking.get() on:click=fork
                        title="A new session with a copy of this conversation, opened here">
                        {move || if forking.get() { "Forking…" } else { "Fork from here" }}
                    </button>
                    <button type="button" aria-expanded=move || instructions_open.get().to_string()
                        on:click=move |_| instructions_open.update(|o| *o = !*o)>
                        "Continue with instructions"
                    </button>
                </div>
                {move || instructions_open.get().then(|| {
                    let send_instructions = send_instructions.clone();
                    view! {
                    <form class="stack" aria-label="Continue with instructions" on:submit=send_instructions>
                        <label class="field">
                            <span>"Instructions"</span>
                            <span class="small muted">" — the answer is written again, following them"</span>
                            <textarea rows="2" prop:value=move || instructions.get()
                                on:input=move |ev| instructions.set(event_target_value(&ev))></textarea>
                        </label>
                        <div class="actions">
                            <button type="submit" class="primary"
                                disabled=move || busy() || instructions.with(|t| t.trim().is_empty())>
                                "Send instructions"
                            </button>
                        </div>
                    </form>
                }})}
            </div>
        }})}
    }
}
