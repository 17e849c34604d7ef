// credentials-in-connection-string in compose files and shell scripts: the literal password in the
// URL (or the DSN's `password=`) becomes `${POSTGRES_PASSWORD}`-style interpolation, which both
// compose and the shell expand, and the variable's NAME (never a value) is added to the nearest
// `.env.example` that lacks it. No fix ever writes the password anywhere.

import type { Node as SyntaxNode } from '@vscode/tree-sitter-wasm';
import { dotenvDefinitions } from '../detectors/dotenv';
import { LineIndex } from '../lineIndex';
import { findLiterals } from '../literals';
import { parserFor, parseWithinBudget } from '../treeSitter';
import type { Engine } from '../types';
import { eolOf, type OffsetEdit } from './edits';
import type { Fix, FixEdit, FixInput } from './types';

/** The variable each engine's official image and clients conventionally take the password from. */
const PASSWORD_VARS: Partial<Record<Engine, string>> = {
  postgres: 'POSTGRES_PASSWORD',
  mysql: 'MYSQL_PASSWORD',
  mssql: 'MSSQL_SA_PASSWORD',
  oracle: 'ORACLE_PASSWORD',
  mongodb: 'MONGO_PASSWORD',
  redis: 'REDIS_PASSWORD',
};

/** Offsets of the literal password inside a URL (`user:pw@`) or DSN (`password=pw`), relative to it. */
export function passwordSpan(literal: string): { start: number; end: number } | undefined {
  const scheme = literal.indexOf('://');
  if (scheme >= 0) {
    const authorityEnd = literal.slice(scheme + 3).search(/[/?#]/);
    const authority = literal.slice(scheme + 3, authorityEnd < 0 ? undefined : scheme + 3 + authorityEnd);
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (at < 0 || colon < 0 || colon > at) return undefined;
    return { start: scheme + 3 + colon + 1, end: scheme + 3 + at };
  }
  const m = /(\bpassword\s*=\s*)('[^']*'|[^\s;'"]+)/i.exec(literal);
  return m ? { start: m.index + m[1].length, end: m.index + m[0].length } : undefined;
}

/** The var defined with this literal as its value on its line (`KEY: url`, `- KEY=url`, `export KEY=url`). */
function definingVar(text: string, start: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  // The name is tried only where a word starts (its leading digits passed over, as a match from inside
  // the word would): tried from every character, a long word took a pass each.
  return /(?<![A-Za-z0-9_])[0-9]*([A-Za-z_][A-Za-z0-9_]*)\s*[:=]\s*["']?$/.exec(text.slice(lineStart, start))?.[1];
}

/**
 * The password's variable: the engine's conventional one, unless this file holds another literal
 * password for the same engine (two secrets cannot share a name): then `<VAR>_PASSWORD` after the
 * var the URL is defined as (`CHAT_DATABASE_URL` → `CHAT_DATABASE_PASSWORD`).
 */
function passwordVar(text: string, start: number, literal: string, engine: Engine): string | undefined {
  const span = passwordSpan(literal)!;
  const password = literal.slice(span.start, span.end);
  const others = findLiterals(text).filter((m) => m.credentials && m.engine === engine && m.start !== start);
  const ambiguous = PASSWORD_VARS[engine] === undefined || others.some((m) => {
    const lit = text.slice(m.start, m.end);
    const s = passwordSpan(lit);
    return s !== undefined && lit.slice(s.start, s.end) !== password;
  });
  if (!ambiguous) return PASSWORD_VARS[engine];
  const owner = definingVar(text, start);
  return owner ? `${owner.replace(/_(URL|URI|DSN|CONNECTION_STRING)$/i, '')}_PASSWORD` : undefined;
}

/** In a shell script: the edit, kept in quotes so the expansion is one word. */
function shellEdit(text: string, start: number, end: number, pw: { start: number; end: number }, expansion: string): OffsetEdit | undefined {
  const tree = parseWithinBudget(parserFor('bash'), text);
  if (!tree) return undefined;
  try {
    let node: SyntaxNode | null = tree.rootNode.descendantForIndex(start, end);
    while (node && !['string', 'raw_string', 'word', 'concatenation'].includes(node.type)) node = node.parent;
    if (!node) return undefined;
    const literal = text.slice(start, end);
    const rewritten = literal.slice(0, pw.start) + expansion + literal.slice(pw.end);
    if (node.type === 'string') return { start: start + pw.start, end: start + pw.end, newText: expansion };
    // Single quotes expand nothing: re-quote with double quotes when nothing else in them would expand.
    if (node.type === 'raw_string') return node.text === `'${literal}'` && !/[$`"\\!]/.test(literal) ? { start: node.startIndex, end: node.endIndex, newText: `"${rewritten}"` } : undefined;
    if (node.type === 'word' && node.startIndex === start && node.endIndex === end && !/[$`"\\]/.test(literal)) return { start, end, newText: `"${rewritten}"` };
    return undefined;
  } finally {
    tree.delete();
  }
}

/** The nearest `.env.example` from the file's folder up to the root, when one exists. */
function nearestEnvExample(path: string, textOf: (p: string) => string | undefined): { path: string; text: string } | undefined {
  const parts = path.split('/').slice(0, -1);
  for (let n = parts.length; n >= 0; n--) {
    const candidate = [...parts.slice(0, n), '.env.example'].join('/');
    const text = textOf(candidate);
    if (text !== undefined) return { path: candidate, text };
  }
  return undefined;
}

export function credentialsFixes(input: FixInput, type: 'yaml' | 'shell', textOf: (p: string) => string | undefined): Fix[] {
  const { finding, text } = input;
  const index = new LineIndex(text);
  const start = index.offsetAt(finding.range.start);
  const end = index.offsetAt(finding.range.end);
  const literal = text.slice(start, end);
  const [match] = findLiterals(literal);
  if (!match?.credentials) return []; // stale: the password is gone already
  const pw = passwordSpan(literal);
  if (!pw || pw.end <= pw.start) return [];
  const name = passwordVar(text, start, literal, match.engine);
  if (!name) return [];
  const expansion = `\${${name}}`;
  const edit = type === 'shell' ? shellEdit(text, start, end, pw, expansion) : { start: start + pw.start, end: start + pw.end, newText: expansion };
  if (!edit) return [];
  const edits: FixEdit[] = [{ path: finding.path, range: index.range(edit.start, edit.end), newText: edit.newText }];
  const example = nearestEnvExample(finding.path, textOf);
  if (example && !dotenvDefinitions(example.text).some((d) => d.key === name)) {
    const exampleIndex = new LineIndex(example.text);
    const eol = eolOf(example.text);
    const at = exampleIndex.positionAt(example.text.length);
    const lead = example.text === '' || example.text.endsWith('\n') ? '' : eol;
    edits.push({ path: example.path, range: { start: at, end: at }, newText: `${lead}${name}=${eol}` });
  }
  return [{ title: `Take the password from ${name}`, isPreferred: true, rule: finding.rule, edits }];
}
