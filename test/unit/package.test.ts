// What the .vsix ships: `vsce ls` (the file list `vsce package` would write, without packaging)
// holds the bundles and the few runtime modules they leave external, and nothing else; and
// those files alone, copied to a folder outside the checkout, run: the CLI bundle scans and
// inspects, the server bundle publishes diagnostics over stdio.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { TestClient } from '../helpers/lspClient';
import { checkServerCachesCompilerCode } from '../helpers/compilerCache';

const REPO = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The modules the bundles leave external (scripts/bundle.mjs) that must ship; the rest are optional requires in try/catch (pg's, TypeScript's). */
const SHIPPED_MODULES = ['@vscode/tree-sitter-wasm', 'better-sqlite3', 'bindings', 'file-uri-to-path'];
const OPTIONAL_REQUIRES = ['pg-native', 'cloudflare:sockets', 'source-map-support'];

let files: string[];
let unpacked: string;
let workspace: string;

function vsceLs(): string[] {
  const r = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'ls'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}

/** Runs the shipped CLI bundle from the unpacked copy. */
function shippedCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const cli = path.join(unpacked, 'server/out/bundle/cli.js');
  const code = `require(${JSON.stringify(cli)}).main(${JSON.stringify(args)}).then((c) => { process.exitCode = c; })`;
  return spawnSync(process.execPath, ['-e', code], { cwd: workspace, encoding: 'utf8' });
}

before(() => {
  files = vsceLs();
  // The package's contents, away from the checkout's node_modules: only shipped modules resolve.
  unpacked = mkdtempSync(path.join(tmpdir(), 'dbaudit-vsix-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(unpacked, f)), { recursive: true });
    cpSync(path.join(REPO, f), path.join(unpacked, f));
  }
  workspace = mkdtempSync(path.join(tmpdir(), 'dbaudit-vsix-ws-'));
  cpSync(path.join(REPO, 'test/fixtures/zoe-like'), workspace, { recursive: true });
});

after(() => {
  rmSync(unpacked, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});

test('vsce ls: the client and server bundles, the CLI bundle, grammars, schema, README and LICENSE', () => {
  for (const f of ['package.json', 'README.md', 'LICENSE', 'client/out/extension.js', 'server/out/bundle/server.js', 'server/out/bundle/cli.js', 'server/out/bundle/scanWorker.js',
    'schemas/dbaudit.schema.json', 'syntaxes/dotenv.tmLanguage.json', 'syntaxes/db-url.injection.tmLanguage.json', 'syntaxes/dotenv.language-configuration.json']) {
    assert.ok(files.includes(f), `${f} is shipped`);
  }
});

test('vsce ls: no sources, tests, TypeScript, source maps, tsc output or bins', () => {
  for (const f of files) {
    assert.ok(!/(^|\/)(src|test|tests)\//.test(f), `${f}: a source or test folder`);
    assert.ok(!/\.(ts|map|gyp|cc|c|h)$/.test(f), `${f}: not a runtime file`);
    assert.ok(!f.startsWith('server/out/') || f.startsWith('server/out/bundle/'), `${f}: tsc output (the bundles replace it)`);
    assert.ok(!f.startsWith('server/bin/') && !f.startsWith('scripts/') && !f.startsWith('bench/'), f);
  }
});

test('vsce ls: node_modules holds only the modules the bundles leave external, none a devDependency', () => {
  const modules = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => {
    const parts = f.split('/');
    return parts[1].startsWith('@') ? `${parts[1]}/${parts[2]}` : parts[1];
  }));
  assert.deepEqual([...modules].sort(), SHIPPED_MODULES);
  for (const m of modules) assert.ok(!(m in manifest.devDependencies), `${m} is not a devDependency`);
  assert.ok(files.includes('node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
  for (const w of ['tree-sitter.js', 'tree-sitter.wasm', 'tree-sitter-python.wasm', 'tree-sitter-bash.wasm', 'tree-sitter-ini.wasm']) {
    assert.ok(files.includes(`node_modules/@vscode/tree-sitter-wasm/wasm/${w}`), w);
  }
  assert.ok(!files.some((f) => f.startsWith('node_modules/better-sqlite3/deps/')), 'no SQLite sources');
});

test('every module the bundles still require is a Node built-in, shipped, or an optional require', () => {
  for (const bundle of ['server/out/bundle/server.js', 'server/out/bundle/cli.js', 'server/out/bundle/scanWorker.js', 'client/out/extension.js']) {
    const text = readFileSync(path.join(REPO, bundle), 'utf8');
    // Calls, not text inside strings (ajv keeps `require("ajv/dist/runtime/...")` as code for its standalone mode).
    const required = new Set([...text.matchAll(/(?<![`'"\w.])require\(\s*["']([^"'./][^"']*)["']\s*\)/g)].map((m) => m[1]));
    for (const m of required) {
      const name = m.startsWith('@') ? m.split('/').slice(0, 2).join('/') : m.split('/')[0];
      const ok = m.startsWith('node:') || builtinModules.includes(name) || SHIPPED_MODULES.includes(name) || OPTIONAL_REQUIRES.includes(m) || m === 'vscode';
      assert.ok(ok, `${bundle} requires '${m}', which the package does not ship`);
    }
  }
});

test('the shipped CLI bundle, alone, scans the fixture exactly as the built CLI does', () => {
  const shipped = shippedCli(['scan', '.', '--format', 'json']);
  const built = spawnSync(process.execPath, [path.join(REPO, 'server/bin/db-audit.js'), 'scan', '.', '--format', 'json'], { cwd: workspace, encoding: 'utf8' });
  assert.equal(shipped.stderr, '');
  assert.equal(shipped.status, built.status);
  assert.equal(shipped.stdout, built.stdout);
  assert.ok((JSON.parse(shipped.stdout) as { findings: unknown[] }).findings.length > 0);
  // The same through the shipped worker threads (a tree this small is scanned in-process by default).
  const threaded = shippedCli(['scan', '.', '--format', 'json', '--jobs', '2']);
  assert.equal(threaded.stderr, '');
  assert.equal(threaded.stdout, built.stdout);
});

test('the shipped CLI bundle inspects a SQLite file with the shipped better-sqlite3', () => {
  const db = new Database(path.join(workspace, 'data', 'sessions.db'));
  db.exec('CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id INTEGER); INSERT INTO sessions VALUES (\'a\', 1), (\'b\', 2);');
  db.close();
  const r = shippedCli(['inspect', '.', '--format', 'json']);
  assert.equal(r.stderr, '');
  const report = JSON.parse(r.stdout) as { sqlite: Array<{ path: string; error?: string; tables: Array<{ name: string; rowCount: number }> }> };
  const sessions = report.sqlite.find((s) => s.path === 'data/sessions.db');
  assert.equal(sessions?.error, undefined);
  assert.deepEqual(sessions?.tables.map((t) => [t.name, t.rowCount]), [['sessions', 2]]);
});

test('the shipped server bundle, alone, publishes the fixture\'s diagnostics over stdio', async () => {
  const client = new TestClient([path.join(unpacked, 'server/out/bundle/server.js'), '--stdio']);
  try {
    await client.initialize(workspace);
    await client.waitForIdle('the startup scan');
    const withDiagnostics = [...client.diagnostics.values()].filter((p) => p.diagnostics.length > 0);
    assert.ok(withDiagnostics.length > 0, 'diagnostics published');
    assert.ok(withDiagnostics.every((p) => p.diagnostics.every((d) => d.source === 'db-audit')));
  } finally {
    await client.stop();
  }
});

test('the TypeScript compiler ships once, beside the bundles that require it, and the shipped server keeps its compiled code', async () => {
  assert.ok(files.includes('server/out/bundle/typescript-compiler.js'));
  for (const bundle of ['server/out/bundle/server.js', 'server/out/bundle/cli.js', 'server/out/bundle/scanWorker.js']) {
    const text = readFileSync(path.join(REPO, bundle), 'utf8');
    assert.ok(text.includes('require("./typescript-compiler.js")'), `${bundle} requires the compiler beside it`);
    assert.ok(text.length < 2_000_000, `${bundle} does not inline the compiler (${text.length} characters)`);
  }
  await checkServerCachesCompilerCode(path.join(unpacked, 'server/out/bundle/server.js'));
});

test('db-audit-lsp (the bin) speaks LSP over stdio when given no arguments', async () => {
  const client = new TestClient([path.join(REPO, 'server/bin/db-audit-lsp.js')]);
  try {
    await client.initialize(workspace);
    await client.waitForIdle('the startup scan');
    assert.ok([...client.diagnostics.values()].some((p) => p.diagnostics.length > 0));
  } finally {
    await client.stop();
  }
});

test('a broken package layout is caught: without better-sqlite3, inspection is disabled with one message and the scan still works', () => {
  const broken = mkdtempSync(path.join(tmpdir(), 'dbaudit-vsix-broken-'));
  try {
    cpSync(unpacked, broken, { recursive: true });
    rmSync(path.join(broken, 'node_modules/better-sqlite3'), { recursive: true });
    const cli = path.join(broken, 'server/out/bundle/cli.js');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['-e', `require(${JSON.stringify(cli)}).main(${JSON.stringify(args)}).then((c) => { process.exitCode = c; })`], { cwd: workspace, encoding: 'utf8' });
    const inspect = run(['inspect', '.', '--format', 'json']);
    assert.equal(inspect.status, 2);
    const lines = inspect.stderr.split('\n').filter((l) => l.includes('SQLite inspection is disabled'));
    assert.equal(lines.length, 1, inspect.stderr);
    assert.match(lines[0], /better-sqlite3 could not be loaded by Node v\d+.*dbAudit\.server\.runtime/);
    const scan = run(['scan', '.', '--format', 'json']);
    assert.equal(scan.stderr, '');
    assert.ok((JSON.parse(scan.stdout) as { findings: unknown[] }).findings.length > 0);
  } finally {
    rmSync(broken, { recursive: true, force: true });
  }
});
