// The TypeScript compiler API, the copy ts-morph bundles (@ts-morph/common/dist/typescript.js),
// required by its own path. The JS/TS detector and fixes use only the compiler API; requiring
// 'ts-morph' loads ts-morph's and @ts-morph/common's own 4 MB of code beside it: ~15 MB more heap
// and ~75 ms more in every process and scan worker that meets a JS/TS file (README, Performance).
/// <reference path="../types/tsMorphCompiler.d.ts" />
import compiler = require('@ts-morph/common/dist/typescript.js');

export { compiler as ts };
