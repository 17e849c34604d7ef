// Real SQLite files for the inspection tests, built in temp folders (no binaries in the repo):
// a users table split over zoe.db, auth.db and developer_tasks.db as in the zoe workspace, and
// files that are not healthy databases. Plus a fingerprint of a folder (every file's checksum)
// to prove an inspection changed nothing.

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix = 'dbaudit-inspect-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Creates a SQLite file from SQL, in rollback-journal mode unless the SQL says otherwise. */
export function sqliteFile(file: string, sql: string): string {
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return file;
}

/**
 * zoe.db (the target: admin, jason, testuser, system), auth.db (admin, and jason with another
 * email; a password_hash column zoe lacks) and developer_tasks.db (dev, whom zoe lacks). Each
 * file numbers its own ids, so ids collide while usernames do not.
 */
export function splitUsers(dir: string): { zoe: string; auth: string; tasks: string } {
  const zoe = sqliteFile(path.join(dir, 'zoe.db'), `
    CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT, created_at TEXT);
    INSERT INTO users (username, email, created_at) VALUES
      ('admin', 'admin@zoe.local', '2023-01-01'), ('jason', 'jason@zoe.local', '2023-01-02'),
      ('testuser', 'test@zoe.local', '2023-01-03'), ('system', NULL, '2023-01-04');
    CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
    INSERT INTO notes (body) VALUES ('hello');`);
  const auth = sqliteFile(path.join(dir, 'auth.db'), `
    CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT, password_hash TEXT);
    INSERT INTO users (username, email, password_hash) VALUES ('admin', 'admin@zoe.local', 'h1'), ('jason', 'jason@old.local', 'h2');
    CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INTEGER, expires_at TEXT);
    INSERT INTO sessions VALUES ('t1', 1, '2024-01-01');`);
  const tasks = sqliteFile(path.join(dir, 'developer_tasks.db'), `
    CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, email TEXT);
    INSERT INTO users (username, email) VALUES ('dev', 'dev@zoe.local');
    CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER DEFAULT 0);
    INSERT INTO tasks (title) VALUES ('a'), ('b'), ('c');`);
  return { zoe, auth, tasks };
}

/** A file with a valid SQLite header whose schema page is overwritten with garbage. */
export function corruptFile(file: string): string {
  sqliteFile(file, `CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT); INSERT INTO t (b) VALUES ('x'), ('y');`);
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(900, 0xa5), 0, 900, 100);
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Bytes that look like an encrypted database: no header, whole pages of noise. */
export function noiseFile(file: string): string {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  writeFileSync(file, bytes);
  return file;
}

/** Every file in `dir` (recursively) with its sha256: equal before and after means nothing changed. */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const abs = path.join(dir, rel);
    try {
      out[rel] = createHash('sha256').update(readFileSync(abs)).digest('hex');
    } catch {
      out[rel] = 'dir';
    }
  }
  return out;
}
