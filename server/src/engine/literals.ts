// Recognizes database URLs, DSNs and SQLite paths inside a piece of text (a string literal's
// content, a config value, a line of shell). Every detector uses this, so that "what is a
// database reference" is decided in one place; detectors decide only *where* to look.

import type { Engine } from './types';

export interface LiteralMatch {
  kind: 'sqlite-path' | 'connection-url';
  engine: Engine;
  /** The SQLite file's basename, the database name if visible, else the env var in its place. */
  target: string;
  /** The matched text with any literal password replaced by `***`. */
  value: string;
  /** A literal (non-templated) password is embedded. */
  credentials: boolean;
  /** Offsets of the match in the searched text (end exclusive). */
  start: number;
  end: number;
}

/** URL schemes (before any `+driver`) that name a database engine or driver. */
const SCHEME_ENGINES: Record<string, Engine> = {
  postgres: 'postgres', postgresql: 'postgres', pgsql: 'postgres', postgis: 'postgres', cockroachdb: 'postgres',
  redshift: 'postgres', timescaledb: 'postgres',
  mysql: 'mysql', mysqlx: 'mysql', mariadb: 'mysql',
  mssql: 'mssql', sqlserver: 'mssql',
  oracle: 'oracle',
  mongodb: 'mongodb',
  redis: 'redis', rediss: 'redis', valkey: 'redis',
  sqlite: 'sqlite', sqlite3: 'sqlite', libsql: 'sqlite',
  // Graph and other stores: database URLs all the same.
  bolt: 'unknown', neo4j: 'unknown', clickhouse: 'unknown', cassandra: 'unknown', couchdb: 'unknown',
  influxdb: 'unknown', memgraph: 'unknown', arangodb: 'unknown', cockroach: 'postgres', duckdb: 'unknown',
};

export const SQLITE_EXTENSIONS = ['.db', '.sqlite', '.sqlite3', '.db3'];

/** Template placeholders: `${VAR}`, `${VAR:-x}`, `{expr}` (f-strings, .format), `%(name)s`, `$VAR`. */
const PLACEHOLDER = /\$\{[^}]*\}|\{[^{}]*\}|%\([^)]*\)s|\$[A-Za-z_][A-Za-z0-9_]*/g;

/** Characters that end a URL in running text. */
const URL_RE = /(?<![A-Za-z0-9+.-])((?:jdbc:)?([A-Za-z][A-Za-z0-9+.-]*)):\/\/(?:\$\{[^}\s]*\}|[^\s"'`<>\\])*/g;

export function engineOfScheme(scheme: string): Engine | undefined {
  const base = scheme.toLowerCase().replace(/^jdbc:/, '').split('+')[0];
  return Object.prototype.hasOwnProperty.call(SCHEME_ENGINES, base) ? SCHEME_ENGINES[base] : undefined;
}

/** True when the whole of `s` is one template placeholder (so it is not a literal secret or name). */
export function isPlaceholder(s: string): boolean {
  if (s === '') return false;
  PLACEHOLDER.lastIndex = 0;
  const m = s.match(new RegExp(`^(?:${PLACEHOLDER.source})$`));
  return m !== null || /^<[^<>]+>$/.test(s) || s === '***';
}

/** The env var a placeholder reads (`${POSTGRES_DB}`, `${POSTGRES_DB:-x}`, `$POSTGRES_DB`), if any. */
export function placeholderEnvVar(s: string): string | undefined {
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?+-][^}]*)?\}$/.exec(s) ?? /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(s);
  return m?.[1];
}

interface UrlParts {
  scheme: string;
  /** Offsets of the password within the URL text, if one is written. */
  password?: { start: number; end: number };
  host: string;
  /** The path after the authority, without query or fragment. */
  path: string;
}

/**
 * Splits a database URL. Templated URLs (`{u}`, `${POSTGRES_USER}`) are not valid URLs, so
 * placeholders are swapped for inert tokens before the WHATWG parser sees them.
 */
function splitUrl(text: string): UrlParts | undefined {
  const schemeEnd = text.indexOf('://');
  const scheme = text.slice(0, schemeEnd);
  const holes: string[] = [];
  const inert = text.replace(PLACEHOLDER, (m) => `zzph${holes.push(m) - 1}zz`);
  const restore = (s: string) => s.replace(/zzph(\d+)zz/g, (_, i) => holes[Number(i)]);
  let url: URL | undefined;
  try {
    // A non-special scheme keeps the authority opaque-ish; normalise to one WHATWG knows as
    // "generic" so that userinfo/host/path are split the standard way.
    url = new URL('dbaudit' + inert.slice(inert.indexOf('://')));
  } catch {
    url = undefined;
  }
  // Locate the password in the original text: between the first ':' of the userinfo and its '@'.
  const afterScheme = schemeEnd + 3;
  const authorityEnd = (() => {
    const at = text.lastIndexOf('@', firstOf(text, ['/', '?', '#'], text.lastIndexOf('@') + 1));
    return at >= afterScheme ? at : -1;
  })();
  let password: UrlParts['password'];
  if (authorityEnd > 0) {
    const userinfo = text.slice(afterScheme, authorityEnd);
    const colon = indexOutsidePlaceholders(userinfo, ':');
    if (colon >= 0) password = { start: afterScheme + colon + 1, end: authorityEnd };
  }
  if (url) {
    return { scheme, password, host: restore(decodeSafe(url.host)), path: restore(decodeSafe(url.pathname)) };
  }
  const rest = text.slice(authorityEnd > 0 ? authorityEnd + 1 : afterScheme);
  const slash = rest.search(/[/?#]/);
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash).replace(/[?#].*$/, '');
  return { scheme, password, host, path };
}

function firstOf(text: string, chars: string[], from: number): number {
  let best = text.length;
  for (const c of chars) {
    const i = text.indexOf(c, from);
    if (i >= 0 && i < best) best = i;
  }
  return best;
}

/** indexOf that skips over `${...}` / `{...}` so `${A:-x}` is not split at its colon. */
function indexOutsidePlaceholders(s: string, ch: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') depth = Math.max(0, depth - 1);
    else if (s[i] === ch && depth === 0) return i;
  }
  return -1;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function basename(p: string): string {
  const parts = p.split(/[/\\]/);
  return parts[parts.length - 1];
}

/** Classifies a URL match; undefined when the scheme is not a database's. */
function classifyUrl(text: string, start: number): LiteralMatch | undefined {
  // Trailing punctuation of running text is not part of the URL.
  // (`sqlite:///:memory:` keeps its colon: it is SQLite's name for an in-memory database.)
  const trimmed = text.endsWith(':memory:') ? text : withoutTrailingPunctuation(text);
  const scheme = trimmed.slice(0, trimmed.indexOf('://'));
  const engine = engineOfScheme(scheme);
  if (engine === undefined) return undefined;
  const parts = splitUrl(trimmed);
  if (!parts) return undefined;
  const pw = parts.password ? trimmed.slice(parts.password.start, parts.password.end) : '';
  const credentials = pw !== '' && !isPlaceholder(pw);
  const value = credentials && parts.password
    ? trimmed.slice(0, parts.password.start) + '***' + trimmed.slice(parts.password.end)
    : trimmed;
  return { kind: 'connection-url', engine, target: urlTarget(engine, parts), value, credentials, start, end: start + trimmed.length };
}

const TRAILING_PUNCTUATION = new Set('.,;:!)]}');

/**
 * `text` without its run of trailing punctuation, but the `}`s that close a `{` of it. Found from
 * the end: `/[.,;:!)\]}]+$/` tried the rest of the run from every position of a long run that
 * something else ends (`postgres://.;.;…x`), quadratic in its length.
 */
function withoutTrailingPunctuation(text: string): string {
  let start = text.length;
  while (start > 0 && TRAILING_PUNCTUATION.has(text[start - 1])) start--;
  const tail = text.slice(start);
  return tail === '' ? text : text.slice(0, start) + (tail.includes('}') && text.includes('{') ? keepBalanced(text, tail) : '');
}

/** Keeps closing braces that close a placeholder opened inside the URL. */
function keepBalanced(text: string, tail: string): string {
  const body = text.slice(0, text.length - tail.length);
  let open = 0;
  for (const c of body) if (c === '{') open++; else if (c === '}') open--;
  let kept = '';
  for (const c of tail) {
    if (c === '}' && open > 0) {
      kept += c;
      open--;
    } else break;
  }
  return kept;
}

function urlTarget(engine: Engine, parts: UrlParts): string {
  if (engine === 'sqlite') {
    const p = parts.host ? `${parts.host}${parts.path}` : parts.path;
    const file = p.replace(/^\/+/, '');
    if (file === ':memory:' || file === '') return ':memory:';
    // `sqlite:///${DATABASE_PATH}`: the file is whatever the var holds, not a file named so.
    return /[{}$]/.test(basename(file)) ? nameOrVar(file) : basename(file);
  }
  const db = parts.path.replace(/^\/+/, '').split('/')[0];
  if (db && !(engine === 'redis' && /^\d+$/.test(db))) return nameOrVar(db);
  return parts.host ? nameOrVar(parts.host) : '<dynamic>';
}

/** A name as written, or the env var a placeholder reads, or `<dynamic>` for other templates. */
function nameOrVar(s: string): string {
  if (!isPlaceholder(s) && !/[{}$]/.test(s)) return s;
  return placeholderEnvVar(s) ?? '<dynamic>';
}

const LIBPQ_KEYS = new Set([
  'host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'passfile', 'sslmode', 'connect_timeout',
  'application_name', 'options', 'service', 'target_session_attrs', 'sslrootcert', 'sslcert', 'sslkey',
]);

/** A libpq `key=value` pair; a value is single-quoted (escapes allowed) or runs to a blank or quote. */
const LIBPQ_PAIR = String.raw`([a-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s'"]+)`;
const LIBPQ_FIRST = new RegExp(String.raw`(?<![\w-])${LIBPQ_PAIR}`, 'g');
const LIBPQ_MORE = new RegExp(String.raw`(?:\s+${LIBPQ_PAIR})+`, 'y');
const LIBPQ_PAIRS = new RegExp(LIBPQ_PAIR, 'g');

/**
 * libpq keyword/value DSNs: `host=db port=5432 dbname=mobius user=app password=secret`, a pair and
 * at least one more after blanks, as `[index, text]`. As one regex this tried a run like
 * `a=1&b=2&…` from each of its keys, each reading the rest of the run as a value (quadratic: a 20 KB
 * query string took 0.3 s). A pair that starts inside a failed pair's unquoted value, and whose
 * `=` comes before the value's last character, has a value that ends where that one ended, where
 * no pair followed: it fails too, so the search goes on from the value's last key.
 */
export function libpqRuns(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  LIBPQ_FIRST.lastIndex = 0;
  for (let m = LIBPQ_FIRST.exec(text); m; m = LIBPQ_FIRST.exec(text)) {
    const end = m.index + m[0].length;
    LIBPQ_MORE.lastIndex = end;
    if (LIBPQ_MORE.test(text)) {
      out.push([m.index, text.slice(m.index, LIBPQ_MORE.lastIndex)]);
      LIBPQ_FIRST.lastIndex = LIBPQ_MORE.lastIndex;
      continue;
    }
    let next = end;
    if (m[2].startsWith("'")) next = m.index + 1; // a run may start inside the quotes
    else {
      // A key ending the value, or one before a final `=`, may read on past it.
      if (text[next - 1] === '=') next--;
      while (next > m.index + 1 && /[a-z_]/.test(text[next - 1])) next--;
    }
    LIBPQ_FIRST.lastIndex = next;
  }
  return out;
}

function findLibpq(text: string): LiteralMatch[] {
  const out: LiteralMatch[] = [];
  for (const [index, run] of libpqRuns(text)) {
    const pairs = [...run.matchAll(LIBPQ_PAIRS)];
    if (!pairs.every((p) => LIBPQ_KEYS.has(p[1]))) continue;
    const keys = new Set(pairs.map((p) => p[1]));
    if (!keys.has('dbname') && !(keys.has('host') && (keys.has('user') || keys.has('port')))) continue;
    let value = run;
    let credentials = false;
    for (const p of pairs.reverse()) {
      if (p[1] !== 'password') continue;
      const raw = p[2].replace(/^'(.*)'$/, '$1');
      if (raw === '' || isPlaceholder(raw)) continue;
      credentials = true;
      const valStart = p.index! + p[0].length - p[2].length;
      value = value.slice(0, valStart) + '***' + value.slice(valStart + p[2].length);
    }
    const dbname = pairs.find((p) => p[1] === 'dbname')?.[2].replace(/^'(.*)'$/, '$1');
    const host = pairs.find((p) => p[1] === 'host')?.[2];
    out.push({
      kind: 'connection-url', engine: 'postgres', target: dbname ? nameOrVar(dbname) : host ? nameOrVar(host) : '<dynamic>',
      value, credentials, start: index, end: index + run.length,
    });
  }
  return out;
}

/**
 * ADO.NET / ODBC style: `Server=db;Database=app;User Id=sa;Password=secret;`. A blank after `=` or a
 * value is the value's (`[^;"']*` holds blanks), not a `\s*` of its own: three quantifiers that could
 * each take a run of blanks made `host=` and 3,000 of them take 5 s to fail (cubic).
 */
const ADO_RE = /(?:(?:Server|Data Source|Database|Initial Catalog|User ID|User Id|Uid|Password|Pwd|Trusted_Connection|Encrypt|Port|Host|Driver)\s*=[^;"']*(?:;\s*)?){2,}/gi;
/** A pair of an ADO match: a key (words with single spaces between, as `User Id`; not a run of blanks, read lazily from every start) and its value. */
const ADO_PAIR = /([A-Za-z_]+(?: +[A-Za-z_]+)*)\s*=\s*([^;]*)/g;

function findAdo(text: string): LiteralMatch[] {
  const out: LiteralMatch[] = [];
  for (const m of text.matchAll(ADO_RE)) {
    const pairs = [...m[0].matchAll(ADO_PAIR)].map((p) => ({
      key: p[1].trim().toLowerCase(), value: p[2].trim(), index: p.index! + p[0].length - p[2].length,
    }));
    const keys = new Set(pairs.map((p) => p.key));
    const hasServer = keys.has('server') || keys.has('data source') || keys.has('host');
    const hasDb = keys.has('database') || keys.has('initial catalog');
    if (!(hasServer && hasDb)) continue;
    const mssql = keys.has('data source') || keys.has('initial catalog') || keys.has('trusted_connection') || keys.has('encrypt');
    const written = m[0].trimEnd();
    let value = written;
    let credentials = false;
    for (const p of [...pairs].reverse()) {
      if ((p.key === 'password' || p.key === 'pwd') && p.value !== '' && !isPlaceholder(p.value)) {
        credentials = true;
        value = value.slice(0, p.index) + '***' + value.slice(p.index + p.value.length);
      }
    }
    const db = pairs.find((p) => p.key === 'database' || p.key === 'initial catalog')!.value;
    out.push({
      kind: 'connection-url', engine: mssql ? 'mssql' : 'unknown', target: nameOrVar(db), value, credentials,
      start: m.index!, end: m.index! + written.length,
    });
  }
  return out;
}

/**
 * A path-like token: placeholders (`${X}`, `{x}`, `%(here)s`) count as part of it; whitespace,
 * quotes, separators of lists/assignments and `:` (compose volumes, PATH lists) end it, except a
 * drive letter's.
 */
const PATH_TOKEN_RE = /(?:[A-Za-z]:[\\/])?(?:\$\{[^}\s]*\}|\{[^{}\s]*\}|%\([^()\s]*\)s|[^\s"'`,;()<>|&=:\[\]{}*?])+/g;
const SQLITE_FILE_RE = /\.(?:db|sqlite|sqlite3|db3)$/i;

/** File names that end in .db but are not databases anyone consolidates. */
const NOT_DATABASES = new Set(['thumbs.db', 'desktop.db', 'desktopdb', 'ehthumbs.db', 'ehthumbs_vista.db']);

export function isSqliteFileName(token: string): boolean {
  const base = basename(token);
  if (!SQLITE_FILE_RE.test(base)) return false;
  if (NOT_DATABASES.has(base.toLowerCase())) return false;
  const stem = base.replace(SQLITE_FILE_RE, '');
  // `.db` alone or `*.db` is a pattern or an extension, not a file.
  return stem !== '' && !/[*?]/.test(stem);
}

function findSqlitePaths(text: string, taken: Array<[number, number]>): LiteralMatch[] {
  const out: LiteralMatch[] = [];
  for (const m of text.matchAll(PATH_TOKEN_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (taken.some(([s, e]) => start < e && end > s)) continue;
    // A glob (`*.db`) or a web URL's path is not a database file reference.
    if (text[end] === '*' || text[start - 1] === '*' || text[end] === '?') continue;
    if (m[0].startsWith('//') || text.slice(Math.max(0, start - 3), start) === '://') continue;
    const token = m[0].replace(/(?<!\.)\.+$/, (t) => (SQLITE_FILE_RE.test(m[0]) ? '' : t));
    if (!isSqliteFileName(token)) continue;
    out.push({ kind: 'sqlite-path', engine: 'sqlite', target: sqliteTarget(token), value: token, credentials: false, start, end: start + token.length });
  }
  return out;
}

/** A path's basename; a templated basename reads as its env var. */
function sqliteTarget(token: string): string {
  return basename(token);
}

/**
 * What every literal but a URL contains (lower-cased): a libpq DSN `dbname` or `host`; an ADO
 * string `database` or `initial catalog`; a SQLite path `.db`/`.sqlite` (`.db3`, `.sqlite3`).
 */
const LITERAL_WORDS = ['dbname', 'host', 'database', 'catalog', '.db', '.sqlite'] as const;

/** What every literal contains (lower-cased): a URL `://`, or one of LITERAL_WORDS (prefilter.ts tests each in the form a literal needs it). */
const LITERAL_TRIGGERS = ['://', ...LITERAL_WORDS] as const;

/** A database's name in a URL scheme (SCHEME_ENGINES), anywhere in the scheme. */
const SCHEME_NAME = new RegExp(Object.keys(SCHEME_ENGINES).sort((a, b) => b.length - a.length).join('|'));

/** `[a-z0-9+.-]`: what a lower-cased scheme is made of. */
function isSchemeChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 43 || code === 46 || code === 45;
}

/**
 * Whether lower-cased text has what a database URL needs (classifyUrl): `://` after a scheme
 * that names a database before any `+driver` (`postgresql+asyncpg://`, `jdbc:mysql://`). An
 * `https://` link is not one: real code is full of them (licence headers, docs), so the prefilter
 * tests this instead of `://`. It looks back from each `://` rather than running one regex over
 * the text: an alternation of scheme names is tried at every character, `://` is rare.
 */
export function hasDatabaseUrl(lower: string): boolean {
  for (let at = lower.indexOf('://'); at >= 0; at = lower.indexOf('://', at + 3)) {
    let start = at;
    while (start > 0 && isSchemeChar(lower.charCodeAt(start - 1))) start--;
    if (start < at && SCHEME_NAME.test(lower.slice(start, at))) return true;
  }
  return false;
}

/** False when `text` certainly holds no literal: the regexes below need not run (most strings and words). */
export function mayHoldLiteral(text: string): boolean {
  const lower = text.toLowerCase();
  return LITERAL_TRIGGERS.some((t) => lower.includes(t));
}

/**
 * Every database URL, DSN and SQLite path in `text`, in order, never overlapping
 * (a SQLite path inside a `sqlite:///` URL is the URL's).
 */
export function findLiterals(text: string): LiteralMatch[] {
  const out: LiteralMatch[] = [];
  if (!mayHoldLiteral(text)) return out;
  for (const m of text.matchAll(URL_RE)) {
    const match = classifyUrl(m[0], m.index!);
    if (match) out.push(match);
  }
  const overlaps = (s: number, e: number) => out.some((o) => s < o.end && e > o.start);
  for (const dsn of [...findLibpq(text), ...findAdo(text)]) if (!overlaps(dsn.start, dsn.end)) out.push(dsn);
  out.push(...findSqlitePaths(text, out.map((o) => [o.start, o.end] as [number, number])));
  return out.sort((a, b) => a.start - b.start);
}

/** The one literal that is the whole of `text` (trimmed), if `text` is exactly one reference. */
export function classifyWhole(text: string): LiteralMatch | undefined {
  const found = findLiterals(text);
  if (found.length !== 1) return undefined;
  const [m] = found;
  return text.slice(0, m.start).trim() === '' && text.slice(m.end).trim() === '' ? m : undefined;
}

/** Replaces literal passwords in any database URL or DSN within `text` by `***`. */
export function maskSecrets(text: string): string {
  let out = '';
  let last = 0;
  for (const m of findLiterals(text)) {
    if (!m.credentials) continue;
    out += text.slice(last, m.start) + m.value;
    last = m.end;
  }
  return out + text.slice(last);
}

export interface Interpolation {
  /** The variable name. */
  name: string;
  /** Offsets of the whole `${...}` / `$NAME` in the text. */
  start: number;
  end: number;
  /** Offsets of the name. */
  nameStart: number;
  nameEnd: number;
  /** The default after `:-` / `-`, with its offsets, if written. */
  fallback?: { text: string; start: number; end: number };
}

const INTERPOLATION_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])((?:\$\{[^}]*\}|[^}])*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Shell/compose/Dockerfile variable expansions in `text`: `${VAR}`, `${VAR:-default}`, `$VAR`. */
export function findInterpolations(text: string): Interpolation[] {
  const out: Interpolation[] = [];
  for (const m of text.matchAll(INTERPOLATION_RE)) {
    if (m.index! > 0 && text[m.index! - 1] === '$') continue; // `$$` escapes in compose
    const name = m[1] ?? m[4];
    const nameStart = m.index! + (m[1] ? 2 : 1);
    const item: Interpolation = { name, start: m.index!, end: m.index! + m[0].length, nameStart, nameEnd: nameStart + name.length };
    if (m[1] && m[2] && (m[2].endsWith('-') || m[2].endsWith('='))) {
      const fbStart = nameStart + name.length + m[2].length;
      item.fallback = { text: m[3] ?? '', start: fbStart, end: fbStart + (m[3] ?? '').length };
    }
    out.push(item);
  }
  return out;
}
