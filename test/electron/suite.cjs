// Entry point VS Code's extension host requires: registers tsx for TypeScript, then runs suite.ts.
require('tsx/cjs');
module.exports = require('./suite.ts');
