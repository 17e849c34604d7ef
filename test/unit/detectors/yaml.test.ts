import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../../server/src/engine/treeSitter';
import { detectYaml } from '../../../server/src/engine/detectors/yaml';
import { digest } from '../../../server/src/engine/collector';
import type { DbReference } from '../../../server/src/engine/types';
import { summary } from '../../helpers/references';

before(async () => {
  await loadGrammars();
});

function definitions(refs: DbReference[]): Map<string, DbReference> {
  return new Map(refs.filter((r) => r.kind === 'env-define').map((r) => [`${r.environment} ${r.envVar}`, r]));
}

const COMPOSE = [
  /* 0 */ '# the legacy auth.db is mounted into api below',
  /* 1 */ 'services:',
  /* 2 */ '  db:',
  /* 3 */ '    image: postgres:16',
  /* 4 */ '    environment:',
  /* 5 */ '      POSTGRES_USER: app',
  /* 6 */ '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}',
  /* 7 */ '  api:',
  /* 8 */ '    environment:',
  /* 9 */ '      DATABASE_URL: postgresql://app:secret@db:5432/mobius',
  /* 10 */ '      RAG_DATABASE_URL: "postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/mobius"',
  /* 11 */ '      PASSTHROUGH:',
  /* 12 */ '    volumes:',
  /* 13 */ '      - ./data/auth.db:/app/data/auth.db',
  /* 14 */ '    depends_on: [db]',
  /* 15 */ '  worker:',
  /* 16 */ '    environment:',
  /* 17 */ '      - DATABASE_PATH=${DATABASE_PATH:-/app/data/zoe.db}',
  /* 18 */ '      - LOG_LEVEL',
  /* 19 */ '      - "PORT=8080"',
  '',
].join('\n');

test('docker compose: environment maps and lists define vars per service; interpolations, URLs and volumes', () => {
  const { references } = detectYaml({ path: 'deploy/docker-compose.yml', text: COMPOSE });
  assert.deepEqual(summary(references), [
    ['env-define', 'POSTGRES_USER', '', 5, 6, 5, 19],
    ['env-define', 'POSTGRES_PASSWORD', '', 6, 6, 6, 23],
    ['env-read', 'POSTGRES_PASSWORD', '', 6, 27, 6, 44],
    ['env-define', 'DATABASE_URL', '', 9, 6, 9, 18],
    ['connection-url', 'mobius', '', 9, 20, 9, 58],
    ['env-define', 'RAG_DATABASE_URL', '', 10, 6, 10, 22],
    ['connection-url', 'mobius', '', 10, 25, 10, 90],
    ['env-read', 'POSTGRES_USER', '', 10, 40, 10, 53],
    ['env-read', 'POSTGRES_PASSWORD', '', 10, 57, 10, 74],
    ['env-define', 'PASSTHROUGH', '', 11, 6, 11, 17],
    ['sqlite-path', 'auth.db', '', 13, 8, 13, 22],
    ['sqlite-path', 'auth.db', '', 13, 23, 13, 40],
    ['env-define', 'DATABASE_PATH', '', 17, 8, 17, 21],
    ['env-read', 'DATABASE_PATH', '', 17, 24, 17, 37],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 17, 39, 17, 55],
    ['env-define', 'LOG_LEVEL', '', 18, 8, 18, 17],
    ['env-define', 'PORT', '', 19, 9, 19, 13],
  ]);
  const defs = definitions(references);
  const url = defs.get('deploy/docker-compose.yml#api DATABASE_URL')!;
  assert.equal(url.value, 'DATABASE_URL=postgresql://app:***@db:5432/mobius');
  assert.equal(url.valueDigest, digest('postgresql://app:secret@db:5432/mobius'));
  const literal = references.find((r) => r.kind === 'connection-url' && r.credentials)!;
  assert.equal(literal.value, 'postgresql://app:***@db:5432/mobius');
  assert.equal(references.filter((r) => r.credentials).length, 1, 'the templated URL carries no literal password');
  assert.equal(defs.get('deploy/docker-compose.yml#api PASSTHROUGH')!.valueDigest, undefined);
  assert.equal(defs.get('deploy/docker-compose.yml#worker LOG_LEVEL')!.valueDigest, undefined);
  assert.equal(defs.get('deploy/docker-compose.yml#worker DATABASE_PATH')!.valueDigest, digest('${DATABASE_PATH:-/app/data/zoe.db}'));
  assert.equal(defs.get('deploy/docker-compose.yml#worker PORT')!.valueDigest, digest('8080'));
  assert.equal(defs.get('deploy/docker-compose.yml#db POSTGRES_USER')!.valueDigest, digest('app'));
});

const WORKFLOW = [
  /* 0 */ 'name: ci',
  /* 1 */ 'env:',
  /* 2 */ '  DATABASE_URL: postgresql://ci:ci@localhost:5432/test',
  /* 3 */ 'jobs:',
  /* 4 */ '  test:',
  /* 5 */ '    runs-on: ubuntu-latest',
  /* 6 */ '    env:',
  /* 7 */ '      DATABASE_PATH: data/zoe.db',
  /* 8 */ '    steps:',
  /* 9 */ '      - uses: actions/checkout@v4',
  /* 10 */ '      - name: Seed',
  /* 11 */ '        env:',
  /* 12 */ '          TOKEN: ${{ secrets.TOKEN }}',
  /* 13 */ '        run: |',
  /* 14 */ '          mkdir -p data',
  /* 15 */ '          # restore auth.db? no longer',
  /* 16 */ '          sqlite3 data/zoe.db "select 1"',
  /* 17 */ '          export SEEDED_DB="${{ env.DATABASE_PATH }}"',
  /* 18 */ '      - run: echo "$DATABASE_URL"',
  /* 19 */ '      - shell: python',
  /* 20 */ '        run: print("$NOT_A_READ", "/app/x.db")',
  '',
].join('\n');

test('GitHub workflow: env at workflow/job/step level, run blocks as shell at their source lines, other languages only for literals', () => {
  const { references } = detectYaml({ path: '.github/workflows/ci.yml', text: WORKFLOW });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 2, 2, 2, 14],
    ['connection-url', 'test', '', 2, 16, 2, 54],
    ['env-define', 'DATABASE_PATH', '', 7, 6, 7, 19],
    ['sqlite-path', 'zoe.db', '', 7, 21, 7, 32],
    ['env-define', 'TOKEN', '', 12, 10, 12, 15],
    ['sqlite-path', 'zoe.db', '', 16, 18, 16, 29],
    ['env-define', 'SEEDED_DB', '', 17, 17, 17, 26],
    ['env-read', 'DATABASE_URL', '', 18, 20, 18, 32],
    ['sqlite-path', 'x.db', '', 20, 35, 20, 44],
  ]);
  const defs = definitions(references);
  assert.ok(defs.has('.github/workflows/ci.yml DATABASE_URL'));
  assert.ok(defs.has('.github/workflows/ci.yml#test DATABASE_PATH'));
  assert.ok(defs.has('.github/workflows/ci.yml#test TOKEN'));
  assert.equal(defs.get('.github/workflows/ci.yml#test SEEDED_DB')!.valueDigest, digest('${{ env.DATABASE_PATH }}'));
});

test('GitLab CI: variables and script lists, global and per job', () => {
  const text = [
    /* 0 */ 'variables:',
    /* 1 */ '  POSTGRES_DB: mobius',
    /* 2 */ 'stages: [test]',
    /* 3 */ 'unit:',
    /* 4 */ '  stage: test',
    /* 5 */ '  variables:',
    /* 6 */ '    DATABASE_URL:',
    /* 7 */ '      value: "postgresql://runner@postgres/$POSTGRES_DB"',
    /* 8 */ '      description: the test db',
    /* 9 */ '  script:',
    /* 10 */ '    - export DATABASE_PATH=/builds/app.db',
    /* 11 */ "    - 'sqlite3 \"$DATABASE_PATH\" .schema'",
    '',
  ].join('\n');
  const { references } = detectYaml({ path: '.gitlab-ci.yml', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'POSTGRES_DB', '', 1, 2, 1, 13],
    ['env-define', 'DATABASE_URL', '', 6, 4, 6, 16],
    ['connection-url', 'POSTGRES_DB', '', 7, 14, 7, 55],
    ['env-read', 'POSTGRES_DB', '', 7, 44, 7, 55],
    ['env-define', 'DATABASE_PATH', '', 10, 13, 10, 26],
    ['sqlite-path', 'app.db', '', 10, 27, 10, 41],
    ['env-read', 'DATABASE_PATH', '', 11, 17, 11, 30],
  ]);
  const defs = definitions(references);
  assert.equal(defs.get('.gitlab-ci.yml POSTGRES_DB')!.valueDigest, digest('mobius'));
  assert.equal(defs.get('.gitlab-ci.yml#unit DATABASE_URL')!.valueDigest, digest('postgresql://runner@postgres/$POSTGRES_DB'));
  assert.equal(defs.get('.gitlab-ci.yml#unit DATABASE_PATH')!.environment, '.gitlab-ci.yml#unit');
});

test('Kubernetes env lists define vars per container', () => {
  const text = [
    'spec:',
    '  containers:',
    '    - name: api',
    '      env:',
    '        - name: DATABASE_URL',
    '          value: "postgres://app@db/mobius"',
    '        - name: DB_PASSWORD',
    '          valueFrom: { secretKeyRef: { name: db, key: password } }',
  ].join('\n');
  const { references } = detectYaml({ path: 'k8s/api.yaml', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 4, 16, 4, 28],
    ['connection-url', 'mobius', '', 5, 18, 5, 42],
    ['env-define', 'DB_PASSWORD', '', 6, 16, 6, 27],
  ]);
  const defs = definitions(references);
  assert.equal(defs.get('k8s/api.yaml#api DATABASE_URL')!.valueDigest, digest('postgres://app@db/mobius'));
  assert.equal(defs.get('k8s/api.yaml#api DB_PASSWORD')!.valueDigest, undefined);
});

test('quoted, folded and block scalars map literals back to their source lines', () => {
  const text = [
    /* 0 */ "single: 'it''s at /srv/s.db'",
    /* 1 */ 'double: "C:\\\\data\\\\d.db"',
    /* 2 */ 'plain: first line',
    /* 3 */ '  then /srv/p.db',
    /* 4 */ 'folded: >-',
    /* 5 */ '    python -m app',
    /* 6 */ '      --db sqlite:///srv/f.db',
    /* 7 */ 'literal: |',
    /* 8 */ '  a: /srv/l.db',
    '',
  ].join('\n');
  const { references } = detectYaml({ path: 'config/app.yaml', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 's.db', '', 0, 18, 0, 27],
    ['sqlite-path', 'd.db', '', 1, 9, 1, 23],
    ['sqlite-path', 'p.db', '', 3, 7, 3, 16],
    ['connection-url', 'f.db', '', 6, 11, 6, 29],
    ['sqlite-path', 'l.db', '', 8, 5, 8, 14],
  ]);
  assert.equal(references[1].value, 'C:\\data\\d.db', 'the escaped value, spanning its escapes in the source');
});

test('negatives: comments, map keys, globs and Thumbs.db are not references', () => {
  const text = [
    '# auth.db used to live in ./data/auth.db',
    'db:',
    '  auth.db: true',
    'ignore:',
    '  - "*.db"',
    '  - data/*.sqlite',
    '  - Thumbs.db',
    'host: db.example.com',
  ].join('\n');
  assert.deepEqual(detectYaml({ path: 'settings.yml', text }).references, []);
});

test('a YAML file that fails to parse yields nothing and does not throw', () => {
  const text = 'services:\n  api:\n    environment: [DATABASE_URL=postgres://u:p@h/db\n  bad: }\n';
  assert.deepEqual(detectYaml({ path: 'docker-compose.yml', text }), { references: [], tables: [] });
});
