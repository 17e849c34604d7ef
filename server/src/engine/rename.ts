// Rename a database everywhere: the SQLite file name or server database name a reference
// designates, replaced in every path, URL and DSN of the workspace that names it, as one set
// of edits. Env var names are not renamed (they locate the database; their values are).
// Pure over an evaluation; the caller supplies file texts (the editor's or the disk's).

import * as jsonc from 'jsonc-parser';
import type { RulesConfig } from './config/rulesFile';
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
  rulesFile?: { path: string; config?: RulesConfig },
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
  const spec = resolver.resolve(ref)?.spec;
  const rulesText = rulesFile?.config && spec ? textOf(rulesFile.path) : undefined;
  if (rulesFile && spec && rulesText !== undefined) edits.push(...rulesFileRenameEdits(rulesFile.path, rulesText, spec.name, oldName, newName));
  return edits;
}

/**
 * The rules file's own mentions of a renamed database, in the entry `specName` that declares or
 * absorbs it: an `absorbs` item, the `database` name, or the file name at the end of `file`.
 * The entry's key is the architecture's name for it and stays.
 */
export function rulesFileRenameEdits(path: string, text: string, specName: string, oldName: string, newName: string): TextEdit[] {
  const root = jsonc.parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const entry = root && jsonc.findNodeAtLocation(root, ['databases', specName]);
  if (!entry) return [];
  const lines = new LineIndex(text);
  const edits: TextEdit[] = [];
  /** Replaces the last `oldName.length` characters of a string node's value when its raw text is the value (no escapes). */
  const renameTail = (node: jsonc.Node | undefined, matches: (value: string) => boolean) => {
    if (node?.type !== 'string' || typeof node.value !== 'string' || !matches(node.value)) return;
    const raw = text.slice(node.offset + 1, node.offset + node.length - 1);
    if (raw !== node.value) return;
    const end = node.offset + node.length - 1;
    edits.push({ path, range: lines.range(end - oldName.length, end), newText: newName });
  };
  renameTail(jsonc.findNodeAtLocation(entry, ['database']), (v) => v === oldName);
  renameTail(jsonc.findNodeAtLocation(entry, ['file']), (v) => v === oldName || v.endsWith(`/${oldName}`) || v.endsWith(`\\${oldName}`));
  // Renaming an absorbed database to its target's own name (auth.db → zoe.db) merges the
  // references; the absorbs item still names the old file whose data is to be merged, so it stays.
  const own = [specName, jsonc.findNodeAtLocation(entry, ['database'])?.value, jsonc.findNodeAtLocation(entry, ['file'])?.value]
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.slice(Math.max(v.lastIndexOf('/'), v.lastIndexOf('\\')) + 1));
  if (!own.includes(newName)) for (const item of jsonc.findNodeAtLocation(entry, ['absorbs'])?.children ?? []) renameTail(item, (v) => v === oldName);
  return edits;
}
