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
//!
//! What a turn does once it starts (posting, streaming, the socket, recovery)
//! is in `chat/run.rs`, whose code loads on demand
//! (the `run` area, `crate::lazy::run`): the methods here hand it an [`Op`]
//! through `Chat::dispatch`, and a failed fetch of that code ends the turn like
//! a failed request. So the chat page shows before the controller's code has
//! arrived; the page asks for it as it opens.

use crate::state::{load, save, AppState};
use agentos_client::reducer::{RunStatus, RunView};
use agentos_client::runs::{can_regenerate, cancel_path, fork_session_path, ForkedSession};
use agentos_client::web::{Client, Socket};
use agentos_client::{ApiError, ComponentKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

mod run;
pub use run::perform;

const USER_ID_KEY: &str = "agentos-dashboard.user_id";

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

/// Reads the runs of a stored session the chat continues (`GET /sessions/{id}/runs`) as run
/// views. [`read_stored`], the `turns` area's code.
pub type ReadStored = fn(&[serde_json::Value]) -> Vec<RunView>;

/// See [`ReadStored`].
pub fn read_stored(runs: &[serde_json::Value]) -> Vec<RunView> {
    agentos_client::reducer::runs_to_views(runs)
}

/// How long a message sent in a continued chat waits for the session's user at most (in
/// steps of [`USER_WAIT_STEP_MS`]): as long as a request may take.
const USER_WAIT_STEPS: i32 = agentos_client::web::REQUEST_TIMEOUT_MS / USER_WAIT_STEP_MS;
const USER_WAIT_STEP_MS: i32 = 50;

/// What [`Chat`] asks of its running part (`run.rs`, whose code loads on demand).
#[derive(Clone)]
pub enum Op {
    /// Post a new turn's run and stream it.
    Start(Turn),
    /// Send the person's decisions on a paused run, and stream the rest.
    Decide {
        turn: Turn,
        decisions: Vec<(String, bool)>,
        answers: Vec<(String, String, String)>,
        results: Vec<(String, String)>,
    },
    /// Answer a finished turn again.
    Regenerate { turn: Turn, instructions: String },
    /// Re-attach to an interrupted run.
    Resume(Turn),
    /// Show what the server stored of a run whose stream broke.
    Recover(Turn),
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
    /// A stored session is on its way: asked for, or in but not yet drawn (its code has not
    /// arrived). The page shows it is loading, not that the chat is empty.
    pub history_loading: RwSignal<bool>,
    /// A stored session and its runs as they came, until the code that reads them is there
    /// ([`Chat::show_history`]).
    stored: StoredValue<Option<Vec<serde_json::Value>>>,
    /// False while the session this chat continues is asked for: its user is not known yet
    /// (a message sent meanwhile waits for it, see [`Chat::dispatch`]).
    user_known: StoredValue<bool>,
    /// That code (the `turns` area's), once the page has it ([`Chat::read_stored_with`]).
    read_stored: StoredValue<Option<ReadStored>>,
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
            history_loading: RwSignal::new(false),
            stored: StoredValue::new(None),
            user_known: StoredValue::new(true),
            read_stored: StoredValue::new(None),
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
    ///
    /// The page's own code asks for the session (for its user) and its runs, together. The
    /// code that reads runs into turns comes with the view of the turns, which the page
    /// fetches as it opens; they meet in [`Chat::show_history`], whichever is first. So a chat
    /// that continues a session shows it without the code that runs a new message, and a
    /// new chat's first load does not carry the code that reads stored runs.
    pub fn load_history(&self, session_id: String) {
        self.session_id.set(Some(session_id.clone()));
        self.history_error.set(None);
        let Some(client) = self.client() else { return };
        self.history_loading.set(true);
        self.user_known.set_value(false);
        let this = *self;
        let detail = self.in_db(agentos_client::sessions::session_path(&session_id, Some(self.kind)));
        let runs = self.in_db(agentos_client::sessions::session_runs_path(&session_id, Some(self.kind)));
        let current = move || this.alive() && this.session_id.get_untracked().as_deref() == Some(session_id.as_str());
        spawn_local(async move {
            // The session's user as soon as the session answers (a message may be waiting for
            // it), whatever its runs do; a session that did not answer leaves the user as it is.
            let user = async {
                let detail = client.get_json::<serde_json::Value>(&detail).await;
                if current() {
                    if let Ok(d) = detail {
                        this.continue_as(agentos_client::json::text(&d, "user_id"));
                    }
                    this.user_known.set_value(true);
                }
            };
            let ((), runs) = futures::future::join(user, client.get_json::<serde_json::Value>(&runs)).await;
            if !current() {
                return;
            }
            // Not a list: a session with no runs to show. Runs that failed to load: none yet
            // (Retry asks again), but the session's user still counts.
            let (runs, failed) = match runs {
                Ok(serde_json::Value::Array(runs)) => (runs, None),
                Ok(_) => (Vec::new(), None),
                Err(e) => (Vec::new(), Some(e)),
            };
            if failed.is_some() {
                this.history_loading.set(false);
            }
            this.history_error.set(failed);
            this.stored.set_value(Some(runs));
            this.show_history();
        });
    }

    /// The code that reads a stored session into turns (the `turns` area's,
    /// `crate::lazy::live_turns` hands it over when it arrives).
    pub fn read_stored_with(&self, read: ReadStored) {
        self.read_stored.set_value(Some(read));
        self.show_history();
    }

    /// The chat continues as the stored session's user (`None`: the session names none): a
    /// run under another user id would not find the session.
    fn continue_as(&self, user: Option<String>) {
        if let Some(u) = user.filter(|u| *u != self.user_id.get_untracked()) {
            self.user_id.set(u);
        }
    }

    /// The stored session's runs as the turns so far, before the turns of this visit, once
    /// both the runs and the code that reads them are there.
    fn show_history(&self) {
        let Some(read) = self.read_stored.get_value() else { return };
        let Some(runs) = self.stored.try_update_value(Option::take).flatten() else { return };
        let views = read(&runs);
        // Runs this visit has shown already (sent before a Retry of a failed load) stay as
        // they are, once.
        let live: Vec<String> =
            self.turns.with_untracked(|t| t.iter().filter_map(|t| t.run.with_untracked(|r| r.run_id.clone())).collect());
        let owner = self.owner.get_value();
        let mut turns = Vec::new();
        for mut v in views.into_iter().filter(|v| v.run_id.as_ref().is_none_or(|id| !live.contains(id))) {
            self.state.name_runs(&mut v);
            let key = self.next_key.get_value();
            self.next_key.set_value(key + 1);
            let message = v.input.clone().unwrap_or_default();
            turns.push(Turn::new(&owner, key, message, v, Phase::Done, Vec::new(), Vec::new()));
        }
        self.turns.update(|t| {
            let live = std::mem::take(t);
            *t = turns;
            t.extend(live);
        });
        self.history_loading.set(false);
    }

    /// Starts over: a new session on the next message.
    pub fn new_chat(&self) {
        self.stop();
        self.pending_name.set_value(None);
        self.turns.set(Vec::new());
        self.session_id.set(None);
        self.history_error.set(None);
        self.history_loading.set(false);
        self.user_known.set_value(true);
        self.stored.set_value(None);
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

    /// Starts a turn's run (its code loads on demand: [`Op`]).
    fn start(&self, turn: Turn) {
        self.active.set(Some(turn.key));
        self.dispatch(Op::Start(turn));
    }

    /// Runs `op` with the controller's code, which loads on demand (`crate::lazy::run`):
    /// the chat page shows before it has arrived. If it cannot be fetched, the turn
    /// ends as if its request had failed (the message goes back to the composer, a
    /// paused run still waits, an answer stays), through [`Chat::end_turn`].
    ///
    /// A new turn in a continued chat whose session has not answered yet waits for it (at most
    /// as long as a request may take), so it goes out as the session's user. A turn stopped
    /// during either wait is not run ([`Chat::stands`]).
    fn dispatch(&self, op: Op) {
        let this = *self;
        spawn_local(async move {
            if matches!(op, Op::Start(_)) {
                for _ in 0..USER_WAIT_STEPS {
                    if !this.alive() || this.user_known.get_value() || !this.stands(&op) {
                        break;
                    }
                    agentos_client::web::sleep(USER_WAIT_STEP_MS).await;
                }
            }
            if !this.alive() || !this.stands(&op) {
                return;
            }
            if crate::lazy::run(this, op.clone()).await.is_err() && this.alive() && this.stands(&op) {
                this.not_run(op, ApiError::NotLoaded { what: "running a chat".into() });
            }
        });
    }

    /// Ends what `op` started, which could not run (`e` says why), as its request failing
    /// would: a new or resumed turn fails, a decision is not sent, a regenerate is refused
    /// (each through [`Chat::end_turn`]).
    fn not_run(&self, op: Op, e: ApiError) {
        match op {
            Op::Start(turn) | Op::Resume(turn) => self.end_turn(&turn, Outcome::Failed(e)),
            Op::Decide { turn, .. } => self.end_turn(&turn, Outcome::NotDecided(e)),
            Op::Regenerate { turn, .. } => self.end_turn(&turn, Outcome::Refused(e)),
            // A lookup after a cut: the partial answer and Retry stay as they are.
            Op::Recover(_) => {}
        }
    }

    /// Ends the active turn, whichever way it ended: no request or socket
    /// is left open, the run shows everything that arrived, and the phase
    /// says how it ended. A request that failed before any
    /// event gives the message back to the composer (unless the person has
    /// typed another); a run that stopped running names its new session; a
    /// plain run cut mid-stream is looked up in storage (`Op::Recover`).
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
            self.dispatch(Op::Recover(turn.clone()));
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
    ///
    /// A turn with neither yet (its message waits for the session's user or for the code that
    /// runs it, see [`Chat::dispatch`]) is ended here too: it is never sent, and its message
    /// goes back to the composer.
    fn cut_off(&self, turn: Option<Turn>) {
        let requested = self.abort.with_value(Option::is_some);
        self.abort_request();
        let socket = self.socket.try_update_value(|s| s.take()).flatten().is_some();
        if socket || !requested {
            if let Some(t) = turn {
                self.end_turn(&t, Outcome::Failed(ApiError::Aborted));
            }
        }
    }

    /// Whether `op` is still to be carried out: a new turn is, while it is the turn in
    /// progress; stopped before it was sent ([`Chat::cut_off`]), it is not, and is never sent.
    pub(crate) fn stands(&self, op: &Op) -> bool {
        match op {
            Op::Start(turn) => self.active.get_untracked() == Some(turn.key),
            _ => true,
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
        self.dispatch(Op::Decide { turn: turn.clone(), decisions, answers, results });
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
        self.dispatch(Op::Regenerate { turn: turn.clone(), instructions });
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
        self.dispatch(Op::Resume(turn.clone()));
    }
}
