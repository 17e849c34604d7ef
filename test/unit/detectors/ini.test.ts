import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../../server/src/engine/treeSitter';
import { analyzeIniLines, detectIni } from '../../../server/src/engine/detectors/ini';
import { digest, ReferenceCollector } from '../../../server/src/engine/collector';
import type { DbReference } from '../../../server/src/engine/types';
import { summary } from '../../helpers/references';

before(async () => {
  await loadGrammars();
});

test('alembic.ini: the URL is found with its password masked; %(here)s paths and comments', () => {
  const text = [
    '# sqlalchemy.url = sqlite:///old/auth.db',
    '[alembic]',
    'script_location = migrations',
    'sqlalchemy.url = postgresql://user:pw@db/mobius',
    '; legacy = sqlite:///auth.db',
    'local.url = sqlite:///%(here)s/app.db ; the dev copy of zoe.db',
    'cache = %(here)s/cache.db',
    '',
  ].join('\n');
  const { references } = detectIni({ path: 'alembic.ini', text });
  assert.deepEqual(summary(references), [
    ['connection-url', 'mobius', '', 3, 17, 3, 47],
    ['connection-url', 'app.db', '', 5, 12, 5, 37],
    ['sqlite-path', 'cache.db', '', 6, 8, 6, 25],
  ]);
  const byTarget = new Map(references.map((r) => [r.target, r]));
  const [url, local, cache] = [byTarget.get('mobius')!, byTarget.get('app.db')!, byTarget.get('cache.db')!];
  assert.equal(url.credentials, true);
  assert.equal(url.value, 'postgresql://user:***@db/mobius');
  assert.equal(local.value, 'sqlite:///%(here)s/app.db');
  assert.equal(local.credentials, false);
  assert.equal(cache.value, '%(here)s/cache.db');
});

test('${VAR} in values are env reads, and a ${VAR:-default} literal is only the default', () => {
  const text = ['[app]', 'url = ${DATABASE_URL}', 'path=${DATABASE_PATH:-/app/data/zoe.db}', 'both = postgresql://${PGUSER}@db/mobius'].join('\n');
  const { references } = detectIni({ path: 'conf/app.conf', text });
  assert.deepEqual(summary(references), [
    ['env-read', 'DATABASE_URL', '', 1, 8, 1, 20],
    ['env-read', 'DATABASE_PATH', '', 2, 7, 2, 20],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 2, 22, 2, 38],
    ['connection-url', 'mobius', '', 3, 7, 3, 39],
    ['env-read', 'PGUSER', '', 3, 22, 3, 28],
  ]);
});

test('pytest-env: `env =` lines define vars in the pytest section and their literals are found', () => {
  const text = ['[pytest]', 'env =', '    DATABASE_URL=sqlite:///test.db', '    D:DATABASE_PATH=/tmp/t.db', 'addopts = -q --db=other.db', ''].join('\n');
  const { references } = detectIni({ path: 'pytest.ini', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 2, 4, 2, 16],
    ['connection-url', 'test.db', '', 2, 17, 2, 34],
    ['env-define', 'DATABASE_PATH', '', 3, 6, 3, 19],
    ['sqlite-path', 't.db', '', 3, 20, 3, 29],
    ['sqlite-path', 'other.db', '', 4, 18, 4, 26],
  ]);
  const define = references.find((r) => r.envVar === 'DATABASE_PATH')!;
  assert.equal(define.environment, 'pytest.ini#pytest');
  assert.equal(define.valueDigest, digest('/tmp/t.db'));
});

test('continuation lines and `key: value` lines the grammar does not know are still read; comments in them are not', () => {
  const text = ['[options]', 'urls =', '    postgresql://a:b@h/db', '    sqlite:///x.db more', '# c auth.db', 'k: v.db', ''].join('\n');
  const { references } = detectIni({ path: 'setup.cfg', text });
  assert.deepEqual(summary(references), [
    ['connection-url', 'db', '', 2, 4, 2, 25],
    ['connection-url', 'x.db', '', 3, 4, 3, 18],
    ['sqlite-path', 'v.db', '', 5, 3, 5, 7],
  ]);
});

test('negatives: names, sections, Thumbs.db, globs, host names, inline comments; CRLF lines keep exact ranges', () => {
  const text = [
    '[sqlite:///section.db]',
    'auth.db = yes',
    'Database = /srv/odbc.db',
    'Thumbs = Thumbs.db ; not a db',
    'glob = *.db',
    'host = db.example.com',
    'note = keep ; the old auth.db',
    '',
  ].join('\r\n');
  const { references } = detectIni({ path: 'odbc.ini', text });
  assert.deepEqual(summary(references), [['sqlite-path', 'odbc.db', '', 2, 11, 2, 23]]);
});

test('without the grammar, the line scanner reads values the same way', () => {
  const text = ['; legacy = auth.db', '[db]', 'url = sqlite:///%(here)s/app.db  # dev', '  /data/cont.db', 'name: zoe.db'].join('\n');
  const c = new ReferenceCollector({ path: 'x.ini', text });
  analyzeIniLines(c, text, 0, text.length);
  assert.deepEqual(summary(c.result().references), [
    ['connection-url', 'app.db', '', 2, 6, 2, 31],
    ['sqlite-path', 'cont.db', '', 3, 2, 3, 15],
    ['sqlite-path', 'zoe.db', '', 4, 6, 4, 12],
  ]);
});
