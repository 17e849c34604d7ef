// Audit Workspace, the report webview, its exports and Create Rules File. The server renders
// every report (the CLI's renderers); this module asks for it, shows it in a webview without
// scripts (its own Content-Security-Policy; export and finding links are command: URIs limited
// to our commands), and keeps each folder's audit summary in workspace storage for the
// "35 → 12 references" comparison.

import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { State, WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  ReportRequest,
  StarterRulesRequest,
  type ReportFormat,
  type ReportParams,
  type ReportResult,
  type StarterRulesResult,
} from '../../server/src/protocol';
import { auditMessage, historyFrom, historyKey, recordAudit, type AuditHistory } from './auditHistory';
import { EXPORT_COMMANDS, OPEN_LOCATION_COMMAND, WEBVIEW_COMMANDS, exportFileName, locationFromArgs, withExportLinks } from './reportPage';

export interface ClientDeps {
  /** The running language client, if any (it changes on restart). */
  client(): LanguageClient | undefined;
  output: vscode.LogOutputChannel;
}

const PANEL_TYPE = 'dbAudit.report';

export function registerReportView(context: vscode.ExtensionContext, deps: ClientDeps): void {
  let panel: vscode.WebviewPanel | undefined;
  let panelFolder: vscode.WorkspaceFolder | undefined;

  const history = (folder: vscode.WorkspaceFolder): AuditHistory => historyFrom(context.workspaceState.get(historyKey(folder.uri.toString())));

  function running(): LanguageClient | undefined {
    const c = deps.client();
    if (c && c.state === State.Running) return c;
    void vscode.window.showWarningMessage('The DB Audit server is not running: run "DB Audit: Restart Server" first.');
    return undefined;
  }

  async function pickFolder(preferred?: vscode.WorkspaceFolder): Promise<vscode.WorkspaceFolder | undefined> {
    if (preferred) return preferred;
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showWarningMessage('DB Audit: open a folder first.');
      return undefined;
    }
    return folders.length === 1 ? folders[0] : vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to audit' });
  }

  function failed(what: string, e: unknown): void {
    deps.output.error(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`DB Audit: ${what} failed; see the "DB Audit" output.`);
  }

  async function auditWorkspace(): Promise<void> {
    const c = running();
    const folder = c && (await pickFolder());
    if (!c || !folder) return;
    const before = history(folder);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'DB Audit: auditing the workspace', cancellable: true },
      async (progress, token) => {
        const workDoneToken = randomUUID();
        let shown = 0;
        const listener = c.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind !== 'report') return;
          const increment = (v.percentage ?? shown) - shown;
          shown = v.percentage ?? shown;
          progress.report({ message: v.message, increment });
        });
        const params: ReportParams = {
          folder: folder.uri.toString(), format: 'html', rescan: true, workDoneToken,
          findingLinkCommand: OPEN_LOCATION_COMMAND, ...(before.current ? { previous: before.current } : {}),
        };
        try {
          return await c.sendRequest<ReportResult>(ReportRequest, params, token);
        } catch (e) {
          if (token.isCancellationRequested) deps.output.info('Audit cancelled.');
          else failed('the audit', e);
          return undefined;
        } finally {
          listener.dispose();
        }
      },
    );
    if (!result) return;
    const after = recordAudit(before, result.databases);
    await context.workspaceState.update(historyKey(folder.uri.toString()), after);
    showReport(folder, result.content);
    void vscode.window.showInformationMessage(auditMessage(result.findings, after));
  }

  function showReport(folder: vscode.WorkspaceFolder, html: string): void {
    const title = `DB Audit: ${folder.name}`;
    if (!panel) {
      panel = vscode.window.createWebviewPanel(PANEL_TYPE, title, vscode.ViewColumn.Active, {
        enableScripts: false,
        enableCommandUris: WEBVIEW_COMMANDS,
        localResourceRoots: [],
        retainContextWhenHidden: false,
      });
      panel.onDidDispose(() => {
        panel = undefined;
        panelFolder = undefined;
      });
    }
    panel.title = title;
    panelFolder = folder;
    panel.webview.html = withExportLinks(html);
    panel.reveal();
  }

  async function exportReport(format: ReportFormat): Promise<void> {
    const c = running();
    const folder = c && (await pickFolder(panelFolder));
    if (!c || !folder) return;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder.uri, exportFileName(format)),
      saveLabel: 'Export',
      title: `DB Audit: export the report as ${EXPORT_COMMANDS.find((e) => e.format === format)!.label}`,
    });
    if (!target) return;
    try {
      // The same comparison the last audit's page showed.
      const previous = history(folder).previous;
      const result = await c.sendRequest<ReportResult>(ReportRequest, { folder: folder.uri.toString(), format, ...(previous ? { previous } : {}) } satisfies ReportParams);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.content));
      deps.output.info(`Exported the ${format} report to ${target.fsPath}`);
      const open = await vscode.window.showInformationMessage(`DB Audit: report saved to ${vscode.workspace.asRelativePath(target)}.`, 'Open');
      if (open) await vscode.commands.executeCommand('vscode.open', target);
    } catch (e) {
      failed('the export', e);
    }
  }

  async function openLocation(...args: unknown[]): Promise<void> {
    const at = locationFromArgs(args);
    if (!at) return;
    const position = new vscode.Position(at.line, at.character);
    await vscode.window.showTextDocument(vscode.Uri.parse(at.uri), {
      selection: new vscode.Range(position, position),
      viewColumn: panel?.active ? vscode.ViewColumn.Beside : undefined,
    });
  }

  async function createRulesFile(): Promise<void> {
    const c = running();
    const folder = c && (await pickFolder());
    if (!c || !folder) return;
    try {
      const starter = await c.sendRequest<StarterRulesResult>(StarterRulesRequest, { folder: folder.uri.toString() });
      const target = vscode.Uri.joinPath(folder.uri, starter.path);
      const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
      if (exists) {
        const replace = await vscode.window.showWarningMessage(
          `${starter.path} already exists in ${folder.name}. Replace it with a starter rules file inferred from the workspace?`,
          { modal: true },
          'Replace',
        );
        if (replace !== 'Replace') return;
      }
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(starter.text));
      await vscode.window.showTextDocument(target);
    } catch (e) {
      failed('creating the rules file', e);
    }
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('dbAudit.auditWorkspace', auditWorkspace),
    vscode.commands.registerCommand('dbAudit.exportReportMarkdown', () => exportReport('markdown')),
    vscode.commands.registerCommand('dbAudit.exportReportJson', () => exportReport('json')),
    vscode.commands.registerCommand('dbAudit.exportReportSarif', () => exportReport('sarif')),
    vscode.commands.registerCommand('dbAudit.exportReportHtml', () => exportReport('html')),
    vscode.commands.registerCommand('dbAudit.openLocation', openLocation),
    vscode.commands.registerCommand('dbAudit.createRulesFile', createRulesFile),
    { dispose: () => panel?.dispose() },
  );
}
