//! One module per area of the dashboard.

pub mod catalog;
pub mod chat;
pub mod connect;
pub mod memories;
pub mod overview;
pub mod sessions;
