# Shared by the scripts in this folder: `source "$(dirname "$0")/lib.sh"`.
# Sets ROOT (the repo root), puts the project's tools on PATH, and defines helpers.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# cargo-installed tools (trunk, wasm-bindgen) and the project-local wasm-opt (binaryen, npm).
export PATH="$ROOT/scripts/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Never let a tool download a browser: the machine has Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# agno reports usage to its cloud unless told not to.
export AGNO_TELEMETRY=false

if [[ -t 1 ]]; then _B=$'\e[1m'; _R=$'\e[31m'; _G=$'\e[32m'; _N=$'\e[0m'; else _B=; _R=; _G=; _N=; fi

say()  { printf '%s==>%s %s\n' "$_B" "$_N" "$*"; }
ok()   { printf '%s ok%s  %s\n' "$_G" "$_N" "$*"; }
die()  { printf '%sERROR:%s %s\n' "$_R$_B" "$_N" "$*" >&2; exit 1; }

# now_s: seconds since the epoch (for timings)
now_s() { date +%s; }

# The wasm-bindgen version pinned in Cargo.lock (Trunk needs the CLI to match exactly).
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# file_hash FILE...: one sha256 over the given files' contents
file_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

# wait_http URL SECONDS [PID]: wait until URL answers with any HTTP status; fail early if PID dies.
wait_http() {
  local url="$1" secs="$2" pid="${3:-}" i
  for ((i = 0; i < secs * 10; i++)); do
    if curl -s -o /dev/null --max-time 1 "$url"; then return 0; fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}
