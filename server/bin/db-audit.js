#!/usr/bin/env node
'use strict';
const flags = require('../out/engine/treeSitter').baselineWebAssemblyOnly();
// The TypeScript compiler's compiled code, cached between runs (engine/codeCache.ts), per the V8
// flags just set: V8's code cache depends on them.
require('../out/engine/codeCache').cacheCompiledCode([typescriptPath()].filter(Boolean), flags);
require('../out/cli/main')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });

/** Where the compiler the JS/TS detector requires is (engine/typescript.ts); undefined if it cannot be found here. */
function typescriptPath() {
  try {
    return require.resolve('@ts-morph/common/dist/typescript.js');
  } catch {
    return undefined;
  }
}
