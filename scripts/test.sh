#!/usr/bin/env bash
# Everything CI checks, in order:
#
#   ./scripts/test.sh
#
#   1. setup      scripts/setup.sh --with-browser (installs what is missing)
#   2. cargo test the workspace's native tests (the client crate and its fixture tests;
#                 the browser-only app crate is covered by build + e2e)
#   3. clippy     only with RUN_CLIPPY=1 (warnings are errors): the client natively, the app for wasm32
#   4. build      trunk build --release --offline  -> dist/
#   5. bundle     scripts/bundle-size.sh (first-load bytes per route as served, brotli budgets)
#   6. e2e        Playwright in Debian's Chromium: dist/ against a real demo AgentOS
#
# Every step runs even when an earlier one failed, except those that need its result
# (no build: no bundle check, no e2e). Exit status: 0 only when every step passed.
# The last line is "summary: N passed, N failed" over the tests that ran (a failed step
# that reported no failing test counts as one failure).
#
# Environment: RUN_CLIPPY=1; E2E_ARGS="..." (extra Playwright arguments, e.g. a file or
# --grep); ROUTE_BUDGET_BR; E2E_*_PORT (see e2e/env.js).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

logs="$ROOT/target/test-logs"
mkdir -p "$logs"
started=$(now_s)
passed=0
failed=0
results=()
declare -A ok

# run_step NAME COMMAND...: runs it with its output shown and kept in $logs/NAME.log
run_step() {
  local name="$1"; shift
  local t0 rc
  t0=$(now_s)
  printf '\n%s==> [%s]%s %s\n' "$_B" "$name" "$_N" "$*"
  "$@" 2>&1 | tee "$logs/$name.log"
  rc=${PIPESTATUS[0]}
  local secs=$(( $(now_s) - t0 ))
  if (( rc == 0 )); then
    ok[$name]=1
    results+=("$(printf '  %-10s ok      %4ds' "$name" "$secs")")
  else
    ok[$name]=0
    results+=("$(printf '  %-10s FAILED  %4ds  (exit %d; log: %s)' "$name" "$secs" "$rc" "${logs#"$ROOT"/}/$name.log")")
  fi
  return "$rc"
}

skip_step() {
  results+=("$(printf '  %-10s skipped       (%s)' "$1" "$2")")
}

# count_tests NAME: adds the step's test counts to the totals
count_tests() {
  local name="$1" p=0 f=0
  case "$name" in
    cargo-test)
      # "test result: ok. 12 passed; 0 failed; 0 ignored; ..."
      read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
                           END { print p + 0, f + 0 }' "$logs/$name.log")
      ;;
    e2e)
      # Playwright's list reporter: "  20 passed (1.0m)", "  2 failed", "  1 flaky", "  3 did not run"
      read -r p f < <(awk '/^ +[0-9]+ passed/ { p += $1 } /^ +[0-9]+ (failed|flaky|interrupted|did not run)/ { f += $1 }
                           END { print p + 0, f + 0 }' "$logs/$name.log")
      ;;
  esac
  if (( ok[$name] == 0 && f == 0 )); then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
}

# A step with no tests of its own counts as one failure when it fails.
count_step() { (( ok[$1] )) || failed=$((failed + 1)); }

# 1. setup
if ! run_step setup ./scripts/setup.sh --with-browser; then
  count_step setup
  printf '\n%s\n' "${results[@]}"
  echo "setup failed: nothing else can run"
  echo "summary: $passed passed, $((failed)) failed"
  exit 1
fi

# 2. native tests (cargo fetch first: the --offline release build needs the wasm-only crates too)
run_step fetch cargo fetch --locked; count_step fetch
# The app crate (src/) is browser-only (it uses the client's wasm32-only `web` transport), so
# it is not built natively: the release build type-checks it and the e2e suite exercises it.
# Everything else in the workspace (the client crate and its fixture tests) runs here.
run_step cargo-test cargo test --workspace --exclude agentos-dashboard --locked; count_tests cargo-test

# 3. clippy (opt-in)
# The client natively (with its tests), the browser-only app for its own target.
if [[ "${RUN_CLIPPY:-}" == 1 ]]; then
  run_step clippy cargo clippy -p agentos-client --all-targets --locked -- -D warnings; count_step clippy
  run_step clippy-app cargo clippy -p agentos-dashboard --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
  count_step clippy-app
fi

# 4. release build
run_step build trunk build --release --offline; count_step build

# 5 + 6. bundle size and browser tests need the build
if (( ok[build] )); then
  run_step bundle ./scripts/bundle-size.sh; count_step bundle
  # shellcheck disable=SC2086 # E2E_ARGS is a list of arguments
  run_step e2e bash -c "cd e2e && exec ./node_modules/.bin/playwright test ${E2E_ARGS:-}"; count_tests e2e
else
  skip_step bundle "no build"
  skip_step e2e "no build"
fi

total=$(( $(now_s) - started ))
printf '\n%s==> results%s (%dm%02ds)\n' "$_B" "$_N" $((total / 60)) $((total % 60))
printf '%s\n' "${results[@]}"
all_ok=1
for name in "${!ok[@]}"; do (( ok[$name] )) || all_ok=0; done
(( failed == 0 )) || all_ok=0
echo "summary: $passed passed, $failed failed"
(( all_ok ))
