// Files the audit cannot read in full are listed, never dropped without a word (notices.ts): one
// over --max-file-size, and one whose parse runs past its time budget (treeSitter.ts), through the
// in-process scan, the worker threads, the CLI's cache and every report format.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditWorkspace } from '../../server/src/engine/audit';
import { renderReport } from '../../server/src/engine/reports';
import { runCli } from '../helpers/cli';

const LIMIT = 65536;
let root: string;
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dbaudit-notices-'));
  root = path.join(dir, 'ws');
  mkdirSync(root);
  // Over the limit: its table would otherwise be in the inventory.
  writeFileSync(path.join(root, 'big.sql'), 'CREATE TABLE users (id int);\n' + '-- padding\n'.repeat(7000));
  // bash's error recovery on 40,000 `)` took 45 s: the parse stops at its budget and the file is read without the grammar.
  writeFileSync(path.join(root, 'run.sh'), 'psql postgres://db/app\nX=' + ')'.repeat(40000) + '\n');
  writeFileSync(path.join(root, 'ok.py'), 'import sqlite3\nsqlite3.connect("zoe.db")\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const EXPECTED = [
  { path: 'big.sql', reason: 'too-large', message: 'not audited: 77,029 bytes, over the 65,536-byte limit (--max-file-size, dbAudit.maxFileSize)' },
  {
    path: 'run.sh',
    reason: 'parse-budget',
    message: 'read without the shell grammar, whose parse ran past its time budget: references only a parse finds (environment reads, SQL passed to calls) may be missing',
  },
];

test('a scan lists the file over the size limit and the file read without its grammar; the rest of it is still read', async () => {
  const here = await auditWorkspace({ root, maxFileSize: LIMIT, jobs: 1 });
  assert.deepEqual(here.notices, EXPECTED);
  assert.deepEqual(here.references.map((r) => [r.path, r.target]), [['ok.py', 'zoe.db'], ['run.sh', 'app']]);
  assert.equal(here.tables.length, 0, 'big.sql was not read');
  // Worker threads post the analysis's `unparsed` back to this thread.
  const threaded = await auditWorkspace({ root, maxFileSize: LIMIT, jobs: 2 });
  assert.deepEqual(threaded.notices, EXPECTED);
  // Without a limit that small, only the parse is left.
  assert.deepEqual((await auditWorkspace({ root, jobs: 1 })).notices.map((n) => n.path), ['run.sh']);
});

test('every report format lists the notices; none when there are none', async () => {
  const result = await auditWorkspace({ root, maxFileSize: LIMIT, jobs: 1 });
  const text = renderReport('text', result);
  assert.match(text, /^Not audited in full \(2 files\)\n {2}big\.sql: not audited: 77,029 bytes[^\n]*\n {2}run\.sh: read without the shell grammar/);
  assert.deepEqual(JSON.parse(renderReport('json', result)).notices, EXPECTED);
  const sarif = JSON.parse(renderReport('sarif', result));
  const [invocation] = sarif.runs[0].invocations;
  assert.equal(invocation.executionSuccessful, true);
  assert.deepEqual(invocation.toolExecutionNotifications.map((n: { descriptor: { id: string }; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) =>
    [n.descriptor.id, n.level, n.locations[0].physicalLocation.artifactLocation.uri]), [['too-large', 'warning', 'big.sql'], ['parse-budget', 'warning', 'run.sh']]);
  assert.match(renderReport('markdown', result), /\n## Not audited in full\n\n- `big\.sql`: not audited: [^\n]*\n- `run\.sh`: read without the shell grammar/);

  const clean = { ...result, notices: [] };
  assert.doesNotMatch(renderReport('text', clean), /Not audited/);
  assert.doesNotMatch(renderReport('markdown', clean), /Not audited/);
  assert.equal(JSON.parse(renderReport('sarif', clean)).runs[0].invocations, undefined);
  assert.deepEqual(JSON.parse(renderReport('json', clean)).notices, []);
});

test('the CLI says so on stderr for a report file, and the notices survive its cache', async () => {
  const cache = path.join(dir, 'cache');
  for (const run of ['first', 'from the cache']) {
    const out = path.join(dir, `report-${run}.json`);
    const r = await runCli(['scan', root, '--max-file-size', String(LIMIT), '--format', 'json', '--output', out, '--cache', cache]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'db-audit: 2 files were not audited in full (the report lists them)\n', run);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')).notices, EXPECTED, run);
  }
  // The text report on stdout lists them itself.
  const text = await runCli(['scan', root, '--max-file-size', String(LIMIT)]);
  assert.equal(text.stderr, '');
  assert.match(text.stdout, /Not audited in full \(2 files\)/);
  // The inventory has no place for them: stderr lists each.
  const inventory = await runCli(['inventory', root, '--max-file-size', String(LIMIT)]);
  assert.equal(inventory.code, 0, inventory.stderr);
  assert.equal(inventory.stderr, EXPECTED.map((n) => `db-audit: not audited in full: ${n.path}: ${n.message}\n`).join(''));
  // Nor has fix's summary: what it did not read, it did not fix either.
  const fix = await runCli(['fix', root, '--dry-run', '--max-file-size', String(LIMIT)]);
  assert.equal(fix.code, 0, fix.stderr);
  assert.equal(fix.stderr, EXPECTED.map((n) => `db-audit: not audited in full: ${n.path}: ${n.message}\n`).join(''));
  // Nor has init's starter rules file: a database named only in such a file is not in it.
  const init = await runCli(['init', root, '--max-file-size', String(LIMIT)]);
  try {
    assert.equal(init.code, 0, init.stderr);
    assert.equal(init.stderr, EXPECTED.map((n) => `db-audit: not audited in full: ${n.path}: ${n.message}\n`).join(''));
  } finally {
    rmSync(path.join(root, 'dbaudit.json'), { force: true });
  }
});
