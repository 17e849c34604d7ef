// Compares a table that two SQLite databases both have: schema differences, then rows matched
// on a key both tables hold unique (a natural UNIQUE key before a row id, since each file hands
// out its own ids). Bounded work: keys are paged in batches in each database's own order, each
// looked up in the other database by its index, and only counts and the first few keys kept.
// Only key values are ever shown; other values are compared, never printed.

import type Database from 'better-sqlite3';
import { openSqliteReadOnly, quoteIdent, SqliteInspectError, describeSqliteError, type SqliteFacts, type TableFacts } from './sqlite';

export interface CompareOptions {
  /** Keys read per query (default 500). */
  batchSize?: number;
  /** Examples kept per kind of difference (default 5). */
  examples?: number;
}

export interface ColumnTypeDifference {
  column: string;
  source: string;
  target: string;
}

/** One row, named by its key (`username='jason'`), and for a differing row the columns that differ. */
export interface RowExample {
  key: string;
  columns?: string[];
}

export interface RowDivergence {
  /** Rows of the source whose key the target lacks: lost if the source is dropped. */
  onlyInSource: number;
  /** Rows of the target whose key the source lacks: what a service reading the source does not see. */
  onlyInTarget: number;
  /** Same key, different values in the compared columns: a person must decide. */
  differing: number;
  examples: { onlyInSource: RowExample[]; onlyInTarget: RowExample[]; differing: RowExample[] };
}

export interface TableComparison {
  table: string;
  sourceRows?: number;
  targetRows?: number;
  /** Columns of the source the target lacks. */
  missingColumns: string[];
  /** Columns of the target the source lacks. */
  extraColumns: string[];
  typeDifferences: ColumnTypeDifference[];
  /** The columns rows are matched on, when both tables hold them unique. */
  key?: string[];
  /** Row ids left out of the value comparison (each file assigns its own). */
  ignoredColumns: string[];
  rows?: RowDivergence;
  /** Why rows were not compared. */
  note?: string;
}

export interface DatabaseComparison {
  source: string;
  target: string;
  tables: TableComparison[];
  /** Set when either database could not be opened or read. */
  error?: string;
}

const lower = (s: string) => s.toLowerCase();

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c) => b.some((d) => lower(c) === lower(d)));
}

function holdsUnique(table: TableFacts, cols: readonly string[]): boolean {
  return (table.primaryKey.length > 0 && sameColumns(table.primaryKey, cols)) || table.uniqueKeys.some((k) => sameColumns(k, cols));
}

/**
 * The key rows are matched on: a UNIQUE key or a non-rowid primary key both tables hold, else
 * the rowid primary key when both have it. With a natural key, the row ids are ignored.
 */
export function chooseKey(source: TableFacts, target: TableFacts): { key: string[]; ignored: string[] } | undefined {
  const natural = [...source.uniqueKeys, ...(source.primaryKey.length > 0 && !source.rowidAlias ? [source.primaryKey] : [])];
  const shared = (cols: readonly string[]) => cols.every((c) => target.columns.some((t) => lower(t.name) === lower(c)));
  for (const key of natural) {
    if (!shared(key) || !holdsUnique(target, key)) continue;
    const ignored = source.rowidAlias && target.rowidAlias && sameColumns(source.primaryKey, target.primaryKey) ? [...source.primaryKey] : [];
    return { key: [...key], ignored };
  }
  if (source.primaryKey.length > 0 && shared(source.primaryKey) && holdsUnique(target, source.primaryKey)) return { key: [...source.primaryKey], ignored: [] };
  return undefined;
}

export function schemaDifferences(source: TableFacts, target: TableFacts): Pick<TableComparison, 'missingColumns' | 'extraColumns' | 'typeDifferences'> {
  const find = (t: TableFacts, name: string) => t.columns.find((c) => lower(c.name) === lower(name));
  const missingColumns = source.columns.filter((c) => !find(target, c.name)).map((c) => c.name);
  const extraColumns = target.columns.filter((c) => !find(source, c.name)).map((c) => c.name);
  const typeDifferences: ColumnTypeDifference[] = [];
  for (const c of source.columns) {
    const t = find(target, c.name);
    if (t && lower(c.type.trim()) !== lower(t.type.trim())) typeDifferences.push({ column: c.name, source: c.type, target: t.type });
  }
  return { missingColumns, extraColumns, typeDifferences };
}

/** A key value as SQL would write it, shortened when long. */
function showValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Buffer.isBuffer(v)) return `x'${v.subarray(0, 16).toString('hex')}${v.length > 16 ? '…' : ''}'`;
  const s = String(v);
  return `'${(s.length > 40 ? s.slice(0, 40) + '…' : s).replace(/'/g, "''")}'`;
}

export function showKey(key: readonly string[], values: readonly unknown[]): string {
  return key.map((k, i) => `${k}=${showValue(values[i])}`).join(', ');
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b || (typeof a === 'bigint' || typeof b === 'bigint' ? String(a) === String(b) : false);
}

/**
 * Pages through `from`'s rows in key order (rows with a NULL key part are skipped: NULLs are
 * never equal), handing each batch to `visit`.
 */
export function* keyedBatches(db: Database.Database, table: string, key: readonly string[], columns: readonly string[], batchSize: number): Generator<unknown[][]> {
  const keyList = key.map(quoteIdent).join(', ');
  const cols = [...key, ...columns].map(quoteIdent).join(', ');
  const notNull = key.map((k) => `${quoteIdent(k)} IS NOT NULL`).join(' AND ');
  const first = db.prepare(`SELECT ${cols} FROM ${quoteIdent(table)} WHERE ${notNull} ORDER BY ${keyList} LIMIT ?`).raw();
  const next = db.prepare(`SELECT ${cols} FROM ${quoteIdent(table)} WHERE ${notNull} AND (${keyList}) > (${key.map(() => '?').join(', ')}) ORDER BY ${keyList} LIMIT ?`).raw();
  let batch = first.all(batchSize) as unknown[][];
  while (batch.length > 0) {
    yield batch;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1].slice(0, key.length);
    batch = next.all(...last, batchSize) as unknown[][];
  }
}

/** A statement that finds the row of `table` with a key (its values as parameters), as key and `columns` values. */
export function keyLookup(db: Database.Database, table: string, key: readonly string[], columns: readonly string[]): Database.Statement {
  const where = key.map((k) => `${quoteIdent(k)} = ?`).join(' AND ');
  return db.prepare(`SELECT ${[...key, ...columns].map(quoteIdent).join(', ')} FROM ${quoteIdent(table)} WHERE ${where}`).raw();
}

/** Rows of `table` compared between two open databases on `key`, over the `columns` both have. */
export function compareRows(
  source: Database.Database,
  target: Database.Database,
  table: string,
  key: readonly string[],
  columns: readonly string[],
  options: CompareOptions = {},
): RowDivergence {
  const batchSize = options.batchSize ?? 500;
  const keep = options.examples ?? 5;
  const inTarget = keyLookup(target, table, key, columns);
  const inSource = keyLookup(source, table, key, columns);
  const out: RowDivergence = { onlyInSource: 0, onlyInTarget: 0, differing: 0, examples: { onlyInSource: [], onlyInTarget: [], differing: [] } };
  for (const batch of keyedBatches(source, table, key, columns, batchSize)) {
    for (const row of batch) {
      const keyValues = row.slice(0, key.length);
      const other = inTarget.get(...keyValues) as unknown[] | undefined;
      if (!other) {
        if (out.onlyInSource++ < keep) out.examples.onlyInSource.push({ key: showKey(key, keyValues) });
        continue;
      }
      const differs = columns.filter((_, i) => !sameValue(row[key.length + i], other[key.length + i]));
      if (differs.length > 0 && out.differing++ < keep) out.examples.differing.push({ key: showKey(key, keyValues), columns: differs });
    }
  }
  for (const batch of keyedBatches(target, table, key, [], batchSize)) {
    for (const row of batch) {
      if (inSource.get(...row)) continue;
      if (out.onlyInTarget++ < keep) out.examples.onlyInTarget.push({ key: showKey(key, row) });
    }
  }
  return out;
}

/** Compares one table both databases have. */
export function compareTable(source: Database.Database, target: Database.Database, s: TableFacts, t: TableFacts, options: CompareOptions = {}): TableComparison {
  const base: TableComparison = { table: s.name, sourceRows: s.rowCount, targetRows: t.rowCount, ...schemaDifferences(s, t), ignoredColumns: [] };
  const chosen = chooseKey(s, t);
  if (!chosen) return { ...base, note: 'no primary key or UNIQUE column that both tables hold: rows not compared' };
  const skip = new Set([...chosen.key, ...chosen.ignored].map(lower));
  const columns = s.columns.filter((c) => !skip.has(lower(c.name)) && t.columns.some((tc) => lower(tc.name) === lower(c.name))).map((c) => c.name);
  try {
    return { ...base, key: chosen.key, ignoredColumns: chosen.ignored, rows: compareRows(source, target, s.name, chosen.key, columns, options) };
  } catch (e) {
    return { ...base, key: chosen.key, ignoredColumns: chosen.ignored, note: `rows not compared: ${describeSqliteError(e)}` };
  }
}

/** Every table `source` shares with `target` (names match case-insensitively, as in SQLite), compared. */
export function compareSqliteDatabases(source: SqliteFacts, target: SqliteFacts, options: CompareOptions = {}): DatabaseComparison {
  const result: DatabaseComparison = { source: source.path, target: target.path, tables: [] };
  if (source.error || target.error) return { ...result, error: `${source.error ? source.path : target.path}: ${source.error ?? target.error}` };
  const pairs = source.tables.flatMap((s) => {
    const t = target.tables.find((x) => lower(x.name) === lower(s.name));
    return t ? [[s, t] as const] : [];
  });
  if (pairs.length === 0) return result;
  let src: ReturnType<typeof openSqliteReadOnly> | undefined;
  let tgt: ReturnType<typeof openSqliteReadOnly> | undefined;
  try {
    src = openSqliteReadOnly(source.absPath);
    tgt = openSqliteReadOnly(target.absPath);
    for (const [s, t] of pairs) result.tables.push(compareTable(src.db, tgt.db, s, t, options));
  } catch (e) {
    result.error = e instanceof SqliteInspectError ? `${src ? target.path : source.path}: ${e.message}` : describeSqliteError(e);
  } finally {
    src?.close();
    tgt?.close();
  }
  return result;
}
