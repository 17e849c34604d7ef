// Rapid typing through the real protocol: every edit is re-checked at once or coalesced with
// the ones after it (recheckScheduler.ts), and the diagnostics never go back to an older text.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TestClient, uri, SERVER_MAIN } from '../helpers/lspClient';

const RULES = `{
  "databases": {
    "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "env": "DATABASE_PATH", "role": "primary", "absorbs": ["auth.db"] }
  }
}`;

let root: string;
let client: TestClient;
/** Every publishDiagnostics, in arrival order. */
const published: PublishDiagnosticsParams[] = [];

before(async () => {
  assert.ok(existsSync(SERVER_MAIN), 'build the server first (npm run build)');
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-typing-'));
  mkdirSync(path.join(root, 'services'));
  writeFileSync(path.join(root, 'dbaudit.json'), RULES);
  client = new TestClient();
  const set = client.diagnostics.set.bind(client.diagnostics);
  client.diagnostics.set = (key, value) => {
    published.push(value);
    return set(key, value);
  };
  await client.initialize(root);
  await client.waitForIdle('the initial scan');
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The edit number a file's diagnostics speak of (`edit_<n>.db`), or -1 when none. */
function editOf(p: PublishDiagnosticsParams): number {
  const m = /edit_(\d+)\.db/.exec(JSON.stringify(p.diagnostics));
  return m ? Number(m[1]) : -1;
}

test('a burst of edits ends with the last text checked, and diagnostics never go back to an older one', async () => {
  const docUri = uri(root, 'services/typing.py');
  const filler = Array.from({ length: 300 }, (_, i) => `def f${i}(x):\n    return x + ${i}\n`).join('\n');
  const line = (i: number) => `EDIT_DB = "/app/data/edit_${i}.db"`;
  await client.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: docUri, languageId: 'python', version: 1, text: `import sqlite3\n${line(0)}\n${filler}` },
  });
  await client.waitFor('diagnostics on open', () => published.some((p) => p.uri === docUri && editOf(p) === 0));

  const edits = 40;
  for (let i = 1; i <= edits; i++) {
    // Not awaited one by one: the edits arrive while earlier re-checks run.
    void client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: docUri, version: i + 1 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: line(i - 1).length } }, text: line(i) }],
    });
  }
  await client.waitFor('the last edit checked', () => editOf(client.diagnostics.get(docUri)!) === edits);

  // One more edit after the burst: anything stale still on its way would arrive before its diagnostics.
  void client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: docUri, version: edits + 2 },
    contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: line(edits).length } }, text: line(edits + 1) }],
  });
  await client.waitFor('the edit after the burst checked', () => editOf(client.diagnostics.get(docUri)!) === edits + 1);

  const seen = published.filter((p) => p.uri === docUri).map(editOf);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `diagnostics went back from edit ${seen[i - 1]} to ${seen[i]}: ${seen.join(' ')}`);
  assert.equal(seen[seen.length - 1], edits + 1);
});

test('the hover after an edit answers from the edited text', async () => {
  const docUri = uri(root, 'services/hover.py');
  await client.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: docUri, languageId: 'python', version: 1, text: 'PATH = "/app/data/first.db"\n' },
  });
  await client.waitFor('diagnostics on open', () => /first\.db/.test(JSON.stringify(client.diagnostics.get(docUri)?.diagnostics ?? [])));
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: docUri, version: 2 },
    contentChanges: [{ text: 'PATH = "/app/data/second.db"\n' }],
  });
  await client.waitFor('diagnostics of the edit', () => /second\.db/.test(JSON.stringify(client.diagnostics.get(docUri)?.diagnostics ?? [])));
  const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: docUri }, position: { line: 0, character: 12 } });
  assert.match(JSON.stringify(hover), /second\.db/);
});
