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
#   3. release builds: wasm-opt -Oz (index.html's flags) on main and each chunk; short
#      names for the main module's imports (scripts/short-imports.mjs); later, the
#      JavaScript minified (scripts/minify-js.mjs);
#   4. chunk and loader file names get a content hash (the chunks one hash for all);
#      the SRI hashes Trunk wrote into index.html are replaced by those of the new files.
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
  # Short names for the glue's imports, in the main wasm and its JS (scripts/short-imports.mjs).
  node "$ROOT/scripts/short-imports.mjs" "$work/bound/${base}_bg.wasm" "$work/bound/$base.js"
fi

# One hash for all chunks, of all their contents: the loader (on every first load) names
# every chunk, and 16 hex digits that differ per file do not compress (measured: 1.6 KB brotli
# in the loader with 168 chunks, and 0.3-0.9 KB in each pack's index). The price: a build that
# changes any chunk renames them all.
set_hash="$(for chunk in "${chunks[@]}"; do sha256sum "$chunk"; done | sha256sum | cut -c1-16)"
declare -A hashed_name
for chunk in "${chunks[@]}"; do
  name="$(basename "$chunk" .wasm)"
  hashed="$name-$set_hash.wasm"
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
#
# Packs: the first load of an area takes one request, not one per chunk. An area's chunks
# (often 40-70 small files, 0.2-90 KB) written one after another into pack_<area>-<hash>.wasm;
# `prefetch(area)` (called by src/boot.js for the route the address opens, and by the chat
# page for what it needs once a message is sent) fetches the pack and hands each chunk's
# fetch its bytes from it (the loader's module-local `fetch`), so the loads take them
# unchanged. A pack that fails to arrive falls back to the chunks' own files. Later areas
# (navigation, the idle prefetch) fetch chunk files: a pack would carry chunks already there.
# Measured (README, "The first seconds"): one compressed stream is 20-25% smaller than the
# same chunks compressed one by one, and Fast 3G no longer waits for rounds of six requests.
node - "$loader" "$stage" "$link" "$set_hash" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [loaderPath, stage, link, setHash] = process.argv.slice(2);
let js = fs.readFileSync(loaderPath, 'utf8');
const manifestPath = path.join(stage, 'split-manifest.json');
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
// A pack: a little-endian u32 n, n bytes of JSON [[chunk file, length], …], then the chunks.
// One per area, and one per route that opens with several areas (a chat that continues a
// session: the chat and the view of its turns), named `a+b`, holding each chunk once
// (src/boot.js asks for them). And what the chat page asks for as it opens (src/lazy.rs,
// preload_chat_run), without the chunks it has already (`after`): for a new chat, its running
// part, its turns' view and its side column's sessions code; for a chat that continues a
// session, the running part and the side column.
const COMBOS = [
  { areas: ['chat', 'turns'] },
  { areas: ['run', 'turns', 'sessions'], after: ['chat'] },
  { areas: ['run', 'sessions'], after: ['chat', 'turns'] },
];
const packs = {};
const sets = Object.entries(manifest.areas);
for (const { areas, after = [] } of COMBOS) {
  if (![...areas, ...after].every((a) => manifest.areas[a])) continue;
  const had = new Set(after.flatMap((a) => manifest.areas[a]));
  sets.push([areas.join('+'), [...new Set(areas.flatMap((a) => manifest.areas[a]))].filter((f) => !had.has(f))]);
}
for (const [area, files] of sets) {
  if (!/^[a-z0-9_]+(\+[a-z0-9_]+)*$/.test(area)) throw new Error(`split-wasm: unexpected area name ${area}`);
  const chunks = files.map((file) => fs.readFileSync(path.join(stage, file)));
  const index = Buffer.from(JSON.stringify(files.map((file, i) => [file, chunks[i].length])));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(index.length);
  const bytes = Buffer.concat([head, index, ...chunks]);
  // Its content is its area's chunks, named by their hash: that hash names it too.
  const name = `pack_${area.replace(/\+/g, '_and_')}-${setHash}.wasm`;
  fs.writeFileSync(path.join(stage, name), bytes);
  packs[area] = name;
}
manifest.packs = packs;
fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
if (/\bfunction fetch\b|\b(const|let|var) fetch\b/.test(js)) throw new Error('split-wasm: the loader defines fetch already (wasm_split_cli_support changed?)');
if (!/\bfetch\(new URL\(/.test(js)) throw new Error('split-wasm: the loader does not fetch chunks by URL (wasm_split_cli_support changed?)');
const calls = /(^|[^\w])makeLoad\(/g;
const defs = (js.match(/function makeLoad\(/g) || []).length;
if (defs !== 1) throw new Error('split-wasm: the loader has no makeLoad() to wrap (wasm_split_cli_support changed?)');
js = js.replace(calls, (m, pre) => (m.startsWith('function') || /function\s*$/.test(pre) ? m : `${pre}__prefetchable(`))
  .replace('function __prefetchable(', 'function makeLoad(');
js = js.replace(/export const __wasm_split_load_([a-z0-9_]+) = wrapAsyncCb\(__prefetchable\(/g,
  (_, area) => `export const __wasm_split_load_${area} = wrapAsyncCb(__areas.${area} = __prefetchable(`);
if (!js.includes('__areas.')) throw new Error('split-wasm: no area loaders found in the loader');
// A chunk from a pack is compiled from its bytes (WebAssembly.instantiate), not streamed from a
// Response made of them: V8 decodes a stream on the main thread as it is fed, and a pack hands
// it a whole area's chunks in one microtask checkpoint (measured, README "The first seconds").
const streams = (js.match(/WebAssembly\.instantiateStreaming\(/g) || []).length;
if (streams === 0) throw new Error('split-wasm: the loader does not instantiateStreaming its chunks (wasm_split_cli_support changed?)');
js = js.replace(/WebAssembly\.instantiateStreaming\(/g, '__instantiate(');
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
    load.started = () => used || early !== undefined;
    return load;
}
const __packs = ${JSON.stringify(packs)};
// While prefetch() starts an area's chunk fetches: its pack, as chunk URL -> bytes.
let __packing;
// The chunk loaders' fetch: from the pack while prefetch() takes an area's chunks from
// one (a chunk missing from it, or a pack that failed, falls back to its own file).
function fetch(url) {
    if (__packing === undefined) return globalThis.fetch(url);
    return __packing.then((parts) => {
        const bytes = parts.get(String(url));
        return bytes ? __fromPack(bytes) : globalThis.fetch(url);
    }, () => globalThis.fetch(url));
}
// A pack's chunk: a Response (what the chunk loaders expect) that also carries its bytes.
function __fromPack(bytes) {
    const r = new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } });
    r.__bytes = bytes;
    return r;
}
async function __instantiate(source, imports) {
    const r = await source;
    return r.__bytes ? WebAssembly.instantiate(r.__bytes, imports) : WebAssembly.instantiateStreaming(r, imports);
}
async function __unpack(file) {
    const r = await globalThis.fetch(new URL(file, import.meta.url));
    if (!r.ok) throw new Error(file + ': HTTP ' + r.status);
    const buf = await r.arrayBuffer();
    const n = new DataView(buf).getUint32(0, true);
    const parts = new Map();
    let at = 4 + n;
    for (const [chunk, length] of JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)))) {
        if (at + length > buf.byteLength) throw new Error(file + ': cut short');
        parts.set(new URL(chunk, import.meta.url).href, new Uint8Array(buf, at, length));
        at += length;
    }
    return parts;
}
// For the areas the address opens (src/boot.js), or the chat page opens (src/lazy.rs): the
// chunks of those that have not started come in one request, the pack the build has for exactly
// them (a+b for two). Otherwise (no such pack: navigation or the idle prefetch started some of
// them), their chunks come as files: a pack would carry chunks already there.
export function prefetch(...areas) {
    areas = areas.filter((area) => Object.hasOwn(__areas, area));
    const key = areas.filter((area) => !__areas[area].started()).join('+');
    if (Object.hasOwn(__packs, key)) {
        __packing = __unpack(__packs[key]);
        __packing.catch(() => {});
        delete __packs[key];
    }
    try {
        for (const area of areas) __areas[area].prefetch();
    } finally {
        __packing = undefined;
    }
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
# Release: minify the JavaScript of the first load (terser, scripts/minify-js.mjs): the glue,
# the loader and src/boot.js (index.html has Trunk copy it as it is, data-no-minify). The
# SRI hashes Trunk wrote follow.
mapfile -t boot < <(find "$stage" -maxdepth 1 -name 'boot-*.js')
old_boot=()
for f in "${boot[@]}"; do old_boot+=("$(sri "$f")"); done
if [[ "$profile" == release ]]; then
  node "$ROOT/scripts/minify-js.mjs" "$stage/$base.js" "$stage/$link" "${boot[@]}"
fi
new_js="$(sri "$stage/$base.js")"
new_wasm="$(sri "$stage/${base}_bg.wasm")"
swaps=(-e "s|$old_js|$new_js|g" -e "s|$old_wasm|$new_wasm|g")
for i in "${!boot[@]}"; do swaps+=(-e "s|${old_boot[$i]}|$(sri "${boot[$i]}")|g"); done
while IFS= read -r -d '' f; do
  sed -i "${swaps[@]}" "$f"
done < <(find "$stage" -maxdepth 1 -name '*.html' -print0)

# Release: two stylesheets. index.html links style/*.css one file each (an area's rules in its
# own source file). The first, style/shell.css, stays alone in <head>: the only stylesheet the
# first paint waits for (1.5 KB brotli instead of 5.5 KB, sharing Fast 3G's line with the wasm
# downloads: the static shell paints about 100 ms sooner). The others become one file, in the
# same order (the same cascade), with its SRI hash, linked at the end of <body>: a stylesheet
# there does not hold the shell's paint, and it still blocks scripts, so src/boot.js starts the
# app only once it is in (README, "The first seconds").
if [[ "$profile" == release ]]; then
  node - "$stage" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const stage = process.argv[2];
const file = path.join(stage, 'index.html');
let html = fs.readFileSync(file, 'utf8');
const links = [...html.matchAll(/<link\b[^>]*>/g)]
  .map((m) => ({ tag: m[0], href: (m[0].match(/\bhref="?\.\/([\w.-]+\.css)"?[\s>]/) || [])[1] }))
  .filter((l) => l.href && /\brel="?stylesheet"?[\s>]/.test(l.tag));
if (!links.length || !/^shell-[0-9a-f]+\.css$/.test(links[0].href)) throw new Error('split-wasm: index.html does not link style/shell.css first');
const rest = links.slice(1);
if (rest.length) {
  const css = Buffer.concat(rest.map((l) => fs.readFileSync(path.join(stage, l.href))).flatMap((b) => [b, Buffer.from('\n')]));
  if (/@import|@charset/.test(css.toString('utf8'))) throw new Error('split-wasm: a stylesheet has @import or @charset; it cannot be joined');
  const name = `style-${crypto.createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
  const sri = 'sha384-' + crypto.createHash('sha384').update(css).digest('base64');
  fs.writeFileSync(path.join(stage, name), css);
  for (const l of rest) html = html.replace(l.tag, '');
  if (!html.includes('</body>')) throw new Error('split-wasm: no </body> in index.html');
  html = html.replace('</body>', `<link href="./${name}" integrity="${sri}" rel="stylesheet"></body>`);
  for (const l of rest) fs.rmSync(path.join(stage, l.href));
  fs.writeFileSync(file, html);
}
JS
fi

# Trunk runs the hooks of one stage at the same time: a hook that must see the split
# files (e.g. one that precompresses them, scripts/postbuild.js) runs from here, after.
if [[ -f "$ROOT/scripts/postbuild.js" ]]; then
  node "$ROOT/scripts/postbuild.js"
fi

ok "split-wasm: $(grep -c . "$work/splits.txt") lazy areas, $(find "$stage" -maxdepth 1 -name '*.wasm' | wc -l) wasm files"
