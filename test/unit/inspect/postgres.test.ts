// Postgres inspection against an embedded PGlite served over the wire protocol (so it runs on
// a fresh machine), and also against a real server when DBAUDIT_TEST_PG_URL is set or one
// answers on 127.0.0.1:5432 (in a test database created and dropped here).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { inspectPostgres, maskConnection, openPostgresReadOnly, prefixedPgTables } from '../../../server/src/engine/inspect/postgres';

const SETUP = `
  CREATE SCHEMA rag;
  CREATE TABLE public.users (id integer PRIMARY KEY, name text NOT NULL, email varchar(80));
  INSERT INTO public.users VALUES (1, 'admin', NULL), (2, 'jason', 'j@x'), (3, 'system', NULL);
  CREATE TABLE public.rag_documents (id serial PRIMARY KEY, body text);
  INSERT INTO public.rag_documents (body) VALUES ('a'), ('b');
  CREATE TABLE rag.chunks (doc_id integer, n integer, text text, PRIMARY KEY (doc_id, n));
  CREATE TABLE rag.log (at timestamptz);`;

interface Backend {
  name: string;
  /** A URL with a password, to prove it is never shown. */
  url: string;
  stop(): Promise<void>;
}

async function pglite(): Promise<Backend> {
  const db = await PGlite.create();
  await db.exec(SETUP);
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  const conn = server.getServerConn();
  return {
    name: 'PGlite over the wire protocol',
    url: `postgresql://postgres:pglite-secret@${conn}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** The real server, when one answers: a fresh database there, dropped afterwards. */
async function realServer(): Promise<Backend | undefined> {
  const base = process.env.DBAUDIT_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const admin = new Client({ connectionString: base, connectionTimeoutMillis: 2000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch {
    if (process.env.DBAUDIT_TEST_PG_URL) throw new Error('DBAUDIT_TEST_PG_URL is set but its server does not answer');
    return undefined;
  }
  const name = `dbaudit_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const setup = new Client({ connectionString: url.toString() });
  await setup.connect();
  await setup.query(SETUP);
  await setup.query('ANALYZE');
  await setup.end();
  if (!url.password) url.password = 'unused-secret'; // trust auth ignores it; it must still never be shown
  return {
    name: `the server at ${url.host}`,
    url: url.toString(),
    async stop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

test('Postgres inspection', async (t) => {
  const backends = [await pglite()];
  const real = await realServer();
  if (real) backends.push(real);
  try {
    for (const b of backends) {
      const password = new URL(b.url).password;
      await t.test(`${b.name}: schemas, tables, columns, primary keys, exact row counts, extensions`, async () => {
        const pg = await inspectPostgres(b.url);
        assert.equal(pg.error, undefined);
        assert.equal(pg.connection, maskConnection(b.url));
        assert.ok(!pg.connection.includes(password));
        assert.ok(pg.databases.includes(pg.database!));
        assert.deepEqual(pg.schemas.filter((s) => s === 'public' || s === 'rag'), ['public', 'rag']);
        assert.ok(pg.extensions.includes('plpgsql'));
        assert.deepEqual(pg.tables.map((x) => [`${x.schema}.${x.name}`, x.rows, x.estimated, x.primaryKey]), [
          ['public.rag_documents', 2, false, ['id']],
          ['public.users', 3, false, ['id']],
          ['rag.chunks', 0, false, ['doc_id', 'n']],
          ['rag.log', 0, false, []],
        ]);
        assert.deepEqual(pg.tables[1].columns, [
          { name: 'id', type: 'integer', notNull: true },
          { name: 'name', type: 'text', notNull: true },
          { name: 'email', type: 'character varying(80)', notNull: false },
        ]);
        assert.deepEqual(prefixedPgTables(pg, { rag: { tablePrefix: 'rag_' } }), [{ table: 'public.rag_documents', wants: 'rag.documents' }]);
      });
      await t.test(`${b.name}: large tables use the planner's estimate when told to`, async () => {
        const pg = await inspectPostgres(b.url, { exactCountBelow: 0 });
        const users = pg.tables.find((x) => x.name === 'users')!;
        // PGlite has never analyzed (estimate -1: counted anyway); the real server was analyzed above.
        assert.equal(users.rows, 3);
        assert.equal(users.estimated, b !== backends[0]);
      });
      await t.test(`${b.name}: the session is read-only`, async () => {
        const client = await openPostgresReadOnly(b.url);
        try {
          await assert.rejects(client.query(`INSERT INTO public.users VALUES (9, 'intruder', NULL)`), /read-only transaction/);
          await assert.rejects(client.query('CREATE TABLE public.x (a int)'), /read-only transaction/);
        } finally {
          await client.end();
        }
        const pg = await inspectPostgres(b.url);
        assert.equal(pg.tables.find((x) => x.name === 'users')?.rows, 3);
      });
    }
  } finally {
    for (const b of backends) await b.stop();
  }
});

test('a Postgres that cannot be reached gives an error naming the connection, password masked', async () => {
  const pg = await inspectPostgres('postgresql://app:hunter2@127.0.0.1:1/app', { connectTimeoutMs: 2000 });
  assert.equal(pg.connection, 'postgresql://app:***@127.0.0.1:1/app');
  assert.match(pg.error!, /^postgresql:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: connect ECONNREFUSED/);
  assert.deepEqual(pg.tables, []);
  assert.equal(maskConnection('postgres://u:p%40ss@h/db'), 'postgres://u:***@h/db');
});
