// The rules file's `modules` key: folders that are modules of the inventory without a package
// manifest, parsed, normalized and checked, then used by the inventory of a real audit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { auditWorkspace } from '../../server/src/engine/audit';
import { normalizeFolder, parseRulesFile } from '../../server/src/engine/config/rulesFile';
import { inventoryOfAudit, type ModuleInventory } from '../../server/src/engine/inventory';
import { inventoryMarkdown } from '../../server/src/engine/reports/inventoryMarkdown';

test('modules: folders normalized to the inventory\'s form', () => {
  const { config, problems } = parseRulesFile('{ "modules": ["./scripts/", "jobs\\\\nightly", "services/chat", "."] }', 'dbaudit.json');
  assert.deepEqual(problems, []);
  assert.deepEqual(config?.modules, ['scripts', 'jobs/nightly', 'services/chat', '.']);
  assert.equal(normalizeFolder('a//'), 'a');
  assert.equal(normalizeFolder('././a'), 'a');
  assert.equal(normalizeFolder('./'), '.');
});

test('modules: outside the workspace, absolute, globs, duplicates and non-strings are problems at their place', () => {
  const text = '{\n  "modules": ["/srv/app", "../other", "services/*", "ok"]\n}';
  const { config, problems } = parseRulesFile(text, 'dbaudit.json');
  assert.deepEqual(config?.modules, ['/srv/app', '../other', 'services/*', 'ok']);
  assert.deepEqual(problems.map((p) => [p.message, p.range.start.line, text.split('\n')[1].slice(p.range.start.character, p.range.end.character)]), [
    ['Module folder "/srv/app" must be a folder inside the workspace, relative to its root, without globs', 1, '"/srv/app"'],
    ['Module folder "../other" must be a folder inside the workspace, relative to its root, without globs', 1, '"../other"'],
    ['Module folder "services/*" must be a folder inside the workspace, relative to its root, without globs', 1, '"services/*"'],
  ]);
  assert.ok(parseRulesFile('{ "modules": ["a", "a"] }', 'dbaudit.json').problems.some((p) => /duplicate/i.test(p.message)));
  assert.ok(parseRulesFile('{ "modules": { "a": "b" } }', 'dbaudit.json').problems.some((p) => /must be array/.test(p.message)));
});

let root: string;
let inventory: ModuleInventory[];

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-modules-'));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  write('dbaudit.json', JSON.stringify({ databases: { platform: { engine: 'postgres', database: 'platform', env: 'DATABASE_URL' } }, modules: ['scripts/'] }));
  write('services/api/package.json', '{ "name": "api" }\n');
  write('services/api/db.js', 'module.exports = process.env.DATABASE_URL;\n');
  write('scripts/backup.sh', 'pg_dump "$DATABASE_URL" > backup.sql\n');
  write('scripts/nightly/vacuum.sh', 'psql "postgresql://ops:${PGPASS}@db:5432/platform" -c "VACUUM"\n');
  write('tools/once.sh', 'psql "$DATABASE_URL" -c "select 1"\n');
  inventory = await inventoryOfAudit(await auditWorkspace({ root }));
});

after(() => rmSync(root, { recursive: true, force: true }));

test('modules: a listed folder without a manifest is a module holding its subfolders\' files; the rest stays at the root', () => {
  assert.deepEqual(inventory.map((m) => [m.path, m.manifests]), [['.', []], ['scripts', []], ['services/api', ['package.json']]]);
  const scripts = inventory.find((m) => m.path === 'scripts')!;
  assert.deepEqual(scripts.databases.map((d) => [d.name, d.references]), [['platform', 2]]);
  assert.deepEqual(scripts.envReads, ['DATABASE_URL']);
  assert.deepEqual(scripts.sharesWith.map((s) => [s.module, s.databases, s.envVars]), [['.', ['platform'], ['DATABASE_URL']], ['services/api', ['platform'], ['DATABASE_URL']]]);
  assert.deepEqual(inventory.find((m) => m.path === '.')!.envReads, ['DATABASE_URL']); // tools/once.sh
  assert.match(inventoryMarkdown(inventory), /^## scripts$/m);
});
