// "DB Audit: Fix All in Workspace": asks the server for every preferred fix as one WorkspaceEdit
// and applies it as a refactoring. Each change carries a `needsConfirmation` annotation (one per
// rule), so VS Code shows the refactor preview first and nothing changes until the user applies.
// The re-check needs no request: applying the edit opens or changes the documents, and the
// language client's didOpen/didChange make the server re-check them (saved files also reach it
// through its file watcher).

import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { FixAllInWorkspaceRequest, type FixAllInWorkspaceParams, type FixAllInWorkspaceResult } from '../../server/src/protocol';

export interface FixAllDeps {
  client(): LanguageClient | undefined;
  output: vscode.LogOutputChannel;
}

export function registerFixAllCommand(ctx: vscode.ExtensionContext, deps: FixAllDeps): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('dbAudit.fixAllInWorkspace', () => fixAllInWorkspace(deps, {})),
    // From the Databases view: a database node carries its name and folder.
    vscode.commands.registerCommand('dbAudit.fixDatabase', (node?: { name?: string; folder?: string }) => {
      if (!node?.name || !node.folder) {
        void vscode.window.showInformationMessage('DB Audit: choose a database in the Databases view.');
        return;
      }
      return fixAllInWorkspace(deps, { database: node.name, folder: node.folder });
    }),
  );
}

async function fixAllInWorkspace(deps: FixAllDeps, params: FixAllInWorkspaceParams): Promise<void> {
  const c = deps.client();
  if (!c || c.state !== State.Running) {
    void vscode.window.showWarningMessage('The DB Audit server is not running: run "DB Audit: Restart Server" first.');
    return;
  }
  let result: FixAllInWorkspaceResult;
  try {
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DB Audit: computing fixes' }, () =>
      c.sendRequest<FixAllInWorkspaceResult>(FixAllInWorkspaceRequest, params));
  } catch (e) {
    deps.output.error(`Fix all in workspace failed: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage('DB Audit: computing the fixes failed; see the "DB Audit" output.');
    return;
  }
  if (result.edit.documentChanges.length === 0) {
    void vscode.window.showInformationMessage(`DB Audit: nothing to fix automatically (${result.left} finding${result.left === 1 ? '' : 's'} left for a person).`);
    return;
  }
  const edit = await c.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  if (!edit) return;
  // A document edited since the server computed the edit fails the version check: nothing is applied.
  const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  if (!applied) {
    deps.output.info('Fix all in workspace: the edit was not applied (cancelled in the preview, or a document changed meanwhile).');
    return;
  }
  deps.output.info(`Fix all in workspace: ${result.fixes} fixes in ${result.files} files; ${result.left} findings left for a person.`);
  void vscode.window.showInformationMessage(`DB Audit: applied ${result.fixes} fixes in ${result.files} files (unsaved: review and save). ${result.left} findings need a person.`);
}
