//! The overview: what this AgentOS is and what it is configured with.

use crate::components::{Badge, Empty, Field};
use crate::route::Route;
use crate::state::{use_app, Catalog};
use agentos_client::ComponentKind;
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let state = use_app();
    move || state.catalog.get().map(|c| overview(c, state))
}

fn overview(c: Catalog, state: crate::state::AppState) -> impl IntoView {
    let info = c.info.clone();
    let cfg = c.config.clone();
    let auth = match info.auth_mode.as_deref() {
        Some("none") | None => "None (open)".to_string(),
        Some("security_key") => "Security key".to_string(),
        Some(other) => other.to_string(),
    };
    let description = cfg.description.clone();
    let models = cfg.available_models.clone();
    let databases = cfg.database_domains();
    let knowledge = cfg.knowledge_instances().to_vec();
    let interfaces = cfg.interfaces.clone();
    let components: Vec<(ComponentKind, &'static str, Vec<_>)> = vec![
        (
            ComponentKind::Agent,
            "Agents",
            c.agents.iter().map(|a| (a.id.clone(), a.display_name().to_string())).collect(),
        ),
        (
            ComponentKind::Team,
            "Teams",
            c.teams.iter().map(|t| (t.id.clone(), t.display_name().to_string())).collect(),
        ),
        (
            ComponentKind::Workflow,
            "Workflows",
            c.workflows.iter().map(|w| (w.id.clone(), w.display_name().to_string())).collect(),
        ),
    ];

    view! {
        <section class="overview">
            <div class="page-head">
                <h1>"Overview"</h1>
                <button type="button" on:click=move |_| state.refresh()>"Refresh"</button>
            </div>
            <div class="card hero">
                <h2 class="hero-title">{info.display_name().to_string()}</h2>
                {description.map(|d| view! { <p class="muted">{d}</p> })}
                <dl class="fields">
                    <Field label="OS id" value=info.os_id.clone().or(cfg.os_id.clone()).unwrap_or_else(|| "—".into())/>
                    <Field label="agno version" value=info.agno_version.clone().unwrap_or_else(|| "unknown".into())/>
                    <Field label="OS version" value=info.os_version.clone().unwrap_or_else(|| "—".into())/>
                    <Field label="Authentication" value=auth/>
                    <Field label="User isolation" value=if info.user_isolation.unwrap_or(false) { "On" } else { "Off" }/>
                </dl>
            </div>

            <div class="grid">
                {components
                    .into_iter()
                    .map(|(kind, title, items)| {
                        let count = items.len();
                        view! {
                            <section class="card" aria-labelledby=format!("ov-{}", kind.collection())>
                                <h2 id=format!("ov-{}", kind.collection())>
                                    {title} " " <span class="count">{count}</span>
                                </h2>
                                {if items.is_empty() {
                                    view! { <Empty title=format!("No {} on this server", title.to_ascii_lowercase())/> }.into_any()
                                } else {
                                    view! {
                                        <ul class="plain" aria-label=title>
                                            {items
                                                .into_iter()
                                                .map(|(id, name)| {
                                                    let href = Route::Detail(kind, id).href();
                                                    view! { <li><a href=href>{name}</a></li> }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                        }
                    })
                    .collect_view()}

                <section class="card" aria-labelledby="ov-models">
                    <h2 id="ov-models">"Models" " " <span class="count">{models.len()}</span></h2>
                    {if models.is_empty() {
                        view! { <Empty title="No models reported"/> }.into_any()
                    } else {
                        view! {
                            <ul class="plain" aria-label="Models">
                                {models.into_iter().map(|m| view! {
                                    <li>
                                        <span class="mono">{m.id.unwrap_or_else(|| "unknown".into())}</span>
                                        " "
                                        {m.provider.map(|p| view! { <Badge text=p/> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>

                <section class="card" aria-labelledby="ov-dbs">
                    <h2 id="ov-dbs">"Databases" " " <span class="count">{databases.len()}</span></h2>
                    {if databases.is_empty() {
                        view! { <Empty title="No databases configured" detail="Sessions, memories and metrics need a database."/> }.into_any()
                    } else {
                        view! {
                            <ul class="plain" aria-label="Databases">
                                {databases.into_iter().map(|(id, domains)| view! {
                                    <li>
                                        <span class="mono">{id}</span>
                                        <span class="badges">
                                            {domains.into_iter().map(|d| view! { <Badge text=d/> }).collect_view()}
                                        </span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>

                <section class="card" aria-labelledby="ov-knowledge">
                    <h2 id="ov-knowledge">"Knowledge bases" " " <span class="count">{knowledge.len()}</span></h2>
                    {if knowledge.is_empty() {
                        view! { <Empty title="No knowledge bases"/> }.into_any()
                    } else {
                        view! {
                            <ul class="plain" aria-label="Knowledge bases">
                                {knowledge.into_iter().map(|k| view! {
                                    <li>
                                        <a href=Route::Knowledge { kb: Some(k.id.clone()), db: None }.href()>
                                            <strong>{k.name.clone().unwrap_or_else(|| k.id.clone())}</strong>
                                        </a>
                                        {k.description.map(|d| view! { <span class="muted">" — " {d}</span> })}
                                        {k.db_id.map(|d| view! { " " <Badge text=d/> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>

                <section class="card" aria-labelledby="ov-interfaces">
                    <h2 id="ov-interfaces">"Interfaces" " " <span class="count">{interfaces.len()}</span></h2>
                    {if interfaces.is_empty() {
                        view! { <Empty title="No interfaces" detail="Slack, WhatsApp, AG-UI and other interfaces appear here when configured."/> }.into_any()
                    } else {
                        view! {
                            <ul class="plain" aria-label="Interfaces">
                                {interfaces.into_iter().map(|i| {
                                    let label = ["type", "name", "id"]
                                        .iter()
                                        .find_map(|k| i.get(*k).and_then(|v| v.as_str()).map(str::to_string))
                                        .unwrap_or_else(|| i.to_string());
                                    let route = i.get("route").and_then(|v| v.as_str()).map(str::to_string);
                                    view! { <li>{label} {route.map(|r| view! { " " <span class="mono muted">{r}</span> })}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </div>
        </section>
    }
}
