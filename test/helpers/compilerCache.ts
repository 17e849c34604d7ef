// A language server's use of the TypeScript compiler's cached code (engine/codeCache.ts), seen from
// outside: started with its own temp folder, it opens a TS document (which loads the compiler),
// and at exit the folder holds the compiler's code; a second server uses it and writes nothing.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TestClient, uri } from './lspClient';

/**
 * The cache files of the compiler a server wrote under `tmp`, with their modification times: named
 * for the compiler's file (ts-morph's `typescript.js`, or the bundles' `typescript-compiler.js`) and
 * of its size (MBs: the code of a small module named alike would be a few hundred bytes).
 */
function compilerCodeFiles(tmp: string): Array<[string, number]> {
  const dir = path.join(tmp, `db-audit-compile-cache-${process.getuid?.() ?? ''}`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^typescript(?:-compiler)?\.js-[0-9a-f]{16}\.v8$/.test(n) && statSync(path.join(dir, n)).size > 1_000_000)
    .map((n) => [n, statSync(path.join(dir, n)).mtimeMs]);
}

/** One server of `entry` (a server module's path) on a workspace with a TS document, opened until its diagnostics come. */
async function openTsDocument(entry: string, tmp: string, root: string): Promise<void> {
  const client = new TestClient([entry, '--stdio'], { ...process.env, TMPDIR: tmp, NODE_DISABLE_COMPILE_CACHE: '' });
  try {
    await client.initialize(root);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uri(root, 'src/db.ts'), languageId: 'typescript', version: 1, text: "export const url = 'postgres://app:hunter2@db:5432/zoe';\n" },
    });
    await client.waitFor('the TS document\'s diagnostics', () => client.diagnostics.get(uri(root, 'src/db.ts')));
    await client.waitForIdle('the startup scan');
  } finally {
    await client.stop();
  }
}

/** Checks the server module at `entry` writes the compiler's cached code once and then uses it. */
export async function checkServerCachesCompilerCode(entry: string): Promise<void> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'dbaudit-server-cc-'));
  try {
    const root = path.join(tmp, 'ws');
    mkdirSync(path.join(root, 'src'), { recursive: true });
    writeFileSync(path.join(root, 'src/db.ts'), "export const url = 'postgres://app:hunter2@db:5432/zoe';\n");
    await openTsDocument(entry, tmp, root);
    const written = compilerCodeFiles(tmp);
    assert.equal(written.length, 1, 'the compiler\'s code, written at exit');
    await openTsDocument(entry, tmp, root);
    assert.deepEqual(compilerCodeFiles(tmp), written, 'used by the next server, not written again');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
