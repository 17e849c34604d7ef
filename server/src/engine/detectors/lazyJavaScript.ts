// The JS/TS detector, required on its first file: it loads the TypeScript compiler (9 MB of
// JavaScript, about a quarter of a second), which a scan of a tree without candidate JS/TS
// files, or a language server's start, need not pay for.

import type { Detector } from '../types';

let loaded: typeof import('./javascript') | undefined;

export const detectJavaScriptLazily: Detector = (file) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./javascript') as typeof import('./javascript');
  return loaded.detectJavaScript(file);
};

/** Whether the JS/TS detector keeps the parse of `path`: never before it is loaded. */
export function holdsJavaScriptParseLazily(path: string): boolean {
  return loaded?.holdsJavaScriptParse(path) ?? false;
}
