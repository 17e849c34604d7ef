// `db-audit scan --cache DIR` through the built bin on a copy of the fixture: the report is the
// same with and without the cache, from an empty and from a filled cache; the stored results are
// what later runs use (a doctored entry shows up, a doctored ruled-out key hides a file), a
// changed file is analyzed again, entries of changed files are dropped, and a cache written by
// another tool version, or by another build of this version, is ignored.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');
const CACHE_FILE = 'db-audit-analyses.json';
const EDITED = 'services/journal/store.py';

let dir: string;
let root: string;
let cacheDir: string;

function scan(withCache: boolean): string {
  const args = [BIN, 'scan', root, '--format', 'json', ...(withCache ? ['--cache', cacheDir] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout;
}

interface Stored {
  tool: string;
  entries: Record<string, { references: Array<{ path: string; value: string }>; tables: unknown[] }>;
  ruledOut: { filter: string[] | null; nothing: string[]; envOnly: string[] };
}
const stored = () => JSON.parse(readFileSync(path.join(cacheDir, CACHE_FILE), 'utf8')) as Stored;
const entriesOf = (s: Stored, rel: string) => Object.entries(s.entries).filter(([, a]) => a.references.some((r) => r.path === rel));

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dbaudit-scan-cache-'));
  root = path.join(dir, 'zoe');
  cacheDir = path.join(dir, 'cache');
  cpSync(path.join(REPO, 'test/fixtures/zoe-like'), root, { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the report is the same without a cache, from an empty cache and from a filled one', () => {
  const plain = scan(false);
  assert.ok(JSON.parse(plain).references.length > 0);
  assert.equal(scan(true), plain);
  const s = stored();
  assert.ok(typeof s.tool === 'string' && Object.keys(s.entries).length >= JSON.parse(plain).filesScanned - 1);
  assert.equal(scan(true), plain);
});

test('later runs use the stored results: a doctored entry shows up in the report', () => {
  const s = stored();
  const [[key, analysis]] = entriesOf(s, EDITED);
  const doctored = { ...analysis, references: analysis.references.map((r) => ({ ...r, value: 'doctored.db' })) };
  writeFileSync(path.join(cacheDir, CACHE_FILE), JSON.stringify({ ...s, entries: { ...s.entries, [key]: doctored } }));
  assert.match(scan(true), /doctored\.db/);
  // Written back as used: restore the honest entry for the next tests.
  writeFileSync(path.join(cacheDir, CACHE_FILE), JSON.stringify(s));
});

test('the files the prefilter ruled out are stored by key, and later runs look them up before prefiltering', () => {
  const s = stored();
  const plain = scan(false);
  const report = JSON.parse(plain) as { filesScanned: number };
  const ruledOut = s.ruledOut.nothing.length + s.ruledOut.envOnly.length;
  assert.ok(ruledOut > 0, 'some files are ruled out');
  assert.equal(Object.keys(s.entries).length + ruledOut, report.filesScanned, 'every file scanned has an entry or a ruled-out key');
  // Doctored: the edited file's key moved to the ruled-out ones; only a lookup before the prefilter drops its references.
  const [[key]] = entriesOf(s, EDITED);
  const { [key]: _, ...entries } = s.entries;
  writeFileSync(path.join(cacheDir, CACHE_FILE), JSON.stringify({ ...s, entries, ruledOut: { ...s.ruledOut, nothing: [...s.ruledOut.nothing, key] } }));
  const out = JSON.parse(scan(true)) as { references: Array<{ path: string }> };
  assert.ok(!out.references.some((r) => r.path === EDITED), 'the doctored key is looked up');
  assert.ok(out.references.length > 0);
  writeFileSync(path.join(cacheDir, CACHE_FILE), JSON.stringify(s));
  assert.equal(scan(true), plain);
});

test('a changed file is analyzed again and its old entry dropped', () => {
  const before = entriesOf(stored(), EDITED).map(([k]) => k);
  appendFileSync(path.join(root, EDITED), '\nEXTRA_DB = "/app/data/extra_cache_test.db"\n');
  const fresh = scan(false);
  assert.match(fresh, /extra_cache_test\.db/);
  assert.equal(scan(true), fresh);
  const after = entriesOf(stored(), EDITED).map(([k]) => k);
  assert.equal(after.length, 1);
  assert.ok(!before.includes(after[0]), 'the edited file has a new key');
});

test('a cache written by another build of the same version is ignored: its detectors may differ', () => {
  const s = stored();
  const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  assert.ok(s.tool.startsWith(`${version}+`), `the cache names the build, not only the version: ${s.tool}`);
  const [[key, analysis]] = entriesOf(s, EDITED);
  const doctored = { ...analysis, references: analysis.references.map((r) => ({ ...r, value: 'older-build.db' })) };
  // What a build before this one wrote: the package's version alone, the same keys.
  writeFileSync(path.join(cacheDir, CACHE_FILE), JSON.stringify({ tool: version, entries: { ...s.entries, [key]: doctored } }));
  const out = scan(true);
  assert.doesNotMatch(out, /older-build\.db/);
  assert.equal(out, scan(false));
});

test('a cache written by another tool version is ignored', () => {
  const s = stored();
  const [[key, analysis]] = entriesOf(s, EDITED);
  const doctored = { ...analysis, references: analysis.references.map((r) => ({ ...r, value: 'doctored.db' })) };
  writeFileSync(path.join(cacheDir, CACHE_FILE), JSON.stringify({ tool: '0.0.0-other', entries: { ...s.entries, [key]: doctored } }));
  const out = scan(true);
  assert.doesNotMatch(out, /doctored\.db/);
  assert.equal(out, scan(false));
  assert.notEqual(stored().tool, '0.0.0-other');
});
