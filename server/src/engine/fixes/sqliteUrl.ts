// A SQLite URL written whole in a string (`sqlite:////app/data/auth.db`, `sqlite+aiosqlite:///x.db`,
// `sqlite:data/x.db`): split so a fix can keep its form (scheme, driver, slashes, query) and put
// a read of the target's env var where the path was, or read the var whole when it holds a URL.

import { retargetPath } from './target';

export interface SqliteUrl {
  /** Everything before the path: `sqlite:///`, `sqlite+aiosqlite:///`, `sqlite:`. */
  prefix: string;
  path: string;
  /** `?mode=ro` and the like, kept after the path. */
  query: string;
}

/** The parts of `content` when it is exactly one SQLite URL, else undefined. */
export function splitSqliteUrl(content: string): SqliteUrl | undefined {
  const m = /^(sqlite(?:\+[A-Za-z0-9_]+)?:(?:\/\/\/?)?)([^?#\s]+)([?#][^\s]*)?$/.exec(content);
  if (!m || m[2] === ':memory:') return undefined;
  return { prefix: m[1], path: m[2], query: m[3] ?? '' };
}

/** An env var that holds a whole URL rather than a path. */
export function envHoldsUrl(env: string): boolean {
  return /_(URL|URI|DSN)$/.test(env);
}

/** The URL with its path pointed at the target (same form: `/abs` stays absolute, a relative path keeps its directory). */
export function retargetedUrl(url: SqliteUrl, found: string | undefined, targetFile: string | undefined): SqliteUrl {
  return { ...url, path: retargetPath(url.path, found, targetFile) };
}
