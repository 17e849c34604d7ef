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
