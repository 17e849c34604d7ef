// A cheap literal test that lets the scan skip the parser for code files that cannot hold a
// reference or a table. Parsing (tree-sitter, the TypeScript compiler) is most of a scan's
// time, and most code files name no database.
//
// It must be a superset of what the detectors find, so each trigger is tied to what a detector
// looks for (python.ts, javascript.ts, literals.ts, sqlTables.ts):
// - URLs need `://`; SQLite paths end in .db/.sqlite/.sqlite3/.db3 (any case); libpq DSNs need
//   `dbname` or `host`; ADO strings need `Database` or `Initial Catalog`;
// - env refs are recorded for every variable: getenv/environ/putenv, process.env, Deno.env,
//   import.meta.env all contain `env`; pydantic settings need `BaseSettings`. In a scan, though,
//   only reads of *database* variables survive (audit.ts `databaseReferences`), so with a
//   `ScanFilter` a file whose only trigger is `env` is parsed only when a word in it is a
//   database variable's name (envVars.ts) or one the rules file declares: most code reads
//   LOG_LEVEL or PORT, and parsing it for that is most of a scan's time;
// - names: `dbname=`/`database=`/`db_name=` options, Sequelize's constructor, Mongo's `.db()` /
//   `useDb()`, Drizzle's `pgSchema`/`mysqlSchema`;
// - tables: `__tablename__`, `db_table`, `Table(`, Drizzle's `*Table`, knex's `*Table`/`.table`
//   all contain `table`; Alembic needs `op.`; TypeORM `@Entity`, Sequelize `define`, `tableName`,
//   knex roots `knex`/`db`/`trx`;
// - SQL in strings is looked at only when the string starts with a statement keyword
//   (looksLikeSql), so a quote, optional blanks, then the keyword (or a leading comment).
// Strings are read decoded, so the test also runs on the text with backslashes dropped and
// Python's implicit concatenation (`"a" "b"`) joined, and any escape that can spell a letter
// (`\x`, `\u`, `\N{`, octal) makes a file a candidate outright.
// Other file types are cheap to read and are always analyzed.

import type { FileType } from './detectors';
import { isDatabaseEnvVar } from './envVars';

const SQL_START = String.raw`["'\x60][\s\\ntrfvb]*(?:--|/\*|(?:select|insert|replace|merge|update|delete|create|alter|drop|with|truncate|set|copy|grant|revoke|pragma|attach|use|explain)\b)`;
const COMMON = [String.raw`://`, String.raw`\.db`, String.raw`\.sqlite`, 'database', 'dbname', 'catalog', 'host', 'table', SQL_START];
const PYTHON_ONLY = ['db_name', 'basesettings', String.raw`\bop\s*\.`];
const JAVASCRIPT_ONLY = ['entity', 'sequelize', 'define', 'pgschema', 'mysqlschema', 'usedb', String.raw`\bdb\b`, String.raw`\bknex\b`, String.raw`\btrx\b`];

/** Triggers of everything but env reads. */
const PYTHON = new RegExp([...COMMON, ...PYTHON_ONLY].join('|'), 'i');
const JAVASCRIPT = new RegExp([...COMMON, ...JAVASCRIPT_ONLY].join('|'), 'i');
/** Every env access spells `env` (getenv, environ, process.env, Deno.env, import.meta.env). */
const ENV = /env/i;

/** Escapes that decode to a letter or digit: the literal test cannot see through them. */
const SPELLING_ESCAPE = /\\(?:[xuUN0-7])/;

/**
 * Words holding a database token (envVars.ts DATABASE_TOKENS) or a libpq variable, `_` counting
 * as a separator: the candidates for a database variable's name, checked one by one.
 */
const DATABASE_WORD = /(?<![A-Za-z0-9])(?:database|db|sqlite3?|postgres(?:ql)?|pg\w*|psql|mysql|mariadb|mongo(?:db)?|redis|neo4j|mssql|sqlserver|oracle|sqlalchemy|dsn)(?![A-Za-z0-9])/gi;

/** What a scan knows that a file's analysis does not: the rules file's own variable names. */
export interface ScanFilter {
  /** Variables the rules file declares whose names do not look like database variables. */
  declaredEnvNames: readonly string[];
}

/** Whether to parse a file: `env-only` means its only trigger is env access to variables that do not matter. */
export type Verdict = 'analyze' | 'skip' | 'env-only';

/** `\` + newline (a line continuation) and other backslashes dropped; `"a" "b"` joined. */
function decodedApproximation(text: string): string {
  return text.replace(/\\\r?\n/g, '').replace(/\\/g, '').replace(/["'][ \t\r\n]*[rRbBuUfF]{0,3}["']/g, '');
}

/** Texts the literal tests run on: the file, and its decoded approximation when decoding can matter. */
function textsToTest(text: string): string[] {
  return text.includes('\\') || /["'][ \t\r\n]*[rRbBuUfF]{0,3}["']/.test(text) ? [text, decodedApproximation(text)] : [text];
}

/** Whether a word of `text` is the name of a database variable (by its shape) or of a declared one. */
export function namesDatabaseVariable(text: string, declared: readonly string[]): boolean {
  for (const m of text.matchAll(DATABASE_WORD)) {
    let start = m.index;
    let end = start + m[0].length;
    while (start > 0 && /\w/.test(text[start - 1])) start--;
    while (end < text.length && /\w/.test(text[end])) end++;
    if (isDatabaseEnvVar(text.slice(start, end))) return true;
  }
  if (declared.length === 0) return false;
  const lower = text.toLowerCase();
  return declared.some((name) => lower.includes(name.toLowerCase()));
}

/**
 * `skip` only when a file of this type certainly yields no references and no tables; `env-only`
 * (with a scan filter) when it yields at most reads and definitions of variables that are not
 * database variables. Without a filter every env access counts, as a detector alone sees it.
 */
export function prefilter(type: FileType, text: string, filter?: ScanFilter): Verdict {
  const re = type === 'python' ? PYTHON : type === 'javascript' ? JAVASCRIPT : undefined;
  if (!re) return 'analyze';
  if (SPELLING_ESCAPE.test(text)) return 'analyze';
  const texts = textsToTest(text);
  if (texts.some((t) => re.test(t))) return 'analyze';
  if (!texts.some((t) => ENV.test(t))) return 'skip';
  if (!filter) return 'analyze';
  return texts.some((t) => namesDatabaseVariable(t, filter.declaredEnvNames)) ? 'analyze' : 'env-only';
}

/** False only when a file of this type certainly yields no references and no tables. */
export function mayReferenceDatabase(type: FileType, text: string): boolean {
  return prefilter(type, text) === 'analyze';
}
