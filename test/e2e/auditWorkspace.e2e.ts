// Scenario 3: DB Audit: Audit Workspace from the command palette opens the report in a webview,
// and its consolidation table is the one `db-audit report --format html` writes for the same copy.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { REPO, Session, UI_TIMEOUT, copyFixture, installVsix } from './vscode';

let workspace: string;
let extensions: string;
let session: Session;

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]).replace(/\s+/g, ' ').trim();

/** The consolidation table's rows, cell by cell, from the CLI's HTML report. */
function cliRows(): string[][] {
  const r = spawnSync(process.execPath, [path.join(REPO, 'server/bin/db-audit.js'), 'report', '.', '--format', 'html'], { cwd: workspace, encoding: 'utf8' });
  const section = /<section id="consolidation">([\s\S]*?)<\/section>/.exec(r.stdout);
  assert.ok(section, 'the CLI report has a consolidation section');
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(section[1])![1];
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1])));
}

before(async () => {
  workspace = copyFixture();
  extensions = installVsix();
  session = await Session.open({ workspace, extensionsDir: extensions, trusted: true });
});

after(async () => {
  await session?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(extensions, { recursive: true, force: true });
});

test('Audit Workspace opens the report with the consolidation table', async () => {
  await session.scenario('3-audit-workspace', async () => {
    const expected = cliRows();
    assert.ok(expected.length >= 3, 'the fixture has databases to consolidate');
    // The server must be up before the command can ask it for the report.
    await session.page.locator('.statusbar-item', { hasText: 'DB Audit:' }).first().waitFor({ timeout: UI_TIMEOUT });
    await session.runCommand('DB Audit: Audit Workspace');
    await session.page.locator('.tabs-container .tab', { hasText: 'DB Audit:' }).first().waitFor({ timeout: UI_TIMEOUT });
    // A webview is an iframe holding the page's own iframe.
    const report = session.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const table = report.locator('section#consolidation table');
    await table.waitFor({ timeout: UI_TIMEOUT });
    await session.screenshot('3-audit-workspace-report');
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())),
    );
    assert.deepEqual(rows, expected);
    assert.equal(await report.locator('section#consolidation h2').innerText(), 'Consolidation');
  });
});
