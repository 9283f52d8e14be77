#!/usr/bin/env python3
"""The demo AgentOS: a real agno 3.1.10 AgentOS for trying out the dashboard.

One command starts everything, offline, without an API key:

    .venv/bin/python demo/server.py --port 7777

What runs:
  * a deterministic fake OpenAI-compatible LLM (demo/fake_llm.py) on --llm-port,
    started as a child process; agno's real OpenAIChat / OpenAIEmbedder talk to it.
    With OPENAI_API_KEY set (and DEMO_FAKE_LLM not "1"), real OpenAI models are
    used instead and no fake LLM is started.
  * three agents, one team and one workflow (see build_os below), stored in SQLite
    and LanceDB under --data-dir (demo/data by default, git-ignored).

Environment:
  OS_SECURITY_KEY    require "Authorization: Bearer <key>" (read by agno itself)
  DEMO_CORS_ORIGINS  comma-separated browser origins allowed by CORS
                     (default http://127.0.0.1:8080,http://localhost:8080)
  OPENAI_API_KEY     use real OpenAI models (gpt-4o-mini, o4-mini, text-embedding-3-small)
  DEMO_FAKE_LLM=1    force the fake LLM even when OPENAI_API_KEY is set

The server binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional

# agno reports usage to its cloud unless told not to; the demo stays on loopback.
os.environ.setdefault("AGNO_TELEMETRY", "false")

DEMO_DIR = Path(__file__).resolve().parent
DEFAULT_PORT = 7777
DEFAULT_LLM_PORT = 7778
DEFAULT_CORS_ORIGINS = ["http://127.0.0.1:8080", "http://localhost:8080"]
HOST = "127.0.0.1"

# Model ids. The fake LLM answers any id; an id containing "o3" makes agno use its
# native reasoning path (agno.reasoning.openai.is_openai_reasoning_model).
FAKE_CHAT_MODEL = "gpt-4o-mini-fake"
FAKE_REASONING_MODEL = "o3-mini-fake"
FAKE_EMBEDDING_MODEL = "text-embedding-fake"
FAKE_EMBEDDING_DIMENSIONS = 256
REAL_CHAT_MODEL = "gpt-4o-mini"
REAL_REASONING_MODEL = "o4-mini"
REAL_EMBEDDING_MODEL = "text-embedding-3-small"


def say(message: str) -> None:
    print(f"[demo] {message}", flush=True)


def use_real_openai() -> bool:
    return bool(os.environ.get("OPENAI_API_KEY")) and os.environ.get("DEMO_FAKE_LLM") != "1"


def cors_origins() -> List[str]:
    raw = os.environ.get("DEMO_CORS_ORIGINS")
    if not raw:
        return list(DEFAULT_CORS_ORIGINS)
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, timeout: float, process: Optional[subprocess.Popen] = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


# --------------------------------------------------------------------------------------
# The fake LLM child process
# --------------------------------------------------------------------------------------


def start_fake_llm(port: int) -> subprocess.Popen:
    """Start demo/fake_llm.py; it logs to our stderr and exits when we do."""
    process = subprocess.Popen(
        [sys.executable, str(DEMO_DIR / "fake_llm.py"), "--port", str(port), "--parent-pid", str(os.getpid())],
        stdin=subprocess.DEVNULL,
    )

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()

    atexit.register(stop)
    return process


# --------------------------------------------------------------------------------------
# The knowledge base's seed documents
# --------------------------------------------------------------------------------------

SEED_DOCUMENTS = [
    (
        "What is AgentOS?",
        "An introduction to AgentOS",
        "AgentOS is the runtime of the agno framework. It serves agents, teams and workflows over HTTP. "
        "Runs stream their progress as Server-Sent Events, workflows can also run over a WebSocket, "
        "and sessions, memories, knowledge, metrics and traces are stored in a database.",
    ),
    (
        "About the dashboard",
        "What the AgentOS dashboard is and how it is built",
        "The AgentOS dashboard is a web app written in Rust with the Leptos framework and compiled to "
        "WebAssembly. It connects to an AgentOS server, lets you chat with agents and teams, start "
        "workflows, approve tool calls, and browse sessions, memories, knowledge and traces.",
    ),
    (
        "Office handbook: the coffee machine",
        "A small, non-technical document for trying out search",
        "The coffee machine is on the third floor next to the library. Descale it every Friday. "
        "Oat milk is in the left fridge. If the machine shows a red light, press reset and wait two minutes.",
    ),
]


def seed_knowledge(knowledge) -> None:
    """Insert the seed documents once; later starts find them and skip."""
    existing = set()
    try:
        contents, _ = knowledge.get_content(limit=100)
        existing = {content.name for content in contents}
    except Exception:  # an empty or brand-new database
        pass
    missing = [doc for doc in SEED_DOCUMENTS if doc[0] not in existing]
    if not missing:
        say(f"knowledge base: {len(SEED_DOCUMENTS)} documents already present")
        return
    for name, description, text in missing:
        knowledge.insert(name=name, description=description, text_content=text,
                         metadata={"source": "demo-seed"}, skip_if_exists=True)
    say(f"knowledge base: seeded {len(missing)} document(s)")


# --------------------------------------------------------------------------------------
# The AgentOS
# --------------------------------------------------------------------------------------

# A tiny piece of state for the human-in-the-loop demo tool.
CALCULATOR_MEMORY = {"resets": 0}


# What a person who is not a developer sees (issue 12): agno 3.1.10 serves both in
# GET /config. `manifest` is UI metadata per component id (a home card's description and
# labels, the chat page's quick prompts); `chat.quick_prompts` is the older per-id list of
# prompts. Deliberately uneven, so the dashboard's fallbacks are exercised: the Librarian
# has no manifest entry (its own description shows; its prompts come from chat), the
# Research Team's entry has no prompts (they come from chat), and the Approved Brief
# workflow has neither (the plain chat). Every prompt is one of the fake LLM's triggers.
DEMO_MANIFEST = {
    "assistant-agent": {
        "description": "Ask anything and get a friendly, well-formatted answer.",
        "labels": ["Chat", "Formatting"],
        "quick_prompts": ["Show me some markdown", "Hello! What can you do?"],
    },
    "calculator-agent": {
        "description": "Works out sums step by step, and shows how it got there.",
        "labels": ["Maths", "Tools", "Reasoning"],
        "quick_prompts": ["What is 12 * 7?", "What is 1234 + 5678?"],
    },
    "guide-agent": {
        "description": "Ask a question and get ideas for what to ask next.",
        "labels": ["Chat", "Suggestions"],
        "quick_prompts": ["Hello! What can you do?"],
    },
    "research-team": {
        "description": "Two specialists working together: one for numbers, one for the handbook.",
        "labels": ["Team"],
    },
    "artist-agent": {
        "description": "Draws a small picture and plays a short tone, made on this machine.",
        "labels": ["Media", "Tools"],
        "quick_prompts": ["Please draw a picture", "Play a sound"],
    },
    "two-step-workflow": {
        "description": "Turns a question about the handbook into a short written brief.",
        "labels": ["Workflow", "Handbook"],
        "quick_prompts": ["search: where is the coffee machine?"],
    },
}
DEMO_QUICK_PROMPTS = {
    "librarian-agent": ["search: where is the coffee machine?", "search: what is AgentOS?"],
    "research-team": ["What is 6 times 7?", "search: how do I descale the coffee machine?"],
}


# The Artist's media (issue 12 §3), made here with the standard library only: no
# internet, no new dependency. A 64x64 PNG (zlib + struct) and a 0.4 s 440 Hz WAV.
def demo_png(size: int = 64) -> bytes:
    import struct
    import zlib

    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            inside = (x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 3) ** 2
            rows.extend((230, 120, 30) if inside else (40, 90, 200))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b""))


def demo_wav(seconds: float = 0.4, rate: int = 8000, hz: float = 440.0) -> bytes:
    import math
    import struct

    frames = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * hz * i / rate)))
                      for i in range(int(seconds * rate)))
    return (b"RIFF" + struct.pack("<I", 36 + len(frames)) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data" + struct.pack("<I", len(frames)) + frames)


def build_os(data_dir: Path, llm_port: int, port: int = DEFAULT_PORT):
    # A cancelled streaming run makes OpenTelemetry log a harmless "Failed to detach
    # context" traceback (the span's context was entered in another task); keep the
    # console readable.
    logging.getLogger("opentelemetry.context").setLevel(logging.CRITICAL)

    from agno.agent import Agent
    from agno.approval import approval
    from agno.db.sqlite import SqliteDb
    from agno.knowledge.embedder.openai import OpenAIEmbedder
    from agno.knowledge.knowledge import Knowledge
    from agno.models.openai import OpenAIChat
    from agno.os import AgentOS
    from agno.os.config import AgentOSConfig, ChatConfig, CORSConfig
    from agno.team import Team
    from agno.team.mode import TeamMode
    from agno.tools import tool
    from agno.tools.calculator import CalculatorTools
    from agno.vectordb.lancedb import LanceDb
    from agno.vectordb.search import SearchType
    from agno.workflow import Router, Step, StepInput, StepOutput, Workflow
    from agno.workflow.types import HumanReview
    from fastapi import FastAPI

    real = use_real_openai()
    if real:
        # Keep real-model data apart: the vectors have another dimension.
        data_dir = data_dir / "openai"
    data_dir.mkdir(parents=True, exist_ok=True)

    def chat_model(model_id: str) -> OpenAIChat:
        if real:
            return OpenAIChat(id=model_id)
        return OpenAIChat(id=model_id, base_url=f"http://{HOST}:{llm_port}/v1", api_key="fake")

    if real:
        model_id, reasoning_id = REAL_CHAT_MODEL, REAL_REASONING_MODEL
        embedder = OpenAIEmbedder(id=REAL_EMBEDDING_MODEL)
    else:
        model_id, reasoning_id = FAKE_CHAT_MODEL, FAKE_REASONING_MODEL
        # Models agno builds itself (from a "provider:model_id" string, or its defaults: the
        # memory optimizer's gpt-4o behind POST /optimize-memories) read OpenAI's endpoint and
        # key from the environment: point them at the stand-in too.
        os.environ["OPENAI_BASE_URL"] = f"http://{HOST}:{llm_port}/v1"
        os.environ.setdefault("OPENAI_API_KEY", "fake")
        os.environ["DEMO_FAKE_LLM"] = "1"
        embedder = OpenAIEmbedder(
            id=FAKE_EMBEDDING_MODEL,
            dimensions=FAKE_EMBEDDING_DIMENSIONS,
            base_url=f"http://{HOST}:{llm_port}/v1",
            api_key="fake",
        )

    db = SqliteDb(id="demo-db", db_file=str(data_dir / "agentos.db"))

    knowledge = Knowledge(
        name="Demo Handbook",
        description="Three short documents: what AgentOS is, what the dashboard is, and the office coffee machine",
        content_db=db,
        vector_db=LanceDb(
            uri=str(data_dir / "lancedb"),
            table_name="demo_handbook",
            embedder=embedder,
            search_type=SearchType.vector,
        ),
        max_results=3,
    )
    seed_knowledge(knowledge)

    @tool(requires_confirmation=True)
    def reset_memory_counter(reason: str) -> str:
        """Reset the calculator's memory counter. A person must approve this before it runs.

        Args:
            reason: Why the counter should be reset.
        """
        CALCULATOR_MEMORY["resets"] += 1
        return f"Calculator memory counter reset (reset #{CALCULATOR_MEMORY['resets']}). Reason: {reason}"

    # agno's approval-record flow: @approval on top of @tool makes a paused run also
    # write an approval record (GET /approvals), which anyone with access can resolve
    # (POST /approvals/{id}/resolve) before the run is continued.
    @approval
    @tool(requires_confirmation=True)
    def archive_calculation_history(reason: str) -> str:
        """Archive the calculator's history. An operator must approve this in the approvals queue.

        Args:
            reason: Why the history should be archived.
        """
        CALCULATOR_MEMORY["archives"] = CALCULATOR_MEMORY.get("archives", 0) + 1
        return f"Calculation history archived (archive #{CALCULATOR_MEMORY['archives']}). Reason: {reason}"

    @tool(requires_user_input=True, user_input_fields=["recipient"])
    def send_note(recipient: str, text: str) -> str:
        """Send a short note to a colleague. The person chatting says who receives it.

        Args:
            recipient: Who receives the note (asked from the person).
            text: The note.
        """
        return f"Note for {recipient} sent: {text}"

    # External execution (issue 13): agno does not run this tool; the run pauses with its
    # arguments and the person (or their system) sends the result back on /continue.
    @tool(external_execution=True)
    def check_stock(item: str) -> str:
        """Look up how many of an item are in stock. Runs outside the agent: you give the result.

        Args:
            item: The item to look up.
        """
        return "never called: external_execution"

    calculator = Agent(
        id="calculator-agent",
        name="Calculator",
        role="Answers arithmetic questions with a calculator",
        description="Does arithmetic step by step with a calculator, and thinks before answering.",
        instructions=[
            "Use the calculator tools for any arithmetic instead of computing in your head.",
            "Only call reset_memory_counter when the user asks for a reset; it needs human approval.",
            "Only call archive_calculation_history when the user asks to archive; an operator approves it.",
            "Try: 'What is 12 * 7?', 'Please reset the memory counter' or 'Please archive the history'.",
        ],
        model=chat_model(model_id),
        reasoning_model=chat_model(reasoning_id),
        tools=[CalculatorTools(), reset_memory_counter, archive_calculation_history],
        db=db,
        add_history_to_context=True,
        markdown=True,
    )

    librarian = Agent(
        id="librarian-agent",
        name="Librarian",
        role="Answers questions from the demo handbook and remembers the user",
        description="Searches the demo handbook (a small knowledge base) and remembers what you tell it.",
        instructions=[
            "Search the knowledge base before answering questions about AgentOS, the dashboard or the office.",
            "Quote what you found and keep answers short.",
            "Try: 'search: where is the coffee machine?', 'My favourite colour is green' or 'Send a note: lunch at noon'.",
        ],
        model=chat_model(model_id),
        tools=[send_note],
        knowledge=knowledge,
        search_knowledge=True,
        update_memory_on_run=True,
        db=db,
        add_history_to_context=True,
        num_history_runs=3,
        markdown=True,
    )

    assistant = Agent(
        id="assistant-agent",
        name="Assistant",
        role="A general chat assistant",
        description="A friendly chat assistant with no tools. Good for plain conversation and formatted answers.",
        instructions=[
            "Answer helpfully and format answers with Markdown when it helps.",
            "Try: 'Show me some markdown', 'Write something long', or 'Answer slowly' and press Stop.",
        ],
        model=chat_model(model_id),
        db=db,
        add_history_to_context=True,
        markdown=True,
    )

    # Added for demo mode (issue 12): agno asks the model for follow-up suggestions after
    # each answer (FollowupsStarted/FollowupsCompleted events, `followups` on the run).
    guide = Agent(
        id="guide-agent",
        name="Guide",
        role="Answers and suggests what to ask next",
        description="A chat assistant that suggests three follow-up questions after every answer.",
        instructions=["Answer briefly. Try: 'Hello!'"],
        model=chat_model(model_id),
        followups=True,
        num_followups=3,
        db=db,
        markdown=True,
    )

    # Added for run control (issue 13): its one tool is executed outside agno.
    warehouse = Agent(
        id="warehouse-agent",
        name="Warehouse",
        role="Checks stock with a tool you run yourself",
        description="Checks stock levels with a tool that runs outside the agent: you type the tool's result.",
        instructions=["Call check_stock to answer stock questions. Try: 'Check the stock of bolts'."],
        model=chat_model(model_id),
        tools=[check_stock],
        db=db,
        markdown=True,
    )

    # Issue 12 §3: tools that return media (agno's ToolResult), on their own agent so the
    # other agents' tool lists stay as they are.
    from agno.media import Audio, Image
    from agno.tools.function import ToolResult

    def draw_picture(subject: str):
        """Draw a small picture (a PNG made on this machine).

        Args:
            subject: What to draw.
        """
        return ToolResult(content="Drew a 64x64 picture: an orange sun on a blue sky.",
                          images=[Image(content=demo_png(), mime_type="image/png", format="png",
                                        alt_text="An orange sun on a blue sky")])

    def play_sound(description: str):
        """Play a short tone (a WAV made on this machine).

        Args:
            description: What the sound is for.
        """
        return ToolResult(content="Played a 0.4 second 440 Hz tone.",
                          audios=[Audio(content=demo_wav(), mime_type="audio/wav", format="wav",
                                        sample_rate=8000, duration=0.4)])

    def broken_picture_link(subject: str):
        """Return a picture whose address is not safe to load (for the dashboard's tests).

        Args:
            subject: What the picture is of.
        """
        return ToolResult(content="Returned a picture with a javascript: address.",
                          images=[Image(url="javascript:window.__pwned=1", alt_text="hostile picture")])

    artist = Agent(
        id="artist-agent",
        name="Artist",
        role="Draws pictures and plays sounds",
        description="Returns media from its tools: a small picture (PNG) and a short tone (WAV).",
        instructions=["Try: 'Please draw a picture', 'Play a sound' or 'Show a broken picture'."],
        model=chat_model(model_id),
        tools=[draw_picture, play_sound, broken_picture_link],
        db=db,
        markdown=True,
    )

    team = Team(
        id="research-team",
        name="Research Team",
        description="A coordinator that sends arithmetic to the Calculator and everything else to the Librarian.",
        instructions=[
            "Delegate arithmetic to the Calculator and questions about documents or the user to the Librarian.",
            "Then answer with what the member found.",
        ],
        mode=TeamMode.coordinate,
        members=[calculator, librarian],
        model=chat_model(model_id),
        db=db,
        markdown=True,
    )

    def format_brief(step_input: StepInput) -> StepOutput:
        """Step 2: turn the librarian's answer into a short brief, in plain Python."""
        answer = str(step_input.previous_step_content or "").strip()
        question = step_input.get_input_as_string() or ""
        words = len(answer.split())
        brief = f"Brief on: {question}\n\n{answer}\n\n({words} words, formatted by a Python step)"
        return StepOutput(content=brief)

    workflow = Workflow(
        id="two-step-workflow",
        name="Research Brief",
        description="Step 1 asks the Librarian; step 2 formats its answer into a short brief with plain Python.",
        db=db,
        steps=[
            Step(name="ask-librarian", agent=librarian, description="The Librarian answers the question"),
            Step(name="format-brief", executor=format_brief, description="Python formats the answer as a brief"),
        ],
    )

    def publish_brief(step_input: StepInput) -> StepOutput:
        """Step 2 of the approval workflow: runs only once a person approved it."""
        draft = str(step_input.previous_step_content or "").strip()
        return StepOutput(content=f"Published:\n\n{draft}")

    approval_workflow = Workflow(
        id="approval-workflow",
        name="Approved Brief",
        description="Step 1 drafts an answer with the Assistant; step 2 publishes it, but only after you approve.",
        db=db,
        steps=[
            Step(name="draft", agent=assistant, description="The Assistant drafts an answer"),
            Step(name="publish", executor=publish_brief, description="Publishes the draft once approved",
                 human_review=HumanReview(requires_confirmation=True,
                                          confirmation_message="Publish this draft?")),
        ],
    )

    # Added for run control (issue 13): the person answers each pause of a workflow: which
    # route to take (a Router without a selector), a value a step asks for, and a review of
    # a step's output.
    def short_brief(step_input: StepInput) -> StepOutput:
        return StepOutput(content=f"Short brief: {step_input.get_input_as_string() or ''}")

    def long_brief(step_input: StepInput) -> StepOutput:
        return StepOutput(content=f"Long brief: {step_input.get_input_as_string() or ''}, in detail.")

    def addressed_brief(step_input: StepInput) -> StepOutput:
        draft = str(step_input.previous_step_content or "").strip()
        audience = (step_input.additional_data or {}).get("user_input", {}).get("audience") if isinstance(
            step_input.additional_data, dict) else None
        return StepOutput(content=f"For {audience or 'everyone'}: {draft}")

    review_workflow = Workflow(
        id="review-workflow",
        name="Reviewed Brief",
        description="You pick the route, say who the brief is for, and review it before it is final.",
        db=db,
        steps=[
            Router(name="pick-length", description="You choose the brief's length",
                   choices=[Step(name="short", executor=short_brief), Step(name="long", executor=long_brief)],
                   human_review=HumanReview(requires_user_input=True,
                                            user_input_message="Which brief should be written?")),
            Step(name="address", executor=addressed_brief, description="Addresses the brief",
                 human_review=HumanReview(requires_user_input=True, user_input_message="Who is the brief for?",
                                          user_input_schema=[{"name": "audience", "field_type": "str",
                                                              "description": "Who reads it", "required": True}],
                                          requires_output_review=True,
                                          output_review_message="Keep this brief?")),
        ],
    )

    # A second database (opt-in: DEMO_SECOND_DB=1 or --second-db; see second_database).
    archive = second_database(data_dir, chat_model(model_id), embedder) if use_second_db() else None

    description = (
        "A demo AgentOS: agents that chat, calculate, search a small handbook and draw, a Research "
        "Team, and workflows that write a short brief (one waits for your approval). "
        + ("It uses real OpenAI models." if real else "It runs offline on a deterministic fake LLM.")
    )
    # FastAPI 0.165 emits its own OpenTelemetry span for every HTTP request, and agno's
    # tracer stores them: the Traces page would fill up with one "fastapi.dependencies"
    # trace per request (health polls included) with the agent spans buried inside, and
    # trace summaries would lack agent_id/run_id. A base app with FastAPI's native
    # tracing off keeps exactly one trace per agent, team or workflow run.
    base_app = FastAPI(title="AgentOS Demo", version="1.0.0", description=description,
                       telemetry={"tracing": False})

    agent_os = AgentOS(
        id="agentos-demo",
        name="AgentOS Demo",
        description=description,
        version="1.0.0",
        base_app=base_app,
        db=db,
        # The archive's agent goes last: specs pick "the first agent without tools".
        agents=[assistant, calculator, librarian, guide, warehouse, artist] + ([archive["agent"]] if archive else []),
        # The archive's knowledge base (its contents in archive-db) belongs to no agent.
        knowledge=[archive["knowledge"]] if archive else None,
        teams=[team],
        workflows=[workflow, approval_workflow, review_workflow],
        # Exact origins only. Deliberately no origin_regex: browser tests rely on other
        # origins (another port, 127.0.0.2) being refused.
        cors=CORSConfig(origins=cors_origins()),
        tracing=True,
        telemetry=False,
        # The cron scheduler: a poller fires due schedules by calling this server's own
        # endpoints (with an internal token, so it works with OS_SECURITY_KEY too).
        scheduler=True,
        scheduler_base_url=f"http://{HOST}:{port}",
        config=AgentOSConfig(chat=ChatConfig(quick_prompts=DEMO_QUICK_PROMPTS), manifest=DEMO_MANIFEST,
                             **(archive["config"] if archive else {})),
        **jwt_authorization(),
    )
    seed_schedules(db)
    return agent_os, real


def jwt_authorization() -> dict:
    """Opt-in JWT authorization (DEMO_JWT_SECRET=<shared secret>): every request needs a
    token signed with it (HS256) whose `scopes` claim grants the route (agno's scopes, e.g.
    `memories:read`); a missing scope answers 403 naming it. The e2e scopes test uses it.
    OS_SECURITY_KEY is then ignored by agno."""
    secret = os.environ.get("DEMO_JWT_SECRET")
    if not secret:
        return {}
    import warnings

    from agno.os.config import AuthorizationConfig

    with warnings.catch_warnings():
        # agno 3.1.10 calls authorization_config deprecated in favour of Authorization(...),
        # which checks a role store rather than the token's own scopes.
        warnings.simplefilter("ignore", DeprecationWarning)
        return {"authorization": True,
                "authorization_config": AuthorizationConfig(verification_keys=[secret], algorithm="HS256")}


def use_second_db() -> bool:
    return os.environ.get("DEMO_SECOND_DB") == "1"


# The second database (issue 13 §4), opt-in because agno 3.1.10 answers 400 "The db_id
# query parameter is required when using multiple databases" to every sessions, memories,
# metrics, traces and evals request without `db_id` once two databases are registered: the
# default suite (and any client that never sends db_id) keeps the one-database server.
# An Archivist agent stores its sessions and memories in `archive-db` (its own SQLite
# file); per-domain `dbs` give both databases a display name in GET /config.
ARCHIVE_SESSION = "archive-welcome"
ARCHIVE_USER = "archivist-user"


def second_database(data_dir: Path, model, embedder) -> dict:
    from agno.agent import Agent
    from agno.db.schemas.memory import UserMemory
    from agno.db.sqlite import SqliteDb
    from agno.knowledge.knowledge import Knowledge
    from agno.os.config import (
        DatabaseConfig, EvalsConfig, EvalsDomainConfig, KnowledgeConfig, KnowledgeDatabaseConfig,
        KnowledgeDomainConfig, MemoryConfig, MemoryDomainConfig, MetricsConfig, MetricsDomainConfig,
        SessionConfig, SessionDomainConfig, TracesConfig, TracesDomainConfig,
    )
    from agno.vectordb.lancedb import LanceDb
    from agno.vectordb.search import SearchType

    db = SqliteDb(id="archive-db", db_file=str(data_dir / "archive.db"))
    agent = Agent(
        id="archive-agent",
        name="Archivist",
        role="Keeps old notes in the archive database",
        description="A chat assistant whose sessions and memories live in a second database (archive-db).",
        instructions=["Answer briefly."],
        model=model,
        db=db,
        markdown=True,
    )
    # Seeded once, before the AgentOS exists (no tracing yet: no trace is written, and
    # nothing reaches the default database): one run of the Archivist, and a memory.
    if db.get_session(ARCHIVE_SESSION, session_type=_agent_session_type()) is None:
        agent.run("Where are the 2019 office move notes?", session_id=ARCHIVE_SESSION, user_id=ARCHIVE_USER)
        db.rename_session(ARCHIVE_SESSION, _agent_session_type(), "Archived office move")
        db.upsert_user_memory(UserMemory(memory="Prefers the archive's 2019 office move notes",
                                         topics=["archive"], user_id=ARCHIVE_USER))
        say("second database: seeded a session and a memory into archive-db")

    def two(config_cls, dbcfg_cls, main_name, archive_name):
        return config_cls(dbs=[DatabaseConfig(db_id="demo-db", domain_config=dbcfg_cls(display_name=main_name)),
                               DatabaseConfig(db_id="archive-db", domain_config=dbcfg_cls(display_name=archive_name))])

    config = {
        "session": two(SessionConfig, SessionDomainConfig, "Main sessions", "Archive sessions"),
        "memory": two(MemoryConfig, MemoryDomainConfig, "Main memories", "Archive memories"),
        "metrics": two(MetricsConfig, MetricsDomainConfig, "Main metrics", "Archive metrics"),
        "evals": two(EvalsConfig, EvalsDomainConfig, "Main evals", "Archive evals"),
        # The AgentOS's own db holds the traces; listing the archive too lets it be picked.
        "traces": two(TracesConfig, TracesDomainConfig, "Main traces", "Archive traces"),
        # Knowledge lists its databases with their tables (agno fills those in).
        "knowledge": KnowledgeConfig(dbs=[
            KnowledgeDatabaseConfig(db_id="demo-db", domain_config=KnowledgeDomainConfig(display_name="Main knowledge")),
            KnowledgeDatabaseConfig(db_id="archive-db",
                                    domain_config=KnowledgeDomainConfig(display_name="Archive knowledge")),
        ]),
    }
    # A knowledge base whose contents live in archive-db (empty: nothing is embedded).
    knowledge = Knowledge(
        name="Archive Notes",
        description="Old notes, kept in the archive database",
        content_db=db,
        vector_db=LanceDb(uri=str(data_dir / "lancedb-archive"), table_name="archive_notes", embedder=embedder,
                          search_type=SearchType.vector),
    )
    return {"agent": agent, "config": config, "knowledge": knowledge}


def _agent_session_type():
    from agno.db.base import SessionType

    return SessionType.AGENT


# The demo's schedules (created once; later starts find them by name and leave them as
# they are, edits included). Neither adds sessions on its own while tests run: the
# hourly one refreshes metrics, the other runs only when triggered.
DEMO_SCHEDULES = [
    {
        "name": "Hourly metrics refresh",
        "cron": "0 * * * *",
        "endpoint": "/metrics/refresh",
        "description": "Recomputes the daily metrics every hour, on the hour (UTC).",
    },
    {
        "name": "Archive review",
        "cron": "",  # on demand: runs only when triggered
        "endpoint": "/agents/calculator-agent/runs",
        "description": "Asks the Calculator to archive its history; the run pauses until an operator "
                       "approves it in the approvals queue.",
        "payload": {"message": "Please archive the calculation history (scheduled review)"},
    },
]


def seed_schedules(db) -> None:
    from agno.scheduler.manager import ScheduleManager

    manager = ScheduleManager(db)
    for spec in DEMO_SCHEDULES:
        manager.create(spec["name"], spec["cron"], spec["endpoint"], description=spec["description"],
                       payload=spec.get("payload"), if_exists="skip")
    say(f"scheduler: {len(DEMO_SCHEDULES)} demo schedules present")


def speed_up_scheduled_runs(app) -> None:
    """The scheduler checks a scheduled run's status every 30 s by default, so a
    trigger of a 1-second run answers after 30 s; poll every second instead."""
    executor = getattr(app.state, "scheduler_executor", None)
    if executor is not None:
        executor.poll_interval = 1


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the demo AgentOS (and its fake LLM) on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"AgentOS port (default {DEFAULT_PORT})")
    parser.add_argument("--llm-port", type=int, default=DEFAULT_LLM_PORT,
                        help=f"fake LLM port (default {DEFAULT_LLM_PORT})")
    parser.add_argument("--data-dir", type=Path, default=DEMO_DIR / "data",
                        help="where SQLite and LanceDB keep their files (default demo/data)")
    parser.add_argument("--second-db", action="store_true",
                        help="add a second database (archive-db) with its own agent; same as DEMO_SECOND_DB=1")
    args = parser.parse_args()
    if args.second_db:
        os.environ["DEMO_SECOND_DB"] = "1"
    started = time.monotonic()

    if not port_is_free(args.port):
        sys.exit(f"[demo] port {args.port} on {HOST} is already in use; pick another with --port")

    # Start the fake LLM first, so it boots while agno is being imported.
    llm: Optional[subprocess.Popen] = None
    if not use_real_openai():
        if not port_is_free(args.llm_port):
            sys.exit(f"[demo] fake LLM port {args.llm_port} on {HOST} is already in use; pick another with --llm-port")
        llm = start_fake_llm(args.llm_port)

    # SIGTERM before serving exits through Python, so atexit stops the fake LLM. While
    # serving, uvicorn captures SIGTERM, shuts down gracefully and then re-raises it;
    # by then there is nothing left to do here.
    server = None

    def on_sigterm(*_):
        if server is None:
            raise SystemExit(0)
        server.should_exit = True

    signal.signal(signal.SIGTERM, on_sigterm)

    import uvicorn

    if llm is not None and not wait_for_port(args.llm_port, timeout=20, process=llm):
        sys.exit("[demo] the fake LLM did not start; see the messages above")

    agent_os, real = build_os(args.data_dir.resolve(), args.llm_port, args.port)
    app = agent_os.get_app()

    config = uvicorn.Config(app, host=HOST, port=args.port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        speed_up_scheduled_runs(app)
        auth = "security key required" if os.environ.get("OS_SECURITY_KEY") else "no auth"
        llm_text = "real OpenAI models" if real else f"fake LLM on http://{HOST}:{args.llm_port}/v1"
        say(f"CORS origins: {', '.join(cors_origins())}")
        say(f"AgentOS demo ready on http://{HOST}:{args.port} ({llm_text}; {auth}; "
            f"started in {time.monotonic() - started:.1f}s)")

    threading.Thread(target=announce, daemon=True, name="announce").start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    say("stopped")


if __name__ == "__main__":
    main()
