//! Knowledge bases: content, upload, search. (Being built: issue 5.)

use crate::components::Empty;
use leptos::prelude::*;

#[component]
pub fn KnowledgePage() -> impl IntoView {
    view! {
        <section>
            <h1>"Knowledge"</h1>
            <Empty title="Not built yet"/>
        </section>
    }
}
