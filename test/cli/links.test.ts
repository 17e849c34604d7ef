// Links: the walk follows none (they can loop or leave the workspace). One that leads out of the
// workspace to a file the audit would read, or to a folder, hides what is there from every
// report (`.env -> ~/secrets/app.env` is common), so it is listed; one that stays inside, a
// broken one, and one to a file the audit does not read are not.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/cli';
import { TestClient, SERVER_MAIN } from '../helpers/lspClient';

let base: string;
let root: string;
let outside: string;

interface JsonReport {
  references: Array<{ path: string; target: string }>;
  notices: Array<{ path: string; reason: string; message: string }>;
}

before(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'dbaudit-links-'))); // the notices name real paths (macOS's temp folder is under a link)
  root = path.join(base, 'workspace');
  outside = path.join(base, 'secrets');
  const write = (abs: string, text: string) => {
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };
  write(path.join(root, 'app.py'), 'URL = "postgresql://app@db:5432/zoe"\n');
  write(path.join(root, '.gitignore'), 'build/\n');
  write(path.join(outside, 'app.env'), 'DATABASE_URL=postgresql://app@db:5432/secret\n');
  write(path.join(outside, 'conf/settings.py'), 'URL = "postgresql://app@db:5432/auth"\n');
  write(path.join(outside, 'logo.png'), 'not an image\n');
  write(path.join(outside, 'zoe.db'), '');
  symlinkSync(path.join(outside, 'app.env'), path.join(root, '.env'));
  symlinkSync(path.join(outside, 'conf'), path.join(root, 'conf'));
  symlinkSync(path.join(root, 'app.py'), path.join(root, 'alias.py'));
  symlinkSync(path.join(outside, 'missing.py'), path.join(root, 'broken.py'));
  symlinkSync(path.join(outside, 'logo.png'), path.join(root, 'logo.png'));
  symlinkSync(path.join(outside, 'zoe.db'), path.join(root, 'zoe.db'));
  mkdirSync(path.join(root, 'build'));
  symlinkSync(path.join(outside, 'conf/settings.py'), path.join(root, 'build/settings.py'));
});

after(() => rmSync(base, { recursive: true, force: true }));

test('scan lists the links that lead out of the workspace to what it would read, and only those', async () => {
  const run = await runCli(['scan', root, '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.deepEqual(
    report.notices.map((n) => [n.path, n.reason, n.message]),
    [
      ['.env', 'link', `not audited: a link to a file outside the workspace (${path.join(outside, 'app.env')}); the audit follows no links`],
      ['conf/', 'link', `not audited: a link to a folder outside the workspace (${path.join(outside, 'conf')}); the audit follows no links`],
      ['zoe.db', 'link', `not audited: a link to a file outside the workspace (${path.join(outside, 'zoe.db')}); the audit follows no links`],
    ],
  );
  // What the links lead to stays unread: only the workspace's own file is audited.
  assert.deepEqual(report.references.map((r) => `${r.path} ${r.target}`), ['app.py zoe']);
  assert.match(run.stderr, /2 files and 1 folder were not audited in full/);
});

test('the text report counts them with the rest', async () => {
  const run = await runCli(['scan', root, '--format', 'text'], { env: { NO_COLOR: '1' } });
  assert.match(run.stdout, /Not audited in full \(2 files and 1 folder\)/);
  assert.match(run.stdout, /^ {2}\.env: not audited: a link to a file outside the workspace/m);
});

test('inspect and plan say on stderr which links out of the workspace may hide a database file: to a folder or a SQLite file', async () => {
  for (const args of [['inspect', root, '--format', 'json'], ['plan', root]]) {
    const run = await runCli(args);
    const lines = run.stderr.split('\n').filter((l) => l.includes('a link to'));
    assert.deepEqual(lines, [
      `db-audit: not audited in full: conf/: not audited: a link to a folder outside the workspace (${path.join(outside, 'conf')}); the audit follows no links`,
      `db-audit: not audited in full: zoe.db: not audited: a link to a file outside the workspace (${path.join(outside, 'zoe.db')}); the audit follows no links`,
    ], `${args[0]}: ${run.stderr}`);
  }
});

test('the language server lists the same links as the CLI', async () => {
  const client = new TestClient([SERVER_MAIN, '--stdio']);
  try {
    await client.initialize(root);
    await client.waitForIdle('the startup scan');
    const result = (await client.connection.sendRequest('dbAudit/report', { folder: pathToFileURL(root).href, format: 'json' })) as { content: string };
    const cli = await runCli(['report', root, '--format', 'json']);
    assert.equal(result.content, cli.stdout);
    assert.deepEqual((JSON.parse(result.content) as JsonReport).notices.map((n) => n.path), ['.env', 'conf/', 'zoe.db']);
    // A change event for a link (made again, say) keeps its one notice.
    const from = client.notifications.length;
    const changes = ['.env', 'conf'].map((rel) => ({ uri: pathToFileURL(path.join(root, rel)).href, type: 2 }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
    await client.waitForIdle('the re-check', from);
    const again = (await client.connection.sendRequest('dbAudit/report', { folder: pathToFileURL(root).href, format: 'json' })) as { content: string };
    assert.equal(again.content, result.content);
  } finally {
    await client.stop();
  }
});
