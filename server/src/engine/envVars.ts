// Which environment variables are "database" variables: names that locate or authenticate
// a database or its server. Selectors and tuning knobs (DB_TYPE, DB_POOL_SIZE, *_TTL) and
// HTTP API URLs (SUPABASE_URL) are not.

/** libpq's own variables (https://www.postgresql.org/docs/current/libpq-envars.html), the ones that locate or authenticate. */
const LIBPQ_VARS = new Set([
  'PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGPASSFILE', 'PGSERVICE', 'PGSERVICEFILE',
]);

/** A name token that says the variable is about a database or a database server. */
const DATABASE_TOKENS = new Set([
  'DATABASE', 'DB', 'SQLITE', 'SQLITE3', 'POSTGRES', 'POSTGRESQL', 'PG', 'PSQL', 'MYSQL', 'MARIADB', 'MONGO', 'MONGODB',
  'REDIS', 'NEO4J', 'MSSQL', 'SQLSERVER', 'ORACLE', 'SQLALCHEMY', 'DSN',
]);

/** A last token that says the variable locates or authenticates (rather than tunes). */
const LOCATOR_TOKENS = new Set([
  'URL', 'URI', 'DSN', 'PATH', 'FILE', 'HOST', 'HOSTNAME', 'SERVER', 'PORT', 'NAME', 'DB', 'DATABASE', 'SCHEMA',
  'USER', 'USERNAME', 'PASSWORD', 'PASS', 'PWD', 'SOCKET',
]);

/**
 * True when `name` is a database variable. `declared` holds every var the rules file names
 * (env, aliases, sameDatabase groups): those always count.
 */
export function isDatabaseEnvVar(name: string, declared?: ReadonlySet<string>): boolean {
  if (declared?.has(name)) return true;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  const upper = name.toUpperCase();
  if (LIBPQ_VARS.has(upper)) return true;
  const tokens = upper.split('_').filter(Boolean);
  if (tokens.length === 0) return false;
  const last = tokens[tokens.length - 1];
  if (!LOCATOR_TOKENS.has(last)) return false;
  // "DSN" alone is too generic (SENTRY_DSN): it needs another database token.
  return tokens.some((t, i) => DATABASE_TOKENS.has(t) && !(t === 'DSN' && i === tokens.length - 1));
}

/**
 * A word (lower case, `_` counting as a separator) holding a database token or a libpq
 * variable: where a database variable's name may stand in a text, to be checked with
 * isDatabaseEnvVar once expanded to the whole word (prefilter.ts).
 */
const DATABASE_WORDS = `(?:${[...DATABASE_TOKENS, ...LIBPQ_VARS].map((t) => t.toLowerCase()).sort((a, b) => b.length - a.length).join('|')})`;
// The words come first and the boundary before them is looked behind for: a regex that starts
// with a lookbehind is tried at every character of the text.
export const DATABASE_WORD = new RegExp(String.raw`${DATABASE_WORDS}(?<=(?:^|[^a-z0-9])${DATABASE_WORDS})(?![a-z0-9])`, 'g');
