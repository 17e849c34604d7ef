// Shell, configuration files and SQL: before/after snapshots through the real pipeline.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixAllOf, fixesOf, fixOne, ready } from './harness';

before(() => ready);

test('shell: a bare, a double-quoted and a single-quoted path become the expansion with the target as default', () => {
  assert.equal(
    fixOne('b.sh', 'sqlite3 /app/data/auth.db ".backup x"\ncp "/app/data/sessions.db" /tmp\nrm \'/app/data/auth.db\'\n'),
    'sqlite3 "${DATABASE_PATH:-/app/data/zoe.db}" ".backup x"\ncp "${DATABASE_PATH:-/app/data/zoe.db}" /tmp\nrm "${DATABASE_PATH:-/app/data/zoe.db}"\n',
  );
});

test('.env and Dockerfile ENV values are retargeted to the target file', () => {
  assert.equal(fixOne('.env', 'AUTH_DB_PATH=/app/data/auth.db\n'), 'AUTH_DB_PATH=/app/data/zoe.db\n');
  assert.equal(fixOne('Dockerfile', 'FROM x\nENV AUTH_DB_PATH=/app/data/auth.db\n'), 'FROM x\nENV AUTH_DB_PATH=/app/data/zoe.db\n');
});

test('compose: an environment URL is pointed at the target database; a volume mounting the target twice is removed', () => {
  const compose = [
    'services:',
    '  app:',
    '    environment:',
    '      CHAT_URL: postgresql://app@db:5432/mobius_rag',
    '    volumes:',
    '      - ./data/zoe.db:/app/data/zoe.db',
    '      - ./data/auth.db:/app/data/auth.db',
    '  other:',
    '    volumes:',
    '      - ./data/sessions.db:/app/data/sessions.db',
    '',
  ].join('\n');
  assert.equal(fixOne('docker-compose.yml', compose), [
    'services:',
    '  app:',
    '    environment:',
    '      CHAT_URL: postgresql://app@db:5432/mobius',
    '    volumes:',
    '      - ./data/zoe.db:/app/data/zoe.db',
    '  other:',
    '    volumes:',
    '      - ./data/zoe.db:/app/data/zoe.db',
    '',
  ].join('\n'));
});

test('SQL: a prefixed table is qualified by its schema; a legacy path in a migration is left for a person', () => {
  assert.equal(fixOne('m.sql', 'CREATE TABLE rag_chunks (id int);\n'), 'CREATE TABLE rag.chunks (id int);\n');
  const merge = "ATTACH DATABASE '/app/data/auth.db' AS legacy;\n";
  assert.equal(fixOne('merge.sql', merge), merge);
});

test('unknown-database: declare it or mark it absorbed, editing dbaudit.json with its comments kept; neither is preferred', () => {
  const rulesText = '// the target\n{\n  "databases": {\n    // primary\n    "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "env": "DATABASE_PATH", "absorbs": ["auth.db"] }\n  }\n}\n';
  const ws = { files: { 'a.py': 'import os\nx = sqlite3.connect("data/analytics.db")\n' }, rulesText };
  const fixes = fixesOf(ws, 'unknown-database');
  assert.deepEqual(fixes.map((f) => [f.title, f.isPreferred]), [
    ['Declare analytics.db in dbaudit.json', false],
    ['Mark analytics.db as absorbed into zoe', false],
  ]);
  assert.ok(fixes.every((f) => f.edits.every((e) => e.path === 'dbaudit.json')));
  const { texts } = fixAllOf(ws);
  assert.equal(texts['dbaudit.json'], rulesText, 'fix-all applies preferred fixes only');
  const [declare, absorb] = fixes;
  const apply = (fix: typeof declare) => {
    const { applyEdits } = require('../../../server/src/engine/fixes') as typeof import('../../../server/src/engine/fixes');
    return applyEdits(rulesText, fix.edits);
  };
  const declared = apply(declare);
  assert.match(declared, /^\/\/ the target\n/);
  assert.match(declared, /\/\/ primary/);
  assert.match(declared, /"analytics": \{\s*"engine": "sqlite",\s*"file": "data\/analytics.db",\s*"role": "specialized"\s*\}/);
  assert.match(apply(absorb), /"absorbs": \["auth.db",\s*"analytics.db"\]/);
  // Applied, the finding is gone.
  for (const fix of fixes) {
    assert.deepEqual(fixAllOf({ ...ws, rulesText: apply(fix) }).remaining.filter((f) => f.rule === 'unknown-database'), []);
  }
});

test('edits of two fixes in one range: the later fix is dropped, not merged; the next pass completes the file', () => {
  const { combineFixes } = require('../../../server/src/engine/fixes') as typeof import('../../../server/src/engine/fixes');
  const r = (c0: number, c1: number) => ({ start: { line: 0, character: c0 }, end: { line: 0, character: c1 } });
  const kept = combineFixes([
    { title: 'a', isPreferred: true, rule: 'legacy-database', edits: [{ path: 'f', range: r(0, 5), newText: 'A' }, { path: 'f', range: r(0, 0), newText: 'imp' }] },
    { title: 'b', isPreferred: true, rule: 'legacy-database', edits: [{ path: 'f', range: r(3, 8), newText: 'B' }] },
    { title: 'c', isPreferred: true, rule: 'legacy-database', edits: [{ path: 'f', range: r(9, 10), newText: 'C' }, { path: 'f', range: r(0, 0), newText: 'imp' }] },
  ]);
  assert.deepEqual(kept.map((e) => e.newText), ['imp', 'A', 'C']);
});
