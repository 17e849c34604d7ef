// A cheap literal test that lets the scan skip the parser for code files that cannot hold a
// reference or a table. Parsing (tree-sitter, the TypeScript compiler) is most of a scan's
// time, and most code files name no database.
//
// It must be a superset of what the detectors find, so each trigger is tied to what a detector
// looks for (python.ts, javascript.ts, literals.ts, sqlTables.ts):
// - URLs need `://`; SQLite paths end in .db/.sqlite/.sqlite3/.db3 (any case); libpq DSNs need
//   `dbname` or `host`; ADO strings need `Database` or `Initial Catalog`;
// - env refs are recorded for every variable: getenv/environ/putenv, process.env, Deno.env,
//   import.meta.env all contain `env`; pydantic settings need `BaseSettings`;
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

const SQL_START = String.raw`["'\x60][\s\\ntrfvb]*(?:--|/\*|(?:select|insert|replace|merge|update|delete|create|alter|drop|with|truncate|set|copy|grant|revoke|pragma|attach|use|explain)\b)`;
const COMMON = [String.raw`://`, String.raw`\.db`, String.raw`\.sqlite`, 'env', 'database', 'dbname', 'catalog', 'host', 'table', SQL_START];

const PYTHON = new RegExp([...COMMON, 'db_name', 'settings', String.raw`\bop\s*\.`].join('|'), 'i');
const JAVASCRIPT = new RegExp([...COMMON, 'entity', 'sequelize', 'define', 'pgschema', 'mysqlschema', 'usedb', String.raw`\bdb\b`, String.raw`\bknex\b`, String.raw`\btrx\b`].join('|'), 'i');

/** Escapes that decode to a letter or digit: the literal test cannot see through them. */
const SPELLING_ESCAPE = /\\(?:[xuUN0-7])/;

/** `\` + newline (a line continuation) and other backslashes dropped; `"a" "b"` joined. */
function decodedApproximation(text: string): string {
  return text.replace(/\\\r?\n/g, '').replace(/\\/g, '').replace(/["'][ \t\r\n]*[rRbBuUfF]{0,3}["']/g, '');
}

/** False only when a file of this type certainly yields no references and no tables. */
export function mayReferenceDatabase(type: FileType, text: string): boolean {
  const re = type === 'python' ? PYTHON : type === 'javascript' ? JAVASCRIPT : undefined;
  if (!re) return true;
  if (re.test(text) || SPELLING_ESCAPE.test(text)) return true;
  return text.includes('\\') || /["'][ \t\r\n]*[rRbBuUfF]{0,3}["']/.test(text) ? re.test(decodedApproximation(text)) : false;
}
