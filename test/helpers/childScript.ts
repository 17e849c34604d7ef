// Runs a script in a child Node process with a time limit, for code that once took exponential or
// quadratic time: a regression fails its test at the limit instead of hanging the suite.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** The script's standard output, after checking it ended by itself (`stalled` says what a stop at the limit means) and exited 0. */
export function runWithinLimit(script: string, limitMs: number, stalled: string): string {
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: limitMs, maxBuffer: 1 << 24 });
  assert.equal(r.signal, null, `the child was stopped at the time limit: ${stalled}`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
