#!/usr/bin/env node
'use strict';
require('../out/engine/treeSitter').baselineWebAssemblyOnly();
require('../out/cli/main')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
