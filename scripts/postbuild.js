#!/usr/bin/env node
// Trunk post_build hook (Trunk.toml [[hooks]]): runs in the staging dir of every build, after
// Trunk wrote index.html and before the staging dir replaces dist/.
//
//  1. Checks that index.html can run under the Content-Security-Policy in _headers: no inline
//     <script> (Trunk.toml's pattern_script replaces Trunk's inline loader), no style=
//     attribute, and the <meta> that src/boot.js reads is there. A release build fails
//     otherwise (`trunk serve` adds its own inline live-reload script, so debug builds only
//     check the <meta>).
//  2. Release builds only: writes precompressed copies next to each asset a browser loads
//     (.html, .js, .wasm, .css, .svg): <file>.br (brotli, quality 11) and <file>.gz (gzip,
//     level 9), with Node's own zlib. scripts/serve_static.py, nginx (brotli_static /
//     gzip_static) and Caddy (file_server { precompressed br gzip }) serve them as they are.
//
// Trunk sets TRUNK_STAGING_DIR and TRUNK_PROFILE ("release" or "debug"). By hand:
//   TRUNK_STAGING_DIR=dist TRUNK_PROFILE=release node scripts/postbuild.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const COMPRESS = new Set(['.html', '.js', '.wasm', '.css', '.svg']);
const TEXT = new Set(['.html', '.js', '.css', '.svg']);

function fail(message) {
  console.error(`[postbuild] ERROR: ${message}`);
  process.exit(1);
}

/** Why index.html would not run under the CSP (empty when it would). */
function cspProblems(html, release) {
  const problems = [];
  if (!/<meta\b[^>]*\bname=["']?agentos-dashboard-app\b/i.test(html)) {
    problems.push('no <meta name="agentos-dashboard-app"> for src/boot.js (is pattern_script set in Trunk.toml?)');
  }
  if (release) {
    for (const m of html.matchAll(/<script\b([^>]*)>/gi)) {
      if (!/\bsrc=/i.test(m[1])) problems.push(`an inline script: ${m[0]}`);
    }
    // An attribute named style (not data-style etc.) inside a tag.
    for (const m of html.matchAll(/<[a-z][^>]*?\sstyle\s*=/gi)) problems.push(`a style attribute: ${m[0]}`);
    for (const m of html.matchAll(/<[a-z][^>]*?\son[a-z]+\s*=/gi)) problems.push(`an event handler attribute: ${m[0]}`);
  }
  return problems;
}

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

function compress(file) {
  const data = fs.readFileSync(file);
  const ext = path.extname(file).toLowerCase();
  const br = zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_MODE]: TEXT.has(ext) ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  const gz = zlib.gzipSync(data, { level: 9 });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, gz);
  return { raw: data.length, br: br.length, gz: gz.length };
}

function main() {
  const staging = process.env.TRUNK_STAGING_DIR;
  if (!staging) fail('TRUNK_STAGING_DIR is not set (this runs as a Trunk post_build hook)');
  const release = process.env.TRUNK_PROFILE === 'release';
  const indexFile = path.join(staging, 'index.html');
  if (!fs.existsSync(indexFile)) fail(`${indexFile} not found`);

  const problems = cspProblems(fs.readFileSync(indexFile, 'utf8'), release);
  if (problems.length) fail(`index.html would not run under the Content-Security-Policy:\n  ${problems.join('\n  ')}`);
  if (!release) return;

  const started = Date.now();
  const total = { files: 0, raw: 0, br: 0, gz: 0 };
  for (const file of walk(staging)) {
    if (!COMPRESS.has(path.extname(file).toLowerCase())) continue;
    const s = compress(file);
    total.files += 1;
    total.raw += s.raw;
    total.br += s.br;
    total.gz += s.gz;
  }
  console.log(
    `[postbuild] index.html has no inline script or style; precompressed ${total.files} files ` +
      `(${total.raw} B -> brotli ${total.br} B, gzip ${total.gz} B) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
}

main();
