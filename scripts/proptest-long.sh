#!/usr/bin/env bash
# Long property-test run: every test of the client crate's property-test files
# (crates/agentos-client/tests/properties.rs and markdown_props.rs; PROPTEST_FILES picks) with
# PROPTEST_CASES cases
# (default 1,000,000), in release mode, one test at a time, with its time.
#
#   ./scripts/proptest-long.sh            # 1,000,000 cases each
#   PROPTEST_CASES=100000 ./scripts/proptest-long.sh
#
# It takes long (tens of minutes on 2 cores); run it at low priority, e.g.
# `nice -n 19 timeout 40m ./scripts/proptest-long.sh`. The last line is the
# one-line result; README (Development) records the last one.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

export PROPTEST_CASES="${PROPTEST_CASES:-1000000}"
# The property-test files: the wire, the reducer, formatters and paths; the Markdown parser.
FILES=(${PROPTEST_FILES:-properties markdown_props})
start=$(now_s)
passed=0
count=0
failed=()
for file in "${FILES[@]}"; do
  say "building tests/$file.rs (release)"
  build=$(cargo test --release -p agentos-client --test "$file" --no-run 2>&1) || { printf '%s\n' "$build"; die "build failed"; }
  # Run the test binary itself (no cargo lock held while other builds run).
  bin=$(printf '%s\n' "$build" | sed -n "s/.*Executable tests\/$file.rs (\(.*\))\$/\1/p" | tail -1)
  [[ -x "$bin" ]] || die "test binary not found in: $build"
  tests=$("$bin" --list 2>/dev/null | sed -n 's/: test$//p')
  [[ -n "$tests" ]] || die "no tests found in tests/$file.rs"
  for t in $tests; do
    count=$((count + 1))
    t0=$(now_s)
    if out=$("$bin" --exact "$t" --test-threads=1 2>&1); then
      passed=$((passed + 1))
      printf '  %-62s ok    %5ss\n' "$file::$t" "$(( $(now_s) - t0 ))"
    else
      failed+=("$file::$t")
      printf '  %-62s FAIL  %5ss\n' "$file::$t" "$(( $(now_s) - t0 ))"
      printf '%s\n' "$out" | grep -E 'minimal failing|Test failed|panicked' | head -5 | sed 's/^/      /'
    fi
  done
done
total=$(( $(now_s) - start ))
if [[ ${#failed[@]} -eq 0 ]]; then
  echo "proptest-long: $passed/$count tests passed with PROPTEST_CASES=$PROPTEST_CASES each (release) in ${total}s on $(date -u +%Y-%m-%d)"
else
  echo "proptest-long: FAILED ${failed[*]} ($passed/$count passed) with PROPTEST_CASES=$PROPTEST_CASES in ${total}s on $(date -u +%Y-%m-%d)"
  exit 1
fi
