// Rows an absorbed file shares, by the merge's key, with a file merged before it into the same
// target, and not with the target: the merge keeps the first file's row (ON CONFLICT DO NOTHING),
// so they add no row, and those whose values differ are conflicts for a person to decide. The
// same user in auth.db and sessions.db but not in zoe.db is the case. Read-only; keys are paged
// as compare.ts pages them, and only keys are ever shown.

import type Database from 'better-sqlite3';
import { keyedBatches, keyLookup, sameValue, showKey, type CompareOptions, type RowExample } from './compare';
import { describeSqliteError, openSqliteReadOnly, SqliteInspectError, type ReadOnlySqlite } from './sqlite';

export interface OverlapQuery {
  table: string;
  /** The key the source's rows are merged on. */
  key: readonly string[];
  /** The source's columns compared between rows of one key: the copied ones, not the key. */
  columns: readonly string[];
  source: { path: string; absPath: string };
  /** Files merged into the table before the source, in order, each with the compared columns its table has. */
  earlier: ReadonlyArray<{ path: string; absPath: string; columns: readonly string[] }>;
  /** The target's file, when it has the table: a key it holds is the comparison's, not an overlap. */
  target?: { absPath: string };
}

/** The source's rows whose key an earlier file holds first (and the target does not). */
export interface SharedWithEarlier {
  /** The earlier file: its row is the one the merge keeps. */
  path: string;
  rows: number;
  /** Of those, rows whose compared values differ. */
  differing: number;
  examples: RowExample[];
}

export interface SourceOverlap {
  shared: SharedWithEarlier[];
  /** Set when a file could not be read: the overlap is unknown. */
  error?: string;
}

/** A reader of overlaps, as the plan asks for them. */
export type OverlapReader = (query: OverlapQuery) => SourceOverlap;

export function readSourceOverlap(query: OverlapQuery, options: CompareOptions = {}): SourceOverlap {
  const handles: ReadOnlySqlite[] = [];
  const open = (absPath: string): Database.Database => {
    const handle = openSqliteReadOnly(absPath);
    handles.push(handle);
    return handle.db;
  };
  try {
    const { table, key, columns } = query;
    const source = open(query.source.absPath);
    const inTarget = query.target ? keyLookup(open(query.target.absPath), table, key, []) : undefined;
    const earlier = query.earlier.map((e) => ({
      find: keyLookup(open(e.absPath), table, key, e.columns),
      // Where each of its compared columns is in the source's row (after the key).
      at: e.columns.map((c) => key.length + columns.indexOf(c)),
      columns: e.columns,
      shared: { path: e.path, rows: 0, differing: 0, examples: [] } as SharedWithEarlier,
    }));
    const keep = options.examples ?? 5;
    for (const batch of keyedBatches(source, table, key, columns, options.batchSize ?? 500)) {
      for (const row of batch) {
        const keyValues = row.slice(0, key.length);
        if (inTarget?.get(...keyValues)) continue;
        for (const e of earlier) {
          const other = e.find.get(...keyValues) as unknown[] | undefined;
          if (!other) continue;
          e.shared.rows++;
          const differs = e.columns.filter((_, i) => !sameValue(row[e.at[i]], other[key.length + i]));
          if (differs.length > 0) {
            if (e.shared.differing < keep) e.shared.examples.push({ key: showKey(key, keyValues), columns: differs });
            e.shared.differing++;
          }
          break; // the first file that holds the key is the one whose row is kept
        }
      }
    }
    return { shared: earlier.map((e) => e.shared).filter((s) => s.rows > 0) };
  } catch (e) {
    return { shared: [], error: e instanceof SqliteInspectError ? e.message : describeSqliteError(e) };
  } finally {
    for (const handle of handles) handle.close();
  }
}
