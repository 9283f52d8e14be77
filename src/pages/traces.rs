//! Traces: the list and one trace's span waterfall. (Being built: issue 5.)

use crate::components::Empty;
use leptos::prelude::*;

#[component]
pub fn TracesPage() -> impl IntoView {
    view! {
        <section>
            <h1>"Traces"</h1>
            <Empty title="Not built yet"/>
        </section>
    }
}

#[component]
pub fn TracePage(id: String) -> impl IntoView {
    view! {
        <section>
            <h1>"Trace"</h1>
            <Empty title="Not built yet" detail=id/>
        </section>
    }
}
