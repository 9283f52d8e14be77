#!/usr/bin/env bash
# Builds the dashboard and runs it against the demo AgentOS, all on 127.0.0.1:
#
#   ./scripts/run.sh
#
# then open the printed URL (http://127.0.0.1:8080/?endpoint=http://127.0.0.1:7777).
# Ctrl-C stops everything.
#
# Environment:
#   DASHBOARD_PORT   static server for dist/ (default 8080)
#   DEMO_PORT        the demo AgentOS (default 7777)
#   DEMO_LLM_PORT    the demo's fake LLM (default 7778)
#   DEMO_DATA_DIR    where the demo keeps its SQLite/LanceDB files (default demo/data)
#   OS_SECURITY_KEY  if set, the demo server requires this key (enter it in the dashboard)
#   SKIP_SETUP=1     don't run scripts/setup.sh first
#   SKIP_BUILD=1     serve the dist/ that is there
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

DASHBOARD_PORT="${DASHBOARD_PORT:-8080}"
DEMO_PORT="${DEMO_PORT:-7777}"
DEMO_LLM_PORT="${DEMO_LLM_PORT:-7778}"
DEMO_DATA_DIR="${DEMO_DATA_DIR:-$ROOT/demo/data}"
HOST=127.0.0.1

[[ "${SKIP_SETUP:-}" == 1 ]] || ./scripts/setup.sh

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  say "build: trunk build --release --offline"
  cargo fetch --locked --quiet
  trunk build --release --offline
fi
[[ -f dist/index.html ]] || die "dist/index.html is missing: the build did not produce the dashboard"

pids=()
cleanup() {
  trap - INT TERM EXIT
  if (( ${#pids[@]} )); then
    echo
    say "stopping the demo AgentOS and the static server"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

origin="http://$HOST:$DASHBOARD_PORT"
# The demo server allows the dashboard's origin (both spellings of loopback) unless told otherwise.
export DEMO_CORS_ORIGINS="${DEMO_CORS_ORIGINS:-$origin,http://localhost:$DASHBOARD_PORT}"

say "start: demo AgentOS on http://$HOST:$DEMO_PORT (fake LLM on $DEMO_LLM_PORT, data in ${DEMO_DATA_DIR#"$ROOT"/})"
.venv/bin/python demo/server.py --port "$DEMO_PORT" --llm-port "$DEMO_LLM_PORT" --data-dir "$DEMO_DATA_DIR" &
pids+=($!)

# With the headers of dist/_headers (the Content-Security-Policy) and the .br/.gz copies.
say "start: static server for dist/ on $origin (with its Content-Security-Policy, precompressed)"
python3 scripts/serve_static.py --dir dist --host "$HOST" --port "$DASHBOARD_PORT" &
pids+=($!)

wait_http "$origin/" 10 "${pids[1]}" || die "the static server did not start on $origin"
wait_http "http://$HOST:$DEMO_PORT/health" 120 "${pids[0]}" \
  || die "the demo AgentOS did not answer on http://$HOST:$DEMO_PORT/health (see its messages above)"

url="$origin/?endpoint=http://$HOST:$DEMO_PORT"
cat <<EOF

  AgentOS dashboard is running. Open:

      $url

  (demo AgentOS: http://$HOST:$DEMO_PORT$([[ -n "${OS_SECURITY_KEY:-}" ]] && echo ", security key required"))
  Press Ctrl-C to stop.

EOF

# Stay up until Ctrl-C, or until one of the two servers exits by itself.
wait -n "${pids[@]}" || true
die "a server exited unexpectedly (see its messages above)"
