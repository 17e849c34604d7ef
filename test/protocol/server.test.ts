import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TestClient, uri, SERVER_MAIN } from '../helpers/lspClient';

const RULES = `{
  // the target architecture
  "databases": {
    "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "env": "DATABASE_PATH", "role": "primary", "absorbs": ["auth.db"] }
  }
}`;

let root: string;
let client: TestClient;

before(async () => {
  assert.ok(existsSync(SERVER_MAIN), 'build the server first (npm run build)');
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-lsp-'));
  mkdirSync(path.join(root, 'services'));
  writeFileSync(path.join(root, 'dbaudit.json'), RULES);
  writeFileSync(path.join(root, 'services/closed.py'), 'import sqlite3\nconn = sqlite3.connect("/app/data/auth.db")\n');
  client = new TestClient();
  await client.initialize(root);
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('the startup scan publishes diagnostics for files that are not open', async () => {
  const closed = uri(root, 'services/closed.py');
  const params = await client.waitFor('diagnostics of the closed file', () => client.diagnostics.get(closed));
  assert.equal(params.diagnostics.length, 1);
  const [d] = params.diagnostics;
  assert.equal(d.code, 'legacy-database');
  assert.equal(d.source, 'db-audit');
  assert.equal(d.severity, 1);
  assert.deepEqual(d.range, { start: { line: 1, character: 24 }, end: { line: 1, character: 41 } });
  assert.match(String(d.message), /auth\.db is absorbed into zoe \(zoe\.db\); read DATABASE_PATH/);
  assert.equal((d.data as { rule: string; targetEnv: string }).targetEnv, 'DATABASE_PATH');
  assert.match(d.codeDescription!.href, /#legacy-database$/);
  assert.equal(d.relatedInformation?.[0].location.uri, uri(root, 'dbaudit.json'));
  // The status follows the diagnostics on the wire: wait for it rather than expect it already there.
  const status = await client.waitForIdle('an idle status after the scan');
  assert.equal((status.params as { errors: number }).errors, 1);
});

test('an open document is checked on open and re-checked on change', async () => {
  const docUri = uri(root, 'services/new.py');
  await client.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: docUri, languageId: 'python', version: 1, text: 'import sqlite3\ndb = sqlite3.connect("auth.db")\n' },
  });
  const first = await client.waitFor('diagnostics on open', () => client.diagnostics.get(docUri));
  assert.deepEqual(first.diagnostics.map((d) => d.code), ['legacy-database']);

  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: docUri, version: 2 },
    contentChanges: [{ text: 'import os, sqlite3\ndb = sqlite3.connect(os.getenv("DATABASE_PATH", "/app/data/zoe.db"))\n' }],
  });
  const second = await client.waitFor('diagnostics cleared after the fix', () => {
    const p = client.diagnostics.get(docUri);
    return p && p.diagnostics.length === 0 ? p : undefined;
  });
  assert.equal(second.diagnostics.length, 0);
});

test('a document opened in a virtualenv is not checked (the audit does not look there); one opened beside it is', async () => {
  mkdirSync(path.join(root, '.venv/lib'), { recursive: true });
  writeFileSync(path.join(root, '.venv/lib/conf.py'), '');
  const text = 'import sqlite3\ndb = sqlite3.connect("auth.db")\n';
  const venv = uri(root, '.venv/lib/conf.py');
  const opened = uri(root, 'services/opened.py');
  for (const docUri of [venv, opened]) {
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: docUri, languageId: 'python', version: 1, text } });
  }
  // Handled in order: once the second document's diagnostics arrive, the first was handled.
  const second = await client.waitFor('diagnostics of the document the audit reads', () => client.diagnostics.get(opened));
  assert.deepEqual(second.diagnostics.map((d) => d.code), ['legacy-database']);
  assert.equal(client.diagnostics.get(venv)?.diagnostics.length ?? 0, 0);
});

test('a rules file edit re-checks closed files; an invalid rules file gets diagnostics in itself', async () => {
  const rulesUri = uri(root, 'dbaudit.json');
  const closed = uri(root, 'services/closed.py');
  await client.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: rulesUri, languageId: 'json', version: 1, text: RULES },
  });
  // No longer absorbed: the closed file's legacy-database finding becomes unknown-database.
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: rulesUri, version: 2 },
    contentChanges: [{ text: RULES.replace('"absorbs": ["auth.db"]', '"absorbs": []') }],
  });
  const changed = await client.waitFor('closed file re-checked', () => {
    const p = client.diagnostics.get(closed);
    return p?.diagnostics.some((d) => d.code === 'unknown-database') ? p : undefined;
  });
  assert.deepEqual(changed.diagnostics.map((d) => d.code).sort(), ['hardcoded-database-path', 'unknown-database']);

  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: rulesUri, version: 3 },
    contentChanges: [{ text: '{ "databases": { "zoe": { "engine": "sqlite", "absorbs": ["x.db", "x.db"], "colour": 1 } } }' }],
  });
  const problems = await client.waitFor('rules file diagnostics', () => {
    const p = client.diagnostics.get(rulesUri);
    return p && p.diagnostics.length > 0 ? p : undefined;
  });
  assert.ok(problems.diagnostics.every((d) => d.code === 'invalid-rules-file'));
  assert.ok(problems.diagnostics.some((d) => /Unknown key "colour"/.test(String(d.message))), JSON.stringify(problems.diagnostics));
});

test('a file created on disk is picked up through watched-file events', async () => {
  writeFileSync(path.join(root, 'services/later.py'), 'DSN = "postgresql://app:hunter2@db/zoe"\n');
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(root, 'services/later.py'), type: 1 }] });
  const p = await client.waitFor('diagnostics for the new file', () => client.diagnostics.get(uri(root, 'services/later.py')));
  const credentials = p.diagnostics.find((d) => d.code === 'credentials-in-connection-string');
  assert.ok(credentials);
  assert.doesNotMatch(JSON.stringify(p), /hunter2/);
});

test('a folder deleted on disk, reported as one event for the folder, takes its files\' diagnostics with it', async () => {
  const rel = 'gone/store.py';
  mkdirSync(path.join(root, 'gone'), { recursive: true });
  writeFileSync(path.join(root, rel), 'DSN = "postgresql://app:hunter2@db/zoe"\n');
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(root, rel), type: 1 }] });
  await client.waitFor('diagnostics for the file', () => client.diagnostics.get(uri(root, rel))?.diagnostics.length);
  rmSync(path.join(root, 'gone'), { recursive: true });
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(root, 'gone'), type: 3 }] });
  await client.waitFor('the deleted file\'s diagnostics cleared', () => client.diagnostics.get(uri(root, rel))?.diagnostics.length === 0);
});

test('a file created where the scan does not look (a virtualenv, node_modules) stays out of the diagnostics', async () => {
  const left = ['.venv/lib/python3.11/site-packages/pkg/conf.py', 'node_modules/pkg/conf.js'];
  for (const rel of left) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), 'DSN = "postgresql://app:hunter2@db/zoe"\n');
  }
  writeFileSync(path.join(root, 'services/after.py'), 'DSN = "postgresql://app:hunter2@db/zoe"\n');
  // One notification, handled in order: once the last file's diagnostics arrive, the others were handled.
  const changes = [...left, 'services/after.py'].map((rel) => ({ uri: uri(root, rel), type: 1 }));
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  await client.waitFor('diagnostics for the file the scan reads', () => client.diagnostics.get(uri(root, 'services/after.py')));
  for (const rel of left) assert.equal(client.diagnostics.get(uri(root, rel))?.diagnostics.length ?? 0, 0, rel);
});
