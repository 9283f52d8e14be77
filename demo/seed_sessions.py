"""Seeds many sessions into a demo AgentOS database, for the session-list benchmark.

    .venv/bin/python demo/seed_sessions.py --db DATA_DIR/agentos.db --count 10000 \
        --agent ID [--agent ID ...] [--team ID ...] [--workflow ID ...]

Writes through agno's own SqliteDb (`upsert_sessions`, in batches), so the rows are what
AgentOS itself stores: agent, team and workflow sessions spread over the last 90 days,
50 users, and a session name each (no runs: the list only reads the session rows). The
types come out in proportion to the ids given (each id gets an equal share).
"""

from __future__ import annotations

import argparse
import random
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the SQLite file of the AgentOS (demo: DATA_DIR/agentos.db)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--agent", action="append", default=[])
    parser.add_argument("--team", action="append", default=[])
    parser.add_argument("--workflow", action="append", default=[])
    parser.add_argument("--seed", type=int, default=7, help="random seed (the same rows every time)")
    args = parser.parse_args()

    from agno.db.sqlite import SqliteDb
    from agno.session import AgentSession, TeamSession, WorkflowSession

    targets = [("agent", i) for i in args.agent] + [("team", i) for i in args.team] + [("workflow", i) for i in args.workflow]
    if not targets:
        print("seed_sessions: give at least one --agent, --team or --workflow id", file=sys.stderr)
        return 2

    rng = random.Random(args.seed)
    db = SqliteDb(db_file=args.db)
    now = int(time.time())
    topics = ["invoice", "travel plan", "weekly report", "bug triage", "recipe", "contract review",
              "onboarding", "market scan", "support ticket", "release notes"]
    started = time.time()
    batch = []
    for n in range(args.count):
        kind, cid = targets[n % len(targets)]
        created = now - rng.randint(0, 90 * 86400)
        updated = min(now, created + rng.randint(0, 3 * 86400))
        common = dict(
            session_id=f"bench-{n:05d}",
            user_id=f"user-{rng.randint(1, 50):02d}",
            session_data={"session_name": f"{rng.choice(topics).capitalize()} #{n}"},
            metadata={"seeded_by": "demo/seed_sessions.py"},
            created_at=created,
            updated_at=updated,
        )
        if kind == "agent":
            batch.append(AgentSession(agent_id=cid, **common))
        elif kind == "team":
            batch.append(TeamSession(team_id=cid, **common))
        else:
            batch.append(WorkflowSession(workflow_id=cid, **common))
        if len(batch) == 500:
            db.upsert_sessions(batch, preserve_updated_at=True)
            batch = []
    if batch:
        db.upsert_sessions(batch, preserve_updated_at=True)
    print(f"seed_sessions: {args.count} sessions in {time.time() - started:.1f}s ({args.db})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
