// Python fixes, located on the CURRENT text through tree-sitter: replace the expression that
// holds the literal (a string, an f-string, a `Path(...) / "x.db"` join, an `os.path.join`),
// never the file; add `import os` where the file lacks it.

import type { Node as SyntaxNode } from '@vscode/tree-sitter-wasm';
import { LineIndex } from '../lineIndex';
import { parserFor, parseWithinBudget } from '../treeSitter';
import { eolOf } from './edits';
import { envHoldsUrl, retargetedUrl, splitSqliteUrl } from './sqliteUrl';
import { codeRewrite, retargetPath, type CodeRewrite } from './target';
import type { Fix, FixEdit, FixInput } from './types';

const ENV_READS = new Set(['os.getenv', 'getenv', 'os.environ.get', 'environ.get']);

interface Located {
  /** The string node holding the literal. */
  string: SyntaxNode;
  /** The expression to replace (the string, or the join/Path expression around it). */
  expr: SyntaxNode;
  /** The callee that builds a Path when the expression is one (`Path`, `pathlib.Path`). */
  pathCtor?: string;
  /** When the literal is already the default of an env read: that call and its name argument. */
  envRead?: { call: SyntaxNode; name: SyntaxNode };
}

function dotted(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'attribute') return undefined;
  const object = dotted(node.childForFieldName('object'));
  const attribute = node.childForFieldName('attribute');
  return object && attribute ? `${object}.${attribute.text}` : undefined;
}

function callOfArgument(node: SyntaxNode): SyntaxNode | undefined {
  let arg = node;
  if (arg.parent?.type === 'keyword_argument') arg = arg.parent;
  return arg.parent?.type === 'argument_list' && arg.parent.parent?.type === 'call' ? arg.parent.parent : undefined;
}

function positionalArgs(call: SyntaxNode): SyntaxNode[] {
  const list = call.childForFieldName('arguments');
  return (list?.namedChildren ?? []).filter((n): n is SyntaxNode => n !== null && n.type !== 'comment' && n.type !== 'keyword_argument');
}

/** The string at [start, end) and the expression around it that the fix replaces. */
function locate(root: SyntaxNode, start: number, end: number): Located | undefined {
  let string: SyntaxNode | null = root.descendantForIndex(start, end);
  while (string && string.type !== 'string') string = string.parent;
  if (!string) return undefined;
  let expr: SyntaxNode = string.parent?.type === 'concatenated_string' ? string.parent : string;
  let pathCtor: string | undefined;
  for (;;) {
    const parent = expr.parent;
    if (parent?.type === 'binary_operator' && parent.childForFieldName('operator')?.text === '/') {
      expr = parent;
      pathCtor ??= pathCtorIn(parent);
      continue;
    }
    const call = callOfArgument(expr);
    const fn = call ? dotted(call.childForFieldName('function')) : undefined;
    if (call && fn && (fn === 'os.path.join' || fn === 'path.join')) {
      expr = call;
      continue;
    }
    if (call && fn && /(^|\.)Path$/.test(fn) && positionalArgs(call).some((a) => a.id === expr.id)) {
      expr = call;
      pathCtor = fn;
      continue;
    }
    break;
  }
  const call = callOfArgument(expr);
  const fn = call ? dotted(call.childForFieldName('function')) : undefined;
  if (call && fn && ENV_READS.has(fn)) {
    const [name, dflt] = positionalArgs(call);
    const isDefault = dflt?.id === expr.id || (expr.parent?.type === 'keyword_argument' && expr.parent.childForFieldName('name')?.text === 'default');
    if (name?.type === 'string' && isDefault) return { string, expr, pathCtor, envRead: { call, name } };
  }
  return { string, expr, pathCtor };
}

/** `Path` when a `/` chain starts from a `Path(...)` call. */
function pathCtorIn(node: SyntaxNode): string | undefined {
  let left: SyntaxNode | null = node;
  while (left?.type === 'binary_operator') left = left.childForFieldName('left');
  if (left?.type === 'call') {
    const fn = dotted(left.childForFieldName('function'));
    if (fn && /(^|\.)Path$/.test(fn)) return fn;
  }
  return undefined;
}

/** A pydantic settings field: its default is already configuration read from the environment. */
function inSettingsClass(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent) {
    if (n.type === 'class_definition') return /Settings\b/.test(n.childForFieldName('superclasses')?.text ?? '');
    if (n.type === 'function_definition') return false;
  }
  return false;
}

/** The text of `expr` with the string's content rewritten (only that string changes). */
function rewriteStringIn(text: string, expr: SyntaxNode, string: SyntaxNode, start: number, end: number, value: string): string {
  return text.slice(expr.startIndex, start) + value + text.slice(end, expr.endIndex);
}

/** Where `import os` goes: with the leading imports, in order, after the docstring and `__future__`. */
export function importOsEdit(root: SyntaxNode, text: string): { offset: number; newText: string } | undefined {
  const eol = eolOf(text);
  const top = root.namedChildren.filter((n): n is SyntaxNode => n !== null);
  for (const n of top) {
    if (n.type === 'import_statement' && n.namedChildren.some((c) => (c?.type === 'dotted_name' && c.text === 'os') || (c?.type === 'aliased_import' && c.childForFieldName('name')?.text === 'os' && !c.childForFieldName('alias')))) return undefined;
  }
  let i = 0;
  while (i < top.length && top[i].type === 'comment') i++;
  if (top[i]?.type === 'expression_statement' && top[i].namedChildren[0]?.type === 'string') i++;
  while (i < top.length && (top[i].type === 'comment' || (top[i].type === 'future_import_statement'))) i++;
  const first = top[i];
  const imports: SyntaxNode[] = [];
  for (let j = i; j < top.length && (top[j].type === 'import_statement' || top[j].type === 'import_from_statement'); j++) imports.push(top[j]);
  const plain = imports.filter((n) => n.type === 'import_statement');
  const after = plain.find((n) => (n.namedChildren[0]?.text ?? '') > 'os');
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  if (after) return { offset: lineStart(after.startIndex), newText: `import os${eol}` };
  if (plain.length > 0) {
    const last = plain[plain.length - 1];
    const nl = text.indexOf('\n', last.endIndex);
    return { offset: nl < 0 ? text.length : nl + 1, newText: nl < 0 ? `${eol}import os${eol}` : `import os${eol}` };
  }
  if (imports.length > 0) return { offset: lineStart(imports[0].startIndex), newText: `import os${eol}` };
  if (!first) {
    const needsEol = text.length > 0 && !text.endsWith('\n');
    return { offset: text.length, newText: `${needsEol ? eol : ''}import os${eol}` };
  }
  const at = lineStart(first.startIndex);
  return { offset: at, newText: `import os${eol}${eol}` };
}

function pyString(value: string): string {
  return JSON.stringify(value); // a JSON string is a valid Python string literal
}

function rewriteFix(input: FixInput, rewrite: Exclude<CodeRewrite, { kind: 'sqlite-url' }>, root: SyntaxNode, index: LineIndex): Fix | undefined {
  const { finding, text } = input;
  const start = index.offsetAt(finding.range.start);
  const end = index.offsetAt(finding.range.end);
  const at = locate(root, start, end);
  if (!at || inSettingsClass(at.string)) return undefined;
  // A URL assembled around the path (`"sqlite:///" + p`, `f"sqlite:///{d}/x.db"`) is no path: a person decides.
  if (/^[rRuUfF]*['"]sqlite(\+\w+)?:/.test(at.expr.text)) return undefined;
  const edits: Array<{ start: number; end: number; newText: string }> = [];
  const literal = text.slice(start, end);
  let title: string;
  if (rewrite.kind === 'path') {
    const value = retargetPath(literal, rewrite.found, rewrite.targetFile);
    const dflt = rewriteStringIn(text, at.expr, at.string, start, end, value);
    if (at.envRead) {
      // Already a read of another var with a default: point both at the target.
      edits.push({ start: at.envRead.name.startIndex, end: at.envRead.name.endIndex, newText: pyString(rewrite.env) });
      if (value !== literal) edits.push({ start, end, newText: value });
    } else {
      if (at.pathCtor === undefined && at.expr.type === 'binary_operator') return undefined; // a `/` join we cannot type
      const read = `os.getenv(${pyString(rewrite.env)}, ${dflt})`;
      edits.push({ start: at.expr.startIndex, end: at.expr.endIndex, newText: at.pathCtor ? `${at.pathCtor}(${read})` : read });
    }
    title = `Read ${rewrite.env} (default ${value.includes('{') ? basenameOf(value) : value})`;
  } else {
    const target = at.envRead ? at.envRead.call : at.expr;
    const read = rewrite.keepDefault ? `os.getenv(${pyString(rewrite.env)}, ${text.slice(at.expr.startIndex, at.expr.endIndex)})` : `os.environ[${pyString(rewrite.env)}]`;
    edits.push({ start: target.startIndex, end: target.endIndex, newText: read });
    title = rewrite.keepDefault ? `Read ${rewrite.env}, keeping this URL as its default` : `Read ${rewrite.env} from the environment`;
  }
  if (edits.some((e) => e.newText.includes('os.'))) {
    const imp = importOsEdit(root, text);
    if (imp) edits.push({ start: imp.offset, end: imp.offset, newText: imp.newText });
  }
  return { title, isPreferred: true, rule: finding.rule, edits: toEdits(finding.path, index, edits) };
}

/** A plain one-line string (no prefix, escapes or braces) holding a SQLite URL: its quote and content. */
function sqliteUrlString(string: SyntaxNode): { quote: string; content: string } | undefined {
  const open = string.children.find((n) => n?.type === 'string_start')?.text;
  if (open !== '"' && open !== "'") return undefined;
  const content = string.text.slice(1, -1);
  return /^sqlite(\+\w+)?:/.test(content) ? { quote: open, content } : undefined;
}

/**
 * A whole SQLite URL string: `f"sqlite:///{os.getenv('DATABASE_PATH', '/app/data/zoe.db')}"` (the
 * other quote kind inside, so it parses before Python 3.12), or `os.getenv("DATABASE_URL", "<url>")`
 * when the var holds a URL. Undefined for a shape it cannot rewrite safely.
 */
function sqliteUrlFix(input: FixInput, rewrite: { env: string; found: string | undefined; targetFile: string | undefined }, at: Located, root: SyntaxNode, index: LineIndex): Fix | undefined {
  const { finding, text } = input;
  const str = sqliteUrlString(at.string);
  if (!str || at.expr.id !== at.string.id || at.envRead || inSettingsClass(at.string)) return undefined;
  const other = str.quote === '"' ? "'" : '"';
  const parts = splitSqliteUrl(str.content);
  if (!parts || /[\\{}"']/.test(str.content)) return undefined;
  const url = retargetedUrl(parts, rewrite.found, rewrite.targetFile);
  if (/[\\{}"'\r\n]/.test(url.path)) return undefined;
  const env = rewrite.env;
  const byUrl = envHoldsUrl(env);
  const newText = byUrl
    ? `os.getenv(${pyString(env)}, ${pyString(url.prefix + url.path + url.query)})`
    : `f${str.quote}${url.prefix}{os.getenv(${other}${env}${other}, ${other}${url.path}${other})}${url.query}${str.quote}`;
  const edits = [{ start: at.string.startIndex, end: at.string.endIndex, newText }];
  const imp = importOsEdit(root, text);
  if (imp) edits.push({ start: imp.offset, end: imp.offset, newText: imp.newText });
  const title = byUrl ? `Read ${env} (default ${url.prefix}${url.path})` : `Build the URL from ${env} (default ${url.path})`;
  return { title, isPreferred: true, rule: finding.rule, edits: toEdits(finding.path, index, edits) };
}

function basenameOf(v: string): string {
  return v.slice(v.lastIndexOf('/') + 1);
}

function toEdits(path: string, index: LineIndex, edits: Array<{ start: number; end: number; newText: string }>): FixEdit[] {
  return edits.map((e) => ({ path, range: index.range(e.start, e.end), newText: e.newText }));
}

/** Alembic ops whose first argument is the table's name and which take `schema=`. */
const ALEMBIC_TABLE_OPS = new Set(['create_table', 'drop_table', 'add_column', 'drop_column', 'alter_column']);

/**
 * `op.create_table("rag_documents", ...)`: the edit adding `schema="rag"` after the last argument
 * (in the call's own layout: one argument per line keeps that), or undefined when the string is
 * not such a call's table name or the call names a schema already.
 */
function alembicSchemaEdit(text: string, string: SyntaxNode, schema: string): { start: number; end: number; newText: string } | undefined {
  const call = callOfArgument(string);
  const fn = call ? dotted(call.childForFieldName('function')) : undefined;
  if (!call || !fn || !ALEMBIC_TABLE_OPS.has(fn.replace(/^(alembic\.)?op\./, '')) || !/^(alembic\.)?op\./.test(fn)) return undefined;
  const list = call.childForFieldName('arguments')!;
  const args = list.namedChildren.filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');
  if (args[0]?.id !== string.id) return undefined;
  if (args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'schema')) return undefined;
  if (args.some((a) => a.type === 'dictionary_splat' || a.type === 'list_splat')) return undefined; // `**kw` may carry schema
  const last = args[args.length - 1];
  const kw = `schema=${pyString(schema)}`;
  const closing = list.endIndex - 1;
  const between = text.slice(last.endIndex, closing);
  const lastLineStart = text.lastIndexOf('\n', last.startIndex - 1) + 1;
  const ownLine = /^\s*$/.test(text.slice(lastLineStart, last.startIndex)) && between.includes('\n');
  if (ownLine) {
    // One argument per line with a trailing comma: a new line like the others.
    const comma = between.indexOf(',');
    const indent = text.slice(lastLineStart, last.startIndex);
    if (comma >= 0) return { start: last.endIndex + comma + 1, end: last.endIndex + comma + 1, newText: `${eolOf(text)}${indent}${kw},` };
    return { start: last.endIndex, end: last.endIndex, newText: `,${eolOf(text)}${indent}${kw}` };
  }
  return { start: last.endIndex, end: last.endIndex, newText: `, ${kw}` };
}

/** `__tablename__ = "rag_documents"` → `"documents"` with `__table_args__ = {"schema": "rag"}`. */
function tableFix(input: FixInput, root: SyntaxNode, index: LineIndex): Fix | undefined {
  const { finding, text } = input;
  const { schema, table } = finding.data;
  if (!schema || !table) return undefined;
  const start = index.offsetAt(finding.range.start);
  const end = index.offsetAt(finding.range.end);
  const at = locate(root, start, end);
  if (!at) return undefined;
  const assignment = at.string.parent?.type === 'assignment' ? at.string.parent : undefined;
  const left = assignment?.childForFieldName('left')?.text;
  const edits: Array<{ start: number; end: number; newText: string }> = [];
  if (left === '__tablename__') {
    const body = assignment!.parent?.parent;
    if (body?.type !== 'block') return undefined;
    edits.push({ start, end, newText: table });
    const args = body.namedChildren.find((s) => s?.type === 'expression_statement' && s.namedChildren[0]?.type === 'assignment' && s.namedChildren[0].childForFieldName('left')?.text === '__table_args__');
    const entry = `${pyString('schema')}: ${pyString(schema)}`;
    if (args) {
      let value = args.namedChildren[0]!.childForFieldName('right');
      if (value?.type === 'tuple') {
        const items = value.namedChildren.filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');
        const last = items[items.length - 1];
        if (last && last.type !== 'dictionary') {
          // Constraints only: SQLAlchemy takes the keyword dict as the tuple's last item.
          edits.push({ start: last.endIndex, end: last.endIndex, newText: `, {${entry}}` });
          return { title: `Name it ${schema}.${table}`, isPreferred: true, rule: finding.rule, edits: toEdits(finding.path, index, edits) };
        }
        value = last ?? null;
      }
      if (value?.type !== 'dictionary') return undefined;
      if (/["']schema["']\s*:/.test(value.text)) return undefined;
      const empty = value.namedChildren.filter((n) => n !== null && n.type !== 'comment').length === 0;
      edits.push({ start: value.startIndex + 1, end: value.startIndex + 1, newText: empty ? entry : `${entry}, ` });
    } else {
      const stmt = assignment!.parent!;
      const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
      const indent = text.slice(lineStart, stmt.startIndex);
      edits.push({ start: stmt.endIndex, end: stmt.endIndex, newText: `${eolOf(text)}${indent}__table_args__ = {${entry}}` });
    }
  } else if (alembicSchemaEdit(text, at.string, schema)) {
    edits.push({ start, end, newText: table }, alembicSchemaEdit(text, at.string, schema)!);
  } else if (at.string.text.slice(1, -1).trim() !== finding.data.found) {
    // A table name inside SQL text: qualify it in place.
    edits.push({ start, end, newText: `${schema}.${table}` });
  } else {
    return undefined;
  }
  return { title: `Name it ${schema}.${table}`, isPreferred: true, rule: finding.rule, edits: toEdits(finding.path, index, edits) };
}

export function pythonFixes(input: FixInput): Fix[] {
  const tree = parseWithinBudget(parserFor('python'), input.text);
  if (!tree) return [];
  try {
    const index = new LineIndex(input.text);
    if (input.finding.rule === 'prefixed-table') {
      const fix = tableFix(input, tree.rootNode, index);
      return fix ? [fix] : [];
    }
    const rewrite = codeRewrite(input.finding, input.config);
    if (rewrite && (rewrite.kind === 'sqlite-url' || rewrite.kind === 'path')) {
      // A SQLite URL (`sqlite:data/x.db` reads as a path too): the URL keeps its form, or no fix.
      const at = locate(tree.rootNode, index.offsetAt(input.finding.range.start), index.offsetAt(input.finding.range.end));
      if (rewrite.kind === 'sqlite-url' || (at && sqliteUrlString(at.string))) {
        const fix = at && sqliteUrlFix(input, rewrite, at, tree.rootNode, index);
        return fix ? [fix] : [];
      }
    }
    const fix = rewrite && rewriteFix(input, rewrite, tree.rootNode, index);
    return fix ? [fix] : [];
  } finally {
    tree.delete();
  }
}
