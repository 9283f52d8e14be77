//! Evals: the eval runs stored on the server (accuracy, agent as judge,
//! performance, reliability), filtered by component, model and type; one
//! run's result; running a new one; rename; delete several at once.

use crate::components::load::{use_action, use_get};
use crate::components::{plural, Badge, Empty, ErrorNotice, Field, Loading, Notice, PageHead, Pager, ConfirmDelete};
use crate::pages::ops::{component_name, components, feature_error};
use crate::route::{navigate, Route};
use crate::state::use_app;
use agentos_client::evals::{
    delete_body, eval_run_path, eval_runs_path, parse_eval_runs, rename_body, seconds, short, type_label,
    EvalFilter, EvalRequest, EvalRun, EVAL_TYPES,
};
use agentos_client::json::FromJson;
use agentos_client::time::human_time;
use agentos_client::ComponentKind;
use gloo_net::http::Method;
use leptos::prelude::*;

const ENABLE: &str = "An AgentOS with a database for evals serves /eval-runs.";

/// `#/evals`: the list, its filters, and the form to run an eval.
#[component]
pub fn EvalsPage() -> impl IntoView {
    crate::components::db_picker::provide_db(agentos_client::db::DbDomain::Evals);
    let filter = RwSignal::new(EvalFilter::default());
    let list = use_get(move || Some(filter.with(eval_runs_path)), parse_eval_runs);
    let selected = RwSignal::new(Vec::<String>::new());
    let delete = use_action().then(move || {
        selected.set(Vec::new());
        list.reload();
    });
    let delete_selected = move || {
        let ids = selected.get_untracked();
        if !ids.is_empty() {
            delete.send(Method::DELETE, "/eval-runs".into(), Some(delete_body(&ids)), || ());
        }
    };
    let set_page = move |p: u64| filter.update(|f| f.page = p.max(1));
    let running = RwSignal::new(false);

    view! {
        <section class="evals">
            <PageHead title="Evals" toggle=("Run an eval", running) on_refresh=Callback::new(move |()| list.reload())/>
            {move || running.get().then(|| view! { <RunEval on_done=Callback::new(move |id: String| {
                running.set(false);
                list.reload();
                navigate(&Route::Eval(id));
            })/> })}
            <Filters filter=filter/>
            {delete.notice()}
            {move || {
                let n = selected.with(Vec::len);
                (n > 0).then(|| view! {
                    <div class="bulk-actions" role="group" aria-label="Selected evals">
                        <span>{plural(n as u64, "eval selected", "evals selected")}</span>
                        <ConfirmDelete
                            label="Delete selected"
                            confirm_label=format!("Confirm delete of {}", plural(n as u64, "eval", "evals"))
                            busy=Signal::derive(move || delete.pending())
                            on_confirm=Callback::new(move |()| delete_selected())
                        />
                    </div>
                })
            }}
            {move || list.with(|r| match r {
                None => view! { <Loading label="Loading evals…"/> }.into_any(),
                Some(Err(e)) => feature_error(e.clone(), "Evals are", ENABLE),
                Some(Ok((rows, meta))) => {
                    if rows.is_empty() {
                        let filtered = filter.with_untracked(EvalFilter::is_filtered);
                        return if filtered {
                            view! { <Empty title="No evals match" detail="Try another component, model or type."/> }.into_any()
                        } else {
                            view! { <Empty title="No evals yet" detail="Run one with “Run an eval”."/> }.into_any()
                        };
                    }
                    let meta = *meta;
                    view! {
                        <div class="table-scroll"><table class="evals-table" aria-label="Eval runs">
                            <thead>
                                <tr>
                                    <th scope="col"><span class="visually-hidden">"Select"</span></th>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Type"</th>
                                    <th scope="col">"Component"</th>
                                    <th scope="col">"Model"</th>
                                    <th scope="col">"Result"</th>
                                    <th scope="col">"Run"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.iter().cloned().map(|e| eval_row(e, selected)).collect_view()}
                            </tbody>
                        </table></div>
                        <Pager meta=meta count=plural(meta.total_count, "eval", "evals") on_page=Callback::new(set_page)/>
                    }.into_any()
                }
            })}
        </section>
    }
}

fn eval_row(e: EvalRun, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let name = e.display_name();
    let id = e.id.clone();
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| selected.update(|s| match s.iter().position(|x| *x == id) {
            Some(i) => {
                s.remove(i);
            }
            None => s.push(id.clone()),
        })
    };
    let component = e.component().map(|(k, c)| component_name(k, c)).or_else(|| e.component_name.clone()).unwrap_or_else(|| "—".into());
    view! {
        <tr>
            <td><input type="checkbox" aria-label=format!("Select {name}") prop:checked=checked on:change=toggle/></td>
            <td><a href=Route::Eval(id.clone()).href()>{name.clone()}</a></td>
            <td><Badge text=type_label(&e.eval_type)/></td>
            <td>{component}</td>
            <td class="mono small">{e.model_id.clone().unwrap_or_else(|| "—".into())}</td>
            <td>{e.headline()}</td>
            <td class="small">{e.created_at.as_deref().map(human_time).unwrap_or_default()}</td>
        </tr>
    }
}

/// Component, model and type.
#[component]
fn Filters(filter: RwSignal<EvalFilter>) -> impl IntoView {
    let state = use_app();
    let models: Vec<String> = state.catalog.with_untracked(|c| {
        c.as_ref().map(|c| c.config.available_models.iter().filter_map(|m| m.id.clone()).collect()).unwrap_or_default()
    });
    let model = RwSignal::new(String::new());
    let apply_model = move || filter.update(|f| {
        f.model_id = model.get_untracked().trim().to_string();
        f.page = 1;
    });
    view! {
        <div class="filters" role="search" aria-label="Filter evals">
            <label>
                <span>"Component"</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| {
                        match v.split_once(':') {
                            Some((k, id)) => { f.component_kind = k.into(); f.component_id = id.into(); }
                            None => { f.component_kind.clear(); f.component_id.clear(); }
                        }
                        f.page = 1;
                    });
                }>
                    <option value="">"Any component"</option>
                    {agent_and_team_options()}
                </select>
            </label>
            <label>
                <span>"Model"</span>
                <input type="text" list="eval-models" placeholder="any model" bind:value=model
                    on:change=move |_| apply_model()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { apply_model() }/>
                <datalist id="eval-models">
                    {models.into_iter().map(|m| view! { <option value=m></option> }).collect_view()}
                </datalist>
            </label>
            <label>
                <span>"Type"</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| { f.eval_type = v; f.page = 1; });
                }>
                    <option value="">"Any type"</option>
                    {EVAL_TYPES.iter().map(|(w, l)| view! { <option value=*w>{*l}</option> }).collect_view()}
                </select>
            </label>
        </div>
    }
}

/// The model of an agent or team from the catalog, as (id, provider).
fn model_of(kind: &str, id: &str) -> Option<(String, String)> {
    use_app().catalog.with_untracked(|c| {
        let c = c.as_ref()?;
        let m = match kind {
            "team" => c.teams.iter().find(|t| t.id == id)?.model.clone()?,
            _ => c.agents.iter().find(|a| a.id == id)?.model.clone()?,
        };
        Some((m.model?, m.provider?))
    })
}

/// The form "Run an eval": the fields of the chosen type, checked before sending.
#[component]
fn RunEval(on_done: Callback<String>) -> impl IntoView {
    let form = RwSignal::new(EvalRequest { eval_type: "accuracy".into(), ..Default::default() });
    let check = RwSignal::new(None::<String>);
    let action = use_action();
    let field = |get: fn(&EvalRequest) -> String, set: fn(&mut EvalRequest, String)| {
        (move || form.with(get), move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); })
    };
    let kind_is = move |t: &'static str| move || form.with(|f| f.eval_type == t);
    let judged = move || form.with(|f| matches!(f.eval_type.as_str(), "accuracy" | "agent_as_judge"));
    // The judge defaults to the component's own model (agno's default judge is an OpenAI model).
    let pick_component = move |v: String| {
        let (k, id) = v.split_once(':').map(|(k, i)| (k.to_string(), i.to_string())).unwrap_or_default();
        let model = model_of(&k, &id);
        form.update(|f| {
            f.component_kind = k;
            f.component_id = id;
            if let Some((m, p)) = model {
                f.model_id = m;
                f.model_provider = p;
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.with_untracked(EvalRequest::body) {
            Err(e) => check.set(Some(e)),
            Ok(body) => {
                check.set(None);
                action.send_read(Method::POST, "/eval-runs".into(), Some(body), EvalRun::from_json, move |run| {
                    on_done.run(run.id)
                });
            }
        }
    };
    let (name_v, name_set) = field(|f| f.name.clone(), |f, v| f.name = v);
    let (input_v, input_set) = field(|f| f.input.clone(), |f, v| f.input = v);
    let (exp_v, exp_set) = field(|f| f.expected_output.clone(), |f, v| f.expected_output = v);
    let (crit_v, crit_set) = field(|f| f.criteria.clone(), |f, v| f.criteria = v);
    let (thr_v, thr_set) = field(|f| f.threshold.clone(), |f, v| f.threshold = v);
    let (it_v, it_set) = field(|f| f.iterations.clone(), |f, v| f.iterations = v);
    let (wu_v, wu_set) = field(|f| f.warmup_runs.clone(), |f, v| f.warmup_runs = v);
    let (tc_v, tc_set) = field(|f| f.expected_tool_calls.clone(), |f, v| f.expected_tool_calls = v);
    let (mid_v, mid_set) = field(|f| f.model_id.clone(), |f, v| f.model_id = v);
    let (mp_v, mp_set) = field(|f| f.model_provider.clone(), |f, v| f.model_provider = v);
    view! {
        <section class="card" aria-labelledby="eval-run">
            <h2 id="eval-run">"Run an eval"</h2>
            <form class="eval-form" aria-label="Run an eval" novalidate on:submit=submit>
                <label>
                    <span>"Eval type"</span>
                    <select on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.eval_type = v); }>
                        {EVAL_TYPES.iter().map(|(w, l)| view! { <option value=*w selected=move || form.with(|f| f.eval_type == *w)>{*l}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>"Agent or team"</span>
                    <select on:change=move |ev| pick_component(event_target_value(&ev))>
                        <option value="">"Choose…"</option>
                        {agent_and_team_options()}
                    </select>
                </label>
                <label><span>"Name (optional)"</span><input type="text" prop:value=name_v on:input=name_set/></label>
                <label><span>"Input"</span><textarea rows="2" prop:value=input_v on:input=input_set></textarea></label>
                {move || kind_is("accuracy")().then(|| view! {
                    <label><span>"Expected output"</span><textarea rows="2" prop:value=exp_v on:input=exp_set></textarea></label>
                })}
                {move || kind_is("agent_as_judge")().then(|| view! {
                    <label><span>"Criteria"</span><textarea rows="2" prop:value=crit_v on:input=crit_set></textarea></label>
                    <label>
                        <span>"Scoring"</span>
                        <select on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.scoring_strategy = v); }>
                            <option value="binary">"Pass or fail"</option>
                            <option value="numeric">"Score 1–10 with a threshold"</option>
                        </select>
                    </label>
                    <label><span>"Threshold (1–10)"</span><input type="text" inputmode="numeric" placeholder="7" prop:value=thr_v on:input=thr_set/></label>
                })}
                {move || kind_is("performance")().then(|| view! {
                    <label><span>"Warm-up runs (0–10)"</span><input type="text" inputmode="numeric" placeholder="0" prop:value=wu_v on:input=wu_set/></label>
                })}
                {move || kind_is("reliability")().then(|| view! {
                    <label><span>"Expected tool calls"</span><input type="text" placeholder="comma-separated, e.g. add, multiply" prop:value=tc_v on:input=tc_set/></label>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || form.with(|f| f.allow_additional_tool_calls)
                            on:change=move |ev| { let c = event_target_checked(&ev); form.update(|f| f.allow_additional_tool_calls = c); }/>
                        <span>"Allow other tool calls too"</span>
                    </label>
                })}
                <label><span>"Iterations (1–100)"</span><input type="text" inputmode="numeric" placeholder="1" prop:value=it_v on:input=it_set/></label>
                {move || judged().then(|| view! {
                    <fieldset>
                        <legend>"Judge model"</legend>
                        <p class="muted small">"Filled with the component's own model. Left empty, agno judges with its default OpenAI model."</p>
                        <label><span>"Judge model id"</span><input type="text" prop:value=mid_v on:input=mid_set/></label>
                        <label><span>"Judge model provider"</span><input type="text" prop:value=mp_v on:input=mp_set/></label>
                    </fieldset>
                })}
                {move || check.get().map(|m| view! { <Notice title=m/> })}
                {action.notice()}
                <button type="submit" class="primary" disabled=move || action.pending()>
                    {move || if action.pending() { "Running the eval…" } else { "Run eval" }}
                </button>
            </form>
        </section>
    }
}

/// `#/evals/{id}`: one eval run's result, rename and delete.
#[component]
pub fn EvalPage(id: String) -> impl IntoView {
    crate::components::db_picker::provide_db(agentos_client::db::DbDomain::Evals);
    let path = eval_run_path(&id);
    let run = use_get(move || Some(path.clone()), EvalRun::from_json);
    view! {
        <section class="eval">
            <p><a href=Route::Evals.href()>"← All evals"</a></p>
            {move || run.with(|r| match r {
                None => view! { <Loading label="Loading the eval…"/> }.into_any(),
                Some(Err(e)) => view! { <h1>"Eval"</h1> <ErrorNotice error=e.clone()/> }.into_any(),
                Some(Ok(e)) => eval_view(e.clone(), Callback::new(move |()| run.reload())).into_any(),
            })}
        </section>
    }
}

fn eval_view(e: EvalRun, reload: Callback<()>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(e.name.clone().unwrap_or_default());
    let rename = use_action().then(move || {
        editing.set(false);
        reload.run(());
    });
    let delete = use_action();
    let id = e.id.clone();
    let id2 = e.id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(body) = rename_body(&draft.get_untracked()) {
            rename.send(Method::PATCH, eval_run_path(&id), Some(body), || ());
        }
    };
    let component = e.component().map(|(k, c)| component_name(k, c)).or_else(|| e.component_name.clone());
    let facts: Vec<(&'static str, String)> = [
        Some(("Type", type_label(&e.eval_type))),
        component.map(|c| ("Component", c)),
        e.model_id.clone().map(|m| ("Model", format!("{m}{}", e.model_provider.as_deref().map(|p| format!(" ({p})")).unwrap_or_default()))),
        Some(("Result", e.headline())),
        e.avg_score.map(|s| ("Average score", format!("{}/10", short(s)))),
        e.min_score.zip(e.max_score).map(|(a, b)| ("Scores", format!("{} to {}", short(a), short(b)))),
        e.pass_rate.map(|p| ("Pass rate", format!("{}%", short(p)))),
        (!e.cases.is_empty()).then(|| ("Iterations", e.cases.len().to_string())),
        e.created_at.as_deref().map(|t| ("Run", human_time(t))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let t = e.tool_calls.clone();
    let reliability = e.eval_type == "reliability";
    view! {
        <div class="page-head">
            <h1>{e.display_name()}</h1>
            <button type="button" on:click=move |_| editing.set(true)>"Rename"</button>
            <ConfirmDelete on_confirm=Callback::new(move |()| {
                delete.send(Method::DELETE, "/eval-runs".into(), Some(delete_body(std::slice::from_ref(&id2))), || navigate(&Route::Evals));
            })/>
        </div>
        {move || editing.get().then(|| view! {
            <form class="inline-form" aria-label="Rename eval" on:submit=save.clone()>
                <label><span>"Name"</span><input type="text" maxlength="255" bind:value=draft/></label>
                <button type="submit" class="primary" disabled=move || rename.pending() || draft.with(|d| d.trim().is_empty())>"Save"</button>
                <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
            </form>
        })}
        {rename.notice()}
        {delete.notice()}
        <dl class="fields">
            {facts.into_iter().map(|(k, v)| view! { <Field label=k value=v/> }).collect_view()}
        </dl>
        {(!e.cases.is_empty()).then(|| view! {
            <h2>"Cases"</h2>
            <ol class="cards eval-cases" aria-label="Cases">
                {e.cases.iter().enumerate().map(|(i, c)| {
                    let verdict = match (c.passed, c.score) {
                        (Some(true), _) => "Passed".to_string(),
                        (Some(false), _) => "Failed".to_string(),
                        (None, Some(s)) => format!("Score {}/10", short(s)),
                        _ => "No verdict".to_string(),
                    };
                    let score = c.passed.and(c.score).map(|s| format!(" · score {}/10", short(s))).unwrap_or_default();
                    view! {
                        <li class="card" aria-label=format!("Case {}", i + 1)>
                            <p><strong>{format!("{verdict}{score}")}</strong></p>
                            <dl class="fields">
                                {c.input.clone().map(|v| view! { <Field label="Input" value=v/> })}
                                {c.expected_output.clone().map(|v| view! { <Field label="Expected output" value=v/> })}
                                {c.criteria.clone().map(|v| view! { <Field label="Criteria" value=v/> })}
                                {c.output.clone().map(|v| view! { <Field label="Output" value=v/> })}
                                {c.reason.clone().map(|v| view! { <Field label="Reason" value=v/> })}
                            </dl>
                        </li>
                    }
                }).collect_view()}
            </ol>
        })}
        {reliability.then(|| view! {
            <h2>"Tool calls"</h2>
            <dl class="fields" aria-label="Tool calls">
                {tool_field("Expected", &t.expected)}
                {tool_field("Made as expected", &t.passed)}
                {tool_field("Made, not expected", &t.failed)}
                {tool_field("Missing", &t.missing)}
                {tool_field("Also made (allowed)", &t.additional)}
            </dl>
        })}
        {e.performance.clone().map(|p| view! {
            <h2>"Timings"</h2>
            <dl class="fields">
                {p.avg_run_time.map(|t| view! { <Field label="Average" value=format!("{} s", seconds(t))/> })}
                {p.min_run_time.map(|t| view! { <Field label="Fastest" value=format!("{} s", seconds(t))/> })}
                {p.max_run_time.map(|t| view! { <Field label="Slowest" value=format!("{} s", seconds(t))/> })}
                {p.p95_run_time.map(|t| view! { <Field label="95th percentile" value=format!("{} s", seconds(t))/> })}
                {p.avg_memory.map(|m| view! { <Field label="Average memory" value=format!("{} MiB", seconds(m))/> })}
            </dl>
            <ol class="small" aria-label="Measured runs">
                {p.runs.iter().map(|(t, m)| view! {
                    <li>{format!("{} s{}", seconds(*t), m.map(|m| format!(", {} MiB", seconds(m))).unwrap_or_default())}</li>
                }).collect_view()}
            </ol>
        })}
    }
}

fn tool_field(label: &'static str, names: &[String]) -> impl IntoView {
    let value = if names.is_empty() { "none".to_string() } else { names.join(", ") };
    view! { <Field label=label value=value/> }
}

/// One `<option>` per agent and team (evals do not take workflows), valued
/// `kind:id`: the filter and the run form pick from the same list.
fn agent_and_team_options() -> impl IntoView {
    components()
        .into_iter()
        .filter(|e| e.kind != ComponentKind::Workflow)
        .map(|e| {
            let value = format!("{}:{}", e.kind.as_str(), e.id);
            view! { <option value=value>{format!("{} ({})", e.name, e.kind.as_str())}</option> }
        })
        .collect_view()
}
