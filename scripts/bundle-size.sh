#!/usr/bin/env bash
# Prints, for each route, the bytes a browser downloads on its first load, as served
# (brotli, gzip and raw), and fails when a route is over its budget.
#
#   ./scripts/bundle-size.sh [DIST_DIR]      # default: dist/
#   BUNDLE_BUDGET_BR_BYTES=160000 BUNDLE_BUDGET_BYTES=480000 ./scripts/bundle-size.sh
#
# A route's first load is index.html and every file index.html names (stylesheets, the boot
# module, the app's .js and .wasm, the icon): `route_files` below. The sizes are those of the
# precompressed copies the release build writes next to each file (scripts/postbuild.js:
# brotli quality 11, gzip level 9), i.e. the bytes scripts/serve_static.py, nginx
# (brotli_static / gzip_static) or Caddy (precompressed) send.
#
# Routes: the app is one bundle today (Trunk 0.21 cannot split wasm), so every route's first
# load is the same and the table has one row, "all routes". With code splitting, add a row
# per route to ROUTES and teach route_files which chunks that route loads.
#
# Budgets (regression gates, per route; one value for all routes today): brotli 376,000 B
# (365,482 B measured when set, +3%), gzip 480 KB. History of the gzip figure (gzip -6, all
# .wasm/.js/.css/.html): the foundation alone 213 KB; with chat, sessions and memories 367 KB
# (after replacing pulldown-cmark and serde derive, -77 KB); with knowledge, metrics and traces
# 452 KB; 457 KB with forms for tools that ask for input; 460 KB (gzip -9 as served: 471,334 B
# with the icon and the boot module) when brotli was added.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dist="${1:-$ROOT/dist}"
# Brotli: 365,482 B measured when this gate was set (README), plus a 3% margin.
br_budget="${BUNDLE_BUDGET_BR_BYTES:-376000}"
gz_budget="${BUNDLE_BUDGET_BYTES:-491520}"
for b in "$br_budget" "$gz_budget"; do
  [[ "$b" =~ ^[0-9]+$ ]] || die "BUNDLE_BUDGET_BR_BYTES and BUNDLE_BUDGET_BYTES must be numbers of bytes, got '$b'"
done
[[ -f "$dist/index.html" ]] || die "$dist/index.html not found: build first (trunk build --release --offline)"
ls "$dist"/*.wasm >/dev/null 2>&1 || die "no .wasm file in $dist: is this a Trunk build?"

ROUTES=("all routes")

# The files (relative to dist) that index.html names: href, src, and the data-js / data-wasm
# of the <meta> src/boot.js reads. Works on Trunk's minified HTML (quoted or not).
first_load_files() {
  printf '%s\n' index.html
  grep -oE '\b(href|src|data-js|data-wasm)=("[^"]*"|'"'"'[^'"'"']*'"'"'|[^"'"'"' >]+)' "$dist/index.html" \
    | sed -E 's/^[a-z-]+=//; s/^["'"'"']//; s/["'"'"']$//' \
    | grep -vE '^(#|[a-z]+:|//)' \
    | sed -E 's|^\./||; s|[?#].*$||' \
    | grep -v '^$' || true
}

# route_files ROUTE: the files of ROUTE's first load, one per line, each once.
route_files() {
  case "$1" in
    "all routes") first_load_files | awk '!seen[$0]++' ;;
    *) die "route_files: unknown route '$1'" ;;
  esac
}

# route_budget_br ROUTE / route_budget_gz ROUTE: that route's budgets in bytes.
route_budget_br() { echo "$br_budget"; }
route_budget_gz() { echo "$gz_budget"; }

size() { wc -c < "$1" | tr -d ' '; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

fail=0
summary=()
for route in "${ROUTES[@]}"; do
  mapfile -t files < <(route_files "$route")
  total_raw=0 total_br=0 total_gz=0
  printf '\nroute: %s\n' "$route"
  printf '  %-50s %10s %10s %10s\n' "file (in ${dist#"$ROOT"/})" "raw B" "brotli B" "gzip B"
  for f in "${files[@]}"; do
    [[ -f "$dist/$f" ]] || die "index.html names $f, which is not in $dist"
    [[ -f "$dist/$f.br" && -f "$dist/$f.gz" ]] \
      || die "$dist/$f has no .br/.gz copy: build with the release profile (Trunk.toml's post_build hook, scripts/postbuild.js, writes them)"
    raw=$(size "$dist/$f") br=$(size "$dist/$f.br") gz=$(size "$dist/$f.gz")
    total_raw=$((total_raw + raw)) total_br=$((total_br + br)) total_gz=$((total_gz + gz))
    printf '  %-50s %10d %10d %10d\n' "$f" "$raw" "$br" "$gz"
  done
  printf '  %-50s %10d %10d %10d\n' "TOTAL" "$total_raw" "$total_br" "$total_gz"
  rb=$(route_budget_br "$route") gb=$(route_budget_gz "$route")
  verdict=OK
  if (( total_br > rb || total_gz > gb )); then verdict=FAIL; fail=1; fi
  summary+=("$(printf '  %-14s %10d %10d %10d   %-6s (budget: brotli %d, gzip %d)' \
    "$route" "$total_raw" "$total_br" "$total_gz" "$verdict" "$rb" "$gb")")
done

printf '\nfirst load per route (bytes as served):\n'
printf '  %-14s %10s %10s %10s\n' "route" "raw B" "brotli B" "gzip B"
printf '%s\n' "${summary[@]}"
if (( fail )); then
  printf 'bundle size: FAIL: a route is over its budget (brotli %s, gzip %s)\n' "$(kb "$br_budget")" "$(kb "$gz_budget")" >&2
  exit 1
fi
printf 'bundle size: OK: every route within brotli %d B (%s) and gzip %d B (%s)\n' \
  "$br_budget" "$(kb "$br_budget")" "$gz_budget" "$(kb "$gz_budget")"
