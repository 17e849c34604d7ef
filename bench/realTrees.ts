// Real code to benchmark on, without a network: this project's own npm dependencies (compiled
// and bundled JS, .d.ts, JSON, docs), the machine's Python standard library, and a monorepo of
// real Python and TypeScript sources (issue 6's example of a large real tree), each copied as a
// tree. The generator's trees are regular; real code is not (minified bundles, docstrings,
// 'use strict' everywhere), and the prefilter was tuned on these.
//
//   node --import tsx bench/realTrees.ts --out DIR   →  DIR/npm, DIR/python, DIR/monorepo (the last two when python3 is there)
//   npm run bench -- DIR/npm DIR/python DIR/monorepo --runs 3 --no-editor

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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

/** A directory of python3's (`stdlib`, `purelib`: its site-packages), when python3 runs here. */
function pythonPath(name: 'stdlib' | 'purelib'): string | undefined {
  const r = spawnSync('python3', ['-c', `import sysconfig; print(sysconfig.get_paths()["${name}"])`], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir && existsSync(dir) ? dir : undefined;
}

const NO_PYCACHE = (src: string) => !/(^|\/)__pycache__$/.test(src);

/** Python's standard library as `out`, without `__pycache__` and `site-packages`. */
export function copyPythonTree(out: string, stdlib: string): void {
  rmSync(out, { recursive: true, force: true });
  cpSync(stdlib, out, { recursive: true, verbatimSymlinks: true, filter: (src) => !/(^|\/)(__pycache__|site-packages|dist-packages)$/.test(src) });
}

/**
 * The monorepo's Python services: packages of a web and AWS backend, as installed in python3's
 * site-packages (those not installed are left out): request handlers, ORMs' and settings' code,
 * AWS mocks that name RDS and DynamoDB, tooling. Real code with few database references, as in
 * most of a real monorepo.
 */
const PYTHON_SERVICES = ['moto', 'aws_xray_sdk', 'flask', 'werkzeug', 'jinja2', 'click', 'dotenv', 'pydantic', 'pydantic_settings', 'requests', 'urllib3', 'docker', 's3transfer', 'boto3', 'py_partiql_parser', '_pytest', 'IPython', 'libcst'];

/** The folders below `dir` (scoped `@scope/name` too) of npm packages that ship TypeScript sources in `src/`, sorted. */
function packagesWithTypeScriptSources(dir: string): string[] {
  const names = readdirSync(dir).flatMap((n) => (n.startsWith('@') ? readdirSync(path.join(dir, n)).map((m) => `${n}/${m}`) : [n]));
  return names.filter((n) => hasTypeScriptSource(path.join(dir, n, 'src'))).sort();
}

function hasTypeScriptSource(dir: string): boolean {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  return readdirSync(dir, { withFileTypes: true, recursive: true }).some((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'));
}

/**
 * A monorepo of real code, issue 6's "5,000-file Python/TS monorepo": `services/` holds Python
 * packages from site-packages (PYTHON_SERVICES), `packages/` the TypeScript sources (`src/`,
 * package.json, README) of this project's npm dependencies that ship them, and `apps/db-audit`
 * this project's own sources and tests (which name databases all over).
 */
export function copyMonorepoTree(out: string, sitePackages: string): void {
  rmSync(out, { recursive: true, force: true });
  for (const name of PYTHON_SERVICES) {
    const src = path.join(sitePackages, name);
    if (existsSync(src)) cpSync(src, path.join(out, 'services', name), { recursive: true, verbatimSymlinks: true, filter: NO_PYCACHE });
  }
  const modules = path.join(REPO, 'node_modules');
  for (const name of packagesWithTypeScriptSources(modules)) {
    const to = path.join(out, 'packages', name.replace('/', '-'));
    for (const part of ['src', 'package.json', 'README.md']) {
      const src = path.join(modules, name, part);
      if (existsSync(src)) cpSync(src, path.join(to, part), { recursive: true, verbatimSymlinks: true });
    }
  }
  for (const part of ['server/src', 'client/src', 'test', 'package.json', 'README.md']) {
    cpSync(path.join(REPO, part), path.join(out, 'apps', 'db-audit', part), { recursive: true, verbatimSymlinks: true });
  }
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (!values.out) throw new Error('usage: realTrees.ts --out DIR');
  const out = path.resolve(values.out);
  copyNpmTree(path.join(out, 'npm'));
  console.log(`npm dependencies → ${path.join(out, 'npm')}`);
  const stdlib = pythonPath('stdlib');
  if (stdlib) {
    copyPythonTree(path.join(out, 'python'), stdlib);
    console.log(`${stdlib} → ${path.join(out, 'python')}`);
  } else {
    console.log('python3 not found: no Python tree');
  }
  const sitePackages = pythonPath('purelib');
  if (sitePackages) {
    copyMonorepoTree(path.join(out, 'monorepo'), sitePackages);
    console.log(`${sitePackages} and TypeScript sources → ${path.join(out, 'monorepo')}`);
  } else {
    console.log('python3 not found: no monorepo tree');
  }
}

if (require.main === module) main();
