import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectToml, parseToml } from '../../../server/src/engine/detectors/toml';
import { digest } from '../../../server/src/engine/collector';
import type { DbReference } from '../../../server/src/engine/types';
import { definitions, summary } from '../../helpers/references';

test('fly.toml: [env] keys are definitions, their values literals; comments, keys and non-var keys are not', () => {
  const text = [
    '# DATABASE_URL = "sqlite:///old/auth.db"',
    'app = "zoe"  # the auth.db of comments',
    '"sqlite:///key.db" = 1',
    '[env]',
    "DATABASE_PATH = '/data/zoe.db'",
    'PORT = 8080',
    'lower = "x/y.db"',
    '',
  ].join('\n');
  const { references } = detectToml({ path: 'fly.toml', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_PATH', '', 4, 0, 4, 13],
    ['sqlite-path', 'zoe.db', '', 4, 17, 4, 29],
    ['sqlite-path', 'y.db', '', 6, 9, 6, 15],
  ]);
  const define = definitions(references).get('DATABASE_PATH')!;
  assert.equal(define.environment, 'fly.toml#env');
  assert.equal(define.valueDigest, digest('/data/zoe.db'));
});

test('netlify [build.environment] and inline env tables; an escaped URL keeps its exact range and is masked', () => {
  const text = [
    '[build.environment]',
    'DATABASE_URL = "postgresql://u:p\\u0040ss@db/mobius"',
    '[tool.x]',
    'inline = { env = { "REDIS_URL" = "redis://cache:6379/0" }, other = ["a.db", \'b.db\'] }',
  ].join('\n');
  const { references } = detectToml({ path: 'netlify.toml', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 1, 0, 1, 12],
    ['connection-url', 'mobius', '', 1, 16, 1, 50],
    ['env-define', 'REDIS_URL', '', 3, 20, 3, 29],
    ['connection-url', 'cache:6379', '', 3, 34, 3, 54],
    ['sqlite-path', 'a.db', '', 3, 69, 3, 73],
    ['sqlite-path', 'b.db', '', 3, 77, 3, 81],
  ]);
  const defs = definitions(references);
  assert.equal(defs.get('DATABASE_URL')!.environment, 'netlify.toml#build.environment');
  assert.equal(defs.get('DATABASE_URL')!.valueDigest, digest('postgresql://u:p@ss@db/mobius'));
  assert.equal(defs.get('DATABASE_URL')!.value, 'DATABASE_URL=postgresql://u:***@db/mobius');
  assert.equal(defs.get('REDIS_URL')!.environment, 'netlify.toml#tool.x.inline.env');
  const url = references.find((r) => r.target === 'mobius' && r.kind === 'connection-url')!;
  assert.equal(url.credentials, true);
  assert.equal(url.value, 'postgresql://u:***@db/mobius');
});

test('pyproject: pytest-env arrays and [tool.pytest_env] define vars inside the strings', () => {
  const text = [
    '[tool.pytest.ini_options]',
    'env = [',
    '  "DATABASE_URL=sqlite:///test.db",  # tests',
    '  "D:DATABASE_PATH=/tmp/t.db",',
    ']',
    '[tool.pytest_env]',
    'MEMORY_DB_PATH = "/tmp/memory.db"',
  ].join('\n');
  const { references } = detectToml({ path: 'pyproject.toml', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 2, 3, 2, 15],
    ['connection-url', 'test.db', '', 2, 16, 2, 33],
    ['env-define', 'DATABASE_PATH', '', 3, 5, 3, 18],
    ['sqlite-path', 't.db', '', 3, 19, 3, 28],
    ['env-define', 'MEMORY_DB_PATH', '', 6, 0, 6, 14],
    ['sqlite-path', 'memory.db', '', 6, 18, 6, 32],
  ]);
  const defs = definitions(references);
  assert.equal(defs.get('DATABASE_PATH')!.environment, 'pyproject.toml#tool.pytest.ini_options');
  assert.equal(defs.get('DATABASE_PATH')!.valueDigest, digest('/tmp/t.db'));
  assert.equal(defs.get('MEMORY_DB_PATH')!.environment, 'pyproject.toml#tool.pytest_env');
});

test('escapes, multi-line basic strings with line-ending backslashes and multi-line literal strings map exactly', () => {
  const text = [
    'esc = "C:\\\\data\\\\app.db"',
    'unc = "\\\\\\\\srv\\\\share\\\\u.db"',
    'ml = """',
    'first line',
    '  sqlite:///m.db \\',
    '     /after/b.db"""',
    "lit = '''",
    "  raw\\n/r/x.db'''",
    'quotes = """"q.db"""""',
  ].join('\n');
  const { references } = detectToml({ path: 'config.toml', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'app.db', '', 0, 7, 0, 23],
    ['sqlite-path', 'u.db', '', 1, 7, 1, 27],
    ['connection-url', 'm.db', '', 4, 2, 4, 16],
    ['sqlite-path', 'b.db', '', 5, 5, 5, 16],
    ['sqlite-path', 'x.db', '', 7, 2, 7, 14],
    ['sqlite-path', 'q.db', '', 8, 13, 8, 17],
  ]);
  assert.equal(references[0].value, 'C:\\data\\app.db');
  assert.equal(references[1].value, '\\\\srv\\share\\u.db');
  const pairs = parseToml(text);
  const ml = pairs.find((p) => p.key[0].name === 'ml')!.value;
  assert.equal(ml.type === 'string' && ml.text.text, 'first line\n  sqlite:///m.db /after/b.db');
  const quotes = pairs.find((p) => p.key[0].name === 'quotes')!.value;
  assert.equal(quotes.type === 'string' && quotes.text.text, '"q.db""');
});

test('a "#" inside a string is not a comment; a broken line is skipped and the next ones still read; arrays span lines; CRLF', () => {
  const text = ['a = "x # /in/string.db"', 'broken = "unterminated /lost.db', 'b = [1, 2,', '"c.db"]', 'bad = [1 "no-comma.db"]', 'DB = "after/ok.db"  # /c.db', ''].join('\r\n');
  const { references } = detectToml({ path: 'config.toml', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'string.db', '', 0, 9, 0, 22],
    ['sqlite-path', 'c.db', '', 3, 1, 3, 5],
    ['sqlite-path', 'ok.db', '', 5, 6, 5, 17],
  ]);
});

test('keys and table headers are never searched, and values outside env tables define nothing', () => {
  const text = ['["data/auth.db"]', "'zoe.db'.x = true", '[tool.poetry]', 'DATABASE_URL = "postgresql://db/mobius"', 'env = "ENV=prod"'].join('\n');
  const { references } = detectToml({ path: 'pyproject.toml', text });
  assert.deepEqual(summary(references), [['connection-url', 'mobius', '', 3, 16, 3, 38]]);
});
