// Runs the end-to-end tests (test/e2e/*.e2e.ts) in a real VS Code: code-server with the packaged
// .vsix, driven in Chromium. `npm run test:e2e` packages first; `bash scripts/setup-e2e.sh` installs
// code-server and Chromium. Not part of `npm test`: scripts/test.mjs runs *.test.ts only.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const filter = process.argv.slice(2);
const files = readdirSync(join('test', 'e2e'))
  .filter((f) => f.endsWith('.e2e.ts'))
  .map((f) => join('test', 'e2e', f))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no e2e test files matched');
  process.exit(1);
}
// One VS Code at a time: each file starts its own code-server and browser.
const args = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
