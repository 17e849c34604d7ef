#!/usr/bin/env node
'use strict';
// V8's flags and the TypeScript compiler's cached code (engine/processSetup.ts), before anything else.
require('../out/engine/processSetup').setUpProcess();
require('../out/cli/main')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
