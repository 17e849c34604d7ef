// The JS/TS fixes and syntax check, required on first use: they load the TypeScript compiler
// (about 50 MB of a process's memory), which a language server that never fixes a JS/TS file,
// or whose scan runs in a worker thread, need not hold.

import type { Fix, FixInput } from './types';

type JavaScriptFixes = typeof import('./javascript');

let loaded: JavaScriptFixes | undefined;

function javascript(): JavaScriptFixes {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./javascript') as JavaScriptFixes;
  return loaded;
}

export function javascriptFixes(input: FixInput): Fix[] {
  return javascript().javascriptFixes(input);
}

/** How many syntax errors the TypeScript parser finds in a JS/TS file. */
export function javascriptSyntaxErrors(path: string, text: string): number {
  return javascript().javascriptSyntaxErrors(path, text);
}
