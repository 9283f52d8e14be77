#!/usr/bin/env node
// First-load bytes per route of a split release build (dist/), gzip and brotli.
//
//   node scripts/route-bytes.js [DIST_DIR] [--gate]
//
// A route's first load is index.html, its stylesheet, the main module (wasm-bindgen JS,
// main wasm, the split loader) and, for every route but the connection form, the pack of its
// area's chunks (dist/split-manifest.json, written by scripts/split-wasm.sh).
// gzip is level 6 (a typical server's on-the-fly setting); brotli is quality 11 (what a
// precompressed .br holds). Issue 11's targets: the overview ≤ 172 KB brotli, every other
// route ≤ 250 KB (1 KB = 1,000 bytes); a route over its target is marked. With --gate it
// fails when the overview is over OVERVIEW_BUDGET_BR (default: its target), or another route over
// ROUTE_BUDGET_BR (default 335,000: a regression gate over the largest route; a stored session's
// page and a chat that continues a session are over their 250,000 B target).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const args = process.argv.slice(2);
const gate = args.includes('--gate');
// --served: count the precompressed .br/.gz copies the release build writes next to each file
// (scripts/postbuild.js), i.e. the bytes a server that serves them sends; a file without its
// copies is an error.
const served = args.includes('--served');
const dist = path.resolve(args.find((a) => !a.startsWith('--')) || path.join(__dirname, '..', 'dist'));
const manifestPath = path.join(dist, 'split-manifest.json');
if (!fs.existsSync(manifestPath)) {
  console.error(`${manifestPath} not found: build first (trunk build --release --offline)`);
  process.exit(1);
}
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const css = [...html.matchAll(/href="?\.?\/?([^"\s>]+\.css)/g)].map((m) => m[1]);
// Scripts index.html loads from files (src/boot.js, hashed by Trunk).
const scripts = [...html.matchAll(/<script[^>]*\ssrc="?\.?\/?([^"\s>]+\.js)/g)].map((m) => m[1]);

const sizes = new Map();
function size(file) {
  if (!sizes.has(file)) {
    const bytes = fs.readFileSync(path.join(dist, file));
    if (served) {
      const copy = (ext) => {
        const p = path.join(dist, file + ext);
        if (!fs.existsSync(p)) {
          console.error(`${p} not found: the release build's post_build step (scripts/postbuild.js) writes it`);
          process.exit(1);
        }
        return fs.statSync(p).size;
      };
      sizes.set(file, { raw: bytes.length, gzip: copy('.gz'), br: copy('.br') });
      return sizes.get(file);
    }
    sizes.set(file, {
      raw: bytes.length,
      gzip: zlib.gzipSync(bytes, { level: 6 }).length,
      br: zlib.brotliCompressSync(bytes, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }).length,
    });
  }
  return sizes.get(file);
}
function sum(files) {
  const t = { files: files.length, raw: 0, gzip: 0, br: 0 };
  for (const f of files) {
    const s = size(f);
    t.raw += s.raw;
    t.gzip += s.gzip;
    t.br += s.br;
  }
  return t;
}

const shell = [...new Set(['index.html', ...css, ...scripts, ...manifest.main])];
// [route, its area (null: the main module alone), issue 11's first-load target in brotli bytes]
const routes = [
  ['#/ (overview)', 'overview', 172_000],
  ['#/connect (and the form on any route before connecting)', null, 172_000],
  ['#/agents, #/teams, #/workflows and their pages', 'catalog', 250_000],
  ['#/chat… (a new chat, the welcome)', 'chat', 250_000],
  ['#/chat/…?session=… (a chat that continues a session)', 'chat+turns', 250_000],
  ['#/sessions (the list)', 'sessions', 250_000],
  ['#/sessions/<id> (a stored session)', 'session', 250_000],
  ['#/memories', 'memories', 250_000],
  ['#/knowledge', 'knowledge', 250_000],
  ['#/metrics', 'metrics', 250_000],
  ['#/traces…', 'traces', 250_000],
  ['#/approvals', 'approvals', 250_000],
  ['#/evals and an eval', 'evals', 250_000],
  ['#/schedules and a schedule', 'schedules', 250_000],
];
// Gates: the overview's (and the connection form's) target itself; other routes a regression gate
// about 3.7% over the largest (a chat that continues a session, 324,027 B in the thirteenth session).
const gateBytes = (target) =>
  target === 172_000 ? Number(process.env.OVERVIEW_BUDGET_BR || 172_000) : Number(process.env.ROUTE_BUDGET_BR || 335_000);
let failed = false;
console.log(`${'route (first load)'.padEnd(50)} ${'files'.padStart(5)} ${'raw B'.padStart(9)} ${'gzip B'.padStart(8)} ${'brotli B'.padStart(9)}`);
for (const [name, area, target] of routes) {
  // The first load of an area fetches its pack (scripts/split-wasm.sh); a build without packs, its chunks.
  // Two areas (`a+b`): their pack when the build has one, else the chunks of both.
  const chunks = area === null ? [] : [...new Set(area.split('+').flatMap((a) => manifest.areas[a] || []))];
  const first = manifest.packs && manifest.packs[area] ? [manifest.packs[area]] : chunks;
  const files = area === null ? shell : [...shell, ...first];
  if (area !== null && !area.split('+').every((a) => manifest.areas[a])) {
    console.error(`no area "${area}" in split-manifest.json`);
    failed = true;
  }
  const t = sum(files);
  const over = t.br > target;
  if (t.br > gateBytes(target)) failed = true;
  console.log(`${name.padEnd(50)} ${String(t.files).padStart(5)} ${String(t.raw).padStart(9)} ${String(t.gzip).padStart(8)} ${String(t.br).padStart(9)}${over ? `  over the ${target} B target` : ''}`);
}
const all = [...new Set([...shell, ...Object.values(manifest.areas).flat()])];
const t = sum(all);
console.log(`${'everything (after idle prefetch)'.padEnd(50)} ${String(t.files).padStart(5)} ${String(t.raw).padStart(9)} ${String(t.gzip).padStart(8)} ${String(t.br).padStart(9)}`);
if (gate && failed) {
  console.error(`route bytes: FAIL (gate: overview and connection ${gateBytes(172_000)} B brotli, other routes ${gateBytes(250_000)} B)`);
  process.exit(1);
}
