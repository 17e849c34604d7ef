// Rename also updates the rules file when it declares the renamed database: an `absorbs` item,
// a `database` name, the file name in `file`; the entry's key stays, and an absorbed database
// renamed to its target's own name keeps its `absorbs` item (the old file still has to merge).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRulesFile } from '../../server/src/engine/config/rulesFile';
import { DatabaseResolver } from '../../server/src/engine/databases';
import { analyzeFile } from '../../server/src/engine/detectors';
import { evaluate } from '../../server/src/engine/audit';
import { loadGrammars } from '../../server/src/engine/treeSitter';
import { renameEdits, type TextEdit } from '../../server/src/engine/rename';

const RULES = `// target architecture
{
  "databases": {
    "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "env": "DATABASE_PATH", "absorbs": ["auth.db", "sessions.db"] },
    "platform": { "engine": "postgres", "database": "zoe_platform", "absorbs": ["zoe_rag"] },
  },
}
`;

const files: Record<string, string> = {
  'dbaudit.json': RULES,
  'run.sh': 'sqlite3 /app/data/auth.db ".tables"\nsqlite3 /app/data/zoe.db ".tables"\n',
  'app.py': 'import psycopg2\nconn = psycopg2.connect("postgresql://app:${PW}@db/zoe_platform")\nrag = psycopg2.connect("postgresql://app:${PW}@db/zoe_rag")\n',
};

function apply(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

async function rename(path: string, target: string, newName: string) {
  await loadGrammars();
  const rulesFile = { path: 'dbaudit.json', ...parseRulesFile(RULES, 'dbaudit.json') };
  const analyses = new Map(Object.entries(files).filter(([p]) => p !== 'dbaudit.json').map(([p, text]) => [p, analyzeFile({ path: p, text })]));
  const evaluation = evaluate({ analyses, databaseFiles: [], config: rulesFile.config, isGitIgnored: () => false });
  const ref = evaluation.references.find((r) => r.path === path && r.target === target)!;
  assert.ok(ref, `${target} in ${path}`);
  const edits = renameEdits(ref, evaluation.references, new DatabaseResolver(rulesFile.config), newName, (p) => files[p], rulesFile);
  const after = apply(RULES, edits.filter((e) => e.path === 'dbaudit.json'));
  assert.deepEqual(parseRulesFile(after, 'dbaudit.json').problems, [], 'the renamed rules file is still valid');
  return { edits, after };
}

test('renaming an absorbed SQLite file renames its absorbs item too', async () => {
  const { edits, after } = await rename('run.sh', 'auth.db', 'accounts.db');
  assert.equal(after, RULES.replace('"auth.db"', '"accounts.db"'));
  assert.deepEqual(edits.filter((e) => e.path === 'run.sh').map((e) => e.range.start.line), [0]);
});

test('renaming a declared database\'s file renames the file name in "file", not the entry\'s key', async () => {
  const { after } = await rename('run.sh', 'zoe.db', 'main.db');
  assert.equal(after, RULES.replace('"/app/data/zoe.db"', '"/app/data/main.db"'));
  assert.match(after, /"zoe": \{/);
});

test('renaming a server database renames "database", and an absorbed one its absorbs item', async () => {
  assert.equal((await rename('app.py', 'zoe_platform', 'platform_db')).after, RULES.replace('"zoe_platform"', '"platform_db"'));
  assert.equal((await rename('app.py', 'zoe_rag', 'rag_db')).after, RULES.replace('"zoe_rag"', '"rag_db"'));
});

test('renaming an absorbed file to its target\'s name (auth.db → zoe.db) leaves the rules file as it is', async () => {
  const { edits, after } = await rename('run.sh', 'auth.db', 'zoe.db');
  assert.equal(after, RULES);
  assert.ok(edits.some((e) => e.path === 'run.sh' && e.newText === 'zoe.db'));
});

test('without a rules file the edits are the references\' only', async () => {
  await loadGrammars();
  const analyses = new Map([['run.sh', analyzeFile({ path: 'run.sh', text: files['run.sh'] })]]);
  const evaluation = evaluate({ analyses, databaseFiles: [], config: undefined, isGitIgnored: () => false });
  const ref = evaluation.references.find((r) => r.target === 'auth.db')!;
  const edits = renameEdits(ref, evaluation.references, new DatabaseResolver(undefined), 'x.db', (p) => files[p]);
  assert.deepEqual(edits.map((e) => e.path), ['run.sh']);
});
