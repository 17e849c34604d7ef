// Runs inside desktop VS Code's extension host (see runTest.ts): the extension activates on the
// fixture workspace, and the Problems it publishes equal `db-audit scan --format json` of the same
// folder, rule by rule and place by place; the legacy path's quick fix is offered and preferred.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface CliFinding { rule: string; path: string; line: number; column: number }

const TIMEOUT_MS = 60_000;

/** Resolves once `probe` returns a value, checking whenever diagnostics change. */
function when<T>(what: string, probe: () => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const v = probe();
      if (v === undefined) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(v);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics(() => check());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, TIMEOUT_MS);
    check();
  });
}

function ours(): Array<[vscode.Uri, vscode.Diagnostic[]]> {
  return vscode.languages.getDiagnostics().map(([uri, ds]) => [uri, ds.filter((d) => d.source === 'db-audit')] as [vscode.Uri, vscode.Diagnostic[]]).filter(([, ds]) => ds.length > 0);
}

export async function run(): Promise<void> {
  const workspace = process.env.DBAUDIT_E2E_WORKSPACE;
  assert.ok(workspace, 'DBAUDIT_E2E_WORKSPACE names the workspace runTest.ts opened');
  const repo = path.resolve(__dirname, '../..');
  const cli = JSON.parse(execFileSync(process.execPath, [path.join(repo, 'server/bin/db-audit.js'), 'scan', workspace, '--format', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).toString()) as { findings: CliFinding[] };

  const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'db-consolidation-auditor');
  assert.ok(extension, 'the extension under development is loaded');
  await extension.activate();

  const published = await when('every finding in Problems', () => {
    const all = ours();
    return all.reduce((n, [, ds]) => n + ds.length, 0) === cli.findings.length ? all : undefined;
  });
  const seen = published.flatMap(([uri, ds]) => ds.map((d) => `${path.relative(workspace, uri.fsPath).split(path.sep).join('/')}:${d.range.start.line + 1}:${d.range.start.character + 1} ${String(typeof d.code === 'object' ? d.code.value : d.code)}`)).sort();
  const expected = cli.findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.rule}`).sort();
  assert.deepEqual(seen, expected);

  const legacy = cli.findings.find((f) => f.rule === 'legacy-database' && f.path.endsWith('.py'));
  assert.ok(legacy, 'the fixture has a legacy path in Python');
  const uri = vscode.Uri.file(path.join(workspace, legacy.path));
  const at = new vscode.Range(legacy.line - 1, legacy.column - 1, legacy.line - 1, legacy.column);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, at, vscode.CodeActionKind.QuickFix.value);
  assert.ok(actions.some((a) => a.isPreferred && a.edit !== undefined), 'a preferred quick fix with an edit');
}
