//! One module per area of the dashboard.

pub mod catalog;
pub mod chat;
pub mod connect;
pub mod knowledge;
pub mod memories;
pub mod metrics;
pub mod overview;
pub mod sessions;
pub mod traces;
