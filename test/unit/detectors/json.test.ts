import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../../server/src/engine/treeSitter';
import { detectJson } from '../../../server/src/engine/detectors/json';
import { digest } from '../../../server/src/engine/collector';
import type { DbReference } from '../../../server/src/engine/types';
import { definitions, summary } from '../../helpers/references';

before(async () => {
  await loadGrammars();
});

const DEVCONTAINER = [
  '{',
  '  // the old auth.db',
  '  "name": "dev",',
  '  "containerEnv": {',
  '    "DATABASE_URL": "postgresql://app:s3cret@db:5432/mobius",',
  '    "DATABASE_PATH": "${localEnv:DATABASE_PATH:/app/data/zoe.db}",',
  '    "PGPORT": 5432,',
  '  },',
  '  "remoteEnv": { "RAG_URL": "${containerEnv:RAG_DATABASE_URL}" },',
  '}',
].join('\n');

test('devcontainer.json: env objects define vars, ${localEnv:X:default} reads X with a default; comments are skipped', () => {
  const { references } = detectJson({ path: '.devcontainer/devcontainer.json', text: DEVCONTAINER });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 4, 5, 4, 17],
    ['connection-url', 'mobius', '', 4, 21, 4, 59],
    ['env-define', 'DATABASE_PATH', '', 5, 5, 5, 18],
    ['env-read', 'DATABASE_PATH', '', 5, 33, 5, 46],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 5, 47, 5, 63],
    ['env-define', 'PGPORT', '', 6, 5, 6, 11],
    ['env-define', 'RAG_URL', '', 8, 18, 8, 25],
    ['env-read', 'RAG_DATABASE_URL', '', 8, 44, 8, 60],
  ]);
  const defs = definitions(references);
  assert.equal(defs.get('DATABASE_URL')!.environment, '.devcontainer/devcontainer.json');
  assert.equal(defs.get('DATABASE_URL')!.valueDigest, digest('postgresql://app:s3cret@db:5432/mobius'));
  assert.equal(defs.get('DATABASE_URL')!.value, 'DATABASE_URL=postgresql://app:***@db:5432/mobius');
  assert.equal(defs.get('PGPORT')!.valueDigest, digest('5432'));
  const url = references.find((r) => r.kind === 'connection-url')!;
  assert.equal(url.credentials, true);
  assert.equal(url.value, 'postgresql://app:***@db:5432/mobius');
});

test('escapes in strings map to exact ranges; property names are never searched', () => {
  const text = '{\n  "data/key.db": "esc \\"quoted\\" C:\\\\data\\\\x.db \\u0061.db",\n  "plain": ["sqlite:///a/b.db"]\n}\n';
  const { references } = detectJson({ path: 'config/app.json', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'x.db', '', 1, 33, 1, 47],
    ['sqlite-path', 'a.db', '', 1, 48, 1, 57],
    ['connection-url', 'b.db', '', 2, 13, 2, 29],
  ]);
  assert.equal(references[0].value, 'C:\\data\\x.db');
  assert.equal(references[1].value, 'a.db');
});

test('package.json scripts are shell: assignments are definitions, expansions reads; escaped scripts are searched plainly', () => {
  const text = [
    '{',
    '  "name": "app",',
    '  "scripts": {',
    '    "test": "DATABASE_URL=sqlite:///t.db jest # not auth.db",',
    '    "seed": "sqlite3 ${DATA_DIR}/seed.db < seed.sql",',
    '    "quoted": "node x.js \\"data/q.db\\""',
    '  },',
    '  "config": { "scripts": "see docs/old.db" }',
    '}',
  ].join('\n');
  const { references } = detectJson({ path: 'web/package.json', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 3, 13, 3, 25],
    ['connection-url', 't.db', '', 3, 26, 3, 40],
    ['sqlite-path', 'seed.db', '', 4, 21, 4, 40],
    ['env-read', 'DATA_DIR', '', 4, 23, 4, 31],
    ['sqlite-path', 'q.db', '', 5, 27, 5, 36],
    ['sqlite-path', 'old.db', '', 7, 30, 7, 41],
  ]);
  assert.equal(definitions(references).get('DATABASE_URL')!.environment, 'web/package.json#scripts.test');
});

test('launch.json: each configuration is its own environment; ${env:X} is a read', () => {
  const text = [
    '{',
    '  "configurations": [',
    '    { "name": "api", "env": { "DATABASE_URL": "${env:DATABASE_URL}" } },',
    '    { "name": "tests", "env": { "DATABASE_URL": "sqlite:///test.db" } }',
    '  ]',
    '}',
  ].join('\n');
  const { references } = detectJson({ path: '.vscode/launch.json', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 2, 31, 2, 43],
    ['env-read', 'DATABASE_URL', '', 2, 53, 2, 65],
    ['env-define', 'DATABASE_URL', '', 3, 33, 3, 45],
    ['connection-url', 'test.db', '', 3, 49, 3, 66],
  ]);
  assert.deepEqual(
    references.filter((r) => r.kind === 'env-define').map((r) => r.environment),
    ['.vscode/launch.json#api', '.vscode/launch.json#tests'],
  );
});

test('env objects outside dev container and VS Code files are plain values; ${env:X} still reads', () => {
  const text = '{ "env": { "DATABASE_PATH": "/srv/app.db" }, "url": "${env:REDIS_URL}" }';
  const { references } = detectJson({ path: 'settings.json', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'app.db', '', 0, 29, 0, 40],
    ['env-read', 'REDIS_URL', '', 0, 59, 0, 68],
  ]);
});

test('the rules file, lock files and tsconfig yield nothing; broken JSON degrades without throwing', () => {
  const rules = '{ "databases": { "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "absorbs": ["auth.db"] } } }';
  assert.deepEqual(detectJson({ path: 'dbaudit.json', text: rules }).references, []);
  assert.deepEqual(detectJson({ path: 'sub/dbaudit.json', text: rules }).references, []);
  const lock = '{ "packages": { "node_modules/x": { "resolved": "https://r/x.db" } }, "u": "sqlite:///a.db" }';
  for (const path of ['package-lock.json', 'deps.lock.json', 'npm-shrinkwrap.json', 'tsconfig.json', 'tsconfig.build.json']) {
    assert.deepEqual(detectJson({ path, text: lock }).references, [], path);
  }
  const broken = '{ "a": "sqlite:///ok.db", "b": [ "unterminated';
  assert.deepEqual(summary(detectJson({ path: 'x.json', text: broken }).references), [['connection-url', 'ok.db', '', 0, 8, 0, 23]]);
  assert.deepEqual(detectJson({ path: 'empty.json', text: '' }).references, []);
});
