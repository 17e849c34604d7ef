// Editor latency through the real LSP protocol: the built server over stdio (the tests' client).
// - first diagnostics of an open file: from `initialized` to its publishDiagnostics while the
//   workspace scan runs (the 5,000-line Python file; and, in a server of its own, the TS one,
//   whose first open loads the TypeScript compiler); hover latency while that scan runs;
// - change → diagnostics: each edit rewrites one line of a 5,000-line file so that the file's
//   diagnostics change (the server publishes only changed diagnostics), and waits for them.
// The server re-checks an edit at once when it is idle (recheckScheduler.ts), re-parsing only
// the changed range (parseCache.ts); the first edits of a file parse it whole.
//
// Alone, without the CLI scans of `npm run bench` (after `npm run build`):
//   node --import tsx bench/editor.ts DIR [--edits 200]

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { startedAsTheExtensionDoes, uri, type TestClient } from '../test/helpers/lspClient';
import { syntheticSource } from './generate';
import { percentile } from './measure';

export interface EditorLatency {
  workspace: string;
  /** initialized → first publishDiagnostics of a file opened right after it, during the scan (the Python file). */
  firstDiagnosticsMs: number;
  /** The same for the TypeScript file, in a server of its own: its first open loads the TypeScript compiler. */
  firstDiagnosticsTypeScriptMs: number;
  /** initialized → the status turning idle (the initial workspace scan). */
  initialScanMs: number;
  hoverDuringScan: { count: number; p50: number; p95: number; max: number };
  hoverIdle: { count: number; p50: number; p95: number; max: number };
  edits: Record<'python' | 'typescript', { lines: number; edits: number; p50: number; p95: number; max: number }>;
}

const DIR = 'bench-editor';
const LINES = 5000;
const MARK_LINE = 2500;
/** Pause between opening a file and the first edit. */
const SETTLE_MS = 1000;

interface Target {
  rel: string;
  languageId: string;
  text: string;
  line: (i: number) => string;
}

/** The 5,000-line files the edits rewrite, with their marked line's text per edit. */
export function targets(): Record<'python' | 'typescript', Target> {
  const withMark = (src: string, mark: string) => {
    const lines = src.split('\n').slice(0, LINES);
    lines[MARK_LINE] = mark;
    return lines.join('\n') + '\n';
  };
  const py = (i: number) => `EDIT_DB = "/app/data/edit_${i}.db"`;
  const ts = (i: number) => `const EDIT_DB = 'data/edit_${i}.db';`;
  return {
    python: { rel: `${DIR}/edit_target.py`, languageId: 'python', text: withMark(syntheticSource('python', LINES + 50, 11), py(0)), line: py },
    typescript: { rel: `${DIR}/edit_target.ts`, languageId: 'typescript', text: withMark(syntheticSource('ts', LINES + 50, 12), ts(0)), line: ts },
  };
}

const summary = (xs: number[]) => ({ count: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max: Math.max(...xs) });
const now = () => Number(process.hrtime.bigint()) / 1e6;

function idle(client: TestClient, after: number): boolean {
  return client.idleStatuses(after).length > 0;
}

/** Waits for a publishDiagnostics of `docUri` newer than `before`. */
async function nextDiagnostics(client: TestClient, docUri: string, before: PublishDiagnosticsParams | undefined): Promise<void> {
  await client.waitFor(`diagnostics of ${docUri}`, () => {
    const d = client.diagnostics.get(docUri);
    return d !== undefined && d !== before;
  }, 60_000);
}

/** Initializes the server on `root` and opens `t` right after `initialized`, as an editor restoring it does; returns when `initialized` was sent. */
async function startWithOpen(client: TestClient, root: string, t: Target): Promise<number> {
  await client.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri(root, ''),
    workspaceFolders: [{ uri: uri(root, ''), name: path.basename(root) }],
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: {} } },
  });
  const t0 = now();
  await client.connection.sendNotification('initialized', {});
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(root, t.rel), languageId: t.languageId, version: 1, text: t.text } });
  return t0;
}

/** A fresh server's initialized → first diagnostics of `t`, opened right after it; the server is stopped after its scan. */
async function firstDiagnosticsOf(root: string, t: Target): Promise<number> {
  const client = startedAsTheExtensionDoes();
  try {
    const t0 = await startWithOpen(client, root, t);
    await nextDiagnostics(client, uri(root, t.rel), undefined);
    const ms = now() - t0;
    await client.waitFor('the initial scan', () => idle(client, 0), 30 * 60_000);
    return ms;
  } finally {
    await client.stop();
  }
}

export async function measureEditor(root: string, editsPerFile = 200): Promise<EditorLatency> {
  const files = targets();
  mkdirSync(path.join(root, DIR), { recursive: true });
  for (const t of Object.values(files)) writeFileSync(path.join(root, t.rel), t.text);
  const firstDiagnosticsTypeScriptMs = await firstDiagnosticsOf(root, files.typescript);
  const client = startedAsTheExtensionDoes();
  try {
    const py = files.python;
    const pyUri = uri(root, py.rel);
    const t0 = await startWithOpen(client, root, py);

    // Hover on the marked line's path while the scan runs, one request at a time.
    const hoverPos = { line: MARK_LINE, character: py.line(0).indexOf('/app') + 2 };
    const hover = async () => {
      const s = now();
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: pyUri }, position: hoverPos });
      return now() - s;
    };
    const during: number[] = [];
    let firstDiagnosticsMs = NaN;
    const first = nextDiagnostics(client, pyUri, undefined).then(() => (firstDiagnosticsMs = now() - t0));
    while (!idle(client, 0)) {
      during.push(await hover());
      await new Promise((r) => setTimeout(r, 10));
    }
    const initialScanMs = now() - t0;
    await first;
    const idleHovers: number[] = [];
    for (let i = 0; i < 50; i++) idleHovers.push(await hover());

    const edits = {} as EditorLatency['edits'];
    for (const [name, t] of Object.entries(files) as Array<['python' | 'typescript', Target]>) {
      const docUri = uri(root, t.rel);
      if (t !== py) {
        // Its diagnostics need not change (the scan read the same text from disk): wait for the re-check.
        const seen = client.notifications.length;
        await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: docUri, languageId: t.languageId, version: 1, text: t.text } });
        await client.waitFor('the re-check after open', () => idle(client, seen), 60_000);
      }
      // A user reads a file before typing into it: meanwhile the server keeps its parse
      // (AnalysisCache.keepParse), so the first edit is not a full parse.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const times: number[] = [];
      let previous = t.line(0);
      for (let i = 1; i <= editsPerFile; i++) {
        const next = t.line(i);
        const before = client.diagnostics.get(docUri);
        const s = now();
        await client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: docUri, version: i + 1 },
          contentChanges: [{ range: { start: { line: MARK_LINE, character: 0 }, end: { line: MARK_LINE, character: previous.length } }, text: next }],
        });
        await nextDiagnostics(client, docUri, before);
        times.push(now() - s);
        previous = next;
      }
      edits[name] = { lines: LINES, edits: editsPerFile, ...summary(times) };
    }
    return { workspace: root, firstDiagnosticsMs, firstDiagnosticsTypeScriptMs, initialScanMs, hoverDuringScan: summary(during), hoverIdle: summary(idleHovers), edits };
  } finally {
    await client.stop();
    rmSync(path.join(root, DIR), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { edits: { type: 'string', default: '200' } } });
  if (positionals.length !== 1) throw new Error('usage: editor.ts DIR [--edits N]');
  const load = os.loadavg()[0];
  const e = await measureEditor(path.resolve(positionals[0]), Number(values.edits));
  console.log(JSON.stringify({ loadAverage: [load, os.loadavg()[0]], ...e }, null, 2));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
