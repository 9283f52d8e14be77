//! Agents, teams and workflows: filterable lists and a detail page for each.

use crate::components::{plural, Badge, Empty, ErrorNotice, Field, Loading, Tone};
use crate::route::Route;
use crate::state::use_app;
use crate::components::load::{use_get, Reader};
use agentos_client::json::FromJson;
use agentos_client::{
    AgentDetail, ApiError, ComponentKind, KnowledgeSection, MemorySection, ModelInfo,
    ReasoningSection, SystemMessageSection, TeamDetail, ToolInfo, WorkflowDetail, WorkflowStep,
};
use leptos::prelude::*;

/// One row of a list page, whatever the kind.
#[derive(Clone, PartialEq)]
struct Row {
    id: String,
    name: String,
    description: Option<String>,
    facts: Vec<String>,
}

impl Row {
    fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || [Some(&self.name), Some(&self.id), self.description.as_ref()]
                .into_iter()
                .flatten()
                .any(|s| s.to_lowercase().contains(needle))
    }
}

fn agent_row(a: &AgentDetail) -> Row {
    let mut facts = Vec::new();
    if let Some(m) = &a.model {
        facts.push(m.label());
    }
    facts.push(plural(a.tool_list().len() as u64, "tool", "tools"));
    if a.memory.is_some() {
        facts.push("memory".into());
    }
    if a.knowledge.is_some() {
        facts.push("knowledge".into());
    }
    if a.reasoning.as_ref().and_then(|r| r.reasoning).unwrap_or(false) {
        facts.push("reasoning".into());
    }
    Row { id: a.id.clone(), name: a.display_name().into(), description: a.description.clone(), facts }
}

fn team_row(t: &TeamDetail) -> Row {
    let mut facts = Vec::new();
    if let Some(mode) = &t.mode {
        facts.push(format!("mode: {mode}"));
    }
    facts.push(plural(t.members.len() as u64, "member", "members"));
    if let Some(m) = &t.model {
        facts.push(m.label());
    }
    Row { id: t.id.clone(), name: t.display_name().into(), description: t.description.clone(), facts }
}

fn workflow_row(w: &WorkflowDetail) -> Row {
    let mut facts = Vec::new();
    if !w.steps.is_empty() {
        facts.push(plural(w.steps.len() as u64, "step", "steps"));
    }
    Row { id: w.id.clone(), name: w.display_name().into(), description: w.description.clone(), facts }
}

/// `#/agents`, `#/teams`, `#/workflows`.
#[component]
pub fn ListPage(kind: ComponentKind) -> impl IntoView {
    let state = use_app();
    let filter = RwSignal::new(String::new());
    let (title, singular) = match kind {
        ComponentKind::Agent => ("Agents", "agent"),
        ComponentKind::Team => ("Teams", "team"),
        ComponentKind::Workflow => ("Workflows", "workflow"),
    };
    let lower = title.to_ascii_lowercase();
    let rows = Memo::new(move |_| {
        state.catalog.with(|c| match c {
            None => Vec::new(),
            Some(c) => match kind {
                ComponentKind::Agent => c.agents.iter().map(agent_row).collect(),
                ComponentKind::Team => c.teams.iter().map(team_row).collect(),
                ComponentKind::Workflow => c.workflows.iter().map(workflow_row).collect::<Vec<_>>(),
            },
        })
    });
    let visible = Memo::new(move |_| {
        let needle = filter.get().trim().to_lowercase();
        rows.with(|rows| rows.iter().filter(|r| r.matches(&needle)).cloned().collect::<Vec<_>>())
    });
    let filter_id = format!("filter-{lower}");
    let lower2 = lower.clone();

    view! {
        <section>
            <div class="page-head">
                <h1>{title}</h1>
                <span class="count" aria-label=move || format!("{} {}", rows.with(Vec::len), lower2)>
                    {move || rows.with(Vec::len)}
                </span>
            </div>
            <div class="toolbar">
                <label for=filter_id.clone() class="visually-hidden">{format!("Filter {lower}")}</label>
                <input
                    id=filter_id
                    type="search"
                    placeholder=format!("Filter {lower} by name, id or description")
                    bind:value=filter
                />
            </div>
            {move || {
                if rows.with(Vec::is_empty) {
                    return view! {
                        <Empty
                            title=format!("This server has no {}", title.to_ascii_lowercase())
                            detail=format!("Add a {singular} to the AgentOS and press Refresh on the overview.")
                        />
                    }
                    .into_any();
                }
                if visible.with(Vec::is_empty) {
                    return view! {
                        <Empty title=format!("No {} match “{}”", title.to_ascii_lowercase(), filter.get().trim())/>
                    }
                    .into_any();
                }
                view! {
                    <ul class="cards" aria-label=title>
                        <For each=move || visible.get() key=|r| r.id.clone() let:row>
                            <li class="card row">
                                <h2 class="row-title">
                                    <a href=Route::Detail(kind, row.id.clone()).href()>{row.name.clone()}</a>
                                </h2>
                                <span class="mono muted small">{row.id.clone()}</span>
                                {row.description.clone().map(|d| view! { <p class="muted">{d}</p> })}
                                <div class="badges">
                                    {row.facts.iter().map(|f| view! { <Badge text=f.clone()/> }).collect_view()}
                                </div>
                            </li>
                        </For>
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

/// One agent, team or workflow (`GET /{kind}s/{id}`, again when the
/// connection changes): loading, error (with a clear 404) or the page.
fn detail_view<T, V>(
    kind: ComponentKind,
    id: String,
    read: impl Reader<T>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let what = kind.as_str();
    let path = format!("/{}/{}", kind.collection(), agentos_client::path::encode(&id));
    let res = use_get(move || Some(path.clone()), read);
    move || match res.with(Clone::clone) {
        None => view! { <Loading label=format!("Loading {what}…")/> }.into_any(),
        Some(Ok(v)) => render(v).into_any(),
        Some(Err(ApiError::NotFound { .. })) => view! {
            <section>
                <h1>{format!("Unknown {what}")}</h1>
                <ErrorNotice error=ApiError::NotFound {
                    detail: Some(format!("this server has no {what} with id “{id}”")),
                }/>
            </section>
        }
        .into_any(),
        Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
    }
}

#[component]
pub fn AgentPage(id: String) -> impl IntoView {
    detail_view(ComponentKind::Agent, id, AgentDetail::from_json, agent_detail)
}

/// A component page's head: its kind, name and id, "Chat with …", and its
/// description.
fn detail_head(kind: ComponentKind, id: &str, name: &str, description: Option<String>) -> impl IntoView {
    view! {
        <header class="page-head">
            <div>
                <p class="eyebrow">{kind.label()}</p>
                <h1>{name.to_string()}</h1>
                <span class="mono muted small">{id.to_string()}</span>
            </div>
            {crate::demo::chat_with(kind, id, name)}
        </header>
        {description.map(|d| view! { <p class="lead">{d}</p> })}
    }
}

fn agent_detail(a: AgentDetail) -> impl IntoView {
    view! {
        <article class="detail">
            {detail_head(ComponentKind::Agent, &a.id, a.display_name(), a.description.clone())}
            {a.role.clone().map(|r| view! { <p class="muted">"Role: " {r}</p> })}
            <div class="detail-grid">
                {model_section(a.model.clone(), a.db_id.clone(), a.sessions.as_ref().and_then(|s| s.add_history_to_context))}
                {memory_section(a.memory.clone())}
                {knowledge_section(a.knowledge.clone())}
                {reasoning_section(a.reasoning.clone())}
            </div>
            {tools_section(a.tool_list().to_vec())}
            {instructions_section(a.system_message.clone())}
        </article>
    }
}

fn model_section(model: Option<ModelInfo>, db: Option<String>, history: Option<bool>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="sec-model">
            <h2 id="sec-model">"Model"</h2>
            <dl class="fields">
                {match model {
                    Some(m) => view! {
                        <Field label="Model" value=m.model.clone().unwrap_or_else(|| "unknown".into())/>
                        <Field label="Provider" value=m.provider.clone().unwrap_or_else(|| "unknown".into())/>
                        {m.name.clone().map(|n| view! { <Field label="Class" value=n/> })}
                    }.into_any(),
                    None => view! { <Field label="Model" value="not reported"/> }.into_any(),
                }}
                {db.map(|d| view! { <Field label="Database" value=d/> })}
                {history.map(|h| view! { <Field label="Chat history in context" value=if h { "Yes" } else { "No" }/> })}
            </dl>
        </section>
    }
}

fn memory_section(memory: Option<MemorySection>) -> Option<impl IntoView> {
    let m = memory?;
    let mode = if m.enable_agentic_memory.unwrap_or(false) {
        "Agentic (the agent decides what to remember)"
    } else if m.update_memory_on_run.unwrap_or(false) {
        "Updated after every run"
    } else {
        "Read only"
    };
    Some(view! {
        <section class="card" aria-labelledby="sec-memory">
            <h2 id="sec-memory">"Memory"</h2>
            <dl class="fields">
                <Field label="Mode" value=mode/>
                {m.model.map(|mm| view! { <Field label="Memory model" value=mm.label()/> })}
                {m.memory_table.map(|t| view! { <Field label="Table" value=t/> })}
            </dl>
        </section>
    })
}

fn knowledge_section(k: Option<KnowledgeSection>) -> Option<impl IntoView> {
    let k = k?;
    Some(view! {
        <section class="card" aria-labelledby="sec-knowledge">
            <h2 id="sec-knowledge">"Knowledge"</h2>
            <dl class="fields">
                <Field label="Database" value=k.db_id.unwrap_or_else(|| "—".into())/>
                {k.knowledge_table.map(|t| view! { <Field label="Table" value=t/> })}
            </dl>
        </section>
    })
}

fn reasoning_section(r: Option<ReasoningSection>) -> Option<impl IntoView> {
    let r = r.filter(|r| r.reasoning.unwrap_or(false) || r.reasoning_model.is_some())?;
    Some(view! {
        <section class="card" aria-labelledby="sec-reasoning">
            <h2 id="sec-reasoning">"Reasoning"</h2>
            <dl class="fields">
                <Field label="Reasoning" value=if r.reasoning.unwrap_or(false) { "On" } else { "Off" }/>
                {r.reasoning_model.map(|m| view! { <Field label="Reasoning model" value=m.label()/> })}
                {r.reasoning_max_steps.map(|n| view! { <Field label="Max steps" value=n.to_string()/> })}
            </dl>
        </section>
    })
}

fn tools_section(tools: Vec<ToolInfo>) -> impl IntoView {
    let count = tools.len();
    view! {
        <section class="card" aria-labelledby="sec-tools">
            <h2 id="sec-tools">"Tools" " " <span class="count">{count}</span></h2>
            {if tools.is_empty() {
                view! { <Empty title="No tools"/> }.into_any()
            } else {
                view! {
                    <ul class="tools" aria-label="Tools">
                        {tools.into_iter().map(tool_item).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn tool_item(t: ToolInfo) -> impl IntoView {
    let params = t.params();
    let confirm = t.needs_confirmation();
    let external = t.external_execution.unwrap_or(false);
    view! {
        <li class="tool">
            <h3 class="mono">{t.name.clone()}</h3>
            <div class="badges">
                {confirm.then(|| view! { <Badge text="Needs confirmation" tone=Tone::Warn/> })}
                {external.then(|| view! { <Badge text="Runs outside the server"/> })}
            </div>
            {t.description.clone().map(|d| view! { <p class="muted">{d}</p> })}
            {if params.is_empty() {
                view! { <p class="small muted">"No declared parameters."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll"><table class="params">
                        <caption class="visually-hidden">{format!("Parameters of {}", t.name)}</caption>
                        <thead>
                            <tr><th scope="col">"Parameter"</th><th scope="col">"Type"</th><th scope="col">"Required"</th><th scope="col">"Description"</th></tr>
                        </thead>
                        <tbody>
                            {params.into_iter().map(|p| view! {
                                <tr>
                                    <td class="mono">{p.name}</td>
                                    <td class="mono">{p.kind}</td>
                                    <td>{if p.required { "Yes" } else { "No" }}</td>
                                    <td>{p.description.unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </li>
    }
}

fn instructions_section(sm: Option<SystemMessageSection>) -> Option<impl IntoView> {
    let sm = sm?;
    let lines = sm.instruction_lines();
    if lines.is_empty() && sm.expected_output.is_none() && sm.system_message.is_none() {
        return None;
    }
    Some(view! {
        <section class="card" aria-labelledby="sec-instructions">
            <h2 id="sec-instructions">"Instructions"</h2>
            {(!lines.is_empty()).then(|| view! {
                <ul class="instructions">
                    {lines.into_iter().map(|l| view! { <li class="prewrap">{l}</li> }).collect_view()}
                </ul>
            })}
            {sm.expected_output.map(|e| view! { <p><strong>"Expected output: "</strong> <span class="prewrap">{e}</span></p> })}
            {sm.system_message.map(|s| view! {
                <details>
                    <summary>"System message"</summary>
                    <pre class="code prewrap">{s}</pre>
                </details>
            })}
        </section>
    })
}

#[component]
pub fn TeamPage(id: String) -> impl IntoView {
    detail_view(ComponentKind::Team, id, TeamDetail::from_json, team_detail)
}

fn team_detail(t: TeamDetail) -> impl IntoView {
    let members = t.members.clone();
    view! {
        <article class="detail">
            {detail_head(ComponentKind::Team, &t.id, t.display_name(), t.description.clone())}
            <div class="detail-grid">
                <section class="card" aria-labelledby="sec-mode">
                    <h2 id="sec-mode">"Mode"</h2>
                    <p><Badge text=t.mode.clone().unwrap_or_else(|| "not reported".into()) tone=Tone::Accent/></p>
                    <p class="muted small">{mode_help(t.mode.as_deref())}</p>
                </section>
                {model_section(t.model.clone(), t.db_id.clone(), t.sessions.as_ref().and_then(|s| s.add_history_to_context))}
                {memory_section(t.memory.clone())}
                {knowledge_section(t.knowledge.clone())}
                {reasoning_section(t.reasoning.clone())}
            </div>
            <section class="card" aria-labelledby="sec-members">
                <h2 id="sec-members">"Members" " " <span class="count">{members.len()}</span></h2>
                {if members.is_empty() {
                    view! { <Empty title="No members"/> }.into_any()
                } else {
                    view! {
                        <ul class="plain" aria-label="Members">
                            {members.into_iter().map(|m| {
                                // A member with members of its own is a nested team.
                                let kind = if m.members.is_some() { ComponentKind::Team } else { ComponentKind::Agent };
                                let href = Route::Detail(kind, m.id.clone()).href();
                                let model = m.model.as_ref().map(ModelInfo::label);
                                view! {
                                    <li>
                                        <a href=href>{m.display_name().to_string()}</a>
                                        {m.role.clone().map(|r| view! { <span class="muted">" — " {r}</span> })}
                                        {model.map(|l| view! { " " <Badge text=l/> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            {tools_section(t.tool_list().to_vec())}
            {instructions_section(t.system_message.clone())}
        </article>
    }
}

fn mode_help(mode: Option<&str>) -> &'static str {
    match mode {
        Some("coordinate") => "The leader delegates tasks to members and combines their answers.",
        Some("route") => "The leader hands the request to the one member that fits best.",
        Some("collaborate") => "All members work on the same task; the leader synthesises.",
        Some("tasks") => "The leader plans a task list and assigns tasks to members.",
        _ => "",
    }
}

#[component]
pub fn WorkflowPage(id: String) -> impl IntoView {
    detail_view(ComponentKind::Workflow, id, WorkflowDetail::from_json, workflow_detail)
}

fn workflow_detail(w: WorkflowDetail) -> impl IntoView {
    let steps = w.steps.clone();
    view! {
        <article class="detail">
            {detail_head(ComponentKind::Workflow, &w.id, w.display_name(), w.description.clone())}
            <section class="card" aria-labelledby="sec-steps">
                <h2 id="sec-steps">"Steps" " " <span class="count">{steps.len()}</span></h2>
                {if steps.is_empty() {
                    view! { <Empty title="No steps reported" detail="This workflow does not describe its steps (it may be a custom function)."/> }.into_any()
                } else {
                    steps_list(steps, "Steps".into()).into_any()
                }}
            </section>
        </article>
    }
}

fn steps_list(steps: Vec<WorkflowStep>, label: String) -> impl IntoView {
    view! {
        <ol class="steps" aria-label=label>
            {steps.into_iter().enumerate().map(|(i, s)| step_item(i, s)).collect_view()}
        </ol>
    }
}

fn step_item(index: usize, s: WorkflowStep) -> AnyView {
    let name = s.name.clone().unwrap_or_else(|| format!("Step {}", index + 1));
    let executor = match (&s.agent, &s.team) {
        (Some(a), _) => Some((Route::Detail(ComponentKind::Agent, a.id.clone()).href(), format!("Agent: {}", a.display_name()))),
        (None, Some(t)) => Some((Route::Detail(ComponentKind::Team, t.id.clone()).href(), format!("Team: {}", t.display_name()))),
        _ => None,
    };
    let nested = s.steps.clone();
    let nested_label = format!("Steps of {name}");
    let nested_view = (!nested.is_empty()).then(|| steps_list(nested.clone(), nested_label));
    view! {
        <li class="step">
            <span class="step-name">{name}</span>
            {s.kind.clone().map(|k| view! { " " <Badge text=k/> })}
            {match executor {
                Some((href, label)) => view! { " " <a href=href class="small">{label}</a> }.into_any(),
                None if nested.is_empty() => view! { " " <span class="small muted">"Function step"</span> }.into_any(),
        None => ().into_any(),
            }}
            {s.description.clone().map(|d| view! { <p class="muted small">{d}</p> })}
            {nested_view}
        </li>
    }
    .into_any()
}
