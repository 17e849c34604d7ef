// What every report is made from: one audit, with paths relative to the scanned root.

import type { DatabaseSummary } from '../audit';
import type { AuditNotice, DbReference, Finding } from '../types';

export interface ReportInput {
  filesScanned: number;
  references: readonly DbReference[];
  findings: readonly Finding[];
  databases: readonly DatabaseSummary[];
  /** Files not read in full (notices.ts): every format lists them. */
  notices: readonly AuditNotice[];
}

/** What a person should do about a database, for the consolidation table. */
export function actionFor(db: DatabaseSummary): string {
  switch (db.role) {
    case 'primary':
      return 'Keep (primary)';
    case 'specialized':
      return 'Keep (specialized)';
    case 'legacy':
      return db.references > 0 ? `Merge into ${db.absorbedInto}; rewrite ${db.references} reference${db.references === 1 ? '' : 's'}` : `Merge into ${db.absorbedInto}`;
    default:
      return 'Declare in dbaudit.json or absorb';
  }
}

export function roleLabel(db: DatabaseSummary): string {
  return db.role === 'legacy' ? `legacy → ${db.absorbedInto}` : db.role;
}

/**
 * The whole workspace report (`db-audit report`, the extension's Audit Workspace): the audit,
 * its module inventory, and optionally the previous audit's databases to compare with.
 */
export interface WorkspaceReportInput extends ReportInput {
  inventory: readonly import('../inventory').ModuleInventory[];
  previous?: readonly DatabaseSummary[];
  /** The SQLite inspection of the workspace's declared and absorbed files, when one was made. */
  inspection?: import('../inspect').SqliteInspection;
}

/** "auth.db: 35 → 12 references" for each database whose count moved since `previous`. */
export function referenceChanges(databases: readonly DatabaseSummary[], previous: readonly DatabaseSummary[] | undefined): string[] {
  if (!previous) return [];
  const before = new Map(previous.map((d) => [d.name, d.references]));
  const now = new Map(databases.map((d) => [d.name, d.references]));
  const names = [...new Set([...before.keys(), ...now.keys()])].sort();
  return names
    .filter((n) => (before.get(n) ?? 0) !== (now.get(n) ?? 0))
    .map((n) => `${n}: ${before.get(n) ?? 0} → ${now.get(n) ?? 0} references`);
}
