//! Usage metrics as charts. (Being built: issue 5.)

use crate::components::Empty;
use leptos::prelude::*;

#[component]
pub fn MetricsPage() -> impl IntoView {
    view! {
        <section>
            <h1>"Metrics"</h1>
            <Empty title="Not built yet"/>
        </section>
    }
}
