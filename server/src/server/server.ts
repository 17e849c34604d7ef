// The language server: a thin adapter from LSP to the engine. No side effects on import:
// `startServer({ connection })` takes its connection, so tests can hand it one.

import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RescanRequest, StatusNotification, type StatusParams } from '../protocol';
import { maskSecrets } from '../engine/literals';
import { DatabaseResolver } from '../engine/databases';
import { SqliteFactsCache, databaseFileFor, sqliteFactsMarkdown } from '../engine/inspect/hoverFacts';
import { databaseLenses, envDefinitions, hoverMarkdown, referenceAt, referencesLike } from '../engine/navigation';
import type { DbReference } from '../engine/types';
import { uriOf } from './diagnostics';
import { DEFAULT_SETTINGS, sanitizeSettings, type ServerSettings } from './settings';
import { WorkspaceState } from './workspaceState';
import { DiagnosticsPublisher, type FileDiagnostics } from './publisher';
import { RecheckScheduler } from './recheckScheduler';
import { FIX_ALL_KIND, registerCodeActions } from './codeActions';
import { registerRename } from './rename';
import { registerReportRequests } from './reportRequests';
import { registerFixAllInWorkspace } from './fixAllWorkspace';
import { registerInspectRequests } from './inspectRequests';
import { TOOL_VERSION } from '../engine/ruleDocs';

/** How long typing must pause before a large document is re-checked (recheckScheduler.ts); smaller ones are re-checked at once. */
const DEBOUNCE_MS = 200;
/** Up to this size (several thousand lines) a re-check takes less than a pause between keystrokes. */
const SMALL_FILE_CHARS = 256 * 1024;

export interface ServerOptions {
  connection: Connection;
}

export function startServer({ connection }: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const folders: WorkspaceState[] = [];
  const publisher = new DiagnosticsPublisher(connection);
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let watchRegistration = false;
  let configurationPull = false;
  let chain: Promise<void> = Promise.resolve();

  const log = (message: string) => connection.console.log(maskSecrets(message));

  /** Runs `task` after every earlier one, so scans and edits never interleave; errors are logged, never thrown. */
  function serialize(what: string, task: () => Promise<void>): Promise<void> {
    chain = chain.then(task).catch((e: unknown) => {
      log(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      sendStatus('error', 0, String(e instanceof Error ? e.message : e));
    });
    return chain;
  }

  function folderOf(uri: string): { state: WorkspaceState; rel: string } | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const abs = fileURLToPath(uri);
    for (const state of folders) {
      const rel = state.relative(abs);
      if (rel !== undefined) return { state, rel };
    }
    return undefined;
  }

  let lastStatus: Omit<StatusParams, 'state' | 'message'> = { findings: 0, errors: 0, warnings: 0, filesScanned: 0, durationMs: 0 };
  function sendStatus(state: StatusParams['state'], durationMs: number, message?: string): void {
    if (durationMs > 0) lastStatus = { ...lastStatus, durationMs };
    void connection.sendNotification(StatusNotification, { state, ...lastStatus, ...(message ? { message } : {}) } satisfies StatusParams);
  }

  /** Re-runs the rules over every folder and publishes what changed, then the idle status (after the diagnostics). */
  async function publishAll(startedAt: number): Promise<void> {
    const next = new Map<string, FileDiagnostics>();
    let errors = 0;
    let warnings = 0;
    let total = 0;
    let filesScanned = 0;
    for (const state of folders) {
      if (!state.settings.enable) continue;
      const evaluation = state.evaluate();
      filesScanned += state.filesScanned;
      publisher.group(state.root, evaluation.findings, next);
      publisher.group(state.root, inspection.findingsOf(state.root), next);
      for (const f of evaluation.findings) {
        total++;
        if (f.severity === 'error') errors++;
        else if (f.severity === 'warning') warnings++;
      }
      for (const p of state.rulesFile?.problems ?? []) {
        const uri = publisher.uriOf(state.root, state.rulesFile!.path);
        if (!next.has(uri)) next.set(uri, { root: state.root, findings: [], problems: [] });
        next.get(uri)!.problems.push(p);
        total++;
        if (p.severity === 'error') errors++;
        else warnings++;
      }
    }
    await publisher.publish(next, true);
    lastStatus = { findings: total, errors, warnings, filesScanned, durationMs: Date.now() - startedAt };
    sendStatus('idle', Date.now() - startedAt);
  }

  /**
   * Before a folder's first scan ends, an opened or edited file gets diagnostics at once from
   * what is known so far (its own analysis, the files scanned yet); the scan's end publishes all.
   */
  async function publishEarly(state: WorkspaceState, rel: string, uri: string, text: string): Promise<void> {
    await state.setDocument(rel, text);
    if (!state.rulesFile) await state.loadRulesEarly(); // the scan may not have started yet
    if (!state.settings.enable || state.scanned) return;
    const next = new Map<string, FileDiagnostics>([[uri, { root: state.root, findings: [], problems: [] }]]);
    publisher.group(state.root, state.evaluate().findings.filter((f) => f.path === rel), next);
    await publisher.publish(next, false);
  }

  async function scanAll(): Promise<void> {
    const started = Date.now();
    sendStatus('scanning', 0);
    for (const state of folders) {
      state.settings = settings;
      if (!settings.enable) continue;
      await state.scan();
      for (const doc of documents.all()) {
        const at = folderOf(doc.uri);
        if (at?.state === state) await state.setDocument(at.rel, doc.getText());
      }
      log(`Scanned ${state.root}: ${state.filesScanned} files in ${Date.now() - started} ms`);
    }
    await publishAll(started);
  }

  async function pullSettings(): Promise<void> {
    if (!configurationPull) return;
    const raw: unknown = await connection.workspace.getConfiguration({ section: 'dbAudit' });
    settings = sanitizeSettings(raw);
  }

  /**
   * Re-checks an edited document with its text as of now; resolves to the version checked. Before
   * its folder's first scan ends, the document alone gets diagnostics (the scan's end re-reads
   * open documents and publishes everything); after, the re-check waits its turn behind scans.
   */
  async function recheck(uri: string): Promise<number | undefined> {
    const at = folderOf(uri);
    if (!at || !documents.get(uri)) return undefined;
    if (!at.state.scanned) {
      const doc = documents.get(uri)!;
      await publishEarly(at.state, at.rel, uri, doc.getText()).catch((e: unknown) => log(`early check failed: ${String(e)}`));
      return doc.version;
    }
    let version: number | undefined;
    await serialize('re-check', async () => {
      const doc = documents.get(uri);
      if (!doc) return;
      version = doc.version;
      const started = Date.now();
      const rulesBefore = JSON.stringify(at.state.rulesFile?.config?.ignore ?? []);
      await at.state.setDocument(at.rel, doc.getText());
      if (at.state.isRulesFile(at.rel) && JSON.stringify(at.state.rulesFile?.config?.ignore ?? []) !== rulesBefore) {
        await scanAll();
        return;
      }
      await publishAll(started);
    });
    return version;
  }

  const rechecks = new RecheckScheduler({
    run: recheck,
    // Small files at once (an incremental re-check takes a few ms); large ones after a pause in typing.
    delayMs: (uri) => ((documents.get(uri)?.getText().length ?? 0) <= SMALL_FILE_CHARS ? 0 : DEBOUNCE_MS),
  });

  function documentChanged(doc: TextDocument): void {
    if (folderOf(doc.uri)) rechecks.changed(doc.uri, doc.version);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const roots = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    settings = sanitizeSettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings);
    inspection.setTrust(params.initializationOptions);
    for (const uri of roots) if (uri.startsWith('file:')) folders.push(new WorkspaceState(fileURLToPath(uri), settings, log));
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    configurationPull = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        referencesProvider: true,
        definitionProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND] },
        renameProvider: { prepareProvider: true },
      },
      serverInfo: { name: 'db-audit', version: TOOL_VERSION },
    };
  });

  connection.onInitialized(() => {
    if (watchRegistration) {
      // Any file can start or stop referencing a database; the watcher is cheap next to a rescan.
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
    }
    void serialize('initial scan', async () => {
      await pullSettings();
      await scanAll();
    });
  });

  connection.onDidChangeConfiguration((change) => {
    void serialize('configuration change', async () => {
      const raw = (change.settings as { dbAudit?: unknown } | null)?.dbAudit;
      if (configurationPull) await pullSettings();
      else if (raw !== undefined) settings = sanitizeSettings(raw);
      await scanAll();
    });
  });

  connection.onDidChangeWatchedFiles((params) => {
    void serialize('file change', async () => {
      const started = Date.now();
      let rescan = false;
      for (const change of params.changes) {
        const at = folderOf(change.uri);
        if (!at) continue;
        if (at.rel.endsWith('.gitignore')) rescan = true;
        if (documents.get(change.uri) && change.type !== FileChangeType.Deleted) continue; // the editor's text wins
        const ignoreBefore = JSON.stringify(at.state.rulesFile?.config?.ignore ?? []);
        await at.state.diskChanged(at.rel, change.type === FileChangeType.Deleted);
        if (at.state.isRulesFile(at.rel) && JSON.stringify(at.state.rulesFile?.config?.ignore ?? []) !== ignoreBefore) rescan = true;
      }
      if (rescan) await scanAll();
      else await publishAll(started);
    });
  });

  documents.onDidOpen((e) => {
    const at = folderOf(e.document.uri);
    if (!at) return;
    if (!at.state.scanned) void publishEarly(at.state, at.rel, e.document.uri, e.document.getText()).catch((err: unknown) => log(`early check failed: ${String(err)}`));
    void serialize('open', async () => {
      const started = Date.now();
      await at.state.setDocument(at.rel, e.document.getText());
      if (at.state.scanned) await publishAll(started);
    });
    // After the open's diagnostics are out: the first edit then updates this parse.
    void serialize('keep parse', async () => at.state.keepParse(at.rel));
  });
  documents.onDidChangeContent((e) => documentChanged(e.document));
  documents.onDidClose((e) => {
    rechecks.cancel(e.document.uri);
    const at = folderOf(e.document.uri);
    if (!at) return;
    void serialize('close', async () => {
      const started = Date.now();
      await at.state.setDocument(at.rel, undefined);
      await at.state.diskChanged(at.rel, false);
      await publishAll(started);
    });
  });

  connection.onRequest(RescanRequest, () => serialize('rescan', scanAll));

  /** The folder, evaluation and reference under a position; undefined when there is none. */
  function at(uri: string, position: { line: number; character: number }) {
    const where = folderOf(uri);
    if (!where || !where.state.scanned) return undefined;
    const evaluation = where.state.last ?? where.state.evaluate();
    const ref = referenceAt(evaluation.references, where.rel, position);
    if (!ref) return undefined;
    return { ...where, evaluation, ref, resolver: new DatabaseResolver(where.state.rulesFile?.config) };
  }
  const location = (root: string, r: DbReference) => ({ uri: uriOf(root, r.path), range: r.range });
  const sqliteFacts = new SqliteFactsCache();
  /** A SQLite reference whose file is in the workspace: its tables and row counts, read-only. */
  function sqliteHoverSection(state: WorkspaceState, ref: DbReference): string | undefined {
    if (ref.engine !== 'sqlite' || (ref.kind !== 'sqlite-path' && ref.kind !== 'connection-url')) return undefined;
    const databaseFiles = state.walkedFiles().filter((f) => f.kind === 'database').map((f) => f.path);
    const file = databaseFileFor(ref.target, ref.value, databaseFiles);
    const facts = file ? sqliteFacts.facts(path.join(state.root, file), file) : undefined;
    return facts ? sqliteFactsMarkdown(facts) : undefined;
  }

  // Each handler answers from the last evaluation; a failure answers empty, never crashes.
  connection.onHover((p) => guard('hover', null, () => {
    const hit = at(p.textDocument.uri, p.position);
    if (!hit) return null;
    const value = hoverMarkdown(hit.ref, hit.evaluation.references, hit.evaluation.databases, hit.resolver, hit.state.rulesFile?.config);
    const onDisk = sqliteHoverSection(hit.state, hit.ref);
    return { contents: { kind: 'markdown' as const, value: onDisk ? `${value}\n\n${onDisk}` : value }, range: hit.ref.range };
  }));
  connection.onReferences((p) => guard('references', [], () => {
    const hit = at(p.textDocument.uri, p.position);
    if (!hit) return [];
    return referencesLike(hit.ref, hit.evaluation.references, hit.resolver).map((r) => location(hit.state.root, r));
  }));
  connection.onDefinition((p) => guard('definition', [], () => {
    const hit = at(p.textDocument.uri, p.position);
    if (!hit?.ref.envVar || hit.ref.kind !== 'env-read') return [];
    return envDefinitions(hit.ref.envVar, hit.evaluation.references).map((r) => location(hit.state.root, r));
  }));
  connection.onCodeLens((p) => guard('code lens', [], () => {
    const where = folderOf(p.textDocument.uri);
    if (!where || !where.state.isRulesFile(where.rel) || !where.state.scanned) return [];
    const evaluation = where.state.last ?? where.state.evaluate();
    return databaseLenses(where.state.rulesFile?.config, evaluation.databases).map((l) => ({
      range: l.range,
      command: { title: l.title, command: '' },
    }));
  }));

  registerRename(connection, { at, openText: (u) => documents.get(u)?.getText(), log });

  registerCodeActions({ connection, documents, folderOf, serialize, log });
  registerReportRequests(connection, { folders, documents, folderOf, serialize, publish: publishAll, log });
  registerFixAllInWorkspace(connection, { folders, documents, serialize });
  const inspection = registerInspectRequests(connection, { folders, serialize, publish: publishAll, log });

  function guard<T>(what: string, fallback: T, handler: () => T): T {
    try {
      return handler();
    } catch (e) {
      log(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  }
  connection.onShutdown(() => {
    rechecks.cancelAll();
  });

  documents.listen(connection);
  connection.listen();
}
