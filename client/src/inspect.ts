// "DB Audit: Inspect Databases" and "DB Audit: Generate Consolidation Plan": explicit requests
// to the server, which looks inside the databases (never on its own: it opens real files and,
// in a trusted workspace only, the Postgres databases of dbAudit.connections). The inspection's
// findings arrive as diagnostics on dbaudit.json; the plan opens in an untitled editor for
// review — nothing is run. Granting workspace trust restarts the server, so it may connect.

import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { InspectRequest, PlanRequest, type InspectParams, type InspectResult, type PlanParams, type PlanResult } from '../../server/src/protocol';

export interface InspectDeps {
  client(): LanguageClient | undefined;
  output: vscode.LogOutputChannel;
  /** Restarts the server (it learns the workspace's trust at start-up). */
  restart(): Promise<void>;
}

export function registerInspectCommands(ctx: vscode.ExtensionContext, deps: InspectDeps): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('dbAudit.inspectDatabases', () => inspectDatabases(deps)),
    vscode.commands.registerCommand('dbAudit.generatePlan', () => generatePlan(deps)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => deps.restart()),
  );
}

function running(deps: InspectDeps): LanguageClient | undefined {
  const c = deps.client();
  if (!c || c.state !== State.Running) {
    void vscode.window.showWarningMessage('The DB Audit server is not running: run "DB Audit: Restart Server" first.');
    return undefined;
  }
  return c;
}

async function inspectDatabases(deps: InspectDeps): Promise<void> {
  const c = running(deps);
  if (!c) return;
  let result: InspectResult;
  try {
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DB Audit: inspecting the databases' }, () =>
      c.sendRequest<InspectResult>(InspectRequest, {} satisfies InspectParams));
  } catch (e) {
    deps.output.error(`Inspection failed: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`DB Audit: the inspection failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  for (const f of result.folders) {
    deps.output.info(`Inspection of ${f.uri}:\n${f.report}`);
    for (const p of f.postgres) if (p.error) deps.output.warn(`Postgres ${p.error}`);
  }
  const files = result.folders.reduce((n, f) => n + f.sqliteFiles, 0);
  const findings = result.folders.reduce((n, f) => n + f.findings, 0);
  const untrusted = result.trusted ? '' : ' dbAudit.connections are not used in an untrusted workspace.';
  const choice = await vscode.window.showInformationMessage(
    `DB Audit: inspected ${files} SQLite file${files === 1 ? '' : 's'}: ${findings} finding${findings === 1 ? '' : 's'} on the rules file.${untrusted}`,
    'Show Report',
  );
  if (choice === 'Show Report') {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: result.folders.map((f) => f.report).join('\n') });
    await vscode.window.showTextDocument(doc, { preview: false });
  }
}

async function generatePlan(deps: InspectDeps): Promise<void> {
  const c = running(deps);
  if (!c) return;
  let result: PlanResult;
  try {
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DB Audit: writing the consolidation plan' }, () =>
      c.sendRequest<PlanResult>(PlanRequest, {} satisfies PlanParams));
  } catch (e) {
    deps.output.error(`Consolidation plan failed: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`DB Audit: the consolidation plan failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (result.message) void vscode.window.showInformationMessage(`DB Audit: ${result.message}`);
  // Untitled editors: the plan is for review; nothing runs it, and nothing is saved unless the user does.
  if (result.sqlite) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'sql', content: result.sqlite }), { preview: false });
  if (result.postgres) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'shellscript', content: result.postgres }), { preview: false });
}
