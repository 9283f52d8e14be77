#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): splits the app's wasm into a main module and
# one lazily loaded chunk per area (src/lazy.rs), in Trunk's staging directory.
#
# Trunk 0.21 cannot split (trunk-rs/trunk#1022), so this redoes its last two steps
# on the wasm rustc linked (with --emit-relocs, .cargo/config.toml):
#   1. tools/wasm-split (wasm_split_cli_support, the splitter cargo-leptos uses)
#      cuts the wasm at its split points: main.wasm, the chunks, and a small JS
#      loader module that the main module imports;
#   2. wasm-bindgen (the CLI of Cargo.lock's version) binds main.wasm, under the
#      file names Trunk chose, keeping the exports the chunks import;
#   3. release builds: wasm-opt -Oz (index.html's flags) on main and each chunk;
#   4. chunk and loader file names get a content hash; the SRI hashes Trunk wrote
#      into index.html are replaced by those of the new files.
# Chunks are fetched relative to the JS (import.meta.url): sub-path hosting works.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

stage="${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook}"
profile="${TRUNK_PROFILE:-debug}"
raw="$ROOT/target/wasm32-unknown-unknown/$profile/agentos-dashboard.wasm"
[[ -f "$raw" ]] || die "split-wasm: $raw not found"

# The wasm-bindgen output Trunk staged: <base>.js and <base>_bg.wasm.
mapfile -t bg < <(find "$stage" -maxdepth 1 -name 'agentos-dashboard-*_bg.wasm')
(( ${#bg[@]} == 1 )) || die "split-wasm: expected one agentos-dashboard-*_bg.wasm in $stage, found ${#bg[@]}"
base="$(basename "${bg[0]}" _bg.wasm)"
[[ -f "$stage/$base.js" ]] || die "split-wasm: $stage/$base.js not found"

# The splitter: built once (its own Cargo.lock), rebuilt when its source changes.
tool_dir="$ROOT/tools/wasm-split"
tool="$tool_dir/target/release/wasm-split"
if [[ ! -x "$tool" || -n "$(find "$tool_dir/src" "$tool_dir/Cargo.toml" -newer "$tool" 2>/dev/null)" ]]; then
  say "building tools/wasm-split (once)"
  cargo build --release --locked --quiet --manifest-path "$tool_dir/Cargo.toml"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/split" "$work/bound"

# The loader's name carries a hash of the input, so a new build is never served
# an old cached loader; it is fixed before splitting because main.wasm imports it.
link="split-$(sha256sum "$raw" | cut -c1-16).js"
"$tool" "$raw" "$work/split" "$work/split/main.wasm" "./$base.js" "./$link" > "$work/splits.txt"

wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$work/bound" --out-name "$base" "$work/split/main.wasm"

# The chunks the loader names (an empty chunk is written but never loaded).
loader="$work/split/$link"
chunks=()
for chunk in "$work/split"/*.wasm; do
  name="$(basename "$chunk" .wasm)"
  [[ "$name" == main ]] && continue
  grep -qF "\"./$name.wasm\"" "$loader" && chunks+=("$chunk")
done

# Release: wasm-opt -Oz (index.html's flags) on main and every chunk, in one Node
# process (binaryen's JS API): the npm wasm-opt CLI starts slowly, 80 chunks add up.
if [[ "$profile" == release ]]; then
  node "$ROOT/scripts/wasm-opt-many.mjs" "$work/bound/${base}_bg.wasm" "${chunks[@]}" 2>&1 |
    { grep -v 'unknown name subsection' || true; }
fi

declare -A hashed_name
for chunk in "${chunks[@]}"; do
  name="$(basename "$chunk" .wasm)"
  hashed="$name-$(sha256sum "$chunk" | cut -c1-16).wasm"
  sed -i "s|\"\./$name\.wasm\"|\"./$hashed\"|g" "$loader" # names are [a-z0-9_]
  cp "$chunk" "$stage/$hashed"
  hashed_name[$name]="$hashed"
done

# split-manifest.json: what each area loads besides the main module (for
# scripts/route-bytes.js); the app itself does not read it.
{
  printf '{\n  "main": ["%s", "%s", "%s"],\n  "areas": {' "$base.js" "${base}_bg.wasm" "$link"
  sep=""
  while read -r area files; do
    printf '%s\n    "%s": [' "$sep" "$area"
    fsep=""
    for f in $files; do
      [[ -n "${hashed_name[$f]:-}" ]] || continue # an empty split has no file
      printf '%s"%s"' "$fsep" "${hashed_name[$f]}"
      fsep=", "
    done
    printf ']'
    sep=","
  done < "$work/splits.txt"
  printf '\n  }\n}\n'
} > "$stage/split-manifest.json"

# A head start for the route the address opens: the loader gets `prefetch(area)`, which
# src/boot.js calls as soon as the loader module is there (index.html preloads it), so the
# area's chunks download alongside the main module instead of after it has started. Every
# module's loader (makeLoad) is wrapped: `prefetch` starts its fetch (and its chunks'); the
# load takes that fetch when it comes (a failed one fails that load; Retry fetches again).
node - "$loader" "$stage" "$link" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [loaderPath, stage, link] = process.argv.slice(2);
let js = fs.readFileSync(loaderPath, 'utf8');
const calls = /(^|[^\w])makeLoad\(/g;
const defs = (js.match(/function makeLoad\(/g) || []).length;
if (defs !== 1) throw new Error('split-wasm: the loader has no makeLoad() to wrap (wasm_split_cli_support changed?)');
js = js.replace(calls, (m, pre) => (m.startsWith('function') || /function\s*$/.test(pre) ? m : `${pre}__prefetchable(`))
  .replace('function __prefetchable(', 'function makeLoad(');
js = js.replace(/export const __wasm_split_load_([a-z0-9_]+) = wrapAsyncCb\(__prefetchable\(/g,
  (_, area) => `export const __wasm_split_load_${area} = wrapAsyncCb(__areas.${area} = __prefetchable(`);
if (!js.includes('__areas.')) throw new Error('split-wasm: no area loaders found in the loader');
js = `const __areas = {};
${js}
function __prefetchable(fetcher, deps) {
    let early, used = false;
    const load = makeLoad(() => {
        used = true;
        const instantiate = early || fetcher();
        early = undefined;
        return instantiate;
    }, deps);
    load.prefetch = () => {
        if (!used && !early) early = fetcher();
        for (const dep of deps) dep.prefetch();
    };
    return load;
}
export function prefetch(area) {
    if (Object.hasOwn(__areas, area)) __areas[area].prefetch();
}
`;
fs.writeFileSync(loaderPath, js);
for (const page of fs.readdirSync(stage).filter((f) => f.endsWith('.html'))) {
  const file = path.join(stage, page);
  const html = fs.readFileSync(file, 'utf8');
  if (!html.includes('</head>')) throw new Error(`split-wasm: no </head> in ${page}`);
  fs.writeFileSync(file, html.replace('</head>', `<link rel="modulepreload" href="./${link}" data-split-loader></head>`));
}
JS

sri() {
  node -e 'const c = require("node:crypto"), fs = require("node:fs");
    process.stdout.write("sha384-" + c.createHash("sha384").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$1"
}
old_js="$(sri "$stage/$base.js")"
old_wasm="$(sri "$stage/${base}_bg.wasm")"
cp "$work/bound/$base.js" "$stage/$base.js"
cp "$work/bound/${base}_bg.wasm" "$stage/${base}_bg.wasm"
cp "$loader" "$stage/$link"
new_js="$(sri "$stage/$base.js")"
new_wasm="$(sri "$stage/${base}_bg.wasm")"
while IFS= read -r -d '' f; do
  sed -i -e "s|$old_js|$new_js|g" -e "s|$old_wasm|$new_wasm|g" "$f"
done < <(find "$stage" -maxdepth 1 -name '*.html' -print0)

# Trunk runs the hooks of one stage at the same time: a hook that must see the split
# files (e.g. one that precompresses them, scripts/postbuild.js) runs from here, after.
if [[ -f "$ROOT/scripts/postbuild.js" ]]; then
  node "$ROOT/scripts/postbuild.js"
fi

ok "split-wasm: $(grep -c . "$work/splits.txt") lazy areas, $(find "$stage" -maxdepth 1 -name '*.wasm' | wc -l) wasm files"
