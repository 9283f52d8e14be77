// node scripts/wasm-opt-many.mjs FILE.wasm...
// `wasm-opt -Oz --strip-debug --strip-producers` on each file, in place, in ONE process
// (binaryen's JS API from scripts/tools): the npm wasm-opt CLI is itself wasm run by
// Node and spends seconds starting up, which 80 small split chunks would pay 80 times.
import { readFileSync, writeFileSync } from 'node:fs';
import binaryen from './tools/node_modules/binaryen/index.js';

const F = binaryen.Features;
const features = F.MVP | F.BulkMemory | F.NontrappingFPToInt | F.SignExt | F.MutableGlobals
  | F.ReferenceTypes | F.Multivalue | (F.BulkMemoryOpt ?? 0);
binaryen.setOptimizeLevel(2); // -Oz: optimize level 2, shrink level 2
binaryen.setShrinkLevel(2);
// KEEP_WASM_NAMES=1: keep function names (a build to profile; README, "The first seconds").
const keepNames = process.env.KEEP_WASM_NAMES === '1';
binaryen.setDebugInfo(keepNames);
for (const file of process.argv.slice(2)) {
  const module = binaryen.readBinary(readFileSync(file));
  module.setFeatures(features);
  module.optimize();
  module.runPasses(keepNames ? ['strip-producers'] : ['strip-debug', 'strip-producers']);
  if (!module.validate()) throw new Error(`${file}: invalid after optimizing`);
  writeFileSync(file, module.emitBinary());
  module.dispose();
}
