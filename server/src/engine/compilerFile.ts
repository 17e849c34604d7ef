// Where the TypeScript compiler the JS/TS detector requires (engine/typescript.ts) is on disk, for
// its cached compiled code (codeCache.ts): next to the bundles, which ship it as a file of its own
// (scripts/bundle.mjs), or in ts-morph's package, for the tsc output.

import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The compiler's file, or undefined when it cannot be found here. */
export function typescriptCompilerFile(): string | undefined {
  const shipped = path.join(__dirname, 'typescript-compiler.js');
  if (existsSync(shipped)) return shipped;
  try {
    return require.resolve('@ts-morph/common/dist/typescript.js');
  } catch {
    return undefined;
  }
}
