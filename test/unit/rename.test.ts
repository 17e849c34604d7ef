// Renaming a database: the name inside each path/URL that designates it, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRulesFile } from '../../server/src/engine/config/rulesFile';
import { DatabaseResolver } from '../../server/src/engine/databases';
import { analyzeFile } from '../../server/src/engine/detectors';
import { evaluate } from '../../server/src/engine/audit';
import { loadGrammars } from '../../server/src/engine/treeSitter';
import { invalidName, prepareRename, renameEdits } from '../../server/src/engine/rename';

const files: Record<string, string> = {
  'run.sh': 'sqlite3 /app/data/auth.db ".tables"\ncp data/auth.db data/auth.db.bak\n',
  '.env': 'AUTH_DB_PATH=/app/data/auth.db\nOTHER_DB_PATH=/app/data/oauth.db\n',
  'app.py': 'import sqlite3\nconn = sqlite3.connect("sqlite:///data/auth.db")\nx = sqlite3.connect("/data/zoe.db")\n',
};

async function setup() {
  await loadGrammars();
  const config = parseRulesFile(JSON.stringify({ databases: { zoe: { engine: 'sqlite', file: '/app/data/zoe.db', absorbs: ['auth.db'] } } }), 'dbaudit.json').config;
  const analyses = new Map(Object.entries(files).map(([p, text]) => [p, analyzeFile({ path: p, text })]));
  const evaluation = evaluate({ analyses, databaseFiles: [], config, isGitIgnored: () => false });
  return { evaluation, resolver: new DatabaseResolver(config) };
}

test('rename edits the database name in every path and URL that names it, and nothing else', async () => {
  const { evaluation, resolver } = await setup();
  const ref = evaluation.references.find((r) => r.path === 'run.sh' && r.target === 'auth.db')!;
  const edits = renameEdits(ref, evaluation.references, resolver, 'zoe.db', (p) => files[p]);
  const applied = { ...files };
  for (const p of Object.keys(applied)) {
    const mine = edits.filter((e) => e.path === p).sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    const lines = applied[p].split('\n');
    for (const e of mine) {
      assert.equal(e.range.start.line, e.range.end.line);
      const l = lines[e.range.start.line];
      assert.equal(l.slice(e.range.start.character, e.range.end.character), 'auth.db');
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    applied[p] = lines.join('\n');
  }
  // The backup's name only contains the database's name: it stays.
  assert.equal(applied['run.sh'], 'sqlite3 /app/data/zoe.db ".tables"\ncp data/zoe.db data/auth.db.bak\n');
  assert.equal(applied['.env'], 'AUTH_DB_PATH=/app/data/zoe.db\nOTHER_DB_PATH=/app/data/oauth.db\n');
  assert.equal(applied['app.py'], 'import sqlite3\nconn = sqlite3.connect("sqlite:///data/zoe.db")\nx = sqlite3.connect("/data/zoe.db")\n');
});

test('prepareRename gives the name inside the path, and refuses env vars', async () => {
  const { evaluation } = await setup();
  const ref = evaluation.references.find((r) => r.path === '.env' && r.target === 'auth.db')!;
  assert.deepEqual(prepareRename(ref, files['.env']), { range: { start: { line: 0, character: 23 }, end: { line: 0, character: 30 } }, placeholder: 'auth.db' });
  const env = evaluation.references.find((r) => r.kind === 'env-define' && r.envVar === 'AUTH_DB_PATH')!;
  assert.match((prepareRename(env, files['.env']) as { error: string }).error, /not at an env var/);
});

test('invalid new names are refused', () => {
  assert.equal(invalidName('zoe.db'), undefined);
  assert.match(invalidName('a/b.db')!, /cannot be a database name/);
  assert.match(invalidName(' ')!, /empty/);
});
