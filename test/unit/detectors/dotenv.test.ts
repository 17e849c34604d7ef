import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectDotenv } from '../../../server/src/engine/detectors/dotenv';
import { digest } from '../../../server/src/engine/collector';
import type { DbReference } from '../../../server/src/engine/types';
import { definitions, summary } from '../../helpers/references';

test('plain, exported and quoted definitions with their literals; comments are skipped', () => {
  const text = [
    '# DATABASE_PATH=/old/auth.db was the legacy store',
    'DATABASE_PATH=/app/data/zoe.db',
    'export DATABASE_URL="postgresql://app:secret@db:5432/mobius" # the main db',
    "LEGACY_DB_PATH='data/auth.db'",
    '',
  ].join('\n');
  const { references } = detectDotenv({ path: '.env.example', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_PATH', '', 1, 0, 1, 13],
    ['sqlite-path', 'zoe.db', '', 1, 14, 1, 30],
    ['env-define', 'DATABASE_URL', '', 2, 7, 2, 19],
    ['connection-url', 'mobius', '', 2, 21, 2, 59],
    ['env-define', 'LEGACY_DB_PATH', '', 3, 0, 3, 14],
    ['sqlite-path', 'auth.db', '', 3, 16, 3, 28],
  ]);
  const defs = definitions(references);
  assert.equal(defs.get('DATABASE_URL')!.environment, '.env.example');
  assert.equal(defs.get('DATABASE_URL')!.value, 'DATABASE_URL=postgresql://app:***@db:5432/mobius');
  assert.equal(defs.get('DATABASE_URL')!.valueDigest, digest('postgresql://app:secret@db:5432/mobius'));
  const url = references.find((r) => r.kind === 'connection-url')!;
  assert.equal(url.credentials, true);
  assert.equal(url.value, 'postgresql://app:***@db:5432/mobius');
});

test('inline comments end unquoted values only after whitespace; empty values are definitions', () => {
  const text = ['PASSWORD=abc#def # rotate me', 'EMPTY=', 'HASH_ONLY=#nothing', '  SPACED = /srv/s.db   ', 'QUOTED="a # b"'].join('\n');
  const defs = definitions(detectDotenv({ path: 'app.env', text }).references);
  assert.equal(defs.get('PASSWORD')!.valueDigest, digest('abc#def'));
  assert.equal(defs.get('EMPTY')!.valueDigest, digest(''));
  assert.equal(defs.get('HASH_ONLY')!.valueDigest, digest(''));
  assert.equal(defs.get('SPACED')!.valueDigest, digest('/srv/s.db'));
  assert.deepEqual(defs.get('SPACED')!.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 8 } });
  assert.equal(defs.get('QUOTED')!.valueDigest, digest('a # b'));
  assert.equal(defs.get('PASSWORD')!.value, 'PASSWORD=***');
});

test('interpolations in unquoted and double-quoted values are reads; single quotes keep them literal', () => {
  const text = [
    'DATABASE_PATH=${DATABASE_PATH:-/app/data/zoe.db}',
    'DATABASE_URL="postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db/mobius"',
    "RAW='${NOT_A_READ}/raw.db'",
  ].join('\n');
  const { references } = detectDotenv({ path: '.env', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_PATH', '', 0, 0, 0, 13],
    ['env-read', 'DATABASE_PATH', '', 0, 16, 0, 29],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 0, 31, 0, 47],
    ['env-define', 'DATABASE_URL', '', 1, 0, 1, 12],
    ['connection-url', 'mobius', '', 1, 14, 1, 74],
    ['env-read', 'POSTGRES_USER', '', 1, 29, 1, 42],
    ['env-read', 'POSTGRES_PASSWORD', '', 1, 46, 1, 63],
    ['env-define', 'RAW', '', 2, 0, 2, 3],
    ['sqlite-path', 'raw.db', '', 2, 5, 2, 25],
  ]);
  assert.equal(references.find((r) => r.kind === 'connection-url')!.credentials, false);
});

test('a multi-line double-quoted value: escapes expand and literals keep their own line', () => {
  const text = ['CERT="-----BEGIN-----', 'sqlite:///data/m.db', 'end\\n"', 'ESCAPED="say \\"hi\\" to /e/x.db"', 'AFTER=1'].join('\n');
  const { references } = detectDotenv({ path: '.env', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'CERT', '', 0, 0, 0, 4],
    ['connection-url', 'm.db', '', 1, 0, 1, 19],
    ['env-define', 'ESCAPED', '', 3, 0, 3, 7],
    ['sqlite-path', 'x.db', '', 3, 23, 3, 30],
    ['env-define', 'AFTER', '', 4, 0, 4, 5],
  ]);
  const defs = definitions(references);
  assert.equal(defs.get('CERT')!.valueDigest, digest('-----BEGIN-----\nsqlite:///data/m.db\nend\n'));
  assert.equal(defs.get('ESCAPED')!.valueDigest, digest('say "hi" to /e/x.db'));
});

test('CRLF files, junk lines, Thumbs.db and *.db values yield no false references', () => {
  const text = 'IGNORE=*.db\r\nthis line is not an assignment auth.db\r\nICON_CACHE=Thumbs.db\r\nDB_HOST=db.example.com\r\n';
  const { references } = detectDotenv({ path: '.env', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'IGNORE', '', 0, 0, 0, 6],
    ['env-define', 'ICON_CACHE', '', 2, 0, 2, 10],
    ['env-define', 'DB_HOST', '', 3, 0, 3, 7],
  ]);
  assert.equal(definitions(references).get('DB_HOST')!.valueDigest, digest('db.example.com'));
});
