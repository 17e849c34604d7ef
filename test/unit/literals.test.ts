import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLiterals, findInterpolations, classifyWhole, maskSecrets } from '../../server/src/engine/literals';

test('a SQLAlchemy URL with a password is a postgres connection-url, password masked', () => {
  const [m] = findLiterals('postgresql+asyncpg://user:pw@host:5432/mobius_rag');
  assert.equal(m.kind, 'connection-url');
  assert.equal(m.engine, 'postgres');
  assert.equal(m.target, 'mobius_rag');
  assert.equal(m.value, 'postgresql+asyncpg://user:***@host:5432/mobius_rag');
  assert.equal(m.credentials, true);
});

test('templated URLs are references without credentials; an env var in the db position is the target', () => {
  const [f] = findLiterals('postgresql://{u}:{p}@{h}/{db}');
  assert.equal(f.credentials, false);
  assert.equal(f.target, '<dynamic>');
  const [c] = findLiterals('postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}');
  assert.equal(c.credentials, false);
  assert.equal(c.target, 'POSTGRES_DB');
  assert.equal(c.value, 'postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}');
});

test('sqlite URLs name the file; a SQLite path inside the URL is not counted twice', () => {
  const found = findLiterals('sqlite:///./app.db');
  assert.equal(found.length, 1);
  assert.deepEqual([found[0].kind, found[0].engine, found[0].target], ['connection-url', 'sqlite', 'app.db']);
});

test('engines from schemes', () => {
  const engines = ['mysql://root@localhost/shop', 'mongodb+srv://a:b@c.net/app', 'redis://localhost:6379/0', 'bolt://neo4j@localhost:7687', 'mssql://sa@h/db']
    .map((u) => findLiterals(u)[0].engine);
  assert.deepEqual(engines, ['mysql', 'mongodb', 'redis', 'unknown', 'mssql']);
  assert.deepEqual(findLiterals('https://example.com/files/a.db'), []);
});

test('libpq keyword DSN', () => {
  const [m] = findLiterals('host=localhost port=5432 dbname=mobius user=app password=secret');
  assert.equal(m.engine, 'postgres');
  assert.equal(m.target, 'mobius');
  assert.equal(m.value, 'host=localhost port=5432 dbname=mobius user=app password=***');
  assert.equal(m.credentials, true);
});

test('SQLite paths and the tricky negatives', () => {
  assert.equal(classifyWhole('/app/data/auth.db')?.target, 'auth.db');
  assert.equal(classifyWhole('C:\\data\\legacy.sqlite3')?.target, 'legacy.sqlite3');
  for (const neg of ['Thumbs.db', '*.db', 'db.example.com', '.db', 'app.dbx', 'data/*.sqlite']) {
    assert.deepEqual(findLiterals(neg), [], neg);
  }
  const vol = findLiterals('./data/auth.db:/app/data/auth.db');
  assert.deepEqual(vol.map((v) => v.value), ['./data/auth.db', '/app/data/auth.db']);
});

test('interpolations with defaults', () => {
  const [i] = findInterpolations('${DATABASE_PATH:-/app/data/zoe.db}');
  assert.equal(i.name, 'DATABASE_PATH');
  assert.equal(i.fallback?.text, '/app/data/zoe.db');
  assert.deepEqual(findInterpolations('$$NOT_A_VAR').length, 0);
});

test('maskSecrets masks every literal password and nothing else', () => {
  assert.equal(maskSecrets('a postgres://u:hunter2@h/db b mysql://x@y/z'), 'a postgres://u:***@h/db b mysql://x@y/z');
});
