//! The chat controller's running part: what a turn does once it starts (post the
//! run, stream it over SSE or the WebSocket, continue, regenerate, resume, recover
//! what the server stored after a cut). Its code
//! loads on demand (`crate::lazy::run`, the `run` area): [`perform`] is the only way
//! in, called with an [`Op`] from [`Chat`]'s methods, and every turn still ends in
//! [`Chat::end_turn`].

use super::{Chat, Op, Outcome, Phase, Turn};
use agentos_client::events::{parse_event, RunEvent};
use agentos_client::reducer::{RunStatus, RunView};
use agentos_client::runs::{
    continue_path, recover, resume_path, run_path, runs_path, ContinueRequest, Recovery, RegenerateRequest, ResumeRequest,
    RunRequest,
};
use agentos_client::sse::SseDecoder;
use agentos_client::upload::form_of;
use agentos_client::web::{BodyReader, Client, Socket};
use agentos_client::ws::{decode_ws_text, ClientAction};
use agentos_client::{ApiError, ComponentKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{AbortController, FormData};

/// When to look for what the server stored after a cut (each after the last).
const RECOVER_AFTER_MS: [i32; 5] = [300, 700, 1_500, 3_000, 6_000];
/// A run the server stopped when its stream broke (shown as it stored it).
const STOPPED_AT_CUT: &str =
    "The connection broke while the answer was streaming, and the server stopped the run there. Above is what it stored.";

/// Carries out `op` for `chat` (the `run` area's entry point).
pub fn perform(chat: Chat, op: Op) {
    // Stopped while its code was on the way: not sent (`Chat::stands`).
    if !chat.alive() || !chat.stands(&op) {
        return;
    }
    match op {
        Op::Start(turn) => chat.start_now(turn),
        Op::Decide { turn, decisions, answers, results } => chat.decide_now(&turn, decisions, answers, results),
        Op::Regenerate { turn, instructions } => chat.regenerate_now(&turn, instructions),
        Op::Resume(turn) => chat.resume_now(&turn),
        Op::Recover(turn) => chat.recover(&turn),
    }
}

impl Chat {
    fn start_now(&self, turn: Turn) {
        let this = *self;
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
            let fields: Vec<_> = req.form_fields().into_iter().chain(turn.extras.iter().cloned()).collect();
            let form = form_of(&fields).inspect(|form| {
                for f in turn.files.get_value() {
                    let _ = form.append_with_blob_and_filename("files", &f, &f.name());
                }
            });
            let path = runs_path(this.kind, &this.id.get_value());
            this.post_and_stream(&client, &path, form, turn).await;
        });
    }

    /// Posts a form and streams the answer into the turn's run.
    async fn post_and_stream(&self, client: &Client, path: &str, form: Result<FormData, ApiError>, turn: Turn) {
        match self.post(client, path, form).await {
            None => {}
            Some(Err(e)) => self.end_turn(&turn, Outcome::Failed(e)),
            Some(Ok(resp)) => self.stream(resp, turn).await,
        }
    }

    /// POSTs a run form (abortable by Stop); `None` when the chat is gone. A form the browser
    /// could not build (`form_of`'s error) fails like the request.
    async fn post(
        &self,
        client: &Client,
        path: &str,
        form: Result<FormData, ApiError>,
    ) -> Option<Result<gloo_net::http::Response, ApiError>> {
        let abort = AbortController::new().ok();
        self.abort.set_value(abort.clone());
        let result = match form {
            Ok(form) => client.post_form(path, &form, abort.as_ref()).await,
            Err(e) => Err(e),
        };
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

    /// A plain run whose stream broke is stopped by AgentOS, which stores
    /// what it had (a server may also finish it): show the run as stored,
    /// so what is on screen is what the server kept. Looks a few times, as
    /// the server stores it just after the cut; gives up quietly (the
    /// partial answer and Retry stay) when the server cannot be reached.
    pub(super) fn recover(&self, turn: &Turn) {
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
                        turn.run.set(*stored);
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

    /// Approves or rejects the tools a paused run waits on, then continues it.
    /// `results` are what the person gives tools executed outside agno
    /// (`(tool_call_id, result)`).
    fn decide_now(
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
            match this.post(&client, &path, form_of(&req.form_fields())).await {
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

    /// Answers a finished turn again (`/continue` with `regenerate=true`,
    /// and `additional_instructions` when `instructions` is not blank): the
    /// new run streams into the turn in place of the old answer, which agno
    /// keeps in storage as REGENERATED and leaves out of the history. If the
    /// request is refused, the old answer stays with the server's reason.
    fn regenerate_now(&self, turn: &Turn, instructions: String) {
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
            match this.post(&client, &path, form_of(&req.form_fields())).await {
                None => {}
                Some(Err(e)) => this.end_turn(&turn, Outcome::Refused(e)),
                Some(Ok(resp)) => this.stream(resp, turn).await,
            }
        });
    }

    /// Re-attaches to an interrupted run from the last event seen.
    fn resume_now(&self, turn: &Turn) {
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
            this.post_and_stream(&client, &path, form_of(&req.form_fields()), turn).await;
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

fn client_base(chat: Chat) -> String {
    chat.client().map(|c| c.base_url().to_string()).unwrap_or_default()
}

/// Applies one event to a turn's run without re-rendering; the render is
/// scheduled once per animation frame, however many events arrive. `true` when
/// the event brought the answer's first text (its text was empty before).
fn apply_event(turn: &Turn, event: &RunEvent, chat: Chat) -> bool {
    let first_text = turn.run.update_untracked(|r| {
        let had = !r.content.is_empty();
        r.apply(event);
        !had && !r.content.is_empty()
    });
    if chat.session_id.get_untracked().is_none() {
        if let Some(s) = turn.run.with_untracked(|r| r.session_id.clone()) {
            chat.session_id.set(Some(s));
        }
    }
    schedule_flush(turn);
    first_text
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
    // The answer's first text is rendered as it arrives, not a frame later: it is what the
    // person waits for. Once per stream (a server that empties the text and fills it again
    // gets the per-frame render like everything else).
    let mut first_text_shown = false;
    let result = loop {
        match reader.next_chunk().await {
            Ok(Some(bytes)) => {
                if !chat.alive() {
                    reader.cancel();
                    return Ok(());
                }
                for frame in decoder.push(&bytes) {
                    match parse_event(frame.event.as_deref(), &frame.data) {
                        Ok(ev) => {
                            if apply_event(turn, &ev, chat) && !first_text_shown {
                                first_text_shown = true;
                                turn.run.notify();
                            }
                        }
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
