#!/usr/bin/env python3
"""Record wire fixtures for the Rust client from a real AgentOS.

    .venv/bin/python demo/record_fixtures.py

starts its own demo server (demo/server.py on 127.0.0.1:7877, fake LLM on 7878,
a fresh temporary data directory, OS_SECURITY_KEY=fixture-key so that every
request carries an Authorization header), drives it through agent, team and
workflow runs, and writes what came back into
crates/agentos-client/tests/fixtures/:

  *.json   response bodies, byte-exact as received
  *.sse    raw SSE response bodies, byte-exact as received
  *.jsonl  WebSocket transcripts, one {"socket","dir","text"} object per frame
  manifest.json  for every file: the request that produced it and the HTTP status

Use --base-url URL [--key KEY] to record from a server that is already running
(the messages rely on the demo's fake-LLM triggers, so a demo server is expected).
The security key is never printed; in WebSocket transcripts any key other than
the default "fixture-key" is replaced by "REDACTED".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import httpx

DEMO_DIR = Path(__file__).resolve().parent
REPO_DIR = DEMO_DIR.parent
DEFAULT_OUT = REPO_DIR / "crates" / "agentos-client" / "tests" / "fixtures"
DEFAULT_PORT = 7877
DEFAULT_LLM_PORT = 7878
FIXTURE_KEY = "fixture-key"

# The demo's components (demo/server.py).
PLAIN_AGENT = "assistant-agent"
TOOL_AGENT = "calculator-agent"
KNOWLEDGE_AGENT = "librarian-agent"
TEAM = "research-team"
WORKFLOW = "two-step-workflow"
APPROVAL_WORKFLOW = "approval-workflow"
MEDIA_AGENT = "artist-agent"
USER = "fixture-user"

TIMEOUT = httpx.Timeout(connect=5.0, read=90.0, write=10.0, pool=10.0)


def say(message: str) -> None:
    print(f"[record] {message}", flush=True)


# --------------------------------------------------------------------------------------
# SSE parsing (only to decide when to act; files keep the raw bytes)
# --------------------------------------------------------------------------------------


class SseFrames:
    """Accumulates raw bytes and yields complete frames as (event, data dict)."""

    def __init__(self) -> None:
        self.raw = bytearray()
        self._pending = b""

    def feed(self, chunk: bytes) -> List[Tuple[str, Dict[str, Any]]]:
        self.raw.extend(chunk)
        self._pending += chunk
        frames = []
        while b"\n\n" in self._pending:
            block, self._pending = self._pending.split(b"\n\n", 1)
            event, data = "", ""
            for line in block.decode("utf-8").split("\n"):
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
            if not data:
                continue  # a comment such as ": heartbeat"
            try:
                payload = json.loads(data)
            except ValueError:
                payload = {}
            frames.append((event or payload.get("event", ""), payload))
        return frames


# --------------------------------------------------------------------------------------
# The recorder
# --------------------------------------------------------------------------------------


class Recorder:
    def __init__(self, base_url: str, key: Optional[str], out: Path):
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.out = out
        self.manifest: Dict[str, Dict[str, Any]] = {}
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = httpx.Client(base_url=self.base_url, headers=headers, timeout=TIMEOUT)
        self.anonymous = httpx.Client(base_url=self.base_url, timeout=TIMEOUT)
        self.ids: Dict[str, str] = {}

    # ---- files ------------------------------------------------------------------------

    def write(self, name: str, body: bytes, request: str, status: Optional[int], note: str = "") -> None:
        (self.out / name).write_bytes(body)
        entry: Dict[str, Any] = {"request": request, "status": status, "bytes": len(body)}
        if note:
            entry["note"] = note
        self.manifest[name] = entry
        say(f"{name:<34} {status if status is not None else '':<4} {len(body):>8} bytes  {request}")

    # ---- JSON -------------------------------------------------------------------------

    def json(self, name: str, method: str, path: str, expect: int = 200, anonymous: bool = False,
             note: str = "", shown_path: Optional[str] = None, **kwargs: Any) -> Any:
        client = self.anonymous if anonymous else self.client
        response = client.request(method, path, **kwargs)
        if response.status_code != expect:
            raise RuntimeError(f"{method} {path}: expected {expect}, got {response.status_code}: {response.text[:300]}")
        request = f"{method} {shown_path or path}"
        if kwargs.get("params"):
            request += "?" + str(httpx.QueryParams(kwargs["params"]))
        if "data" in kwargs:
            request += " " + self._form_text(kwargs["data"])
        if "json" in kwargs:
            request += " json " + json.dumps(kwargs["json"], ensure_ascii=False)
        if anonymous and "headers" not in kwargs:
            note = (note + "; " if note else "") + "sent without Authorization"
        self.write(name, response.content, request, response.status_code, note)
        return response.json() if response.content else None

    # ---- SSE --------------------------------------------------------------------------

    def sse(self, name: str, path: str, form: Dict[str, Any], note: str = "",
            on_frame: Optional[Callable[[str, Dict[str, Any], SseFrames], Optional[str]]] = None,
            shown_path: Optional[str] = None) -> List[Tuple[str, Dict[str, Any]]]:
        """POST a form and save the raw SSE body.

        on_frame(event, data, frames) may return "stop" to close the connection early.
        shown_path is the path as the manifest shows it (with {run_id} instead of an id).
        """
        frames = SseFrames()
        seen: List[Tuple[str, Dict[str, Any]]] = []
        with self.client.stream("POST", path, data=form) as response:
            if response.status_code != 200:
                response.read()
                raise RuntimeError(f"POST {path}: {response.status_code}: {response.text[:300]}")
            status = response.status_code
            stop = False
            for chunk in response.iter_raw():
                for event, data in frames.feed(chunk):
                    seen.append((event, data))
                    if on_frame is not None and on_frame(event, data, frames) == "stop":
                        stop = True
                if stop:
                    break
        self.write(name, bytes(frames.raw), f"POST {shown_path or path} {self._form_text(form)}", status, note)
        return seen

    @staticmethod
    def _form_text(form: Dict[str, Any]) -> str:
        shown = {k: (v if len(str(v)) <= 60 else str(v)[:57] + "...") for k, v in form.items()}
        return "form " + json.dumps(shown, ensure_ascii=False)

    # ---- WebSocket --------------------------------------------------------------------

    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/workflows/ws"

    def shown_token(self) -> str:
        return self.key if self.key == FIXTURE_KEY else "REDACTED"


def first(frames: List[Tuple[str, Dict[str, Any]]], event: str) -> Dict[str, Any]:
    for name, data in frames:
        if name == event:
            return data
    raise RuntimeError(f"no {event} frame in {[n for n, _ in frames]}")


# --------------------------------------------------------------------------------------
# What gets recorded
# --------------------------------------------------------------------------------------


def record_catalog(r: Recorder) -> None:
    r.json("health.json", "GET", "/health", anonymous=True)
    r.json("info.json", "GET", "/info", anonymous=True)
    r.json("config.json", "GET", "/config")
    agents = r.json("agents.json", "GET", "/agents")
    for agent in agents:
        r.json(f"agent_{agent['id']}.json", "GET", f"/agents/{agent['id']}")
    teams = r.json("teams.json", "GET", "/teams")
    for team in teams:
        r.json(f"team_{team['id']}.json", "GET", f"/teams/{team['id']}")
    workflows = r.json("workflows.json", "GET", "/workflows")
    for workflow in workflows:
        r.json(f"workflow_{workflow['id']}.json", "GET", f"/workflows/{workflow['id']}")


def record_errors(r: Recorder) -> None:
    if r.key:
        r.json("error_401.json", "GET", "/agents", expect=401, anonymous=True)
        r.json("error_401_invalid_token.json", "GET", "/agents", expect=401, anonymous=True,
               headers={"Authorization": "Bearer not-the-key"}, note="wrong bearer token")
    else:
        say("no key: error_401*.json skipped")
    r.json("error_404_agent.json", "GET", "/agents/no-such-agent", expect=404)
    r.json("error_404_team.json", "GET", "/teams/no-such-team", expect=404)
    r.json("error_404_workflow.json", "GET", "/workflows/no-such-workflow", expect=404)
    r.json("error_404_session.json", "GET", "/sessions/no-such-session", expect=404)
    r.json("error_404_route.json", "GET", "/no-such-route", expect=404)
    r.json("error_422.json", "POST", f"/agents/{PLAIN_AGENT}/runs", expect=422,
           json={"message": "a JSON body instead of a form"}, note="runs take form bodies: missing body.message")
    r.json("error_422_query.json", "GET", "/sessions", expect=422, params={"type": "bogus", "limit": 0},
           note="two query errors")


def record_runs(r: Recorder) -> None:
    agent_runs = f"/agents/{PLAIN_AGENT}/runs"

    # Plain, tool + reasoning, knowledge + memory.
    r.sse("sse_agent_plain.sse", agent_runs,
          {"message": "Hello! What can you do?", "stream": "true", "session_id": "fx-agent-plain", "user_id": USER})
    frames = r.sse("sse_agent_tool.sse", f"/agents/{TOOL_AGENT}/runs",
                   {"message": "What is 12 * 7?", "stream": "true", "session_id": "fx-agent-tool", "user_id": USER},
                   note="reasoning model, then a calculator tool call")
    r.ids["agent_run"] = first(frames, "RunStarted")["run_id"]
    r.sse("sse_agent_knowledge_memory.sse", f"/agents/{KNOWLEDGE_AGENT}/runs",
          {"message": "Please search: where is the coffee machine? I love oat milk.", "stream": "true",
           "session_id": "fx-agent-knowledge", "user_id": USER},
          note="search_knowledge_base tool call, MemoryUpdate events, references in RunCompleted")

    # Team and workflow.
    frames = r.sse("sse_team.sse", f"/teams/{TEAM}/runs",
                   {"message": "What is 6 + 9?", "stream": "true", "session_id": "fx-team", "user_id": USER},
                   note="leader delegates to the calculator member; member frames carry parent_run_id")
    r.ids["team_run"] = first(frames, "TeamRunStarted")["run_id"]
    r.sse("sse_workflow.sse", f"/workflows/{WORKFLOW}/runs",
          {"message": "search: what is AgentOS?", "stream": "true", "session_id": "fx-workflow", "user_id": USER},
          note="agent step (with a knowledge search) then a Python function step")

    # Non-streaming and background submission (JSON bodies).
    r.json("run_agent_nonstream.json", "POST", agent_runs,
           data={"message": "Hello without streaming", "stream": "false", "session_id": "fx-agent-plain",
                 "user_id": USER}, note="stream=false: the RunOutput as JSON")
    r.json("run_background_202.json", "POST", agent_runs, expect=202,
           data={"message": "Hello in the background", "stream": "false", "background": "true",
                 "session_id": "fx-agent-background-202", "user_id": USER}, note="background=true, stream=false")

    # Human in the loop: pause, then continue with the tool confirmed.
    frames = r.sse("sse_paused.sse", f"/agents/{TOOL_AGENT}/runs",
                   {"message": "Please reset the memory counter", "stream": "true", "session_id": "fx-hitl",
                    "user_id": USER}, note="a requires_confirmation tool: ends with RunPaused")
    paused = first(frames, "RunPaused")
    tools = [dict(tool, confirmed=True) for tool in paused["tools"]]
    record_continue(r, "sse_continue.sse", f"/agents/{TOOL_AGENT}/runs", paused["run_id"], "fx-hitl", "tools", tools,
                    note="the paused run's tools sent back with confirmed=true")

    # A tool that asks the person for some of its input: pause, then continue with the
    # answers filled into its user_input_schema.
    frames = r.sse("sse_user_input.sse", f"/agents/{KNOWLEDGE_AGENT}/runs",
                   {"message": "Send a note: lunch at noon", "stream": "true", "session_id": "fx-user-input",
                    "user_id": USER}, note="a requires_user_input tool: ends with RunPaused")
    paused = first(frames, "RunPaused")
    tools = [dict(tool, user_input_schema=[dict(f, value=f["value"] if f["value"] is not None else "Ann")
                                           for f in tool["user_input_schema"]])
             for tool in paused["tools"]]
    record_continue(r, "sse_user_input_continue.sse", f"/agents/{KNOWLEDGE_AGENT}/runs", paused["run_id"],
                    "fx-user-input", "tools", tools, note="the paused tool sent back with the missing input filled in")

    # A team pauses when its member's tool needs confirmation; continuing sends the team's
    # `requirements` back with the decision on each.
    frames = r.sse("sse_team_paused.sse", f"/teams/{TEAM}/runs",
                   {"message": "Please reset the memory counter", "stream": "true", "session_id": "fx-team-hitl",
                    "user_id": USER}, note="a member's requires_confirmation tool: ends with TeamRunPaused")
    paused = first(frames, "TeamRunPaused")
    requirements = [dict(req, confirmation=True, tool_execution=dict(req["tool_execution"], confirmed=True))
                    for req in paused["requirements"]]
    record_continue(r, "sse_team_continue.sse", f"/teams/{TEAM}/runs", paused["run_id"], "fx-team-hitl",
                    "requirements", requirements, note="the paused team run's requirements sent back with confirmation=true")

    # A workflow step that needs confirmation pauses the workflow; continuing sends
    # `step_requirements` with confirmed=true.
    frames = r.sse("sse_workflow_paused.sse", f"/workflows/{APPROVAL_WORKFLOW}/runs",
                   {"message": "Draft a hello", "stream": "true", "session_id": "fx-workflow-hitl",
                    "user_id": USER}, note="a step with human_review(requires_confirmation): ends with WorkflowPaused")
    r.sse("sse_workflow_paused_background.sse", f"/workflows/{APPROVAL_WORKFLOW}/runs",
          {"message": "Draft a hello", "stream": "true", "background": "true", "session_id": "fx-workflow-hitl-bg",
           "user_id": USER}, note="the same, resumable (background=true): the stream ends at StepPaused")
    step = first(frames, "StepPaused")
    # The stored run holds the full step requirements (the stream of a resumable run does
    # not carry them); the dashboard reads them there and sends them back decided.
    stored = r.json("workflow_run_paused.json", "GET", f"/workflows/{APPROVAL_WORKFLOW}/runs/{step['run_id']}",
                    params={"session_id": "fx-workflow-hitl"},
                    shown_path=f"/workflows/{APPROVAL_WORKFLOW}/runs/{{run_id}}")
    step_requirements = [dict(req, confirmed=True) for req in stored["step_requirements"]]
    record_continue(r, "sse_workflow_continue.sse", f"/workflows/{APPROVAL_WORKFLOW}/runs", step["run_id"],
                    "fx-workflow-hitl", "step_requirements", step_requirements,
                    note="the stored run's step_requirements sent back with confirmed=true")

    # Cancel slow runs after a few content frames: an agent, a team and a workflow.
    record_cancel(r, "sse_cancelled.sse", agent_runs, "fx-cancel", "Tell me a slow story",
                  started="RunStarted", cancel_file="cancel_run.json")
    record_cancel(r, "sse_team_cancelled.sse", f"/teams/{TEAM}/runs", "fx-team-cancel",
                  "Tell me slowly about tea", started="TeamRunStarted")
    record_cancel(r, "sse_workflow_cancelled.sse", f"/workflows/{WORKFLOW}/runs", "fx-workflow-cancel",
                  "A slow brief please", started="WorkflowStarted")

    # Provider errors.
    r.sse("sse_error.sse", agent_runs,
          {"message": "boom", "stream": "true", "session_id": "fx-error", "user_id": USER},
          note="the provider answers HTTP 400: RunError")
    r.sse("sse_reasoning_error.sse", f"/agents/{TOOL_AGENT}/runs",
          {"message": "boom", "stream": "true", "session_id": "fx-reasoning-error", "user_id": USER},
          note="the reasoning model fails first: ReasoningStarted is never completed, then RunError")
    r.sse("sse_team_error.sse", f"/teams/{TEAM}/runs",
          {"message": "boom", "stream": "true", "session_id": "fx-team-error", "user_id": USER},
          note="the provider answers HTTP 400: TeamRunError")

    record_background_and_resume(r)
    record_cut(r)

    r.sse("sse_markdown.sse", agent_runs,
          {"message": "Show me some markdown", "stream": "true", "session_id": "fx-markdown", "user_id": USER},
          note="headings, lists, table, code block, a docs link and a javascript: link")
    r.sse("sse_xss.sse", agent_runs,
          {"message": "xss test", "stream": "true", "session_id": "fx-xss", "user_id": USER},
          note="literal <script> and <img onerror> text in the content")


def record_continue(r: Recorder, name: str, runs_path: str, run_id: str, session: str, field: str,
                    decided: List[Any], note: str) -> None:
    """POSTs `{runs_path}/{run_id}/continue` with `field` = the decided JSON list, streamed."""
    r.sse(name, f"{runs_path}/{run_id}/continue",
          {field: json.dumps(decided), "session_id": session, "user_id": USER, "stream": "true"},
          shown_path=f"{runs_path}/{{run_id}}/continue", note=note)


def record_cancel(r: Recorder, name: str, runs_path: str, session_id: str, message: str, started: str,
                  cancel_file: Optional[str] = None) -> None:
    """Stream a slow run and POST .../cancel after its third non-empty content frame."""
    state: Dict[str, Any] = {"contents": 0, "run_id": None}

    def on_frame(event: str, data: Dict[str, Any], _: SseFrames) -> Optional[str]:
        if event == started and state["run_id"] is None:
            state["run_id"] = data["run_id"]  # the run to cancel (not a member's or a step's)
        if event.endswith("RunContent") and data.get("content"):
            state["contents"] += 1
            if state["contents"] == 3:
                response = r.client.post(f"{runs_path}/{state['run_id']}/cancel", params={"session_id": session_id})
                if response.status_code != 200:
                    raise RuntimeError(f"cancel: {response.status_code} {response.text[:200]}")
                if cancel_file:
                    r.write(cancel_file, response.content,
                            f"POST {runs_path}/{{run_id}}/cancel?session_id={session_id}", response.status_code)
        return None

    r.sse(name, runs_path, {"message": message, "stream": "true", "session_id": session_id, "user_id": USER},
          on_frame=on_frame, note="POST .../cancel after the third non-empty content frame")


def record_background_and_resume(r: Recorder) -> None:
    """One slow background run, read twice: from the start, and via /resume from event 2."""
    path = f"/agents/{PLAIN_AGENT}/runs"
    started = threading.Event()
    run: Dict[str, Any] = {}
    errors: List[BaseException] = []

    def watch(event: str, data: Dict[str, Any], _: SseFrames) -> Optional[str]:
        if "run_id" in data and "run_id" not in run:
            run["run_id"] = data["run_id"]
        if data.get("event_index", -1) >= 4:
            started.set()
        return None

    def read_background() -> None:
        try:
            r.sse("sse_background.sse", path,
                  {"message": "Answer slowly in the background", "stream": "true", "background": "true",
                   "session_id": "fx-background", "user_id": USER},
                  on_frame=watch, note="background=true&stream=true: frames carry event_index")
        except BaseException as error:  # reported below
            errors.append(error)
            started.set()

    reader = threading.Thread(target=read_background, name="background-reader")
    reader.start()
    if not started.wait(timeout=60) or errors:
        reader.join()
        raise RuntimeError(f"the background run did not get going: {errors}")
    r.sse("sse_resume.sse", f"{path}/{run['run_id']}/resume",
          {"last_event_index": "2", "session_id": "fx-background"}, shown_path=f"{path}/{{run_id}}/resume",
          note="the same run while it is still streaming: catch_up, subscribed, then live frames")
    reader.join()
    if errors:
        raise errors[0]
    r.sse("sse_resume_completed.sse", f"{path}/{run['run_id']}/resume",
          {"last_event_index": "30", "session_id": "fx-background"}, shown_path=f"{path}/{{run_id}}/resume",
          note="the same run after it completed: a replay frame, then the events after index 30")


def record_cut(r: Recorder) -> None:
    """A stream the client abandons mid-frame: keep the bytes up to the middle of a JSON line."""
    frames_seen: List[Any] = []
    frames = SseFrames()
    path = f"/agents/{PLAIN_AGENT}/runs"
    form = {"message": "Write something long", "stream": "true", "session_id": "fx-cut", "user_id": USER}
    with r.client.stream("POST", path, data=form) as response:
        status = response.status_code
        for chunk in response.iter_raw():
            for frame in frames.feed(chunk):
                frames_seen.append(frame)
            # Wait until twelve frames are complete and the thirteenth has begun to arrive.
            if len(frames_seen) >= 12 and len(frames.raw) > _end_of_frame(frames.raw, 12) + 40:
                break
    # Closing the response above drops the connection mid-stream.
    raw = bytes(frames.raw)
    start = _end_of_frame(raw, 12)
    data_at = raw.index(b"data: ", start)
    cut = data_at + len(b"data: ") + (len(raw[data_at:].split(b"\n", 1)[0]) - len(b"data: ")) // 2
    cut = max(cut, data_at + len(b"data: ") + 5)
    r.write("sse_cut.sse", raw[:cut], f"POST {path} {r._form_text(form)}", status,
            note="12 complete frames, then the 13th frame cut in the middle of its JSON; the client closed the stream")


def _end_of_frame(raw: bytes, n: int) -> int:
    """Byte offset just after the n-th complete frame."""
    offset = 0
    for _ in range(n):
        offset = raw.index(b"\n\n", offset) + 2
    return offset


# --------------------------------------------------------------------------------------
# WebSocket
# --------------------------------------------------------------------------------------


def record_websockets(r: Recorder) -> None:
    import asyncio

    import websockets

    class Transcript:
        def __init__(self) -> None:
            self.lines: List[str] = []

        def add(self, socket: int, direction: str, text: str) -> None:
            self.lines.append(json.dumps({"socket": socket, "dir": direction, "text": text}, ensure_ascii=False))

        def body(self) -> bytes:
            return ("\n".join(self.lines) + "\n").encode()

    async def send(ws, transcript: Transcript, socket: int, message: Dict[str, Any], shown: Optional[Dict] = None):
        await ws.send(json.dumps(message))
        transcript.add(socket, "send", json.dumps(shown if shown is not None else message))

    async def recv(ws, transcript: Transcript, socket: int) -> Tuple[str, Dict[str, Any]]:
        text = await asyncio.wait_for(ws.recv(), timeout=60)
        transcript.add(socket, "recv", text)
        return decode_ws(text)

    async def authenticate(ws, transcript: Transcript, socket: int) -> None:
        event, _ = await recv(ws, transcript, socket)  # connected
        if r.key:
            await send(ws, transcript, socket, {"action": "authenticate", "token": r.key},
                       {"action": "authenticate", "token": r.shown_token()})
            event, data = await recv(ws, transcript, socket)
            if event != "authenticated":
                raise RuntimeError(f"websocket authentication failed: {data}")

    async def run_workflow() -> None:
        transcript = Transcript()
        async with websockets.connect(r.ws_url(), max_size=None) as ws:
            await authenticate(ws, transcript, 1)
            await send(ws, transcript, 1, {"action": "ping"})
            await recv(ws, transcript, 1)
            await send(ws, transcript, 1, {"action": "start-workflow", "workflow_id": WORKFLOW,
                                           "message": "Hello over the websocket", "session_id": "fx-ws",
                                           "user_id": USER})
            while True:
                event, _ = await recv(ws, transcript, 1)
                if event in ("WorkflowCompleted", "WorkflowError", "WorkflowCancelled", "error"):
                    break
        r.write("ws_workflow.jsonl", transcript.body(), "WS /workflows/ws", None,
                note="connect, authenticate, ping, start-workflow until WorkflowCompleted")

    async def reconnect() -> None:
        transcript = Transcript()
        last_index, run_id = -1, None
        async with websockets.connect(r.ws_url(), max_size=None) as ws:
            await authenticate(ws, transcript, 1)
            await send(ws, transcript, 1, {"action": "start-workflow", "workflow_id": WORKFLOW,
                                           "message": "Answer slowly please", "session_id": "fx-ws-reconnect",
                                           "user_id": USER})
            while last_index < 5:
                event, data = await recv(ws, transcript, 1)
                if event == "WorkflowStarted":
                    run_id = data["run_id"]  # later frames also carry the step agent's own run_id
                last_index = data.get("event_index", last_index)
        # The first socket is closed mid-run; the run goes on without it.
        async with websockets.connect(r.ws_url(), max_size=None) as ws:
            await authenticate(ws, transcript, 2)
            await send(ws, transcript, 2, {"action": "reconnect", "run_id": run_id, "workflow_id": WORKFLOW,
                                           "session_id": "fx-ws-reconnect", "last_event_index": last_index})
            while True:
                event, _ = await recv(ws, transcript, 2)
                if event in ("WorkflowCompleted", "WorkflowError", "WorkflowCancelled", "error"):
                    break
        r.write("ws_reconnect.jsonl", transcript.body(), "WS /workflows/ws", None,
                note=f"socket 1 dropped after event_index {last_index} of a slow run; socket 2 reconnects")

    async def auth_errors() -> None:
        transcript = Transcript()
        async with websockets.connect(r.ws_url(), max_size=None) as ws:
            await recv(ws, transcript, 1)  # connected
            await send(ws, transcript, 1, {"action": "ping"})
            await recv(ws, transcript, 1)  # auth_required
            await send(ws, transcript, 1, {"action": "authenticate", "token": "not-the-key"})
            await recv(ws, transcript, 1)  # auth_error
            await send(ws, transcript, 1, {"action": "authenticate", "token": r.key},
                       {"action": "authenticate", "token": r.shown_token()})
            await recv(ws, transcript, 1)  # authenticated
            await send(ws, transcript, 1, {"action": "bogus"})
            await recv(ws, transcript, 1)  # error: unknown action
            await send(ws, transcript, 1, {"action": "start-workflow", "workflow_id": "no-such-workflow",
                                           "message": "x"})
            await recv(ws, transcript, 1)  # error: workflow not found
        r.write("ws_errors.jsonl", transcript.body(), "WS /workflows/ws", None,
                note="auth_required, auth_error, then an unknown action and an unknown workflow")

    asyncio.run(run_workflow())
    asyncio.run(reconnect())
    if r.key:
        asyncio.run(auth_errors())


def decode_ws(text: str) -> Tuple[str, Dict[str, Any]]:
    """WebSocket frames are either plain JSON or an SSE frame (event: ...\\ndata: {...})."""
    if text.startswith("event:"):
        event, data = "", "{}"
        for line in text.split("\n"):
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data = line[5:].strip()
        return event, json.loads(data)
    data = json.loads(text)
    return data.get("event", ""), data


# --------------------------------------------------------------------------------------
# After the runs: sessions, memories, knowledge, metrics, traces
# --------------------------------------------------------------------------------------


def record_state(r: Recorder) -> None:
    r.json("sessions.json", "GET", "/sessions", params={"limit": 50}, note="all session types mixed")
    for session_type, session_id in (("agent", "fx-agent-tool"), ("team", "fx-team"), ("workflow", "fx-workflow")):
        r.json(f"sessions_{session_type}.json", "GET", "/sessions", params={"type": session_type, "limit": 50})
        r.json(f"session_{session_type}.json", "GET", f"/sessions/{session_id}", params={"type": session_type})
        r.json(f"session_runs_{session_type}.json", "GET", f"/sessions/{session_id}/runs",
               params={"type": session_type})
    r.json("agent_run.json", "GET", f"/agents/{TOOL_AGENT}/runs/{r.ids['agent_run']}",
           params={"session_id": "fx-agent-tool"}, shown_path=f"/agents/{TOOL_AGENT}/runs/{{run_id}}")

    r.json("memories.json", "GET", "/memories", params={"user_id": USER})
    r.json("memory_topics.json", "GET", "/memory_topics", params={"user_id": USER})
    r.json("user_memory_stats.json", "GET", "/user_memory_stats")

    r.json("knowledge_config.json", "GET", "/knowledge/config")
    r.json("knowledge_content.json", "GET", "/knowledge/content")
    r.json("knowledge_search.json", "POST", "/knowledge/search", json={"query": "coffee machine", "max_results": 3})

    r.client.post("/metrics/refresh")  # aggregate today's runs before reading them
    r.json("metrics.json", "GET", "/metrics")

    # Spans are exported in batches: wait until the team run's trace is there.
    trace_id = None
    for _ in range(40):
        listing = r.client.get("/traces", params={"run_id": r.ids["team_run"]}).json()
        if listing.get("data"):
            trace_id = listing["data"][0]["trace_id"]
            break
        time.sleep(0.25)
    r.json("traces.json", "GET", "/traces", params={"limit": 50})
    if trace_id is None:
        raise RuntimeError("no trace recorded for the team run")
    r.json("trace_detail.json", "GET", f"/traces/{trace_id}", shown_path="/traces/{trace_id}",
           note="the team run: TEAM, LLM, TOOL and AGENT spans")


# --------------------------------------------------------------------------------------
# Session state, metadata and summary (--only sessions records just these)
# --------------------------------------------------------------------------------------


def record_session_state(r: Recorder) -> None:
    """A session whose state a run set (the run form's session_state), then PATCHed:
    state, metadata and a summary (agno accepts one in PATCH; the fake LLM writes none)."""
    session = "fx-session-state"
    r.json("session_state_run.json", "POST", f"/agents/{PLAIN_AGENT}/runs",
           data={"message": "Remember my cart", "stream": "false", "session_id": session, "user_id": USER,
                 "session_state": json.dumps({"cart": ["milk", "tea"], "step": 1})},
           note="a run that sets the session's state through the form")
    r.json("session_state_detail.json", "GET", f"/sessions/{session}", params={"type": "agent"},
           note="session_state as the run left it")
    r.json("session_state_patch.json", "PATCH", f"/sessions/{session}", params={"type": "agent", "user_id": USER},
           json={"session_state": {"cart": ["milk"], "step": 2, "note": "<b>not html</b>"},
                 "metadata": {"source": "fixtures", "pinned": True},
                 "summary": {"summary": "The user keeps a shopping cart.", "topics": ["shopping", "cart"]}},
           note="state, metadata and summary replaced; the answer is the session as stored")
    r.json("error_422_session_state.json", "PATCH", f"/sessions/{session}", expect=422,
           params={"type": "agent", "user_id": USER}, json={"session_state": ["not", "an", "object"]},
           note="session_state must be an object")
    r.json("error_404_session_patch.json", "PATCH", "/sessions/no-such-session", expect=404,
           params={"type": "agent"}, json={"session_state": {}})
    r.json("error_404_session_patch_other_user.json", "PATCH", f"/sessions/{session}", expect=404,
           params={"type": "agent", "user_id": "someone-else"}, json={"session_state": {}},
           note="another user's session is not found")


# --------------------------------------------------------------------------------------
# Operator areas: schedules, approvals, evals (--only ops records just these)
# --------------------------------------------------------------------------------------

SCHEDULE_PAUSING = "Archive review"  # demo/server.py DEMO_SCHEDULES: an on-demand run that pauses


def record_ops(r: Recorder) -> None:
    # Schedules: the demo's two, a trigger whose run pauses on an @approval tool.
    schedules = r.json("schedules.json", "GET", "/schedules")
    pausing = next(s for s in schedules["data"] if s["name"] == SCHEDULE_PAUSING)
    sid = pausing["id"]
    shown = "/schedules/{schedule_id}"
    run = r.json("schedule_trigger.json", "POST", f"/schedules/{sid}/trigger", shown_path=f"{shown}/trigger",
                 note="an on-demand schedule whose agent run pauses: status paused, with requirements")
    r.json("schedule_runs.json", "GET", f"/schedules/{sid}/runs", shown_path=f"{shown}/runs")
    r.json("schedule_run.json", "GET", f"/schedules/{sid}/runs/{run['id']}", shown_path=f"{shown}/runs/{{run_id}}")
    r.json("schedule.json", "GET", f"/schedules/{sid}", shown_path=shown)

    created = r.json("schedule_create.json", "POST", "/schedules", expect=201,
                     json={"name": "Fixture weekday hello", "cron_expr": "30 9 * * 1-5",
                           "endpoint": f"/agents/{PLAIN_AGENT}/runs", "timezone": "Europe/Berlin",
                           "payload": {"message": "Good morning"}, "description": "created by the recorder"})
    cid = created["id"]
    r.json("schedule_patch.json", "PATCH", f"/schedules/{cid}", shown_path=shown,
           json={"cron_expr": "0 8 * * *", "description": "edited by the recorder"})
    r.json("schedule_disable.json", "POST", f"/schedules/{cid}/disable", shown_path=f"{shown}/disable")
    r.json("error_409_schedule_disabled.json", "POST", f"/schedules/{cid}/trigger", expect=409,
           shown_path=f"{shown}/trigger", note="a disabled schedule cannot be triggered")
    r.json("schedule_enable.json", "POST", f"/schedules/{cid}/enable", shown_path=f"{shown}/enable")
    r.json("error_422_schedule_cron.json", "POST", "/schedules", expect=422,
           json={"name": "Fixture bad cron", "cron_expr": "every day", "endpoint": f"/agents/{PLAIN_AGENT}/runs"},
           note="the server's own cron check")
    r.json("error_422_schedule_body.json", "POST", "/schedules", expect=422,
           json={"name": "-bad name", "endpoint": "agents/x/runs"}, note="pydantic: name pattern, endpoint")
    r.json("error_409_schedule_name.json", "POST", "/schedules", expect=409,
           json={"name": "Fixture weekday hello", "endpoint": f"/agents/{PLAIN_AGENT}/runs"})
    r.json("error_404_schedule.json", "GET", "/schedules/no-such-schedule", expect=404)
    deleted = r.client.delete(f"/schedules/{cid}")
    if deleted.status_code != 204:
        raise RuntimeError(f"DELETE schedule: {deleted.status_code}")

    # Approvals: the scheduled run's record, and one from a person's run (rejected).
    r.json("approvals_count.json", "GET", "/approvals/count")
    r.json("approvals.json", "GET", "/approvals")
    approval = next(a for a in r.client.get("/approvals").json()["data"] if a["run_id"] == run["run_id"])
    aid = approval["id"]
    shown = "/approvals/{approval_id}"
    r.json("approval.json", "GET", f"/approvals/{aid}", shown_path=shown)
    r.json("approval_status.json", "GET", f"/approvals/{aid}/status", shown_path=f"{shown}/status")
    r.json("approval_resolve.json", "POST", f"/approvals/{aid}/resolve", shown_path=f"{shown}/resolve",
           json={"status": "approved", "resolved_by": "fixture-operator"})
    r.json("error_409_approval.json", "POST", f"/approvals/{aid}/resolve", expect=409,
           shown_path=f"{shown}/resolve", json={"status": "rejected"}, note="already resolved")
    r.json("approval_continue.json", "POST", f"/agents/{TOOL_AGENT}/runs/{run['run_id']}/continue",
           shown_path=f"/agents/{TOOL_AGENT}/runs/{{run_id}}/continue",
           data={"session_id": run["session_id"], "stream": "false"},
           note="no tools sent: agno applies the resolved approval and runs the tool")
    r.json("approval_after_continue.json", "GET", f"/approvals/{aid}", shown_path=shown,
           note="run_status COMPLETED")

    paused = r.json("approval_run_paused.json", "POST", f"/agents/{TOOL_AGENT}/runs",
                    data={"message": "Please archive the history", "stream": "false", "session_id": "fx-approval",
                          "user_id": USER}, note="a person's run pausing on the @approval tool")
    pending = r.json("approvals_pending.json", "GET", "/approvals",
                     params={"status": "pending", "agent_id": TOOL_AGENT, "user_id": USER})
    pid = next(a["id"] for a in pending["data"] if a["run_id"] == paused["run_id"])
    r.json("approval_reject.json", "POST", f"/approvals/{pid}/resolve", shown_path=f"{shown}/resolve",
           json={"status": "rejected", "resolved_by": "fixture-operator",
                 "resolution_data": {"note": "not today"}})
    r.json("approvals_rejected.json", "GET", "/approvals", params={"status": "rejected"})
    r.json("error_404_approval.json", "GET", "/approvals/no-such-approval", expect=404)
    r.json("error_422_approval_resolve.json", "POST", f"/approvals/{pid}/resolve", expect=422,
           shown_path=f"{shown}/resolve", json={"status": "maybe"})

    # Evals: one of each type, all judged by the stand-in LLM (the agent's own model).
    judge = {"model_id": "gpt-4o-mini-fake", "model_provider": "OpenAI"}
    accuracy = r.json("eval_accuracy.json", "POST", "/eval-runs",
                      json={"eval_type": "accuracy", "agent_id": TOOL_AGENT, **judge, "input": "What is 12 * 7?",
                            "expected_output": "84", "name": "Fixture accuracy", "num_iterations": 2},
                      note="model_id/model_provider = the agent's own model, so the judge is the fake LLM")
    r.json("eval_agent_as_judge.json", "POST", "/eval-runs",
           json={"eval_type": "agent_as_judge", "agent_id": PLAIN_AGENT, **judge, "input": "Say hello",
                 "criteria": 'The answer must contain "hello"', "scoring_strategy": "numeric", "threshold": 7,
                 "name": "Fixture judge"})
    r.json("eval_performance.json", "POST", "/eval-runs",
           json={"eval_type": "performance", "agent_id": PLAIN_AGENT, "input": "Hi", "num_iterations": 2,
                 "warmup_runs": 1, "name": "Fixture performance"})
    r.json("eval_reliability.json", "POST", "/eval-runs",
           json={"eval_type": "reliability", "agent_id": TOOL_AGENT, "input": "What is 2 + 3?",
                 "expected_tool_calls": ["add", "multiply"], "name": "Fixture reliability"},
           note="multiply is expected but not called: FAILED")
    r.json("eval_team_reliability.json", "POST", "/eval-runs",
           json={"eval_type": "reliability", "team_id": TEAM, "input": "What is 6 + 9?",
                 "expected_tool_calls": ["delegate_task_to_member"], "name": "Fixture team reliability"})
    r.json("eval_runs.json", "GET", "/eval-runs", params={"limit": 20})
    r.json("eval_runs_filtered.json", "GET", "/eval-runs", params={"eval_types": "accuracy,reliability",
                                                                  "agent_id": TOOL_AGENT})
    shown = "/eval-runs/{eval_run_id}"
    r.json("eval_run.json", "GET", f"/eval-runs/{accuracy['id']}", shown_path=shown)
    r.json("eval_rename.json", "PATCH", f"/eval-runs/{accuracy['id']}", shown_path=shown,
           json={"name": "Fixture accuracy (renamed)"})
    r.json("error_400_eval_accuracy.json", "POST", "/eval-runs", expect=400,
           json={"eval_type": "accuracy", "agent_id": TOOL_AGENT, "input": "x"}, note="no expected_output")
    r.json("error_422_eval.json", "POST", "/eval-runs", expect=422,
           json={"eval_type": "vibes", "input": ""}, note="unknown eval_type, empty input")
    r.json("error_404_eval.json", "GET", "/eval-runs/no-such-eval", expect=404)


# --------------------------------------------------------------------------------------
# The smaller gaps: memory filters, bulk delete and optimize; trace search; knowledge
# refresh, metadata, delete-all (--only gaps records just these)
# --------------------------------------------------------------------------------------

GAPS_USER = "fixture-gaps-user"


def record_gaps(r: Recorder) -> None:
    # A chat run remembers something with the librarian's agent_id (memories made through
    # POST /memories carry none), and leaves a trace to search for.
    run = r.client.post(f"/agents/{KNOWLEDGE_AGENT}/runs",
                        data={"message": "I like green tea", "stream": "false", "user_id": GAPS_USER,
                              "session_id": "fx-gaps"}).json()
    for text in ("The user likes green tea", "The user lives in Oslo", "The user has a cat"):
        r.client.post("/memories", json={"memory": text, "user_id": GAPS_USER, "topics": ["gaps"]})
    r.json("memories_agent.json", "GET", "/memories", params={"user_id": GAPS_USER, "agent_id": KNOWLEDGE_AGENT},
           note="the agent filter: only the memory the librarian's run made")
    r.json("memories_optimize_preview.json", "POST", "/optimize-memories",
           json={"user_id": GAPS_USER, "apply": False}, note="a preview: nothing saved")
    r.json("memories_optimize_apply.json", "POST", "/optimize-memories",
           json={"user_id": GAPS_USER, "apply": True}, note="the memories replaced by one summary")
    r.json("error_404_optimize.json", "POST", "/optimize-memories", expect=404,
           json={"user_id": "fixture-nobody", "apply": False})
    r.json("error_400_optimize_model.json", "POST", "/optimize-memories", expect=400,
           json={"user_id": GAPS_USER, "model": "gpt-4o", "apply": False}, note="no provider: prefix")
    ids = [m["memory_id"] for m in r.client.get("/memories", params={"user_id": GAPS_USER}).json()["data"]]
    deleted = r.client.request("DELETE", "/memories", json={"memory_ids": ids, "user_id": GAPS_USER})
    r.write("memories_delete_many.body", deleted.content, "DELETE /memories json {memory_ids, user_id}",
            deleted.status_code, "204, no body")
    r.json("error_422_delete_many.json", "DELETE", "/memories", expect=422, json={"user_id": GAPS_USER},
           note="memory_ids missing")

    r.json("traces_filter_schema.json", "GET", "/traces/filter-schema")
    flt = {"op": "AND", "conditions": [{"op": "EQ", "key": "status", "value": "OK"},
                                       {"op": "CONTAINS", "key": "user_id", "value": "gaps"}]}
    for _ in range(40):
        found = r.client.post("/traces/search", json={"filter": flt, "limit": 5}).json()
        if found.get("data"):
            break
        time.sleep(0.25)
    r.json("traces_search.json", "POST", "/traces/search", json={"filter": flt, "group_by": "run", "limit": 5},
           note=f"the librarian run {run.get('run_id')}: TraceDetail with its span tree")
    r.json("traces_search_sessions.json", "POST", "/traces/search",
           json={"filter": {"op": "STARTSWITH", "key": "session_id", "value": "fx-gaps"}, "group_by": "session"})
    r.json("error_400_traces_search.json", "POST", "/traces/search", expect=400,
           json={"filter": {"op": "LIKE", "key": "name", "value": "x"}}, note="unknown operator")

    seeded = r.client.get("/knowledge/content").json()["data"][0]
    shown = "/knowledge/content/{content_id}"
    r.json("knowledge_patch_metadata.json", "PATCH", f"/knowledge/content/{seeded['id']}", shown_path=shown,
           data={"metadata": json.dumps({"team": "docs", "reviewed": True})},
           note="agno merges the keys sent into the stored metadata")
    r.json("error_400_knowledge_metadata.json", "PATCH", f"/knowledge/content/{seeded['id']}", expect=400,
           shown_path=shown, data={"metadata": "not json"})
    r.json("error_400_knowledge_refresh.json", "POST", f"/knowledge/content/{seeded['id']}/refresh", expect=400,
           shown_path=f"{shown}/refresh", note="text content has no source URL")
    r.json("error_404_knowledge_refresh.json", "POST", "/knowledge/content/no-such-content/refresh", expect=404,
           shown_path=f"{shown}/refresh")
    r.json("error_400_remote_content.json", "POST", "/knowledge/remote-content", expect=400,
           data={"config_id": "no-such-source", "path": "docs/"}, note="the demo configures no remote source")
    r.json("knowledge_delete_all.json", "DELETE", "/knowledge/content", note="every content of the knowledge base")
    r.json("knowledge_content_empty.json", "GET", "/knowledge/content")


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def record_dbs(r: Recorder) -> None:
    """A server with two databases (demo/server.py with DEMO_SECOND_DB=1): /config's
    per-domain db lists with display names, agno's 400 without db_id, and each db's data."""
    r.json("config_two_dbs.json", "GET", "/config",
           note="recorded with `--only dbs`: demo/server.py with DEMO_SECOND_DB=1 (archive-db)")
    r.json("config_two_dbs_again.json", "GET", "/config",
           note="the same request again: agno 3.1.10 lists each knowledge base once more on every /config "
                "request when the knowledge domain is configured (here for its display names)")
    r.json("error_400_db_id_required.json", "GET", "/sessions", expect=400,
           note="two databases and no db_id")
    r.json("sessions_archive_db.json", "GET", "/sessions", params={"db_id": "archive-db"})
    r.json("memories_archive_db.json", "GET", "/memories", params={"db_id": "archive-db"})


# --------------------------------------------------------------------------------------
# Run control (issue 13 §5): regenerate, instructions, session fork, external tools
# (--only runctl records just these)
# --------------------------------------------------------------------------------------

EXTERNAL_AGENT = "warehouse-agent"  # demo/server.py: check_stock is @tool(external_execution=True)


def record_runctl(r: Recorder) -> None:
    agent_runs = f"/agents/{PLAIN_AGENT}/runs"
    shown = f"{agent_runs}/{{run_id}}/continue"
    session = "fx-runctl"
    frames = r.sse("sse_runctl_first.sse", agent_runs,
                   {"message": "hello there", "stream": "true", "session_id": session, "user_id": USER})
    first_run = first(frames, "RunStarted")["run_id"]
    frames = r.sse("sse_regenerate.sse", f"{agent_runs}/{first_run}/continue",
                   {"regenerate": "true", "stream": "true", "session_id": session, "user_id": USER},
                   shown_path=shown,
                   note="a new run (RunContinued, new run_id); the old one is stored as REGENERATED")
    second = first(frames, "RunContinued")["run_id"]
    r.sse("sse_regenerate_instructions.sse", f"{agent_runs}/{second}/continue",
          {"regenerate": "true", "additional_instructions": "Be brief", "stream": "true",
           "session_id": session, "user_id": USER}, shown_path=shown,
          note="the instructions become a user message: the fake LLM answers 'Echo: Be brief'")
    r.json("session_runs_regenerated.json", "GET", f"/sessions/{session}/runs",
           params={"type": "agent", "user_id": USER}, shown_path=f"/sessions/{session}/runs",
           note="both replaced runs are listed with status REGENERATED; regenerated_from, forked_from_run_id")
    r.json("fork_session.json", "POST", f"/agents/{PLAIN_AGENT}/sessions/{session}/fork",
           params={"user_id": USER}, note="a copy of every run under a new session id")
    r.json("error_400_fork_empty.json", "POST", f"/agents/{PLAIN_AGENT}/sessions/fx-no-such-session/fork",
           expect=400, params={"user_id": USER}, note="a session without runs (or none at all)")
    r.json("error_404_fork_agent.json", "POST", f"/agents/no-such-agent/sessions/{session}/fork",
           expect=404, params={"user_id": USER})

    ext_runs = f"/agents/{EXTERNAL_AGENT}/runs"
    frames = r.sse("sse_external_paused.sse", ext_runs,
                   {"message": "Check the stock of bolts", "stream": "true", "session_id": "fx-external",
                    "user_id": USER}, note="pauses with external_execution_required on the tool")
    paused = first(frames, "RunPaused")
    tools = [dict(t, result="42 bolts in stock", confirmed=True) for t in paused["tools"]]
    record_continue(r, "sse_external_continue.sse", ext_runs, paused["run_id"], "fx-external", "tools", tools,
                    note="the tool's result given on /continue (with confirmed: true): the answer quotes it")

    # A workflow's other pauses: a Router's route selection, a step's user input, then a
    # review of that step's output (demo/server.py review-workflow).
    wf_runs = "/workflows/review-workflow/runs"
    frames = r.sse("sse_workflow_route_paused.sse", wf_runs,
                   {"message": "coffee", "stream": "true", "session_id": "fx-review", "user_id": USER},
                   note="RouterPaused, WorkflowPaused with requires_route_selection and available_choices")
    paused = first(frames, "WorkflowPaused")
    run_id = paused["run_id"]
    reqs = paused["step_requirements"]
    for q in reqs:
        if q.get("requires_route_selection") and not q.get("selected_choices"):
            q["selected_choices"] = ["long"]
    frames = r.sse("sse_workflow_route_continue.sse", f"{wf_runs}/{run_id}/continue",
                   {"step_requirements": json.dumps(reqs), "session_id": "fx-review", "user_id": USER,
                    "stream": "true"}, shown_path=f"{wf_runs}/{{run_id}}/continue",
                   note="selected_choices ['long']: the route runs, then the next step pauses for user input")
    reqs = first(frames, "WorkflowPaused")["step_requirements"]
    for q in reqs:
        if q.get("requires_user_input") and q.get("user_input") is None:
            q["user_input"] = {"audience": "the team"}
            for f in q.get("user_input_schema") or []:
                f["value"] = "the team"
    frames = r.sse("sse_workflow_input_continue.sse", f"{wf_runs}/{run_id}/continue",
                   {"step_requirements": json.dumps(reqs), "session_id": "fx-review", "user_id": USER,
                    "stream": "true"}, shown_path=f"{wf_runs}/{{run_id}}/continue",
                   note="user_input {'audience': 'the team'}: the step runs, then StepOutputReview pauses it")
    reqs = first(frames, "WorkflowPaused")["step_requirements"]
    for q in reqs:
        if q.get("requires_output_review") and q.get("confirmed") is None:
            q["confirmed"] = True
    r.sse("sse_workflow_review_continue.sse", f"{wf_runs}/{run_id}/continue",
          {"step_requirements": json.dumps(reqs), "session_id": "fx-review", "user_id": USER, "stream": "true"},
          shown_path=f"{wf_runs}/{{run_id}}/continue", note="the output review confirmed: WorkflowCompleted")


def record_media(r: Recorder) -> None:
    """Issue 12 \u00a73: tools that return an image and audio, and a run with the person's own
    uploads (an image and a text file), live and as stored."""
    runs = f"/agents/{MEDIA_AGENT}/runs"
    r.sse("sse_media_image.sse", runs,
          {"message": "Please draw a picture", "stream": "true", "session_id": "fx-media-image", "user_id": USER},
          note="ToolCallCompleted and RunCompleted carry images: [{id, format, mime_type, alt_text, content (base64)}]")
    r.sse("sse_media_audio.sse", runs,
          {"message": "Play a sound", "stream": "true", "session_id": "fx-media-audio", "user_id": USER},
          note="ToolCallCompleted and RunCompleted carry audio: [{id, format, mime_type, duration, sample_rate, "
               "channels, content (base64)}]")
    r.sse("sse_media_hostile.sse", runs,
          {"message": "Show a broken picture", "stream": "true", "session_id": "fx-media-hostile", "user_id": USER},
          note="an image whose url is javascript:")
    r.json("session_runs_media.json", "GET", "/sessions/fx-media-image/runs", params={"type": "agent"},
           note="a stored run with images (base64 content)")
    r.json("session_runs_media_audio.json", "GET", "/sessions/fx-media-audio/runs", params={"type": "agent"},
           note="a stored run with audio (base64 content)")
    sys.path.insert(0, str(DEMO_DIR))
    from server import demo_png  # the same PNG the Artist draws

    r.json("run_media_upload.json", "POST", f"/agents/{PLAIN_AGENT}/runs",
           data={"message": "Look at these", "stream": "false", "session_id": "fx-media-upload", "user_id": USER},
           files=[("files", ("sun.png", demo_png(), "image/png")),
                  ("files", ("notes.txt", b"hello notes\n", "text/plain"))],
           note="multipart files= uploads: an image and a text file")
    r.json("session_runs_media_upload.json", "GET", "/sessions/fx-media-upload/runs", params={"type": "agent"},
           note="the person's uploads in input_media {images, videos, audios, files}")


def start_demo(port: int, llm_port: int, data_dir: Path, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ, OS_SECURITY_KEY=FIXTURE_KEY, DEMO_FAKE_LLM="1", AGNO_TELEMETRY="false")
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, str(DEMO_DIR / "server.py"), "--port", str(port), "--llm-port", str(llm_port),
         "--data-dir", str(data_dir)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the demo server exited early; see {log_path}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"the demo server did not become healthy; see {log_path}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# Written by demo/record_followups.py, not by this script (its file is not in manifest.json);
# kept in the README every recording writes.
FOLLOWUPS_NOTE = "`sse_followups.sse` comes from `demo/record_followups.py` instead (`.venv/bin/python demo/record_followups.py`): the demo's agents do not ask for follow-up suggestions, so it starts its own small AgentOS with one agent that does (`followups=True`; the answer from the fake LLM, the suggestions from a stub chat-completions route). It is not in `manifest.json`."
FOLLOWUPS_ROW = '| `sse_followups.sse` | 200 | `POST /agents/followup-agent/runs form {"message": "Hello! What can you do?", "stream": "true", "session_id": "fx-followups", "user_id": "fixture-user"}` | recorded by `demo/record_followups.py`: FollowupsStarted, FollowupsCompleted with three suggestions, then RunCompleted |'


def write_readme(r: Recorder, info: Dict[str, Any], command: str) -> None:
    today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    lines = [
        "# AgentOS wire fixtures",
        "",
        "Recorded from a real AgentOS by `demo/record_fixtures.py`; do not edit by hand, regenerate instead:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"- agno version: **{info.get('agno_version')}** (AgentOS `{info.get('os_id')}`, `{info.get('name')}`)",
        f"- recorded on: {today}",
        "- server: `demo/server.py` with its deterministic fake LLM (`demo/fake_llm.py`), a fresh data directory, "
        "and `OS_SECURITY_KEY=fixture-key`, so every request carries `Authorization: Bearer fixture-key`.",
        "- run ids, timestamps and durations differ on every recording; messages, session ids "
        "(`fx-*`), the user id (`fixture-user`) and the fake LLM's answers stay the same.",
        "",
        FOLLOWUPS_NOTE,
        "",
        "Formats:",
        "",
        "- `*.json`: response bodies, byte-exact as received (compact JSON, or empty).",
        "- `*.sse`: raw `text/event-stream` bodies, byte-exact as received.",
        "- `*.jsonl`: WebSocket transcripts, one JSON object per frame: "
        "`{\"socket\": 1|2, \"dir\": \"send\"|\"recv\", \"text\": \"<frame text>\"}`. "
        "`socket` numbers the connection (a reconnect opens socket 2).",
        "- `manifest.json`: for each file, the request that produced it, the HTTP status "
        "(null for WebSocket transcripts), its size and a note.",
        "",
        "Files:",
        "",
        "| file | status | request | note |",
        "|---|---|---|---|",
    ]
    for name, entry in r.manifest.items():
        request = entry["request"].replace("|", "\\|")
        note = entry.get("note", "").replace("|", "\\|")
        status = "" if entry["status"] is None else str(entry["status"])
        lines.append(f"| `{name}` | {status} | `{request}` | {note} |")
    if "sse_followups.sse" not in r.manifest:
        lines.append(FOLLOWUPS_ROW)
    lines.append("")
    (r.out / "README.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description="Record AgentOS wire fixtures for the Rust client tests.")
    parser.add_argument("--base-url", help="record from this running AgentOS instead of starting a demo server")
    parser.add_argument("--key", help="its security key (default: $OS_SECURITY_KEY); never printed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port for the own demo server ({DEFAULT_PORT})")
    parser.add_argument("--llm-port", type=int, default=DEFAULT_LLM_PORT,
                        help=f"port for its fake LLM ({DEFAULT_LLM_PORT})")
    parser.add_argument("--only", choices=["ops", "gaps", "sessions", "dbs", "runctl", "media"],
                        help="record only these areas (ops: schedules, approvals, evals; gaps: memory optimize and "
                             "bulk delete, trace search, knowledge refresh/metadata/delete-all; sessions: session "
                             "state, metadata and summary; dbs: a server with a second database, DEMO_SECOND_DB=1; "
                             "runctl: regenerate, fork, external tools, workflow pauses; media: tool media and "
                             "uploads); other fixtures stay")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    server: Optional[subprocess.Popen] = None
    data_dir: Optional[Path] = None
    if args.base_url:
        base_url = args.base_url
        key = args.key or os.environ.get("OS_SECURITY_KEY")
        command = f"python demo/record_fixtures.py --base-url {base_url} --key ..."
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="agentos-fixtures-"))
        log_path = data_dir / "server.log"
        say(f"starting the demo server on 127.0.0.1:{args.port} (fake LLM on {args.llm_port}), data in {data_dir}")
        if args.only == "dbs":
            os.environ["DEMO_SECOND_DB"] = "1"
        server = start_demo(args.port, args.llm_port, data_dir / "data", log_path)
        base_url, key = f"http://127.0.0.1:{args.port}", FIXTURE_KEY
        command = ".venv/bin/python demo/record_fixtures.py"

    recorder = Recorder(base_url, key, args.out)
    ok = False
    try:
        info = recorder.anonymous.get("/info").json()
        if args.only:
            # Keep the other fixtures and their manifest entries.
            manifest_path = args.out / "manifest.json"
            if manifest_path.exists():
                recorder.manifest.update(json.loads(manifest_path.read_text()))
            {"ops": record_ops, "gaps": record_gaps, "sessions": record_session_state, "dbs": record_dbs,
             "runctl": record_runctl, "media": record_media}[args.only](recorder)
        else:
            record_catalog(recorder)
            record_errors(recorder)
            record_runs(recorder)
            record_websockets(recorder)
            record_state(recorder)
            record_session_state(recorder)
            record_ops(recorder)
            record_gaps(recorder)
            record_runctl(recorder)
            record_media(recorder)
        manifest = json.dumps(recorder.manifest, indent=2, ensure_ascii=False) + "\n"
        (args.out / "manifest.json").write_text(manifest)
        write_readme(recorder, info, command)
        say(f"wrote {len(recorder.manifest)} fixtures, manifest.json and README.md to {args.out}")
        ok = True
    finally:
        recorder.client.close()
        recorder.anonymous.close()
        if server is not None:
            stop(server)
        if data_dir is not None:
            if ok:
                shutil.rmtree(data_dir, ignore_errors=True)
            else:
                say(f"kept {data_dir} (server.log) for inspection")


if __name__ == "__main__":
    main()
