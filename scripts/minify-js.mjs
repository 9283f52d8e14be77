// Minifies the release build's JavaScript in place (scripts/split-wasm.sh): the wasm-bindgen
// glue, the split loader and src/boot.js. They are ES modules whose export names other modules
// import (the wasm imports the loader's `__wasm_split_load_*`; the loader imports the glue's
// `initSync`): terser keeps export names and mangles the rest. Measured: 3.2 KB brotli less on
// every first load (README, "The first seconds").
//
//   node scripts/minify-js.mjs FILE.js…
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// terser comes with binaryen in scripts/tools (scripts/setup.sh, scripts/tools/package-lock.json).
const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), 'tools', 'package.json'));
const { minify } = require('terser');

for (const file of process.argv.slice(2)) {
  const source = fs.readFileSync(file, 'utf8');
  const out = await minify(source, {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  if (typeof out.code !== 'string' || out.code.length === 0) throw new Error(`minify-js: no output for ${file}`);
  fs.writeFileSync(file, out.code);
}
