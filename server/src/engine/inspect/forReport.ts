// The workspace report's Inspection section: the read-only SQLite inspection of the files the
// rules file declares or absorbs, made when a report is written (the CLI's and the editor's
// alike), and left out when no such file holds a readable database.

import type { RulesConfig } from '../config/rulesFile';
import { inspectSqlite, type SqliteInspection } from './index';
import { SqliteUnavailableError } from './sqliteDriver';
import { sqliteTargets, type FileOnDisk } from './targets';

export function reportInspection(config: RulesConfig | undefined, databaseFiles: readonly FileOnDisk[]): SqliteInspection | undefined {
  if (sqliteTargets(config, databaseFiles).length === 0) return undefined;
  let inspection: SqliteInspection;
  try {
    inspection = inspectSqlite({ config, databaseFiles });
  } catch (e) {
    if (e instanceof SqliteUnavailableError) return undefined; // the report goes without facts
    throw e;
  }
  return inspection.databases.some((d) => !d.facts.error) ? inspection : undefined;
}
