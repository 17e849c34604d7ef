// Scenario 1: the installed .vsix on a copy of the fixture workspace. The Problems panel lists
// what `db-audit scan` finds in the same copy: the same count per severity, and the messages.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { REPO, Session, UI_TIMEOUT, copyFixture, installVsix } from './vscode';

interface Finding { path: string; severity: 'error' | 'warning' | 'info' | 'hint'; message: string }

let workspace: string;
let extensions: string;
let session: Session;
let findings: Finding[];

before(async () => {
  workspace = copyFixture();
  const scan = spawnSync(process.execPath, [path.join(REPO, 'server/bin/db-audit.js'), 'scan', '.', '--format', 'json'], { cwd: workspace, encoding: 'utf8' });
  findings = (JSON.parse(scan.stdout) as { findings: Finding[] }).findings;
  extensions = installVsix();
  session = await Session.open({ workspace, extensionsDir: extensions, trusted: true });
});

after(async () => {
  await session?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(extensions, { recursive: true, force: true });
});

test('the Problems panel lists every finding of db-audit scan, per severity, with its message', async () => {
  await session.scenario('1-problems', async () => {
    assert.ok(findings.length > 20, 'the fixture has findings');
    await session.problems();
    const total = await session.until('the Problems badge to reach the scan\'s count', () => session.problemCount(), (n) => n >= findings.length);
    assert.equal(total, findings.length);
    const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
    // The status bar's problems item names the counts per severity.
    const status = await session.page.locator('[id="status.problems"]').first().getAttribute('aria-label');
    assert.match(status ?? '', new RegExp(`Errors: ${count('error')}`));
    assert.match(status ?? '', new RegExp(`Warnings: ${count('warning')}`));
    // A few files, each filtered to by its path: the panel shows the file and the scan's message for it.
    for (const file of ['services/auth/store.py', 'services/rag/ingest.py', 'web/src/notifications.js']) {
      const expected = findings.filter((x) => x.path === file);
      assert.ok(expected.length > 0, `the scan reports ${file}`);
      await session.filterProblems(`**/${file}`);
      await session.page.locator('.markers-panel .monaco-list-row', { hasText: path.basename(file) }).first().waitFor({ timeout: UI_TIMEOUT });
      for (const f of expected) await session.page.locator('.markers-panel .monaco-list-row', { hasText: f.message }).first().waitFor({ timeout: UI_TIMEOUT });
      await session.screenshot(`1-problems-${path.basename(file)}`);
    }
    await session.filterProblems('');
    await session.page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: UI_TIMEOUT });
    // The one literal password in the fixture is masked everywhere the editor shows it.
    const text = await session.page.locator('.markers-panel').innerText();
    assert.ok(!text.includes('Tr0ub4dor-zoe-2023'));
    await session.screenshot('1-problems');
  });
});
