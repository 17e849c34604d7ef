// A file or folder the audit may not read (another user's, as a Docker volume often is) is
// listed as not audited in every report, not dropped without a word: by the walk (a folder it
// cannot list, a file it cannot look at) and by the reads, in this thread and in scan workers alike.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliOptions } from '../helpers/cli';
import { READER, READER_ENV, unreadableTree, type UnreadableTree } from '../helpers/unreadableTree';

let tree: UnreadableTree;

before(() => {
  tree = unreadableTree(
    {
      'app.py': 'import os\nURL = "postgresql://app@db:5432/zoe"\n',
      'config/settings.py': 'AUTH_DB = "/app/data/auth.db"\n',
      'pgdata/base.env': 'DATABASE_URL=postgresql://app@db:5432/secret\n',
      'listonly/db.py': 'DB = "/app/data/tasks.db"\n',
    },
    { files: ['config/settings.py'], folders: ['pgdata'], listOnly: ['listonly'] },
  );
});

after(() => tree.remove());

const asReader = (env: Record<string, string> = {}): CliOptions => ({ ...(READER ? { user: READER } : {}), env: { ...READER_ENV, ...env } });

interface Notice {
  path: string;
  reason: string;
  message: string;
}

for (const jobs of ['1', '2']) {
  test(`scan --jobs ${jobs}: an unreadable file and folder are notices, the rest is audited`, async () => {
    const r = await runCli(['scan', tree.root, '--format', 'json', '--jobs', jobs], asReader());
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const report = JSON.parse(r.stdout) as { references: Array<{ path: string; target: string }>; notices: Notice[] };
    assert.deepEqual(report.references.map((x) => `${x.path} ${x.target}`), ['app.py zoe']);
    assert.deepEqual(
      report.notices.map((n) => [n.path, n.reason]),
      [
        ['config/settings.py', 'unreadable'],
        ['listonly/db.py', 'unreadable'],
        ['pgdata/', 'unreadable'],
      ],
    );
    assert.match(report.notices[0].message, /not audited: the file could not be read \(permission denied, EACCES\)/);
    assert.match(report.notices[1].message, /not audited: the file could not be read \(permission denied, EACCES\)/);
    assert.match(report.notices[2].message, /not audited: the folder could not be read \(permission denied, EACCES\)/);
    assert.match(r.stderr, /^db-audit: 2 files and 1 folder were not audited in full/m);
  });
}

for (const command of ['inspect', 'plan']) {
  test(`${command} says on stderr which folders it could not look in for the rules file's SQLite files`, async () => {
    const r = await runCli([command, tree.root], asReader());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^db-audit: not audited in full: pgdata\/: not audited: the folder could not be read \(permission denied, EACCES\)$/m);
  });
}

test('scan in text lists the unreadable paths under Not audited in full', async () => {
  const r = await runCli(['scan', tree.root, '--format', 'text'], asReader({ NO_COLOR: '1' }));
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const at = r.stdout.indexOf('Not audited in full');
  assert.ok(at >= 0, r.stdout);
  const tail = r.stdout.slice(at);
  assert.match(tail, /^Not audited in full \(2 files and 1 folder\)$/m);
  assert.match(tail, /config\/settings\.py.*could not be read/);
  assert.match(tail, /^  pgdata\/: .*the folder could not be read/m);
});
