// What every report is made from: one audit, with paths relative to the scanned root.

import type { DatabaseSummary } from '../audit';
import type { DbReference, Finding } from '../types';

export interface ReportInput {
  filesScanned: number;
  references: readonly DbReference[];
  findings: readonly Finding[];
  databases: readonly DatabaseSummary[];
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
