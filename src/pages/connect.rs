//! The connection page: server URL and optional security key.

use crate::components::{ErrorNotice, Loading};
use crate::route::{navigate, use_route, Route};
use crate::state::{use_app, ConnStatus};
use leptos::prelude::*;

#[component]
pub fn ConnectPage() -> impl IntoView {
    let state = use_app();
    let route = use_route();
    let url = RwSignal::new(state.endpoint.get_untracked());
    let key = RwSignal::new(state.key.get_untracked());
    let submitted = RwSignal::new(false);

    // After a connect started here succeeds on the Connect page, go to the
    // overview; elsewhere the requested page simply appears.
    Effect::new(move |_| {
        if submitted.get() && state.status.get() == ConnStatus::Connected && route.get_untracked() == Route::Connect {
            submitted.set(false);
            navigate(&Route::Overview);
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        state.endpoint.set(url.get_untracked().trim().to_string());
        state.key.set(key.get_untracked());
        submitted.set(true);
        state.connect();
    };

    let connecting = move || state.status.get() == ConnStatus::Connecting;

    view! {
        <section class="connect">
            <h1>"Connect to an AgentOS"</h1>
            <p class="muted">
                "Enter the address of an agno AgentOS server. The address and key are remembered in this browser."
            </p>
            {move || match state.status.get() {
                ConnStatus::Failed(e) => view! { <ErrorNotice error=e/> }.into_any(),
                _ => ().into_any(),
            }}
            <form class="card form" aria-label="Connect to AgentOS" on:submit=on_submit>
                <label for="endpoint">"AgentOS URL"</label>
                <input
                    id="endpoint"
                    name="endpoint"
                    type="url"
                    inputmode="url"
                    autocomplete="url"
                    placeholder="http://localhost:7777"
                    required
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))
                />
                <label for="security-key">"Security key"</label>
                <input
                    id="security-key"
                    name="security-key"
                    type="password"
                    autocomplete="off"
                    placeholder="Optional: the server's OS_SECURITY_KEY"
                    aria-describedby="key-help"
                    prop:value=move || key.get()
                    on:input=move |ev| key.set(event_target_value(&ev))
                />
                <p id="key-help" class="help muted">
                    "Sent only as an Authorization header; never put in a link."
                </p>
                <div class="actions">
                    <button type="submit" class="primary" disabled=connecting>
                        "Connect"
                    </button>
                    {move || {
                        (state.client.get().is_some() || !state.key.get().is_empty()).then(|| {
                            view! {
                                <button type="button" on:click=move |_| {
                                    state.disconnect();
                                    key.set(String::new());
                                }>"Forget key"</button>
                            }
                        })
                    }}
                </div>
            </form>
            {move || connecting().then(|| view! { <Loading label="Connecting…"/> })}
            {move || {
                state.catalog.get().filter(|_| state.status.get() == ConnStatus::Connected).map(|c| {
                    view! {
                        <p class="muted">
                            "Connected to " <strong>{c.info.display_name().to_string()}</strong>
                            " · agno " {c.info.agno_version.clone().unwrap_or_else(|| "?".into())}
                            ". " <a href="#/">"Open the overview"</a>
                        </p>
                    }
                })
            }}
        </section>
    }
}
