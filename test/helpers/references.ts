// What detector tests compare: references and definitions reduced to the facts a test pins,
// in file order, so an assertion reads as a table.

import type { DbReference } from '../../server/src/engine/types';

type Row = [string, string, string, number, number, number, number];

function inFileOrder(refs: readonly DbReference[]): DbReference[] {
  return [...refs].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.kind.localeCompare(b.kind));
}

/** [kind, target, defaultOf, startLine, startChar, endLine, endChar] of each reference, in file order. */
export function summary(refs: readonly DbReference[]): Row[] {
  return inFileOrder(refs).map((r) => [r.kind, r.target, r.defaultOf ?? '', r.range.start.line, r.range.start.character, r.range.end.line, r.range.end.character]);
}

/** Like `summary`, with the engine in place of `defaultOf` (for detectors where the engine is the point). */
export function summaryWithEngine(refs: readonly DbReference[]): Row[] {
  return inFileOrder(refs).map((r) => [r.kind, r.target, r.engine, r.range.start.line, r.range.start.character, r.range.end.line, r.range.end.character]);
}

/** The env definitions by variable name. */
export function definitions(refs: readonly DbReference[]): Map<string, DbReference> {
  return new Map(refs.filter((r) => r.kind === 'env-define').map((r) => [r.envVar!, r]));
}
