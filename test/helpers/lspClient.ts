// A real LSP client for tests: spawns the built server over stdio and speaks JSON-RPC to it.
// Waits are on protocol events with a timeout, never on sleeps.

import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { serverEnvironment } from '../../client/src/serverModule';

export const SERVER_MAIN = path.resolve(__dirname, '../../server/out/server/main.js');

/** The built server, started with the environment the extension gives it (client/src/extension.ts): what benchmarks measure. */
export function startedAsTheExtensionDoes(): TestClient {
  return new TestClient([SERVER_MAIN, '--stdio'], serverEnvironment(process.env));
}

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  private waiters: Array<() => void> = [];
  private readonly child: ChildProcess;
  /** The server process's id (benchmarks read its memory from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }
  readonly connection: ProtocolConnection;
  stderr = '';

  /**
   * `args` after `node`: the built server over stdio unless a test starts another entry point (a
   * bundle, a bin); `user`: run as that user and group (the tests must run as root).
   */
  constructor(args: string[] = [SERVER_MAIN, '--stdio'], env: NodeJS.ProcessEnv = process.env, user?: { uid: number; gid: number }) {
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env, ...user });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.wake();
    });
    for (const method of ['dbAudit/status', 'window/logMessage', 'window/showMessage']) {
      this.connection.onNotification(method, (params: unknown) => {
        this.notifications.push({ method, params });
        this.wake();
      });
    }
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/configuration', () => [null]);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The server's `dbAudit/status` notifications saying it is idle (a scan or re-check ended), from `notifications[from]` on. */
  idleStatuses(from = 0): Array<{ method: string; params: unknown }> {
    return this.notifications.slice(from).filter((n) => n.method === 'dbAudit/status' && (n.params as { state: string }).state === 'idle');
  }

  /** Resolves with the first idle status from `notifications[from]` on (a scan's end). */
  waitForIdle(what: string, from = 0, timeoutMs?: number): Promise<{ method: string; params: unknown }> {
    return this.waitFor(what, () => this.idleStatuses(from)[0], timeoutMs);
  }

  /** Resolves once `predicate` holds, checking after every message from the server. */
  async waitFor<T>(what: string, predicate: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = predicate();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; server stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async initialize(root: string, capabilities: Record<string, unknown> = {}): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: path.basename(root) }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { relatedInformation: true } },
        ...capabilities,
      },
    });
    await this.connection.sendNotification('initialized', {});
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      /* already gone */
    }
    this.connection.dispose();
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.child.kill();
          resolve();
        }, 3000);
        this.child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

export function uri(root: string, rel: string): string {
  return pathToFileURL(path.join(root, rel)).href;
}
