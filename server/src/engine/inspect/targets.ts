// Which SQLite files to look inside, and what each is to the rules file: a target database
// (`file`), a database it absorbs, or just a file the user named. Files are matched by name,
// as references are: the rules file holds deployed paths (`/app/data/zoe.db`), the workspace
// holds copies (`data/zoe.db`).

import { basename, type RulesConfig } from '../config/rulesFile';
import { isSqliteFileName } from '../literals';

export interface FileOnDisk {
  /** As shown to the user: workspace-relative with `/` when inside the workspace. */
  path: string;
  absPath: string;
}

export type SqliteRole = 'target' | 'absorbed' | 'given';

export interface SqliteTarget extends FileOnDisk {
  role: SqliteRole;
  /** The rules file's database this file is (target) or is absorbed into (absorbed). */
  database?: string;
}

/** What a file name is in the rules file: a database's own file, or one a database absorbs. */
export function roleOfFileName(config: RulesConfig | undefined, name: string): { role: 'target' | 'absorbed'; database: string } | undefined {
  for (const spec of config?.databases ?? []) {
    if (spec.engine !== undefined && spec.engine !== 'sqlite') continue;
    if (spec.file && basename(spec.file) === name) return { role: 'target', database: spec.name };
  }
  for (const spec of config?.databases ?? []) {
    if (spec.engine !== undefined && spec.engine !== 'sqlite') continue;
    if (spec.absorbs.includes(name) && isSqliteFileName(name)) return { role: 'absorbed', database: spec.name };
  }
  return undefined;
}

/**
 * The workspace's database files that the rules file declares or absorbs, then the files the
 * user named (which take their role from their name too), each file once.
 */
export function sqliteTargets(config: RulesConfig | undefined, databaseFiles: readonly FileOnDisk[], given: readonly FileOnDisk[] = []): SqliteTarget[] {
  const out: SqliteTarget[] = [];
  const seen = new Set<string>();
  const add = (f: FileOnDisk, fromWorkspace: boolean) => {
    if (seen.has(f.absPath)) return;
    const role = roleOfFileName(config, basename(f.path));
    if (!role && fromWorkspace) return;
    seen.add(f.absPath);
    // By name: a walked file's absPath is a getter, which a spread would not copy (workspace.ts).
    const file = { path: f.path, absPath: f.absPath };
    out.push(role ? { ...file, ...role } : { ...file, role: 'given' });
  };
  for (const f of databaseFiles) add(f, true);
  for (const f of given) add(f, false);
  return out;
}

/**
 * The pairs to compare, source first: each absorbed file against the first file of the
 * database absorbing it; without a role, each named file after the first against the first.
 */
export function comparisonPairs(targets: readonly SqliteTarget[]): Array<[SqliteTarget, SqliteTarget]> {
  const pairs: Array<[SqliteTarget, SqliteTarget]> = [];
  for (const t of targets) {
    if (t.role !== 'absorbed') continue;
    const into = targets.find((x) => x.role === 'target' && x.database === t.database);
    if (into) pairs.push([t, into]);
  }
  const given = targets.filter((t) => t.role === 'given');
  for (const t of given.slice(1)) pairs.push([t, given[0]]);
  return pairs;
}
