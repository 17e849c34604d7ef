// Applying and combining text edits. Edits never overlap once `compatible` has accepted them,
// so applying them back to front keeps every range valid.

import { LineIndex } from '../lineIndex';
import type { Range } from '../types';
import type { Fix, FixEdit } from './types';

export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** Applies edits given by range to `text` (edits must not overlap). */
export function applyEdits(text: string, edits: ReadonlyArray<{ range: Range; newText: string }>): string {
  const index = new LineIndex(text);
  return applyOffsetEdits(text, edits.map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), newText: e.newText })));
}

export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The file's line ending, so inserted lines match it (CRLF files stay CRLF). */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function cmp(a: Range['start'], b: Range['start']): number {
  return a.line - b.line || a.character - b.character;
}

function sameEdit(a: FixEdit, b: FixEdit): boolean {
  return a.path === b.path && a.newText === b.newText && cmp(a.range.start, b.range.start) === 0 && cmp(a.range.end, b.range.end) === 0;
}

/**
 * True when two edits of the same file conflict: their ranges share text, or they insert at the
 * same point (which goes first would be a guess), or one inserts inside the other's range. An
 * insert at a replacement's boundary is well defined: applied back to front, it lands outside.
 */
function overlaps(a: FixEdit, b: FixEdit): boolean {
  if (a.path !== b.path) return false;
  const aEmpty = cmp(a.range.start, a.range.end) === 0;
  const bEmpty = cmp(b.range.start, b.range.end) === 0;
  if (aEmpty && bEmpty) return cmp(a.range.start, b.range.start) === 0;
  return cmp(a.range.start, b.range.end) < 0 && cmp(b.range.start, a.range.end) < 0;
}

/**
 * Combines fixes for one pass of fix-all: a fix is kept whole or dropped whole. An edit identical
 * to one already kept (two fixes adding the same `import os`) is shared; any other overlap drops
 * the later fix, which the next pass recomputes from the new text.
 */
export function combineFixes(fixes: readonly Fix[]): FixEdit[] {
  const kept: FixEdit[] = [];
  for (const fix of fixes) {
    const fresh = fix.edits.filter((e) => !kept.some((k) => sameEdit(k, e)));
    if (fresh.some((e) => kept.some((k) => overlaps(k, e)))) continue;
    if (fresh.some((e, i) => fresh.some((o, j) => i !== j && overlaps(e, o)))) continue;
    kept.push(...fresh);
  }
  return kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : cmp(a.range.start, b.range.start) || cmp(a.range.end, b.range.end)));
}

/** Edits grouped by file. */
export function editsByPath(edits: readonly FixEdit[]): Map<string, FixEdit[]> {
  const out = new Map<string, FixEdit[]>();
  for (const e of edits) {
    const list = out.get(e.path) ?? [];
    list.push(e);
    out.set(e.path, list);
  }
  return out;
}
