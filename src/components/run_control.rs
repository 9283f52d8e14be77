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
    let instructions = RwSignal::new(String::new());
    let instructions_open = RwSignal::new(false);
    let regenerate = {
        let turn = turn.clone();
        move |text: String| {
            fork_error.set(None);
            instructions_open.set(false);
            chat.regenerate(&turn, text);
        }
    };
    let fork = move |_| {
        fork_error.set(None);
        spawn_local(async move {
            let result = chat.fork_session().await;
            match result {
                Ok(session) => {
                    navigate(&Route::Chat { target: Some((chat.kind, chat.id.get_value())), session: Some(session), present: false })
                }
                // The chat (and these controls) may be gone by now.
                Err(e) => {
                    let _ = fork_error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        {move || {
            let refused = phase.with(|p| match p { Phase::Refused(e) => Some(e.clone()), _ => None });
            let (error, after) = match (refused, fork_error.get()) {
                (Some(e), _) => (e, "The answer above is unchanged."),
                (None, Some(e)) => (e, "No session was forked."),
                (None, None) => return None,
            };
            Some(view! {
                <div class="turn-failed">
                    <ErrorNotice error=error/>
                    <p class="small muted">{after}</p>
                </div>
            })
        }}
        {move || shown().then(|| {
            let again = regenerate.clone();
            let steered = regenerate.clone();
            view! {
                <div class="run-controls" role="group" aria-label="Run control">
                    <div class="actions">
                        <button type="button" disabled=busy on:click=move |_| again(String::new())>"Regenerate"</button>
                        <button type="button" disabled=busy on:click=fork>"Fork from here"</button>
                        <button type="button" aria-expanded=move || instructions_open.get().to_string()
                            on:click=move |_| instructions_open.update(|o| *o = !*o)>"Continue with instructions"</button>
                    </div>
                    <form class="stack" aria-label="Continue with instructions" hidden=move || !instructions_open.get()
                        on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            let text = instructions.get_untracked();
                            if !text.trim().is_empty() {
                                instructions.set(String::new());
                                steered(text);
                            }
                        }>
                        <label class="field">
                            <span>"Instructions"</span>
                            <textarea rows="2" prop:value=move || instructions.get()
                                on:input=move |ev| instructions.set(event_target_value(&ev))></textarea>
                        </label>
                        <div class="actions">
                            <button type="submit" class="primary"
                                disabled=move || busy() || instructions.with(|t| t.trim().is_empty())>"Send instructions"</button>
                        </div>
                    </form>
                </div>
            }
        })}
    }
}
