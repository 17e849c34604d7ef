// Runs a consolidation plan against its target: the only place the tool writes a database, and
// only when the user asked (`db-audit plan --apply --backup DIR`). Every involved file is first
// copied with SQLite's backup API; the merge runs in one transaction with the absorbed files
// attached (never written: their checksums are compared before and after); any verification
// mismatch or error rolls the transaction back, leaving the target as it was.

import { sqliteDriver } from './sqliteDriver';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { quoteIdent } from './sqlite';
import { quoteString, type SqlitePlan } from './plan';

export interface CheckResult {
  description: string;
  expected: number;
  actual: number;
}

export interface ApplyResult {
  target: string;
  backups: string[];
  committed: boolean;
  checks: CheckResult[];
  /** Set when the merge was rolled back: the mismatches or the error, in words. */
  failure?: string;
  /** Absorbed files whose bytes changed (should never happen; reported if it does). */
  changedSources: string[];
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Copies each file into `dir` with the backup API; names are kept, a clash gets a number. */
export async function backupFiles(files: ReadonlyArray<{ absPath: string; readonly: boolean }>, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const f of files) {
    const ext = path.extname(f.absPath);
    const stem = path.basename(f.absPath, ext);
    let dest = path.join(dir, stem + ext);
    for (let i = 2; existsSync(dest) || out.includes(dest); i++) dest = path.join(dir, `${stem}-${i}${ext}`);
    const db = new (sqliteDriver())(f.absPath, { readonly: f.readonly, fileMustExist: true });
    try {
      await db.backup(dest);
    } finally {
      db.close();
    }
    out.push(dest);
  }
  return out;
}

/** Backs up, merges in one transaction, verifies, and commits or rolls back. */
export async function applySqlitePlan(plan: SqlitePlan, backupDir: string): Promise<ApplyResult> {
  const backups = await backupFiles([{ absPath: plan.target.absPath, readonly: false }, ...plan.sources.map((s) => ({ absPath: s.absPath, readonly: true }))], backupDir);
  const before = new Map(plan.sources.map((s) => [s.absPath, sha256(s.absPath)]));
  const result: ApplyResult = { target: plan.target.path, backups, committed: false, checks: [], changedSources: [] };
  const db = new (sqliteDriver())(plan.target.absPath, { fileMustExist: true });
  try {
    for (const s of plan.sources) db.exec(`ATTACH DATABASE ${quoteString(s.absPath)} AS ${quoteIdent(s.alias)}`);
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const step of plan.steps) if (!step.startsWith('--')) db.exec(step);
      for (const c of plan.checks) {
        const row = db.prepare(c.sql).get() as { expected: number; actual: number };
        result.checks.push({ description: c.description, expected: Number(row.expected), actual: Number(row.actual) });
      }
      const failed = result.checks.filter((c) => c.expected !== c.actual);
      if (failed.length > 0) result.failure = `verification failed: ${failed.map((c) => `${c.description}: expected ${c.expected}, got ${c.actual}`).join('; ')}`;
    } catch (e) {
      result.failure = `merge failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    // Some errors end the transaction themselves; roll back only what is still open.
    if (result.failure) {
      if (db.inTransaction) db.exec('ROLLBACK');
    } else {
      db.exec('COMMIT');
      result.committed = true;
    }
    for (const s of plan.sources) db.exec(`DETACH DATABASE ${quoteIdent(s.alias)}`);
  } finally {
    db.close();
  }
  result.changedSources = plan.sources.filter((s) => sha256(s.absPath) !== before.get(s.absPath)).map((s) => s.path);
  return result;
}
