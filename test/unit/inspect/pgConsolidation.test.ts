// Postgres duplicates, row divergence and the consolidation plan: on embedded PGlite (with
// pgvector) served over the wire protocol, and, when a server answers on 127.0.0.1:5432 (or
// DBAUDIT_TEST_PG_URL), across two databases created and dropped here, where the plan the
// tool writes is also run with bash (psql, pg_dump, pg_restore) to prove it does what it says.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { parseRulesFile } from '../../../server/src/engine/config/rulesFile';
import { comparePostgres, prefixedTablesOf } from '../../../server/src/engine/inspect/pgCompare';
import { buildPostgresPlan, passwordless, schemaForAbsorbed } from '../../../server/src/engine/inspect/pgPlan';
import { inspectPostgres } from '../../../server/src/engine/inspect/postgres';

const rules = (database: string, absorbs: string[]) =>
  parseRulesFile(JSON.stringify({ databases: { platform: { engine: 'postgres', database, absorbs, schemas: { rag: { tablePrefix: 'rag_' } } } } }), 'dbaudit.json').config!;

async function pglite(sql: string): Promise<{ url: string; stop(): Promise<void> }> {
  const db = await PGlite.create({ extensions: { vector } });
  await db.exec(sql);
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  return {
    url: `postgresql://postgres:pglite-secret@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

const SCHEMAS = `
  CREATE EXTENSION vector;
  CREATE SCHEMA rag; CREATE SCHEMA legacy;
  CREATE TABLE public.users (id integer PRIMARY KEY, name text NOT NULL, email text);
  INSERT INTO public.users VALUES (1, 'admin', 'a@x'), (2, 'jason', 'j@x'), (3, 'system', NULL);
  CREATE TABLE legacy.users (id integer PRIMARY KEY, name text NOT NULL);
  INSERT INTO legacy.users VALUES (1, 'admin'), (2, 'jason-old'), (4, 'dev'), (5, 'ops');
  CREATE TABLE public.rag_documents (id integer PRIMARY KEY, body text, embedding vector(3));
  INSERT INTO public.rag_documents VALUES (1, 'a', '[1,2,3]'), (2, 'b', NULL);
  CREATE TABLE rag.documents (id integer PRIMARY KEY, body text, embedding vector(3));
  INSERT INTO rag.documents VALUES (1, 'a', '[1,2,3]');`;

test('PGlite: prefixed tables, pgvector, tables duplicated across schemas with rows compared on the primary key in batches', async () => {
  const b = await pglite(SCHEMAS);
  try {
    const config = rules('postgres', []);
    const pg = await inspectPostgres(b.url);
    assert.ok(pg.extensions.includes('vector'));
    assert.deepEqual(prefixedTablesOf([pg], config).map((p) => [p.table, p.wants]), [['public.rag_documents', 'rag.documents']]);
    // A batch of 1 key makes every page a separate query: the counts must not depend on it.
    for (const batchSize of [1, 500]) {
      const dups = await comparePostgres([{ url: b.url, inspection: pg }], config, { batchSize, examples: 1 });
      assert.deepEqual(dups.map((d) => [d.table, d.copies]), [
        ['documents', ['postgres.public.rag_documents', 'postgres.rag.documents']],
        ['users', ['postgres.legacy.users', 'postgres.public.users']],
      ]);
      const [docs, users] = dups.map((d) => d.comparisons[0]);
      assert.deepEqual([docs.source, docs.target, docs.key, docs.rows?.onlyInSource, docs.rows?.onlyInTarget, docs.rows?.differing], ['postgres.public.rag_documents', 'postgres.rag.documents', ['id'], 1, 0, 0]);
      assert.deepEqual(docs.rows?.examples.onlyInSource, [{ key: 'id=2' }]);
      assert.deepEqual([users.source, users.target, users.extraColumns, users.rows?.onlyInSource, users.rows?.onlyInTarget, users.rows?.differing], ['postgres.legacy.users', 'postgres.public.users', ['email'], 2, 1, 1]);
      // Only the first example is kept (examples: 1), the counts stay whole; keys only, never values.
      assert.deepEqual(users.rows?.examples, { onlyInSource: [{ key: 'id=4' }], onlyInTarget: [{ key: 'id=3' }], differing: [{ key: 'id=2' }] });
      assert.doesNotMatch(JSON.stringify(dups), /jason-old|pglite-secret/);
    }
  } finally {
    await b.stop();
  }
});

test('PGlite: the Option B plan creates the schema and pgvector, moves and renames prefixed tables, and writes no password', async (t) => {
  const target = await pglite(`CREATE SCHEMA legacy; CREATE TABLE public.rag_chunks (id integer PRIMARY KEY); CREATE TABLE public.users (id integer PRIMARY KEY);`);
  const absorbed = await pglite(`CREATE EXTENSION vector; CREATE TABLE public.documents (id integer PRIMARY KEY, embedding vector(3)); CREATE TABLE public.rag_sources (id integer PRIMARY KEY); CREATE TABLE public.users (id integer PRIMARY KEY);`);
  try {
    const t = await inspectPostgres(target.url);
    // Both PGlite servers call their database "postgres": the absorbed one is named as the rules file does.
    const a = { ...(await inspectPostgres(absorbed.url)), database: 'zoe_rag' };
    const config = rules('postgres', ['zoe_rag', 'zoe_chat']);
    const script = buildPostgresPlan(config, [{ url: target.url, inspection: t }, { url: absorbed.url, inspection: a }]);
    assert.doesNotMatch(script, /pglite-secret|\*\*\*/);
    assert.match(script, /Option B: one database, one schema per app/);
    const lines = script.split('\n');
    const at = (line: string) => {
      const i = lines.indexOf(line);
      assert.ok(i >= 0, `missing: ${line}\n${script}`);
      return i;
    };
    const create = at('CREATE SCHEMA IF NOT EXISTS "rag";');
    at('CREATE EXTENSION IF NOT EXISTS vector; -- pgvector, used by zoe_rag');
    assert.ok(at('ALTER TABLE "public"."rag_chunks" SET SCHEMA "rag";') > create);
    at('ALTER TABLE "rag"."rag_chunks" RENAME TO "chunks";');
    const dump = lines.findIndex((l) => l.startsWith('pg_dump --format=custom --no-owner --no-privileges --schema=public'));
    assert.ok(dump > create);
    assert.match(lines[dump], new RegExp(`--dbname='${passwordless(absorbed.url).replace(/[.?*+()]/g, '\\$&')}'`));
    assert.ok(at('ALTER TABLE "public"."documents" SET SCHEMA "rag";') > dump);
    at('ALTER TABLE "rag"."rag_sources" RENAME TO "sources";');
    at(`# CONFLICT: public.users is in postgres too: pg_restore stops on it; resolve it before running this step`);
    at('# zoe_chat: not inspected: pass --postgres URL for it to plan its move.');
    assert.equal(schemaForAbsorbed(config.databases[0], 'zoe_chat'), 'zoe_chat');
    assert.equal(schemaForAbsorbed(config.databases[0], 'postgres_chat'), 'chat');
    const a2 = buildPostgresPlan(config, [{ url: target.url, inspection: t }, { url: absorbed.url, inspection: a }], 'A');
    assert.match(a2, /Option A: one instance, one database per app/);
    // The two PGlite servers are two instances: Option A moves zoe_rag onto the target's, as its own database with pgvector.
    const targetDb = (db: string) => passwordless(target.url).replace(/\/postgres$/, `/${db}`);
    assert.match(a2, new RegExp(`^createdb --maintenance-db='${passwordless(target.url).replace(/[.?*+()]/g, '\\$&')}' 'zoe_rag'$`, 'm'));
    assert.ok(a2.includes(`psql '${targetDb('zoe_rag')}' -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS vector'\npg_restore --no-owner --no-privileges --exit-on-error --dbname='${targetDb('zoe_rag')}' 'zoe_rag.dump'`));
    assert.doesNotMatch(a2, /SET SCHEMA "rag";\nALTER TABLE "public"."documents"/);
    assert.doesNotMatch(a2, /pglite-secret/);
  } finally {
    await target.stop();
    await absorbed.stop();
  }
  const real = await realServer();
  if (real) await t.test('the real server: duplicates across databases; the Option B plan, run with bash, moves the absorbed tables into their schema', () => realServerChecks(real));
});

/** Two fresh databases on the real server, when one answers; dropped afterwards. */
async function realServer(): Promise<{ admin: Client; base: URL; make(suffix: string, sql: string): Promise<string>; drop(): Promise<void> } | undefined> {
  const base = new URL(process.env.DBAUDIT_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  const admin = new Client({ connectionString: base.toString(), connectionTimeoutMillis: 2000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch {
    if (process.env.DBAUDIT_TEST_PG_URL) throw new Error('DBAUDIT_TEST_PG_URL is set but its server does not answer');
    return undefined;
  }
  const prefix = `dbaudit_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  const made: string[] = [];
  return {
    admin,
    base,
    async make(suffix, sql) {
      const name = `${prefix}_${suffix}`;
      await admin.query(`CREATE DATABASE ${name}`);
      made.push(name);
      const url = new URL(base);
      url.pathname = `/${name}`;
      const c = new Client({ connectionString: url.toString() });
      await c.connect();
      await c.query(sql);
      await c.end();
      return url.toString();
    },
    async drop() {
      for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Run as a subtest of the PGlite plan test when a real server answers. */
async function realServerChecks(real: NonNullable<Awaited<ReturnType<typeof realServer>>>): Promise<void> {
  try {
    const platformUrl = await real.make('platform', `
      CREATE TABLE public.users (id integer PRIMARY KEY, name text);
      INSERT INTO public.users VALUES (1, 'admin'), (2, 'jason');
      CREATE TABLE public.rag_chunks (id integer PRIMARY KEY, body text);
      INSERT INTO public.rag_chunks VALUES (1, 'c');`);
    const ragUrl = await real.make('rag', `
      CREATE TABLE public.documents (id serial PRIMARY KEY, body text);
      INSERT INTO public.documents (body) VALUES ('d1'), ('d2');
      CREATE TABLE public.rag_sources (id integer PRIMARY KEY);
      INSERT INTO public.rag_sources VALUES (7);`);
    const usersUrl = await real.make('users', `
      CREATE TABLE public.users (id integer PRIMARY KEY, name text);
      INSERT INTO public.users VALUES (1, 'admin'), (2, 'jason-old'), (3, 'dev');`);
    const platform = new URL(platformUrl).pathname.slice(1);
    const rag = new URL(ragUrl).pathname.slice(1);
    const withSecret = (u: string) => Object.assign(new URL(u), { password: 'unused-secret' }).toString();
    const named = await Promise.all([platformUrl, ragUrl, usersUrl].map(async (u) => ({ url: withSecret(u), inspection: await inspectPostgres(withSecret(u)) })));
    const config = rules(platform, [rag]);

    const users = (await comparePostgres(named, config)).find((d) => d.table === 'users')!;
    assert.deepEqual(users.comparisons.map((c) => [c.source, c.target, c.rows?.onlyInSource, c.rows?.onlyInTarget, c.rows?.differing]), [
      [`${named[2].inspection.database}.public.users`, `${platform}.public.users`, 1, 0, 1],
    ]);

    const script = buildPostgresPlan(config, named.slice(0, 2));
    assert.doesNotMatch(script, /unused-secret/);
    const dir = mkdtempSync(path.join(tmpdir(), 'dbaudit-pgplan-'));
    writeFileSync(path.join(dir, 'plan.sh'), script);
    const run = spawnSync('bash', ['plan.sh'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGPASSWORD: '' } });
    assert.equal(run.status, 0, run.stderr);
    const c = new Client({ connectionString: platformUrl });
    await c.connect();
    try {
      const tables = (await c.query<{ t: string }>(`SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname IN ('public', 'rag') ORDER BY 1`)).rows.map((r) => r.t);
      assert.deepEqual(tables, ['public.users', 'rag.chunks', 'rag.documents', 'rag.sources']);
      assert.equal((await c.query('SELECT count(*)::int AS n FROM rag.documents')).rows[0].n, 2);
      // The serial's sequence moved along: new rows still get ids.
      assert.equal((await c.query(`INSERT INTO rag.documents (body) VALUES ('d3') RETURNING id`)).rows[0].id, 3);
    } finally {
      await c.end();
    }
    // The absorbed database is only read.
    assert.deepEqual((await inspectPostgres(ragUrl)).tables.map((x) => `${x.schema}.${x.name}:${x.rows}`), ['public.documents:2', 'public.rag_sources:1']);
  } finally {
    await real.drop();
  }
}
