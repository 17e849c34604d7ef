// dbAudit/fixAllInWorkspace over the real server on a COPY of the zoe-like fixture: one
// WorkspaceEdit from the current texts (an open document's unsaved text wins over the disk),
// versioned for open documents, every change annotated per rule with needsConfirmation. Applied
// by the test as the editor would, nothing fixable is left, and the server, told of the changes,
// has nothing more to fix.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient, uri, SERVER_MAIN } from '../helpers/lspClient';
import { applyEdits } from '../../server/src/engine/fixes';
import { fixesFor } from '../../server/src/engine/fixes';
import { auditWorkspace } from '../../server/src/engine/audit';
import { FixAllInWorkspaceRequest, type FixAllInWorkspaceResult } from '../../server/src/protocol';

const FIXTURE = path.resolve(__dirname, '../fixtures/zoe-like');
let root: string;
let client: TestClient;

before(async () => {
  assert.ok(existsSync(SERVER_MAIN), 'build the server first (npm run build)');
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-fixall-'));
  cpSync(FIXTURE, root, { recursive: true });
  client = new TestClient();
  await client.initialize(root);
  await client.waitForIdle('the startup scan');
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

const ask = () => client.connection.sendRequest(FixAllInWorkspaceRequest, {}) as Promise<FixAllInWorkspaceResult>;

test('scoped to one database ("Fix all references to this database"): only that database\'s findings are fixed', async () => {
  const all = await auditWorkspace({ root });
  const authFiles = new Set(all.findings.filter((f) => f.data.found === 'auth.db' && f.rule === 'legacy-database').map((f) => uri(root, f.path)));
  assert.ok(authFiles.size >= 3, `auth.db is named in ${authFiles.size} files`);
  const result = (await client.connection.sendRequest(FixAllInWorkspaceRequest, { database: 'auth.db' })) as FixAllInWorkspaceResult;
  const changed = result.edit.documentChanges.map((c) => c.textDocument.uri);
  assert.ok(changed.includes(uri(root, 'services/auth/store.py')));
  assert.ok(!changed.includes(uri(root, 'services/sessions/store.py')), 'sessions.db is another database');
  for (const c of changed) assert.ok(authFiles.has(c), `${c} has a finding about auth.db`);
  assert.deepEqual(Object.keys(result.edit.changeAnnotations), ['legacy-database']);
  const none = (await client.connection.sendRequest(FixAllInWorkspaceRequest, { database: 'no-such.db' })) as FixAllInWorkspaceResult;
  assert.deepEqual(none.edit.documentChanges, []);
  assert.equal(none.left, 0);
});

test('one annotated WorkspaceEdit from the current texts; applied, nothing fixable is left and the server agrees', async () => {
  // An open, unsaved document: its text (a second legacy path) is what gets fixed, not the disk's.
  const journal = 'services/journal/store.py';
  const journalUri = uri(root, journal);
  const unsaved = `${readFileSync(path.join(root, journal), 'utf8')}\nBACKUP = "/app/data/journal.db"\n`;
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: journalUri, languageId: 'python', version: 7, text: unsaved } });

  const diskBefore = readFileSync(path.join(root, 'services/auth/store.py'), 'utf8');
  const result = await ask();
  assert.equal(readFileSync(path.join(root, 'services/auth/store.py'), 'utf8'), diskBefore, 'the server writes nothing');
  const { documentChanges, changeAnnotations } = result.edit;
  assert.ok(documentChanges.length >= 10, `${documentChanges.length} files`);
  assert.equal(result.files, documentChanges.length);
  assert.ok(result.fixes >= documentChanges.length);

  // Versioned: the open document carries its version, closed files null.
  const journalChange = documentChanges.find((c) => c.textDocument.uri === journalUri);
  assert.equal(journalChange?.textDocument.version, 7);
  assert.ok(documentChanges.filter((c) => c !== journalChange).every((c) => c.textDocument.version === null));

  // Annotations: every edit has one, each asks for confirmation, grouped by rule.
  const ids = new Set(documentChanges.flatMap((c) => c.edits.map((e) => e.annotationId)));
  assert.deepEqual([...ids].sort(), Object.keys(changeAnnotations).sort());
  for (const a of Object.values(changeAnnotations)) assert.equal(a.needsConfirmation, true);
  for (const rule of ['legacy-database', 'legacy-env-var', 'prefixed-table']) assert.ok(ids.has(rule), `an annotation for ${rule}`);
  assert.match(changeAnnotations['legacy-database'].label, /legacy-database/);
  assert.doesNotMatch(JSON.stringify(result), /Tr0ub4dor/, 'no password anywhere in the edit');

  // Apply as the editor would: the open document's text, the disk for the rest.
  let journalFixed = '';
  for (const change of documentChanges) {
    const file = fileURLToPath(change.textDocument.uri);
    const before = change === journalChange ? unsaved : readFileSync(file, 'utf8');
    const after = applyEdits(before, change.edits);
    if (change === journalChange) journalFixed = after;
    else writeFileSync(file, after);
  }
  assert.match(journalFixed, /BACKUP = os\.getenv\("DATABASE_PATH", "\/app\/data\/zoe\.db"\)/);
  assert.match(journalFixed, /^import os$/m);

  // Nothing fixable left in the result (the open document saved, as the user would).
  writeFileSync(path.join(root, journal), journalFixed);
  const audit = await auditWorkspace({ root });
  const textOf = (rel: string) => {
    try {
      return readFileSync(path.join(root, rel), 'utf8').replace(/^\ufeff/, '');
    } catch {
      return undefined;
    }
  };
  const fixable = audit.findings.filter((f) => fixesFor(f, { textOf, config: audit.rulesFile?.config }).some((x) => x.isPreferred));
  assert.deepEqual(fixable.map((f) => `${f.path}:${f.range.start.line + 1} ${f.rule}`), []);

  // The server re-checks on didChange (open documents) and watched-file changes (the rest): asked again, it has nothing to fix.
  await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: journalUri, version: 8 }, contentChanges: [{ text: journalFixed }] });
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: documentChanges.filter((c) => c !== journalChange).map((c) => ({ uri: c.textDocument.uri, type: 2 })),
  });
  const again = await ask();
  assert.deepEqual(again.edit.documentChanges, []);
  assert.equal(again.left, audit.findings.length);
});

test('a folder that is not the server\'s is an error, not an empty edit', async () => {
  await assert.rejects(client.connection.sendRequest(FixAllInWorkspaceRequest, { folder: uri(tmpdir(), 'elsewhere') }), /Not an enabled workspace folder/);
});
