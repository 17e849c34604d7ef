// The server's side of Audit Workspace, Create Rules File and the Databases view: custom
// requests (protocol.ts) answered from a folder's evaluation with the engine's reports, the
// module inventory and the starter rules file. Scans go through the server's serial chain, so
// a report never interleaves with an edit's re-check.

import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DatabasesRequest,
  ReportRequest,
  StarterRulesRequest,
  type DatabasesResult,
  type ReportParams,
  type ReportResult,
  type StarterRulesParams,
  type StarterRulesResult,
} from '../protocol';
import { evaluate, type DatabaseSummary } from '../engine/audit';
import { starterRulesFile } from '../engine/config/starterRules';
import { DatabaseResolver } from '../engine/databases';
import { buildInventory, findManifests } from '../engine/inventory';
import { isSqliteFileName } from '../engine/literals';
import { renderReport } from '../engine/reports';
import { reportInspection } from '../engine/inspect/forReport';
import { htmlReport } from '../engine/reports/html';
import { workspaceMarkdownReport } from '../engine/reports/inventoryMarkdown';
import type { Finding } from '../engine/types';
import { uriOf } from './diagnostics';
import type { WorkspaceState } from './workspaceState';

const FORMATS: readonly ReportParams['format'][] = ['html', 'markdown', 'json', 'sarif'];

export interface ReportDeps {
  folders: readonly WorkspaceState[];
  documents: TextDocuments<TextDocument>;
  /** The folder of a document URI, and its relative path. */
  folderOf(uri: string): { state: WorkspaceState; rel: string } | undefined;
  /** Runs a task after every earlier scan or re-check (the server's chain). */
  serialize(what: string, task: () => Promise<void>): Promise<void>;
  /** Re-evaluates every folder, publishes changed diagnostics and the idle status. */
  publish(startedAt: number): Promise<void>;
  log(message: string): void;
}

/** The `command:` URI opening a finding's place through the extension's command. */
export function commandLink(command: string, root: string, f: Finding): string {
  const args = [uriOf(root, f.path), f.range.start.line, f.range.start.character];
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

function folderState(deps: ReportDeps, folder: string): WorkspaceState {
  let abs: string | undefined;
  try {
    abs = folder.startsWith('file:') ? fileURLToPath(folder) : undefined;
  } catch {
    abs = undefined;
  }
  const state = abs === undefined ? undefined : deps.folders.find((s) => s.root === abs || s.root === abs.replace(/(?<![\\/])[\\/]+$/, ''));
  if (!state) throw new ResponseError(ErrorCodes.InvalidParams, `Not a workspace folder of this server: ${folder}`);
  if (!state.settings.enable) throw new ResponseError(ErrorCodes.InvalidRequest, 'DB Audit is disabled for this folder');
  return state;
}

export function registerReportRequests(connection: Connection, deps: ReportDeps): void {
  /** Re-walks one folder with progress, then lays the open documents over it again. */
  async function rescan(state: WorkspaceState, params: ReportParams, token: CancellationToken): Promise<void> {
    const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    let failure: unknown;
    progress.begin('DB Audit: scanning the workspace', 0, undefined, true);
    let shown = -1;
    await deps.serialize('report scan', async () => {
      const started = Date.now();
      try {
        if (token.isCancellationRequested) abort.abort();
        await state.scan((done, total) => {
          const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
          if (percent === shown && done !== total) return; // one message per percent, not per file
          shown = percent;
          progress.report(percent, `${done}/${total} files`);
        }, abort.signal);
        for (const doc of deps.documents.all()) {
          const at = deps.folderOf(doc.uri);
          if (at?.state === state) await state.setDocument(at.rel, doc.getText());
        }
      } catch (e) {
        failure = e;
      } finally {
        // A cancelled scan leaves the folder's last results in place; publishing restores the idle status.
        await deps.publish(started);
      }
    });
    cancelled.dispose();
    progress.done();
    if (abort.signal.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The audit was cancelled');
    if (failure) throw failure;
  }

  connection.onRequest(ReportRequest, async (params: ReportParams, token: CancellationToken): Promise<ReportResult> => {
    if (!FORMATS.includes(params?.format)) throw new ResponseError(ErrorCodes.InvalidParams, `Unknown report format: ${String(params?.format)}`);
    const state = folderState(deps, params.folder);
    if (params.rescan) await rescan(state, params, token);
    else await deps.serialize('report', async () => undefined); // wait for pending work
    if (!state.scanned) throw new ResponseError(ErrorCodes.InternalError, 'The folder has not been scanned yet');
    const evaluation = state.evaluate();
    const input = { ...evaluation, filesScanned: state.filesScanned, notices: state.notices() };
    let content: string;
    if (params.format === 'html' || params.format === 'markdown') {
      const files = await findManifests(state.root, state.filePaths());
      const inventory = buildInventory({ references: evaluation.references, tables: evaluation.tables, files, config: state.rulesFile?.config });
      const previous = Array.isArray(params.previous) ? (params.previous as DatabaseSummary[]) : undefined;
      const databaseFiles = state.walkedFiles().filter((f) => f.kind === 'database').map((f) => ({ path: f.path, absPath: path.join(state.root, f.path) }));
      const inspection = reportInspection(state.rulesFile?.config, databaseFiles);
      const full = { ...input, inventory, ...(previous ? { previous } : {}), ...(inspection ? { inspection } : {}) };
      const command = params.findingLinkCommand;
      content = params.format === 'html'
        ? htmlReport(full, command ? { link: (f) => commandLink(command, state.root, f) } : {})
        : workspaceMarkdownReport(full);
    } else content = renderReport(params.format, input);
    deps.log(`Report (${params.format}) of ${state.root}: ${evaluation.findings.length} findings`);
    return { format: params.format, content, databases: evaluation.databases, findings: evaluation.findings.length, filesScanned: state.filesScanned };
  });

  connection.onRequest(StarterRulesRequest, async (params: StarterRulesParams): Promise<StarterRulesResult> => {
    const state = folderState(deps, params?.folder);
    await deps.serialize('starter rules', async () => undefined);
    if (!state.scanned) throw new ResponseError(ErrorCodes.InternalError, 'The folder has not been scanned yet');
    // As `db-audit init`: the workspace as it is, without the current rules file's say.
    const analyses = new Map([...state.analyses()].filter(([p]) => !state.isRulesFile(p)));
    const databaseFiles = state.filePaths().filter(isSqliteFileName);
    const evaluation = evaluate({ analyses, databaseFiles, config: undefined, isGitIgnored: () => false });
    return { path: state.rulesPath, text: starterRulesFile(evaluation.references, databaseFiles) };
  });

  connection.onRequest(DatabasesRequest, async (): Promise<DatabasesResult> => {
    await deps.serialize('databases', async () => undefined);
    const folders: DatabasesResult['folders'] = [];
    for (const state of deps.folders) {
      if (!state.settings.enable || !state.scanned) continue;
      const evaluation = state.last ?? state.evaluate();
      const config = state.rulesFile?.config;
      const resolver = new DatabaseResolver(config);
      const items = new Map<string, DatabasesResult['folders'][number]['databases'][number]['items']>();
      for (const r of evaluation.references) {
        const name = resolver.resolve(r)?.name;
        if (name === undefined) continue;
        const list = items.get(name) ?? [];
        list.push({ uri: uriOf(state.root, r.path), path: r.path, range: r.range, kind: r.kind, value: r.value });
        items.set(name, list);
      }
      const rulesRange = (name: string) => {
        const spec = config?.databases.find((d) => d.name === name);
        if (spec) return spec.range;
        return config?.databases.find((d) => d.absorbs.includes(name))?.absorbsRanges[name];
      };
      folders.push({
        uri: uriOf(state.root, ''),
        ...(state.rulesFile ? { rulesFile: uriOf(state.root, state.rulesFile.path) } : {}),
        databases: evaluation.databases.map((d) => {
          const range = rulesRange(d.name);
          return { ...d, ...(range ? { rulesRange: range } : {}), items: items.get(d.name) ?? [] };
        }),
      });
    }
    return { folders };
  });
}
