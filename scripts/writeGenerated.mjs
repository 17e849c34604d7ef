// The build's generated sources (scripts/generate-*.mjs) are written through this: unchanged
// output is not rewritten, so tsc's incremental build does not recompile it.
import { readFileSync, writeFileSync } from 'node:fs';

/** Writes `text` to `file` unless the file already holds exactly that. */
export function writeGenerated(file, text) {
  let old;
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    old = undefined;
  }
  if (old !== text) writeFileSync(file, text);
}
