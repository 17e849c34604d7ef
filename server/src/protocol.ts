// Custom LSP messages between the extension and the server, declared once. Method names
// carry the extension's prefix so they never collide with LSP's own.

/** Server → client: what the server is doing and what the last workspace check found (drives the status bar item). */
export const StatusNotification = 'dbAudit/status';
export interface StatusParams {
  state: 'scanning' | 'idle' | 'error';
  /** Findings across the workspace after the last check. */
  findings: number;
  errors: number;
  warnings: number;
  filesScanned: number;
  /** How long the last workspace check took. */
  durationMs: number;
  /** A human-readable note, e.g. why the rules file could not be read. */
  message?: string;
}

/** Client → server: re-scan the whole workspace now (command "DB Audit: Re-scan Workspace"). */
export const RescanRequest = 'dbAudit/rescan';

// ── Workspace report, starter rules file and the Databases view (issue 4) ──

/** A database's line in the audit summary (the same shape as the engine's `DatabaseSummary`). */
export interface DatabaseSummaryItem {
  name: string;
  engine: string;
  references: number;
  files: number;
  role: 'primary' | 'specialized' | 'legacy' | 'unknown';
  absorbedInto?: string;
}

export type ReportFormat = 'html' | 'markdown' | 'json' | 'sarif';

/** Client → server: a workspace folder's report in one format, rescanning it first when asked (work-done progress: files done / total; cancellable). */
export const ReportRequest = 'dbAudit/report';
export interface ReportParams {
  /** The workspace folder's URI. */
  folder: string;
  format: ReportFormat;
  /** Walk and re-read the folder before reporting (Audit Workspace) instead of using the current evaluation (exports). */
  rescan?: boolean;
  /** The previous audit's databases, to show "auth.db: 35 → 12 references". */
  previous?: DatabaseSummaryItem[];
  /** HTML only: finding links become `command:` URIs running this command with `[fileUri, line, character]` (0-based). */
  findingLinkCommand?: string;
  /** LSP work-done progress token supplied by the client. */
  workDoneToken?: string | number;
}
export interface ReportResult {
  format: ReportFormat;
  content: string;
  /** The databases of this evaluation, for the client to keep as the next `previous`. */
  databases: DatabaseSummaryItem[];
  findings: number;
  filesScanned: number;
}

/** Client → server: the text of a starter dbaudit.json inferred from a folder's references, as `db-audit init` writes it. */
export const StarterRulesRequest = 'dbAudit/starterRules';
export interface StarterRulesParams {
  folder: string;
}
export interface StarterRulesResult {
  /** The rules file name relative to the folder (the `dbAudit.rulesFile` setting). */
  path: string;
  text: string;
}

/** Client → server: per workspace folder, the audit summary and each database's references, for the Databases view. */
export const DatabasesRequest = 'dbAudit/databases';
export interface DatabaseReferenceItem {
  uri: string;
  /** Workspace-relative path. */
  path: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  kind: 'sqlite-path' | 'connection-url' | 'env-read' | 'env-define' | 'db-name';
  /** The reference's text, password masked. */
  value: string;
}
export interface DatabasesResult {
  folders: Array<{
    uri: string;
    /** The rules file's URI when the folder has one. */
    rulesFile?: string;
    databases: Array<DatabaseSummaryItem & {
      /** Where the rules file declares (or absorbs) it. */
      rulesRange?: DatabaseReferenceItem['range'];
      items: DatabaseReferenceItem[];
    }>;
  }>;
}

// ── Quick fixes (issue 3) ──

/**
 * Client → server: every preferred fix of a workspace folder (every folder when `folder` is
 * absent), applied to a fixed point in memory from the current texts (an open document's text
 * wins over the disk), as ONE WorkspaceEdit for review: versioned TextDocumentEdits (null version
 * for files not open), each edit annotated with its rules (`needsConfirmation`, so the editor shows
 * the refactor preview). Nothing is written; the client applies the edit.
 */
export const FixAllInWorkspaceRequest = 'dbAudit/fixAllInWorkspace';
export interface FixAllInWorkspaceParams {
  /** A workspace folder's URI. */
  folder?: string;
  /** Only the findings about this database (its name in the databases summary, e.g. `auth.db`). */
  database?: string;
}
export interface FixAllInWorkspaceResult {
  /** A `WorkspaceEdit` (LSP) with `documentChanges` and `changeAnnotations`; empty when nothing is fixable. */
  edit: {
    documentChanges: Array<{
      textDocument: { uri: string; version: number | null };
      edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string; annotationId: string }>;
    }>;
    changeAnnotations: Record<string, { label: string; description?: string; needsConfirmation: boolean }>;
  };
  /** How many fixes the edit applies, in how many files. */
  fixes: number;
  files: number;
  /** Findings left after the fixes (no safe automatic fix). */
  left: number;
}

// ── Looking inside the databases (issue 5) ──

/**
 * Client → server: inspect the databases of every workspace folder (or one): its SQLite files,
 * read-only, and — in a trusted workspace only — the Postgres databases of `dbAudit.connections`.
 * Publishes `duplicate-table` / `diverging-rows` diagnostics on the rules file until the next
 * inspection; typing never re-runs it.
 */
export const InspectRequest = 'dbAudit/inspect';
export interface InspectParams {
  /** A workspace folder's URI; all folders when omitted. */
  folder?: string;
}
export interface InspectResult {
  /** Whether Postgres connections were allowed (a trusted workspace). */
  trusted: boolean;
  folders: Array<{
    uri: string;
    /** The inspection as Markdown (`db-audit inspect --format markdown`). */
    report: string;
    sqliteFiles: number;
    findings: number;
    /** The `dbAudit.connections` inspected, by name, with why one failed (password masked). */
    postgres: Array<{ name: string; error?: string }>;
  }>;
}

/** Client → server: the consolidation plan of a folder (`db-audit plan`), for a person to review in an editor. */
export const PlanRequest = 'dbAudit/plan';
export interface PlanParams {
  folder?: string;
  /** Postgres layout: A one database per app on one instance, B one database with a schema per app (default from the rules file). */
  option?: 'A' | 'B';
}
export interface PlanResult {
  /** The SQLite merge script (`sqlite3 TARGET < plan.sql`), when the rules file absorbs SQLite files found in the workspace. */
  sqlite?: string;
  /** The Postgres script (bash), when the workspace is trusted and `dbAudit.connections` names databases. */
  postgres?: string;
  /** Why there is nothing to show, when there is not. */
  message?: string;
}
