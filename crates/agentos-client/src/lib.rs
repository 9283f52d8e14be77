//! A UI-free client for AgentOS, the FastAPI runtime of the `agno` framework.
//!
//! - [`config`]: wire types for discovery (`/info`, `/config`, agents, teams, workflows).
//! - [`manifest`]: what an owner configures for people (`manifest`, quick prompts).
//! - [`error`]: every failure classified, with a message and a hint for people.
//! - `web` (wasm32 only): the browser transport over `fetch`.
//! - At the bottom, used by all: [`json`] (the lenient JSON reader and the
//!   [`FromJson`](json::FromJson) trait every wire type implements),
//!   [`wire`] (`wire!`, which declares a wire type once: struct, reader and
//!   the wire keys it reads; and [`Page`](wire::Page), the paginated
//!   `{data, meta}` envelope), [`time`] (calendar, timestamps, durations,
//!   sizes), [`path`] (the URL encoder, which refuses `.` and `..` as path
//!   segments), [`text`] (cutting text at character boundaries).
//!
//! Everything except `web` is plain Rust, tested natively on streams and
//! bodies recorded from a real AgentOS (`tests/fixtures/`).

pub mod json;
pub mod wire;
pub mod path;
pub mod text;
pub mod time;

pub mod approvals;
pub mod config;
pub mod db;
pub mod error;
pub mod evals;
pub mod knowledge;
pub mod manifest;
pub mod markdown;
pub mod media;
pub mod memory;
pub mod metrics;
pub mod runs;
pub mod schedules;
pub mod sessions;
pub mod sse;
pub mod traces;
pub mod events;
pub mod reducer;
pub mod ws;

#[cfg(target_arch = "wasm32")]
pub mod web;
#[cfg(target_arch = "wasm32")]
pub mod upload;

pub use config::*;
pub use manifest::{ConfigWithManifest, Manifest, ManifestEntry};
pub use error::{detail_from_body, normalize_base_url, ApiError};
pub use json::FromJson;
