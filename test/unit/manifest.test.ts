// package.json's extension fields agree with the code: commands registered, files present and
// shipped, configuration defaults equal to the server's, activation lazy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_SETTINGS } from '../../server/src/server/settings';
import { fileTypeOf } from '../../server/src/engine/detectors';

const root = join(__dirname, '..', '..');

interface Manifest {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] }; virtualWorkspaces: unknown };
  contributes: {
    languages: Array<{ id: string; filenames?: string[]; filenamePatterns?: string[]; configuration?: string }>;
    grammars: Array<{ language?: string; scopeName: string; path: string; injectTo?: string[] }>;
    configuration: { properties: Record<string, { type: string; default: unknown; enum?: string[]; description?: string; markdownDescription?: string }> };
    commands: Array<{ command: string; title: string; category: string }>;
    jsonValidation: Array<{ fileMatch: string; url: string }>;
  };
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
/** The extension and the modules it registers (reportView.ts, databasesView.ts, …): where commands are registered. */
const clientSources = readdirSync(join(root, 'client', 'src')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(root, 'client', 'src', f), 'utf8')).join('\n');

/** Whether vsce would ship `file` under the .vscodeignore allow-list: the last matching line decides. */
function shipped(file: string): boolean {
  const lines = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  let keep = true;
  for (const line of lines) {
    const negated = line.startsWith('!');
    if (picomatch.isMatch(file, negated ? line.slice(1) : line, { dot: true })) keep = negated;
  }
  return keep;
}

/** Every file the manifest points at, relative to the root, without `./`. */
function manifestFiles(): string[] {
  const c = manifest.contributes;
  return [
    manifest.main,
    ...c.grammars.map((g) => g.path),
    ...c.languages.flatMap((l) => (l.configuration ? [l.configuration] : [])),
    ...c.jsonValidation.map((j) => j.url),
  ].map((p) => p.replace(/^\.\//, ''));
}

test('main is the esbuild bundle of the client', () => {
  assert.equal(manifest.main, './client/out/extension.js');
});

test('every contributed command is registered by the extension, and every registered command is contributed', () => {
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(contributed, [
    'dbAudit.auditWorkspace', 'dbAudit.createRulesFile', 'dbAudit.exportReportHtml', 'dbAudit.exportReportJson', 'dbAudit.exportReportMarkdown',
    'dbAudit.exportReportSarif', 'dbAudit.fixAllInWorkspace', 'dbAudit.fixDatabase', 'dbAudit.generatePlan', 'dbAudit.inspectDatabases', 'dbAudit.openLocation', 'dbAudit.refreshDatabases', 'dbAudit.rescan', 'dbAudit.restartServer',
    'dbAudit.revealInRulesFile', 'dbAudit.showOutput',
  ]);
  for (const id of contributed) assert.ok(clientSources.includes(`registerCommand('${id}'`), `${id} is registered in client/src`);
  const registered = [...clientSources.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(registered, contributed);
  for (const c of manifest.contributes.commands) {
    assert.equal(c.category, 'DB Audit');
    assert.ok(c.title.length > 0);
  }
});

test('every file the manifest names exists (grammars, language configuration, schema, the bundle once built)', () => {
  for (const file of manifestFiles()) {
    if (file === 'client/out/extension.js') continue; // a build output; `npm run build` makes it
    assert.ok(existsSync(join(root, file)), file);
  }
  const dotenv = manifest.contributes.languages.find((l) => l.id === 'dotenv');
  const config = JSON.parse(readFileSync(join(root, dotenv!.configuration!), 'utf8')) as { comments: { lineComment: string } };
  assert.equal(config.comments.lineComment, '#');
});

test('.vscodeignore ships the bundles, grammars, schema and every manifest file, and no sources', () => {
  for (const file of ['client/out/extension.js', 'server/out/bundle/server.js', 'server/out/bundle/cli.js', 'syntaxes/dotenv.tmLanguage.json',
    'syntaxes/db-url.injection.tmLanguage.json', 'schemas/dbaudit.schema.json', 'package.json', ...manifestFiles()]) {
    assert.ok(shipped(file), `${file} is shipped`);
  }
  for (const file of ['client/src/extension.ts', 'server/src/server/server.ts', 'test/unit/manifest.test.ts', 'client/out/extension.js.map', 'test/fixtures/zoe-like/dbaudit.json',
    'server/out/server/main.js', 'node_modules/ts-morph/package.json']) {
    assert.ok(!shipped(file), `${file} is not shipped`);
  }
});

test('configuration: exactly the server\'s settings plus trace and the server runtime, with the server\'s defaults', () => {
  const props = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(props).sort(), ['dbAudit.connections', 'dbAudit.enable', 'dbAudit.maxFileSize', 'dbAudit.rulesFile', 'dbAudit.server.runtime', 'dbAudit.trace.server']);
  // An executable path: only the user's own (machine) settings may name one, never a workspace.
  assert.equal((props['dbAudit.server.runtime'] as { scope?: string }).scope, 'machine');
  assert.equal(props['dbAudit.server.runtime'].default, '');
  assert.deepEqual(
    { enable: props['dbAudit.enable'].default, rulesFile: props['dbAudit.rulesFile'].default, maxFileSize: props['dbAudit.maxFileSize'].default, connections: props['dbAudit.connections'].default },
    DEFAULT_SETTINGS,
  );
  assert.equal(props['dbAudit.enable'].type, 'boolean');
  assert.equal(props['dbAudit.rulesFile'].type, 'string');
  assert.equal(props['dbAudit.maxFileSize'].type, 'number');
  assert.deepEqual(props['dbAudit.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(props['dbAudit.trace.server'].default, 'off');
  for (const [key, p] of Object.entries(props)) assert.ok((p.description ?? p.markdownDescription ?? '').length > 20, `${key} is described`);
});

test('activation is lazy: no "*", no onStartupFinished; the rules file and database files activate it', () => {
  const events = manifest.activationEvents;
  assert.ok(!events.includes('*'));
  assert.ok(!events.includes('onStartupFinished'));
  for (const e of ['workspaceContains:dbaudit.json', 'workspaceContains:**/*.db', 'onLanguage:python', 'onLanguage:dotenv']) assert.ok(events.includes(e), e);
});

test('the dotenv language covers the files the engine reads as dotenv', () => {
  const dotenv = manifest.contributes.languages.find((l) => l.id === 'dotenv');
  assert.ok(dotenv);
  assert.deepEqual(dotenv.filenames, ['.env', '.env.example']);
  assert.deepEqual(dotenv.filenamePatterns, ['.env.*', '*.env']);
  for (const name of ['.env', '.env.example', '.env.production', 'db.env']) {
    assert.equal(fileTypeOf(`svc/${name}`), 'dotenv', name);
    assert.ok(dotenv.filenames!.includes(name) || dotenv.filenamePatterns!.some((p) => picomatch.isMatch(name, p, { dot: true })), name);
  }
  const grammar = manifest.contributes.grammars.find((g) => g.language === 'dotenv');
  assert.equal(grammar?.scopeName, 'source.dotenv');
});

test('jsonValidation points dbaudit.json at the shipped schema', () => {
  assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: 'dbaudit.json', url: './schemas/dbaudit.schema.json' }]);
  const schema = JSON.parse(readFileSync(join(root, 'schemas', 'dbaudit.schema.json'), 'utf8')) as { properties?: Record<string, unknown> };
  assert.ok(schema.properties && 'databases' in schema.properties);
});

test('workspace trust and virtual workspaces are declared honestly', () => {
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  assert.ok((trust.description ?? '').length > 20);
  // The settings restricted in untrusted workspaces are real settings.
  for (const key of trust.restrictedConfigurations ?? []) assert.ok(key in manifest.contributes.configuration.properties, key);
  // Connections to databases: never from an untrusted workspace's own settings.
  assert.ok(trust.restrictedConfigurations?.includes('dbAudit.connections'));
  assert.deepEqual(manifest.capabilities.virtualWorkspaces, { supported: false, description: 'The audit reads the workspace from disk.' });
});
