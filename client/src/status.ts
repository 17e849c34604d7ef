// What the status bar item shows, from the server's `dbAudit/status` notification or the
// client's own state. Pure, so it is tested without VS Code.

import type { StatusParams } from '../../server/src/protocol';

export type ClientStatus = StatusParams | { state: 'starting' } | { state: 'stopped'; message?: string };

export interface StatusView {
  text: string;
  tooltip: string;
  /** An error state is shown on the error background and opens the output instead of the Problems view. */
  error: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function statusView(status: ClientStatus): StatusView {
  switch (status.state) {
    case 'starting':
      return { text: '$(sync~spin) DB Audit', tooltip: 'DB Audit: starting the server', error: false };
    case 'stopped':
      return {
        text: '$(error) DB Audit: stopped',
        tooltip: `DB Audit: the server stopped${status.message ? `: ${status.message}` : ''}. Click to show the output.`,
        error: true,
      };
    case 'scanning':
      return { text: '$(sync~spin) DB Audit: scanning…', tooltip: 'DB Audit: checking the workspace', error: false };
    case 'error':
      return {
        text: '$(error) DB Audit',
        tooltip: `DB Audit: the last check failed${status.message ? `: ${status.message}` : ''}. Click to show the output.`,
        error: true,
      };
    case 'idle': {
      const others = status.findings - status.errors - status.warnings;
      const parts = [plural(status.errors, 'error'), plural(status.warnings, 'warning')];
      if (others > 0) parts.push(`${others} other`);
      const summary = status.findings === 0 ? 'no problems' : parts.join(', ');
      return {
        text: `$(database) DB Audit: ${summary}`,
        tooltip: `DB Audit: ${plural(status.findings, 'finding')} in ${plural(status.filesScanned, 'file')}, checked in ${seconds(status.durationMs)}${status.message ? `\n${status.message}` : ''}. Click to open the Problems view.`,
        error: false,
      };
    }
  }
}
