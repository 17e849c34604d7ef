// Looks inside a SQLite file without changing it: tables, columns, keys, row counts, size.
// Read-only in every sense: the file is opened `readonly` + `fileMustExist` with `query_only`
// on, and a WAL-mode file (whose readers create -wal/-shm files next to it, and write read
// marks into the -shm) is inspected through a copy in a temp folder instead. Problems with the
// file (empty, another format, encrypted, corrupt, locked) become a message, never a throw.

import type Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sqliteDriver, SqliteUnavailableError } from './sqliteDriver';

export interface ColumnFacts {
  name: string;
  /** The declared type as written (`TEXT`, `varchar(40)`), '' when none. */
  type: string;
  notNull: boolean;
  /** 1-based position in the primary key, 0 when not part of it. */
  primaryKey: number;
}

export interface TableFacts {
  name: string;
  columns: ColumnFacts[];
  /** The primary key's columns in key order; empty when the table has none. */
  primaryKey: string[];
  /** Column lists of the full (non-partial) UNIQUE constraints and unique indexes, primary key excluded. */
  uniqueKeys: string[][];
  /** Undefined when the rows cannot be counted (a virtual table whose module is missing). */
  rowCount?: number;
  /** True when the primary key is an alias of the rowid (`id INTEGER PRIMARY KEY`): a number each file assigns. */
  rowidAlias: boolean;
}

export interface SqliteFacts {
  /** The path as shown to the user (workspace-relative when inside it). */
  path: string;
  absPath: string;
  size: number;
  /** Present when the file could not be inspected: why, in words. */
  error?: string;
  journalMode?: string;
  /** True when a WAL-mode file was inspected through a temporary copy. */
  copied?: boolean;
  tables: TableFacts[];
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** An opened database that is safe to read, and how to let go of it (removing any temp copy). */
export interface ReadOnlySqlite {
  db: Database.Database;
  copied: boolean;
  close(): void;
}

/** A file that cannot be inspected, with the reason in words. */
export class SqliteInspectError extends Error {}

function readHeader(absPath: string): { size: number; header: Buffer } {
  const size = statSync(absPath).size;
  const header = Buffer.alloc(100);
  const fd = openSync(absPath, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  return { size, header };
}

/** Words for the SQLite errors a read can meet; the code decides, the message is SQLite's own detail. */
export function describeSqliteError(e: unknown): string {
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB') return 'not a SQLite database (another format, or encrypted)';
  if (code.startsWith('SQLITE_CORRUPT')) return `corrupt: ${message}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked by another process; try again when it is idle';
  if (code === 'SQLITE_READONLY_ROLLBACK') return 'has a hot journal from an interrupted write; recover it with sqlite3 first';
  if (code.startsWith('SQLITE_CANTOPEN')) return `cannot be opened: ${message}`;
  if (code.startsWith('SQLITE_IOERR')) return `cannot be read: ${message}`;
  return message;
}

/**
 * Opens a SQLite file for reading only. Throws `SqliteInspectError` with a clear reason for a
 * missing, empty, non-SQLite, encrypted, corrupt or locked file.
 */
export function openSqliteReadOnly(absPath: string): ReadOnlySqlite {
  let size: number;
  let header: Buffer;
  try {
    ({ size, header } = readHeader(absPath));
  } catch (e) {
    throw new SqliteInspectError(`cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size === 0) throw new SqliteInspectError('empty file (0 bytes): no SQLite database yet');
  if (size < 100 || !header.subarray(0, 16).equals(HEADER)) throw new SqliteInspectError('not a SQLite database (no SQLite header: another format, or encrypted)');
  // Bytes 18-19 are the write/read format versions: 2 means WAL mode.
  const wal = header[18] === 2 || header[19] === 2;
  // Before any copy, and not a problem of this file: throws SqliteUnavailableError when the driver cannot load.
  const Driver = sqliteDriver();
  let file = absPath;
  let tempDir: string | undefined;
  if (wal) {
    tempDir = mkdtempSync(path.join(tmpdir(), 'dbaudit-inspect-'));
    file = path.join(tempDir, path.basename(absPath));
    copyFileSync(absPath, file);
    // Committed transactions not yet checkpointed live in the -wal file: take it along.
    if (existsSync(absPath + '-wal')) copyFileSync(absPath + '-wal', file + '-wal');
  }
  const cleanup = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  let db: Database.Database | undefined;
  try {
    db = new Driver(file, { readonly: true, fileMustExist: true, timeout: 1000 });
    db.pragma('query_only = ON');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (e) {
    db?.close();
    cleanup();
    throw new SqliteInspectError(describeSqliteError(e));
  }
  const opened = db;
  return {
    db: opened,
    copied: wal,
    close() {
      opened.close();
      cleanup();
    },
  };
}

/** `"name"` with embedded quotes doubled: safe for any table or column name. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Table facts of an open database, tables in name order. */
export function readTables(db: Database.Database): TableFacts[] {
  const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").pluck().all() as string[];
  const columnsOf = db.prepare('SELECT name, type, "notnull" AS not_null, pk FROM pragma_table_info(?) ORDER BY cid');
  const indexesOf = db.prepare('SELECT name, "unique" AS isUnique, origin, partial FROM pragma_index_list(?)');
  const indexColumns = db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck();
  return names.map((name) => {
    const columns = (columnsOf.all(name) as Array<{ name: string; type: string; not_null: number; pk: number }>).map((c) => ({
      name: c.name,
      type: c.type ?? '',
      notNull: c.not_null === 1,
      primaryKey: c.pk,
    }));
    const primaryKey = columns.filter((c) => c.primaryKey > 0).sort((a, b) => a.primaryKey - b.primaryKey).map((c) => c.name);
    const uniqueKeys: string[][] = [];
    for (const ix of indexesOf.all(name) as Array<{ name: string; isUnique: number; origin: string; partial: number }>) {
      if (ix.isUnique !== 1 || ix.partial === 1 || ix.origin === 'pk') continue;
      const cols = indexColumns.all(ix.name) as Array<string | null>;
      // An index on an expression has no column name for it: it keys nothing we can compare.
      if (cols.length > 0 && cols.every((c): c is string => c !== null)) uniqueKeys.push(cols);
    }
    const rowidAlias = primaryKey.length === 1 && /^integer$/i.test(columns.find((c) => c.name === primaryKey[0])!.type.trim());
    let rowCount: number | undefined;
    try {
      rowCount = Number(db.prepare(`SELECT count(*) FROM ${quoteIdent(name)}`).pluck().get());
    } catch (e) {
      // A damaged file is the file's problem; a table we cannot count (a virtual table whose module is missing) is not.
      if (/^SQLITE_(CORRUPT|NOTADB)/.test((e as { code?: string }).code ?? '')) throw e;
      rowCount = undefined;
    }
    return { name, columns, primaryKey, uniqueKeys, rowCount, rowidAlias };
  });
}

/** Everything worth knowing about one SQLite file, or why it could not be read. */
export function inspectSqliteFile(absPath: string, shownPath: string = absPath): SqliteFacts {
  let size = 0;
  try {
    size = statSync(absPath).size;
  } catch {
    /* reported by the open below */
  }
  let handle: ReadOnlySqlite;
  try {
    handle = openSqliteReadOnly(absPath);
  } catch (e) {
    if (e instanceof SqliteUnavailableError) throw e; // inspection is off as a whole: one message, not one per file
    return { path: shownPath, absPath, size, error: e instanceof SqliteInspectError ? e.message : describeSqliteError(e), tables: [] };
  }
  try {
    const journalMode = handle.copied ? 'wal' : String(handle.db.pragma('journal_mode', { simple: true }));
    return { path: shownPath, absPath, size, journalMode, ...(handle.copied ? { copied: true } : {}), tables: readTables(handle.db) };
  } catch (e) {
    return { path: shownPath, absPath, size, error: describeSqliteError(e), tables: [] };
  } finally {
    handle.close();
  }
}
