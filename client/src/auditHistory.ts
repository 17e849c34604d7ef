// What the extension remembers of past audits, per workspace folder, in its workspace storage:
// the databases of the last audit and of the one before, so the report can say
// "auth.db: 35 → 12 references". Pure (no `vscode`), so it is unit-tested.

import type { DatabaseSummaryItem } from '../../server/src/protocol';
import type { DatabaseSummary } from '../../server/src/engine/audit';
import { referenceChanges } from '../../server/src/engine/reports/model';

export interface AuditHistory {
  /** The databases of the latest audit. */
  current?: DatabaseSummaryItem[];
  /** The databases of the audit before it (what the latest report compared with). */
  previous?: DatabaseSummaryItem[];
}

/** The workspaceState key for a folder's history. */
export function historyKey(folderUri: string): string {
  return `dbAudit.auditHistory:${folderUri}`;
}

const ROLES = new Set(['primary', 'specialized', 'legacy', 'unknown']);

function summaries(raw: unknown): DatabaseSummaryItem[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: DatabaseSummaryItem[] = [];
  for (const d of raw) {
    if (!d || typeof d !== 'object') continue;
    const { name, engine, references, files, role, absorbedInto } = d as Record<string, unknown>;
    if (typeof name !== 'string' || typeof references !== 'number' || !Number.isFinite(references)) continue;
    out.push({
      name,
      engine: typeof engine === 'string' ? engine : 'unknown',
      references,
      files: typeof files === 'number' && Number.isFinite(files) ? files : 0,
      role: typeof role === 'string' && ROLES.has(role) ? (role as DatabaseSummaryItem['role']) : 'unknown',
      ...(typeof absorbedInto === 'string' ? { absorbedInto } : {}),
    });
  }
  return out;
}

/** A history read back from storage, whatever an older version (or nothing) left there. */
export function historyFrom(raw: unknown): AuditHistory {
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const current = summaries(r.current);
  const previous = summaries(r.previous);
  return { ...(current ? { current } : {}), ...(previous ? { previous } : {}) };
}

/** The history after an audit that found `databases`: the latest becomes the previous. */
export function recordAudit(history: AuditHistory, databases: readonly DatabaseSummaryItem[]): AuditHistory {
  return { current: [...databases], ...(history.current ? { previous: history.current } : {}) };
}

/** One line for the notification after an audit: the findings, and what moved since last time. */
export function auditMessage(findings: number, history: AuditHistory): string {
  const head = `DB Audit: ${findings} finding${findings === 1 ? '' : 's'}`;
  if (!history.previous || !history.current) return `${head}.`;
  const changes = referenceChanges(history.current as readonly DatabaseSummary[], history.previous as readonly DatabaseSummary[]);
  if (changes.length === 0) return `${head}; no database changed its reference count since the previous audit.`;
  const shown = changes.slice(0, 3).join('; ');
  return `${head}; ${shown}${changes.length > 3 ? `; and ${changes.length - 3} more` : ''}.`;
}
