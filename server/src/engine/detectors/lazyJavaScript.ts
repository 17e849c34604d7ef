// The JS/TS detector, required on its first file: it loads the TypeScript compiler (9 MB of
// JavaScript, about a quarter of a second), which a scan of a tree without candidate JS/TS
// files, or a language server's start, need not pay for.

import type { Detector } from '../types';

let detector: Detector | undefined;

export const detectJavaScriptLazily: Detector = (file) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  detector ??= (require('./javascript') as typeof import('./javascript')).detectJavaScript;
  return detector(file);
};
