// What names a build's analyses in a kept cache (scripts/generate-analysis-version.mjs): the
// package version and a digest of the engine's sources and the lock file, so a fix to a detector
// retires the analyses an earlier build of the same version stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const SCRIPT = pathToFileURL(path.resolve(__dirname, '../../scripts/generate-analysis-version.mjs')).href;

type AnalysisVersion = (repo: string, version: string) => string;

test('the analysis version changes with an engine source or the lock file, not with a generated file or another folder', async () => {
  const { analysisVersion } = (await import(SCRIPT)) as { analysisVersion: AnalysisVersion };
  const repo = mkdtempSync(path.join(tmpdir(), 'dbaudit-analysis-version-'));
  try {
    const write = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
      writeFileSync(path.join(repo, rel), text);
    };
    write('server/src/engine/prefilter.ts', 'export const A = 1;\n');
    write('server/src/engine/detectors/python.ts', 'export const B = 1;\n');
    write('package-lock.json', '{ "lockfileVersion": 3 }\n');
    const first = analysisVersion(repo, '1.2.3');
    assert.match(first, /^1\.2\.3\+[0-9a-f]{12}$/);
    assert.equal(analysisVersion(repo, '1.2.3'), first, 'the same inputs, the same version');

    write('server/src/engine/analysisVersion.generated.ts', 'export const ANALYSIS_VERSION = "x";\n');
    write('client/src/extension.ts', 'export const C = 1;\n');
    assert.equal(analysisVersion(repo, '1.2.3'), first, 'a generated file and the client are not inputs');

    write('server/src/engine/detectors/python.ts', 'export const B = 2;\n');
    const fixed = analysisVersion(repo, '1.2.3');
    assert.notEqual(fixed, first, 'a detector changed');

    write('package-lock.json', '{ "lockfileVersion": 3, "packages": {} }\n');
    assert.notEqual(analysisVersion(repo, '1.2.3'), fixed, 'a dependency changed');
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
