// dbAudit/inspect and dbAudit/plan over the real protocol, on a temp workspace with real SQLite
// files (checksums unchanged after) and a Postgres named in dbAudit.connections, served by an
// embedded PGlite whose socket server counts connections: a trusted workspace inspects it, an
// untrusted one never connects.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { InspectResult, PlanResult } from '../../server/src/protocol';
import { TestClient, uri } from '../helpers/lspClient';
import { fingerprint, splitUsers, tempDir } from '../helpers/sqliteFixtures';

const RULES = {
  databases: {
    zoe: { engine: 'sqlite', file: '/app/data/zoe.db', absorbs: ['auth.db', 'developer_tasks.db'] },
    platform: { engine: 'postgres', database: 'postgres', schemas: { rag: { tablePrefix: 'rag_' } } },
  },
};

let root: string;
let db: PGlite;
let server: PGLiteSocketServer;
let connections = 0;
let url: string;

before(async () => {
  root = tempDir('dbaudit-inspect-lsp-');
  mkdirSync(path.join(root, 'data'));
  splitUsers(path.join(root, 'data'));
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify(RULES, null, 2));
  writeFileSync(path.join(root, 'app.py'), 'import sqlite3\nconn = sqlite3.connect("data/auth.db")\n');
  db = await PGlite.create();
  await db.exec(`CREATE TABLE public.rag_documents (id integer PRIMARY KEY, body text); INSERT INTO public.rag_documents VALUES (1, 'a');`);
  server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  server.addEventListener('connection', () => connections++);
  await server.start();
  url = `postgresql://postgres:lsp-secret@${server.getServerConn()}/postgres`;
  process.env.DBAUDIT_TEST_PLATFORM_URL = url; // the spawned server inherits it: `env:` connections read it
});

after(async () => {
  await server.stop();
  await db.close();
});

/** A server for the workspace, told whether it is trusted, with `platform` in dbAudit.connections. */
async function start(trusted: boolean): Promise<TestClient> {
  const client = new TestClient();
  const settings = { connections: { platform: 'env:DBAUDIT_TEST_PLATFORM_URL' } };
  client.connection.onRequest('workspace/configuration', () => [settings]);
  await client.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
    capabilities: { workspace: { configuration: true } },
    initializationOptions: { settings, trusted },
  });
  await client.connection.sendNotification('initialized', {});
  await client.waitForIdle('the startup scan');
  return client;
}

const rulesDiagnostics = (client: TestClient) => (client.diagnostics.get(uri(root, 'dbaudit.json'))?.diagnostics ?? []) as Diagnostic[];

test('trusted: dbAudit/inspect publishes duplicate-table and diverging-rows on dbaudit.json next to the audit\'s own diagnostics, inspects the named Postgres; dbAudit/plan returns both scripts; no file changes', async () => {
  const before = fingerprint(root);
  const client = await start(true);
  try {
    assert.deepEqual(rulesDiagnostics(client).filter((d) => d.code === 'duplicate-table' || d.code === 'diverging-rows'), [], 'no inspection before it is asked for');
    const appBefore = client.diagnostics.get(uri(root, 'app.py'))?.diagnostics.map((d) => d.code);
    assert.ok(appBefore?.includes('legacy-database'));
    const result = (await client.connection.sendRequest('dbAudit/inspect', {})) as InspectResult;
    assert.equal(result.trusted, true);
    assert.equal(result.folders.length, 1);
    assert.equal(result.folders[0].sqliteFiles, 3);
    assert.equal(result.folders[0].findings, 4);
    assert.deepEqual(result.folders[0].postgres, [{ name: 'platform' }]);
    assert.ok(connections > 0);
    assert.match(result.folders[0].report, /^\| postgres \| public\.rag_documents \| rag\.documents \|$/m);
    const diags = await client.waitFor('inspection diagnostics', () => {
      const d = rulesDiagnostics(client).filter((x) => x.code === 'duplicate-table' || x.code === 'diverging-rows');
      return d.length === 4 ? d : undefined;
    });
    // On the `absorbs` items of the rules file.
    const lineOf = (item: string) => JSON.stringify(RULES, null, 2).split('\n').findIndex((l) => l.trim().startsWith(`"${item}"`));
    const [auth, tasks] = [lineOf('auth.db'), lineOf('developer_tasks.db')];
    assert.deepEqual(diags.map((d) => [d.code, d.range.start.line]).sort(), [['diverging-rows', auth], ['diverging-rows', tasks], ['duplicate-table', auth], ['duplicate-table', tasks]]);
    assert.ok(diags.some((d) => /^developer_tasks\.db users: 1 row, 1 missing from zoe\.db \(username='dev'\)/.test(String(d.message))));
    // The audit's own diagnostics are still there.
    assert.deepEqual(client.diagnostics.get(uri(root, 'app.py'))?.diagnostics.map((d) => d.code), appBefore);

    const plan = (await client.connection.sendRequest('dbAudit/plan', {})) as PlanResult;
    assert.match(plan.sqlite!, /^INSERT INTO main\."users" \("username", "email"\) SELECT "username", "email" FROM "src_developer_tasks"\."users"/m);
    assert.match(plan.postgres!, /^ALTER TABLE "public"\."rag_documents" SET SCHEMA "rag";$/m);
    assert.doesNotMatch(JSON.stringify([result, plan, rulesDiagnostics(client)]), /lsp-secret/);
  } finally {
    await client.stop();
  }
  assert.deepEqual(fingerprint(root), before);
});

test('untrusted: the same settings make no Postgres connection, and SQLite is still inspected', async () => {
  const client = await start(false);
  try {
    const before = connections;
    const result = (await client.connection.sendRequest('dbAudit/inspect', {})) as InspectResult;
    assert.equal(result.trusted, false);
    assert.deepEqual(result.folders[0].postgres, []);
    assert.equal(result.folders[0].findings, 4);
    const plan = (await client.connection.sendRequest('dbAudit/plan', {})) as PlanResult;
    assert.equal(plan.postgres, undefined);
    assert.ok(plan.sqlite);
    assert.equal(connections, before);
  } finally {
    await client.stop();
  }
});
