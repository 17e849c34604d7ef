// JavaScript and TypeScript (every module flavour, JSX/TSX) through the TypeScript compiler API.
// One SourceFile per file, no Program: the syntax tree is all we need, and it is fast. The walk
// sees only code: comments and JSDoc are trivia the tree never visits, and JSX text is prose.
//
// Where we look:
//  - every string, template literal and template expression: URLs, DSNs, SQLite paths, and SQL;
//  - env reads (`process.env.X`, `import.meta.env.X`, `Deno.env.get('X')`, `Bun.env.X`,
//    destructuring) and their defaults (`?? 'x'`, `|| 'x'`, `= 'x'`), env assignments;
//  - database names in connection options (`new Pool({ database: 'x' })`, Sequelize, Mongo);
//  - ORM tables (TypeORM, Sequelize, Drizzle, knex).

import { ts } from '../typescript';
import { ReferenceCollector } from '../collector';
import { findLiterals } from '../literals';
import { PARSE_CACHE_CHARS, PARSE_CACHE_ENTRIES, ParseCache, textChange } from '../parseCache';
import { findSqlNames, findSqlTables, looksLikeSql } from '../sqlTables';
import type { Detector, Engine } from '../types';
import { holdsMark, marksOf } from '../textMarks';
import { UnitRecorder, type UnitMark, type UnitRecord } from '../unitMemo';

export const detectJavaScript: Detector = (file) => {
  const c = new ReferenceCollector(file);
  // The previous source file is consumed either way: an update reuses (and moves) its nodes.
  const previous = parses.take(file.path);
  // An editor's document, or a path analyzed again, keeps its source file and records its statements.
  const again = parses.seenBefore(file.path) || file.editing === true || previous !== undefined;
  try {
    const sf = reparse(file.path, file.text, previous);
    const memo = new JsAnalysis(c, sf, file.path, again ? (previous?.memo ?? null) : undefined).run();
    if (again) parses.put(file.path, { text: file.text, sf, memo });
  } catch {
    // A pathological file (the parser or the walk ran out of stack): keep what was found.
  }
  return c.result();
};

// ---------------------------------------------------------------------------------------------
// Incremental parsing: the last source files of recently analyzed files

/** The last parse of a path and, from its second analysis on, what each statement gave. */
interface JsParse {
  text: string;
  sf: ts.SourceFile;
  memo: JsMemo | undefined;
}

interface JsMemo {
  /** The file context (imports) the walk's records were made in. */
  context: string;
  /** The walk's findings per statement or class member (TypeScript reuses the node objects). */
  units: Map<ts.Node, UnitRecord>;
  /** What each statement or class member adds to the imports. */
  importOps: Map<ts.Node, ImportOp[]>;
}

const parses = new ParseCache<JsParse>({
  capacity: PARSE_CACHE_ENTRIES,
  maxSize: PARSE_CACHE_CHARS,
  size: (p) => p.text.length,
  dispose: () => {}, // garbage-collected
});

/** Whether the source file of `path` is kept for its next analysis (an editor's document). */
export function holdsJavaScriptParse(path: string): boolean {
  return parses.has(path);
}

/**
 * The source file of `text`: the previous one of the same path updated by the one changed range
 * (the parser reuses every node outside it), or a fresh parse.
 */
function reparse(path: string, text: string, previous: JsParse | undefined): ts.SourceFile {
  if (!previous) return parseJavaScript(path, text);
  const change = textChange(previous.text, text);
  if (!change) return previous.sf;
  return ts.updateSourceFile(previous.sf, text, { span: { start: change.start, length: change.oldEnd - change.start }, newLength: change.newEnd - change.start });
}

/** A fresh parse of a JS/TS file, as the detector makes it (the bench's parse floor makes the same). */
export function parseJavaScript(path: string, text: string): ts.SourceFile {
  // JSDoc is trivia to the walk (forEachChild never visits it): not parsing it saves ~15% of an update.
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
  return ts.createSourceFile(path, text, options, true, scriptKindOf(path));
}

export function scriptKindOf(path: string): ts.ScriptKind {
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  switch (ext) {
    case '.jsx':
      return ts.ScriptKind.JSX;
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.tsx':
      return ts.ScriptKind.TSX;
    default:
      return ts.ScriptKind.JS;
  }
}

// ---------------------------------------------------------------------------------------------
// Text of literals, mapped to the file

/**
 * A literal's value as the program sees it (escapes decoded), with the file span of the source
 * that produced each character: an escape's character spans the whole escape, so a match ending
 * in one still ends after it.
 */
interface Piece {
  text: string;
  starts: number[];
  ends: number[];
}

class PieceBuilder {
  private readonly chars: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  push(ch: string, start: number, end = start + 1): void {
    this.chars.push(ch);
    this.starts.push(start);
    this.ends.push(end);
  }

  pushRaw(text: string, offset: number): void {
    for (let i = 0; i < text.length; i++) this.push(text[i], offset + i);
  }

  build(): Piece {
    return { text: this.chars.join(''), starts: this.starts, ends: this.ends };
  }
}

/** The file span of [start, end) in a piece. */
function spanOf(p: Piece, start: number, end: number): [number, number] {
  if (end <= start) {
    const at = start < p.starts.length ? p.starts[start] : (p.ends[p.ends.length - 1] ?? 0);
    return [at, at];
  }
  return [p.starts[start], p.ends[end - 1]];
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Decodes the escapes of a string's or template's raw source text at `offset` in the file. */
function unescapeInto(b: PieceBuilder, raw: string, offset: number): void {
  let i = 0;
  while (i < raw.length) {
    const at = offset + i;
    if (raw[i] !== '\\' || i + 1 >= raw.length) {
      b.push(raw[i], at);
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === '\r' || next === '\n' || next === '\u2028' || next === '\u2029') {
      i += next === '\r' && raw[i + 2] === '\n' ? 3 : 2; // a line continuation adds nothing
      continue;
    }
    const hex = next === 'x' ? /^[0-9a-fA-F]{2}/.exec(raw.slice(i + 2))
      : next === 'u' ? /^\{[0-9a-fA-F]+\}|^[0-9a-fA-F]{4}/.exec(raw.slice(i + 2)) : null;
    if (hex) {
      const code = parseInt(hex[0].replace(/[{}]/g, ''), 16);
      const end = at + 2 + hex[0].length;
      const ch = code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
      for (const unit of ch.split('')) b.push(unit, at, end);
      i += 2 + hex[0].length;
      continue;
    }
    b.push(SIMPLE_ESCAPES[next] ?? next, at, at + 2);
    i += 2;
  }
}

/**
 * Raw source between a literal's delimiters; `close` is the closing delimiter, when written
 * (`escapes`: whether a backslash can escape it; not in JSX attributes).
 */
function between(text: string, start: number, end: number, close: string, escapes = true): [number, number] {
  const inner = start + 1;
  const closed = end - inner >= close.length && text.slice(end - close.length, end) === close;
  if (closed && !(escapes && escapedAt(text, end - close.length, inner))) {
    return [inner, end - close.length];
  }
  return [inner, end]; // unterminated: everything after the opening delimiter
}

/** True when the character at `i` is escaped by an odd run of backslashes (not before `from`). */
function escapedAt(text: string, i: number, from: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= from && text[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

// ---------------------------------------------------------------------------------------------
// Imports: which database a module speaks to

/** Names of drivers and dialects (module names, Knex `client`, Sequelize `dialect`, TypeORM `type`). */
const DRIVER_ENGINES: Record<string, Engine> = {
  pg: 'postgres', 'pg-pool': 'postgres', 'pg-promise': 'postgres', postgres: 'postgres', postgresql: 'postgres',
  '@vercel/postgres': 'postgres', slonik: 'postgres', '@electric-sql/pglite': 'postgres', cockroachdb: 'postgres',
  mysql: 'mysql', mysql2: 'mysql', mariadb: 'mysql', '@planetscale/database': 'mysql',
  mongodb: 'mongodb', mongoose: 'mongodb',
  'better-sqlite3': 'sqlite', sqlite3: 'sqlite', sqlite: 'sqlite', 'bun:sqlite': 'sqlite', 'node:sqlite': 'sqlite',
  '@libsql/client': 'sqlite', libsql: 'sqlite',
  redis: 'redis', ioredis: 'redis', '@redis/client': 'redis', '@upstash/redis': 'redis',
  mssql: 'mssql', tedious: 'mssql', oracledb: 'oracle', oracle: 'oracle',
};

/** The engine a module specifier, driver or dialect name designates, if any. */
export function engineOfModule(spec: string): Engine | undefined {
  const s = spec.toLowerCase();
  if (s.startsWith('@neondatabase/')) return 'postgres';
  if (s.startsWith('drizzle-orm/')) {
    const sub = s.slice('drizzle-orm/'.length);
    if (/pg|postgres|neon|vercel/.test(sub)) return 'postgres';
    if (/mysql|planetscale|singlestore|tidb/.test(sub)) return 'mysql';
    if (/sqlite|libsql|d1|expo|op-sqlite/.test(sub)) return 'sqlite';
    return undefined;
  }
  const parts = s.split('/');
  const pkg = s.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return Object.prototype.hasOwnProperty.call(DRIVER_ENGINES, pkg) ? DRIVER_ENGINES[pkg] : undefined;
}

interface Imports {
  /** Local name → module it was imported or required from. */
  bindings: Map<string, string>;
  /** Every module the file imports or requires. */
  modules: Set<string>;
  /** Drizzle schema objects: local name → schema name (`const rag = pgSchema('rag')`). */
  schemas: Map<string, string>;
}

/** `require('m')`, `import('m')`, `await import('m')`, `require('m').X`: the module, if so. */
function requiredModule(e: ts.Expression | undefined): string | undefined {
  let x = e && unwrap(e);
  if (x && ts.isAwaitExpression(x)) x = unwrap(x.expression);
  while (x && ts.isPropertyAccessExpression(x)) x = unwrap(x.expression);
  if (!x || !ts.isCallExpression(x) || !isRequireOrImport(x)) return undefined;
  const arg = x.arguments[0];
  return arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

function isRequireOrImport(call: ts.CallExpression): boolean {
  return call.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(call.expression) && call.expression.text === 'require');
}

/** One change to the imports, in file order: a module imported, a name bound to a module, a Drizzle schema object. */
type ImportOp = readonly ['module', string] | readonly ['bind', string, string] | readonly ['schema', string, string];

function bindNames(name: ts.BindingName, module: string, out: ImportOp[]): void {
  if (ts.isIdentifier(name)) {
    out.push(['bind', name.text, module]);
    return;
  }
  for (const el of name.elements) if (ts.isBindingElement(el)) bindNames(el.name, module, out);
}

/** What `node` itself (not its children) adds to the imports. */
function importOpsOf(node: ts.Node, out: ImportOp[]): void {
  if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
    const m = node.moduleSpecifier.text;
    out.push(['module', m]);
    const clause = node.importClause;
    if (clause?.name) out.push(['bind', clause.name.text, m]);
    const named = clause?.namedBindings;
    if (named && ts.isNamespaceImport(named)) out.push(['bind', named.name.text, m]);
    if (named && ts.isNamedImports(named)) for (const el of named.elements) out.push(['bind', el.name.text, m]);
  } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    const ref = node.moduleReference.expression;
    if (ts.isStringLiteral(ref)) {
      out.push(['module', ref.text]);
      out.push(['bind', node.name.text, ref.text]);
    }
  } else if (ts.isCallExpression(node) && isRequireOrImport(node)) {
    const arg = node.arguments[0];
    if (arg && ts.isStringLiteralLike(arg)) out.push(['module', arg.text]);
  } else if (ts.isVariableDeclaration(node)) {
    const m = requiredModule(node.initializer);
    if (m) bindNames(node.name, m, out);
    const schema = node.initializer && drizzleSchemaCall(node.initializer);
    if (schema && ts.isIdentifier(node.name)) out.push(['schema', node.name.text, schema.name]);
  }
}

function importsOf(ops: readonly ImportOp[]): Imports {
  const imports: Imports = { bindings: new Map(), modules: new Set(), schemas: new Map() };
  for (const op of ops) {
    if (op[0] === 'module') imports.modules.add(op[1]);
    else if (op[0] === 'bind') imports.bindings.set(op[1], op[2]);
    else imports.schemas.set(op[1], op[2]);
  }
  return imports;
}

/**
 * The imports' ops of the whole file, in preorder. With `records` (from a path's second analysis
 * on), a statement or class member found in `recorded` (a node the parser reused) contributes
 * its recorded ops, and `records` receives every statement's and member's ops for the next time.
 */
function importOpsReusing(
  sf: ts.SourceFile,
  /** IMPORT_MARK's offsets in the file: a node without one adds no op. */
  marks: Int32Array,
  recorded: Map<ts.Node, ImportOp[]> | undefined,
  records: Map<ts.Node, ImportOp[]> | undefined,
): ImportOp[] {
  const ops: ImportOp[] = [];
  if (!records) {
    walk(sf, (node) => importOpsOf(node, ops), (node) => holdsMark(marks, node.pos, node.end));
    return ops;
  }
  const stack: Array<{ node: ts.Node; unit: boolean } | { done: ts.Node; from: number }> = [{ node: sf, unit: false }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('done' in item) {
      records.set(item.done, ops.slice(item.from));
      continue;
    }
    const { node, unit } = item;
    if (unit) {
      const hit = recorded?.get(node);
      if (hit) {
        for (const op of hit) ops.push(op);
        records.set(node, hit);
        continue;
      }
      stack.push({ done: node, from: ops.length });
    }
    importOpsOf(node, ops);
    const children: Array<{ node: ts.Node; unit: boolean }> = [];
    childrenOf(node, (child, statement) => children.push({ node: child, unit: statement }));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------
// Small syntax helpers

/** Parentheses, type assertions and `!` change nothing about what an expression reads. */
function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x) || ts.isTypeAssertionExpression(x) || ts.isSatisfiesExpression(x)) {
    x = x.expression;
  }
  return x;
}

/** Preorder walk without recursion (long `a + b + ...` chains are deep trees), into the nodes `enter` accepts. */
function walk(root: ts.Node, visit: (node: ts.Node) => void, enter: (node: ts.Node) => boolean): void {
  const stack: ts.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!enter(node)) continue;
    visit(node);
    const children: ts.Node[] = [];
    ts.forEachChild(node, (child) => {
      children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

/** The statements of a block-like node, the members of a class: the units the memo records. */
function unitsOf(node: ts.Node): ts.NodeArray<ts.Node> | undefined {
  if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) return node.statements;
  if (ts.isClassLike(node)) return node.members;
  return undefined;
}

/** `ts.forEachChild` in order, telling which children are statements or class members of `node`. */
function childrenOf(node: ts.Node, push: (child: ts.Node, statement: boolean) => void): void {
  const units = unitsOf(node);
  if (!units) {
    ts.forEachChild(node, (child) => {
      push(child, false);
    });
    return;
  }
  ts.forEachChild(
    node,
    (child) => {
      push(child, false);
    },
    (nodes) => {
      for (const child of nodes) push(child, nodes === units);
    },
  );
}

function propertyNameText(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

/** A string literal (not a template with substitutions). */
function isPlainString(e: ts.Node | undefined): e is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return e !== undefined && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e));
}

/** The leftmost identifier of `a.b(c).d`, `new a.B()`, `a('x').b`. */
function chainRoot(e: ts.Expression): ts.Identifier | undefined {
  let x = unwrap(e);
  for (;;) {
    if (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x) || ts.isCallExpression(x) || ts.isNewExpression(x)) {
      x = unwrap(x.expression);
    } else if (ts.isTaggedTemplateExpression(x)) {
      x = unwrap(x.tag);
    } else {
      return ts.isIdentifier(x) ? x : undefined;
    }
  }
}

/** One `.name` or `.name(...)` of a member chain. */
interface ChainLink {
  name: string;
  call?: ts.CallExpression;
}

/** The members of a chain, innermost first: `knex.schema.withSchema('rag').createTable('d')` → schema, withSchema(), createTable(). */
function chainLinks(e: ts.Expression): ChainLink[] {
  const out: ChainLink[] = [];
  let x = unwrap(e);
  for (;;) {
    if (ts.isCallExpression(x)) {
      const callee = unwrap(x.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        out.unshift({ name: callee.name.text, call: x });
        x = unwrap(callee.expression);
      } else {
        x = callee;
      }
    } else if (ts.isPropertyAccessExpression(x)) {
      out.unshift({ name: x.name.text });
      x = unwrap(x.expression);
    } else {
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Env access

interface EnvName {
  name: string;
  start: number;
  end: number;
}

/** `process.env`, `Bun.env`, `import.meta.env`, `globalThis.process.env`. */
function isEnvObject(e: ts.Expression): boolean {
  const x = unwrap(e);
  if (!ts.isPropertyAccessExpression(x) || x.name.text !== 'env') return false;
  const owner = unwrap(x.expression);
  if (ts.isIdentifier(owner)) return owner.text === 'process' || owner.text === 'Bun';
  if (ts.isMetaProperty(owner)) return owner.keywordToken === ts.SyntaxKind.ImportKeyword && owner.name.text === 'meta';
  return ts.isPropertyAccessExpression(owner) && owner.name.text === 'process' && ts.isIdentifier(owner.expression) && owner.expression.text === 'globalThis';
}

/** `Deno.env.<method>`. */
function isDenoEnvMethod(callee: ts.Expression, method: string): boolean {
  const x = unwrap(callee);
  if (!ts.isPropertyAccessExpression(x) || x.name.text !== method) return false;
  const env = unwrap(x.expression);
  return ts.isPropertyAccessExpression(env) && env.name.text === 'env' && ts.isIdentifier(env.expression) && env.expression.text === 'Deno';
}

/** The var name of a string literal naming it, at the file span of its text (no escapes in names). */
function nameInString(s: ts.Node | undefined, sf: ts.SourceFile): EnvName | undefined {
  if (!isPlainString(s)) return undefined;
  const [start, end] = between(sf.text, s.getStart(sf), s.end, sf.text[s.getStart(sf)]);
  if (sf.text.slice(start, end) !== s.text || s.text === '') return undefined;
  return { name: s.text, start, end };
}

/** The env var an expression reads, if it is one env read. */
function envAccess(node: ts.Node, sf: ts.SourceFile): EnvName | undefined {
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name) && isEnvObject(node.expression)) {
    return { name: node.name.text, start: node.name.getStart(sf), end: node.name.end };
  }
  if (ts.isElementAccessExpression(node) && isEnvObject(node.expression)) return nameInString(node.argumentExpression, sf);
  if (ts.isCallExpression(node) && isDenoEnvMethod(node.expression, 'get')) return nameInString(node.arguments[0], sf);
  return undefined;
}

/** The env var whose value `e` is when it is set: the last read of a `A ?? B` chain. */
function readEnvOf(e: ts.Expression, sf: ts.SourceFile): string | undefined {
  const x = unwrap(e);
  const direct = envAccess(x, sf);
  if (direct) return direct.name;
  if (ts.isBinaryExpression(x) && isFallbackOperator(x.operatorToken.kind)) return readEnvOf(x.right, sf) ?? readEnvOf(x.left, sf);
  return undefined;
}

function isFallbackOperator(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.BarBarToken;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.QuestionQuestionEqualsToken || kind === ts.SyntaxKind.BarBarEqualsToken;
}

// ---------------------------------------------------------------------------------------------
// Database names and tables in ORM and driver calls

/** Option keys that name the database to connect to. */
const DB_NAME_KEYS = new Set(['database', 'dbName', 'dbname']);
/** Option keys that show an object is a connection config even outside a call. */
const CONNECTION_KEYS = new Set(['host', 'user', 'username', 'password', 'port', 'client', 'dialect', 'connectionString']);
/** Option keys whose value names the driver or dialect. */
const DIALECT_KEYS = new Set(['client', 'dialect', 'type']);

const DRIZZLE_TABLES = new Set(['pgTable', 'sqliteTable', 'mysqlTable', 'singlestoreTable']);
const DRIZZLE_SCHEMAS: Record<string, Engine> = { pgSchema: 'postgres', mysqlSchema: 'mysql' };
/** knex schema builder methods: which create a table. */
const KNEX_SCHEMA_METHODS = new Map<string, boolean>([
  ['createTable', true], ['createTableIfNotExists', true], ['createTableLike', true],
  ['alterTable', false], ['table', false], ['dropTable', false], ['dropTableIfExists', false], ['hasTable', false], ['renameTable', false],
]);
const KNEX_ROOTS = new Set(['knex', 'db', 'trx']);
const KNEX_QUERY_METHODS = new Set(['from', 'table', 'into']);

/** `pgSchema('rag')`: the schema's name and engine. */
function drizzleSchemaCall(e: ts.Expression): { name: string; engine: Engine; literal: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral } | undefined {
  const x = unwrap(e);
  if (!ts.isCallExpression(x) || !ts.isIdentifier(x.expression)) return undefined;
  const engine = DRIZZLE_SCHEMAS[x.expression.text];
  const arg = x.arguments[0];
  return engine && isPlainString(arg) ? { name: arg.text, engine, literal: arg } : undefined;
}

/** A value that can be a database's name: not a path, URL, DSN or template. */
function isNameLike(s: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_$-]*$/.test(s) && findLiterals(s).length === 0;
}

/** The properties of an object literal with a string value, by key. */
function stringProps(obj: ts.ObjectLiteralExpression): Map<string, ts.StringLiteral | ts.NoSubstitutionTemplateLiteral> {
  const out = new Map<string, ts.StringLiteral | ts.NoSubstitutionTemplateLiteral>();
  for (const p of obj.properties) {
    const key = ts.isPropertyAssignment(p) ? propertyNameText(p.name) : undefined;
    if (key !== undefined && ts.isPropertyAssignment(p) && isPlainString(unwrap(p.initializer))) {
      out.set(key, unwrap(p.initializer) as ts.StringLiteral | ts.NoSubstitutionTemplateLiteral);
    }
  }
  return out;
}

function propertyKeys(obj: ts.ObjectLiteralExpression): Set<string> {
  const out = new Set<string>();
  for (const p of obj.properties) {
    const key = propertyNameText(p.name);
    if (key !== undefined) out.add(key);
  }
  return out;
}

/** An object literal and the objects it is nested in, up to the call it is an argument of. */
interface ObjectContext {
  objects: ts.ObjectLiteralExpression[];
  call?: ts.CallExpression | ts.NewExpression;
}

function objectContext(obj: ts.ObjectLiteralExpression): ObjectContext {
  const objects = [obj];
  let cur: ts.Node = obj;
  for (;;) {
    let parent = cur.parent;
    while (parent && (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent))) {
      cur = parent;
      parent = parent.parent;
    }
    if (parent && ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent)) {
      cur = parent.parent;
      objects.push(parent.parent);
      continue;
    }
    if (parent && (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.some((a) => a === cur)) {
      return { objects, call: parent };
    }
    return { objects };
  }
}

// ---------------------------------------------------------------------------------------------
// The walk

/** Queues a node; `statementIn`: the node is a statement or member of a node of this kind (its findings are recorded). */
type Queue = (child: ts.Node, defaultOf?: string, statementIn?: ts.SyntaxKind) => void;

/** A node to visit, or the end of a statement's walk. */
type Item =
  | { node: ts.Node; defaultOf: string | undefined; container: ts.SyntaxKind | undefined }
  | { done: UnitMark; node: ts.Node; key: string; start: number; end: number };

/** What a JS/TS finding needs (JsAnalysis.marks): a quote, a backquote, a backslash, `env`. */
const MARK = /['"`\\]|env/g;
/**
 * What every import op's node spells (importOpsOf): `import`, `require`, a Drizzle schema call
 * (`pgSchema`, `mysqlSchema`), or a backslash (an escaped identifier reads as `require` too).
 * Sparser than MARK in bundled code, where a quote is in nearly every statement.
 */
const IMPORT_MARK = /import|require|Schema|\\/g;

class JsAnalysis {
  private readonly imports: Imports;
  private readonly fileEngine: Engine;
  private readonly context: string;
  private readonly importOps: Map<ts.Node, ImportOp[]> | undefined;
  /** Records statements' findings: from a path's second analysis on. */
  private readonly recorder: UnitRecorder | undefined;
  /** Last analysis's statements, when made in the same file context. */
  private readonly recorded: Map<ts.Node, UnitRecord> | undefined;
  private readonly units = new Map<ts.Node, UnitRecord>();
  /**
   * Where the file's quotes, backquotes, backslashes and `env`s are: a node without any of them is
   * passed over, since every finding comes from a string or a template (literals, tables, names,
   * an env var named in brackets) or from an env object (`process.env`, `Deno.env`).
   */
  private readonly marks: Int32Array;

  /** `previous`: undefined when nothing is recorded (a path's first analysis), else the last memo (null when there is none). */
  constructor(
    private readonly c: ReferenceCollector,
    private readonly sf: ts.SourceFile,
    private readonly path: string,
    previous: JsMemo | null | undefined,
  ) {
    if (previous !== undefined) this.importOps = new Map();
    this.imports = importsOf(importOpsReusing(sf, marksOf(sf.text, IMPORT_MARK), previous?.importOps, this.importOps));
    const engines = new Set([...this.imports.modules].map(engineOfModule).filter((e): e is Engine => e !== undefined));
    this.fileEngine = engines.size === 1 ? [...engines][0] : 'unknown';
    this.context = JSON.stringify([[...this.imports.bindings], [...this.imports.modules], [...this.imports.schemas]]);
    this.marks = marksOf(sf.text, MARK);
    if (previous !== undefined) {
      this.recorder = new UnitRecorder(c, sf.text);
      if (previous?.context === this.context) this.recorded = previous.units;
    }
  }

  /** Walks the file; returns what the next analysis of the path can reuse (from the second analysis on). */
  run(): JsMemo | undefined {
    // Each item: a node and the env var whose default it is (when it is inside a fallback).
    const stack: Item[] = [{ node: this.sf, defaultOf: undefined, container: undefined }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if ('done' in item) {
        this.units.set(item.node, this.recorder!.record(item.done, item.key, item.start, item.end));
        continue;
      }
      const { node, defaultOf, container } = item;
      if (container !== undefined && this.recorder) {
        // A statement: replayed when the parser reused it, else walked and recorded.
        const key = `${node.kind}|${container}|${defaultOf ?? ''}`;
        const replayed = this.recorder.replay(this.recorded?.get(node), key, node.pos, node.end);
        if (replayed) {
          this.units.set(node, replayed);
          continue;
        }
        stack.push({ done: this.recorder.mark(), node, key, start: node.pos, end: node.end });
      }
      if (!holdsMark(this.marks, node.pos, node.end)) continue;
      const next: Item[] = [];
      this.visit(node, defaultOf, (child, d = defaultOf, statementIn) => next.push({ node: child, defaultOf: d, container: statementIn }));
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    }
    return this.recorder && this.importOps ? { context: this.context, units: this.units, importOps: this.importOps } : undefined;
  }

  /** Handles one node; `then` queues the children still to visit (with their default context). */
  private visit(node: ts.Node, defaultOf: string | undefined, then: Queue): void {
    const children = this.recorder
      ? () => childrenOf(node, (child, statement) => then(child, undefined, statement ? node.kind : undefined))
      : () => ts.forEachChild(node, (child) => {
        then(child);
      });
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (!isModuleSpecifier(node)) this.search(this.stringPiece(node), defaultOf);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      this.search(this.templatePiece(node), defaultOf);
      for (const span of node.templateSpans) then(span.expression);
      return;
    }
    if (ts.isJsxText(node)) return; // prose
    if (ts.isDeleteExpression(node) && envAccess(unwrap(node.expression), this.sf)) return;

    const read = envAccess(node, this.sf);
    if (read) {
      this.c.envRead(read.name, read.start, read.end);
      return;
    }
    if (ts.isBinaryExpression(node) && this.binary(node, defaultOf, then)) return;
    if (ts.isConditionalExpression(node) && this.conditional(node, defaultOf, then)) return;
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && this.envDestructuring(node, then)) return;
    if (ts.isCallExpression(node)) this.call(node);
    if (ts.isNewExpression(node)) this.sequelizeConstructor(node);
    if (ts.isPropertyAssignment(node)) this.optionProperty(node);
    if (ts.isPropertyDeclaration(node)) this.staticTableName(node);
    children();
  }

  // --- literals -------------------------------------------------------------------------------

  private stringPiece(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): Piece {
    const text = this.sf.text;
    const open = node.getStart(this.sf);
    // JSX attribute strings take no backslash escapes; String.raw`...` keeps them as written.
    const jsx = node.parent !== undefined && ts.isJsxAttribute(node.parent);
    const [start, end] = between(text, open, node.end, text[open], !jsx);
    const b = new PieceBuilder();
    if (jsx || isStringRaw(node)) b.pushRaw(text.slice(start, end), start);
    else unescapeInto(b, text.slice(start, end), start);
    return b.build();
  }

  /**
   * A template with substitutions, as `${...}` placeholders in its text (literals.ts reads them
   * as templated parts): an env read shows as `${NAME}`, a simple reference as written, anything
   * else with the characters that would end a URL or path replaced.
   */
  private templatePiece(node: ts.TemplateExpression): Piece {
    const text = this.sf.text;
    const b = new PieceBuilder();
    const decode = isStringRaw(node) ? (raw: string, at: number) => b.pushRaw(raw, at) : (raw: string, at: number) => unescapeInto(b, raw, at);
    const head = node.head;
    const headStart = head.getStart(this.sf);
    decode(text.slice(headStart + 1, head.end - 2), headStart + 1);
    for (const span of node.templateSpans) {
      const dollar = span.expression.pos - 2;
      b.push('$', dollar);
      b.push('{', dollar + 1);
      const expr = span.expression;
      const read = envAccess(unwrap(expr), this.sf);
      const exprStart = expr.getStart(this.sf);
      // `${process.env.X ?? 'default'}` holds X's value as much as `${process.env.X}` does.
      const fallbackEnv = read ? undefined : readEnvOf(expr, this.sf);
      if (read) {
        b.pushRaw(read.name, read.start);
      } else if (fallbackEnv) {
        b.pushRaw(fallbackEnv, exprStart);
      } else {
        const src = text.slice(exprStart, expr.end);
        b.pushRaw(/^[A-Za-z_$][\w$.]*$/.test(src) ? src : src.replace(/[^\w.]/g, '_'), exprStart);
      }
      const lit = span.literal;
      const litStart = lit.getStart(this.sf);
      b.push('}', litStart);
      const close = ts.isTemplateTail(lit) ? '`' : '${';
      const [from, to] = between(text, litStart, lit.end, close);
      decode(text.slice(from, to), from);
    }
    return b.build();
  }

  /** Records the URLs, DSNs and SQLite paths in a piece, and the tables and names of its SQL. */
  private search(p: Piece, defaultOf: string | undefined): void {
    for (const lit of findLiterals(p.text)) {
      const [start, end] = spanOf(p, lit.start, lit.end);
      this.c.literal({ ...lit, start, end }, 0, defaultOf ? { defaultOf } : {});
    }
    if (!looksLikeSql(p.text)) return;
    for (const t of findSqlTables(p.text)) {
      const [start, end] = spanOf(p, t.start, t.end);
      this.c.table(t.name, t.schema, start, end, 'sql', t.declaration);
    }
    for (const n of findSqlNames(p.text)) {
      const [start, end] = spanOf(p, n.start, n.end);
      this.c.dbName(n.name, start, end, n.engine !== 'unknown' ? n.engine : this.fileEngine);
    }
  }

  // --- env reads, definitions and defaults ----------------------------------------------------

  /** `process.env.X = v` (a definition) and `process.env.X ?? 'default'` (a read with a default). */
  private binary(node: ts.BinaryExpression, defaultOf: string | undefined, then: Queue): boolean {
    const op = node.operatorToken.kind;
    if (isAssignmentOperator(op)) {
      const target = envAccess(unwrap(node.left), this.sf);
      if (!target) return false;
      const right = unwrap(node.right);
      this.c.envDefine(target.name, target.start, target.end, isPlainString(right) ? right.text : undefined, this.path);
      then(node.right);
      return true;
    }
    if (!isFallbackOperator(op)) return false;
    const env = readEnvOf(node.left, this.sf);
    if (!env) return false;
    then(node.left, defaultOf);
    then(node.right, env);
    return true;
  }

  /** `process.env.X ? process.env.X : 'default'`. */
  private conditional(node: ts.ConditionalExpression, defaultOf: string | undefined, then: Queue): boolean {
    const env = readEnvOf(node.condition, this.sf);
    if (!env || readEnvOf(node.whenTrue, this.sf) !== env) return false;
    then(node.condition, defaultOf);
    then(node.whenTrue, defaultOf);
    then(node.whenFalse, env);
    return true;
  }

  /** `const { DATABASE_URL, PGHOST: host = 'localhost' } = process.env`. */
  private envDestructuring(node: ts.VariableDeclaration | ts.ParameterDeclaration, then: Queue): boolean {
    if (!node.initializer || !ts.isObjectBindingPattern(node.name) || !isEnvObject(node.initializer)) return false;
    for (const el of node.name.elements) {
      if (el.dotDotDotToken) continue;
      const key = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
      const name = key && (ts.isIdentifier(key) ? { name: key.text, start: key.getStart(this.sf), end: key.end } : nameInString(key, this.sf));
      if (name) this.c.envRead(name.name, name.start, name.end);
      if (el.initializer) then(el.initializer, name?.name);
    }
    return true;
  }

  // --- calls: ORM tables and database names ---------------------------------------------------

  private call(node: ts.CallExpression): void {
    const callee = unwrap(node.expression);
    const first = node.arguments[0] ? unwrap(node.arguments[0]) : undefined;
    if (isDenoEnvMethod(callee, 'set')) {
      const name = nameInString(first, this.sf);
      const value = node.arguments[1] && unwrap(node.arguments[1]);
      if (name) this.c.envDefine(name.name, name.start, name.end, isPlainString(value) ? value.text : undefined, this.path);
      return;
    }
    if (ts.isIdentifier(callee)) return this.plainCall(node, callee, first);
    if (!ts.isPropertyAccessExpression(callee) || !isPlainString(first)) return;
    const method = callee.name.text;
    const receiver = unwrap(callee.expression);

    // Drizzle: pgSchema('rag').table('documents') / ragSchema.table('documents').
    if (method === 'table') {
      const schema = drizzleSchemaCall(receiver)?.name ?? (ts.isIdentifier(receiver) ? this.imports.schemas.get(receiver.text) : undefined);
      if (schema !== undefined) return this.tableAt(first, schema, 'orm', true);
    }
    // knex schema builder: knex.schema.createTable('x'), .withSchema('rag').createTable('documents').
    const chain = chainLinks(node);
    const declares = KNEX_SCHEMA_METHODS.get(method);
    if (declares !== undefined && chain.some((l) => l.name === 'schema')) {
      return this.tableAt(first, this.withSchema(chain), 'orm', declares);
    }
    // knex queries: db('users').where(...), knex.from('users'), trx.into('logs').
    const root = chainRoot(callee);
    if (KNEX_QUERY_METHODS.has(method) && root && KNEX_ROOTS.has(root.text)) {
      return this.tableAt(first, this.withSchema(chain), 'orm', false);
    }
    // Sequelize: sequelize.define('name', attrs, options); options' tableName wins when written.
    if (method === 'define' && root && (/sequelize/i.test(root.text) || this.imports.modules.has('sequelize'))) {
      const options = node.arguments[2] && unwrap(node.arguments[2]);
      if (!(options && ts.isObjectLiteralExpression(options) && propertyKeys(options).has('tableName'))) {
        this.tableAt(first, undefined, 'orm', true);
      }
      return;
    }
    // MongoDB: client.db('zoe'), mongoose.connection.useDb('zoe').
    if ((method === 'db' || method === 'useDb') && this.importsEngine('mongodb') && isNameLike(first.text)) {
      this.dbNameAt(first, 'mongodb');
    }
  }

  /** Calls of a bare identifier: Drizzle tables and schemas, TypeORM `@Entity`, `knex('users')`. */
  private plainCall(node: ts.CallExpression, callee: ts.Identifier, first: ts.Expression | undefined): void {
    const name = callee.text;
    if (DRIZZLE_TABLES.has(name) && isPlainString(first)) return this.tableAt(first, undefined, 'orm', true);
    const schema = drizzleSchemaCall(node);
    if (schema) {
      if (isNameLike(schema.name)) this.dbNameAt(schema.literal, schema.engine);
      return;
    }
    if (name === 'Entity' && node.parent && ts.isDecorator(node.parent)) return this.entity(node);
    if (KNEX_ROOTS.has(name) && isPlainString(first)) this.tableAt(first, undefined, 'orm', false);
  }

  /** TypeORM `@Entity('name')`, `@Entity('name', { schema })`, `@Entity({ name, schema })`. */
  private entity(node: ts.CallExpression): void {
    const [a, b] = node.arguments.map(unwrap);
    const options = [a, b].find((x): x is ts.ObjectLiteralExpression => x !== undefined && ts.isObjectLiteralExpression(x));
    const props = options ? stringProps(options) : new Map<string, ts.StringLiteral | ts.NoSubstitutionTemplateLiteral>();
    const nameNode = isPlainString(a) ? a : props.get('name');
    if (nameNode) this.tableAt(nameNode, props.get('schema')?.text, 'orm', true);
  }

  /** `new Sequelize('db', 'user', 'pw', { dialect })`: the first argument is the database's name. */
  private sequelizeConstructor(node: ts.NewExpression): void {
    const callee = unwrap(node.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    const args = node.arguments ?? [];
    const first = args[0] && unwrap(args[0]);
    if (name !== 'Sequelize' || args.length < 2 || !isPlainString(first) || !isNameLike(first.text)) return;
    const options = args.map(unwrap).find((x): x is ts.ObjectLiteralExpression => ts.isObjectLiteralExpression(x));
    const engine = (options && this.dialectHint([options])) ?? this.fileEngine;
    if (engine !== 'sqlite') this.dbNameAt(first, engine);
  }

  /** `database: 'mobius'` in connection options; `tableName: 'x'` in model options. */
  private optionProperty(node: ts.PropertyAssignment): void {
    const key = propertyNameText(node.name);
    const value = unwrap(node.initializer);
    if (key === undefined || !isPlainString(value) || !ts.isObjectLiteralExpression(node.parent)) return;
    if (DB_NAME_KEYS.has(key)) return this.databaseOption(node.parent, value);
    if (key === 'tableName' && objectContext(node.parent).call) {
      this.tableAt(value, stringProps(node.parent).get('schema')?.text, 'orm', true);
    }
  }

  private databaseOption(obj: ts.ObjectLiteralExpression, value: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): void {
    if (!isNameLike(value.text)) return; // a SQLite path or URL: the literal search has it
    const ctx = objectContext(obj);
    // Conservative: options passed to a call, or an object that is plainly a connection config.
    if (!ctx.call && ![...propertyKeys(obj)].some((k) => CONNECTION_KEYS.has(k))) return;
    const engine = this.dialectHint(ctx.objects) ?? this.calleeEngine(ctx.call) ?? this.fileEngine;
    if (engine !== 'sqlite') this.dbNameAt(value, engine);
  }

  /** Objection.js: `static tableName = 'users'`. */
  private staticTableName(node: ts.PropertyDeclaration): void {
    const isStatic = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    const value = node.initializer && unwrap(node.initializer);
    if (isStatic && propertyNameText(node.name) === 'tableName' && isPlainString(value)) this.tableAt(value, undefined, 'orm', true);
  }

  // --- helpers --------------------------------------------------------------------------------

  /** The engine the options name (`client: 'pg'`, `dialect: 'mysql'`, `type: 'postgres'`). */
  private dialectHint(objects: ts.ObjectLiteralExpression[]): Engine | undefined {
    for (const obj of objects) {
      const props = stringProps(obj);
      for (const key of DIALECT_KEYS) {
        const v = props.get(key);
        const engine = v && engineOfModule(v.text);
        if (engine) return engine;
      }
    }
    return undefined;
  }

  /** The engine of the module the called function or class was imported from. */
  private calleeEngine(call: ts.CallExpression | ts.NewExpression | undefined): Engine | undefined {
    const root = call && chainRoot(call.expression);
    const module = root && this.imports.bindings.get(root.text);
    return module ? engineOfModule(module) : undefined;
  }

  private importsEngine(engine: Engine): boolean {
    return [...this.imports.modules].some((m) => engineOfModule(m) === engine);
  }

  /** The schema a knex chain qualifies its table with: `.withSchema('rag')`. */
  private withSchema(chain: ChainLink[]): string | undefined {
    const call = chain.find((l) => l.name === 'withSchema' && l.call)?.call;
    const arg = call?.arguments[0] && unwrap(call.arguments[0]);
    return isPlainString(arg) ? arg.text : undefined;
  }

  /** A table named by a string literal; `schema.table` and `table as alias` are split. */
  private tableAt(lit: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral, schema: string | undefined, form: 'orm', declaration: boolean): void {
    const name = nameInString(lit, this.sf);
    if (!name) return;
    const m = /^\s*(?:([A-Za-z_][\w$]*)\.)?([A-Za-z_][\w$]*)(?:\s+(?:as\s+)?[A-Za-z_][\w$]*)?\s*$/i.exec(name.name);
    if (!m) return;
    const start = name.start + (m[1] ? name.name.indexOf('.') + 1 : name.name.indexOf(m[2]));
    this.c.table(m[2], m[1] ?? schema, start, start + m[2].length, form, declaration);
  }

  private dbNameAt(lit: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral, engine: Engine): void {
    const name = nameInString(lit, this.sf);
    if (name) this.c.dbName(name.name, name.start, name.end, engine);
  }
}

/** String.raw`C:\data\x.db`: the template's value is its raw text. */
function isStringRaw(node: ts.Node): boolean {
  const p = node.parent;
  if (!p || !ts.isTaggedTemplateExpression(p) || p.template !== node) return false;
  const tag = unwrap(p.tag);
  return ts.isPropertyAccessExpression(tag) && tag.name.text === 'raw' && ts.isIdentifier(tag.expression) && tag.expression.text === 'String';
}

/** `import x from './db'`, `require('./db')`, `import('./db')`: code modules, not data. */
function isModuleSpecifier(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): boolean {
  const p = node.parent;
  if (!p) return false;
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p)) return true;
  if (ts.isLiteralTypeNode(p) && p.parent && ts.isImportTypeNode(p.parent)) return true;
  return ts.isCallExpression(p) && p.arguments[0] === node && isRequireOrImport(p);
}
