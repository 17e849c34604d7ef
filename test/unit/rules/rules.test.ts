// The rules over references built directly (no detectors): each rule's positives and negatives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../../server/src/engine/audit';
import { ReferenceCollector } from '../../../server/src/engine/collector';
import { parseRulesFile, type RulesConfig } from '../../../server/src/engine/config/rulesFile';
import type { FileAnalysis, Finding } from '../../../server/src/engine/types';

const RULES = {
  databases: {
    zoe: { engine: 'sqlite', file: '/app/data/zoe.db', env: 'DATABASE_PATH', role: 'primary', absorbs: ['auth.db', 'sessions.db'] },
    memory: { engine: 'sqlite', file: '/app/data/memory.db', env: 'MEMORY_DB_PATH', role: 'specialized' },
    platform: { engine: 'postgres', database: 'mobius', env: 'DATABASE_URL', absorbs: ['mobius_rag'], aliases: ['RAG_DATABASE_URL'], schemas: { rag: { tablePrefix: 'rag_' } } },
  },
  sameDatabase: [['CHAT_RAG_DATABASE_URL', 'CHAT_DATABASE_URL']],
  allowHardcoded: ['**/config.py', '.env.example'],
  forbidNewDatabaseFiles: true,
};

function config(overrides: Record<string, unknown> = {}): RulesConfig {
  const { config: c, problems } = parseRulesFile(JSON.stringify({ ...RULES, ...overrides }), 'dbaudit.json');
  assert.deepEqual(problems, []);
  return c!;
}

/** One file whose text holds each literal on its own line, recorded through the collector. */
function file(path: string, build: (c: ReferenceCollector, text: string) => void, text: string): [string, FileAnalysis] {
  const c = new ReferenceCollector({ path, text });
  build(c, text);
  return [path, c.result()];
}

function literalsOf(path: string, text: string, defaultOf?: string): [string, FileAnalysis] {
  return file(path, (c, t) => c.literals(t, 0, defaultOf ? { defaultOf } : {}), text);
}

function run(files: Array<[string, FileAnalysis]>, cfg: RulesConfig | null = config(), extra: { databaseFiles?: string[]; ignored?: string[] } = {}): Finding[] {
  return evaluate({
    analyses: new Map(files),
    databaseFiles: extra.databaseFiles ?? [],
    config: cfg ?? undefined,
    isGitIgnored: (p) => (extra.ignored ?? []).includes(p),
  }).findings;
}

const rules = (fs: Finding[]) => fs.map((f) => f.rule);

test('legacy-database: a path to an absorbed file, with the target in the message and the fix data', () => {
  const found = run([literalsOf('a.py', '"/app/data/auth.db"')]);
  assert.deepEqual(rules(found), ['legacy-database'], 'a legacy literal is one finding, not also a hardcoded one');
  const f = found[0];
  assert.equal(f.severity, 'error');
  assert.equal(f.message, 'auth.db is absorbed into zoe (zoe.db); read DATABASE_PATH instead of a hardcoded path');
  assert.deepEqual(f.data, { targetDatabase: 'zoe', targetEnv: 'DATABASE_PATH', targetFile: '/app/data/zoe.db', found: 'auth.db', kind: 'sqlite-path' });
  assert.equal(f.related?.[0].path, 'dbaudit.json');
});

test('legacy-database: an absorbed server database in a URL', () => {
  const found = run([literalsOf('b.py', 'postgresql://app@db:5432/mobius_rag')]);
  assert.deepEqual(rules(found), ['legacy-database']);
  assert.match(found[0].message, /^mobius_rag is absorbed into platform; read DATABASE_URL instead of a hardcoded URL$/);
});

test('unknown-database: undeclared targets warn; declared, templated and in-memory ones do not', () => {
  assert.deepEqual(rules(run([literalsOf('c.py', '"/srv/legacy.sqlite3"')])), ['hardcoded-database-path', 'unknown-database']);
  assert.deepEqual(rules(run([literalsOf('c.py', 'postgresql://{u}:{p}@{h}/{db}')])), []);
  assert.deepEqual(rules(run([literalsOf('c.py', 'sqlite:///:memory:')])), ['hardcoded-connection-string']);
  assert.deepEqual(rules(run([literalsOf('c.py', 'postgresql://app@db/mobius')])), ['hardcoded-connection-string']);
});

test('hardcoded-database-path: the default of the database\'s own env var is compliant; another var\'s default is not', () => {
  assert.deepEqual(run([literalsOf('d.py', '/app/data/zoe.db', 'DATABASE_PATH')]), []);
  assert.deepEqual(rules(run([literalsOf('d.py', '/app/data/zoe.db', 'OTHER_PATH')])), ['hardcoded-database-path']);
  assert.deepEqual(rules(run([literalsOf('d.py', '/app/data/zoe.db')])), ['hardcoded-database-path']);
});

test('allowHardcoded files and env definitions are configuration, not hardcoding', () => {
  assert.deepEqual(run([literalsOf('svc/config.py', '/app/data/zoe.db')]), []);
  assert.deepEqual(run([literalsOf('deploy/.env.example', '/app/data/zoe.db')]), [], 'a glob without / matches the name anywhere');
  assert.deepEqual(rules(run([literalsOf('svc/config.py.bak', '/app/data/zoe.db')])), ['hardcoded-database-path']);
  const env = file('.env', (c, t) => {
    c.envDefine('DATABASE_PATH', 0, 13, '/app/data/zoe.db', '.env');
    c.literals(t.slice(14), 14);
  }, 'DATABASE_PATH=/app/data/zoe.db');
  assert.deepEqual(run([env]), []);
});

test('hardcoded-connection-string: a password-free default is compliant, a password never is', () => {
  assert.deepEqual(run([literalsOf('e.ts', 'postgresql://app@db/mobius', 'DATABASE_URL')]), []);
  assert.deepEqual(rules(run([literalsOf('e.ts', 'postgresql://app:pw@db/mobius', 'DATABASE_URL')])), ['credentials-in-connection-string', 'hardcoded-connection-string']);
});

test('credentials-in-connection-string runs without a rules file, masks the password, and spares a git-ignored .env', () => {
  const found = run([literalsOf('f.yml', 'postgres://app:hunter2@db/mobius')], null);
  assert.deepEqual(rules(found), ['credentials-in-connection-string']);
  assert.doesNotMatch(JSON.stringify(found), /hunter2/);
  assert.match(found[0].message, /postgres:\/\/app:\*\*\*@db\/mobius/);
  assert.deepEqual(run([literalsOf('.env', 'postgres://app:hunter2@db/mobius')], null, { ignored: ['.env'] }), []);
  assert.equal(run([literalsOf('.env', 'postgres://app:hunter2@db/mobius')], null).length, 1, 'a committed .env is not spared');
});

test('legacy-env-var: reading an alias', () => {
  const found = run([file('g.py', (c) => c.envRead('RAG_DATABASE_URL', 10, 26), 'os.getenv("RAG_DATABASE_URL")')]);
  assert.deepEqual(rules(found), ['legacy-env-var']);
  assert.equal(found[0].message, 'RAG_DATABASE_URL is an old name for DATABASE_URL (platform); read DATABASE_URL instead');
  assert.deepEqual(run([file('g.py', (c) => c.envRead('DATABASE_URL', 10, 22), 'os.getenv("DATABASE_URL")')]), []);
});

test('env-mismatch: the vars of a group differ within one environment, not across environments', () => {
  const env = (path: string, a: string, b: string) => file(path, (c) => {
    c.envDefine('CHAT_RAG_DATABASE_URL', 0, 21, a, path);
    c.envDefine('CHAT_DATABASE_URL', 30, 47, b, path);
  }, 'x'.repeat(60));
  const found = run([env('.env', 'postgres://db/a', 'postgres://db/b')]);
  assert.deepEqual(rules(found), ['env-mismatch', 'env-mismatch']);
  assert.match(found[0].message, /CHAT_RAG_DATABASE_URL and CHAT_DATABASE_URL must point at the same database/);
  assert.deepEqual(run([env('.env', 'postgres://db/a', 'postgres://db/a')]), []);
  const split = [
    file('.env.a', (c) => c.envDefine('CHAT_RAG_DATABASE_URL', 0, 21, 'postgres://db/a', '.env.a'), 'x'.repeat(30)),
    file('.env.b', (c) => c.envDefine('CHAT_DATABASE_URL', 0, 17, 'postgres://db/b', '.env.b'), 'x'.repeat(30)),
  ];
  assert.deepEqual(run(split), []);
});

test('undeclared-database-file only with forbidNewDatabaseFiles; declared and absorbed files pass', () => {
  const files = ['data/zoe.db', 'data/auth.db', 'data/stray.db'];
  assert.deepEqual(run([], config(), { databaseFiles: files }).map((f) => [f.rule, f.path]), [['undeclared-database-file', 'data/stray.db']]);
  assert.deepEqual(run([], config({ forbidNewDatabaseFiles: false }), { databaseFiles: files }), []);
});

test('prefixed-table: prefixed names without a schema; schema-qualified ones pass', () => {
  const tables = file('m.sql', (c) => {
    c.table('rag_documents', undefined, 13, 26, 'sql', true);
    c.table('documents', 'rag', 40, 49, 'sql', true);
    c.table('rag_chunks', 'public', 60, 70, 'sql', false);
  }, 'x'.repeat(80));
  const found = run([tables]);
  assert.deepEqual(found.map((f) => [f.rule, f.severity, f.data.schema, f.data.table]), [
    ['prefixed-table', 'info', 'rag', 'documents'],
    ['prefixed-table', 'info', 'rag', 'chunks'],
  ]);
  assert.equal(found[0].message, 'rag_documents belongs in schema rag of platform: name it rag.documents');
});

test('severity overrides and "off" apply', () => {
  const cfg = config({ rules: { 'legacy-database': 'warning', 'hardcoded-database-path': 'off' } });
  const found = run([literalsOf('a.py', '"/app/data/auth.db"')], cfg);
  assert.deepEqual(found.map((f) => [f.rule, f.severity]), [['legacy-database', 'warning']]);
});

test('the databases summary counts references and files per database, env reads included', () => {
  const result = evaluate({
    analyses: new Map([
      literalsOf('a.py', '"/app/data/auth.db"'),
      literalsOf('b.py', '"/app/data/auth.db" "/app/data/zoe.db"'),
      file('c.py', (c) => c.envRead('DATABASE_PATH', 0, 13), 'DATABASE_PATH'),
      file('d.py', (c) => c.envRead('HOME', 0, 4), 'HOME'),
    ]),
    databaseFiles: [],
    config: config(),
    isGitIgnored: () => false,
  });
  const byName = Object.fromEntries(result.databases.map((d) => [d.name, d]));
  assert.deepEqual(byName['auth.db'], { name: 'auth.db', engine: 'sqlite', references: 2, files: 2, role: 'legacy', absorbedInto: 'zoe' });
  assert.deepEqual(byName.zoe, { name: 'zoe', engine: 'sqlite', references: 2, files: 2, role: 'primary' });
  assert.equal(byName['sessions.db'].references, 0);
  assert.ok(!result.references.some((r) => r.envVar === 'HOME'), 'non-database env vars are not references');
});
