// What a hover on a SQLite reference adds when the file is in the workspace: its tables and row
// counts. Read-only like every inspection; facts are cached per file by mtime and size, so moving
// the mouse over references does not reopen the file each time.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { inspectSqliteFile, type SqliteFacts } from './sqlite';
import { SqliteUnavailableError } from './sqliteDriver';

/** At most this many tables are listed in a hover; the rest are counted. */
const MAX_TABLES = 12;

export class SqliteFactsCache {
  private readonly entries = new Map<string, { stamp: string; facts: SqliteFacts }>();
  /** Set once better-sqlite3 cannot load: hovers then go without facts, silently. */
  private unavailable = false;

  /** The facts of the file at `absPath`, or undefined when it is gone or inspection is unavailable. */
  facts(absPath: string, shownPath: string): SqliteFacts | undefined {
    if (this.unavailable) return undefined;
    let stamp: string;
    try {
      const st = statSync(absPath);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      this.entries.delete(absPath);
      return undefined;
    }
    const hit = this.entries.get(absPath);
    if (hit?.stamp === stamp) return hit.facts;
    try {
      const facts = inspectSqliteFile(absPath, shownPath);
      this.entries.set(absPath, { stamp, facts });
      return facts;
    } catch (e) {
      if (e instanceof SqliteUnavailableError) this.unavailable = true;
      return undefined;
    }
  }
}

/**
 * The workspace database file a SQLite reference most likely designates: among the files with the
 * reference's file name, the one whose path the written value ends with, else the only one.
 */
export function databaseFileFor(target: string, value: string, databaseFiles: readonly string[]): string | undefined {
  const named = databaseFiles.filter((p) => path.posix.basename(p) === target);
  if (named.length <= 1) return named[0];
  const written = value.replace(/\\/g, '/');
  const bySuffix = named.filter((p) => written.endsWith('/' + p) || written === p || p.endsWith(written.replace(/^\.?\/+/, '')));
  return bySuffix.length === 1 ? bySuffix[0] : undefined;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The hover's Markdown section for one inspected file. */
export function sqliteFactsMarkdown(facts: SqliteFacts): string {
  const head = `On disk: \`${facts.path}\` (${(facts.size / 1024).toFixed(facts.size < 10240 ? 1 : 0)} KiB)`;
  if (facts.error) return `${head}: ${facts.error}`;
  if (facts.tables.length === 0) return `${head}: no tables.`;
  const rows = facts.tables.slice(0, MAX_TABLES).map((t) => `- \`${t.name}\`: ${t.rowCount === undefined ? 'rows not countable' : plural(t.rowCount, 'row')}`);
  const more = facts.tables.length > MAX_TABLES ? [`- … and ${facts.tables.length - MAX_TABLES} more tables`] : [];
  return [`${head}, ${plural(facts.tables.length, 'table')}:`, ...rows, ...more].join('\n');
}
