//! One module per area of the dashboard.

pub mod approvals;
pub mod catalog;
pub mod chat;
pub mod connect;
pub mod evals;
pub mod knowledge;
pub mod memories;
pub mod metrics;
pub mod ops;
pub mod overview;
pub mod schedules;
pub mod sessions;
pub mod traces;
