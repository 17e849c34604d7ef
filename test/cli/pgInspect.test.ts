// The built `db-audit inspect --postgres` and `plan --postgres` against an embedded PGlite
// (with pgvector) over the wire protocol: extensions, prefixed tables and duplicated tables in
// every format, the plan script, no password anywhere, and the database left as it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { tempDir } from '../helpers/sqliteFixtures';
import { runCli, type CliRun } from '../helpers/cli';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');

const run = (args: string[]): Promise<CliRun> => runCli(args);

test('inspect --postgres prints pgvector, prefixed tables and duplicated tables with diverging keys; plan --postgres writes the script; nothing changes', async () => {
  const db = await PGlite.create({ extensions: { vector } });
  await db.exec(`
    CREATE EXTENSION vector; CREATE SCHEMA rag;
    CREATE TABLE public.rag_documents (id integer PRIMARY KEY, body text);
    INSERT INTO public.rag_documents VALUES (1, 'a'), (2, 'b');
    CREATE TABLE rag.documents (id integer PRIMARY KEY, body text);
    INSERT INTO rag.documents VALUES (1, 'a changed'), (3, 'c');`);
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  const url = `postgresql://postgres:pg-secret@${server.getServerConn()}/postgres`;
  const root = tempDir('dbaudit-pg-cli-');
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify({ databases: { platform: { engine: 'postgres', database: 'postgres', schemas: { rag: { tablePrefix: 'rag_' } } } } }));
  try {
    const text = await run(['inspect', root, '--postgres', url]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^  extensions: plpgsql, vector \(pgvector\)$/m);
    assert.match(text.stdout, /^  prefixed table: public\.rag_documents belongs in schema rag: rag\.documents$/m);
    assert.match(text.stdout, /^  documents: postgres\.public\.rag_documents, postgres\.rag\.documents$/m);
    assert.match(text.stdout, /^      postgres\.public\.rag_documents: 2 rows, 1 missing from postgres\.rag\.documents \(id=2\), 1 with the same id and different values \(id=1\); postgres\.rag\.documents has 1 row the copy lacks \(id=3\)$/m);

    const json = JSON.parse((await run(['inspect', root, '--postgres', url, '--format', 'json'])).stdout) as {
      postgresPrefixed: Array<{ table: string; wants: string }>;
      postgresDuplicates: Array<{ table: string; comparisons: Array<{ rows: { onlyInSource: number; onlyInTarget: number; differing: number } }> }>;
    };
    assert.deepEqual(json.postgresPrefixed.map((p) => [p.table, p.wants]), [['public.rag_documents', 'rag.documents']]);
    assert.deepEqual(json.postgresDuplicates.map((d) => [d.table, d.comparisons.map((c) => [c.rows.onlyInSource, c.rows.onlyInTarget, c.rows.differing])]), [['documents', [[1, 1, 1]]]]);

    const md = await run(['inspect', root, '--postgres', url, '--format', 'markdown']);
    assert.match(md.stdout, /^\| postgres \| public\.rag_documents \| rag\.documents \|$/m);
    assert.match(md.stdout, /^- `postgres`: plpgsql, vector$/m);

    const plan = await run(['plan', root, '--postgres', url]);
    assert.equal(plan.code, 0, plan.stderr);
    // rag.documents exists already: the move is a conflict for a person, not a statement.
    assert.match(plan.stdout, /^-- CONFLICT: rag\.documents exists already: merge public\.rag_documents into it by hand$/m);
    assert.match(plan.stdout, /Option B: one database, one schema per app/);
    const optionA = await run(['plan', root, '--postgres', url, '--option', 'A']);
    assert.match(optionA.stdout, /Option A: one instance, one database per app/);
    const bad = await run(['plan', root, '--postgres', url, '--option', 'C']);
    assert.equal(bad.code, 2);
    for (const r of [text, md, plan, optionA, bad]) assert.doesNotMatch(r.stdout + r.stderr, /pg-secret/);
    // Read-only: the tables are as they were.
    assert.deepEqual((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.rag_documents')).rows[0].n, 2);
  } finally {
    await server.stop();
    await db.close();
  }
});
