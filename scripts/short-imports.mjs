// Release builds (scripts/split-wasm.sh): gives the main module's wasm-bindgen imports short
// names, in the wasm and in the JavaScript glue alike. wasm-bindgen names each import
// `__wbg_<method>_<16 hex digits>`; the hex digits do not compress, and each name is in both
// files (brotli cannot share between files). Measured on the main module: 209 imports, 5.2 KB
// brotli less on every first load (README, "The first seconds"). binaryen's
// --minify-imports renames only Emscripten's `env` imports, hence this.
//
//   node scripts/short-imports.mjs MAIN_bg.wasm MAIN.js
//
// Only imports of the glue module (`./<name>_bg.js`) named `__wbg_…_<hex16>` are renamed, each to
// an identifier (`a`, `b`, … `aa`, …); the glue must name each exactly once, as the key of its
// import object, or nothing is written and the build fails.
import fs from 'node:fs';

const [wasmPath, jsPath] = process.argv.slice(2);
if (!wasmPath || !jsPath) {
  console.error('usage: node scripts/short-imports.mjs MAIN_bg.wasm MAIN.js');
  process.exit(2);
}
const fail = (message) => {
  console.error(`short-imports: ${message}`);
  process.exit(1);
};
const wasm = fs.readFileSync(wasmPath);
let js = fs.readFileSync(jsPath, 'utf8');

function uleb(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= wasm.length || shift > 28) fail(`bad LEB128 at byte ${at}`);
    const byte = wasm[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
  }
}
function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}
const name = (at) => {
  const [length, start] = uleb(at);
  return [wasm.subarray(start, start + length).toString('utf8'), start + length];
};
// After an import's kind byte: the end of its description.
function skipDesc(kind, at) {
  const limits = (p) => {
    const flags = wasm[p];
    let [, q] = uleb(p + 1);
    if (flags & 1) [, q] = uleb(q);
    return q;
  };
  switch (kind) {
    case 0: return uleb(at)[1]; // function: type index
    case 1: return limits(at + 1); // table: reftype, limits
    case 2: return limits(at); // memory: limits
    case 3: if (wasm[at] === 0x63 || wasm[at] === 0x64) fail('a global of a reference type'); return at + 2;
    case 4: return uleb(at + 1)[1]; // tag: attribute, type index
    default: return fail(`unknown import kind ${kind}`);
  }
}
// a, b, …, z, A, …, Z, aa, ab, …: identifiers (as property keys, even a keyword is one).
function shortName(i) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  do {
    s = letters[i % letters.length] + s;
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return s;
}

if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a wasm module`);
const out = [wasm.subarray(0, 8)];
const renames = new Map();
let at = 8;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, body] = uleb(at + 1);
  const end = body + size;
  if (id !== 2) {
    out.push(wasm.subarray(at, end));
    at = end;
    continue;
  }
  let [count, p] = uleb(body);
  const section = [leb(count)];
  for (let i = 0; i < count; i++) {
    const [module, q] = name(p);
    let [field, r] = name(q);
    const kind = wasm[r];
    const descEnd = skipDesc(kind, r + 1);
    if (kind === 0 && module.endsWith('_bg.js') && /^__wbg_[A-Za-z0-9_]+_[0-9a-f]{16}$/.test(field)) {
      const short = shortName(renames.size);
      renames.set(field, short);
      field = short;
    }
    section.push(leb(Buffer.byteLength(module)), Buffer.from(module), leb(Buffer.byteLength(field)), Buffer.from(field));
    section.push(wasm.subarray(r, descEnd));
    p = descEnd;
  }
  if (p !== end) fail('the import section has bytes after its last import');
  const bytes = Buffer.concat(section);
  out.push(Buffer.from([2]), leb(bytes.length), bytes);
  at = end;
}
if (renames.size === 0) fail('no __wbg_ imports found (wasm-bindgen changed its names?)');

const seen = new Map();
js = js.replace(/\b__wbg_[A-Za-z0-9_]+_[0-9a-f]{16}\b/g, (old) => {
  if (!renames.has(old)) return old;
  seen.set(old, (seen.get(old) || 0) + 1);
  return renames.get(old);
});
for (const old of renames.keys()) {
  if (seen.get(old) !== 1) fail(`${old} is named ${seen.get(old) || 0} times in ${jsPath}, not once`);
}
const renamed = Buffer.concat(out);
try {
  new WebAssembly.Module(renamed);
} catch (e) {
  fail(`the renamed module does not compile: ${e.message}`);
}
fs.writeFileSync(wasmPath, renamed);
fs.writeFileSync(jsPath, js);
console.log(`short-imports: ${renames.size} imports renamed`);
