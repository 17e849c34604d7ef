// The workspace report, starter rules file and Databases view over the real protocol, on a
// temp copy of the zoe-like fixture: the server's reports are the CLI's, with progress and
// cancellation for the rescan.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LSPErrorCodes, WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport } from 'vscode-languageserver-protocol';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { TestClient } from '../helpers/lspClient';
import type { DatabaseReferenceItem, DatabasesResult, ReportResult, StarterRulesResult } from '../../server/src/protocol';

const FIXTURE = path.resolve(__dirname, '../fixtures/zoe-like');
const BIN = path.resolve(__dirname, '../../server/bin/db-audit.js');

let tmp: string;
let root: string;
let client: TestClient;

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout;
}

const idle = () => client.idleStatuses().length;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'dbaudit-report-'));
  root = path.join(tmp, 'zoe');
  cpSync(FIXTURE, root, { recursive: true });
  // Over the default 2 MB limit on a file: both reports say it was not audited.
  writeFileSync(path.join(root, 'dump.sql'), 'CREATE TABLE legacy_users (id int);\n' + '-- padding\n'.repeat(200_000));
  client = new TestClient();
  await client.initialize(root);
  await client.waitFor('the startup scan', () => idle() > 0);
});

after(async () => {
  await client?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const folder = () => pathToFileURL(root).href;

test('the markdown and JSON reports are the CLI\'s for the same folder', async () => {
  for (const format of ['markdown', 'json'] as const) {
    const result = (await client.connection.sendRequest('dbAudit/report', { folder: folder(), format })) as ReportResult;
    assert.equal(result.format, format);
    assert.equal(result.content, cli('report', root, '--format', format), format);
    if (format === 'json') assert.deepEqual(JSON.parse(result.content).notices.map((n: { path: string; reason: string }) => [n.path, n.reason]), [['dump.sql', 'too-large']]);
  }
});

test('the report compares with the previous audit\'s databases and returns this audit\'s for next time', async () => {
  const first = (await client.connection.sendRequest('dbAudit/report', { folder: folder(), format: 'markdown' })) as ReportResult;
  const auth = first.databases.find((d) => d.name === 'auth.db');
  assert.ok(auth && auth.references > 0);
  const previous = first.databases.map((d) => (d.name === 'auth.db' ? { ...d, references: auth.references + 27 } : d));
  const html = (await client.connection.sendRequest('dbAudit/report', { folder: folder(), format: 'html', previous })) as ReportResult;
  assert.ok(html.content.includes(`auth.db: ${auth.references + 27} → ${auth.references} references`));
  assert.equal(html.findings, JSON.parse(cli('scan', root, '--format', 'json')).findings.length);
});

test('HTML finding links are command: URIs that open each finding\'s file at its position', async () => {
  const result = (await client.connection.sendRequest('dbAudit/report', {
    folder: folder(), format: 'html', findingLinkCommand: 'dbAudit.openLocation',
  })) as ReportResult;
  const links = [...result.content.matchAll(/href="command:dbAudit\.openLocation\?([^"]+)"/g)].map((m) => JSON.parse(decodeURIComponent(m[1].replace(/&amp;/g, '&'))) as [string, number, number]);
  const findings = JSON.parse(cli('scan', root, '--format', 'json')).findings as Array<{ path: string; line: number; column: number }>;
  assert.equal(links.length, findings.length);
  assert.deepEqual(
    links.map(([u, line, character]) => [path.relative(root, fileURLToPath(u)).split(path.sep).join('/'), line + 1, character + 1]).sort(),
    findings.map((f) => [f.path, f.line, f.column]).sort(),
  );
  assert.match(result.content, /<section id="inventory">/);
  assert.doesNotMatch(result.content, /<script/);
});

test('a rescan reports work-done progress as files done / total, then answers', async () => {
  const token = 'report-progress';
  const seen: Array<WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd> = [];
  const listener = client.connection.onProgress(WorkDoneProgress.type, token, (v) => void seen.push(v));
  const result = (await client.connection.sendRequest('dbAudit/report', { folder: folder(), format: 'sarif', rescan: true, workDoneToken: token })) as ReportResult;
  listener.dispose();
  assert.equal(JSON.parse(result.content).version, '2.1.0');
  await client.waitFor('the end of the progress', () => seen.some((v) => v.kind === 'end'));
  assert.equal(seen[0].kind, 'begin');
  assert.equal((seen[0] as WorkDoneProgressBegin).cancellable, true);
  const reports = seen.filter((v): v is WorkDoneProgressReport => v.kind === 'report');
  const last = reports.at(-1)!;
  assert.match(last.message!, /^(\d+)\/\1 files$/);
  assert.equal(last.percentage, 100);
  assert.equal(Number(/^(\d+)\//.exec(last.message!)![1]), result.filesScanned);
});

test('the starter rules file is db-audit init\'s for the same files (the rules file\'s ignore applies)', async () => {
  const result = (await client.connection.sendRequest('dbAudit/starterRules', { folder: folder() })) as StarterRulesResult;
  assert.equal(result.path, 'dbaudit.json');
  const copy = path.join(tmp, 'init');
  cpSync(FIXTURE, copy, { recursive: true });
  // The server's state already leaves out what the rules file ignores; init walks everything.
  rmSync(path.join(copy, 'docs', 'archive'), { recursive: true, force: true });
  cli('init', copy, '--force');
  assert.equal(result.text, readFileSync(path.join(copy, 'dbaudit.json'), 'utf8'));
  assert.notEqual(result.text, readFileSync(path.join(root, 'dbaudit.json'), 'utf8')); // inferred, not the existing file
});

test('databases: each database with its references (counted as in the summary) and its place in the rules file', async () => {
  const result = (await client.connection.sendRequest('dbAudit/databases', {})) as DatabasesResult;
  assert.equal(result.folders.length, 1);
  const [f] = result.folders;
  assert.equal(f.rulesFile, pathToFileURL(path.join(root, 'dbaudit.json')).href);
  for (const d of f.databases) {
    assert.equal(d.items.length, d.references, d.name);
    assert.equal(new Set(d.items.map((i) => i.path)).size, d.files, d.name);
  }
  const rules = readFileSync(path.join(root, 'dbaudit.json'), 'utf8').split('\n');
  const zoe = f.databases.find((d) => d.name === 'zoe')!;
  assert.match(rules[zoe.rulesRange!.start.line], /"zoe": \{/);
  const auth = f.databases.find((d) => d.name === 'auth.db')!;
  assert.equal(rules[auth.rulesRange!.start.line].slice(auth.rulesRange!.start.character, auth.rulesRange!.end.character), '"auth.db"');
  const item = auth.items[0];
  const line = readFileSync(fileURLToPath(item.uri), 'utf8').split('\n')[item.range.start.line];
  assert.ok(line.includes('auth.db'), line);
  assert.equal(f.databases.find((d) => d.name === 'scratch.db')?.rulesRange, undefined); // not declared
});

test('unknown folders and formats are refused', async () => {
  await assert.rejects(client.connection.sendRequest('dbAudit/report', { folder: pathToFileURL(tmpdir()).href, format: 'html' }), /Not a workspace folder/);
  await assert.rejects(client.connection.sendRequest('dbAudit/report', { folder: folder(), format: 'pdf' }), /Unknown report format/);
});

test('a cancelled rescan answers RequestCancelled, and the server reports normally afterwards', async () => {
  // Enough files that the cancellation arrives while the walk is still reading them.
  const many = path.join(root, 'generated');
  mkdirSync(many);
  for (let i = 0; i < 600; i++) writeFileSync(path.join(many, `m${i}.py`), `import sqlite3\nconn = sqlite3.connect("/app/data/auth.db")  # ${i}\n`);
  const source = new CancellationTokenSource();
  const pending = client.connection.sendRequest('dbAudit/report', { folder: folder(), format: 'json', rescan: true }, source.token);
  source.cancel();
  await assert.rejects(pending, (e: { code?: number }) => e.code === LSPErrorCodes.RequestCancelled);
  const result = (await client.connection.sendRequest('dbAudit/report', { folder: folder(), format: 'json', rescan: true })) as ReportResult;
  assert.equal(JSON.parse(result.content).filesScanned, result.filesScanned);
  assert.ok(result.databases.find((d) => d.name === 'auth.db')!.references >= 600);
});

test('rename over the protocol also renames the database in the rules file', async () => {
  const result = (await client.connection.sendRequest('dbAudit/databases', {})) as DatabasesResult;
  const auth = result.folders[0].databases.find((d) => d.name === 'auth.db')!;
  const item = auth.items.find((i) => i.kind === 'sqlite-path')!;
  const edit = (await client.connection.sendRequest('textDocument/rename', {
    textDocument: { uri: item.uri }, position: { line: item.range.end.line, character: item.range.end.character - 2 }, newName: 'accounts.db',
  })) as { changes: Record<string, Array<{ range: DatabaseReferenceItem['range']; newText: string }>> };
  const rulesUri = pathToFileURL(path.join(root, 'dbaudit.json')).href;
  const rules = readFileSync(path.join(root, 'dbaudit.json'), 'utf8').split('\n');
  assert.deepEqual(edit.changes[rulesUri].map((e) => [rules[e.range.start.line].slice(e.range.start.character, e.range.end.character), e.newText]), [['auth.db', 'accounts.db']]);
  assert.ok(Object.keys(edit.changes).length > 1);
});
