// Rename a database everywhere: the SQLite file name or server database name a reference
// designates, replaced in every path, URL and DSN of the workspace that names it, as one set
// of edits. Env var names are not renamed (they locate the database; their values are).
// Pure over an evaluation; the caller supplies file texts (the editor's or the disk's).

import type { DatabaseResolver } from './databases';
import { LineIndex } from './lineIndex';
import { referencesLike } from './navigation';
import { isLiteral } from './rules/context';
import type { DbReference, Range } from './types';

export interface TextEdit {
  path: string;
  range: Range;
  newText: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where `name` occurs as a whole name (not inside a longer one) within `ref`'s range of `text`. */
export function nameRanges(ref: DbReference, name: string, text: string): Range[] {
  if (!name) return [];
  const lines = new LineIndex(text);
  const start = lines.offsetAt(ref.range.start);
  const end = lines.offsetAt(ref.range.end);
  const re = new RegExp(`(?<![\\w.-])${escapeRegExp(name)}(?![\\w-]|\\.\\w)`, 'g');
  const out: Range[] = [];
  for (const m of text.slice(start, end).matchAll(re)) out.push(lines.range(start + m.index!, start + m.index! + name.length));
  return out;
}

/** The renamable name under the cursor (the database's name inside a path or URL), or why there is none. */
export function prepareRename(ref: DbReference, text: string): { range: Range; placeholder: string } | { error: string } {
  if (!isLiteral(ref)) return { error: 'Rename a database at a path, URL or database name, not at an env var' };
  if (!ref.target || ref.target === '<dynamic>' || ref.target === ':memory:' || /^[A-Z_][A-Z0-9_]*$/.test(ref.target)) {
    return { error: 'This reference names no database (its name comes from configuration)' };
  }
  const [range] = nameRanges(ref, ref.target, text);
  return range ? { range, placeholder: ref.target } : { error: `Cannot find ${ref.target} in the reference's text` };
}

/** Why `newName` cannot name a database file or database, or undefined when it can. */
export function invalidName(newName: string): string | undefined {
  if (newName.trim() === '') return 'The new name is empty';
  if (/[\s/\\'"`$?#@:;,]/.test(newName)) return `"${newName}" cannot be a database name: no spaces, slashes, quotes or URL characters`;
  return undefined;
}

/**
 * One edit per place naming the same database as `ref` (same resolution, same written name):
 * `auth.db` → `zoe.db` in `/app/data/auth.db`, `sqlite:///data/auth.db`, a compose volume.
 */
export function renameEdits(
  ref: DbReference,
  refs: readonly DbReference[],
  resolver: DatabaseResolver,
  newName: string,
  textOf: (path: string) => string | undefined,
): TextEdit[] {
  const oldName = ref.target;
  const edits: TextEdit[] = [];
  const seen = new Set<string>();
  for (const r of referencesLike(ref, refs, resolver)) {
    if (!isLiteral(r) || r.target !== oldName) continue;
    const text = textOf(r.path);
    if (text === undefined) continue;
    for (const range of nameRanges(r, oldName, text)) {
      const key = `${r.path}:${range.start.line}:${range.start.character}`;
      if (seen.has(key)) continue; // overlapping references (a URL and the path inside it)
      seen.add(key);
      edits.push({ path: r.path, range, newText: newName });
    }
  }
  return edits;
}
