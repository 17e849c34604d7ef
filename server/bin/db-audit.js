#!/usr/bin/env node
'use strict';
// tree-sitter's WebAssembly runs on V8's baseline code (Liftoff) only: a CLI run is over before
// most optimized code would pay off, and the process otherwise waited at its exit for V8 to finish
// optimizing it in the background (0.2–0.3 s after a short scan). README, Performance.
require('node:v8').setFlagsFromString('--liftoff-only');
require('../out/cli/main')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
