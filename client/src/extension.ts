// The extension: starts the language server over node IPC, hands it one typed settings object,
// shows the workspace's findings in the status bar, and registers the commands. Everything the
// audit does happens in the server; this file only wires VS Code to it.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  ResponseError,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { RescanRequest, StatusNotification, type StatusParams } from '../../server/src/protocol';
import type { ServerSettings } from '../../server/src/server/settings';
import { DOCUMENT_SELECTOR } from './documents';
import { settingsFrom } from './settings';
import { statusView, type ClientStatus } from './status';
import { registerFixAllCommand } from './fixAll';
import { registerReportView } from './reportView';
import { registerDatabasesView } from './databasesView';
import { registerInspectCommands } from './inspect';
import { serverEnvironment, serverModulePath, serverRuntime } from './serverModule';

/** The client's id: vscode-languageclient reads `dbAudit.trace.server` from it. */
const CLIENT_ID = 'dbAudit';
const SECTION = 'dbAudit';

let context: vscode.ExtensionContext;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let client: LanguageClient | undefined;
/** Every status the server sends, for views that refresh after a check. */
const statusChanged = new vscode.EventEmitter<StatusParams>();

function readSettings(): ServerSettings {
  return settingsFrom(vscode.workspace.getConfiguration().get(SECTION));
}

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  context = ctx;
  output = vscode.window.createOutputChannel('DB Audit', { log: true });
  statusItem = vscode.window.createStatusBarItem('dbAudit.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'DB Audit';
  ctx.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand('dbAudit.restartServer', restartServer),
    vscode.commands.registerCommand('dbAudit.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('dbAudit.rescan', rescan),
    vscode.workspace.onDidChangeConfiguration(configurationChanged),
  );
  registerFixAllCommand(ctx, { client: () => client, output });
  registerReportView(ctx, { client: () => client, output });
  registerDatabasesView(ctx, { client: () => client, output, onStatus: statusChanged.event });
  registerInspectCommands(ctx, { client: () => client, output, restart: restartServer });
  if (readSettings().enable) await startClient();
  else output.info('DB Audit is disabled (dbAudit.enable is false).');
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

function showStatus(status: ClientStatus): void {
  const view = statusView(status);
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  statusItem.command = view.error ? 'dbAudit.showOutput' : 'workbench.actions.view.problems';
  statusItem.show();
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    // The server pulls `dbAudit` through workspace/configuration; it also reads these at start-up.
    // `trusted`: the server connects to dbAudit.connections only in a trusted workspace.
    initializationOptions: { settings: readSettings(), trusted: vscode.workspace.isTrusted },
    // No `synchronize.fileEvents`: the server registers its own file watcher dynamically.
    middleware: {
      workspace: {
        // Answer the server's configuration pull with the same typed object, never raw JSON.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (result instanceof ResponseError) return result;
          return params.items.map((item, i) => (item.section === SECTION ? settingsFrom(result[i]) : result[i]));
        },
      },
    },
  };
}

async function startClient(): Promise<void> {
  if (client) return;
  const development = context.extensionMode === vscode.ExtensionMode.Development;
  const serverModule = context.asAbsolutePath(serverModulePath((rel) => existsSync(context.asAbsolutePath(rel)), development));
  // Unset: VS Code's own Node (Electron's); set: the user's `node`, e.g. when better-sqlite3 was built for it.
  const runtime = serverRuntime(vscode.workspace.getConfiguration(SECTION).get('server.runtime'));
  output.info(`Starting the DB Audit server: ${serverModule}${runtime ? ` with ${runtime}` : ''}`);
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, runtime, options: { env: serverEnvironment(process.env) } },
    debug: { module: serverModule, transport: TransportKind.ipc, runtime, options: { env: serverEnvironment(process.env), execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const c = new LanguageClient(CLIENT_ID, 'DB Audit', serverOptions, clientOptions());
  client = c;
  c.onNotification(StatusNotification, (status: StatusParams) => {
    showStatus(status);
    statusChanged.fire(status);
  });
  c.onDidChangeState(({ newState }) => {
    if (client !== c) return; // a client we stopped on purpose
    if (newState === State.Starting) showStatus({ state: 'starting' });
    else if (newState === State.Stopped) showStatus({ state: 'stopped' });
  });
  showStatus({ state: 'starting' });
  try {
    await c.start();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    output.error(`The DB Audit server failed to start: ${message}`);
    showStatus({ state: 'stopped', message });
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  if (!c) return;
  client = undefined; // first, so its Stopped state is not shown as a failure
  try {
    await c.dispose();
  } catch (e) {
    output.error(`Stopping the DB Audit server failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function restartServer(): Promise<void> {
  if (!readSettings().enable) {
    void vscode.window.showInformationMessage('DB Audit is disabled: set "dbAudit.enable" to true to run it.');
    return;
  }
  output.info('Restarting the DB Audit server.');
  await stopClient();
  await startClient();
}

async function rescan(): Promise<void> {
  const c = client;
  if (!c || c.state !== State.Running) {
    void vscode.window.showWarningMessage('The DB Audit server is not running: run "DB Audit: Restart Server" first.');
    return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DB Audit: re-scanning the workspace' }, async () => {
    try {
      await c.sendRequest<void>(RescanRequest);
    } catch (e) {
      output.error(`Re-scan failed: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage('DB Audit: the re-scan failed; see the "DB Audit" output.');
    }
  });
}

async function configurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!e.affectsConfiguration(SECTION)) return;
  const settings = readSettings();
  if (e.affectsConfiguration(`${SECTION}.server.runtime`) && settings.enable) {
    await restartServer();
    return;
  }
  if (e.affectsConfiguration(`${SECTION}.enable`)) {
    if (settings.enable) {
      await startClient();
    } else {
      await stopClient();
      statusItem.hide();
      output.info('DB Audit is disabled (dbAudit.enable is false).');
    }
    return;
  }
  // `trace.server` is the language client's own business; the rest makes the server re-read and re-scan.
  if ((e.affectsConfiguration(`${SECTION}.rulesFile`) || e.affectsConfiguration(`${SECTION}.maxFileSize`) || e.affectsConfiguration(`${SECTION}.connections`)) && client?.state === State.Running) {
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
  }
}
