// The inspection step: look inside the databases the rules file names (and those the user
// names), compare each absorbed database with its target, and turn that into findings. Run
// explicitly (the `inspect` command), never per keystroke: it opens real databases.

import type { RulesConfig } from '../config/rulesFile';
import type { Finding } from '../types';
import { compareSqliteDatabases, type CompareOptions } from './compare';
import { inspectionFindings, type ComparedPair } from './findings';
import { inspectSqliteFile, type SqliteFacts } from './sqlite';
import { comparisonPairs, sqliteTargets, type FileOnDisk, type SqliteTarget } from './targets';

export interface InspectOptions extends CompareOptions {
  config?: RulesConfig;
  /** The workspace's database files (the walk's `database` files). */
  databaseFiles?: readonly FileOnDisk[];
  /** SQLite files the user named. */
  sqlite?: readonly FileOnDisk[];
}

export interface InspectedSqlite extends SqliteTarget {
  facts: SqliteFacts;
}

/** A table name found in more than one inspected database. */
export interface SharedTable {
  table: string;
  databases: string[];
}

export interface SqliteInspection {
  databases: InspectedSqlite[];
  comparisons: ComparedPair[];
  shared: SharedTable[];
  findings: Finding[];
}

export function sharedTables(databases: readonly InspectedSqlite[]): SharedTable[] {
  const byName = new Map<string, SharedTable>();
  for (const d of databases) {
    for (const t of d.facts.tables) {
      const key = t.name.toLowerCase();
      const entry = byName.get(key) ?? { table: t.name, databases: [] };
      entry.databases.push(d.path);
      byName.set(key, entry);
    }
  }
  return [...byName.values()].filter((s) => s.databases.length > 1).sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}

export function inspectSqlite(options: InspectOptions): SqliteInspection {
  const targets = sqliteTargets(options.config, options.databaseFiles ?? [], options.sqlite ?? []);
  const databases = targets.map((t) => ({ ...t, facts: inspectSqliteFile(t.absPath, t.path) }));
  const factsOf = (t: SqliteTarget) => databases.find((d) => d.absPath === t.absPath)!.facts;
  const comparisons = comparisonPairs(targets).map(([source, target]) => ({
    source,
    target,
    comparison: compareSqliteDatabases(factsOf(source), factsOf(target), options),
  }));
  return { databases, comparisons, shared: sharedTables(databases), findings: inspectionFindings(comparisons, options.config) };
}
