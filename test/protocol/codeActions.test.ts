// Code actions over the real server: request the quick fix for a diagnostic, apply its edit to
// the text, send didChange, and see the diagnostic go away; fix-all for a whole file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { TestClient, uri, SERVER_MAIN } from '../helpers/lspClient';
import { applyEdits } from '../../server/src/engine/fixes';

const RULES = `{
  "databases": {
    "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "env": "DATABASE_PATH", "role": "primary", "absorbs": ["auth.db", "sessions.db"] }
  }
}`;

let root: string;
let client: TestClient;

before(async () => {
  assert.ok(existsSync(SERVER_MAIN), 'build the server first (npm run build)');
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-actions-'));
  mkdirSync(path.join(root, 'services'));
  writeFileSync(path.join(root, 'dbaudit.json'), RULES);
  client = new TestClient();
  await client.initialize(root);
  await client.waitForIdle('the startup scan');
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

function editsFor(action: CodeAction, docUri: string) {
  const change = (action.edit!.documentChanges as TextDocumentEdit[]).find((c) => c.textDocument.uri === docUri)!;
  return change.edits.map((e) => ({ range: e.range, newText: 'newText' in e ? e.newText : e.snippet.value }));
}

async function open(rel: string, text: string): Promise<{ docUri: string; diagnostics: Diagnostic[] }> {
  const docUri = uri(root, rel);
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: docUri, languageId: 'python', version: 1, text } });
  const params = await client.waitFor('diagnostics on open', () => client.diagnostics.get(docUri));
  return { docUri, diagnostics: params.diagnostics };
}

test('the quick fix for a legacy path is preferred, and applying it clears the diagnostic', async () => {
  const text = '"""Accounts."""\nimport sqlite3\n\nconn = sqlite3.connect("/app/data/auth.db")\n';
  const { docUri, diagnostics } = await open('services/auth.py', text);
  assert.deepEqual(diagnostics.map((d) => d.code), ['legacy-database']);
  const actions = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: docUri },
    range: diagnostics[0].range,
    context: { diagnostics, only: ['quickfix'] },
  })) as CodeAction[];
  assert.equal(actions.length, 1);
  const [action] = actions;
  assert.equal(action.kind, 'quickfix');
  assert.equal(action.isPreferred, true);
  assert.deepEqual(action.diagnostics, diagnostics);
  const fixed = applyEdits(text, editsFor(action, docUri));
  assert.equal(fixed, '"""Accounts."""\nimport os\nimport sqlite3\n\nconn = sqlite3.connect(os.getenv("DATABASE_PATH", "/app/data/zoe.db"))\n');

  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: docUri, version: 2 },
    contentChanges: [{ text: fixed }],
  });
  await client.waitFor('the diagnostic to clear', () => client.diagnostics.get(docUri)?.diagnostics.length === 0);
});

test('source.fixAll.dbAudit fixes every problem of the file from its current text, and only on request', async () => {
  const text = 'import sqlite3\nA = sqlite3.connect("auth.db")\nB = sqlite3.connect("/app/data/sessions.db")\n';
  const { docUri, diagnostics } = await open('services/two.py', text);
  assert.equal(diagnostics.length, 2);
  const request = (only?: string[]) => client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: docUri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], ...(only ? { only } : {}) },
  }) as Promise<CodeAction[]>;
  assert.deepEqual(await request(), [], 'no fix-all with every lightbulb');
  const [fixAll] = await request(['source.fixAll']);
  assert.equal(fixAll.kind, 'source.fixAll.dbAudit');
  const fixed = applyEdits(text, editsFor(fixAll, docUri));
  assert.equal(fixed, 'import os\nimport sqlite3\nA = sqlite3.connect(os.getenv("DATABASE_PATH", "zoe.db"))\nB = sqlite3.connect(os.getenv("DATABASE_PATH", "/app/data/zoe.db"))\n');
  assert.equal(readFileSync(path.join(root, 'dbaudit.json'), 'utf8'), RULES, 'nothing is written to disk');
  await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: docUri, version: 2 }, contentChanges: [{ text: fixed }] });
  await client.waitFor('the diagnostics to clear', () => client.diagnostics.get(docUri)?.diagnostics.length === 0);
});
