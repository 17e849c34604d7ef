// Databases as symbols over the real protocol: hover, references, definition, code lens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CodeLens, Hover, Location } from 'vscode-languageserver-protocol';
import { TestClient, uri } from '../helpers/lspClient';

let root: string;
let client: TestClient;

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-nav-'));
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify({
    databases: { zoe: { engine: 'sqlite', file: '/app/data/zoe.db', env: 'DATABASE_PATH', role: 'primary', absorbs: ['auth.db'] } },
  }, null, 2));
  writeFileSync(path.join(root, '.env'), 'DATABASE_PATH=/app/data/zoe.db\nDB_URL=postgres://app:hunter2@db/zoe\n');
  writeFileSync(path.join(root, 'run.sh'), 'sqlite3 "$DATABASE_PATH" ".tables"\nsqlite3 /app/data/auth.db ".tables"\n');
  writeFileSync(path.join(root, 'other.sh'), 'cp data/auth.db /backup/\n');
  client = new TestClient();
  await client.initialize(root);
  await client.waitFor('the startup scan', () => client.diagnostics.get(uri(root, 'run.sh')));
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('hover on a legacy path names the target, its env var and the workspace counts', async () => {
  const hover = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: uri(root, 'run.sh') }, position: { line: 1, character: 20 },
  })) as Hover;
  const text = (hover.contents as { value: string }).value;
  assert.match(text, /^\*\*auth\.db\*\* — sqlite · sqlite-path/);
  assert.match(text, /absorbed into \*\*zoe\*\*; read `DATABASE_PATH` instead/);
  assert.match(text, /2 references in 2 files/);
  assert.deepEqual(hover.range, { start: { line: 1, character: 8 }, end: { line: 1, character: 25 } });
});

test('hover never shows a password', async () => {
  const hover = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: uri(root, '.env') }, position: { line: 1, character: 20 },
  })) as Hover;
  const text = (hover.contents as { value: string }).value;
  assert.match(text, /postgres:\/\/app:\*\*\*@db\/zoe/);
  assert.doesNotMatch(text, /hunter2/);
});

test('find references lists every reference to the same database', async () => {
  const locations = (await client.connection.sendRequest('textDocument/references', {
    textDocument: { uri: uri(root, 'other.sh') }, position: { line: 0, character: 8 }, context: { includeDeclaration: true },
  })) as Location[];
  assert.deepEqual(locations.map((l) => [path.basename(new URL(l.uri).pathname), l.range.start.line, l.range.start.character]).sort(), [
    ['other.sh', 0, 3],
    ['run.sh', 1, 8],
  ]);
});

test('go to definition on an env var read lands on its .env definition', async () => {
  const locations = (await client.connection.sendRequest('textDocument/definition', {
    textDocument: { uri: uri(root, 'run.sh') }, position: { line: 0, character: 12 },
  })) as Location[];
  assert.deepEqual(locations, [{ uri: uri(root, '.env'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 13 } } }]);
});

test('code lenses count references per database entry of the rules file', async () => {
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uri(root, 'dbaudit.json') } })) as CodeLens[];
  assert.deepEqual(lenses.map((l) => l.command?.title), ['3 references in 2 files', '2 references in 2 files']);
});
