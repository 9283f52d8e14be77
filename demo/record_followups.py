#!/usr/bin/env python3
"""Record one streamed agent run with follow-up suggestions from a real AgentOS.

    .venv/bin/python demo/record_followups.py [--port 7887] [--llm-port 7888]

The demo's agents do not ask for follow-ups, so this starts its own small AgentOS
(agno 3.1.10, SQLite in a temporary directory) with one agent that has
`followups=True`: its answer comes from demo/fake_llm.py, and the follow-up call
(a structured-output request) from a stub chat-completions route on the same app
that always suggests the same three prompts. The LLM is the only stand-in: the
frames are AgentOS's own. Writes
crates/agentos-client/tests/fixtures/sse_followups.sse (byte-exact).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/agentos-client/tests/fixtures/sse_followups.sse"
SUGGESTIONS = ["What else can you do?", "Show me an example", "Explain it more simply"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=7887)
    ap.add_argument("--llm-port", type=int, default=7888)
    args = ap.parse_args()

    from agno.agent import Agent
    from agno.db.sqlite import SqliteDb
    from agno.models.openai import OpenAIChat
    from agno.os import AgentOS

    base = FastAPI()

    @base.post("/followup-llm/v1/chat/completions")
    async def followup_llm(request: Request) -> dict:
        body = await request.json()
        return {
            "id": "chatcmpl-followups", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", "followup-stub"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps({"suggestions": SUGGESTIONS})}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 12, "total_tokens": 22},
        }

    data_dir = Path(tempfile.mkdtemp(prefix="followups-"))
    agent = Agent(
        id="followup-agent", name="Followup Agent", db=SqliteDb(id="followups-db", db_file=str(data_dir / "agentos.db")),
        model=OpenAIChat(id="gpt-4o-mini", base_url=f"http://127.0.0.1:{args.llm_port}/v1", api_key="fake"),
        followups=True, num_followups=3,
        followup_model=OpenAIChat(id="followup-stub", base_url=f"http://127.0.0.1:{args.port}/followup-llm/v1", api_key="fake"),
    )
    app = AgentOS(agents=[agent], base_app=base, telemetry=False).get_app()
    llm = subprocess.Popen([sys.executable, str(ROOT / "demo/fake_llm.py"), "--port", str(args.llm_port)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health")
                urllib.request.urlopen(f"http://127.0.0.1:{args.llm_port}/health")
                break
            except OSError:
                time.sleep(0.2)
        form = "message=Hello%21+What+can+you+do%3F&stream=true&session_id=fx-followups&user_id=fixture-user"
        req = urllib.request.Request(f"http://127.0.0.1:{args.port}/agents/followup-agent/runs", data=form.encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        body = urllib.request.urlopen(req, timeout=60).read()
        OUT.write_bytes(body)
        print(f"wrote {OUT.relative_to(ROOT)} ({len(body)} bytes)")
    finally:
        server.should_exit = True
        llm.terminate()
        thread.join(5)


if __name__ == "__main__":
    main()
