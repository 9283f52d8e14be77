//! agentos-dashboard: a browser dashboard for AgentOS servers.

mod app;
mod chat;
mod components;
mod demo;
mod lazy;
mod ops_badge;
mod pages;
mod route;
mod state;

fn main() {
    leptos::mount::mount_to_body(app::App);
    // index.html's static shell (the same header and navigation, "Loading the dashboard…")
    // painted before the wasm arrived. It goes in the task that mounted the app, so no frame
    // shows both or neither. If mounting failed, the shell stays with src/boot.js's message.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("shell") {
        shell.remove();
    }
}
