// A cheap literal test that lets the scan skip the parser for code files that cannot hold a
// reference or a table. Parsing (tree-sitter, the TypeScript compiler) is most of a scan's
// time, and most code files name no database.
//
// It must be a superset of what the detectors find, so each trigger is tied to what a detector
// looks for (python.ts, javascript.ts, literals.ts, sqlTables.ts):
// - literals: a URL needs a database's scheme before `://` (`postgresql+asyncpg://`, not
//   `https://`); a SQLite path ends in .db/.sqlite/.sqlite3/.db3 (any case) where a path token
//   ends; a libpq DSN needs `dbname`, or a run of pairs with `host=` and `user=` or `port=`; an
//   ADO string needs `Database=` or `Initial Catalog` (in code, keys must start a word). In
//   Python the run of pairs, the path, `Initial Catalog` and `Database=` count in a string's
//   value only (pythonStrings.ts reads them from the file's start), in JS/TS the path, `Initial
//   Catalog` and `Database=` in its strings (javascriptStrings.ts);
// - env refs are recorded for every variable: getenv/environ/putenv, process.env, Deno.env,
//   import.meta.env all contain `env` (python-decouple's `config("X")` does not: looked for by
//   name); pydantic settings need `BaseSettings`. In a scan, though,
//   only reads of *database* variables survive (audit.ts `databaseReferences`), so with a
//   `ScanFilter` a file whose only trigger is `env` is parsed only when a word in it is a
//   database variable's name (envVars.ts; in Python a whole string) or one the rules file
//   declares: most code reads LOG_LEVEL or PORT, and parsing it for that is most of a scan's time;
// - names: `dbname=`/`database=`/`db_name=` options, Django's `…backends.<engine>`, Sequelize's
//   constructor, Mongo's `.db()` / `useDb()`, Drizzle's `pgSchema`/`mysqlSchema`;
// - tables: calls (`Table(`, `sa.table(`, Drizzle's `pgTable(`, knex's `createTable(`/`.table(`),
//   `__tablename__`, `db_table`, `tableName`; Alembic's `op.`; TypeORM's `@Entity`; knex roots
//   `knex`/`db`/`trx` (Sequelize's `define` needs `sequelize` in the file anyway);
// - SQL in strings only when looksLikeSql says yes to one: SQL_START finds a quote and a keyword
//   not in Title case, and the string there is read without a parser (quotedValue.ts).
// In JS/TS what only a string holds (URLs, SQLite paths, DSNs, SQL) is looked for in its string
// and template literals (javascriptStrings.ts reads them from the file's start) when the text
// spells it: minified bundles spell `this.db` and `e.db:` in code, declaration files put SQL and
// URLs in their doc comments.
// Real code is the measure: 'use strict', Object.defineProperty, https links, docstrings and
// words like "stable" once made most of a real JS/Python tree a candidate.
// Strings are read decoded, so the test also runs on the text with backslashes dropped and
// Python's implicit concatenation (`"a" "b"`) joined, and on the text with numeric escapes
// (`\x41`, `\u0041`, octal) spelled out and Python's named ones (`\N{EM DASH}`) as the U+FFFD the
// Python detector reads them as, each around the places decoding changes (decodedAround).
// Config files and scripts (CONFIG_TYPES) are cut the same way under a scan filter: literals or
// a database variable's name. SQL, Prisma and Markdown are always analyzed.

import type { FileType } from './detectors';
import { hasHostDsnRun } from './dsnRuns';
import { DATABASE_WORD, isDatabaseEnvVar } from './envVars';
import { javaScriptStrings } from './javascriptStrings';
import { hasDatabaseUrl } from './literals';
import { blankIgnored, readPython, type PythonReading } from './pythonStrings';
import { decodeNumericEscapes, NAMED_ESCAPE, NAMED_ESCAPE_VALUE, NUMERIC_ESCAPE, PYTHON_COMMENT, quotedValues } from './quotedValue';
import { looksLikeSql } from './sqlTables';

// The literal tests run on the lower-cased text: one case-sensitive alternation of the literals is
// many times faster there than a case-insensitive one, or than an `includes` per literal. SQL at
// a string's start runs on the text as written, where a keyword's case tells prose from SQL.
/**
 * What may stand between a string's opening quote and its first word: blanks, written or escaped
 * (`\n`, `\t`, a line continuation). Not bare letters: "don't update" in a comment is no SQL.
 */
const LEAD = String.raw`(?:\s|\\[ntrfv]|\\\r?\n)*`;
/** A `{…}` placeholder (f-strings, templates), one level of nesting: quotes inside it do not close the string. */
const PLACEHOLDER = String.raw`\{(?:[^{}]|\{[^{}]*\})*\}`;
/** One character of a '…' or "…" string that does not close it: not the quote, or escaped, or a placeholder. */
const inside = (quote: string) => String.raw`(?:[^${quote}\\{]|\\[\s\S]|${PLACEHOLDER})`;
/** A blank after a keyword, written or escaped (any escape: a superset). */
const BLANK = String.raw`(?:\s|\\[\s\S])`;
/** `word` matched in any case, in a pattern run on the text as written. */
const anyCase = (word: string) => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
const SQL_KEYWORDS = ['select', 'insert', 'replace', 'merge', 'update', 'delete', 'create', 'alter', 'drop', 'with', 'truncate', 'set', 'copy', 'grant', 'revoke', 'pragma', 'attach', 'explain'];
/** looksLikeSql takes no Title-case keyword: "Select a file", "With care" and every docstring's "Create …" are prose. */
const NOT_TITLE = String.raw`(?![A-Z][a-z]+(?![A-Za-z]))`;
const KEYWORD = NOT_TITLE + '(?:' + SQL_KEYWORDS.map(anyCase).join('|') + ')';
/**
 * What looksLikeSql needs at the start of a string, in the raw text of a '…' or "…" string (as
 * written, not lower-cased: the keyword's case matters): a statement keyword, not in Title case,
 * followed by a blank (written or escaped: `'delete'` and `'set'` as values are no SQL); `USE
 * name;` with its `;` inside the string (which `'use strict'` and `"use client"`, in most real JS
 * files, lack); a `--` comment whose line ends inside the string (a raw or escaped newline:
 * `'--help'` is a flag); a block comment closed inside it. In template literals (`…`, whose
 * `${…}` may hold anything) a keyword and a blank, or a comment's start, suffice.
 */
const sqlStartIn = (quote: string) =>
  quote +
  LEAD +
  '(?:' +
  [
    KEYWORD + BLANK,
    String.raw`${NOT_TITLE}${anyCase('use')}${BLANK}${inside(quote)}*?;`,
    String.raw`--(?:[^${quote}\\{\n]|\\[^n]|${PLACEHOLDER})*(?:\n|\\n)`,
    String.raw`/\*${inside(quote)}*?\*/`,
  ].join('|') +
  ')';
/** Where a string may start as SQL (the first, cheap test; hasSqlString reads each such string); on the text as written. */
const SQL_START = new RegExp(
  [sqlStartIn("'"), sqlStartIn('"'), String.raw`\x60${LEAD}(?:--|/\*|${NOT_TITLE}(?:${[...SQL_KEYWORDS, 'use'].map(anyCase).join('|')})${BLANK})`].join('|'),
  'g',
);

/**
 * Whether a string in `text` looks like SQL to looksLikeSql. SQL_START finds the quotes a keyword
 * follows; a quote that closes a string matches as well (`'x'\n    with open(p) as f:`), so each
 * match is read as a string (quotedValue.ts) and the values it may have go to looksLikeSql.
 */
function hasSqlString(text: string, python: boolean): boolean {
  SQL_START.lastIndex = 0;
  for (let m = SQL_START.exec(text); m; m = SQL_START.exec(text)) {
    if (quotedValues(text, m.index, { python }).some(looksLikeSql)) return true;
    SQL_START.lastIndex = m.index + 1; // a longer match may cover a real string's quote
  }
  return false;
}

interface Triggers {
  /**
   * The literal words and what a literal cannot say (word boundaries), as one alternation on the
   * lower-cased text. Each alternative starts with a literal: V8 then skips to the characters
   * they can start with, where seven regexes run one after another took twice as long.
   */
  words: RegExp;
  /** A libpq DSN without `dbname`: a run of pairs with `host=` and `user=` or `port=` (dsnRuns.ts). */
  dsn?: boolean;
  /** Strings that look like SQL, read as Python's or JS's strings, on the text as written. */
  sql?: 'python' | 'javascript';
  /** A knex chain: a root (`db`, `knex`, `trx`) and a `.from(`/`.into(` call with a string (hasKnexChain). */
  knex?: boolean;
  /**
   * JS/TS: what only a string holds (a URL, a SQLite path, `Initial Catalog`, a DSN, SQL) counts
   * only in the file's string and template literals (javascriptStrings.ts), not in comments or
   * code (`this.db`); `words` then holds the code's triggers and these the strings' own words.
   */
  stringWords?: RegExp;
}

/** One regex for literal words (escaped here) and patterns (regex source). */
function alternation(literals: readonly string[], patterns: readonly string[] = []): RegExp {
  return new RegExp([...literals.map((l) => l.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), ...patterns].join('|'));
}

/**
 * Put after a literal: that `word` just before starts a word in raw code, not after one of
 * `wordChar` (or after an escape's letter: `"host=db\nport=5432"` holds `port=` once decoded).
 * The literal comes first and the test looks behind it: a regex that starts with a lookbehind
 * is tried at every character, one that starts with a literal skips to it.
 */
const startsWord = (word: string, wordChar: string) => String.raw`(?<=(?:^|[^${wordChar}]|\\[a-z])${word})`;

/**
 * In code, the literal words as a literal needs them (literals.ts): `host` only in a DSN (`dsn`
 * below); `database` as a key of its own before `=` or `:` (an option, a keyword argument, a
 * dict key, ADO's `Database=`), not in `IDBDatabase` or prose; `catalog` only as ADO's `Initial
 * Catalog`; `.db`/`.sqlite` (`.db3`, `.sqlite3`) where a path token ends (findSqlitePaths), not
 * in `Frame.dblclick`. `dbname` stays a bare word (`dbName`). Python and JS/TS test these on
 * their strings only (STRING_ONLY_WORDS), and `database` in their code only as an option with a
 * string value, the one form their detectors read a name from.
 */
const SQLITE_PATH_END = String.raw`\.(?:db3?|sqlite3?)\.*(?=$|[\s"'\x60,;()<>|&=:\[\]{}*?\\/])`;
const DATABASE_KEY = 'database' + startsWord('database', 'a-z0-9') + String.raw`(?:\\?['"\x60])?\]?\s*[=:]`;
const CODE_LITERALS = [DATABASE_KEY, 'initial catalog', SQLITE_PATH_END];
/**
 * Words a literal spells only in a string (a SQLite path, `Initial Catalog`, ADO's `Database=`):
 * Python and JS/TS test them on their strings, not on their code, where `database` counts only
 * as an option with a string value (PYTHON_DATABASE_KEY, JS_DATABASE_OPTION).
 */
const STRING_ONLY_WORDS = alternation(['initial catalog'], [SQLITE_PATH_END, DATABASE_KEY]);
/**
 * `database` where the Python detector reads a database's name: a keyword argument or a dict key
 * whose value is a string (maybe in parentheses, after comments), not a variable of that name
 * (`database = self._get_param(…)`) or a key whose value is one.
 */
const PYTHON_DATABASE_KEY = DATABASE_KEY + String.raw`(?:\s|\\|\(|${PYTHON_COMMENT})*[rbuf]{0,2}['"]`;

/**
 * Python: whether a string's value holds a DSN run, a SQLite path, `Initial Catalog` or ADO's
 * `Database=` (or the strings could not be read in step with the parser). The detector reads
 * literals in strings only, and Python code is full of look-alikes: pairs (`create_connection(self,
 * host=None, port=None)`, `host = unquote(host)` over `user = …`) and attributes (`self.shell.db[key]`).
 */
function hasPythonStringLiteral(reading: PythonReading | undefined): boolean {
  return reading === undefined || reading.values.some((v) => spellsStringLiteral(v.toLowerCase()));
}

/** What Python's literals spell only in a string: a DSN run, a SQLite path, `Initial Catalog`, `Database=` (on lower-cased text). */
const spellsStringLiteral = (lower: string) => hasHostDsnRun(lower) || STRING_ONLY_WORDS.test(lower);

// Python's tables come from calls (`Table(`, `sa.table(`; Alembic's `op.create_table(` and the
// other operations of ALEMBIC_OPS, all named create_/drop_/add_/alter_/rename_/batch_),
// `__tablename__` and `db_table`, not from words like "stable" or "notable"; `host`, SQLite paths,
// `Initial Catalog` and ADO's `Database=` make a literal only in a string (prefilter's
// hasPythonStringLiteral, after the other tests) (dict configs and keyword arguments are named by
// `dbname`/`db_name`, by `database` with a string value (PYTHON_DATABASE_KEY), or by Django's
// `ENGINE`, a string that ends in `backends.<engine>`: not `matplotlib.backends.backend_agg` in an
// import); settings classes derive from `BaseSettings` by that name (not `SybaseSettings`), so
// it counts in a class's bases (before `,` or `)`), not in an import or an annotation.
const PYTHON: Triggers = {
  words: alternation(
    ['dbname', '__tablename__', 'db_table', 'db_name'],
    [
      PYTHON_DATABASE_KEY,
      'basesettings' + startsWord('basesettings', 'a-z0-9_') + String.raw`(?:\s|\\|${PYTHON_COMMENT})*[,)]`,
      String.raw`backends\.[a-z0-9_]+\\?['"]`,
      'table' + String.raw`(?<=\btable)(?:\s|\\|${PYTHON_COMMENT})*\(`,
      String.raw`op(?<=\bop)\s*\.\s*(?:create|drop|add|alter|rename|batch)_`,
    ],
  ),
  sql: 'python',
};
/** Where a plain string starts, maybe in parentheses or after a `<T>` assertion (javascript.ts unwrap). */
const STRING_START = String.raw`['"\x60(<]`;
/**
 * A call's first argument as the JS detector reads tables and names from it: a plain string (after
 * `?.` and type arguments). `table(...data)`, `function table(state)` and "a hash table (see ...)"
 * have none.
 */
const STRING_ARGUMENT = String.raw`\s*(?:\?\.\s*)?(?:<[^>]*>\s*)?\(\s*` + STRING_START;
/** knex's usual names for its root (javascript.ts KNEX_ROOTS). */
const KNEX_NAMES = '(?:db|knex|trx)';
const KNEX_ROOT = KNEX_NAMES + startsWord(KNEX_NAMES, 'a-z0-9_$') + '(?![a-z0-9_$])';
/**
 * What can follow a knex root at the left of a chain (javascript.ts chainRoot: a call, `.`, `?.`,
 * `[`, `!`, a tagged template, parentheses, `as`): `db('users')`, `db\n  .from('users')`, `(db as
 * Knex).into('logs')`. A `.` must lead to a name on the same line or the next, so prose like
 * "10 dB." or "from DB. Then" is none; a call, an index or type arguments follow at once (not
 * "in dB (A)"); a template's tag is not itself in backquotes (`` `db` ``).
 */
const ROOT_USE = String.raw`[[(<]|\s*(?:\?\.|!(?!=)|\.(?:[ \t]*\r?\n\s*)?[a-z_$]|\)\s*(?:\?\.|[.(\[!]))|\s+(?:as|satisfies)(?![a-z0-9_$])|(?<!\x60${KNEX_NAMES})\x60`;
/**
 * A chain javascript.ts reads a knex table from: a root where a chain can start (ROOT_USE) and,
 * somewhere, a query method with a string (`.from('users')`, `.into('logs')`; `.table(` is a
 * trigger of its own). Two tests: `db.transaction(...)` in IndexedDB code, or `db.close()`, is no
 * knex chain.
 */
const KNEX_CHAIN_ROOT = new RegExp(KNEX_ROOT + String.raw`(?<!(?:^|[^.])\.${KNEX_NAMES})(?:${ROOT_USE})`);
/** Blanks and comments in JS/TS code. */
const JS_BLANKS = String.raw`(?:\s|/\*(?:[^*]|\*(?!/))*\*/|//[^\n]*\n)*`;
/**
 * `database` as javascript.ts reads a database's name: an option whose value is a plain string
 * (optionProperty: maybe in parentheses or after a `<T>` assertion), not a type annotation
 * (`database: string`), a parameter or an option with another value.
 */
const JS_DATABASE_OPTION = 'database' + startsWord('database', 'a-z0-9_$') + String.raw`(?![a-z0-9_$])(?:['"\x60]\]?)?${JS_BLANKS}:${JS_BLANKS}${STRING_START}`;
const KNEX_QUERY = new RegExp(String.raw`\.\s*(?:from|into)${STRING_ARGUMENT}`);
// The query first: over the npm tree's JS 42 ms against 76 for the root (fewer places to try).
const hasKnexChain = (lower: string) => KNEX_QUERY.test(lower) && KNEX_CHAIN_ROOT.test(lower);
// Sequelize's `define` needs `sequelize` in the file (its root or an import), so `define` alone,
// as in every `Object.defineProperty`, is no trigger; TypeORM's entity is the `@Entity` decorator.
// Its tables come from the calls javascript.ts knows (`pgTable(`, `createTable(`, `.table(`, also
// `?.(` and `<T>(`, or `['table'](`) with a string argument, and `tableName` as a key or static
// property with a string value, not from the word (HTML tables, docs, `tableNames: string[]`) or
// `Mutable(`/`createWritable(`; knex's roots `db`, `knex`, `trx` in a call with a string (also
// Mongo's `client.db('zoe')`) or where a chain starts that has a query method (hasKnexChain), not
// `this.db` or `db.transaction(...)`; `dbname` as a libpq key (`dbname=`) or an option with a
// string value, not a parameter `dbname: string`; Mongo's `useDb` is a word of its own (not
// `usedBrace`); `host` makes a literal only in a DSN (ADO strings need `database`, options are
// named by `database`).
const JAVASCRIPT: Triggers = {
  words: alternation(['sequelize', 'pgschema', 'mysqlschema'], [
    'dbname' + startsWord('dbname', 'a-z0-9_$') + String.raw`(?![a-z0-9_$])(?:\s*=|(?:['"\x60]\]?)?\s*:\s*${STRING_START})`,
    JS_DATABASE_OPTION,
    'table' + startsWord('(?:pg|sqlite|mysql|singlestore|create|alter|drop|has|rename)?table', 'a-z0-9_$') + String.raw`(?:(?:ifnotexists|ifexists|like)?${STRING_ARGUMENT}|['"\x60]\s*\]\s*(?:\?\.\s*)?\()`,
    'tablename' + startsWord('tablename', 'a-z0-9_$') + String.raw`(?![a-z0-9_$])(?:['"\x60]\]?)?\s*(?::[^=;,\n]*)?[:=]\s*${STRING_START}`,
    'usedb' + startsWord('usedb', 'a-z0-9_$') + '(?![a-z0-9_$])',
    // A block comment ends at its first `*/`: a lazy `[\s\S]*?` there could also end at a later one,
    // and `@/**/ /**/ …` took 2^n tries to fail.
    String.raw`@(?:\s|/\*(?:[^*]|\*(?!/))*\*/)*entity\b`,
    KNEX_ROOT + STRING_ARGUMENT,
  ]),
  dsn: true,
  sql: 'javascript',
  knex: true,
  stringWords: STRING_ONLY_WORDS,
};

/**
 * File types whose detectors find only literals (literals.ts findLiterals) and env reads and
 * definitions (config files, scripts, plain text): under a scan filter they need a literal
 * trigger or a database variable's name. SQL, Prisma and Markdown (fenced code) name tables.
 */
const CONFIG_TYPES = new Set<FileType>(['yaml', 'shell', 'dotenv', 'dockerfile', 'ini', 'toml', 'json', 'text']);
/**
 * Config files and scripts: literals only (their detectors name no tables), with the words as a
 * literal needs them (CODE_LITERALS, a database URL's scheme, a DSN's run of pairs), not the bare
 * words: `host:` in every Kubernetes ingress, "falling back to the host" in a JSON message file,
 * `opendocument.database` in a MIME table made most such files a candidate for nothing.
 */
const LITERALS: Triggers = { words: alternation(['dbname'], CODE_LITERALS), dsn: true };

/** Every env access spells `env` (getenv, environ, process.env, Deno.env, import.meta.env). */
const ENV = 'env';
/**
 * JS reads env vars only through a property named `env` (javascript.ts isEnvObject: process.env,
 * Bun.env, import.meta.env, Deno.env), not "environment", "development" or "envelope", words
 * most files spell somewhere. `env` first and the dot looked behind for: 35 ms over the npm
 * tree's JS against 40 for a regex that stops at every dot.
 */
const JS_ENV = /env(?<=\.\s*env)(?![a-z0-9_$])/;

/**
 * Python's env readers that spell no `env`: python-decouple's `config("X")` (python.ts
 * CONFIG_READERS, as written: `decouple.config(` too, not `get_config(`).
 */
const PYTHON_CONFIG_READER = /config(?<=(?:^|[^a-z0-9_])config)(?:\s|\\)*\(/;

/** Whether `lower` spells an env access as `type`'s detector reads one. */
function spellsEnv(type: FileType, lower: string): boolean {
  if (type === 'javascript') return JS_ENV.test(lower);
  return lower.includes(ENV) || (type === 'python' && PYTHON_CONFIG_READER.test(lower));
}

/** Escapes the spelled-out copy decodes: numeric and Python's named ones (quotedValue.ts). */
const SPELLED_ESCAPE = new RegExp(`${NUMERIC_ESCAPE.source}|${NAMED_ESCAPE.source}`);
const ALL_SPELLED_ESCAPES = new RegExp(SPELLED_ESCAPE.source, 'g');

/** `text` with numeric escapes spelled out and named ones read as U+FFFD, as the detectors read them. */
function spelledOut(text: string): string {
  return decodeNumericEscapes(text).replace(NAMED_ESCAPE, NAMED_ESCAPE_VALUE);
}

/** A text to test, as written and lower-cased. */
interface Sample {
  text: string;
  lower: string;
}

/** The tests for what code spells: names, calls, keys. */
function inCode(s: Sample, t: Triggers): boolean {
  return t.words.test(s.lower) || (t.knex === true && hasKnexChain(s.lower));
}

/** The tests for what only a string holds: URLs, DSNs, SQL (and, in JS/TS, paths and `Initial Catalog`). */
function inStrings(s: Sample, t: Triggers): boolean {
  return hasDatabaseUrl(s.lower) || t.stringWords?.test(s.lower) === true || (t.dsn === true && hasHostDsnRun(s.lower))
    || (t.sql !== undefined && hasSqlString(s.text, t.sql === 'python'));
}

/** Every test on one text (Python, config files). */
function triggered(s: Sample, t: Triggers): boolean {
  return inCode(s, t) || inStrings(s, t);
}

/**
 * Whether a JS/TS file's string and template literals, as written or decoded, hold what only a
 * string holds (javascriptStrings.ts); true when they cannot be read in step. Joined by `+`, not
 * side by side, so that no two read as one (`"a" "b"`, ADJACENT_STRINGS).
 */
function stringsTriggered(text: string, t: Triggers): boolean {
  const strings = javaScriptStrings(text);
  return strings === undefined || textsToTest(sample(strings.join('\n+\n')))().some((s) => inStrings(s, t));
}

/** What a scan knows that a file's analysis does not: the rules file's own variable names. */
export interface ScanFilter {
  /** Variables the rules file declares whose names do not look like database variables. */
  declaredEnvNames: readonly string[];
}

/** Whether to parse a file: `env-only` means its only trigger is env access to variables that do not matter. */
export type Verdict = 'analyze' | 'skip' | 'env-only';

/** Two string literals side by side (`"a" "b"`, `'a' f'b'`, `"a" R"b"`). */
const ADJACENT_STRINGS = /["'][ \t\r\n]*[rbufRBUF]{0,3}["']/;
const ALL_ADJACENT_STRINGS = new RegExp(ADJACENT_STRINGS.source, 'g');

/** `\` + newline (a line continuation) and other backslashes dropped; `"a" "b"` joined. */
function decodedApproximation(text: string): string {
  return text.replace(/\\\r?\n/g, '').replace(/\\/g, '').replace(ALL_ADJACENT_STRINGS, '');
}

const sample = (text: string): Sample => ({ text, lower: text.toLowerCase() });

/** Where decoding changes the text: a backslash, two strings side by side. */
const DECODING_CHANGES = new RegExp(String.raw`\\|` + ADJACENT_STRINGS.source, 'g');
/** Lines kept on each side of a place decoding changes: what a decoded literal can span. */
const CONTEXT_LINES = 2;

/** The start of the line `lines` lines above the one `at` is on (or of the text). */
function lineStartAbove(text: string, at: number, lines: number): number {
  let start = at === 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1;
  for (let i = 0; i < lines && start > 0; i++) start = start === 1 ? 0 : text.lastIndexOf('\n', start - 2) + 1;
  return start;
}

/** The end of the line `lines` lines below the one `at` is on (or of the text). */
function lineEndBelow(text: string, at: number, lines: number): number {
  let end = text.indexOf('\n', at);
  for (let i = 0; i < lines && end >= 0; i++) end = text.indexOf('\n', end + 1);
  return end < 0 ? text.length : end;
}

/**
 * The parts of `text` around the places `changes` finds, whole lines with CONTEXT_LINES on each
 * side, each decoded by `decode`, joined by newlines. A decoded copy adds to the tests only what
 * spans such a place, and real code has escapes in few of its lines: decoding and testing whole
 * copies of every file was most of the prefilter's time.
 */
function decodedAround(text: string, changes: RegExp, decode: (part: string) => string): string {
  const parts: string[] = [];
  let from = -1;
  let to = -1;
  changes.lastIndex = 0;
  for (let m = changes.exec(text); m; m = changes.exec(text)) {
    const start = lineStartAbove(text, m.index, CONTEXT_LINES);
    const end = lineEndBelow(text, m.index + m[0].length, CONTEXT_LINES);
    if (start > to) {
      if (to >= 0) parts.push(decode(text.slice(from, to)));
      from = start;
    }
    to = Math.max(to, end);
    changes.lastIndex = Math.max(changes.lastIndex, to);
  }
  if (to >= 0) parts.push(decode(text.slice(from, to)));
  return parts.join('\n');
}

/**
 * The lower-cased file and, when decoding can change what it spells, its decoded approximations
 * (with numeric and named escapes spelled out, when it has any), around the places decoding changes: made
 * on first use.
 */
function textsToTest(first: Sample): () => Sample[] {
  let texts: Sample[] | undefined;
  return () => {
    if (texts) return texts;
    texts = [first];
    if (first.text.includes('\\') || ADJACENT_STRINGS.test(first.text)) texts.push(sample(decodedAround(first.text, DECODING_CHANGES, decodedApproximation)));
    if (SPELLED_ESCAPE.test(first.text)) {
      const spelled = decodedAround(first.text, ALL_SPELLED_ESCAPES, spelledOut);
      texts.push(sample(spelled), sample(decodedApproximation(spelled)));
    }
    return texts;
  };
}

const QUOTES = new Set(["'", '"']);

/**
 * Whether a word of `lower` (lower-cased text) is the name of a database variable (by its shape)
 * or of a declared one. `quoted`: only a word that is a whole string counts (`"DATABASE_URL"`):
 * Python names a variable in a string (`os.getenv("X")`, `os.environ["X"]`, a constant holding
 * it), while its prose and comments are full of words like "database"; JS names them bare too
 * (`process.env.X`, `const { X } = process.env`).
 */
export function namesDatabaseVariable(lower: string, declared: readonly string[], quoted = false): boolean {
  // The end of the last word expanded: its other tokens (`pg_pg_pg_…`) would expand to it again, a
  // pass over the word each, quadratic in a long identifier (24k characters took 6 s).
  let checkedTo = 0;
  for (const m of lower.matchAll(DATABASE_WORD)) {
    if (m.index < checkedTo) continue;
    let start = m.index;
    let end = start + m[0].length;
    while (start > 0 && /\w/.test(lower[start - 1])) start--;
    while (end < lower.length && /\w/.test(lower[end])) end++;
    checkedTo = end;
    if (quoted && !(QUOTES.has(lower[start - 1]) && lower[end] === lower[start - 1])) continue;
    if (isDatabaseEnvVar(lower.slice(start, end))) return true;
  }
  return declared.some((name) => lower.includes(name.toLowerCase()));
}

/**
 * `skip` only when a file of this type certainly yields no references and no tables; `env-only`
 * (with a scan filter) when it yields at most reads and definitions of variables that are not
 * database variables. Without a filter every env access counts, as a detector alone sees it.
 */
export function prefilter(type: FileType, text: string, filter?: ScanFilter): Verdict {
  const code = type === 'python' || type === 'javascript';
  if (!code && !(filter && CONFIG_TYPES.has(type))) return 'analyze';
  const triggers = type === 'python' ? PYTHON : type === 'javascript' ? JAVASCRIPT : LITERALS;
  // A Python file's strings, read in step with its tokenizer (pythonStrings.ts) once, when a step needs them.
  let reading: PythonReading | undefined | null = null;
  const python = () => (reading === null ? (reading = readPython(text)) : reading);
  const first = sample(text);
  let texts = textsToTest(first);
  if (type === 'javascript') {
    // Code's triggers on the text and its decoded copies; strings' ones, when the text spells one, on the strings.
    if (inCode(first, triggers) || texts().slice(1).some((t) => inCode(t, triggers))) return 'analyze';
    if (texts().some((t) => inStrings(t, triggers)) && stringsTriggered(text, triggers)) return 'analyze';
  } else {
    if (triggered(first, triggers)) {
      // Python's comments and documentation strings are nothing to its detector (python.ts): tested
      // again without them, when the strings can be read in step.
      const read = type === 'python' ? python() : undefined;
      if (read === undefined) return 'analyze';
      const blanked = sample(blankIgnored(text, read));
      if (triggered(blanked, triggers)) return 'analyze'; // most candidates: no decoding needed
      texts = textsToTest(blanked);
    }
    if (texts().slice(1).some((t) => triggered(t, triggers))) return 'analyze'; // the decoded text, if any
  }
  if (type === 'python' && texts().some((t) => spellsStringLiteral(t.lower)) && hasPythonStringLiteral(python())) return 'analyze';
  // Config files define and expand variables without spelling `env` ($X, X=1, environment:).
  if (code && !texts().some((t) => spellsEnv(type, t.lower))) return 'skip';
  if (!filter) return 'analyze';
  return texts().some((t) => namesDatabaseVariable(t.lower, filter.declaredEnvNames, type === 'python')) ? 'analyze' : 'env-only';
}

/** False only when a file of this type certainly yields no references and no tables. */
export function mayReferenceDatabase(type: FileType, text: string): boolean {
  return prefilter(type, text) === 'analyze';
}
