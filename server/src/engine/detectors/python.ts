// Python through tree-sitter. The walk sees code only: comments are nodes it skips, and a bare
// string statement (a docstring, or any other string left standing as documentation) is prose.
//
// Where we look:
//  - every string literal (plain, raw, triple-quoted, implicit concatenation, f-strings with
//    their `{expr}` kept as placeholders): URLs, DSNs, SQLite paths, and SQL inside them;
//    bytes literals are data, not configuration, and are left aside;
//  - env reads (`os.getenv`, `os.environ[...]`, `.get`/`.setdefault`/`.pop`, python-decouple's
//    `config`, environs / django-environ `env`), their defaults (2nd argument, `default=`,
//    `or` fallbacks), `os.environ[X] = v` definitions, and pydantic `BaseSettings` fields;
//  - database names in connection keywords (`psycopg2.connect(dbname="x")`) and Django
//    `DATABASES` entries;
//  - tables: SQLAlchemy `__tablename__` / `Table(...)`, Alembic `op.*`, Django `Meta.db_table`.

import type { Language, Node as SyntaxNode, Parser, Tree } from '@vscode/tree-sitter-wasm';
import { ReferenceCollector } from '../collector';
import { engineOfScheme, findLiterals } from '../literals';
import { fileSpan, joinMapped, MappedBuilder, mappedAt, recordLiterals, type MappedText } from '../mappedText';
import { PARSE_CACHE_CHARS, PARSE_CACHE_ENTRIES, ParseCache, pointAt, textChange } from '../parseCache';
import { NAMED_ESCAPE_VALUE } from '../quotedValue';
import { findSqlNames, findSqlTables, looksLikeSql } from '../sqlTables';
import { parserFor, parseWithinBudget } from '../treeSitter';
import type { Detector, Engine, TableForm } from '../types';
import { holdsMark, marksOf } from '../textMarks';
import { UnitRecorder, type UnitMark, type UnitRecord } from '../unitMemo';

export const detectPython: Detector = (file) => {
  const c = new ReferenceCollector(file);
  const parser = pythonParser();
  if (!parser) {
    analyzePythonWithoutGrammar(c, file.text);
    return c.result();
  }
  const previous = parses.take(file.path);
  // An editor's document, or a path analyzed again, keeps its tree and records its statements.
  const again = parses.seenBefore(file.path) || file.editing === true || previous !== undefined;
  let tree: Tree | null = null;
  let cached = false;
  try {
    tree = reparse(parser, file.text, previous);
    // The parse ran past its budget (treeSitter.ts): read the file as without a grammar.
    if (!tree) {
      c.unparsed('python');
      analyzePythonWithoutGrammar(c, file.text);
    } else {
      const memo = new PyAnalysis(c, file.text, tree.rootNode, again ? (previous?.memo ?? null) : undefined).run();
      if (again) {
        parses.put(file.path, { text: file.text, tree, memo });
        cached = true;
      }
    }
  } catch {
    // A pathological file: keep what was found before the failure.
  } finally {
    if (tree && !cached && tree !== previous?.tree) tree.delete();
    if (previous && !(cached && tree === previous.tree)) previous.tree.delete();
  }
  return c.result();
};

/** Whether the parse of `path` is kept for its next analysis (an editor's document). */
export function holdsPythonParse(path: string): boolean {
  return parses.has(path);
}

function pythonParser(): Parser | undefined {
  try {
    return parserFor('python');
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Incremental parsing: the last trees of recently analyzed files

/** The last parse of a path and, from its second analysis on, what each statement gave. */
interface PyParse {
  text: string;
  tree: Tree;
  memo: PyMemo | undefined;
}

interface PyMemo {
  /** The file context (imports, settings classes) the walk's records were made in. */
  context: string;
  /** The walk's findings per statement, by node id (tree-sitter keeps a reused node's id). */
  units: Map<number, UnitRecord>;
  /** Imports and classes within top-level statements and blocks, by node id. */
  contextOps: Map<number, ContextOps>;
}

const parses = new ParseCache<PyParse>({
  capacity: PARSE_CACHE_ENTRIES,
  maxSize: PARSE_CACHE_CHARS,
  size: (p) => p.text.length,
  dispose: (p) => p.tree.delete(),
});

/**
 * The tree of `text`: the previous tree of the same path updated by the one changed range (the
 * parser reuses every subtree outside it), or a fresh parse.
 */
function reparse(parser: Parser, text: string, previous: PyParse | undefined): Tree | null {
  if (!previous) return parseWithinBudget(parser, text);
  const change = textChange(previous.text, text);
  if (!change) return previous.tree;
  previous.tree.edit({
    startIndex: change.start,
    oldEndIndex: change.oldEnd,
    newEndIndex: change.newEnd,
    startPosition: pointAt(previous.text, change.start),
    oldEndPosition: pointAt(previous.text, change.oldEnd),
    newEndPosition: pointAt(text, change.newEnd),
  });
  return parseWithinBudget(parser, text, previous.tree);
}

// ---------------------------------------------------------------------------------------------
// Strings, mapped to the file

/** A string literal's value as Python sees it, each character mapped to its file offset. */
interface PyString {
  m: MappedText;
  bytes: boolean;
  /** f-string `{...}` parts (their expressions are code to walk). */
  interpolations: SyntaxNode[];
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', "'": "'", '"': '"',
};

/** The characters one escape sequence stands for (`\N{...}` names are not resolved). */
export function decodeEscape(escape: string): string {
  const c = escape[1] ?? '';
  if (c === '\n' || c === '\r') return ''; // a line continuation adds nothing
  if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, c)) return SIMPLE_ESCAPES[c];
  let code: number | undefined;
  if (/^[0-7]{1,3}$/.test(escape.slice(1))) code = parseInt(escape.slice(1), 8);
  else if (/^[xuU][0-9a-fA-F]+$/.test(escape.slice(1))) code = parseInt(escape.slice(2), 16);
  else if (c === 'N') return NAMED_ESCAPE_VALUE;
  else return escape; // unknown escapes stay as written, as in Python
  return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
}

/**
 * An interpolation's source with the characters that would end a URL, path or placeholder
 * (whitespace, quotes, nested braces) replaced, so `{cfg["db"]}` still reads as one placeholder.
 * Same length, so every character keeps its file offset.
 */
function placeholderText(text: string): string {
  if (text.length < 2) return text;
  return '{' + text.slice(1, -1).replace(/[\s"'`<>\\{}]/g, '_') + '}';
}

/** The prefix letters of a string (`rb`, `f`, ...), lower-cased. */
function prefixOf(node: SyntaxNode): string {
  const start = node.children.find((n) => n?.type === 'string_start')?.text ?? '';
  return start.replace(/['"]+$/, '').toLowerCase();
}

/** The env var an f-string interpolation's expression reads, if any (`{os.getenv("X", "d")}`). */
type EnvOf = (expr: SyntaxNode) => string | undefined;

function singleString(source: string, node: SyntaxNode, envOf?: EnvOf): PyString {
  const prefix = prefixOf(node);
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  const b = new MappedBuilder();
  const interpolations: SyntaxNode[] = [];
  for (const child of node.children) {
    if (!child) continue;
    if (child.type === 'interpolation') {
      interpolations.push(child);
      const expr = child.childForFieldName('expression');
      const env = expr && envOf ? envOf(expr) : undefined;
      if (env) {
        // Reads as `${X}`: the string holds X's value (a default inside is only X's default).
        b.pushText('${', child.startIndex);
        b.pushText(env, expr!.startIndex);
        b.push('}', child.endIndex - 1);
      } else {
        b.pushText(placeholderText(child.text), child.startIndex);
      }
    } else if (child.type === 'string_content') {
      let at = child.startIndex;
      for (const part of child.namedChildren) {
        if (!part) continue;
        b.pushText(source.slice(at, part.startIndex), at);
        if (part.type === 'escape_sequence' && !raw) {
          for (const ch of decodeEscape(part.text)) b.push(ch, part.startIndex);
        } else if (part.type === 'escape_interpolation' && fstring) {
          b.push(part.text[0], part.startIndex); // `{{` is a literal brace
        } else {
          b.pushText(part.text, part.startIndex);
        }
        at = part.endIndex;
      }
      b.pushText(source.slice(at, child.endIndex), at);
    }
  }
  return { m: b.build(), bytes: prefix.includes('b'), interpolations };
}

/** A `string` or an implicit concatenation `"a" "b"`, as one value. */
function pyString(source: string, node: SyntaxNode, envOf?: EnvOf): PyString | undefined {
  if (node.type === 'string') return singleString(source, node, envOf);
  if (node.type !== 'concatenated_string') return undefined;
  const parts = node.namedChildren.filter((n): n is SyntaxNode => n?.type === 'string').map((n) => singleString(source, n, envOf));
  return {
    m: joinMapped(parts.map((p) => p.m)),
    bytes: parts.some((p) => p.bytes),
    interpolations: parts.flatMap((p) => p.interpolations),
  };
}

/** A name written as a string (an env var, a table): no interpolation, not bytes, not empty. */
interface Name {
  text: string;
  start: number;
  end: number;
  m: MappedText;
}

function nameString(source: string, node: SyntaxNode | undefined): Name | undefined {
  const s = node && pyString(source, unwrap(node));
  if (!s || s.bytes || s.interpolations.length > 0 || s.m.text === '') return undefined;
  const [start, end] = fileSpan(s.m, 0, s.m.text.length);
  return { text: s.m.text, start, end, m: s.m };
}

// ---------------------------------------------------------------------------------------------
// Small syntax helpers

function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = n.namedChildren.find((x) => x && x.type !== 'comment');
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** `a.b.c` as text, when the expression is only identifiers and attribute access. */
function dotted(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'attribute') return undefined;
  const object = dotted(node.childForFieldName('object'));
  const attribute = node.childForFieldName('attribute');
  return object && attribute ? `${object}.${attribute.text}` : undefined;
}

function lastName(d: string): string {
  return d.slice(d.lastIndexOf('.') + 1);
}

/**
 * Nodes with no children that the walk does nothing with (visit's default case): not queued,
 * which spares the walk a visit and a `namedChildren` call per name and number.
 */
const LEAVES = new Set(['identifier', 'integer', 'float', 'true', 'false', 'none', 'ellipsis']);

function named(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');
}

/** `named(node)` handed to `each` with their types (reading `type` crosses into wasm: once per node is enough). */
function eachNamed(node: SyntaxNode, each: (child: SyntaxNode, type: string) => void): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const type = child.type;
    if (type !== 'comment') each(child, type);
  }
}

interface Args {
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
  /** keyword name → the whole `name=value` node. */
  keywordNodes: Map<string, SyntaxNode>;
}

function argsOf(call: SyntaxNode): Args {
  const args: Args = { positional: [], keywords: new Map(), keywordNodes: new Map() };
  const list = call.childForFieldName('arguments');
  if (list?.type !== 'argument_list') return args;
  for (const a of named(list)) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) {
        args.keywords.set(name, value);
        args.keywordNodes.set(name, a);
      }
    } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat') {
      args.positional.push(a);
    }
  }
  return args;
}

function callee(call: SyntaxNode): string | undefined {
  return call.type === 'call' ? dotted(call.childForFieldName('function')) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Imports: which database a module speaks to

const MODULE_ENGINES: Record<string, Engine> = {
  psycopg2: 'postgres', psycopg: 'postgres', psycopg_pool: 'postgres', asyncpg: 'postgres', aiopg: 'postgres', pg8000: 'postgres',
  pymysql: 'mysql', MySQLdb: 'mysql', mysql: 'mysql', aiomysql: 'mysql', asyncmy: 'mysql', mariadb: 'mysql',
  sqlite3: 'sqlite', aiosqlite: 'sqlite', apsw: 'sqlite', sqlite_utils: 'sqlite',
  pymongo: 'mongodb', motor: 'mongodb', mongoengine: 'mongodb',
  redis: 'redis', aioredis: 'redis',
  pymssql: 'mssql', cx_Oracle: 'oracle', oracledb: 'oracle',
};

export function engineOfPythonModule(module: string): Engine | undefined {
  const top = module.split('.')[0];
  return Object.prototype.hasOwnProperty.call(MODULE_ENGINES, top) ? MODULE_ENGINES[top] : undefined;
}

interface Imports {
  /** Local name → module it names or was imported from. */
  bindings: Map<string, string>;
  modules: Set<string>;
}

/** One import statement as written: `from m import ...`'s module and the names it binds. */
interface ImportOp {
  from: string | undefined;
  names: Array<{ path: string; alias: string | undefined }>;
}

/** A class with superclasses: its name and its bases' last names. */
interface ClassOp {
  name: string;
  bases: string[];
}

/** What the file context is made of, in the order `descendantsOfType` lists it (preorder). */
interface ContextOps {
  imports: ImportOp[];
  classes: ClassOp[];
}

const IMPORT_TYPES = ['import_statement', 'import_from_statement'];
const CLASS_TYPES = ['class_definition'];
const CONTEXT_TYPES = [...IMPORT_TYPES, ...CLASS_TYPES];

function importOp(stmt: SyntaxNode): ImportOp {
  const from = stmt.type === 'import_from_statement' ? stmt.childForFieldName('module_name')?.text : undefined;
  const names: ImportOp['names'] = [];
  for (const n of stmt.childrenForFieldName('name')) {
    if (!n) continue;
    const aliased = n.type === 'aliased_import';
    names.push({ path: aliased ? n.childForFieldName('name')?.text ?? '' : n.text, alias: aliased ? n.childForFieldName('alias')?.text : undefined });
  }
  return { from, names };
}

function classOp(cls: SyntaxNode): ClassOp | undefined {
  const supers = cls.childForFieldName('superclasses');
  const name = cls.childForFieldName('name')?.text;
  if (!supers || !name) return undefined;
  return { name, bases: named(supers).map((b) => dotted(b)).filter((d): d is string => d !== undefined).map(lastName) };
}

/** The imports and classes of a whole tree, found by the parser's own (native) search. */
function contextOpsOf(root: SyntaxNode): ContextOps {
  // One search for both kinds (each search walks the whole tree); each keeps its source order.
  const imports: ImportOp[] = [];
  const classes: ClassOp[] = [];
  for (const n of root.descendantsOfType(CONTEXT_TYPES)) {
    if (!n) continue;
    if (n.type === 'class_definition') {
      const op = classOp(n);
      if (op) classes.push(op);
    } else {
      imports.push(importOp(n));
    }
  }
  return { imports, classes };
}

/** The symbols a type name stands for, as `descendantsOfType` matches them. */
function symbolsOf(root: SyntaxNode, types: string[]): Set<number> {
  const out = new Set<number>();
  root.tree.language.types.forEach((t, i) => {
    if (types.includes(t)) out.add(i);
  });
  return out;
}

const namedByLanguage = new WeakMap<Language, boolean[]>();

/** Whether each symbol is a named node (false: a token such as a keyword or punctuation). */
function namedSymbols(language: Language): boolean[] {
  let named = namedByLanguage.get(language);
  if (!named) {
    named = language.types.map((_, i) => language.nodeTypeIsNamed(i));
    namedByLanguage.set(language, named);
  }
  return named;
}

/**
 * `contextOpsOf` over a re-parsed tree: a top-level statement or block the parser reused (same
 * node id) contributes what it held last time, in place; the rest is searched node by node.
 * Returns the ops and, for the next analysis, those of every top-level statement and block.
 */
function contextOpsReusing(root: SyntaxNode, recorded: Map<number, ContextOps> | undefined): { ops: ContextOps; records: Map<number, ContextOps> } {
  const importSymbols = symbolsOf(root, IMPORT_TYPES);
  const classSymbols = symbolsOf(root, CLASS_TYPES);
  const blockSymbols = symbolsOf(root, ['block']);
  const named = namedSymbols(root.tree.language);
  const ops: ContextOps = { imports: [], classes: [] };
  const records = new Map<number, ContextOps>();
  const open: Array<{ depth: number; id: number; imports: number; classes: number }> = [];
  const cursor = root.walk();
  try {
    let depth = 0;
    for (;;) {
      let descend = true;
      if (depth > 0) {
        const type = cursor.nodeTypeId;
        // Tokens (keywords, punctuation) are never recorded: no lookup. ERROR's symbol is not in `named`.
        const token = named[type] === false;
        const id = token ? 0 : cursor.nodeId;
        const hit = token ? undefined : recorded?.get(id);
        if (hit) {
          for (const i of hit.imports) ops.imports.push(i);
          for (const c of hit.classes) ops.classes.push(c);
          records.set(id, hit);
          descend = false;
        } else {
          if (!token && (depth === 1 || blockSymbols.has(type))) open.push({ depth, id, imports: ops.imports.length, classes: ops.classes.length });
          // descendantsOfType leaves out nodes that end at the file's start (an empty file's).
          if (importSymbols.has(type) && cursor.endIndex > 0) ops.imports.push(importOp(cursor.currentNode));
          if (classSymbols.has(type) && cursor.endIndex > 0) {
            const op = classOp(cursor.currentNode);
            if (op) ops.classes.push(op);
          }
        }
      }
      if (descend && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        while (open.length > 0 && open[open.length - 1].depth === depth) {
          const u = open.pop()!;
          records.set(u.id, { imports: ops.imports.slice(u.imports), classes: ops.classes.slice(u.classes) });
        }
        if (depth === 0) return { ops, records };
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

function importsOf(ops: readonly ImportOp[]): Imports {
  const imports: Imports = { bindings: new Map(), modules: new Set() };
  const bind = (local: string, module: string) => {
    if (!imports.bindings.has(local) || engineOfPythonModule(module)) imports.bindings.set(local, module);
  };
  for (const { from, names } of ops) {
    if (from) imports.modules.add(from);
    for (const { path, alias } of names) {
      if (from) {
        bind(alias ?? path, from);
      } else {
        imports.modules.add(path);
        bind(alias ?? path.split('.')[0], path);
      }
    }
  }
  return imports;
}

/** Names of classes in the file that derive (directly or through one another) from `BaseSettings`. */
function settingsClassesOf(ops: readonly ClassOp[]): Set<string> {
  const out = new Set<string>();
  for (const { name, bases } of ops) {
    if (bases.some((b) => b === 'BaseSettings' || out.has(b))) out.add(name);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What calls mean

/** Calls whose first argument names an env var to read; the second (or `default=`) is its default. */
function isEnvReadFunction(fn: string): boolean {
  return fn === 'getenv' || fn.endsWith('.getenv') || /(^|\.)environ\.(get|setdefault|pop)$/.test(fn);
}

/**
 * python-decouple `config("X")`, environs / django-environ `env("X")`, `env.str("X")`: generic
 * names, so only an UPPER_CASE first argument makes them env reads.
 */
const CONFIG_READERS = /^(config|decouple\.config|env|env\.(str|int|bool|float|decimal|list|tuple|dict|json|url|db|db_url|dj_db_url|cache|cache_url|email|email_url|search_url|path|timedelta|date|datetime|time|uuid|log_level|enum))$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

function isEnvObject(node: SyntaxNode | null | undefined): boolean {
  const d = dotted(node);
  return d !== undefined && /(^|\.)environ$/.test(d);
}

/** Calls whose first string argument is a module or logger name, not data (`import_module("app.db")`). */
const MODULE_NAME_CALLS = new Set([
  'importlib.import_module', 'import_module', '__import__', 'logging.getLogger', 'getLogger', 'patch', 'mock.patch', 'unittest.mock.patch',
]);

/** Keyword arguments whose text is documentation. */
const DOC_KEYWORDS = new Set(['help', 'description', 'doc', 'docstring']);

/** Keyword arguments and dict keys that name the database to connect to. */
const DB_NAME_KEYS = new Set(['dbname', 'database', 'db_name']);
/** Dict keys that show a dict is a connection config. */
const CONNECTION_KEYS = new Set(['host', 'hostaddr', 'user', 'username', 'password', 'passwd', 'port', 'ENGINE', 'HOST', 'USER', 'PORT']);

/** Alembic operations: where their table arguments are (position, keyword) and whether they create it. */
interface TableArg {
  index: number;
  keyword: string;
  schemaKeyword: string;
  declaration: boolean;
}
const arg = (index: number, keyword: string, declaration = false, schemaKeyword = 'schema'): TableArg => ({ index, keyword, schemaKeyword, declaration });
const ALEMBIC_OPS: Record<string, TableArg[]> = {
  create_table: [arg(0, 'table_name', true)],
  drop_table: [arg(0, 'table_name')],
  add_column: [arg(0, 'table_name')],
  alter_column: [arg(0, 'table_name')],
  drop_column: [arg(0, 'table_name')],
  // The new name of a rename is the table from now on: it declares it.
  rename_table: [arg(0, 'old_table_name'), arg(1, 'new_table_name', true)],
  create_index: [arg(1, 'table_name')],
  drop_index: [arg(1, 'table_name')],
  create_unique_constraint: [arg(1, 'table_name')],
  create_primary_key: [arg(1, 'table_name')],
  create_check_constraint: [arg(1, 'table_name')],
  create_exclude_constraint: [arg(1, 'table_name')],
  drop_constraint: [arg(1, 'table_name')],
  create_foreign_key: [arg(1, 'source_table', false, 'source_schema'), arg(2, 'referent_table', false, 'referent_schema')],
  create_table_comment: [arg(0, 'table_name')],
  drop_table_comment: [arg(0, 'table_name')],
  batch_alter_table: [arg(0, 'table_name')],
};

/** Django `ENGINE` values: `django.db.backends.postgresql` → postgres. */
function engineOfDjangoBackend(backend: string): Engine | undefined {
  const m = /(?:^|\.)backends\.(\w+)$/.exec(backend);
  if (!m) return undefined;
  if (/^(postgresql|postgis|postgresql_psycopg2)$/.test(m[1])) return 'postgres';
  if (/^mysql$/.test(m[1])) return 'mysql';
  if (/^(sqlite3|spatialite)$/.test(m[1])) return 'sqlite';
  if (m[1] === 'oracle') return 'oracle';
  return 'unknown';
}

/** A value that can be a database's name: not a path, URL, DSN or template. */
function isNameLike(s: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_$-]*$/.test(s) && findLiterals(s).length === 0;
}

/**
 * A possibly schema-qualified table name: `documents`, `rag.documents`, `"rag"."documents"`.
 * Offsets are those of the bare name within `text`.
 */
export function splitQualified(text: string): { schema?: string; name: string; start: number; end: number } | undefined {
  const part = '(?:"([^"]+)"|([A-Za-z_][\\w$]*))';
  const m = new RegExp(`^\\s*(?:${part}\\s*\\.\\s*)?${part}\\s*$`).exec(text);
  if (!m) return undefined;
  const schema = m[1] ?? m[2];
  const name = m[3] ?? m[4];
  const close = m[3] !== undefined ? 1 : 0;
  const end = text.trimEnd().length - close;
  return { ...(schema ? { schema } : {}), name, start: end - name.length, end };
}

// ---------------------------------------------------------------------------------------------
// The walk

/**
 * Queues a node to visit: `defaultOf`, the env var whose default it is; `statementIn`, the type
 * of the module or block it is a statement of (its findings are recorded); `type`, when known.
 */
type Queue = (node: SyntaxNode, defaultOf?: string, statementIn?: string, type?: string) => void;

/** A node to visit, or the end of a statement's or block's walk (its findings get recorded then). */
type Item =
  | { node: SyntaxNode; defaultOf: string | undefined; container: string | undefined; type: string | undefined }
  | { done: UnitMark; id: number; key: string; start: number; end: number };

/** Every string literal has one. */
const QUOTE = /['"]/g;

class PyAnalysis {
  private readonly imports: Imports;
  private readonly settings: Set<string>;
  private readonly fileEngine: Engine;
  private readonly alembic: boolean;
  private readonly envOf = new Map<number, string | undefined>();
  private readonly context: string;
  private readonly contextOps: Map<number, ContextOps> | undefined;
  /** Records statements' findings: from a path's second analysis on. */
  private readonly recorder: UnitRecorder | undefined;
  /** Last analysis's statements, when made in the same file context. */
  private readonly recorded: Map<number, UnitRecord> | undefined;
  private readonly units = new Map<number, UnitRecord>();
  /**
   * Where the file's quotes are, when a statement without one can be passed over: every finding
   * but a settings field comes from a string (a literal, SQL, an env var's or a table's name), and
   * settings classes need `BaseSettings` in the file. Undefined: walk every statement.
   */
  private readonly quotes: Int32Array | undefined;

  /** `previous`: undefined when nothing is recorded (a path's first analysis), else the last memo (null when there is none). */
  constructor(
    private readonly c: ReferenceCollector,
    private readonly source: string,
    private readonly root: SyntaxNode,
    previous: PyMemo | null | undefined,
  ) {
    let ops: ContextOps;
    if (previous === undefined) {
      ops = contextOpsOf(root);
    } else {
      const reused = contextOpsReusing(root, previous?.contextOps);
      ops = reused.ops;
      this.contextOps = reused.records;
    }
    this.imports = importsOf(ops.imports);
    this.settings = settingsClassesOf(ops.classes);
    const engines = new Set([...this.imports.modules].map(engineOfPythonModule).filter((e): e is Engine => e !== undefined));
    this.fileEngine = engines.size === 1 ? [...engines][0] : 'unknown';
    this.alembic = [...this.imports.modules].some((m) => m === 'alembic' || m.startsWith('alembic.'));
    this.context = JSON.stringify([[...this.imports.bindings], [...this.imports.modules], [...this.settings]]);
    if (!source.includes('BaseSettings')) this.quotes = marksOf(source, QUOTE);
    if (previous !== undefined) {
      this.recorder = new UnitRecorder(c, source);
      if (previous?.context === this.context) this.recorded = previous.units;
    }
  }

  /** Walks the tree; returns what the next analysis of the path can reuse (from the second analysis on). */
  run(): PyMemo | undefined {
    // Each item: a node and the env var whose default it is (when it is inside a default).
    const stack: Item[] = [{ node: this.root, defaultOf: undefined, container: undefined, type: undefined }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if ('done' in item) {
        this.units.set(item.id, this.recorder!.record(item.done, item.key, item.start, item.end));
        continue;
      }
      const { node, defaultOf, container } = item;
      const type = item.type ?? node.type;
      const statement = container !== undefined || type === 'block';
      if (this.recorder && statement) {
        // A statement or block: replayed when the parser reused it, else walked and recorded.
        const key = `${type}|${container ?? ''}|${defaultOf ?? ''}`;
        const start = node.startIndex;
        const end = node.endIndex;
        const replayed = this.recorder.replay(this.recorded?.get(node.id), key, start, end);
        if (replayed) {
          this.units.set(node.id, replayed);
          continue;
        }
        stack.push({ done: this.recorder.mark(), id: node.id, key, start, end });
      }
      if (statement && this.quotes && !holdsMark(this.quotes, node.startIndex, node.endIndex)) continue;
      const next: Item[] = [];
      this.visit(node, type, defaultOf, (child, d = defaultOf, statementIn, childType) => next.push({ node: child, defaultOf: d, container: statementIn, type: childType }));
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    }
    return this.recorder && this.contextOps ? { context: this.context, units: this.units, contextOps: this.contextOps } : undefined;
  }

  /** Handles one node; `then` queues the children still to visit (with their default context). */
  private visit(node: SyntaxNode, type: string, defaultOf: string | undefined, then: Queue): void {
    const children = () => eachNamed(node, (child, childType) => LEAVES.has(childType) || then(child, undefined, undefined, childType));
    switch (type) {
      case 'comment':
        return;
      case 'module':
      case 'block':
        return eachNamed(node, (child, childType) => then(child, undefined, type, childType));
      case 'expression_statement': {
        const parts = named(node);
        if (parts.length === 1 && (parts[0].type === 'string' || parts[0].type === 'concatenated_string')) return; // documentation
        return children();
      }
      case 'string':
      case 'concatenated_string':
        return this.string(node, defaultOf, then);
      case 'subscript': {
        const read = this.envSubscript(node);
        if (read) return void this.c.envRead(read.text, read.start, read.end);
        return children();
      }
      case 'delete_statement':
        // `del os.environ["X"]` neither reads nor defines X.
        for (const target of named(node)) if (!(target.type === 'subscript' && this.envSubscript(target))) then(target);
        return;
      case 'assignment':
      case 'augmented_assignment':
        if (this.envAssignment(node, then)) return;
        return children();
      case 'boolean_operator':
        if (this.orFallback(node, defaultOf, then)) return;
        return children();
      case 'call':
        if (this.call(node, defaultOf, then)) return;
        return children();
      case 'keyword_argument': {
        const value = node.childForFieldName('value');
        if (DOC_KEYWORDS.has(node.childForFieldName('name')?.text ?? '') && value && pyString(this.source, value)) return;
        return children();
      }
      case 'dictionary':
        this.dictionary(node);
        return children();
      case 'class_definition':
        return this.classDefinition(node, then);
      default:
        return children();
    }
  }

  // --- literals -------------------------------------------------------------------------------

  private string(node: SyntaxNode, defaultOf: string | undefined, then: Queue): void {
    const s = pyString(this.source, node, (expr) => this.readEnvOf(expr));
    if (!s || s.bytes) return;
    this.search(s.m, defaultOf);
    for (const i of s.interpolations) then(i);
  }

  /** Records the URLs, DSNs and SQLite paths in a string, and the tables and names of its SQL. */
  private search(m: MappedText, defaultOf: string | undefined): void {
    // `django.db.backends.sqlite3` is a module path, not a SQLite file.
    if (/^[\w.]*\bdb\.backends\.\w+$/.test(m.text)) return;
    recordLiterals(this.c, m, { defaultOf });
    if (!looksLikeSql(m.text)) return;
    for (const t of findSqlTables(m.text)) {
      const [start, end] = fileSpan(m, t.start, t.end);
      this.c.table(t.name, t.schema, start, end, 'sql', t.declaration);
    }
    for (const n of findSqlNames(m.text)) {
      const [start, end] = fileSpan(m, n.start, n.end);
      this.c.dbName(n.name, start, end, n.engine !== 'unknown' ? n.engine : this.fileEngine);
    }
  }

  private name(node: SyntaxNode | undefined): Name | undefined {
    return nameString(this.source, node);
  }

  // --- env reads, definitions and defaults ----------------------------------------------------

  /** `os.environ["X"]`: the var's name. */
  private envSubscript(node: SyntaxNode): Name | undefined {
    if (node.type !== 'subscript' || !isEnvObject(node.childForFieldName('value'))) return undefined;
    const keys = node.childrenForFieldName('subscript').filter((n): n is SyntaxNode => n !== null);
    return keys.length === 1 ? this.name(keys[0]) : undefined;
  }

  /** An env-reading call: the var, its name's node, and the default's node (argument or `k=v`). */
  private envCall(node: SyntaxNode): { name: Name; nameNode: SyntaxNode; defaultNode?: SyntaxNode } | undefined {
    const fn = callee(node);
    if (!fn) return undefined;
    const strict = isEnvReadFunction(fn);
    if (!strict && !CONFIG_READERS.test(fn)) return undefined;
    const args = argsOf(node);
    const nameNode = args.positional[0] ?? args.keywordNodes.get('key') ?? args.keywordNodes.get('var');
    const name = this.name(nameNode?.type === 'keyword_argument' ? nameNode.childForFieldName('value') ?? undefined : nameNode);
    if (!nameNode || !name || (!strict && !ENV_NAME.test(name.text))) return undefined;
    return { name, nameNode, defaultNode: args.positional[1] ?? args.keywordNodes.get('default') };
  }

  /** The env var whose value `node` is when it is set: the last read of an `A or B` chain. */
  private readEnvOf(node: SyntaxNode): string | undefined {
    // Memoized: every `or` of a long chain asks about the chain below it.
    if (this.envOf.has(node.id)) return this.envOf.get(node.id);
    const n = unwrap(node);
    let env: string | undefined;
    if (n.type === 'call') env = this.envCall(n)?.name.text;
    else if (n.type === 'subscript') env = this.envSubscript(n)?.text;
    else if (n.type === 'boolean_operator' && n.childForFieldName('operator')?.type === 'or') {
      const right = n.childForFieldName('right');
      const left = n.childForFieldName('left');
      env = (right && this.readEnvOf(right)) ?? (left && this.readEnvOf(left)) ?? undefined;
    }
    this.envOf.set(node.id, env);
    return env;
  }

  /** `os.getenv("X") or "default"`: the right side is only the default of X. */
  private orFallback(node: SyntaxNode, defaultOf: string | undefined, then: Queue): boolean {
    if (node.childForFieldName('operator')?.type !== 'or') return false;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const env = left && this.readEnvOf(left);
    if (!left || !right || !env) return false;
    then(left, defaultOf);
    then(right, env);
    return true;
  }

  /** `os.environ["X"] = v`: a definition in this file's environment. */
  private envAssignment(node: SyntaxNode, then: Queue): boolean {
    const left = node.childForFieldName('left');
    const target = left && this.envSubscript(left);
    if (!target) return false;
    const right = node.childForFieldName('right');
    const value = node.type === 'assignment' ? this.name(right ?? undefined)?.text ?? (right && this.isEmptyString(right) ? '' : undefined) : undefined;
    this.c.envDefine(target.text, target.start, target.end, value, this.c.file.path);
    if (right) then(right);
    return true;
  }

  private isEmptyString(node: SyntaxNode): boolean {
    const s = pyString(this.source, unwrap(node));
    return s !== undefined && !s.bytes && s.interpolations.length === 0 && s.m.text === '';
  }

  // --- calls ----------------------------------------------------------------------------------

  /** Returns true when it queued the call's children itself. */
  private call(node: SyntaxNode, defaultOf: string | undefined, then: Queue): boolean {
    const fn = callee(node);
    if (!fn) return false;
    const list = node.childForFieldName('arguments');
    const argNodes = list?.type === 'argument_list' ? named(list) : [];

    const env = this.envCall(node);
    if (env) {
      this.c.envRead(env.name.text, env.name.start, env.name.end);
      for (const a of argNodes) {
        if (a.id === env.nameNode.id) continue;
        then(a, a.id === env.defaultNode?.id ? env.name.text : defaultOf);
      }
      return true;
    }
    if (fn === 'putenv' || fn.endsWith('.putenv')) {
      const args = argsOf(node);
      const name = this.name(args.positional[0]);
      if (name) {
        const value = args.positional[1];
        this.c.envDefine(name.text, name.start, name.end, value && (this.name(value)?.text ?? (this.isEmptyString(value) ? '' : undefined)), this.c.file.path);
        if (value) then(value);
        return true;
      }
      return false;
    }
    if (MODULE_NAME_CALLS.has(fn)) {
      const first = argsOf(node).positional[0];
      for (const a of argNodes) if (a.id !== first?.id) then(a);
      return true;
    }
    const args = argsOf(node);
    this.tables(node, fn, args);
    this.dbNameKeywords(fn, args);
    return false;
  }

  /** SQLAlchemy `Table(...)`, lightweight `table(...)`, Alembic `op.*`. */
  private tables(node: SyntaxNode, fn: string, args: Args): void {
    const schemaOf = (keyword: string) => this.name(args.keywords.get(keyword))?.text;
    const last = lastName(fn);
    if (last === 'Table' && args.positional.length >= 2) {
      return this.tableAt(args.positional[0], schemaOf('schema'), 'sqlalchemy', true);
    }
    if (last === 'table' && (fn === 'table' || /^(sa|sql|sqlalchemy|sqlalchemy\.sql|expression)\.table$/.test(fn)) && this.lightweightTable(node, args)) {
      return this.tableAt(args.positional[0], schemaOf('schema'), this.alembic ? 'alembic' : 'sqlalchemy', false);
    }
    const op = /^op\.(\w+)$/.exec(fn)?.[1];
    const spec = op && Object.prototype.hasOwnProperty.call(ALEMBIC_OPS, op) ? ALEMBIC_OPS[op] : undefined;
    for (const a of spec ?? []) {
      this.tableAt(args.positional[a.index] ?? args.keywords.get(a.keyword), schemaOf(a.schemaKeyword), 'alembic', a.declaration);
    }
  }

  /** `sa.table("users", sa.column("id"))`, or any `table("x")` handed to `op.bulk_insert`. */
  private lightweightTable(node: SyntaxNode, args: Args): boolean {
    if (args.positional.slice(1).some((a) => /(^|\.)column$/.test(callee(a) ?? ''))) return true;
    const outer = node.parent?.type === 'argument_list' ? node.parent.parent : null;
    return outer !== null && outer !== undefined && callee(outer) === 'op.bulk_insert' && argsOf(outer).positional[0]?.id === node.id;
  }

  private tableAt(node: SyntaxNode | undefined, schema: string | undefined, form: TableForm, declaration: boolean): void {
    const name = this.name(node);
    if (!name || !/^[A-Za-z_][\w$]*$/.test(name.text)) return;
    this.c.table(name.text, schema, name.start, name.end, form, declaration);
  }

  /** `psycopg2.connect(dbname="x")`, `asyncpg.create_pool(database="x")`. */
  private dbNameKeywords(fn: string, args: Args): void {
    for (const [key, value] of args.keywords) {
      if (!DB_NAME_KEYS.has(key)) continue;
      const name = this.name(value);
      if (!name || !isNameLike(name.text)) continue; // a path or URL: the literal search has it
      const engine = this.engineOfCall(fn, args);
      if (engine !== 'sqlite') this.c.dbName(name.text, name.start, name.end, engine);
    }
  }

  /** The engine a call talks to: `URL.create("postgresql", ...)`'s driver, or the module it comes from. */
  private engineOfCall(fn: string, args: Args): Engine {
    if (fn === 'URL' || fn.endsWith('URL.create')) {
      const driver = this.name(args.positional[0] ?? args.keywords.get('drivername'))?.text;
      const engine = driver && engineOfScheme(driver);
      if (engine) return engine;
    }
    const root = fn.split('.')[0];
    const module = this.imports.bindings.get(root) ?? root;
    return engineOfPythonModule(module) ?? this.fileEngine;
  }

  /** Connection dicts: Django `DATABASES` entries, `connect_args={"dbname": ...}` with a host or user. */
  private dictionary(node: SyntaxNode): void {
    const pairs = new Map<string, SyntaxNode>();
    for (const p of named(node)) {
      if (p.type !== 'pair') continue;
      const key = this.name(p.childForFieldName('key') ?? undefined);
      const value = p.childForFieldName('value');
      if (key && value) pairs.set(key.text, value);
    }
    const backend = this.name(pairs.get('ENGINE'))?.text;
    const django = backend ? engineOfDjangoBackend(backend) : undefined;
    const keys = django ? ['NAME'] : [...DB_NAME_KEYS].filter((k) => pairs.has(k));
    if (!django && ![...pairs.keys()].some((k) => CONNECTION_KEYS.has(k))) return;
    const engine = django ?? this.fileEngine;
    if (engine === 'sqlite') return;
    for (const k of keys) {
      const name = this.name(pairs.get(k));
      if (name && isNameLike(name.text)) this.c.dbName(name.text, name.start, name.end, engine);
    }
  }

  // --- classes: ORM tables and settings -------------------------------------------------------

  private classDefinition(node: SyntaxNode, then: Queue): void {
    const className = node.childForFieldName('name')?.text ?? '';
    const supers = node.childForFieldName('superclasses');
    if (supers) then(supers);
    const body = node.childForFieldName('body');
    if (!body) return;
    const settings = supers && named(supers).some((b) => {
      const d = dotted(b);
      return d !== undefined && (lastName(d) === 'BaseSettings' || this.settings.has(lastName(d)));
    });
    // Outside settings classes only these two names are looked up: a body that spells neither assigns neither.
    const statements = settings || /__tablename__|db_table/.test(body.text) ? named(body) : undefined;
    const assignments = statements ? classAssignments(statements) : new Map<string, SyntaxNode>();

    const tablename = assignments.get('__tablename__')?.childForFieldName('right');
    if (tablename) this.tableAt(tablename, this.tableArgsSchema(assignments.get('__table_args__')), 'sqlalchemy', true);
    const dbTable = assignments.get('db_table')?.childForFieldName('right');
    if (className === 'Meta' && dbTable && node.parent?.type === 'block') this.djangoTable(dbTable);

    // Any other class's statements are the body's: walked (or replayed) as one block.
    if (!settings || !statements) return then(body);
    const prefix = this.envPrefix(statements, assignments);
    for (const stmt of statements) {
      const assign = stmt.type === 'expression_statement' ? named(stmt).find((n) => n.type === 'assignment') : undefined;
      if (assign && this.settingsField(assign, prefix, then)) continue;
      then(stmt, undefined, 'block');
    }
  }

  /** `__table_args__ = {"schema": "rag"}` or a tuple ending with such a dict. */
  private tableArgsSchema(assign: SyntaxNode | undefined): string | undefined {
    let value = assign?.childForFieldName('right');
    if (value && value.type === 'tuple') value = named(value).pop() ?? null;
    if (!value) return undefined;
    if (value.type === 'dictionary') {
      for (const p of named(value)) {
        if (p.type === 'pair' && this.name(p.childForFieldName('key') ?? undefined)?.text === 'schema') {
          return this.name(p.childForFieldName('value') ?? undefined)?.text;
        }
      }
    }
    if (callee(value) === 'dict') return this.name(argsOf(value).keywords.get('schema'))?.text;
    return undefined;
  }

  /** Django `db_table = "rag.documents"` / `'"rag"."documents"'`: the schema and bare name. */
  private djangoTable(node: SyntaxNode): void {
    const name = this.name(node);
    const q = name && splitQualified(name.text);
    if (!name || !q) return;
    const [start, end] = fileSpan(name.m, q.start, q.end);
    this.c.table(q.name, q.schema, start, end, 'django', true);
  }

  /** `model_config = SettingsConfigDict(env_prefix="APP_")` or `class Config: env_prefix = "APP_"`. */
  private envPrefix(statements: SyntaxNode[], assignments: Map<string, SyntaxNode>): string {
    const config = assignments.get('model_config')?.childForFieldName('right');
    if (config?.type === 'call') {
      const prefix = this.name(argsOf(config).keywords.get('env_prefix'))?.text;
      if (prefix) return prefix;
    }
    if (config?.type === 'dictionary') {
      for (const p of named(config)) {
        if (p.type === 'pair' && this.name(p.childForFieldName('key') ?? undefined)?.text === 'env_prefix') {
          return this.name(p.childForFieldName('value') ?? undefined)?.text ?? '';
        }
      }
    }
    for (const stmt of statements) {
      if (stmt.type !== 'class_definition' || stmt.childForFieldName('name')?.text !== 'Config') continue;
      const inner = stmt.childForFieldName('body');
      const prefix = inner && this.name(classAssignments(named(inner)).get('env_prefix')?.childForFieldName('right') ?? undefined)?.text;
      if (prefix) return prefix;
    }
    return '';
  }

  /**
   * A pydantic settings field `database_url: str = "..."`: a read of DATABASE_URL (or of the var
   * its `Field(env=/validation_alias=/alias=)` names), whose default is only that var's default.
   * Returns false when the statement is not a field.
   */
  private settingsField(assign: SyntaxNode, prefix: string, then: Queue): boolean {
    const left = assign.childForFieldName('left');
    const type = assign.childForFieldName('type');
    const right = assign.childForFieldName('right') ?? undefined;
    if (!type || left?.type !== 'identifier' || left.text.startsWith('_') || left.text === 'model_config') return false;
    if (/^(typing\.)?ClassVar\b/.test(type.text)) return false;

    let names: Name[] = [];
    let defaultNode = right;
    const field = right && unwrap(right);
    if (field && /(^|\.)Field$/.test(callee(field) ?? '')) {
      const args = argsOf(field);
      const aliasKey = ['validation_alias', 'alias', 'env'].find((k) => args.keywords.has(k));
      if (aliasKey) names = this.aliasNames(args.keywords.get(aliasKey)!);
      const first = args.positional[0];
      defaultNode = first && first.type !== 'ellipsis' ? first : args.keywords.get('default') ?? args.keywords.get('default_factory');
      // The alias names a var (not data) and the default is queued below with its var.
      const handled = [aliasKey && args.keywordNodes.get(aliasKey), defaultNode, args.keywordNodes.get('default'), args.keywordNodes.get('default_factory')];
      const skip = new Set(handled.filter((n): n is SyntaxNode => !!n).map((n) => n.id));
      const list = field.childForFieldName('arguments');
      for (const a of list ? named(list) : []) if (!skip.has(a.id)) then(a);
    }
    if (names.length === 0) names = [{ text: prefix + left.text.toUpperCase(), start: left.startIndex, end: left.endIndex, m: mappedAt(left.text, left.startIndex) }];
    for (const n of names) this.c.envRead(n.text, n.start, n.end);
    if (defaultNode) then(defaultNode, names[0].text);
    return true;
  }

  /** The var names of `env="X"`, `env=["X", "Y"]`, `validation_alias=AliasChoices("X", "Y")`. */
  private aliasNames(node: SyntaxNode): Name[] {
    const n = unwrap(node);
    const items = n.type === 'list' || n.type === 'tuple' ? named(n) : n.type === 'call' && lastName(callee(n) ?? '') === 'AliasChoices' ? argsOf(n).positional : [n];
    return items.map((i) => this.name(i)).filter((x): x is Name => x !== undefined);
  }
}

/** A class body's simple assignments `name = value` (and `name: T = value`), by name. */
function classAssignments(statements: SyntaxNode[]): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const stmt of statements) {
    if (stmt.type !== 'expression_statement') continue;
    for (const a of named(stmt)) {
      const left = a.type === 'assignment' ? a.childForFieldName('left') : null;
      if (left?.type === 'identifier') out.set(left.text, a);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Without the grammar

/** Comments and string literals, in order; only strings are searched. */
const TOKEN_RE = /#[^\n]*|([rRbBuUfF]{0,2})(?:"""([\s\S]*?)"""|'''([\s\S]*?)'''|"((?:\\.|[^"\\\n])*)"|'((?:\\.|[^'\\\n])*)')/g;

/** Degraded mode (grammar not loaded): the raw text of each string literal, comments aside. */
export function analyzePythonWithoutGrammar(c: ReferenceCollector, text: string): void {
  for (const m of text.matchAll(TOKEN_RE)) {
    if (m[0].startsWith('#') || /b/i.test(m[1])) continue;
    const triple = m[2] ?? m[3];
    const content = triple ?? m[4] ?? m[5] ?? '';
    recordLiterals(c, mappedAt(content, m.index! + m[1].length + (triple !== undefined ? 3 : 1)));
  }
}
