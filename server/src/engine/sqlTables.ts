// Table, schema and database names inside SQL text, for the dialects met in practice (Postgres,
// SQLite, MySQL, a little SQL Server). No npm SQL parser covers all of them with positions at a
// reasonable weight, so this is a small tokenizer (comments, strings, quoted identifiers, dollar
// quoting, template holes) and a scan over its tokens that knows the statement shapes that name
// tables. Anything inside comments and string literals is never a name.

import type { Engine } from './types';

export interface SqlTableMatch {
  /** The bare table name (no schema, no quotes). */
  name: string;
  schema?: string;
  /** Offsets of the bare name within the searched text. */
  start: number;
  end: number;
  /** CREATE TABLE (true) or a use (FROM, JOIN, INTO, UPDATE, ALTER TABLE, ...) (false). */
  declaration: boolean;
}

export interface SqlNameMatch {
  /** A database or schema name used to connect or qualify: CREATE DATABASE x, CREATE SCHEMA x, SET search_path TO x, \c x. */
  name: string;
  start: number;
  end: number;
  /** The engine the statement's dialect shows (`\\c`, search_path: postgres), else `unknown`. */
  engine: Engine;
}

/** A single-quoted (or dollar-quoted, non-code) string of the SQL: its unescaped content, each character mapped to its offset. */
export interface SqlString {
  text: string;
  offsets: number[];
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokenKind =
  /** A bare word: keyword or identifier. */
  | 'word'
  /** "ident", `ident`, [ident]: value unquoted, offsets of the inside. */
  | 'quoted'
  /** 'text' (E'', N'' prefixes are separate words): offsets of the inside. */
  | 'string'
  /** $$body$$ / $tag$body$tag$: offsets of the body. */
  | 'dollar'
  | 'number'
  /** $1, ?, :name, @var, %s, %(name)s. */
  | 'param'
  /** A template hole: ${expr} (JS), {expr} (Python). */
  | 'placeholder'
  /** A psql meta command at a line start: `\c`, `\connect`, `\copy` (value: the command). */
  | 'meta'
  | 'punct';

interface Token {
  kind: TokenKind;
  /** Words as written; quoted identifiers and strings unescaped; punctuation its characters. */
  value: string;
  /** Words upper-cased (keywords compare on this); otherwise the value. */
  up: string;
  start: number;
  end: number;
  /** Quoted identifiers: the opening quote (`"`, `` ` `` or `[`). */
  quote?: string;
  /** `\c` / `\connect`: its whitespace-separated arguments. */
  args?: Array<{ value: string; start: number; end: number }>;
}

const WORD_START = /[A-Za-z_\u00C0-\uFFFF]/;
const WORD_RE = /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_$\u00C0-\uFFFF]*/y;
const NUMBER_RE = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[A-Za-z_]*/y;
const DOLLAR_TAG_RE = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
const PARAM_RE = /\$\d+|\?\d*|:[A-Za-z_][\w]*|@@?[A-Za-z_][\w$]*|%\([^)\s]*\)[sd]|%[sd]|\$[A-Za-z_][\w]*/y;

function sticky(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

function lineEndOf(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

/** Only whitespace between the line's start and `at`. */
function atLineStart(text: string, at: number): boolean {
  for (let k = at - 1; k >= 0 && text[k] !== '\n'; k--) if (text[k] !== ' ' && text[k] !== '\t' && text[k] !== '\r') return false;
  return true;
}

/** The end of a block comment opened at `at` (Postgres nests them). */
function blockCommentEnd(text: string, at: number): number {
  let depth = 0;
  for (let k = at; k < text.length - 1; k++) {
    if (text[k] === '/' && text[k + 1] === '*') {
      depth++;
      k++;
    } else if (text[k] === '*' && text[k + 1] === '/') {
      depth--;
      k++;
      if (depth === 0) return k + 1;
    }
  }
  return text.length;
}

/**
 * The index of the quote closing a single-quoted string whose inside starts at `from` (or the
 * text's end). `''` escapes everywhere. Backslashes escape in E'' strings and in MySQL; in a plain
 * string `\'` is taken as an escape unless the quote is followed by what ends a literal
 * (`'C:\'`, standard Postgres), which reads both dialects right in practice.
 */
function stringEnd(text: string, from: number, backslashes: boolean): number {
  for (let k = from; k < text.length; k++) {
    const ch = text[k];
    if (ch === '\\') {
      if (backslashes || text[k + 1] === '\\') {
        k++;
      } else if (text[k + 1] === "'" && !/^(?:[\s,);]|$)/.test(text.slice(k + 2, k + 3))) {
        k++;
      }
    } else if (ch === "'") {
      if (text[k + 1] === "'") k++;
      else return k;
    }
  }
  return text.length;
}

/** The index of `close` ending a quoted identifier whose inside starts at `from` (doubled `close` escapes). */
function identifierEnd(text: string, from: number, close: string): number {
  for (let k = from; k < text.length; k++) {
    if (text[k] === close) {
      if (text[k + 1] === close) k++;
      else return k;
    }
  }
  return text.length;
}

/** `[ident]` (SQL Server, SQLite) rather than an array subscript or `int[]`. */
function isBracketIdentifier(text: string, at: number, prev: Token | undefined): boolean {
  if (at > 0 && /[\w)\]"]/.test(text[at - 1])) return false;
  if (prev?.kind === 'word' && prev.up === 'ARRAY') return false;
  const close = text.indexOf(']', at);
  if (close < 0) return false;
  const inside = text.slice(at + 1, close);
  return inside.trim() !== '' && !/[\n[]/.test(inside) && !/^[\d\s:,+-]*$/.test(inside);
}

/** The end of a `{...}` / `${...}` hole starting at `open` (the `{`), braces balanced. */
function braceEnd(text: string, open: number): number {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    if (text[k] === '{') depth++;
    else if (text[k] === '}' && --depth === 0) return k + 1;
  }
  return text.length;
}

/** Whitespace-separated arguments of a psql meta command, up to the line's end. */
function metaArgs(text: string, from: number, to: number): NonNullable<Token['args']> {
  const args: NonNullable<Token['args']> = [];
  const re = /"((?:[^"]|"")*)"|'((?:[^']|'')*)'|([^\s"']+)/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const inner = m[1] ?? m[2];
    if (inner !== undefined) args.push({ value: inner, start: m.index + 1, end: m.index + 1 + inner.length });
    else args.push({ value: m[3], start: m.index, end: m.index + m[3].length });
  }
  return args;
}

/** After `COPY ... FROM stdin;` (pg_dump) the data follows up to a `\.` line: not SQL. */
function copyDataEnd(text: string, from: number, statement: Token[]): number | undefined {
  if (statement[0]?.up !== 'COPY' && !(statement[0]?.kind === 'meta' && statement[0].up === 'COPY')) return undefined;
  const fromAt = statement.findIndex((t) => t.up === 'FROM');
  if (fromAt < 0 || statement[fromAt + 1]?.up !== 'STDIN') return undefined;
  const end = /^\\\.[ \t]*\r?$/m.exec(text.slice(from));
  return end ? from + end.index + end[0].length : text.length;
}

/** Tokens of `text`, offsets shifted by `base`; comments are dropped. */
function tokenize(text: string, base = 0): Token[] {
  const out: Token[] = [];
  let statementFrom = 0;
  const push = (kind: TokenKind, value: string, start: number, end: number, extra?: Partial<Token>) => {
    const token: Token = { kind, value, up: kind === 'word' || kind === 'meta' ? value.toUpperCase() : value, start: base + start, end: base + end };
    out.push(extra ? Object.assign(token, extra) : token);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
    } else if ((c === '-' && next === '-') || (c === '#' && atLineStart(text, i) && next !== '{')) {
      i = lineEndOf(text, i);
    } else if (c === '/' && next === '*') {
      i = blockCommentEnd(text, i);
    } else if (c === "'") {
      const prev = out[out.length - 1];
      const escapes = prev?.kind === 'word' && prev.end === base + i && /^[Ee]$/.test(prev.value);
      const close = stringEnd(text, i + 1, escapes);
      push('string', text.slice(i + 1, close).replace(/''/g, "'"), i + 1, close);
      i = close + 1;
    } else if (c === '"' || c === '`') {
      const close = identifierEnd(text, i + 1, c);
      push('quoted', text.slice(i + 1, close).split(c + c).join(c), i + 1, close, { quote: c });
      i = close + 1;
    } else if (c === '[' && isBracketIdentifier(text, i, out[out.length - 1])) {
      const close = identifierEnd(text, i + 1, ']');
      push('quoted', text.slice(i + 1, close).split(']]').join(']'), i + 1, close, { quote: '[' });
      i = close + 1;
    } else if (c === '$' && next === '{') {
      const end = braceEnd(text, i + 1);
      push('placeholder', text.slice(i, end), i, end);
      i = end;
    } else if (c === '{') {
      const end = braceEnd(text, i);
      push('placeholder', text.slice(i, end), i, end);
      i = end;
    } else if (c === '$' && sticky(DOLLAR_TAG_RE, text, i) !== undefined) {
      const tag = sticky(DOLLAR_TAG_RE, text, i)!;
      const bodyStart = i + tag.length;
      const close = text.indexOf(tag, bodyStart);
      const bodyEnd = close < 0 ? text.length : close;
      push('dollar', text.slice(bodyStart, bodyEnd), bodyStart, bodyEnd);
      i = close < 0 ? text.length : close + tag.length;
    } else if (c === '\\' && /[A-Za-z]/.test(next ?? '') && atLineStart(text, i)) {
      const command = sticky(/[A-Za-z]+/y, text, i + 1)!;
      const end = i + 1 + command.length;
      statementFrom = out.length;
      if (command === 'c' || command === 'connect') {
        const lineEnd = lineEndOf(text, end);
        push('meta', command, i + 1, end, { args: metaArgs(text, end, lineEnd) });
        i = lineEnd;
        statementFrom = out.length;
      } else {
        push('meta', command, i + 1, end);
        i = end;
      }
    } else if (WORD_START.test(c)) {
      const word = sticky(WORD_RE, text, i)!;
      push('word', word, i, i + word.length);
      i += word.length;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next ?? '') && !/[\w"\])]/.test(text[i - 1] ?? ''))) {
      const num = sticky(NUMBER_RE, text, i)!;
      push('number', num, i, i + num.length);
      i += num.length;
    } else if (c === ':' && next === ':') {
      push('punct', '::', i, i + 2);
      i += 2;
    } else if ((c === '$' || c === '?' || c === ':' || c === '@' || c === '%') && sticky(PARAM_RE, text, i) !== undefined) {
      const param = sticky(PARAM_RE, text, i)!;
      push('param', param, i, i + param.length);
      i += param.length;
    } else {
      push('punct', c, i, i + 1);
      i++;
      if (c === ';') {
        const dataEnd = copyDataEnd(text, i, out.slice(statementFrom));
        if (dataEnd !== undefined) i = dataEnd;
        statementFrom = out.length;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scan

/** Keywords that never name a table or an alias where one could stand. */
const RESERVED = new Set([
  'ALL', 'ALTER', 'AND', 'ANY', 'APPLY', 'ARRAY', 'AS', 'ASC', 'BEGIN', 'BETWEEN', 'BOTH', 'BY', 'CASCADE', 'CASE', 'CAST',
  'CHECK', 'COLLATE', 'COLUMN', 'CONSTRAINT', 'CREATE', 'CROSS', 'DECLARE', 'DEFAULT', 'DELETE', 'DESC', 'DISTINCT',
  'DO', 'DROP', 'ELSE', 'END', 'EXCEPT', 'EXISTS', 'FALSE', 'FETCH', 'FOR', 'FORCE', 'FOREIGN', 'FROM', 'FULL', 'GRANT',
  'GROUP', 'HAVING', 'IF', 'IGNORE', 'ILIKE', 'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'ISNULL', 'JOIN',
  'LATERAL', 'LEADING', 'LEFT', 'LIKE', 'LIMIT', 'MINUS', 'NATURAL', 'NOT', 'NOTNULL', 'NULL', 'OF', 'OFFSET', 'ON',
  'ONLY', 'OR', 'ORDER', 'OUTER', 'PARTITION', 'PLACING', 'PRIMARY', 'QUALIFY', 'REFERENCES', 'RESTRICT', 'RETURNING',
  'RIGHT', 'SELECT', 'SET', 'SIMILAR', 'SOME', 'STRAIGHT_JOIN', 'TABLE', 'TABLESAMPLE', 'THEN', 'TO', 'TRAILING',
  'TRUE', 'TRUNCATE', 'UNION', 'UNIQUE', 'UPDATE', 'USE', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

/** Object kinds a CREATE names, in the order their keyword can appear after modifiers. */
const CREATE_OBJECTS = new Set([
  'TABLE', 'VIEW', 'INDEX', 'TRIGGER', 'POLICY', 'SCHEMA', 'DATABASE', 'FUNCTION', 'PROCEDURE', 'SEQUENCE', 'TYPE',
  'EXTENSION', 'ROLE', 'USER', 'DOMAIN', 'AGGREGATE', 'PUBLICATION', 'SUBSCRIPTION', 'SERVER', 'EVENT', 'RULE', 'CAST',
  'OPERATOR', 'COLLATION', 'TABLESPACE', 'STATISTICS', 'LANGUAGE',
]);

/** What GRANT ... ON can name besides tables. */
const NOT_TABLE_OBJECTS = new Set([...CREATE_OBJECTS, 'ROUTINE', 'LARGE', 'FOREIGN', 'ALL', 'TABLES', 'SEQUENCES', 'FUNCTIONS']);

/** Words between INSERT/UPDATE/DELETE and what they act on (MySQL, SQLite). */
const DML_MODIFIERS = new Set(['LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'QUICK', 'ONLY']);

/** Schema names that say nothing about which database (every Postgres database has them). */
const DEFAULT_SCHEMAS = new Set(['public', '$user', 'pg_catalog', 'pg_temp', 'information_schema']);

interface ScanResult {
  tables: SqlTableMatch[];
  names: SqlNameMatch[];
  /** String tokens; turned into SqlStrings only when asked for (offset arrays are costly on big dumps). */
  strings: Token[];
}

class Scan {
  private readonly match: number[];
  private ctes = new Set<string>();
  /** Inside GRANT / REVOKE, SELECT, UPDATE, ... are privileges and FROM names a role. */
  private privileges = false;
  /** Per open parenthesis (and the statement level): whether a SELECT/UPDATE/DELETE began there, so a FROM there lists tables. */
  private selects: boolean[] = [false];
  /** After `DELETE FROM` / `MERGE INTO` in this statement, `USING` lists tables too. */
  private usingTables = false;

  constructor(private readonly t: Token[], private readonly out: ScanResult, private readonly seen: Set<string>) {
    this.match = matchParens(t);
  }

  run(): void {
    const t = this.t;
    this.statement(0);
    for (let i = 0; i < t.length; i++) {
      const k = t[i];
      if (k.kind === 'punct') {
        if (k.value === ';') this.statement(i + 1);
        else if (k.value === '(') this.selects.push(false);
        else if (k.value === ')' && this.selects.length > 1) this.selects.pop();
        continue;
      }
      if (k.kind === 'meta') {
        this.statement(i);
        this.meta(i);
        continue;
      }
      if (k.kind === 'string') {
        this.out.strings.push(k);
        continue;
      }
      if (k.kind === 'dollar') {
        // A function or DO body is SQL (PL/pgSQL); any other dollar-quoted text is a string.
        if (t[i - 1]?.up === 'AS' || t[i - 1]?.up === 'DO') scanInto(k.value, k.start, this.out, this.seen);
        else this.out.strings.push(k);
        continue;
      }
      if (k.kind === 'word') this.word(i);
    }
  }

  /** A statement starts at token `i`: collects its CTE names, resets the per-statement state. */
  private statement(i: number): void {
    let end = i;
    while (end < this.t.length && !(this.t[end].kind === 'punct' && this.t[end].value === ';') && !(end > i && this.t[end].kind === 'meta')) end++;
    this.ctes = collectCtes(this.t, i, end, this.match);
    this.privileges = false;
    this.usingTables = false;
    this.selects = [false];
  }

  private word(i: number): void {
    const t = this.t;
    const up = t[i].up;
    const prev = t[i - 1];
    const first = i === 0 || isBoundary(prev);
    switch (up) {
      case 'GRANT':
      case 'REVOKE':
        this.privileges = true;
        return;
      case 'SELECT':
        if (!this.privileges) this.selects[this.selects.length - 1] = true;
        return;
      case 'DELETE':
        if (!this.privileges) this.selects[this.selects.length - 1] = true;
        if (!this.privileges && t[skip(t, i + 1, [...DML_MODIFIERS])]?.up === 'FROM') this.usingTables = true;
        return;
      case 'USING':
        if (this.usingTables && !isPunct(t[i + 1], '(')) this.fromList(i + 1);
        return;
      case 'UPDATE':
        if (!this.privileges) this.update(i);
        return;
      case 'FROM':
        if (!this.privileges && this.selects[this.selects.length - 1] && prev?.up !== 'DISTINCT') this.fromList(i + 1);
        return;
      case 'JOIN':
      case 'STRAIGHT_JOIN':
        this.fromItem(i + 1);
        return;
      case 'INSERT':
      case 'REPLACE':
      case 'MERGE':
        if (!this.privileges) this.insert(i);
        return;
      case 'REFERENCES':
        if (!this.privileges) this.tableAt(i + 1, false);
        return;
      case 'CREATE':
        if (!this.privileges) this.create(i);
        return;
      case 'ALTER':
        return this.alter(i);
      case 'DROP':
        return this.drop(i);
      case 'TRUNCATE':
        if (!this.privileges) this.tableList(skip(t, i + 1, ['TABLE']), false);
        return;
      case 'LOCK':
        this.tableList(skip(t, i + 1, ['TABLE']), false);
        return;
      case 'COPY':
        if (first && t[i + 1]?.kind !== 'punct') this.tableAt(skip(t, i + 1, ['BINARY']), false);
        return;
      case 'PARTITION':
        if (t[i + 1]?.up === 'OF') this.tableAt(i + 2, false);
        return;
      case 'ON':
        return this.on(i);
      case 'IN':
        if (t[i + 1]?.up === 'SCHEMA') this.nameList(i + 2, 'unknown');
        else if (t[i + 1]?.up === 'DATABASE') this.nameList(i + 2, 'unknown');
        return;
      case 'SET':
        return this.set(i);
      case 'USE':
        return this.use(i, first);
      case 'ATTACH':
      case 'DETACH':
        // `ATTACH 'auth.db' AS legacy`: the alias lives for one connection and designates the
        // file, which its path (a literal found elsewhere) already reports. Not a database name.
        return;
    }
  }

  // --- tables -------------------------------------------------------------------------------

  /** `FROM a [AS x], (SELECT ...) y, b`: every item until something else follows. */
  private fromList(j: number): void {
    for (let at: number | undefined = this.fromItem(j); at !== undefined && isPunct(this.t[at], ','); ) at = this.fromItem(at + 1);
  }

  /** One FROM/JOIN item: a table (recorded), a subquery or a function call (not tables); returns the index after its alias. */
  private fromItem(j: number): number | undefined {
    const t = this.t;
    j = skip(t, j, ['ONLY', 'LATERAL']);
    if (isPunct(t[j], '(')) return this.alias(this.match[j] + 1);
    const name = qualifiedName(t, j);
    if (!name) return undefined;
    if (isPunct(t[name.next], '(')) return this.alias(this.match[name.next] + 1); // a set-returning function
    this.record(name.parts, false);
    return this.alias(isPunct(t[name.next], '*') ? name.next + 1 : name.next);
  }

  /** Skips `[AS] alias [(columns)]`. */
  private alias(j: number): number {
    const t = this.t;
    if (t[j]?.up === 'AS') j++;
    if (isIdentifier(t[j])) {
      j++;
      if (isPunct(t[j], '(')) j = this.match[j] + 1;
    }
    return j;
  }

  /** `INSERT [OR x] [IGNORE] INTO t`, `REPLACE INTO t`, `MERGE INTO t`. */
  private insert(i: number): void {
    const t = this.t;
    let j = i + 1;
    if (t[i].up === 'INSERT' && t[j]?.up === 'OR') j += 2;
    j = skip(t, j, [...DML_MODIFIERS]);
    if (t[j]?.up !== 'INTO') return;
    this.tableAt(j + 1, false);
    if (t[i].up === 'MERGE') this.usingTables = true;
  }

  /**
   * `UPDATE [ONLY] t [[AS] x] SET`: the SET (or a MySQL multi-table join) must follow, which
   * tells it from `DO UPDATE SET`, `FOR UPDATE`, `ON UPDATE CASCADE`, `ON DUPLICATE KEY UPDATE`.
   */
  private update(i: number): void {
    const t = this.t;
    let j = i + 1;
    if (t[j]?.up === 'OR') j += 2;
    j = skip(t, j, [...DML_MODIFIERS]);
    const name = qualifiedName(t, j);
    if (!name) return;
    let after = isPunct(t[name.next], '*') ? name.next + 1 : name.next;
    after = this.alias(after);
    const follow = t[after];
    if (follow?.up === 'SET' || isPunct(follow, ',') || ['JOIN', 'INNER', 'LEFT', 'RIGHT', 'CROSS', 'STRAIGHT_JOIN'].includes(follow?.up ?? '')) {
      this.selects[this.selects.length - 1] = true;
      this.record(name.parts, false);
    }
  }

  /** `CREATE [modifiers] TABLE|VIEW|INDEX|TRIGGER|POLICY|SCHEMA|DATABASE ...`. */
  private create(i: number): void {
    const t = this.t;
    let j = i + 1;
    // Modifiers (OR REPLACE, TEMP, UNLOGGED, MATERIALIZED, VIRTUAL, MySQL's ALGORITHM=... DEFINER=...) come first.
    for (let n = 0; j < t.length && n < 16 && !CREATE_OBJECTS.has(t[j].up); j++, n++) {
      if (isPunct(t[j], '(') || isPunct(t[j], ';') || t[j].up === 'AS' || t[j].kind === 'string') return;
    }
    switch (t[j]?.up) {
      case 'TABLE':
      case 'VIEW':
        this.tableAt(skip(t, j + 1, ['IF', 'NOT', 'EXISTS']), true);
        return;
      case 'INDEX':
      case 'TRIGGER':
      case 'POLICY': {
        const on = this.nextOn(j + 1);
        if (on !== undefined) this.tableAt(skip(t, on + 1, ['ONLY']), false);
        return;
      }
      case 'SCHEMA': {
        const at = skip(t, j + 1, ['IF', 'NOT', 'EXISTS']);
        if (t[at]?.up === 'AUTHORIZATION') return; // `CREATE SCHEMA AUTHORIZATION role`: named after the role
        const name = qualifiedName(t, at);
        const authorization = name && t[name.next]?.up === 'AUTHORIZATION';
        this.nameAt(at, authorization ? 'postgres' : 'unknown');
        return;
      }
      case 'DATABASE':
        this.nameAt(skip(t, j + 1, ['IF', 'NOT', 'EXISTS']), 'unknown');
        return;
    }
  }

  /** The first ON of the statement at the current depth after `j` (CREATE INDEX ... ON t). */
  private nextOn(j: number): number | undefined {
    const t = this.t;
    for (; j < t.length && !isPunct(t[j], ';'); j++) {
      if (isPunct(t[j], '(')) j = this.match[j];
      else if (t[j].up === 'ON') return j;
    }
    return undefined;
  }

  /** `ALTER TABLE [IF EXISTS] [ONLY] t`, `ALTER [MATERIALIZED] VIEW v`, `ALTER SCHEMA|DATABASE x`. */
  private alter(i: number): void {
    const t = this.t;
    const j = skip(t, i + 1, ['FOREIGN', 'MATERIALIZED']);
    const object = t[j]?.up;
    if (object === 'TABLE' || object === 'VIEW') this.tableAt(skip(t, j + 1, ['IF', 'EXISTS', 'ONLY']), false);
    else if (object === 'SCHEMA' || object === 'DATABASE') this.nameAt(j + 1, 'unknown');
  }

  /** `DROP TABLE [IF EXISTS] a, b`, `DROP [MATERIALIZED] VIEW`, `DROP SCHEMA a, b`, `DROP DATABASE x`. */
  private drop(i: number): void {
    const t = this.t;
    const j = skip(t, i + 1, ['TEMPORARY', 'MATERIALIZED', 'FOREIGN']);
    const object = t[j]?.up;
    const at = skip(t, j + 1, ['IF', 'EXISTS']);
    if (object === 'TABLE' || object === 'VIEW') this.tableList(at, false);
    else if (object === 'SCHEMA' || object === 'DATABASE') this.nameList(at, 'unknown');
  }

  /** `ON SCHEMA x`, `ON DATABASE x`, `ON [TABLE] t` of GRANT/REVOKE, `COMMENT ON TABLE t`; MySQL's `ON db.*`. */
  private on(i: number): void {
    const t = this.t;
    const object = t[i + 1]?.up;
    if (object === 'SCHEMA' || object === 'DATABASE') return this.nameList(i + 2, 'unknown');
    if (object === 'TABLE') return this.tableList(i + 2, false);
    // GRANT ... ON FUNCTION f / SEQUENCE s / ALL TABLES IN SCHEMA x: not tables here.
    if (!this.privileges || NOT_TABLE_OBJECTS.has(object ?? '')) return;
    const name = qualifiedName(t, i + 1);
    if (!name) return;
    const last = name.parts[name.parts.length - 1];
    if (last.value === '*') {
      const db = name.parts[name.parts.length - 2];
      if (db && db.value !== '*') this.addName(db, 'mysql');
      return;
    }
    this.tableList(i + 1, false);
  }

  /** `a, b, ONLY c *` (TRUNCATE, DROP TABLE, LOCK). */
  private tableList(j: number, declaration: boolean): void {
    const t = this.t;
    for (;;) {
      const name = qualifiedName(t, skip(t, j, ['ONLY']));
      if (!name) return;
      this.record(name.parts, declaration);
      j = isPunct(t[name.next], '*') ? name.next + 1 : name.next;
      if (!isPunct(t[j], ',')) return;
      j++;
    }
  }

  private tableAt(j: number, declaration: boolean): void {
    const name = qualifiedName(this.t, j);
    if (name) this.record(name.parts, declaration);
  }

  /** Records `[db.][schema.]name` unless the name is a template hole or a CTE of this statement. */
  private record(parts: Token[], declaration: boolean): void {
    const last = parts[parts.length - 1];
    if (last.kind === 'placeholder' || last.value === '*' || last.value === '') return;
    const qualifier = parts.length > 1 ? parts[parts.length - 2] : undefined;
    const schema = qualifier && qualifier.kind !== 'placeholder' ? qualifier.value : undefined;
    if (!schema && !declaration && this.ctes.has(last.value.toLowerCase())) return;
    if (!schema && last.kind === 'word' && last.up === 'DUAL') return;
    const key = `t${last.start}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.out.tables.push({ name: last.value, ...(schema ? { schema } : {}), start: last.start, end: last.end, declaration });
  }

  // --- database and schema names ------------------------------------------------------------

  /** `SET [LOCAL|SESSION] search_path TO|= a, "b", 'c, d'`; `SET SCHEMA x` (ALTER ... SET SCHEMA). */
  private set(i: number): void {
    const t = this.t;
    const j = skip(t, i + 1, ['LOCAL', 'SESSION']);
    if (t[j]?.up === 'SCHEMA') {
      const k = t[j + 1];
      if (k?.kind === 'string') this.stringNames(k, 'unknown');
      else this.nameAt(j + 1, 'unknown');
      return;
    }
    if (t[j]?.up !== 'SEARCH_PATH' || !(t[j + 1]?.up === 'TO' || isPunct(t[j + 1], '='))) return;
    for (let k = j + 2; k < t.length; k += 2) {
      const item = t[k];
      if (item.kind === 'string') this.stringNames(item, 'postgres');
      else if (item.kind === 'word' || item.kind === 'quoted') {
        if (!DEFAULT_SCHEMAS.has(item.value.toLowerCase()) && item.up !== 'DEFAULT') this.addName(item, 'postgres');
      } else if (item.kind !== 'param') return;
      if (!isPunct(t[k + 1], ',')) return;
    }
  }

  /** A string holding a comma-separated schema list (`'rag, "$user", public'`). */
  private stringNames(k: Token, engine: Engine): void {
    const raw = k.value;
    // `''` inside would shift offsets; schema lists never contain quotes, so such a string is left alone.
    if (k.end - k.start !== raw.length) return;
    for (const m of raw.matchAll(/[^,\s"]+(?:\s+[^,\s"]+)*|"([^"]*)"/g)) {
      const name = m[1] ?? m[0];
      const start = k.start + m.index! + (m[1] !== undefined ? 1 : 0);
      if (name === '' || DEFAULT_SCHEMAS.has(name.toLowerCase())) continue;
      this.pushName(name, start, start + name.length, engine);
    }
  }

  /** `USE db;` (MySQL; `USE [db]` is SQL Server). Only as a statement of its own. */
  private use(i: number, first: boolean): void {
    const t = this.t;
    const k = t[i + 1];
    if (!first || !k || !(k.kind === 'word' || k.kind === 'quoted')) return;
    const after = t[i + 2];
    if (after && !isPunct(after, ';') && after.kind !== 'meta') return;
    this.addName(k, k.quote === '[' ? 'mssql' : 'mysql');
  }

  /** `\c db` / `\connect db` (psql), `\copy t from ...`. */
  private meta(i: number): void {
    const k = this.t[i];
    if (k.up === 'COPY') {
      if (this.t[i + 1]?.kind !== 'punct') this.tableAt(i + 1, false);
      return;
    }
    const db = k.args?.[0];
    if (db && db.value !== '-' && !db.value.startsWith('-') && !/^\w+=/.test(db.value) && !db.value.includes('://')) {
      this.pushName(db.value, db.start, db.end, 'postgres');
    }
  }

  private nameList(j: number, engine: Engine): void {
    const t = this.t;
    for (;;) {
      if (!this.nameAt(j, engine)) return;
      j++;
      if (!isPunct(t[j], ',')) return;
      j++;
    }
  }

  private nameAt(j: number, engine: Engine): boolean {
    const k = this.t[j];
    if (!isIdentifier(k)) return false;
    this.addName(k, engine);
    return true;
  }

  private addName(k: Token, engine: Engine): void {
    this.pushName(k.value, k.start, k.end, engine);
  }

  private pushName(name: string, start: number, end: number, engine: Engine): void {
    const key = `n${start}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.out.names.push({ name, start, end, engine });
  }
}

function matchParens(t: Token[]): number[] {
  const match = new Array<number>(t.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i].kind !== 'punct') continue;
    if (t[i].value === '(') open.push(i);
    else if (t[i].value === ')' && open.length) match[open.pop()!] = i;
  }
  // An unclosed parenthesis runs to the end.
  for (const i of open) match[i] = t.length - 1;
  return match;
}

/** Names defined by `WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (...) [, ...]` in tokens [from, to). */
function collectCtes(t: Token[], from: number, to: number, match: number[]): Set<string> {
  const names = new Set<string>();
  for (let i = from; i < to; i++) {
    if (t[i].up !== 'WITH') continue;
    let j = skip(t, i + 1, ['RECURSIVE']);
    while (isIdentifier(t[j])) {
      const name = t[j].value.toLowerCase();
      j++;
      if (isPunct(t[j], '(')) j = match[j] + 1;
      if (t[j]?.up !== 'AS') break;
      j = skip(t, j + 1, ['NOT', 'MATERIALIZED']);
      if (!isPunct(t[j], '(')) break;
      names.add(name);
      j = match[j] + 1;
      if (!isPunct(t[j], ',')) break;
      j++;
    }
  }
  return names;
}

interface QualifiedName {
  parts: Token[];
  next: number;
}

/** `name`, `schema.name`, `db.schema.name` (parts may be quoted or template holes), or undefined. */
function qualifiedName(t: Token[], j: number): QualifiedName | undefined {
  const first = t[j];
  if (!(isIdentifier(first) || first?.kind === 'placeholder')) return undefined;
  const parts = [first];
  j++;
  while (isPunct(t[j], '.') && t[j + 1] && (['word', 'quoted', 'placeholder'].includes(t[j + 1].kind) || isPunct(t[j + 1], '*'))) {
    parts.push(t[j + 1]);
    j += 2;
  }
  return { parts, next: j };
}

function isIdentifier(k: Token | undefined): boolean {
  return !!k && ((k.kind === 'word' && !RESERVED.has(k.up)) || (k.kind === 'quoted' && k.value !== ''));
}

function isPunct(k: Token | undefined, value: string): boolean {
  return !!k && k.kind === 'punct' && k.value === value;
}

function isBoundary(k: Token | undefined): boolean {
  return !k || isPunct(k, ';') || k.kind === 'meta';
}

/** The index after any run of the given keywords starting at `j`. */
function skip(t: Token[], j: number, words: string[]): number {
  while (t[j]?.kind === 'word' && words.includes(t[j].up)) j++;
  return j;
}

/** A string token's content with `''` unescaped, each character at its offset. */
function unescapedString(k: Token): SqlString {
  // The token's value is already unescaped; rebuild the offsets from the raw length
  // (dollar-quoted strings have no escapes, so their lengths agree).
  const text = k.value;
  const offsets: number[] = [];
  let raw = k.start;
  const rawLength = k.end - k.start;
  const doubled = rawLength !== text.length;
  for (let n = 0; n < text.length; n++) {
    offsets.push(raw);
    raw += doubled && text[n] === "'" ? 2 : 1;
  }
  return { text, offsets };
}

function scanInto(text: string, base: number, out: ScanResult, seen: Set<string>): void {
  new Scan(tokenize(text, base), out, seen).run();
}

function scanSql(sql: string): ScanResult {
  const out: ScanResult = { tables: [], names: [], strings: [] };
  scanInto(sql, 0, out, new Set());
  const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;
  out.tables.sort(byStart);
  out.names.sort(byStart);
  out.strings.sort(byStart);
  return out;
}

// ---------------------------------------------------------------------------------------------
// API

/** Tables named in SQL text (comments and string literals in the SQL are skipped). */
export function findSqlTables(sql: string): SqlTableMatch[] {
  return scanSql(sql).tables;
}

/** Database and schema names in SQL text. */
export function findSqlNames(sql: string): SqlNameMatch[] {
  return scanSql(sql).names;
}

/**
 * The string literals of SQL text (single-quoted, and dollar-quoted ones that are not function
 * bodies), unescaped with offsets, for a detector to search for URLs, DSNs and SQLite paths.
 */
export function findSqlStrings(sql: string): SqlString[] {
  return scanSql(sql).strings.map(unescapedString);
}

/** Tables, names and strings of SQL text in one pass (what a SQL file's detector needs). */
export function analyzeSql(sql: string): { tables: SqlTableMatch[]; names: SqlNameMatch[]; strings: SqlString[] } {
  const { tables, names, strings } = scanSql(sql);
  return { tables, names, strings: strings.map(unescapedString) };
}

// looksLikeSql: a statement keyword, then what that statement needs next. English sentences
// that start with the same words ("Select a file", "Update your profile") fail the second part.
const NAME = String.raw`(?:"[^"\n]+"|\x60[^\x60\n]+\x60|\[[^\]\n]+\]|[A-Za-z_][\w$]*|\$\{[^}]*\}|\{[^{}]*\})(?:\s*\.\s*(?:"[^"\n]+"|\x60[^\x60\n]+\x60|\[[^\]\n]+\]|[A-Za-z_][\w$]*|\$\{[^}]*\}|\{[^{}]*\}|\*))*`;
const SQL_STARTS: RegExp[] = [
  // SELECT *, SELECT 1, SELECT f(...), SELECT a, b / a AS x / a FROM, SELECT DISTINCT ...
  new RegExp(String.raw`^SELECT\s+(?:\*|\d|'|\(|-|DISTINCT\s|TOP\s|CASE\s|EXISTS\s*\(|NOT\s|NULL\b|TRUE\b|FALSE\b|COUNT\s*\(|\$\d|\?|:\w|@|${NAME}\s*(?:,|\(|\*|::|[-+*/|=<>]|\bAS\s|\bFROM\s|\bINTO\s))`, 'i'),
  new RegExp(String.raw`^(?:INSERT(?:\s+OR\s+\w+)?(?:\s+IGNORE)?|REPLACE|MERGE)\s+INTO\s+${NAME}\s*(?:\(|VALUES\b|SELECT\b|DEFAULT\b|SET\b|AS\b|USING\b|ON\b|WITH\b|;|$)`, 'i'),
  new RegExp(String.raw`^UPDATE\s+(?:ONLY\s+|OR\s+\w+\s+)?${NAME}(?:\s+(?:AS\s+)?\w+)?\s+SET\s+${NAME}\s*=`, 'i'),
  new RegExp(String.raw`^DELETE\s+FROM\s+(?:ONLY\s+)?${NAME}\s*(?:;|$|WHERE\b|USING\b|RETURNING\b|AS\b)`, 'i'),
  /^CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL|TEMP|TEMPORARY|UNLOGGED|MATERIALIZED|RECURSIVE|VIRTUAL|FOREIGN|UNIQUE)\s+)*(?:TABLE|VIEW|INDEX|SCHEMA|DATABASE|TRIGGER|FUNCTION|PROCEDURE|EXTENSION|SEQUENCE|TYPE|POLICY|ROLE|DOMAIN)\s+\S/i,
  /^ALTER\s+(?:TABLE|SCHEMA|DATABASE|INDEX|VIEW|MATERIALIZED\s+VIEW|SEQUENCE|ROLE|TYPE|FUNCTION|DEFAULT\s+PRIVILEGES)\s+\S/i,
  /^DROP\s+(?:TABLE|SCHEMA|DATABASE|INDEX|VIEW|MATERIALIZED\s+VIEW|SEQUENCE|TRIGGER|FUNCTION|TYPE|EXTENSION|ROLE|POLICY)\s+\S/i,
  new RegExp(String.raw`^WITH\s+(?:RECURSIVE\s+)?${NAME}\s*(?:\([^)]*\)\s*)?AS\s*(?:NOT\s+)?(?:MATERIALIZED\s*)?\(`, 'i'),
  new RegExp(String.raw`^TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?${NAME}\s*(?:[,;]|$|CASCADE\b|RESTRICT\b|RESTART\b|CONTINUE\b)`, 'i'),
  /^SET\s+(?:LOCAL\s+|SESSION\s+)?search_path\b/i,
  new RegExp(String.raw`^COPY\s+(?:\(|${NAME}\s*(?:\([^)]*\)\s*)?(?:FROM|TO)\b)`, 'i'),
  /^(?:GRANT|REVOKE)\s[\w\s,()]+\sON\s/i,
  /^PRAGMA\s+[\w.]+\s*(?:=|\(|;|$)/i,
  /^ATTACH\s+(?:DATABASE\s+)?(?:'|\?|:|\$)/i,
  new RegExp(String.raw`^USE\s+${NAME}\s*;`, 'i'),
];

/** True when a string looks like SQL (starts with a statement keyword), so code detectors know to look inside it. */
export function looksLikeSql(text: string): boolean {
  let s = text;
  // Leading whitespace and comments.
  for (;;) {
    const trimmed = s.replace(/^\s+/, '');
    if (trimmed.startsWith('--')) s = trimmed.slice(lineEndOf(trimmed, 0));
    else if (trimmed.startsWith('/*')) s = trimmed.slice(blockCommentEnd(trimmed, 0));
    else {
      s = trimmed;
      break;
    }
  }
  const keyword = /^[A-Za-z]+/.exec(s)?.[0] ?? '';
  // SQL keywords are written UPPER or lower; "Select a file", "Update profile" are sentences.
  if (/^[A-Z][a-z]+$/.test(keyword)) return false;
  if (/^EXPLAIN\s/i.test(s)) return looksLikeSql(s.replace(/^EXPLAIN\s+(?:\([^)]*\)\s*|(?:ANALYZE|VERBOSE|QUERY\s+PLAN)\s+)*/i, ''));
  return SQL_STARTS.some((re) => re.test(s));
}
