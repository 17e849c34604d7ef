// unknown-database: edit dbaudit.json with jsonc-parser (comments and formatting kept): declare
// the database, or mark it absorbed into a primary. A person must choose, so neither is preferred.

import * as jsonc from 'jsonc-parser';
import { LineIndex } from '../lineIndex';
import { eolOf } from './edits';
import type { Fix, FixEdit, FixInput } from './types';

function formatting(text: string): jsonc.FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol: eolOf(text) } : { insertSpaces: true, tabSize: indent.length, eol: eolOf(text) };
}

function toFixEdits(path: string, text: string, edits: jsonc.EditResult): FixEdit[] {
  const index = new LineIndex(text);
  return edits.map((e) => ({ path, range: index.range(e.offset, e.offset + e.length), newText: e.content }));
}

/**
 * Appends a string to an existing array in the array's own layout (one line, or one item per
 * line): jsonc-parser's `modify` would reformat the whole enclosing object.
 */
function appendToArray(text: string, path: jsonc.JSONPath, value: string): jsonc.EditResult | undefined {
  const tree = jsonc.parseTree(text);
  const array = tree && jsonc.findNodeAtLocation(tree, path);
  if (array?.type !== 'array') return undefined;
  const items = array.children ?? [];
  const json = JSON.stringify(value);
  if (items.length === 0) return [{ offset: array.offset + 1, length: 0, content: json }];
  const last = items[items.length - 1];
  const lineStart = text.lastIndexOf('\n', last.offset - 1) + 1;
  const sameLine = text.lastIndexOf('\n', last.offset - 1) < items[0].offset || items.length === 1;
  const separator = sameLine ? ', ' : `,${eolOf(text)}${text.slice(lineStart, last.offset).match(/^\s*/)![0]}`;
  return [{ offset: last.offset + last.length, length: 0, content: separator + json }];
}

/** The fixes for `unknown-database`; `rulesText` is the rules file's current text. */
export function rulesFileFixes(input: FixInput, rulesText: string): Fix[] {
  const { finding, config, text } = input;
  const name = finding.data.found;
  if (!config || !name) return [];
  const engine = finding.data.engine ?? 'unknown';
  const options: jsonc.ModificationOptions = { formattingOptions: formatting(rulesText) };
  const fixes: Fix[] = [];
  const index = new LineIndex(text);
  const written = text.slice(index.offsetAt(finding.range.start), index.offsetAt(finding.range.end));
  const sqlite = engine === 'sqlite';
  let key = sqlite ? name.replace(/\.(db|sqlite3?|db3)$/i, '') : name;
  if (config.databases.some((d) => d.name === key)) key = name;
  if (!config.databases.some((d) => d.name === key)) {
    const value = sqlite
      ? { engine, file: written.endsWith(name) && !written.includes('{') ? written : name, role: 'specialized' }
      : { engine, database: name, role: 'specialized' };
    const edits = jsonc.modify(rulesText, ['databases', key], value, options);
    fixes.push({ title: `Declare ${name} in ${config.path}`, isPreferred: false, rule: finding.rule, edits: toFixEdits(config.path, rulesText, edits) });
  }
  for (const db of config.databases) {
    if (db.role !== 'primary') continue;
    const dbEngine = db.engine ?? (db.file ? 'sqlite' : 'unknown');
    if (dbEngine !== engine && dbEngine !== 'unknown' && engine !== 'unknown') continue;
    const edits = appendToArray(rulesText, ['databases', db.name, 'absorbs'], name) ?? jsonc.modify(rulesText, ['databases', db.name, 'absorbs'], [name], options);
    fixes.push({ title: `Mark ${name} as absorbed into ${db.name}`, isPreferred: false, rule: finding.rule, edits: toFixEdits(config.path, rulesText, edits) });
  }
  return fixes;
}
