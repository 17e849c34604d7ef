// Desktop VS Code end-to-end (`npm run test:electron`): @vscode/test-electron downloads a VS Code
// build and runs suite.ts inside its extension host on a copy of the zoe-like fixture. That
// download is not reachable on the project's CI machines, which run the same scenarios in
// code-server instead (test/e2e, `npm run test:e2e`); this suite is for desktops that can.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '../..');
  const workspace = mkdtempSync(path.join(tmpdir(), 'dbaudit-electron-'));
  cpSync(path.join(repo, 'test/fixtures/zoe-like'), workspace, { recursive: true });
  try {
    await runTests({
      version: process.env.DBAUDIT_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repo,
      // The suite is TypeScript: the extension host loads it through tsx's CommonJS hook.
      extensionTestsPath: path.join(__dirname, 'suite.cjs'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { DBAUDIT_E2E_WORKSPACE: workspace },
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
