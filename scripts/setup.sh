#!/usr/bin/env bash
# Installs what building, running and testing the dashboard needs, and skips what is
# already there at the right version (a second run takes seconds).
#
#   ./scripts/setup.sh                 # build tools + the demo server's Python venv
#   ./scripts/setup.sh --with-browser  # also Debian's Chromium and the e2e npm packages
#
# What it installs (on a fresh machine: about 20 minutes, mostly compiling trunk):
#   * the wasm32-unknown-unknown Rust target (rustup)
#   * trunk 0.21.14 (cargo install --locked)
#   * wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock
#   * binaryen 132's wasm-opt and terser (release builds minify their JavaScript), from npm, into
#     scripts/tools/node_modules (scripts/tools/package-lock.json)
#   * .venv with demo/requirements.txt (re-installed only when that file changes)
#   * with --with-browser: Debian's chromium (apt) and e2e/node_modules (npm ci, e2e/package-lock.json)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132

with_browser=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown option: $arg (try --help)" ;;
  esac
done

started=$(now_s)
step=""
trap 'rc=$?; [[ $rc -ne 0 && -n "$step" ]] && printf "\nERROR: setup failed while: %s (exit %s)\n" "$step" "$rc" >&2' EXIT

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }

# --- prerequisites that this script does not install ---------------------------------
need cargo   "install Rust with rustup (https://rustup.rs); this project needs rustc >= 1.85"
need rustup  "the wasm32 target is added with rustup; install Rust with rustup"
need node    "install Node.js >= 20 (it runs wasm-opt and Playwright)"
need npm     "install npm (comes with Node.js)"
need python3 "install Python >= 3.10 (the demo AgentOS is Python)"
need curl    "install curl (apt-get install curl)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 20 )) || die "Node.js $(node --version) is too old: need >= 20 (Playwright)"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "python3 $(python3 --version 2>&1) is too old: agno needs >= 3.10"

# --- Rust: wasm32 target ---------------------------------------------------------------
step="adding the wasm32-unknown-unknown target"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  ok "skip: Rust target wasm32-unknown-unknown is installed"
else
  say "install: Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- trunk -----------------------------------------------------------------------------
step="installing trunk $TRUNK_VERSION (cargo install)"
if [[ "$(trunk --version 2>/dev/null || true)" == "trunk $TRUNK_VERSION" ]]; then
  ok "skip: trunk $TRUNK_VERSION"
else
  say "install: trunk $TRUNK_VERSION (cargo install --locked; about 12 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

# --- wasm-bindgen CLI == Cargo.lock ----------------------------------------------------
step="installing wasm-bindgen-cli (cargo install)"
wbg_version=$(wasm_bindgen_lock_version)
[[ -n "$wbg_version" ]] || die "could not read the wasm-bindgen version from Cargo.lock"
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" == "wasm-bindgen $wbg_version" ]]; then
  ok "skip: wasm-bindgen-cli $wbg_version (matches Cargo.lock)"
else
  say "install: wasm-bindgen-cli $wbg_version, the version in Cargo.lock (about 4 minutes)"
  # Not --locked: its own lockfile can pin crates that no longer build with this rustc.
  cargo install wasm-bindgen-cli --version "$wbg_version" --force
fi

# --- wasm-opt (binaryen, npm, project-local) -------------------------------------------
step="installing binaryen $BINARYEN_VERSION (npm ci in scripts/tools)"
tools="$ROOT/scripts/tools"
stamp="$tools/node_modules/.setup-stamp"
want=$(file_hash "$tools/package-lock.json")
if [[ -x "$tools/node_modules/.bin/wasm-opt" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]] \
   && "$tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version_$BINARYEN_VERSION"; then
  ok "skip: wasm-opt (binaryen $BINARYEN_VERSION) in scripts/tools"
else
  say "install: binaryen $BINARYEN_VERSION's wasm-opt into scripts/tools/node_modules (npm ci)"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
  "$tools/node_modules/.bin/wasm-opt" --version | grep -q "version_$BINARYEN_VERSION" \
    || die "scripts/tools/node_modules/.bin/wasm-opt is not binaryen $BINARYEN_VERSION"
  echo "$want" > "$stamp"
fi

# --- tools/wasm-split (the build's code-splitting step, its own Cargo.lock) -------------
step="building tools/wasm-split (cargo build --locked)"
say "build: tools/wasm-split (a few minutes the first time, then a no-op)"
cargo build --release --locked --quiet --manifest-path "$ROOT/tools/wasm-split/Cargo.toml"
ok "tools/wasm-split"

# --- the demo server's Python venv -----------------------------------------------------
step="creating .venv and installing demo/requirements.txt (pip)"
req="$ROOT/demo/requirements.txt"
[[ -f "$req" ]] || die "demo/requirements.txt is missing: the demo AgentOS cannot be installed"
venv="$ROOT/.venv"
stamp="$venv/.requirements.sha256"
want="$(file_hash "$req") $(python3 --version 2>&1)"
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import sys' 2>/dev/null \
   && [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
  ok "skip: .venv is up to date with demo/requirements.txt"
else
  if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    say "install: .venv (python3 -m venv)"
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  say "install: demo/requirements.txt into .venv (pip; about 1 minute)"
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$req"
  echo "$want" > "$stamp"
fi

# --- browser tests: Chromium + Playwright ----------------------------------------------
if (( with_browser )); then
  step="installing Debian's chromium (apt-get)"
  chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [[ -x "$chromium" ]] && "$chromium" --version >/dev/null 2>&1; then
    ok "skip: $("$chromium" --version 2>/dev/null | head -1) at $chromium"
  else
    [[ -z "${CHROMIUM_PATH:-}" ]] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not a working Chromium"
    need apt-get "Chromium for the browser tests comes from Debian's packages (apt-get install chromium)"
    sudo=""
    if (( EUID != 0 )); then need sudo "installing chromium needs root"; sudo="sudo"; fi
    say "install: chromium (apt-get; about 1-2 minutes)"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends chromium
    "$chromium" --version >/dev/null 2>&1 || die "chromium was installed but $chromium --version fails"
  fi

  step="installing the e2e npm packages (npm ci in e2e)"
  stamp="$ROOT/e2e/node_modules/.setup-stamp"
  want=$(file_hash "$ROOT/e2e/package-lock.json")
  if [[ -x "$ROOT/e2e/node_modules/.bin/playwright" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    ok "skip: e2e/node_modules is up to date with e2e/package-lock.json"
  else
    say "install: e2e npm packages (npm ci; no browser download)"
    (cd "$ROOT/e2e" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
fi

step=""
say "setup done in $(( $(now_s) - started ))s"
