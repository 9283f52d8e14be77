//! The chat controller: turns of a conversation with one agent, team or
//! workflow, and the runs behind them (start, stream, stop, continue after a
//! pause, resume after a cut, retry). UI-free apart from signals; the page in
//! `pages/chat.rs` renders it, and it imports no page.
//!
//! A turn starts in [`Chat::send`] (or `decide`, `resume`), which build their
//! forms with the client crate's `RunRequest`, `ContinueRequest` and
//! `ResumeRequest`; it streams over SSE (`stream_into`) or, for workflows,
//! the WebSocket (`open_socket`); and however it ends (stream over, cut,
//! request failed, decision not sent, socket closed, Stop) it ends in
//! [`Chat::end_turn`] with an `Outcome`, the one place that resets the
//! chat's state and sets the turn's `Phase`.

use crate::state::{load, save, AppState};
use agentos_client::events::{parse_event, RunEvent};
use agentos_client::reducer::{RunStatus, RunView};
use agentos_client::runs::{
    can_regenerate, cancel_path, continue_path, fork_session_path, recover, resume_path, run_path, runs_path, ContinueRequest,
    ForkedSession, Recovery, RegenerateRequest, ResumeRequest, RunRequest,
};
use agentos_client::sse::SseDecoder;
use agentos_client::web::{BodyReader, Client, Socket};
use agentos_client::ws::{decode_ws_text, ClientAction};
use agentos_client::{ApiError, ComponentKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{AbortController, FormData};

const USER_ID_KEY: &str = "agentos-dashboard.user_id";
/// When to look for what the server stored after a cut (each after the last).
const RECOVER_AFTER_MS: [i32; 5] = [300, 700, 1_500, 3_000, 6_000];
/// A run the server stopped when its stream broke (shown as it stored it).
const STOPPED_AT_CUT: &str =
    "The connection broke while the answer was streaming, and the server stopped the run there. Above is what it stored.";

/// Where a turn stands, as far as the connection is concerned. What the
/// run itself did (completed, paused, error, cancelled) is in its `RunView`.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// The request is on its way; nothing has come back yet.
    Sending,
    /// Events are arriving.
    Streaming,
    /// The stream ended normally.
    Done,
    /// The request failed before any event arrived.
    Failed(ApiError),
    /// Sending a decision on a paused run failed: the run still waits, and
    /// the approval (with what was typed) stays to try again.
    DecisionFailed(ApiError),
    /// The stream broke before the run finished; what arrived is kept.
    Interrupted(String),
    /// A request to answer a finished run again (regenerate, instructions)
    /// was refused before a new run started: the answer shown before stays,
    /// with the server's reason.
    Refused(ApiError),
}

/// How a turn ended, as far as the connection is concerned: every path that
/// ends a turn goes through [`Chat::end_turn`] with one of these.
#[derive(Clone, Debug)]
enum Outcome {
    /// The stream ended normally (the SSE body, or the socket's run
    /// finished); the run says whether it got to its end.
    Closed,
    /// The stream broke before the run finished, for this reason.
    Broke(String),
    /// The request or the socket failed; before any event the message goes
    /// back to the composer.
    Failed(ApiError),
    /// A decision on a paused run could not be sent: the run still waits.
    NotDecided(ApiError),
    /// A regenerate was refused before a new run started.
    Refused(ApiError),
}

/// One message and the run that answers it.
#[derive(Clone)]
pub struct Turn {
    pub key: u64,
    pub message: String,
    pub attachments: Vec<String>,
    pub run: RwSignal<RunView>,
    pub phase: RwSignal<Phase>,
    /// Whether this run's frames carry `event_index` (so it can be resumed).
    pub resumable: RwSignal<bool>,
    /// Advanced fields sent with it (kept for a retry).
    extras: Vec<(&'static str, String)>,
    pub files: StoredValue<Vec<web_sys::File>, LocalStorage>,
    /// The answer shown before a regenerate, until the new run starts.
    before: StoredValue<Option<RunView>, LocalStorage>,
}

impl Turn {
    /// A turn with its signals created in `owner` (the chat page's), so
    /// they outlive the button that started it.
    fn new(owner: &Option<Owner>, key: u64, message: String, run: RunView, phase: Phase, files: Vec<web_sys::File>, extras: Vec<(&'static str, String)>) -> Turn {
        let make = move || Turn {
            key,
            message,
            attachments: files.iter().map(|f| f.name()).collect(),
            run: RwSignal::new(run),
            phase: RwSignal::new(phase),
            resumable: RwSignal::new(false),
            extras,
            files: StoredValue::new_local(files),
            before: StoredValue::new_local(None),
        };
        match owner {
            Some(o) => o.with(make),
            None => make(),
        }
    }
}

#[derive(Clone, Copy)]
pub struct Chat {
    pub kind: ComponentKind,
    pub id: StoredValue<String>,
    pub session_id: RwSignal<Option<String>>,
    pub user_id: RwSignal<String>,
    pub turns: RwSignal<Vec<Turn>>,
    pub draft: RwSignal<String>,
    /// The key of the turn whose run is in progress.
    pub active: RwSignal<Option<u64>>,
    /// Workflows only: run over the WebSocket instead of SSE.
    pub use_socket: RwSignal<bool>,
    /// Why the stored session could not be loaded, if it could not.
    pub history_error: RwSignal<Option<ApiError>>,
    next_key: StoredValue<u64>,
    /// The first message of a session this chat started, to store as its name.
    pending_name: StoredValue<Option<String>>,
    abort: StoredValue<Option<AbortController>, LocalStorage>,
    socket: StoredValue<Option<Socket>, LocalStorage>,
    /// The owner the chat was created in (the page's): turns started from
    /// a button that then goes away live here, not in the button's view.
    owner: StoredValue<Option<Owner>, LocalStorage>,
    state: AppState,
}

impl Chat {
    pub fn new(state: AppState, kind: ComponentKind, id: String) -> Self {
        Chat {
            kind,
            id: StoredValue::new(id),
            session_id: RwSignal::new(None),
            user_id: RwSignal::new(load(USER_ID_KEY).unwrap_or_default()),
            turns: RwSignal::new(Vec::new()),
            draft: RwSignal::new(String::new()),
            active: RwSignal::new(None),
            use_socket: RwSignal::new(false),
            history_error: RwSignal::new(None),
            next_key: StoredValue::new(0),
            pending_name: StoredValue::new(None),
            abort: StoredValue::new_local(None),
            socket: StoredValue::new_local(None),
            owner: StoredValue::new_local(Owner::current()),
            state,
        }
    }

    /// False once the chat page is gone: async work that resumes after that
    /// must not touch its (disposed) state.
    fn alive(&self) -> bool {
        !self.turns.is_disposed()
    }

    fn client(&self) -> Option<Client> {
        self.state.client.get_untracked()
    }

    /// `path` (about this chat's sessions) with the component's `db_id`
    /// when the server has several databases (agno needs one then).
    fn in_db(&self, path: String) -> String {
        self.db().on(&path)
    }

    /// The database of this component's sessions (see [`Self::in_db`]).
    pub fn db(&self) -> agentos_client::db::DbScope {
        self.state.catalog.with_untracked(|c| {
            c.as_ref().map(|c| self.id.with_value(|id| c.config.component_db(self.kind, id))).unwrap_or_default()
        })
    }

    /// Loads a stored session's runs as the turns so far, and continues in it.
    pub fn load_history(&self, session_id: String) {
        let Some(client) = self.client() else { return };
        let this = *self;
        this.session_id.set(Some(session_id.clone()));
        spawn_local(async move {
            // Continue as the session's user: a run under another user id
            // would not find the session.
            let detail = this.in_db(agentos_client::sessions::session_path(&session_id, Some(this.kind)));
            if let Ok(d) = client.get_json::<serde_json::Value>(&detail).await {
                let owner = <agentos_client::sessions::SessionDetail as agentos_client::FromJson>::from_json(&d).summary.user_id;
                if let Some(u) = owner.filter(|u| this.alive() && *u != this.user_id.get_untracked()) {
                    this.user_id.set(u);
                }
            }
            let path = this.in_db(agentos_client::sessions::session_runs_path(&session_id, Some(this.kind)));
            let runs: Result<serde_json::Value, ApiError> = client.get_json(&path).await;
            if !this.alive() {
                return;
            }
            let views = match runs {
                Ok(v) => agentos_client::reducer::runs_to_views(v.as_array().map(Vec::as_slice).unwrap_or(&[])),
                Err(e) => {
                    this.history_error.set(Some(e));
                    return;
                }
            };
            let mut turns = Vec::new();
            let owner = this.owner.get_value();
            for mut v in views {
                this.state.name_runs(&mut v);
                let key = this.next_key.get_value();
                this.next_key.set_value(key + 1);
                let message = v.input.clone().unwrap_or_default();
                turns.push(Turn::new(&owner, key, message, v, Phase::Done, Vec::new(), Vec::new()));
            }
            this.turns.update(|t| {
                let live = std::mem::take(t);
                *t = turns;
                t.extend(live);
            });
        });
    }

    /// Starts over: a new session on the next message.
    pub fn new_chat(&self) {
        self.stop();
        self.pending_name.set_value(None);
        self.turns.set(Vec::new());
        self.session_id.set(None);
        self.history_error.set(None);
    }

    pub fn set_user_id(&self, v: String) {
        save(USER_ID_KEY, v.trim());
        self.user_id.set(v);
    }

    /// Sends a message as a new turn.
    pub fn send(&self, message: String, files: Vec<web_sys::File>, extras: Vec<(&'static str, String)>) {
        if self.active.get_untracked().is_some() {
            return;
        }
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let turn = Turn::new(&self.owner.get_value(), key, message, RunView::default(), Phase::Sending, files, extras);
        if self.session_id.get_untracked().is_none() && self.turns.with_untracked(Vec::is_empty) {
            self.pending_name.set_value(Some(turn.message.clone()));
        }
        self.turns.update(|t| t.push(turn.clone()));
        self.draft.set(String::new());
        self.start(turn);
    }

    /// Sends a failed or interrupted turn's message again, as a new turn.
    pub fn retry(&self, turn: &Turn) {
        let files = turn.files.get_value();
        self.send(turn.message.clone(), files, turn.extras.clone());
    }

    fn start(&self, turn: Turn) {
        let this = *self;
        this.active.set(Some(turn.key));
        if this.kind == ComponentKind::Workflow && this.use_socket.get_untracked() {
            this.start_socket(turn);
            return;
        }
        spawn_local(async move {
            let Some(client) = this.client() else {
                this.end_turn(&turn, Outcome::Failed(ApiError::Aborted));
                return;
            };
            // A plain run: its first token comes as fast as the server
            // sends it (see `RunRequest`); a cut is recovered from storage.
            let req = RunRequest {
                message: turn.message.clone(),
                session_id: this.session_id.get_untracked(),
                user_id: Some(this.user_id.get_untracked()),
            };
            let form = form_data(req.form_fields().into_iter().chain(turn.extras.iter().cloned()));
            for f in turn.files.get_value() {
                let _ = form.append_with_blob_and_filename("files", &f, &f.name());
            }
            let path = runs_path(this.kind, &this.id.get_value());
            this.post_and_stream(&client, &path, form, turn).await;
        });
    }

    /// Posts a form and streams the answer into the turn's run.
    async fn post_and_stream(&self, client: &Client, path: &str, form: FormData, turn: Turn) {
        match self.post(client, path, form).await {
            None => {}
            Some(Err(e)) => self.end_turn(&turn, Outcome::Failed(e)),
            Some(Ok(resp)) => self.stream(resp, turn).await,
        }
    }

    /// POSTs a run form (abortable by Stop); `None` when the chat is gone.
    async fn post(&self, client: &Client, path: &str, form: FormData) -> Option<Result<gloo_net::http::Response, ApiError>> {
        let abort = AbortController::new().ok();
        self.abort.set_value(abort.clone());
        let result = client.post_form(path, &form, abort.as_ref()).await;
        self.alive().then_some(result)
    }

    async fn stream(&self, resp: gloo_net::http::Response, turn: Turn) {
        turn.phase.set(Phase::Streaming);
        let outcome = match stream_into(&resp, &turn, *self).await {
            Ok(()) => Outcome::Closed,
            Err(e) => Outcome::Broke(format!("The connection broke while the answer was streaming ({e}).")),
        };
        self.end_turn(&turn, outcome);
    }

    /// Ends the active turn, whichever way it ended: no request or socket
    /// is left open, the run shows everything that arrived, and the phase
    /// says how it ended. A request that failed before any
    /// event gives the message back to the composer (unless the person has
    /// typed another); a run that stopped running names its new session; a
    /// plain run cut mid-stream is looked up in storage ([`Chat::recover`]).
    fn end_turn(&self, turn: &Turn, outcome: Outcome) {
        if !self.alive() {
            return;
        }
        self.active.set(None);
        self.abort.set_value(None);
        self.socket.set_value(None);
        // A regenerate the server answered with an error before any run
        // (an unknown run: `RunError` without a run id) was refused too.
        let outcome = match outcome {
            Outcome::Closed if turn.before.with_value(Option::is_some) => {
                match turn.run.with_untracked(|r| r.error.clone().filter(|_| r.run_id.is_none())) {
                    Some(e) => Outcome::Refused(ApiError::Http { status: 200, detail: Some(e.message) }),
                    None => Outcome::Closed,
                }
            }
            other => other,
        };
        if let Outcome::Refused(_) = outcome {
            if let Some(before) = turn.before.try_update_value(Option::take).flatten() {
                turn.run.set(before);
            }
        } else {
            turn.before.set_value(None);
        }
        let (running, started) = turn.run.with_untracked(|r| (r.is_running(), r.run_id.is_some()));
        let phase = match outcome {
            Outcome::Closed if !running => Phase::Done,
            Outcome::Closed => Phase::Interrupted("The connection closed before the run finished.".to_string()),
            Outcome::Broke(msg) => Phase::Interrupted(msg),
            Outcome::Failed(e) if started => Phase::Interrupted(e.title()),
            Outcome::Failed(e) => {
                if self.draft.with_untracked(|d| d.trim().is_empty()) {
                    self.draft.set(turn.message.clone());
                }
                Phase::Failed(e)
            }
            Outcome::NotDecided(e) => Phase::DecisionFailed(e),
            Outcome::Refused(e) => Phase::Refused(e),
        };
        // The run is rendered once more with what arrived and how it ended;
        // a run nothing arrived for is left alone (a paused run's approval
        // keeps what the person typed).
        let cut = matches!(phase, Phase::Interrupted(_));
        match &phase {
            Phase::Interrupted(msg) => turn.run.update(|r| r.mark_interrupted(msg)),
            Phase::Done => turn.run.notify(),
            _ => {}
        }
        turn.phase.set(phase);
        if !running {
            self.name_new_session();
        }
        if cut && running && !turn.resumable.get_untracked() {
            self.recover(turn);
        }
    }

    /// AgentOS shows an unnamed session under its first message but only
    /// searches stored names; storing that name lets people find the
    /// sessions they start here by what they see.
    fn name_new_session(&self) {
        let (Some(first), Some(session), Some(client)) =
            (self.pending_name.get_value(), self.session_id.get_untracked(), self.client())
        else {
            return;
        };
        self.pending_name.set_value(None);
        let name: String = first.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(80).collect();
        let (path, body) = agentos_client::sessions::rename_request(&session, &name);
        spawn_local(async move {
            // Best effort: the session works the same without a stored name.
            let _: Result<serde_json::Value, ApiError> = client.send_json(gloo_net::http::Method::POST, &path, &body).await;
        });
    }

    /// A plain run whose stream broke is stopped by AgentOS, which stores
    /// what it had (a server may also finish it): show the run as stored,
    /// so what is on screen is what the server kept. Looks a few times, as
    /// the server stores it just after the cut; gives up quietly (the
    /// partial answer and Retry stay) when the server cannot be reached.
    fn recover(&self, turn: &Turn) {
        let (Some(client), Some(session)) = (self.client(), self.session_id.get_untracked()) else { return };
        if turn.run.with_untracked(|r| r.run_id.is_none()) {
            return;
        }
        let this = *self;
        let turn = turn.clone();
        spawn_local(async move {
            let path = this.in_db(agentos_client::sessions::session_runs_path(&session, Some(this.kind)));
            for delay in RECOVER_AFTER_MS {
                agentos_client::web::sleep(delay).await;
                let cut = |t: &Turn| matches!(t.phase.get_untracked(), Phase::Interrupted(_));
                if !this.alive() || !cut(&turn) {
                    return;
                }
                let Ok(runs) = client.get_json::<serde_json::Value>(&path).await else { continue };
                if !this.alive() || !cut(&turn) {
                    return;
                }
                match turn.run.with_untracked(|shown| recover(&runs, shown)) {
                    Recovery::Wait => continue,
                    Recovery::KeepShown => return,
                    Recovery::Stored(mut stored) => {
                        this.state.name_runs(&mut stored);
                        let settled = matches!(stored.status, RunStatus::Completed | RunStatus::Paused);
                        turn.run.set(stored);
                        turn.phase.set(if settled {
                            Phase::Done
                        } else {
                            Phase::Interrupted(STOPPED_AT_CUT.to_string())
                        });
                        this.name_new_session();
                        return;
                    }
                }
            }
        });
    }

    /// Stops the running answer: asks the server to cancel the run (the
    /// stream then ends with a cancellation); before the run has an id, or
    /// if the cancel request fails, the request itself is aborted.
    pub fn stop(&self) {
        let Some(key) = self.active.get_untracked() else { return };
        let turn = self.turns.with_untracked(|ts| ts.iter().find(|t| t.key == key).cloned());
        let run_id = turn.as_ref().and_then(|t| t.run.with_untracked(|r| r.run_id.clone()));
        let this = *self;
        match (run_id, self.client()) {
            (Some(run_id), Some(client)) => {
                // The run's own events (…Cancelled, then …Completed) end the
                // turn, over SSE and over the socket alike.
                let path = cancel_path(self.kind, &self.id.get_value(), &run_id, self.session_id.get_untracked().as_deref());
                spawn_local(async move {
                    let res: Result<serde_json::Value, ApiError> = client.send_empty(gloo_net::http::Method::POST, &path).await;
                    if res.is_err() && this.alive() {
                        this.cut_off(turn);
                    }
                });
            }
            _ => this.cut_off(turn),
        }
    }

    /// Ends a turn from this side: aborts its request (the stream then
    /// ends the turn), or closes its socket (which detaches the socket's
    /// handlers, so the turn is ended here).
    fn cut_off(&self, turn: Option<Turn>) {
        self.abort_request();
        if self.socket.try_update_value(|s| s.take()).flatten().is_some() {
            if let Some(t) = turn {
                self.end_turn(&t, Outcome::Failed(ApiError::Aborted));
            }
        }
    }

    fn abort_request(&self) {
        if let Some(a) = self.abort.get_value() {
            a.abort();
        }
    }

    /// Approves or rejects the tools a paused run waits on, then continues it.
    /// `results` are what the person gives tools executed outside agno
    /// (`(tool_call_id, result)`).
    pub fn decide(
        &self,
        turn: &Turn,
        decisions: Vec<(String, bool)>,
        answers: Vec<(String, String, String)>,
        results: Vec<(String, String)>,
    ) {
        let Some(client) = self.client() else { return };
        let (run_id, paused, requirements) =
            turn.run.with_untracked(|r| (r.run_id.clone(), r.paused_tools.clone(), r.paused_requirements.clone()));
        let Some(run_id) = run_id else { return };
        let this = *self;
        let turn = turn.clone();
        this.active.set(Some(turn.key));
        turn.phase.set(Phase::Sending);
        spawn_local(async move {
            // A workflow's stream may carry only what `StepPaused` says; the
            // stored run has the full step requirements (the step's input and
            // what to do on a rejection), which `/continue` should get back.
            let mut requirements = requirements;
            if this.kind == ComponentKind::Workflow && !requirements.is_empty() {
                let session = this.session_id.get_untracked();
                let path = run_path(this.kind, &this.id.get_value(), &run_id, session.as_deref());
                if let Ok(run) = client.get_json::<serde_json::Value>(&path).await {
                    if let Some(full) = run.get("step_requirements").and_then(|r| r.as_array()).filter(|r| !r.is_empty()) {
                        requirements.clone_from(full);
                    }
                }
            }
            let req = ContinueRequest {
                kind: this.kind,
                decisions: ContinueRequest::decisions(this.kind, &paused, &requirements, &decisions, &answers, &results),
                session_id: this.session_id.get_untracked(),
                user_id: Some(this.user_id.get_untracked()),
            };
            let path = continue_path(this.kind, &this.id.get_value(), &run_id);
            match this.post(&client, &path, form_data(req.form_fields())).await {
                None => {}
                // Nothing was decided on the server: the run still waits.
                Some(Err(e)) => this.end_turn(&turn, Outcome::NotDecided(e)),
                Some(Ok(resp)) => {
                    // The server streams nothing for a rejected call, so the card
                    // shows the decision from here; an approved call is updated by
                    // its events.
                    // A workflow's next pause (or its end) replaces the steps
                    // answered here.
                    turn.run.update(|r| {
                        r.mark_decisions(&decisions);
                        r.mark_results(&results);
                    });
                    turn.resumable.set(true);
                    this.stream(resp, turn).await;
                }
            }
        });
    }

    /// Whether the chat can answer this finished turn again: an agent or a
    /// team (agno 3.1.10 regenerates those), a completed run in a session,
    /// nothing else running.
    pub fn can_regenerate(&self, turn: &Turn) -> bool {
        can_regenerate(self.kind)
            && self.session_id.with(Option::is_some)
            && turn.run.with(|r| r.status == RunStatus::Completed && r.run_id.is_some())
    }

    /// Answers a finished turn again (`/continue` with `regenerate=true`,
    /// and `additional_instructions` when `instructions` is not blank): the
    /// new run streams into the turn in place of the old answer, which agno
    /// keeps in storage as REGENERATED and leaves out of the history. If the
    /// request is refused, the old answer stays with the server's reason.
    pub fn regenerate(&self, turn: &Turn, instructions: String) {
        if self.active.get_untracked().is_some() {
            return;
        }
        let (Some(client), Some(session)) = (self.client(), self.session_id.get_untracked()) else { return };
        let Some(run_id) = turn.run.with_untracked(|r| r.run_id.clone()) else { return };
        let this = *self;
        let turn = turn.clone();
        let req = RegenerateRequest { instructions, session_id: Some(session), user_id: Some(this.user_id.get_untracked()) };
        turn.before.set_value(Some(turn.run.get_untracked()));
        turn.run.set(RunView::default());
        turn.resumable.set(false);
        this.active.set(Some(turn.key));
        turn.phase.set(Phase::Sending);
        spawn_local(async move {
            let path = continue_path(this.kind, &this.id.get_value(), &run_id);
            match this.post(&client, &path, form_data(req.form_fields())).await {
                None => {}
                Some(Err(e)) => this.end_turn(&turn, Outcome::Refused(e)),
                Some(Ok(resp)) => this.stream(resp, turn).await,
            }
        });
    }

    /// Copies this chat's session (`POST …/sessions/{id}/fork`: agno 3.1.10
    /// copies every run) and gives the new session's id, or why not.
    pub async fn fork_session(&self) -> Result<String, ApiError> {
        let client = self.client().ok_or(ApiError::Aborted)?;
        let session = self.session_id.get_untracked().ok_or(ApiError::Aborted)?;
        let user = self.user_id.get_untracked();
        let path = fork_session_path(self.kind, &self.id.get_value(), &session, Some(&user)).ok_or(ApiError::Aborted)?;
        let answer: serde_json::Value = client.send_empty(gloo_net::http::Method::POST, &path).await?;
        <ForkedSession as agentos_client::FromJson>::from_json(&answer).session_id.ok_or_else(|| ApiError::Decode {
            what: "the forked session".into(),
            detail: "the answer names no session_id".into(),
        })
    }

    /// Re-attaches to an interrupted run from the last event seen.
    pub fn resume(&self, turn: &Turn) {
        let Some(client) = self.client() else { return };
        let (run_id, last) = turn.run.with_untracked(|r| (r.run_id.clone(), r.last_event_index));
        let Some(run_id) = run_id else { return };
        let this = *self;
        let turn = turn.clone();
        this.active.set(Some(turn.key));
        turn.phase.set(Phase::Sending);
        turn.run.update(|r| r.mark_resuming());
        if this.kind == ComponentKind::Workflow && this.use_socket.get_untracked() {
            this.reconnect_socket(turn, run_id, last);
            return;
        }
        spawn_local(async move {
            let req = ResumeRequest { last_event_index: last, session_id: this.session_id.get_untracked() };
            let path = resume_path(this.kind, &this.id.get_value(), &run_id);
            this.post_and_stream(&client, &path, form_data(req.form_fields()), turn).await;
        });
    }

    // ---- workflows over the WebSocket -------------------------------------

    fn start_socket(&self, turn: Turn) {
        let action = ClientAction::StartWorkflow {
            workflow_id: self.id.get_value(),
            message: turn.message.clone(),
            session_id: self.session_id.get_untracked(),
            user_id: Some(self.user_id.get_untracked()).filter(|u| !u.trim().is_empty()),
        };
        turn.resumable.set(true);
        self.open_socket(turn, action);
    }

    fn reconnect_socket(&self, turn: Turn, run_id: String, last: Option<u64>) {
        let action = ClientAction::Reconnect {
            run_id,
            workflow_id: Some(self.id.get_value()),
            session_id: self.session_id.get_untracked(),
            last_event_index: last,
        };
        self.open_socket(turn, action);
    }

    /// Opens `/workflows/ws`, authenticates inside the socket when the
    /// server asks, then sends `action` and applies every event to the turn.
    fn open_socket(&self, turn: Turn, action: ClientAction) {
        let Some(client) = self.client() else { return };
        let this = *self;
        // The key of the server this socket goes to, and no other.
        let key = client.socket_token();
        let sent = Rc::new(Cell::new(false));
        let action_text = action.to_json();
        let auth_text = ClientAction::Authenticate { token: key.clone() }.to_json();
        let turn_msg = turn.clone();
        let sent_msg = sent.clone();
        let send_on_socket = move |text: &str| {
            this.socket.with_value(|s| {
                if let Some(s) = s {
                    let _ = s.send(text);
                }
            });
        };
        let on_text = move |text: String| {
            if !this.alive() {
                return;
            }
            // A message over the size limit ends the run's stream like a
            // cut connection: what arrived stays, the reason is shown.
            if let Err(e) = agentos_client::sse::TooLarge::check(text.len()) {
                this.end_turn(&turn_msg, Outcome::Broke(e.to_string()));
                return;
            }
            let event = match decode_ws_text(&text) {
                Ok(ev) => ev,
                Err(e) => {
                    turn_msg.run.update(|r| r.record_malformed(e.to_string()));
                    return;
                }
            };
            match &event {
                RunEvent::Connected { requires_auth, .. } => {
                    if *requires_auth {
                        send_on_socket(&auth_text);
                    } else if !sent_msg.replace(true) {
                        send_on_socket(&action_text);
                    }
                }
                RunEvent::Authenticated { .. } => {
                    if !sent_msg.replace(true) {
                        send_on_socket(&action_text);
                    }
                }
                RunEvent::AuthError { message } | RunEvent::AuthRequired { message } => {
                    let e = ApiError::Unauthorized { had_key: !key.is_empty(), detail: Some(message.clone()) };
                    this.end_turn(&turn_msg, Outcome::Failed(e));
                }
                RunEvent::SocketError { message } => {
                    let e = ApiError::Http { status: 400, detail: Some(message.clone()) };
                    this.end_turn(&turn_msg, Outcome::Failed(e));
                }
                _ => {
                    if turn_msg.phase.get_untracked() == Phase::Sending {
                        turn_msg.phase.set(Phase::Streaming);
                    }
                    apply_event(&turn_msg, &event, this);
                    if turn_msg.run.with_untracked(|r| !r.is_running()) && this.active.get_untracked() == Some(turn_msg.key) {
                        this.end_turn(&turn_msg, Outcome::Closed);
                    }
                }
            }
        };
        let turn_close = turn.clone();
        let on_close = move |code: u16, reason: String| {
            if !this.alive() {
                return;
            }
            if this.active.get_untracked() != Some(turn_close.key) {
                return;
            }
            let outcome = if turn_close.run.with_untracked(|r| r.run_id.is_none()) {
                let url = Socket::url_for(&client_base(this));
                Outcome::Failed(ApiError::Unreachable { url, timed_out: false })
            } else {
                let why = if reason.is_empty() { format!("code {code}") } else { reason };
                Outcome::Broke(format!("The WebSocket closed while the workflow was running ({why})."))
            };
            this.end_turn(&turn_close, outcome);
        };
        match Socket::open(&client, on_text, on_close) {
            Ok(s) => this.socket.set_value(Some(s)),
            Err(e) => this.end_turn(&turn, Outcome::Failed(e)),
        }
    }
}

/// A run form (`multipart/form-data`) of text fields.
fn form_data(fields: impl IntoIterator<Item = (&'static str, String)>) -> FormData {
    let form = FormData::new().expect("FormData");
    for (k, v) in fields {
        let _ = form.append_with_str(k, &v);
    }
    form
}

fn client_base(chat: Chat) -> String {
    chat.client().map(|c| c.base_url().to_string()).unwrap_or_default()
}

/// Applies one event to a turn's run without re-rendering; the render is
/// scheduled once per animation frame, however many events arrive.
fn apply_event(turn: &Turn, event: &RunEvent, chat: Chat) {
    turn.run.update_untracked(|r| r.apply(event));
    if chat.session_id.get_untracked().is_none() {
        if let Some(s) = turn.run.with_untracked(|r| r.session_id.clone()) {
            chat.session_id.set(Some(s));
        }
    }
    schedule_flush(turn);
}

thread_local! {
    static FLUSH_PENDING: Cell<bool> = const { Cell::new(false) };
}

fn schedule_flush(turn: &Turn) {
    if FLUSH_PENDING.with(|p| p.replace(true)) {
        return;
    }
    let run = turn.run;
    request_animation_frame(move || {
        FLUSH_PENDING.with(|p| p.set(false));
        if !run.is_disposed() {
            run.notify();
        }
    });
}

/// Reads an SSE response into the turn's run. `Err` when the connection
/// broke mid-stream; a trailing partial frame is recorded as malformed.
async fn stream_into(resp: &gloo_net::http::Response, turn: &Turn, chat: Chat) -> Result<(), String> {
    let mut reader = BodyReader::new(resp).map_err(|e| e.title())?;
    let mut decoder = SseDecoder::new();
    let result = loop {
        match reader.next_chunk().await {
            Ok(Some(bytes)) => {
                if !chat.alive() {
                    reader.cancel();
                    return Ok(());
                }
                for frame in decoder.push(&bytes) {
                    match parse_event(frame.event.as_deref(), &frame.data) {
                        Ok(ev) => apply_event(turn, &ev, chat),
                        Err(e) => turn.run.update_untracked(|r| r.record_malformed(e.to_string())),
                    }
                }
                // A line or event over the size limit: stop reading, keep
                // what arrived (the turn ends as interrupted, with why).
                if let Some(e) = decoder.too_large() {
                    reader.cancel();
                    break Err(e.to_string());
                }
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    if !chat.alive() {
        return result;
    }
    if decoder.finish().is_some() {
        turn.run.update_untracked(|r| r.record_malformed("the stream ended in the middle of an event".into()));
    }
    // Rendered by `end_turn`, with how the turn ended.
    result
}
