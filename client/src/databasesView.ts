// The Databases view in the Explorer: database → file → reference, from the server's
// `dbAudit/databases`, refreshed whenever the server reports a finished check (status idle).
// The tree itself is built in databasesModel.ts; this file maps it to VS Code.

import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { DatabasesRequest, type DatabasesResult, type StatusParams } from '../../server/src/protocol';
import { buildDatabaseTree, type DatabaseNode, type DatabaseTreeNode, type Icon } from './databasesModel';
import { OPEN_LOCATION_COMMAND } from './reportPage';
import type { ClientDeps } from './reportView';

export const DATABASES_VIEW = 'dbAudit.databases';

export interface DatabasesViewDeps extends ClientDeps {
  /** Fires with every status the server sends. */
  onStatus: vscode.Event<StatusParams>;
}

const themeIcon = (icon: Icon | undefined) => (icon ? new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined) : undefined);

class DatabasesProvider implements vscode.TreeDataProvider<DatabaseTreeNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly deps: DatabasesViewDeps) {}

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(node?: DatabaseTreeNode): Promise<DatabaseTreeNode[]> {
    if (node) return node.type === 'reference' ? [] : node.children;
    const c = this.deps.client();
    if (!c || c.state !== State.Running) return [];
    try {
      return buildDatabaseTree(await c.sendRequest<DatabasesResult>(DatabasesRequest, {}));
    } catch (e) {
      this.deps.output.error(`Listing databases failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  getTreeItem(node: DatabaseTreeNode): vscode.TreeItem {
    const collapsible = node.type === 'reference'
      ? vscode.TreeItemCollapsibleState.None
      : node.type === 'database' && node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : node.type === 'folder' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = themeIcon(node.icon);
    if (node.type === 'file') {
      item.resourceUri = vscode.Uri.parse(node.uri);
      item.iconPath = vscode.ThemeIcon.File;
    }
    if (node.type === 'reference') {
      item.command = { title: 'Open', command: OPEN_LOCATION_COMMAND, arguments: [node.target.uri, node.target.line, node.target.character] };
    }
    if (node.type === 'database') item.contextValue = node.rulesLocation ? 'dbAudit.database.declared' : 'dbAudit.database';
    return item;
  }
}

export function registerDatabasesView(context: vscode.ExtensionContext, deps: DatabasesViewDeps): void {
  const provider = new DatabasesProvider(deps);
  const view = vscode.window.createTreeView(DATABASES_VIEW, { treeDataProvider: provider, showCollapseAll: true });

  async function revealInRulesFile(node?: DatabaseNode): Promise<void> {
    const at = node?.rulesLocation;
    if (!at) {
      void vscode.window.showInformationMessage(`DB Audit: ${node?.name ?? 'this database'} is not in the rules file.`);
      return;
    }
    const position = new vscode.Position(at.line, at.character);
    await vscode.window.showTextDocument(vscode.Uri.parse(at.uri), { selection: new vscode.Range(position, position) });
  }

  context.subscriptions.push(
    view,
    vscode.commands.registerCommand('dbAudit.refreshDatabases', () => provider.refresh()),
    vscode.commands.registerCommand('dbAudit.revealInRulesFile', revealInRulesFile),
    deps.onStatus((s) => {
      if (s.state === 'idle') provider.refresh();
    }),
  );
}
