// Real code to benchmark on, without a network: this project's own npm dependencies (compiled
// and bundled JS, .d.ts, JSON, docs) and the machine's Python standard library, each copied as
// a tree. The generator's trees are regular; real code is not (minified bundles, docstrings,
// 'use strict' everywhere), and the prefilter was tuned on these two.
//
//   node --import tsx bench/realTrees.ts --out DIR   →  DIR/npm, DIR/python (when python3 is there)
//   npm run bench -- DIR/npm DIR/python --runs 3 --no-editor

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const REPO = path.resolve(__dirname, '..');

/** Renames every `node_modules` folder below `dir` (the walk never enters one), deepest first. */
function renameNodeModules(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.isSymbolicLink()) continue;
    const child = path.join(dir, entry.name);
    renameNodeModules(child);
    if (entry.name === 'node_modules') renameSync(child, path.join(dir, 'nm'));
  }
}

/** The npm dependencies as `out/vendor`; nested `node_modules` renamed `nm`. */
export function copyNpmTree(out: string): void {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(path.join(REPO, 'node_modules'), path.join(out, 'vendor'), { recursive: true, verbatimSymlinks: true });
  renameNodeModules(path.join(out, 'vendor'));
}

/** The directory of python3's standard library, when python3 runs here. */
function pythonStdlib(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir && existsSync(dir) ? dir : undefined;
}

/** Python's standard library as `out`, without `__pycache__` and `site-packages`. */
export function copyPythonTree(out: string, stdlib: string): void {
  rmSync(out, { recursive: true, force: true });
  cpSync(stdlib, out, { recursive: true, verbatimSymlinks: true, filter: (src) => !/(^|\/)(__pycache__|site-packages|dist-packages)$/.test(src) });
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (!values.out) throw new Error('usage: realTrees.ts --out DIR');
  const out = path.resolve(values.out);
  copyNpmTree(path.join(out, 'npm'));
  console.log(`npm dependencies → ${path.join(out, 'npm')}`);
  const stdlib = pythonStdlib();
  if (stdlib) {
    copyPythonTree(path.join(out, 'python'), stdlib);
    console.log(`${stdlib} → ${path.join(out, 'python')}`);
  } else {
    console.log('python3 not found: no Python tree');
  }
}

if (require.main === module) main();
