// Scenario 2: a Python file with a legacy database path. Ctrl+. on the diagnostic offers the quick
// fix; applying it leaves the editor with the text `db-audit fix` writes for the same finding, and
// the diagnostic is gone before the file is even saved.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO, Session, UI_TIMEOUT, copyFixture, installVsix } from './vscode';

const FILE = 'services/auth/store.py';
const BIN = path.join(REPO, 'server/bin/db-audit.js');

interface Finding { path: string; rule: string; line: number; column: number; endColumn: number; message: string }

let workspace: string;
let extensions: string;
let session: Session;
let finding: Finding;
let expected: string;
/** What db-audit scan finds in the whole copy: the Problems count once the startup scan is done. */
let total: number;

before(async () => {
  workspace = copyFixture();
  const scan = spawnSync(process.execPath, [BIN, 'scan', '.', '--format', 'json'], { cwd: workspace, encoding: 'utf8' });
  const all = (JSON.parse(scan.stdout) as { findings: Finding[] }).findings;
  total = all.length;
  const inFile = all.filter((f) => f.path === FILE);
  assert.equal(inFile.length, 1, `${FILE} has one finding`);
  finding = inFile[0];
  // The expected rewrite: the CLI's fix of that one rule, on a second copy.
  const other = mkdtempSync(path.join(tmpdir(), 'dbaudit-e2e-expected-'));
  cpSync(workspace, other, { recursive: true });
  const fixed = spawnSync(process.execPath, [BIN, 'fix', '.', '--rule', finding.rule], { cwd: other, encoding: 'utf8' });
  assert.notEqual(fixed.status, 2, fixed.stderr);
  expected = readFileSync(path.join(other, FILE), 'utf8');
  rmSync(other, { recursive: true, force: true });
  assert.notEqual(expected, readFileSync(path.join(workspace, FILE), 'utf8'), 'the CLI rewrites the file');
  extensions = installVsix();
  session = await Session.open({ workspace, extensionsDir: extensions, trusted: true });
});

after(async () => {
  await session?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(extensions, { recursive: true, force: true });
});

/** The editor's lines, in order (Monaco renders each line as an absolutely placed div). */
async function editorText(): Promise<string> {
  const lines = await session.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').evaluateAll((els) =>
    els.map((e) => {
      const line = e as unknown as { style: { top: string }; innerText: string };
      return { top: parseFloat(line.style.top), text: line.innerText.replace(/\u00a0/g, ' ') };
    }),
  );
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text).join('\n');
}

test('Ctrl+. on a legacy path applies the fix: the editor holds the CLI\'s rewrite and the diagnostic disappears', async () => {
  await session.scenario('2-quickfix', async () => {
    await session.problems();
    const before = await session.until('the startup scan\'s diagnostics', () => session.problemCount(), (n) => n === total);
    await session.openFile(FILE);
    const editor = session.page.locator('.editor-group-container.active .monaco-editor');
    await editor.locator('.squiggly-error, .squiggly-warning').first().waitFor({ timeout: UI_TIMEOUT });
    // Put the cursor inside the diagnostic's range: click the flagged literal's text.
    const source = readFileSync(path.join(workspace, FILE), 'utf8').split('\n')[finding.line - 1];
    const literal = source.slice(finding.column - 1, finding.endColumn - 1).replace(/^["']|["']$/g, '');
    await editor.locator('.view-line span', { hasText: path.basename(literal) }).last().click();
    await session.page.locator('.statusbar-item', { hasText: `Ln ${finding.line},` }).first().waitFor({ timeout: UI_TIMEOUT });
    await session.page.keyboard.press('Control+.');
    // The fix that reads the target's env var (the preferred one); chosen with the keyboard, as the
    // menu's pointer shield swallows clicks while it settles.
    const action = session.page.locator('.action-widget .monaco-list-row.action[aria-label^="Read "]').first();
    await action.waitFor({ timeout: UI_TIMEOUT });
    await session.screenshot('2-quickfix-menu');
    const rows = await session.page.locator('.action-widget .monaco-list-row.action').count();
    for (let i = 0; i <= rows && !(await action.evaluate((e) => e.classList.contains('focused'))); i++) await session.page.keyboard.press('ArrowDown');
    assert.ok(await action.evaluate((e) => e.classList.contains('focused')), 'the fix is selected');
    await session.page.keyboard.press('Enter');
    await session.until('the editor to hold the rewrite', editorText, (t) => t.trimEnd() === expected.trimEnd());
    // Gone from the editor and from the Problems total alike (the two update separately).
    const after = await session.until(
      'the diagnostic to disappear',
      async () => ({ total: await session.problemCount(), squiggles: await editor.locator('.squiggly-error').count() }),
      (v) => v.total === before - 1 && v.squiggles === 0,
    );
    assert.deepEqual(after, { total: before - 1, squiggles: 0 });
    await session.screenshot('2-quickfix-applied');
    // Saved, the file on disk is byte for byte what the CLI writes.
    await editor.locator('.view-line').first().click(); // focus back in the editor after the menu
    await session.page.keyboard.press('Control+S');
    await session.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    assert.equal(readFileSync(path.join(workspace, FILE), 'utf8'), expected);
  });
});
