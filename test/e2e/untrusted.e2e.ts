// Scenario 5: the workspace opened untrusted (Restricted Mode). The audit still shows its findings,
// but nothing connects to a database — not even to one the user's own dbAudit.connections names,
// when asked to inspect — and not one byte of the workspace changes.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { Session, UI_TIMEOUT, copyFixture, installVsix } from './vscode';

let workspace: string;
let extensions: string;
let session: Session;
let listener: Server;
let connections = 0;

/** Every file's path and content hash, and every folder: any write, creation or removal shows. */
function checksum(root: string): string {
  const hash = createHash('sha256');
  for (const rel of (readdirSync(root, { recursive: true }) as string[]).map(String).sort()) {
    const abs = path.join(root, rel);
    hash.update(rel + '\0');
    try {
      hash.update(readFileSync(abs));
    } catch {
      hash.update('<dir>');
    }
  }
  return hash.digest('hex');
}

before(async () => {
  workspace = copyFixture();
  // A stand-in Postgres on loopback: it only counts who knocks.
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as { port: number }).port;
  extensions = installVsix();
  session = await Session.open({
    workspace,
    extensionsDir: extensions,
    trusted: false,
    settings: { 'dbAudit.connections': { platform: `postgresql://zoe@127.0.0.1:${port}/zoe_platform` } },
  });
});

after(async () => {
  await session?.close();
  listener?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(extensions, { recursive: true, force: true });
});

test('untrusted: findings shown, no database connection attempted, no file written', async () => {
  await session.scenario('5-untrusted', async () => {
    const before = checksum(workspace);
    await session.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: UI_TIMEOUT });
    await session.problems();
    const count = await session.until('the audit\'s diagnostics in Restricted Mode', () => session.problemCount(), (n) => n > 0);
    assert.ok(count > 0);
    await session.openFile('services/rag/ingest.py');
    await session.openFile('dbaudit.json');
    // Asked to inspect, the extension reads nothing over the network in an untrusted workspace.
    await session.runCommand('DB Audit: Inspect Databases');
    await session.page.locator('.notifications-toasts .notification-toast', { hasText: 'not used in an untrusted workspace' }).first().waitFor({ timeout: UI_TIMEOUT });
    await session.screenshot('5-untrusted');
    await session.close();
    assert.equal(connections, 0, 'no connection reached the database named in dbAudit.connections');
    assert.equal(checksum(workspace), before, 'the workspace is byte for byte unchanged');
  });
});
