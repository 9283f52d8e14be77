//! The message composer: Enter sends, Shift+Enter adds a line; files can be
//! attached; an advanced panel takes the run's pass-through JSON fields,
//! validated before anything is sent.

use agentos_client::runs::{label, FieldError, RunExtras};
use leptos::prelude::*;

/// What the composer hands over when the person sends.
pub struct Outgoing {
    pub message: String,
    pub files: Vec<web_sys::File>,
    pub extras: Vec<(&'static str, String)>,
}

/// The composer. `draft` is owned by the caller so that a failed send can
/// put the text back; `on_send` returns nothing and the caller decides.
#[component]
pub fn Composer(
    /// The text being typed (kept by the caller, so it survives failures).
    draft: RwSignal<String>,
    /// Whether a run is in progress (sending is disabled, Stop is shown).
    #[prop(into)]
    busy: Signal<bool>,
    /// Placeholder naming what the person talks to.
    #[prop(into)]
    placeholder: Signal<String>,
    /// Called with the message to send (unsync: it holds the attached
    /// `File`s, which stay on the browser's thread).
    on_send: UnsyncCallback<Outgoing>,
    /// Called when the person presses Stop.
    on_stop: Callback<()>,
) -> impl IntoView {
    let extras = RwSignal::new(RunExtras::default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let files = RwSignal::new_local(Vec::<web_sys::File>::new());
    let file_input = NodeRef::<leptos::html::Input>::new();

    let send = move || {
        if busy.get_untracked() {
            return;
        }
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let fields = match extras.get_untracked().form_fields() {
            Ok(f) => {
                errors.set(Vec::new());
                f
            }
            Err(errs) => {
                errors.set(errs);
                return;
            }
        };
        let attached = files.get_untracked();
        files.set(Vec::new());
        if let Some(input) = file_input.get_untracked() {
            input.set_value("");
        }
        on_send.run(Outgoing { message: text, files: attached, extras: fields });
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };

    let on_files = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let mut list = Vec::new();
        if let Some(fl) = input.files() {
            for i in 0..fl.length() {
                if let Some(f) = fl.get(i) {
                    list.push(f);
                }
            }
        }
        files.set(list);
    };

    let field = move |name: &'static str, get: fn(&RunExtras) -> String, set: fn(&mut RunExtras, String), hint: &'static str| {
        let id = format!("adv-{name}");
        let err_id = format!("adv-{name}-error");
        let err = move || errors.with(|es| es.iter().find(|e| e.field == name).map(|e| e.message.clone()));
        view! {
            <div class="adv-field">
                <label for=id.clone()>{label(name)}</label>
                <textarea
                    id=id
                    rows="2"
                    spellcheck="false"
                    placeholder=hint
                    aria-invalid=move || err().is_some().then_some("true")
                    aria-describedby=err_id.clone()
                    prop:value=move || extras.with(get)
                    on:input=move |ev| extras.update(|x| set(x, event_target_value(&ev)))
                ></textarea>
                <p id=err_id class="field-error" role=move || err().is_some().then_some("alert")>
                    {err}
                </p>
            </div>
        }
    };

    view! {
        <form class="composer" aria-label="Send a message" on:submit=move |ev| {
            ev.prevent_default();
            send();
        }>
            <label for="composer-input" class="visually-hidden">"Message"</label>
            <textarea
                id="composer-input"
                rows="3"
                placeholder=move || placeholder.get()
                aria-describedby="composer-help"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=on_keydown
            ></textarea>
            <p id="composer-help" class="visually-hidden">"Enter sends. Shift+Enter starts a new line."</p>
            {move || {
                let names: Vec<String> = files.with(|fs| fs.iter().map(|f| f.name()).collect());
                (!names.is_empty()).then(|| view! {
                    <ul class="attachments" aria-label="Attached files">
                        {names.into_iter().map(|n| view! { <li class="badge">{n}</li> }).collect_view()}
                    </ul>
                })
            }}
            <div class="composer-bar">
                <label class="file-button">
                    <span>"Attach files"</span>
                    <input type="file" multiple node_ref=file_input on:change=on_files class="visually-hidden"/>
                </label>
                <details class="advanced">
                    <summary>"Advanced options"</summary>
                    <div class="adv-grid">
                        {field("dependencies", |x| x.dependencies.clone(), |x, v| x.dependencies = v, "{\"key\": \"value\"}")}
                        {field("session_state", |x| x.session_state.clone(), |x, v| x.session_state = v, "{\"cart\": []}")}
                        {field("metadata", |x| x.metadata.clone(), |x, v| x.metadata = v, "{\"source\": \"dashboard\"}")}
                        {field("knowledge_filters", |x| x.knowledge_filters.clone(), |x, v| x.knowledge_filters = v, "{\"source\": \"handbook.pdf\"}")}
                        {field("output_schema", |x| x.output_schema.clone(), |x, v| x.output_schema = v, "{\"type\": \"object\", \"properties\": {...}}")}
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || extras.with(|x| x.use_json_schema)
                                on:change=move |ev| extras.update(|x| x.use_json_schema = event_target_checked(&ev))
                            />
                            " Use JSON schema mode for the output schema"
                        </label>
                    </div>
                </details>
                <span class="spacer"></span>
                {move || if busy.get() {
                    view! {
                        <button type="button" class="danger" on:click=move |ev| {
                            // Stopping can end the turn at once (a message not sent yet), and
                            // this very <button> then becomes Send (type=submit) before the
                            // click's default action: without this, the click would submit
                            // the message it just stopped.
                            ev.prevent_default();
                            on_stop.run(())
                        }>"Stop"</button>
                    }.into_any()
                } else {
                    view! {
                        <button type="submit" class="primary" disabled=move || draft.with(|d| d.trim().is_empty())>
                            "Send"
                        </button>
                    }.into_any()
                }}
            </div>
        </form>
    }
}
