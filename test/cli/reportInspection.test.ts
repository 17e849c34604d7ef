// The workspace report's Inspection section (`db-audit report`, html and markdown) on real SQLite
// files: the tables and rows of the declared and absorbed files, the rows to merge, the
// inspection findings; no row values but keys; every file byte-identical afterwards. A workspace
// whose database files hold no database (the zoe-like fixture's empty files) gets no section.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');
let root: string;

function report(dir: string, format: string): string {
  const r = spawnSync(process.execPath, [BIN, 'report', dir, '--format', format], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex');
  return out;
}

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-report-inspect-'));
  mkdirSync(path.join(root, 'data'));
  const users = (file: string, rows: Array<[string, string]>) => {
    const db = new Database(path.join(root, 'data', file));
    db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, email TEXT)');
    const insert = db.prepare('INSERT INTO users (username, email) VALUES (?, ?)');
    for (const r of rows) insert.run(...r);
    db.close();
  };
  users('zoe.db', [['admin', 'admin@zoe'], ['jason', 'jason@zoe'], ['testuser', 'test@zoe'], ['system', 'system@zoe']]);
  users('auth.db', [['admin', 'admin@zoe'], ['jason', 'jason@old-mail']]);
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify({
    databases: { zoe: { engine: 'sqlite', file: '/app/data/zoe.db', env: 'DATABASE_PATH', absorbs: ['auth.db'] } },
  }));
  writeFileSync(path.join(root, 'app.py'), 'import sqlite3\nconn = sqlite3.connect("/app/data/auth.db")\n');
});

after(() => rmSync(root, { recursive: true, force: true }));

test('markdown: an Inspection section with the files, the rows to merge and the findings; files untouched', () => {
  const before = snapshot(path.join(root, 'data'));
  const md = report(root, 'markdown');
  const start = md.indexOf('\n## Inspection');
  assert.ok(start > 0, 'an Inspection section');
  const section = md.slice(start, md.indexOf('\n## Findings\n', start));
  assert.match(section, /\| data\/auth\.db \| absorbed into zoe \| [\d.]+ KiB \| users \| 2 \|/);
  assert.match(section, /\| data\/zoe\.db \| zoe \| [\d.]+ KiB \| users \| 4 \|/);
  assert.match(section, /\| users \| auth\.db \| zoe\.db \| 2 \| 0 \| 1 \| same \|/);
  assert.match(section, /diverging-rows.*username='jason'/);
  assert.doesNotMatch(md, /jason@old-mail|jason@zoe/, 'no row values, only keys');
  assert.deepEqual(snapshot(path.join(root, 'data')), before, 'every file byte-identical, nothing left beside them');
});

test('html: the same section, escaped, within the page', () => {
  const html = report(root, 'html');
  const section = html.slice(html.indexOf('<section id="inspection">'), html.indexOf('</section>', html.indexOf('<section id="inspection">')));
  assert.match(section, /<h2>Inspection<\/h2>/);
  assert.match(section, /<code>data\/auth\.db<\/code><\/td><td>absorbed into zoe<\/td>/);
  assert.match(section, /<code>users<\/code> 4/);
  assert.match(section, /<tr><td><code>users<\/code><\/td><td><code>data\/auth\.db<\/code><\/td><td><code>data\/zoe\.db<\/code><\/td><td class="num">2<\/td><td class="num">0<\/td><td class="num">1<\/td><\/tr>/);
  assert.match(section, /username=&#39;jason&#39;|username='jason'/);
});

test('no section when no database file holds a database (the fixture\'s empty files)', () => {
  const md = report(path.join(REPO, 'test/fixtures/zoe-like'), 'markdown');
  assert.doesNotMatch(md, /## Inspection/);
  assert.doesNotMatch(report(path.join(REPO, 'test/fixtures/zoe-like'), 'html'), /id="inspection"/);
});
