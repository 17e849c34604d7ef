// The pure parts of Audit Workspace and the Databases view: the audit history kept in
// workspace storage, the report page's export links and location arguments, the Databases
// tree built from the server's answer, and the manifest entries that wire them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditMessage, historyFrom, historyKey, recordAudit } from '../../client/src/auditHistory';
import { buildDatabaseTree, kindIcon, roleIcon, type DatabaseNode, type FileNode, type FolderNode } from '../../client/src/databasesModel';
import { EXPORT_COMMANDS, OPEN_LOCATION_COMMAND, WEBVIEW_COMMANDS, exportFileName, locationFromArgs, withExportLinks } from '../../client/src/reportPage';
import { HTML_CSP, htmlReport } from '../../server/src/engine/reports/html';
import type { DatabasesResult, DatabaseSummaryItem } from '../../server/src/protocol';

const db = (name: string, references: number, extra: Partial<DatabaseSummaryItem> = {}): DatabaseSummaryItem =>
  ({ name, engine: 'sqlite', references, files: references ? 1 : 0, role: 'primary', ...extra });

test('history: each audit becomes the previous of the next, and the message says what moved', () => {
  const first = recordAudit({}, [db('zoe', 10), db('auth.db', 35, { role: 'legacy', absorbedInto: 'zoe' })]);
  assert.equal(first.previous, undefined);
  assert.equal(auditMessage(4, first), 'DB Audit: 4 findings.');
  const second = recordAudit(first, [db('zoe', 33), db('auth.db', 12, { role: 'legacy', absorbedInto: 'zoe' })]);
  assert.deepEqual(second.previous, first.current);
  assert.equal(auditMessage(1, second), 'DB Audit: 1 finding; auth.db: 35 → 12 references; zoe: 10 → 33 references.');
  const third = recordAudit(second, second.current!);
  assert.equal(auditMessage(0, third), 'DB Audit: 0 findings; no database changed its reference count since the previous audit.');
});

test('history: whatever storage holds is read back safely, bad entries dropped', () => {
  assert.deepEqual(historyFrom(undefined), {});
  assert.deepEqual(historyFrom('junk'), {});
  assert.deepEqual(historyFrom({ current: [db('zoe', 3), { name: 7 }, null, { name: 'x.db', references: 'many' }], previous: 'no' }), { current: [db('zoe', 3)] });
  assert.deepEqual(historyFrom({ current: [{ name: 'a.db', references: 2, role: 'boss' }] }).current, [{ name: 'a.db', engine: 'unknown', references: 2, files: 0, role: 'unknown' }]);
  assert.notEqual(historyKey('file:///a'), historyKey('file:///b'));
});

test('report page: export links after <body>, no script added, the report\'s CSP kept', () => {
  const html = htmlReport({ filesScanned: 1, references: [], findings: [], databases: [], inventory: [], notices: [] });
  const page = withExportLinks(html);
  for (const e of EXPORT_COMMANDS) assert.ok(page.includes(`<a href="command:${e.command}"`), e.command);
  assert.ok(page.indexOf('<nav class="db-audit-actions"') > page.indexOf('<body>'));
  assert.ok(page.indexOf('<nav class="db-audit-actions"') < page.indexOf('<h1>'));
  assert.ok(page.includes(`content="${HTML_CSP}"`));
  assert.doesNotMatch(page, /<script/i);
  // Every command a link may run is allowed by the webview, and nothing else.
  assert.deepEqual([...WEBVIEW_COMMANDS].sort(), [OPEN_LOCATION_COMMAND, ...EXPORT_COMMANDS.map((e) => e.command)].sort());
  assert.deepEqual(EXPORT_COMMANDS.map((e) => exportFileName(e.format)), ['db-audit-report.md', 'db-audit-report.json', 'db-audit-report.sarif', 'db-audit-report.html']);
});

test('open-location arguments: a file URI and 0-based numbers, anything else refused', () => {
  assert.deepEqual(locationFromArgs(['file:///w/a.py', 3, 7]), { uri: 'file:///w/a.py', line: 3, character: 7 });
  assert.deepEqual(locationFromArgs(['file:///w/a.py', 3]), { uri: 'file:///w/a.py', line: 3, character: 0 });
  assert.equal(locationFromArgs(['https://evil.example/x', 1, 1]), undefined);
  assert.equal(locationFromArgs(['file:///w/a.py', -1, 0]), undefined);
  assert.equal(locationFromArgs(['file:///w/a.py', '3', 0]), undefined);
  assert.equal(locationFromArgs([]), undefined);
});

const range = (line: number, character: number) => ({ start: { line, character }, end: { line, character: character + 5 } });
const ANSWER: DatabasesResult = {
  folders: [{
    uri: 'file:///w',
    rulesFile: 'file:///w/dbaudit.json',
    databases: [
      {
        ...db('auth.db', 3, { files: 2, role: 'legacy', absorbedInto: 'zoe' }),
        rulesRange: range(9, 8),
        items: [
          { uri: 'file:///w/svc/b.py', path: 'svc/b.py', range: range(4, 2), kind: 'sqlite-path', value: '/app/data/auth.db' },
          { uri: 'file:///w/a.sh', path: 'a.sh', range: range(1, 0), kind: 'sqlite-path', value: 'data/auth.db' },
          { uri: 'file:///w/svc/b.py', path: 'svc/b.py', range: range(2, 10), kind: 'connection-url', value: 'sqlite:///auth.db' },
        ],
      },
      { ...db('scratch.db', 0, { role: 'unknown' }), items: [] },
    ],
  }],
};

test('databases tree: database → file → reference, sorted, with counts, icons and targets', () => {
  const tree = buildDatabaseTree(ANSWER) as DatabaseNode[];
  assert.deepEqual(tree.map((n) => [n.type, n.label, n.description]), [
    ['database', 'auth.db', 'legacy → zoe · 3 in 2 files'],
    ['database', 'scratch.db', 'unknown · no references'],
  ]);
  const [auth, scratch] = tree;
  assert.deepEqual(auth.icon, roleIcon('legacy'));
  assert.deepEqual(auth.rulesLocation, { uri: 'file:///w/dbaudit.json', line: 9, character: 8 });
  assert.equal(scratch.rulesLocation, undefined);
  assert.deepEqual(auth.children.map((f: FileNode) => [f.label, f.description, f.uri]), [['a.sh', '1', 'file:///w/a.sh'], ['b.py', 'svc · 2', 'file:///w/svc/b.py']]);
  const refs = auth.children[1].children;
  assert.deepEqual(refs.map((r) => [r.label, r.description, r.target]), [
    ['sqlite:///auth.db', 'line 3 · connection-url', { uri: 'file:///w/svc/b.py', line: 2, character: 10 }],
    ['/app/data/auth.db', 'line 5 · sqlite-path', { uri: 'file:///w/svc/b.py', line: 4, character: 2 }],
  ]);
  assert.deepEqual(refs[0].icon, kindIcon('connection-url'));
  const ids = [auth, scratch, ...auth.children, ...auth.children.flatMap((f) => f.children)].map((n) => n.id);
  assert.equal(new Set(ids).size, ids.length, 'tree ids are unique');
});

test('databases tree: a node per folder in a multi-root workspace', () => {
  const two: DatabasesResult = { folders: [ANSWER.folders[0], { uri: 'file:///other%20one', databases: [] }] };
  const tree = buildDatabaseTree(two) as FolderNode[];
  assert.deepEqual(tree.map((n) => [n.type, n.label, n.description]), [['folder', 'w', '2 databases'], ['folder', 'other one', '0 databases']]);
  assert.equal(tree[0].children.length, 2);
  assert.deepEqual(buildDatabaseTree({ folders: [] }), []);
});

test('manifest: the Databases view, its menus and the report panel\'s title buttons name real commands and ids', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { commands: Array<{ command: string }>; views: { explorer: Array<{ id: string; name: string }> }; menus: Record<string, Array<{ command: string; when?: string }>> };
  };
  const commands = new Set(pkg.contributes.commands.map((c) => c.command));
  assert.ok(pkg.contributes.views.explorer.some((v) => v.id === 'dbAudit.databases' && v.name === 'Databases'));
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) for (const item of items) assert.ok(commands.has(item.command), `${menu}: ${item.command}`);
  const source = readFileSync(join(__dirname, '..', '..', 'client', 'src', 'databasesView.ts'), 'utf8');
  assert.ok(source.includes("'dbAudit.databases'") && source.includes("'dbAudit.database.declared'"));
  const itemMenu = pkg.contributes.menus['view/item/context'];
  assert.ok(itemMenu.filter((i) => i.command === 'dbAudit.revealInRulesFile').every((i) => i.when === 'view == dbAudit.databases && viewItem == dbAudit.database.declared'));
  // "Fix all references to this database" on every database node, declared or not.
  assert.ok(itemMenu.some((i) => i.command === 'dbAudit.fixDatabase' && i.when === 'view == dbAudit.databases && viewItem =~ /^dbAudit\\.database/'));
  const report = readFileSync(join(__dirname, '..', '..', 'client', 'src', 'reportView.ts'), 'utf8');
  assert.ok(report.includes("const PANEL_TYPE = 'dbAudit.report'"));
  for (const e of EXPORT_COMMANDS) assert.ok(pkg.contributes.menus['editor/title'].some((i) => i.command === e.command && i.when === "activeWebviewPanelId == 'dbAudit.report'"), e.command);
});
