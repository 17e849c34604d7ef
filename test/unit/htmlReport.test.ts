// The HTML report's escaping and masking, on hostile values: names, paths and messages with
// markup and quotes, a URL with a password in a message, and the previous-audit comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, esc, htmlReport } from '../../server/src/engine/reports/html';
import { inventoryMarkdown } from '../../server/src/engine/reports/inventoryMarkdown';
import type { WorkspaceReportInput } from '../../server/src/engine/reports/model';
import type { DbReference, Finding } from '../../server/src/engine/types';

const range = { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } };
const evil = '<img onerror="x">&\'';
const ref: DbReference = { path: 'a<b>.py', range, kind: 'sqlite-path', engine: 'sqlite', target: `${evil}.db`, value: `/d/${evil}.db`, credentials: false };
const finding: Finding = {
  rule: 'unknown-database', severity: 'warning', path: 'a<b>.py', range,
  message: `${evil}.db is not declared; see postgresql://app:s3cr3t-pw@db/x`, data: {},
};
const input: WorkspaceReportInput = {
  filesScanned: 3,
  references: [ref],
  findings: [finding],
  databases: [{ name: `${evil}.db`, engine: 'sqlite', references: 1, files: 1, role: 'unknown' }],
  inventory: [{
    path: 'svc"<x>', manifests: ['package.json'], envReads: ['A<B'], envDefines: [], sharesWith: [],
    databases: [{ name: `${evil}.db`, engine: 'sqlite', role: 'unknown', references: 1, via: [] }],
    tables: [{ name: '<t>', path: 'a<b>.py', line: 3, form: 'sql' }],
  }],
  previous: [{ name: `${evil}.db`, engine: 'sqlite', references: 4, files: 2, role: 'unknown' }],
  notices: [{ path: `${evil}.sql`, reason: 'too-large', message: 'not audited: <b>big</b>' }],
};

test('esc escapes markup and quotes, and masks passwords', () => {
  assert.equal(esc(`<a href="x">'&`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  assert.equal(esc('postgresql://u:hunter2@h/db'), 'postgresql://u:***@h/db');
});

test('every value in the page is escaped; no password, no raw markup from the workspace', () => {
  const page = htmlReport(input, { title: 'T<1>' });
  assert.ok(!page.includes('<img'));
  assert.ok(!page.includes('s3cr3t-pw'));
  assert.ok(page.includes('postgresql://app:***@db/x'));
  assert.ok(page.includes('<title>T&lt;1&gt;</title>'));
  assert.ok(page.includes('<code>&lt;img onerror=&quot;x&quot;&gt;&amp;&#39;.db</code>'));
  assert.ok(page.includes('<a href="a%3Cb%3E.py#L3">a&lt;b&gt;.py:3:5</a>'));
  assert.ok(page.includes('<h3><code>svc&quot;&lt;x&gt;</code>'));
  assert.ok(page.includes('<code>A&lt;B</code>'));
  assert.ok(page.includes('<code>&lt;t&gt;</code>'));
  // The comparison with the previous audit.
  assert.ok(page.includes('<li>&lt;img onerror=&quot;x&quot;&gt;&amp;&#39;.db: 4 → 1 references</li>'));
  // A file not audited in full.
  assert.ok(page.includes('<h2>Not audited in full (1)</h2><ul><li><code>&lt;img onerror=&quot;x&quot;&gt;&amp;&#39;.sql</code>: not audited: &lt;b&gt;big&lt;/b&gt;</li></ul>'));
});

test('a custom link (the webview\'s command URI) is escaped too', () => {
  const page = htmlReport(input, { link: (f) => `command:open?${JSON.stringify([f.path])}` });
  assert.ok(page.includes('href="command:open?[&quot;a&lt;b&gt;.py&quot;]"'));
});

test('bar chart: bar widths proportional to the values, zero draws no bar', () => {
  const svg = barChart('c', [{ label: 'a', value: 10 }, { label: 'b', value: 5 }, { label: 'z', value: 0 }]);
  const widths = [...svg.matchAll(/<rect [^>]*width="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(widths, [420, 210, 0]);
});

test('the Markdown inventory escapes table pipes', () => {
  const md = inventoryMarkdown([{ ...input.inventory[0], databases: [{ name: 'a|b', engine: 'sqlite', role: 'unknown', references: 2, via: ['X'] }] }]);
  assert.ok(md.includes('| a\\|b | sqlite | unknown | 2 | `X` |'));
});
