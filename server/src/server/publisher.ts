// Publishes diagnostics per file, sending only what changed. A file whose findings are the same
// objects as last time (the incremental evaluation reuses an unchanged file's findings) is
// skipped without converting or comparing anything: after an edit, only the edited file and
// the files of cross-file findings cost work.

import { createHash } from 'node:crypto';
import type { Connection, Diagnostic } from 'vscode-languageserver';
import type { RulesProblem } from '../engine/config/rulesFile';
import type { Finding } from '../engine/types';
import { rulesProblemDiagnostic, toDiagnostic, uriOf } from './diagnostics';

/** What one file shows: its findings (with the folder they are relative to) and, for a rules file, its problems. */
export interface FileDiagnostics {
  root: string;
  findings: Finding[];
  problems: RulesProblem[];
}

export class DiagnosticsPublisher {
  /**
   * A digest of the JSON last sent, by URI, so emptied files get cleared and repeats are not sent
   * (the JSON itself, kept, was ~40 MB of the server's memory at 88k findings).
   */
  private readonly sent = new Map<string, string>();
  private readonly sentFindings = new Map<string, readonly Finding[]>();
  /** URIs by folder, then path: built once per file, not per publish (no key string per lookup either). */
  private readonly uris = new Map<string, Map<string, string>>();

  constructor(private readonly connection: Connection) {}

  uriOf(root: string, rel: string): string {
    let folder = this.uris.get(root);
    if (!folder) this.uris.set(root, (folder = new Map()));
    let uri = folder.get(rel);
    if (uri === undefined) folder.set(rel, (uri = uriOf(root, rel)));
    return uri;
  }

  /** Groups findings by file URI, in order. */
  group(root: string, findings: readonly Finding[], into: Map<string, FileDiagnostics>): void {
    // Findings come sorted by path: look a file up once per run of its findings, not once each.
    let path: string | undefined;
    let entry: FileDiagnostics | undefined;
    for (const f of findings) {
      if (f.path !== path || !entry) {
        const uri = this.uriOf(root, f.path);
        path = f.path;
        entry = into.get(uri);
        if (!entry) into.set(uri, (entry = { root, findings: [], problems: [] }));
      }
      entry.findings.push(f);
    }
  }

  /**
   * Sends the files whose diagnostics changed; with `complete`, files missing from `next` are
   * cleared. In slices of about SLICE_DIAGNOSTICS diagnostics, each written out before the next is
   * made: at a large scan's end ~10k files' diagnostics queued at once held them all in memory
   * until written, and kept the editor's requests waiting behind them (hover ~0.4 s).
   */
  async publish(next: Map<string, FileDiagnostics>, complete: boolean): Promise<void> {
    if (complete) for (const uri of this.sent.keys()) if (!next.has(uri)) next.set(uri, { root: '', findings: [], problems: [] });
    let inSlice = 0;
    let written: Promise<void> | undefined;
    for (const [uri, entry] of next) {
      if (inSlice >= SLICE_DIAGNOSTICS) {
        await written;
        await new Promise<void>((resolve) => setImmediate(resolve)); // requests that arrived meanwhile are answered
        inSlice = 0;
      }
      if (entry.problems.length === 0 && sameItems(this.sentFindings.get(uri), entry.findings)) continue;
      const diagnostics: Diagnostic[] = [...entry.findings.map((f) => toDiagnostic(entry.root, f)), ...entry.problems.map(rulesProblemDiagnostic)];
      this.sentFindings.set(uri, entry.findings);
      const key = digest(diagnostics);
      if ((this.sent.get(uri) ?? NOTHING_SENT) === key) continue;
      if (diagnostics.length === 0) this.sent.delete(uri);
      else this.sent.set(uri, key);
      written = this.connection.sendDiagnostics({ uri, diagnostics }).catch(() => undefined); // a closed connection: nothing to wait for
      inSlice += Math.max(1, diagnostics.length);
    }
  }
}

/** Diagnostics sent between two yields of a publish (a few tens of ms of work). */
export const SLICE_DIAGNOSTICS = 1000;

function digest(diagnostics: readonly Diagnostic[]): string {
  return createHash('sha1').update(JSON.stringify(diagnostics)).digest('base64');
}

const NOTHING_SENT = digest([]);

function sameItems<T>(a: readonly T[] | undefined, b: readonly T[]): boolean {
  if (a === undefined) return b.length === 0;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
