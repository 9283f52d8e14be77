//! The connection page: server URL and optional security key.
//!
//! A key belongs to the server it was entered for. The key field is filled
//! in only with the key saved for the URL in the URL field; when the URL
//! changes to another server, a filled-in key is replaced by that server's
//! own (or cleared), so it is never carried to a new address. A key the
//! person typed here goes with the URL they submit.

use crate::components::{ErrorNotice, Loading};
use crate::route::{navigate, use_route, Route};
use crate::state::{saved_key, saved_servers, use_app, ConnStatus, SavedServer};
use agentos_client::error::{endpoint_id, is_plain_http_remote, validate_key};
use leptos::prelude::*;

#[component]
pub fn ConnectPage() -> impl IntoView {
    let state = use_app();
    let route = use_route();
    let start = state.endpoint.get_untracked();
    let url = RwSignal::new(start.clone());
    let start_key = saved_key(&start);
    // The server whose saved key is in the key field (None: typed here, or empty).
    let filled_for = RwSignal::new(start_key.as_ref().and_then(|_| endpoint_id(&start)));
    let key = RwSignal::new(start_key.unwrap_or_default());
    let remember = RwSignal::new(remembered(&start));
    let name = RwSignal::new(saved_name(&start));
    // The name field holds a saved server's name (not one typed here).
    let name_filled = RwSignal::new(!name.with_untracked(String::is_empty));
    let submitted = RwSignal::new(false);
    let key_error = RwSignal::new(None::<String>);

    // After a connect started here succeeds on the Connect page, go to the
    // overview; elsewhere the requested page simply appears.
    Effect::new(move |_| {
        if submitted.get() && state.status.get() == ConnStatus::Connected && route.get_untracked() == Route::Connect {
            submitted.set(false);
            navigate(&Route::Overview);
        }
    });

    let on_url = move |value: String| {
        let id = endpoint_id(&value);
        url.set(value);
        let filled = filled_for.get_untracked();
        if filled.is_some() && filled == id {
            return;
        }
        // A key filled in for another server never stays for this one; an
        // empty field takes this server's saved key, if any.
        if filled.is_some() || key.with_untracked(String::is_empty) {
            match id.as_deref().and_then(saved_key) {
                Some(k) => {
                    key.set(k);
                    filled_for.set(id.clone());
                }
                None => {
                    if filled.is_some() {
                        key.set(String::new());
                    }
                    filled_for.set(None);
                }
            }
            key_error.set(None);
        }
        match id.as_deref().and_then(|i| saved_servers().into_iter().find(|s| s.id == i)) {
            Some(r) => {
                remember.set(r.remembered);
                name.set(r.name);
                name_filled.set(true);
            }
            None if name_filled.get_untracked() => {
                name.set(String::new());
                name_filled.set(false);
            }
            None => {}
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let target = url.get_untracked().trim().to_string();
        // Belt and braces: a filled-in key goes only to its own server.
        let filled = filled_for.get_untracked();
        let k = if filled.is_some() && filled != endpoint_id(&target) { String::new() } else { key.get_untracked() };
        if let Err(e) = validate_key(&k) {
            key_error.set(Some(e.title()));
            return;
        }
        key_error.set(None);
        submitted.set(true);
        state.connect_named(&target, k, Some(remember.get_untracked()), name.get_untracked());
    };

    let connecting = move || state.status.get() == ConnStatus::Connecting;
    let http_warning = move || !key.with(String::is_empty) && url.with(|u| is_plain_http_remote(u));
    // Bumped by "Forget key", so the button goes once the key is gone.
    let forgot = RwSignal::new(0u32);
    let has_saved_key = move || {
        forgot.track();
        url.with(|u| saved_key(u).is_some())
    };

    view! {
        <section class="connect">
            <h1>"Connect to an AgentOS"</h1>
            <p class="muted">
                "Enter the address of an agno AgentOS server. The address is remembered in this browser; \
                 a key is kept for the server it was entered for, and sent to no other."
            </p>
            {move || state.from_link.get().map(|u| view! {
                <p class="notice">
                    "This link opens a server that is not saved in this browser: " <strong>{u}</strong>
                    ". No key is sent to it unless you enter one; once connected it is added to your servers."
                </p>
            })}
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
                    on:input=move |ev| on_url(event_target_value(&ev))
                />
                <label for="security-key">"Security key"</label>
                <input
                    id="security-key"
                    name="security-key"
                    type="password"
                    autocomplete="off"
                    placeholder="Optional: the server's OS_SECURITY_KEY"
                    aria-describedby="key-help key-error key-warning"
                    aria-invalid=move || key_error.with(Option::is_some).then_some("true")
                    prop:value=move || key.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        key_error.set(validate_key(&v).err().map(|e| e.title()));
                        key.set(v);
                        filled_for.set(None);
                    }
                />
                <p id="key-help" class="help muted">
                    "Sent only to this server, only as an Authorization header; never put in a link."
                </p>
                {move || key_error.get().map(|e| view! { <p id="key-error" class="field-error" role="alert">{e}</p> })}
                {move || http_warning().then(|| view! {
                    <p id="key-warning" class="notice notice-warn">
                        "Warning: this address uses plain http:// to another computer, so the key would cross \
                         the network unencrypted. Use https:// unless you trust every network in between."
                    </p>
                })}
                <label for="server-name">"Name"</label>
                <input
                    id="server-name"
                    name="server-name"
                    type="text"
                    autocomplete="off"
                    placeholder="Optional: shown in the server switcher"
                    prop:value=move || name.get()
                    on:input=move |ev| {
                        name.set(event_target_value(&ev));
                        name_filled.set(false);
                    }
                />
                <label class="check">
                    <input
                        type="checkbox"
                        name="remember-key"
                        prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev))
                    />
                    " Remember the key on this device"
                </label>
                <p class="help muted">"When off, the key is kept only in this tab, until it is closed."</p>
                <div class="actions">
                    <button type="submit" class="primary" disabled=connecting>
                        "Connect"
                    </button>
                    {move || {
                        has_saved_key().then(|| {
                            view! {
                                <button type="button" on:click=move |_| {
                                    state.forget_key(&url.get_untracked());
                                    key.set(String::new());
                                    filled_for.set(None);
                                    forgot.update(|n| *n += 1);
                                }>"Forget key"</button>
                            }
                        })
                    }}
                </div>
            </form>
            {move || connecting().then(|| view! { <Loading label="Connecting…"/> })}
            {saved_servers_list()}
            {move || {
                state.catalog.get().filter(|_| state.status.get() == ConnStatus::Connected).map(|c| {
                    view! {
                        <p class="muted">
                            "Connected to " <strong>{c.info.display_name().to_string()}</strong>
                            " · agno " {c.info.agno_version.clone().unwrap_or_else(|| "?".into())}
                            ". " <a href=Route::Overview.href()>"Open the overview"</a>
                        </p>
                    }
                })
            }}
        </section>
    }
}

/// Whether the saved server at `url` keeps its key on this device.
fn remembered(url: &str) -> bool {
    let id = endpoint_id(url);
    saved_servers().into_iter().any(|s| Some(s.id) == id && s.remembered)
}

/// The saved name of the server at `url`, if it is saved.
fn saved_name(url: &str) -> String {
    let id = endpoint_id(url);
    saved_servers().into_iter().find(|s| Some(&s.id) == id.as_ref()).map(|s| s.name).unwrap_or_default()
}

/// Where the key of a saved server is kept, in words.
fn key_place(s: &SavedServer) -> &'static str {
    if s.remembered {
        "key remembered on this device"
    } else if saved_key(&s.url).is_some() {
        "key kept in this tab"
    } else {
        "no key saved"
    }
}

/// The saved servers, each with Connect and Delete (which also forgets its key).
/// (Plain functions rather than components here: smaller wasm.)
fn saved_servers_list() -> impl IntoView {
    let state = use_app();
    let current = move || state.client.get().and_then(|c| endpoint_id(c.base_url()));
    view! {
        {move || {
            let servers = state.servers.get();
            (!servers.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="saved-servers">
                    <h2 id="saved-servers">"Saved servers"</h2>
                    <ul class="plain" aria-label="Saved servers">
                        {servers.into_iter().map(|s| {
                            let url = s.url.clone();
                            let url2 = s.url.clone();
                            let id = s.id.clone();
                            let is_current = move || current().as_ref() == Some(&id);
                            let label_connect = format!("Connect to {}", s.name);
                            let label_delete = format!("Delete {}", s.name);
                            view! {
                                <li>
                                    <strong>{s.name.clone()}</strong>" "
                                    <span class="muted">{s.url.clone()}" · "{key_place(&s)}</span>" "
                                    {move || is_current().then(|| view! { <span class="badge">"current"</span> })}
                                    " "
                                    <button type="button" aria-label=label_connect on:click=move |_| {
                                        state.switch_to(&url);
                                        navigate(&Route::Overview);
                                    }>"Connect"</button>
                                    " "
                                    <button type="button" aria-label=label_delete on:click=move |_| {
                                        state.delete_server(&url2);
                                    }>"Delete"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
    }
}

/// The server switcher in the header: the saved servers by name; choosing
/// one connects to it with its own saved key (or none), so keys stay apart.
pub fn server_switcher() -> impl IntoView {
    let state = use_app();
    let selected = move || state.client.get().and_then(|c| endpoint_id(c.base_url())).unwrap_or_default();
    view! {
        {move || {
            let servers = state.servers.get();
            (!servers.is_empty()).then(|| view! {
                <select
                    class="server-switcher"
                    aria-label="Server"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(s) = state.servers.get_untracked().into_iter().find(|s| s.id == v) {
                            state.switch_to(&s.url);
                        }
                    }
                >
                    {move || selected().is_empty().then(|| view! {
                        <option value="" disabled prop:selected=true>"Choose a server"</option>
                    })}
                    {servers.into_iter().map(|s| {
                        let id = s.id.clone();
                        view! {
                            <option value=s.id.clone() prop:selected=move || selected() == id>{s.name.clone()}</option>
                        }
                    }).collect_view()}
                </select>
            })
        }}
    }
}
