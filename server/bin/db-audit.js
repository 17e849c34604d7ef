#!/usr/bin/env node
'use strict';
const flags = require('../out/engine/treeSitter').baselineWebAssemblyOnly();
// The TypeScript compiler's compiled code, cached between runs (engine/codeCache.ts), per the V8
// flags just set: V8's code cache depends on them.
require('../out/engine/codeCache').cacheCompiledCode([require('../out/engine/compilerFile').typescriptCompilerFile()].filter(Boolean), flags);
require('../out/cli/main')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
