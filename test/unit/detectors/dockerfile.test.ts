import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../../server/src/engine/treeSitter';
import { detectDockerfile } from '../../../server/src/engine/detectors/dockerfile';
import { digest } from '../../../server/src/engine/collector';
import type { DbReference } from '../../../server/src/engine/types';
import { definitions, summary } from '../../helpers/references';

before(async () => {
  await loadGrammars();
});

const DOCKERFILE = [
  /* 0 */ '# syntax=docker/dockerfile:1',
  /* 1 */ '# the legacy auth.db is copied below',
  /* 2 */ 'ARG BASE=python:3.12-slim',
  /* 3 */ 'FROM ${BASE} AS app',
  /* 4 */ 'ARG DB_DIR',
  /* 5 */ 'ENV DATABASE_PATH=/app/data/zoe.db \\',
  /* 6 */ '    DATABASE_URL="postgresql://app:secret@db:5432/mobius" NOTE=\'$HOME/n.db\'',
  /* 7 */ 'ENV LEGACY_DB_PATH /app/data/auth.db',
  /* 8 */ 'WORKDIR /app',
  /* 9 */ 'COPY data/auth.db /app/data/auth.db',
  /* 10 */ 'VOLUME ["/app/data"]',
  /* 11 */ 'RUN mkdir -p /app/data \\',
  /* 12 */ '    # seed the database (auth.db is not touched)',
  /* 13 */ '    && sqlite3 ${DATABASE_PATH:-/app/data/zoe.db} "select 1" \\',
  /* 14 */ '    && export SEEDED=1',
  /* 15 */ 'RUN ["sqlite3", "/app/data/auth.db", ".tables"]',
  /* 16 */ 'LABEL org.example.db="sqlite:///app/data/zoe.db"',
  /* 17 */ 'CMD ["python", "-m", "app", "--db", "/app/data/zoe.db"]',
  '',
].join('\n');

test('a realistic Dockerfile: ENV/ARG definitions, RUN as shell across continuations, literals in arguments', () => {
  const { references } = detectDockerfile({ path: 'api/Dockerfile', text: DOCKERFILE });
  assert.deepEqual(summary(references), [
    ['env-define', 'BASE', '', 2, 4, 2, 8],
    ['env-read', 'BASE', '', 3, 7, 3, 11],
    ['env-define', 'DB_DIR', '', 4, 4, 4, 10],
    ['env-define', 'DATABASE_PATH', '', 5, 4, 5, 17],
    ['sqlite-path', 'zoe.db', '', 5, 18, 5, 34],
    ['env-define', 'DATABASE_URL', '', 6, 4, 6, 16],
    ['connection-url', 'mobius', '', 6, 18, 6, 56],
    ['env-define', 'NOTE', '', 6, 58, 6, 62],
    ['sqlite-path', 'n.db', '', 6, 64, 6, 74],
    ['env-define', 'LEGACY_DB_PATH', '', 7, 4, 7, 18],
    ['sqlite-path', 'auth.db', '', 7, 19, 7, 36],
    ['sqlite-path', 'auth.db', '', 9, 5, 9, 17],
    ['sqlite-path', 'auth.db', '', 9, 18, 9, 35],
    ['env-read', 'DATABASE_PATH', '', 13, 17, 13, 30],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 13, 32, 13, 48],
    ['env-define', 'SEEDED', '', 14, 14, 14, 20],
    ['sqlite-path', 'auth.db', '', 15, 17, 15, 34],
    ['connection-url', 'zoe.db', '', 16, 22, 16, 47],
    ['sqlite-path', 'zoe.db', '', 17, 37, 17, 53],
  ]);
  const defs = definitions(references);
  assert.equal(defs.get('DATABASE_URL')!.environment, 'api/Dockerfile');
  assert.equal(defs.get('DATABASE_URL')!.valueDigest, digest('postgresql://app:secret@db:5432/mobius'));
  assert.equal(defs.get('NOTE')!.valueDigest, digest('$HOME/n.db'), 'single quotes: no expansion, no read of HOME');
  assert.equal(defs.get('LEGACY_DB_PATH')!.valueDigest, digest('/app/data/auth.db'));
  assert.equal(defs.get('DB_DIR')!.valueDigest, undefined, 'ARG without a default carries no value');
  assert.equal(defs.get('SEEDED')!.environment, 'api/Dockerfile');
});

test('the escape directive changes the continuation character', () => {
  const text = ['# escape=`', 'FROM mcr.microsoft.com/windows', 'ENV DB_FILE=C:\\data\\w.db `', '    OTHER=2', 'RUN copy C:\\seed\\w.db `', '    C:\\data\\w.db'].join('\n');
  const { references } = detectDockerfile({ path: 'Dockerfile.windows', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DB_FILE', '', 2, 4, 2, 11],
    ['sqlite-path', 'w.db', '', 2, 12, 2, 24],
    ['env-define', 'OTHER', '', 3, 4, 3, 9],
    ['sqlite-path', 'w.db', '', 4, 9, 4, 21],
    ['sqlite-path', 'w.db', '', 5, 4, 5, 16],
  ]);
  assert.equal(definitions(references).get('DB_FILE')!.valueDigest, digest('C:\\data\\w.db'));
});

test('a RUN heredoc is the script', () => {
  const text = ['FROM alpine', 'RUN <<EOF', 'export INNER_DB=/srv/inner.db', 'sqlite3 "$INNER_DB" .tables', 'EOF', 'ENV AFTER=1'].join('\n');
  const { references } = detectDockerfile({ path: 'Dockerfile', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'INNER_DB', '', 2, 7, 2, 15],
    ['sqlite-path', 'inner.db', '', 2, 16, 2, 29],
    ['env-read', 'INNER_DB', '', 3, 10, 3, 18],
    ['env-define', 'AFTER', '', 5, 4, 5, 9],
  ]);
});

test('comments, label keys, host names and Thumbs.db are not references', () => {
  const text = [
    '# DATABASE_URL=postgresql://u:p@h/db',
    'FROM postgres:16',
    'LABEL app.db.backup="nightly" thumbs=Thumbs.db',
    'RUN echo "db.example.com" > /etc/hostname # auth.db',
    'COPY *.db /tmp/',
  ].join('\n');
  assert.deepEqual(detectDockerfile({ path: 'Dockerfile', text }).references, []);
});
