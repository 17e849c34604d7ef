// Rename a database over the real protocol: prepareRename, then one WorkspaceEdit that renames
// `auth.db` to `zoe.db` in every path and URL naming it, across files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TestClient, uri } from '../helpers/lspClient';

let root: string;
let client: TestClient;
const files: Record<string, string> = {
  'run.sh': 'sqlite3 "$DATABASE_PATH" ".tables"\nsqlite3 /app/data/auth.db ".tables"\n',
  'other.sh': 'cp data/auth.db /backup/auth.db\n',
  '.env': 'AUTH_DB_PATH=/app/data/auth.db\nDB_URL=postgres://app:hunter2@db/zoe\n',
  'app.py': 'import sqlite3\nconn = sqlite3.connect("/srv/oauth.db")\n',
};

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-rename-'));
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify({
    databases: { zoe: { engine: 'sqlite', file: '/app/data/zoe.db', env: 'DATABASE_PATH', role: 'primary', absorbs: ['auth.db'] } },
  }, null, 2));
  for (const [p, text] of Object.entries(files)) writeFileSync(path.join(root, p), text);
  client = new TestClient();
  await client.initialize(root);
  await client.waitFor('the startup scan', () => client.diagnostics.get(uri(root, 'run.sh')));
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('the server offers rename with prepare', async () => {
  const other = new TestClient();
  try {
    const result = (await other.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { capabilities: { renameProvider?: unknown } };
    assert.deepEqual(result.capabilities.renameProvider, { prepareProvider: true });
  } finally {
    await other.stop();
  }
});

test('prepareRename selects the database name inside the path', async () => {
  const prepared = await client.connection.sendRequest('textDocument/prepareRename', {
    textDocument: { uri: uri(root, 'run.sh') }, position: { line: 1, character: 12 },
  });
  assert.deepEqual(prepared, { range: { start: { line: 1, character: 18 }, end: { line: 1, character: 25 } }, placeholder: 'auth.db' });
});

test('rename changes auth.db to zoe.db everywhere, as one WorkspaceEdit', async () => {
  const edit = (await client.connection.sendRequest('textDocument/rename', {
    textDocument: { uri: uri(root, 'other.sh') }, position: { line: 0, character: 9 }, newName: 'zoe.db',
  })) as WorkspaceEdit;
  const applied: Record<string, string> = {};
  for (const [u, edits] of Object.entries(edit.changes ?? {})) {
    const rel = path.relative(root, new URL(u).pathname);
    const lines = files[rel].split('\n');
    for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
      const l = lines[e.range.start.line];
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    applied[rel] = lines.join('\n');
  }
  assert.deepEqual(Object.keys(applied).sort(), ['.env', 'other.sh', 'run.sh']);
  assert.equal(applied['run.sh'], 'sqlite3 "$DATABASE_PATH" ".tables"\nsqlite3 /app/data/zoe.db ".tables"\n');
  assert.equal(applied['.env'], 'AUTH_DB_PATH=/app/data/zoe.db\nDB_URL=postgres://app:hunter2@db/zoe\n');
  assert.equal(applied['other.sh'], files['other.sh'].replace(/auth\.db/g, 'zoe.db'));
  assert.ok(!JSON.stringify(edit).includes('hunter2'));
});

test('rename on an env var is refused with a reason', async () => {
  await assert.rejects(
    client.connection.sendRequest('textDocument/prepareRename', { textDocument: { uri: uri(root, 'run.sh') }, position: { line: 0, character: 12 } }),
    /not at an env var/,
  );
});

test('a new name with a slash is refused', async () => {
  await assert.rejects(
    client.connection.sendRequest('textDocument/rename', { textDocument: { uri: uri(root, 'run.sh') }, position: { line: 1, character: 20 }, newName: 'x/zoe.db' }),
    /cannot be a database name/,
  );
});

test('rename in a file with a BOM, not open: the edit falls on the name, as the editor shows the text (without the BOM)', async () => {
  writeFileSync(path.join(root, 'bom.sh'), '\ufeffcp data/auth.db /tmp/x\n');
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(root, 'bom.sh'), type: 1 }] });
  await client.waitFor('diagnostics for bom.sh', () => client.diagnostics.get(uri(root, 'bom.sh')));
  const edit = (await client.connection.sendRequest('textDocument/rename', {
    textDocument: { uri: uri(root, 'other.sh') }, position: { line: 0, character: 9 }, newName: 'zoe.db',
  })) as WorkspaceEdit;
  assert.deepEqual(edit.changes?.[uri(root, 'bom.sh')], [{ range: { start: { line: 0, character: 8 }, end: { line: 0, character: 15 } }, newText: 'zoe.db' }]);
});
