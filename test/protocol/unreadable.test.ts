// The language server, run as a user who may not read some of the workspace: its report lists
// what it could not read as the CLI's does, and a file opened to it later is read and no longer listed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/cli';
import { TestClient, SERVER_MAIN, uri } from '../helpers/lspClient';
import { READER, READER_ENV, unreadableTree, type UnreadableTree } from '../helpers/unreadableTree';

let tree: UnreadableTree;
let client: TestClient;

interface JsonReport {
  references: Array<{ path: string; target: string }>;
  notices: Array<{ path: string; reason: string }>;
}

before(async () => {
  tree = unreadableTree(
    {
      'app.py': 'URL = "postgresql://app@db:5432/zoe"\n',
      'config/settings.py': 'URL = "postgresql://app@db:5432/auth"\n',
      'pgdata/base.env': 'DATABASE_URL=postgresql://app@db:5432/secret\n',
    },
    { files: ['config/settings.py'], folders: ['pgdata'], listOnly: [] },
  );
  client = new TestClient([SERVER_MAIN, '--stdio'], { ...process.env, ...READER_ENV }, READER);
  await client.initialize(tree.root);
  await client.waitForIdle('the startup scan');
});

after(async () => {
  await client?.stop();
  tree.remove();
});

async function serverReport(): Promise<string> {
  const result = (await client.connection.sendRequest('dbAudit/report', { folder: pathToFileURL(tree.root).href, format: 'json' })) as { content: string };
  return result.content;
}

test('the server\'s report lists the unreadable file and folder, as the CLI\'s does', async () => {
  const content = await serverReport();
  const cli = await runCli(['report', tree.root, '--format', 'json'], { ...(READER ? { user: READER } : {}), env: READER_ENV });
  assert.equal(content, cli.stdout);
  const report = JSON.parse(content) as JsonReport;
  assert.deepEqual(report.notices.map((n) => [n.path, n.reason]), [['config/settings.py', 'unreadable'], ['pgdata/', 'unreadable']]);
  assert.deepEqual(report.references.map((r) => `${r.path} ${r.target}`), ['app.py zoe']);
});

test('a file opened to the reader and changed on disk is read, and its notice goes', async () => {
  tree.open('config/settings.py');
  const from = client.notifications.length;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(tree.root, 'config/settings.py'), type: 2 }] });
  await client.waitForIdle('the re-check', from);
  const report = JSON.parse(await serverReport()) as JsonReport;
  assert.deepEqual(report.notices.map((n) => [n.path, n.reason]), [['pgdata/', 'unreadable']]);
  assert.deepEqual(report.references.map((r) => `${r.path} ${r.target}`), ['app.py zoe', 'config/settings.py auth']);
});

test('a change event for the folder it still may not read leaves one notice for it, not two', async () => {
  const from = client.notifications.length;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(tree.root, 'pgdata'), type: 2 }] });
  await client.waitForIdle('the re-check', from);
  const report = JSON.parse(await serverReport()) as JsonReport;
  assert.deepEqual(report.notices.map((n) => [n.path, n.reason]), [['pgdata/', 'unreadable']]);
});

test('a file it may no longer read when the rules file asks for it again is listed, not dropped without a word', async () => {
  // worker.py reads only a variable no database variable is named like: the scan rules it out
  // until the rules file declares that variable, and then reads it again.
  writeFileSync(path.join(tree.root, 'worker.py'), 'import os\nSTORE = os.getenv("APP_STORE")\n');
  let from = client.notifications.length;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(tree.root, 'worker.py'), type: 1 }] });
  await client.waitForIdle('the new file', from);
  tree.close('worker.py');
  writeFileSync(path.join(tree.root, 'dbaudit.json'), JSON.stringify({ databases: { store: { engine: 'postgres', database: 'store', env: 'APP_STORE' } } }));
  from = client.notifications.length;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(tree.root, 'dbaudit.json'), type: 1 }] });
  await client.waitForIdle('the re-check under the new rules', from);
  const report = JSON.parse(await serverReport()) as JsonReport;
  assert.deepEqual(report.notices.map((n) => [n.path, n.reason]), [['pgdata/', 'unreadable'], ['worker.py', 'unreadable']]);
  const cli = await runCli(['report', tree.root, '--format', 'json'], { ...(READER ? { user: READER } : {}), env: READER_ENV });
  assert.deepEqual((JSON.parse(cli.stdout) as JsonReport).notices, report.notices);
});
