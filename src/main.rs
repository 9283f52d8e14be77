//! agentos-dashboard: a browser dashboard for AgentOS servers.

mod app;
mod chat;
mod components;
mod lazy;
mod pages;
mod route;
mod state;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
