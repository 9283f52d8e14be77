#!/usr/bin/env python3
"""A deterministic, offline stand-in for the OpenAI API.

The demo AgentOS (demo/server.py) points agno's real ``OpenAIChat`` and
``OpenAIEmbedder`` at this server, so every agno code path (the openai client,
agno's chunk parser, tool-call reassembly, usage metrics, reasoning, memory,
team delegation, knowledge search, human-in-the-loop pauses) runs for real,
without an API key and without internet.

Endpoints (127.0.0.1 only):

    POST /v1/chat/completions   streaming (SSE) and non-streaming, with usage
    POST /v1/embeddings         bag-of-words hashing vectors, float or base64
    GET  /v1/models             the model ids this server pretends to have

How it answers is decided generically from the request (the tools offered, the
last user message and the model id), never from names specific to the demo.
The rules, first match wins:

    the user message contains "boom"        -> HTTP 400 with an OpenAI error body
    a JSON-schema response_format            -> a JSON object of that schema: an eval judge's
                                                verdict (accuracy, agent-as-judge) or defaults
    model id contains "o3"                   -> a short streamed reasoning text
    "hostile:<case>" in the message          -> that crafted hostile answer (HOSTILE_CASES);
                                                memory and team delegation still go first
    the last message is a tool result        -> a final answer quoting that result
    tool `add_memory` offered                -> call add_memory (agno MemoryManager)
    tool `delegate_task_to_member` offered   -> delegate to the member that fits
    "A op B" and a calculator tool offered   -> call add/subtract/multiply/divide
    "search" and `search_knowledge_base`     -> call it with the user's query
    "reset" and a tool named *reset*         -> call it (agno pauses for confirmation)
    "note" and a tool named *note*           -> call it (agno pauses for the user's input)
    "archive" and a tool named *archive*     -> call it (an @approval tool: the pause writes an
                                                approval record)
    "stock" and a tool named *stock*         -> call it (an external-execution tool: the run
                                                pauses until the person gives its result)
    "draw"/"sound"/"broken" and a tool named so -> call it (tools that return media)
    "long"                                   -> >= 2,500 small chunks, streamed fast
    "markdown"                               -> a Markdown showcase answer
    "xss"                                    -> an answer with literal script/img HTML
    otherwise                                -> "Echo: <message>", word by word
    ("slow" anywhere adds 0.4 s between streamed words of a text answer)

Run it alone with ``python demo/fake_llm.py --port 7778``. One line per request
is logged to stderr (never headers, so never an API key).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import math
import os
import re
import struct
import sys
import threading
import time
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

DEFAULT_PORT = 7778
EMBEDDING_DIMENSIONS = 256
SLOW_DELAY_S = 0.4
LONG_MIN_CHUNKS = 2600

MODELS = ["gpt-4o-mini-fake", "o3-mini-fake", "text-embedding-fake"]


def log(line: str) -> None:
    print(f"[fake-llm] {line}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Reading the request
# --------------------------------------------------------------------------------------


def content_text(content: Any) -> str:
    """The text of an OpenAI message `content`, which may be a string or a list of parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, dict) and part.get("type") == "text":
                parts.append(str(part.get("text", "")))
            elif isinstance(part, str):
                parts.append(part)
        return " ".join(parts)
    return str(content)


def last_user_text(messages: List[Dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return content_text(message.get("content")).strip()
    return ""


def system_text(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(
        content_text(m.get("content")) for m in messages if m.get("role") in ("system", "developer")
    )


def offered_tools(body: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    """name -> function schema for every tool offered in the request."""
    tools: Dict[str, Dict[str, Any]] = {}
    for tool in body.get("tools") or []:
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and function.get("name"):
            tools[function["name"]] = function
    return tools


def pending_tool_results(messages: List[Dict[str, Any]]) -> Optional[List[Tuple[str, str]]]:
    """If the conversation ends with tool results, return [(tool name, result text)].

    The tool name is looked up in the assistant message that made the call.
    """
    results: List[Dict[str, Any]] = []
    index = len(messages) - 1
    while index >= 0 and messages[index].get("role") == "tool":
        results.insert(0, messages[index])
        index -= 1
    if not results:
        return None
    names: Dict[str, str] = {}
    if index >= 0 and messages[index].get("role") == "assistant":
        for call in messages[index].get("tool_calls") or []:
            names[call.get("id", "")] = (call.get("function") or {}).get("name", "")
    return [(names.get(r.get("tool_call_id", ""), "tool"), content_text(r.get("content"))) for r in results]


NUMBER = r"-?\d+(?:\.\d+)?"
OPERATORS = {
    "+": "add",
    "plus": "add",
    "-": "subtract",
    "minus": "subtract",
    "*": "multiply",
    "x": "multiply",
    "×": "multiply",
    "times": "multiply",
    "/": "divide",
    "÷": "divide",
    "divided by": "divide",
}
ARITHMETIC = re.compile(
    rf"({NUMBER})\s*(\+|-|\*|×|÷|/|\bx\b|\bplus\b|\bminus\b|\btimes\b|\bdivided by\b)\s*({NUMBER})",
    re.IGNORECASE,
)


def find_arithmetic(text: str) -> Optional[Tuple[str, float, float, str]]:
    """Find 'A op B' in text; returns (tool name, a, b, matched text)."""
    match = ARITHMETIC.search(text)
    if not match:
        return None
    a, op, b = match.group(1), match.group(2).lower(), match.group(3)
    return OPERATORS[op], float(a), float(b), match.group(0)


def tidy_number(value: float) -> Any:
    """12.0 -> 12, so tool arguments read naturally; 2.5 stays 2.5."""
    return int(value) if value.is_integer() else value


def parse_members(system: str) -> List[Dict[str, str]]:
    """Team members as agno lists them in the leader's system message:

    <member id="calculator-agent" name="Calculator">
      Role: ...
      Description: ...
    </member>
    """
    members = []
    for match in re.finditer(r'<member id="([^"]+)" name="([^"]*)"[^>]*>(.*?)</member>', system, re.DOTALL):
        members.append({"id": match.group(1), "name": match.group(2), "text": match.group(0)})
    return members


def is_calculator_member(member: Dict[str, str]) -> bool:
    return bool(re.search(r"calculat|arithmetic|math", member["text"], re.IGNORECASE))


# --------------------------------------------------------------------------------------
# Canned answers
# --------------------------------------------------------------------------------------

MARKDOWN_ANSWER = """## Markdown showcase

Here is what the dashboard can render:

- **Bold**, *italic* and `inline code`
- A bullet list item
  - with a nested item

1. First numbered step
2. Second numbered step
3. Third numbered step

| Tool | What it does |
|------|--------------|
| add | adds two numbers |
| search_knowledge_base | looks things up |

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"
```

> A quote, for good measure.

Read the [agno](https://docs.agno.com) docs. This [suspicious link](javascript:alert(1)) must not run.
"""

XSS_ANSWER = (
    "Here is some text that must be shown, never executed: "
    '<script>window.__xss=1</script> and <img src=x onerror="window.__xss=1"> '
    "-- if you can read both tags as plain text, the dashboard is safe."
)

SLOW_TAIL = (
    " I am answering slowly on purpose, one word at a time, so that there is plenty of time"
    " to press the stop button and watch the run being cancelled."
)


def long_answer_words() -> List[str]:
    """At least LONG_MIN_CHUNKS small chunks forming readable numbered paragraphs."""
    words: List[str] = ["# A long answer\n\n"]
    sentence = "This is sentence {n} of a deliberately long answer used to test rendering speed."
    n = 0
    while len(words) < LONG_MIN_CHUNKS:
        n += 1
        for word in sentence.format(n=n).split(" "):
            words.append(word + " ")
        if n % 5 == 0:
            words.append("\n\n")
    words.append("\n\nThe end.")
    return words


# --- Markdown stress answers (triggers "md-huge" and "md-stars"; see demo/README.md) ---
def md_huge_chunks(size: int = 3_000_000) -> List[str]:
    """`size` bytes (at most 8 MB) of Markdown paragraphs, streamed in 4 KiB chunks."""
    line = "Paragraph {n}: *some* **bold** text, `code` and a [link](https://docs.agno.com), padded out.\n\n"
    parts, total, n = [], 0, 0
    while total < min(size, 8_000_000):
        n += 1
        parts.append(line.format(n=n))
        total += len(parts[-1])
    text = "".join(parts)[:size]
    return [text[i : i + 4096] for i in range(0, len(text), 4096)]


def md_stars_chunks() -> List[str]:
    """30,000 emphasis delimiters that never close ("a* " x 30,000), in 300 chunks."""
    return ["a* " * 100] * 300
# --- end of the Markdown stress answers ---


def split_words(text: str) -> List[str]:
    """Split text into stream chunks of one word each, keeping the whitespace."""
    return re.findall(r"\S+\s*|\s+", text)


def quote_tool_result(name: str, result: str) -> str:
    """A final answer that quotes what a tool returned."""
    result = result.strip()
    parsed: Any = None
    try:
        parsed = json.loads(result)
    except (ValueError, TypeError):
        pass
    if isinstance(parsed, dict) and "result" in parsed:
        value = parsed["result"]
        if isinstance(value, float):
            value = tidy_number(value)
        return f"The answer is {value}. (The {name} tool returned {result})"
    if name == "search_knowledge_base":
        if isinstance(parsed, list) and parsed:
            first = parsed[0]
            snippet = first.get("content", "") if isinstance(first, dict) else str(first)
            snippet = " ".join(snippet.split())[:300]
            return (f"I found {len(parsed)} matching passage(s) in the knowledge base. "
                    f"The best match says: \"{snippet}\"")
        return f"The knowledge base returned: {result[:300]}"
    if name.startswith("delegate_task_to_member"):
        return f"Team answer: {result}"
    if name in ("add_memory", "update_memory", "delete_memory", "clear_memory"):
        return "Memory updated."
    return f"The {name} tool returned: {result[:500]}"


# --------------------------------------------------------------------------------------
# Hostile answers (for e2e/tests/hostile.spec.js; see demo/README.md)
#
# "hostile:<case>" anywhere in the latest user message makes the answer exactly
# HOSTILE_CASES[<case>](): text crafted to attack the dashboard (script tags, event
# handlers, javascript:/data:/vbscript: links, images on another host, deep nesting,
# quadratic emphasis, 3 MB, agno's cancel message). Every payload that could run sets
# window.__pwned = 1 or calls alert(); every image or stylesheet points at
# 127.0.0.9:9, a loopback address where nothing listens, so nothing leaves the machine
# even if the dashboard were to load it. All but "cancelled" end with HOSTILE_END.
# It works for an agent's answer, a team member's (the leader delegates as usual and
# then quotes the member) and a workflow step's (the step's agent answers with it).
# --------------------------------------------------------------------------------------

HOSTILE_TRIGGER = re.compile(r"hostile:([a-z0-9-]+)")
HOSTILE_END = "End of hostile case {case}."
HOSTILE_HOST = "127.0.0.9:9"
HOSTILE_BIG_BYTES = 3 * 1024 * 1024


def _hostile_html() -> str:
    return "\n\n".join([
        "HTML that must be shown as text and never run:",
        "<script>window.__pwned=1;alert('script')</script>",
        "<img src=x onerror=\"window.__pwned=1;alert('img')\">",
        "<svg onload=\"window.__pwned=1;alert('svg')\"><circle r=5></circle></svg>",
        "Inline: <img src=x onerror=window.__pwned=1> and <svg/onload=window.__pwned=1> and"
        " <a href=\"javascript:window.__pwned=1\" onclick=\"window.__pwned=1\">an anchor tag</a>.",
        "<iframe src=\"javascript:window.__pwned=1\"></iframe><iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
        "<details open ontoggle=\"window.__pwned=1\"><summary>x</summary></details>",
        "<input autofocus onfocus=\"window.__pwned=1\"> <body onload=\"window.__pwned=1\">",
        f"<style>@import url(http://{HOSTILE_HOST}/x.css);</style><link rel=stylesheet href=\"http://{HOSTILE_HOST}/y.css\">",
        f"<object data=\"http://{HOSTILE_HOST}/o\"></object><embed src=\"http://{HOSTILE_HOST}/e\">"
        "<video src=x onerror=\"window.__pwned=1\"></video>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=1\">",
        "In code: `<script>window.__pwned=1</script>`",
        "```html\n<script>window.__pwned=1</script>\n<img src=x onerror=\"window.__pwned=1\">\n```",
        "| <script>window.__pwned=1</script> | <img src=x onerror=window.__pwned=1> |\n|---|---|\n| a | b |",
    ])


def _hostile_links() -> str:
    data_html = base64.b64encode(b"<script>parent.__pwned=1;alert('data')</script>").decode()
    return "\n\n".join([
        "Links that must not be followable:",
        "[plain-js](javascript:window.__pwned=1) [mixed-case](JaVaScRiPt:window.__pwned=1)"
        " [entity](&#106;avascript:window.__pwned=1) [hex-entity](&#x6A;avascript:window.__pwned=1)"
        " [named-entity](javascript&colon;window.__pwned=1)",
        f"[data-html](data:text/html;base64,{data_html}) [vbscript](vbscript:msgbox(\"pwned\"))"
        " [file](file:///etc/passwd)",
        "[tab](<java\tscript:window.__pwned=1>) [newline](java&#10;script:window.__pwned=1)"
        " [control](\x01javascript:window.__pwned=1) [leading-space](< javascript:window.__pwned=1>)"
        " [nul](java\x00script:window.__pwned=1)",
        "[protocol-relative](//evil.example/steal) [relative](/#/connect?endpoint=http://evil.example)"
        " [in-app](#/connect?endpoint=http://evil.example)",
        "Autolinks: <javascript:window.__pwned=1> <JAVASCRIPT:window.__pwned=1>",
        "[ref-js][1] [ref-mixed][js2] [ref-data][3] [ref-proto][4]",
        "[1]: javascript:window.__pwned=1\n"
        "[js2]: JaVaScRiPt:window.__pwned=1 \"a title\"\n"
        f"[3]: data:text/html;base64,{data_html}\n"
        "[4]: //evil.example/ref",
    ])


def _hostile_images() -> str:
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg' onload='parent.__pwned=1'/>").decode()
    h = HOSTILE_HOST
    return "\n\n".join([
        "Images on another host that must not be loaded:",
        f"![pixel](http://{h}/pixel.png) ![https-pixel](https://{h}/pixel.png)"
        f" ![protocol-relative](//{h}/proto.png)",
        f"![ref-image][img] [![image-in-link](http://{h}/nested.png)](http://{h}/link)",
        f"![svg-data](data:image/svg+xml;base64,{svg})",
        f"<img src=\"http://{h}/raw.png\"> <picture><source srcset=\"http://{h}/set.png\"></picture>",
        f"[img]: http://{h}/ref.png",
    ])


def _hostile_big() -> str:
    line = ("Paragraph {n:06d}: a **large** answer with `code`, *emphasis*, a [link](https://docs.agno.com) "
            "and plain words to fill three megabytes of Markdown without end.\n\n")
    parts, size, n = [], 0, 0
    while size < HOSTILE_BIG_BYTES:
        n += 1
        piece = line.format(n=n)
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


HOSTILE_CASES = {
    "html": _hostile_html,
    "links": _hostile_links,
    "images": _hostile_images,
    "deep-quote": lambda: ">" * 5000 + " deepest quote",
    "deep-list": lambda: "- " * 3000 + "deepest item",
    "deep-stars": lambda: "*" * 4000 + "deepest emphasis" + "*" * 4000 + "\n\n" + "* " * 4000 + "deepest star",
    "quadratic": lambda: "a* " * 30000,
    "big": _hostile_big,
    "cancelled": lambda: "Run was cancelled",
}


def hostile_text(case: str) -> Optional[str]:
    make = HOSTILE_CASES.get(case)
    if make is None:
        return None
    text = make()
    if case == "cancelled":
        return text  # exactly agno's words, nothing added
    return text.rstrip("\n") + "\n\n" + HOSTILE_END.format(case=case)


def hostile_chunks(text: str) -> List[str]:
    """Stream pieces: 64 characters, or about 3,000 pieces for a long text."""
    size = max(64, len(text) // 3000 + 1)
    return [text[i : i + size] for i in range(0, len(text), size)]


def hostile_plan(user: str, tools: Dict[str, Dict[str, Any]],
                 results: Optional[List[Tuple[str, str]]]) -> Optional["Plan"]:
    """The plan for a message with a hostile trigger, or None to decide as usual.

    Memory updates and a team leader's delegation go the usual way (rules 3 and 4), so
    the member answers with the hostile text; a leader then quotes it (rule 2, chunked
    like the member's answer).
    """
    match = HOSTILE_TRIGGER.search(user)
    if not match or hostile_text(match.group(1)) is None:
        return None
    if results is not None:
        name, result = results[-1]
        return Plan("hostile-quote", hostile_chunks(quote_tool_result(name, result)))
    if "add_memory" in tools or "delegate_task_to_member" in tools:
        return None
    return Plan(f"hostile:{match.group(1)}", hostile_chunks(hostile_text(match.group(1)) or ""))


# --------------------------------------------------------------------------------------
# Deciding
# --------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------
# Structured output: the judges of agno's evals (see demo/README.md, "Evals")
#
# An accuracy eval asks for {accuracy_score, accuracy_reason} about a message with
# <expected_output> and <agent_output>; the score is 10 when every word of the expected
# output is in the agent's output, else the share of them found (at least 1).
# An agent-as-judge eval asks for {passed, reason} or {score, reason} about a fenced
# <output ...>; it passes when the output contains every "quoted phrase" of the criteria
# (in the system message), or, without quoted phrases, when the output is not empty.
# Any other schema gets a plain default value per property.
# --------------------------------------------------------------------------------------


def _tagged(text: str, tag: str) -> Optional[str]:
    match = re.search(rf"<{tag}(?: [^>]*)?>\n?(.*?)\n?</{tag}(?: [^>]*)?>", text, re.DOTALL)
    return match.group(1).strip() if match else None


def _words(text: str) -> List[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def structured_answer(body: Dict[str, Any], messages: List[Dict[str, Any]], user: str) -> Optional[str]:
    response_format = body.get("response_format")
    if not isinstance(response_format, dict) or response_format.get("type") not in ("json_schema", "json_object"):
        return None
    schema = (response_format.get("json_schema") or {}).get("schema") or {}
    properties = schema.get("properties") or {}
    if "accuracy_score" in properties:
        expected = _tagged(user, "expected_output") or ""
        output = _tagged(user, "agent_output") or ""
        wanted = _words(expected)
        found = set(_words(output))
        hits = sum(1 for w in wanted if w in found)
        score = 10 if wanted and hits == len(wanted) else max(1, round(10 * hits / len(wanted))) if wanted else 1
        reason = (f"{hits} of {len(wanted)} words of the expected output appear in the agent's output "
                  f"(fake judge: word overlap).")
        return json.dumps({"accuracy_score": score, "accuracy_reason": reason})
    if "reason" in properties and ("passed" in properties or "score" in properties):
        output = _tagged(user, "output") or ""
        criteria = system_text(messages)
        phrases = re.findall(r'"([^"]+)"', criteria)
        missing = [p for p in phrases if p.lower() not in output.lower()]
        passed = bool(output.strip()) and not missing
        if phrases:
            reason = (f"The output contains every phrase the criteria quote ({', '.join(phrases)})." if passed
                      else f"The output lacks: {', '.join(missing)}.")
        else:
            reason = "The output is not empty." if passed else "The output is empty."
        reason += " (fake judge)"
        if "passed" in properties:
            return json.dumps({"passed": passed, "reason": reason})
        return json.dumps({"score": 9 if passed else 2, "reason": reason})
    defaults = {"string": "fake", "integer": 1, "number": 1.0, "boolean": True, "array": [], "object": {}}
    return json.dumps({k: defaults.get((v or {}).get("type"), None) for k, v in properties.items()})
# agno 3.1.10 (agent/_response.py, _build_followup_messages) starts its system prompt so.
FOLLOWUPS_PROMPT = "generate follow-up suggestions"
FOLLOWUP_SUGGESTIONS = ["Tell me more about that", "Give me a short example", "Summarise it in one line"]


class Plan:
    """What to answer: text chunks and/or one tool call."""

    def __init__(self, kind: str, chunks: Optional[List[str]] = None, tool: Optional[Tuple[str, Dict]] = None,
                 delay: float = 0.0):
        self.kind = kind
        self.chunks = chunks or []
        self.tool = tool
        self.delay = delay


# The system prompt of agno's memory SummarizeStrategy (agno/memory/strategies/summarize.py).
OPTIMIZE_PROMPT = "You are a memory compression assistant."


def optimize_summary(facts: List[str]) -> str:
    """Every word of the memories once, in order, without filler words, and never longer
    than the memories together count: agno 3.1.10 answers 500 when the summary has more tokens than
    the memories it replaces (its response schema wants tokens_saved >= 0)."""
    seen, words = set(), []
    for word in " ".join(facts).split():
        key = word.lower().strip(".,;:!?")
        if key and key not in seen and key not in {"the", "a", "an", "user", "said", "i", "and"}:
            seen.add(key)
            words.append(word.strip(".,;:!?"))
    # agno counts ~4 characters a token per memory: this many characters never count more.
    limit = max(max((len(f) for f in facts), default=0), sum(len(f) for f in facts) - 4 * len(facts))
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out} {word}" if out else word
    return out or (facts[0] if facts else "")


def decide(body: Dict[str, Any]) -> Plan:
    messages: List[Dict[str, Any]] = body.get("messages") or []
    model = str(body.get("model", ""))
    tools = offered_tools(body)
    user = last_user_text(messages)
    lowered = user.lower()
    delay = SLOW_DELAY_S if "slow" in lowered else 0.0

    # 0. agno's follow-up suggestions call (an agent with followups=True): its system prompt
    #    asks for suggestions and the answer is the JSON of agno's `Followups` model.
    if FOLLOWUPS_PROMPT in system_text(messages):
        return Plan("followups", [json.dumps({"suggestions": FOLLOWUP_SUGGESTIONS})])
    # 0. agno's memory optimizer (POST /optimize-memories, SummarizeStrategy): one summary
    #    of the "Memory N: …" lines it sends, in their order.
    if OPTIMIZE_PROMPT in system_text(messages):
        facts = [f.strip() for f in re.findall(r"^Memory \d+: (.*)$", user, flags=re.MULTILINE)]
        return Plan("optimize", [optimize_summary(facts)])
    # 0. Structured output (agno's evaluators ask for a JSON schema): a verdict.
    structured = structured_answer(body, messages, user)
    if structured is not None:
        return Plan("structured", [structured])

    # 1. Reasoning models (agno's native ReasoningManager path): think out loud, briefly.
    if "o3" in model:
        thought = (
            f"Thinking about '{user[:120]}': break it into steps, pick the right tool if one fits, "
            "then check the result before answering."
        )
        return Plan("reasoning", split_words(thought))

    # 2. A tool already answered: finish by quoting it.
    results = pending_tool_results(messages)
    # (Hostile answers for the e2e corpus: see the "Hostile answers" block above.)
    hostile = hostile_plan(user, tools, results)
    if hostile is not None:
        return hostile
    if results is not None:
        name, result = results[-1]
        return Plan("tool-result", split_words(quote_tool_result(name, result)), delay=delay)

    # 3. agno's MemoryManager offers add_memory: always remember something short.
    if "add_memory" in tools:
        memory = " ".join(user.split())
        if len(memory) > 120:
            memory = memory[:117] + "..."
        return Plan("memory", tool=("add_memory", {"memory": f"The user said: {memory}", "topics": ["chat"]}))

    # 4. A team leader: delegate to the member that fits.
    if "delegate_task_to_member" in tools:
        members = parse_members(system_text(messages))
        if members:
            calculators = [m for m in members if is_calculator_member(m)]
            others = [m for m in members if not is_calculator_member(m)]
            # The calculator member also owns the reset tool (needs confirmation).
            if (find_arithmetic(user) or "reset" in user.lower()) and calculators:
                member = calculators[0]
            else:
                member = (others or members)[0]
            return Plan("delegate", tool=("delegate_task_to_member", {"member_id": member["id"], "task": user}))

    # 5. Arithmetic with a calculator tool.
    arithmetic = find_arithmetic(user)
    if arithmetic and arithmetic[0] in tools:
        name, a, b, _ = arithmetic
        return Plan("calculator", tool=(name, {"a": tidy_number(a), "b": tidy_number(b)}))

    # 6. Knowledge search.
    if "search" in lowered and "search_knowledge_base" in tools:
        return Plan("search", tool=("search_knowledge_base", {"query": user}))

    # 7. Human-in-the-loop tools, by naming convention: *reset* needs confirmation,
    #    *note* asks the person for some of its input. Every string parameter gets the
    #    user's message.
    for word, plan in (("reset", "confirmation-tool"), ("note", "user-input-tool"), ("archive", "approval-tool"),
                       ("stock", "external-tool"), ("draw", "media-tool"), ("sound", "media-tool"),
                       ("broken", "media-tool")):
        matching = [name for name in tools if word in name.lower()] if word in lowered else []
        if matching:
            name = matching[0]
            params = (tools[name].get("parameters") or {}).get("properties") or {}
            args = {key: user for key, schema in params.items() if schema.get("type", "string") == "string"}
            return Plan(plan, tool=(name, args))

    # 8. Plain text answers.
    if "md-huge" in lowered:
        size = re.search(r"md-huge (\d+)", lowered)
        return Plan("md-huge", md_huge_chunks(int(size.group(1)) if size else 3_000_000))
    if "md-stars" in lowered:
        return Plan("md-stars", md_stars_chunks())
    if "long" in lowered:
        return Plan("long", long_answer_words(), delay=delay)
    if "markdown" in lowered:
        return Plan("markdown", split_words(MARKDOWN_ANSWER), delay=delay)
    if "xss" in lowered:
        return Plan("xss", split_words(XSS_ANSWER), delay=delay)
    # agno follows a tool that returned media with a user message saying so.
    if user.startswith("The tool call above generated the attached media"):
        return Plan("media-answer", split_words("Here it is: the tool's media is shown below."), delay=delay)
    answer = f"Echo: {user}" if user else "Hello! How can I help?"
    if delay:
        answer += SLOW_TAIL
    return Plan("echo", split_words(answer), delay=delay)


# --------------------------------------------------------------------------------------
# OpenAI wire format
# --------------------------------------------------------------------------------------


def stable_id(prefix: str, *parts: Any) -> str:
    """A deterministic id: the same conversation gives the same ids."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"{prefix}{digest[:24]}"


def count_tokens(text: str) -> int:
    return max(1, len(re.findall(r"\w+|[^\w\s]", text)))


def usage_for(body: Dict[str, Any], output: str) -> Dict[str, Any]:
    prompt = " ".join(content_text(m.get("content")) for m in body.get("messages") or [])
    prompt += json.dumps(body.get("tools") or [])
    prompt_tokens = count_tokens(prompt)
    completion_tokens = count_tokens(output) if output else 1
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
    }


def argument_fragments(arguments: str) -> List[str]:
    """Split a JSON arguments string into a few fragments, as real providers do."""
    if len(arguments) <= 3:
        return [arguments]
    size = max(1, math.ceil(len(arguments) / 4))
    return [arguments[i : i + size] for i in range(0, len(arguments), size)]


def sse(data: Any) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return f"data: {payload}\n\n".encode()


async def stream_plan(body: Dict[str, Any], plan: Plan, completion_id: str, model: str) -> AsyncIterator[bytes]:
    created = int(time.time())
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

    def chunk(delta: Dict[str, Any], finish: Optional[str] = None) -> bytes:
        return sse(
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            }
        )

    output = ""
    if plan.tool is not None:
        name, args = plan.tool
        arguments = json.dumps(args)
        call_id = stable_id("call_", body.get("messages"), name)
        yield chunk({"role": "assistant", "content": None})
        yield chunk({"tool_calls": [{"index": 0, "id": call_id, "type": "function",
                                     "function": {"name": name, "arguments": ""}}]})
        for fragment in argument_fragments(arguments):
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": fragment}}]})
        output = name + arguments
        yield chunk({}, "tool_calls")
    else:
        yield chunk({"role": "assistant", "content": ""})
        for i, piece in enumerate(plan.chunks):
            if plan.delay and i > 0:
                await asyncio.sleep(plan.delay)
            yield chunk({"content": piece})
            output += piece
        yield chunk({}, "stop")
    if include_usage:
        yield sse({"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                   "choices": [], "usage": usage_for(body, output)})
    yield sse("[DONE]")


def completion_json(body: Dict[str, Any], plan: Plan, completion_id: str, model: str) -> Dict[str, Any]:
    message: Dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    if plan.tool is not None:
        name, args = plan.tool
        arguments = json.dumps(args)
        message["tool_calls"] = [{"id": stable_id("call_", body.get("messages"), name), "type": "function",
                                  "function": {"name": name, "arguments": arguments}}]
        finish, output = "tool_calls", name + arguments
    else:
        output = "".join(plan.chunks)
        message["content"] = output
        finish = "stop"
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": usage_for(body, output),
    }


def openai_error(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}},
        status_code=status,
    )


# --------------------------------------------------------------------------------------
# Embeddings
# --------------------------------------------------------------------------------------


def embed(text: str, dimensions: int) -> List[float]:
    """Bag-of-words hashing: each word adds +/-1 to one bucket; then L2-normalised.

    Texts sharing words get similar vectors, which is all a demo search needs.
    """
    vector = [0.0] * dimensions
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        bucket = int.from_bytes(digest[:4], "little") % dimensions
        sign = 1.0 if digest[4] & 1 else -1.0
        vector[bucket] += sign
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0:
        vector[0] = 1.0
        return vector
    return [v / norm for v in vector]


# --------------------------------------------------------------------------------------
# HTTP handlers
# --------------------------------------------------------------------------------------


async def chat_completions(request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        return openai_error(400, "Request body is not valid JSON.", "invalid_json")
    messages = body.get("messages") or []
    model = str(body.get("model", "fake"))
    stream = bool(body.get("stream"))
    # Only the latest user message counts, so one "boom" does not poison a session's history.
    if "boom" in last_user_text(messages).lower():
        log(f"POST /v1/chat/completions model={model} stream={stream} -> 400 (boom)")
        return openai_error(400, "mock provider failure (boom)", "fake_boom")

    plan = decide(body)
    completion_id = stable_id("chatcmpl-", messages, model)
    detail = f" tool={plan.tool[0]}" if plan.tool else f" chunks={len(plan.chunks)}"
    log(f"POST /v1/chat/completions model={model} stream={stream} tools={len(body.get('tools') or [])}"
        f" -> {plan.kind}{detail}{' slow' if plan.delay else ''}")

    if stream:
        return StreamingResponse(
            stream_plan(body, plan, completion_id, model),
            media_type="text/event-stream",
            headers={"cache-control": "no-cache"},
        )
    if plan.delay:
        await asyncio.sleep(plan.delay * min(len(plan.chunks), 10))
    return JSONResponse(completion_json(body, plan, completion_id, model))


async def embeddings(request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        return openai_error(400, "Request body is not valid JSON.", "invalid_json")
    inputs = body.get("input")
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not inputs:
        return openai_error(400, "'input' must be a string or a non-empty list of strings.", "invalid_input")
    dimensions = int(body.get("dimensions") or EMBEDDING_DIMENSIONS)
    encoding = body.get("encoding_format") or "float"
    data = []
    total_tokens = 0
    for index, item in enumerate(inputs):
        text = item if isinstance(item, str) else " ".join(str(t) for t in item)
        total_tokens += count_tokens(text)
        vector = embed(text, dimensions)
        if encoding == "base64":
            value: Any = base64.b64encode(struct.pack(f"<{dimensions}f", *vector)).decode()
        else:
            value = vector
        data.append({"object": "embedding", "index": index, "embedding": value})
    log(f"POST /v1/embeddings model={body.get('model')} inputs={len(inputs)} dims={dimensions} encoding={encoding}")
    return JSONResponse(
        {
            "object": "list",
            "data": data,
            "model": body.get("model", "text-embedding-fake"),
            "usage": {"prompt_tokens": total_tokens, "total_tokens": total_tokens},
        }
    )


async def models(_: Request) -> Response:
    log("GET /v1/models")
    return JSONResponse(
        {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "fake-llm"} for m in MODELS]}
    )


async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/embeddings", embeddings, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
    ]
)


def exit_with_parent(parent_pid: int) -> None:
    """When started by demo/server.py, stop as soon as that process is gone."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Deterministic offline OpenAI-compatible LLM for the AgentOS demo.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parent_pid:
        exit_with_parent(args.parent_pid)
    log(f"listening on http://127.0.0.1:{args.port}/v1")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
