// Scenario 4: editing dbaudit.json to absorb one more database re-checks the workspace: the new
// finding shows up in the Problems panel for a file that was never opened, and the old one goes.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { REPO, Session, UI_TIMEOUT, copyFixture, installVsix } from './vscode';

const CLOSED_FILE = 'services/analytics/export.py';
const ABSORBED = 'analytics.db';

interface Finding { path: string; rule: string; message: string }

let workspace: string;
let extensions: string;
let session: Session;

function scan(): Finding[] {
  const r = spawnSync(process.execPath, [path.join(REPO, 'server/bin/db-audit.js'), 'scan', '.', '--format', 'json'], { cwd: workspace, encoding: 'utf8' });
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.path === CLOSED_FILE);
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

test('absorbing one more database in dbaudit.json updates the diagnostics of a closed file', async () => {
  await session.scenario('4-rules-edit', async () => {
    const beforeEdit = scan();
    assert.ok(beforeEdit.length > 0 && beforeEdit.every((f) => !f.message.includes('is absorbed into')), `${CLOSED_FILE}: ${ABSORBED} is not absorbed yet`);
    const row = (text: string) => session.page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
    await session.problems();
    // The workspace's diagnostics first (the badge counts them), then the filter.
    await session.until('the first diagnostics', () => session.problemCount(), (n) => n > 0);
    await session.filterProblems(`**/${CLOSED_FILE}`);
    for (const f of beforeEdit) await row(f.message).waitFor({ timeout: UI_TIMEOUT });

    // Edit the rules file in the editor, as a user: append the database to zoe's absorbs, save.
    await session.openFile('dbaudit.json');
    const editor = session.page.locator('.editor-group-container.active .monaco-editor');
    await editor.locator('.view-line', { hasText: '"agent_state.db",' }).click();
    await session.page.keyboard.press('End');
    await session.page.keyboard.insertText(` "${ABSORBED}",`);
    await session.page.keyboard.press('Control+S');
    await session.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    assert.match(readFileSync(path.join(workspace, 'dbaudit.json'), 'utf8'), new RegExp(`"agent_state.db", "${ABSORBED}",`));

    const afterEdit = scan();
    const absorbed = afterEdit.find((f) => f.message.startsWith(`${ABSORBED} is absorbed into`));
    assert.ok(absorbed, 'the CLI sees the database absorbed');
    await row(absorbed.message).waitFor({ timeout: UI_TIMEOUT });
    for (const f of beforeEdit.filter((b) => !afterEdit.some((a) => a.message === b.message))) await row(f.message).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    // Nothing was reopened: the file with the new diagnostic has no editor tab.
    assert.equal(await session.page.locator('.tabs-container .tab', { hasText: path.basename(CLOSED_FILE) }).count(), 0);
    await session.screenshot('4-rules-edit-closed-file');
  });
});
