// `db-audit report`, `inventory` and `init`, the built bin on the zoe-like fixture: the HTML
// report's content (consolidation rows with their counts, per-rule breakdown, inventory, every
// finding, CSP, no script, no password), SARIF validated against the SARIF 2.1.0 schema, the
// Markdown report, and a starter rules file parsed back with the project's own parser.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import type * as Sarif from 'sarif';
import { parseRulesFile } from '../../server/src/engine/config/rulesFile';
import { renderReport } from '../../server/src/engine/reports';
import { runCli } from '../helpers/cli';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');
const FIXTURE = 'test/fixtures/zoe-like';
/** The one literal password in the fixture (services/rag/ingest.py); no report may print it. */
const PASSWORD = 'Tr0ub4dor-zoe-2023';

interface Run { code: number | null; stdout: string; stderr: string }

const run = (args: string[]): Promise<Run> => runCli(args);

interface JsonDatabase { name: string; engine: string; references: number; files: number; role: string; absorbedInto?: string }
interface JsonFinding { rule: string; severity: string; path: string; line: number; column: number; message: string }

let tmp: string;
let html: Run;
let markdown: Run;
let sarif: Run;
let json: { databases: JsonDatabase[]; findings: JsonFinding[] };

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'dbaudit-report-'));
  const htmlFile = path.join(tmp, 'report.html');
  [html, markdown, sarif] = await Promise.all([
    run(['report', FIXTURE, '--format', 'html', '--output', htmlFile]),
    run(['report', FIXTURE]),
    run(['report', FIXTURE, '--format', 'sarif']),
  ]);
  html.stdout = readFileSync(htmlFile, 'utf8');
  json = JSON.parse((await run(['report', FIXTURE, '--format', 'json'])).stdout) as typeof json;
});

after(() => rmSync(tmp, { recursive: true, force: true }));

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

test('report exits 0 even with error findings, and writes --output', () => {
  for (const r of [html, markdown, sarif]) assert.equal(r.code, 0, r.stderr);
  assert.ok(json.findings.some((f) => f.severity === 'error'));
  assert.match(html.stdout, /^<!DOCTYPE html>/);
});

test('HTML report: self-contained, a strict CSP, no script, no password', () => {
  const page = html.stdout;
  assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;[^"]*">/);
  assert.doesNotMatch(page, /<script/i);
  assert.doesNotMatch(page, /\ssrc=/i);
  assert.doesNotMatch(page, /<link/i);
  assert.doesNotMatch(page, /https?:\/\/(?!www\.w3\.org\/2000\/svg)[^"]*\.(js|css)/);
  assert.ok(!page.includes(PASSWORD));
  assert.match(page, /var\(--vscode-editor-background, #ffffff\)/);
});

test('HTML report: the consolidation table has a row per database with its counts, role and action', () => {
  assert.equal(json.databases.length, 22);
  for (const d of json.databases) {
    const role = d.role === 'legacy' ? `legacy → ${d.absorbedInto}` : d.role;
    assert.ok(
      html.stdout.includes(`<tr><td><code>${escapeHtml(d.name)}</code></td><td>${d.engine}</td><td class="num">${d.references}</td><td class="num">${d.files}</td><td>${escapeHtml(role)}</td>`),
      `row for ${d.name}`,
    );
  }
  assert.ok(html.stdout.includes('<tr><td><code>auth.db</code></td><td>sqlite</td><td class="num">8</td><td class="num">7</td><td>legacy → zoe</td><td>Merge into zoe; rewrite 8 references</td></tr>'));
  assert.ok(html.stdout.includes('<tr><td><code>zoe</code></td><td>sqlite</td><td class="num">22</td><td class="num">9</td><td>primary</td><td>Keep (primary)</td></tr>'));
});

test('HTML report: summary numbers, a bar per referenced database and per rule', () => {
  const page = html.stdout;
  assert.ok(page.includes(`<li><strong>22</strong>databases</li>`));
  assert.ok(page.includes(`<li><strong>${json.findings.length}</strong>findings</li>`));
  const referenced = json.databases.filter((d) => d.references > 0);
  const chart = page.slice(page.indexOf('<svg role="img" aria-label="References per database"'), page.indexOf('</svg>') + 6);
  assert.equal((chart.match(/<rect /g) ?? []).length, referenced.length);
  for (const d of referenced) assert.ok(chart.includes(`<title>${escapeHtml(d.name)}: ${d.references}</title>`), d.name);
  const perRule = new Map<string, number>();
  for (const f of json.findings) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
  for (const [rule, n] of perRule) assert.match(page, new RegExp(`>${rule}</a></td><td class="num">${n}</td></tr>`));
});

test('HTML report: the module inventory and every finding, each linking to its place', () => {
  const page = html.stdout;
  assert.match(page, /<h3><code>services<\/code> <span class="muted">requirements\.txt<\/span><\/h3>/);
  assert.match(page, /<h3>\(workspace root\)<\/h3>/);
  assert.ok(page.includes('<code>rag_documents</code> <span class="muted">(services/rag/models.py:8)</span>'));
  for (const f of json.findings) {
    assert.ok(page.includes(`<a href="${escapeHtml(encodeURI(f.path))}#L${f.line}">${escapeHtml(f.path)}:${f.line}:${f.column}</a></td><td>${escapeHtml(f.message)}</td>`), `${f.path}:${f.line} ${f.rule}`);
  }
});

test('SARIF report validates against the SARIF 2.1.0 JSON schema', () => {
  const schema = JSON.parse(readFileSync(path.join(REPO, 'test/schemas/sarif-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  // The schema is draft-04: `id` is draft-07's `$id`; its other keywords mean the same.
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` only non-unicode regexps accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  const validate = ajv.compile(schema);
  const log = JSON.parse(sarif.stdout) as { runs: Array<{ results: unknown[] }> };
  assert.ok(validate(log), ajv.errorsText(validate.errors));
  assert.equal(log.runs[0].results.length, json.findings.length);
  // Files not audited in full are the run's notifications, valid too.
  const notice = { path: 'db dumps/full.sql', reason: 'too-large' as const, message: 'not audited: 3,145,728 bytes' };
  const noticed = JSON.parse(renderReport('sarif', { filesScanned: 0, references: [], findings: [], databases: [], notices: [notice] })) as Sarif.Log;
  assert.ok(validate(noticed), ajv.errorsText(validate.errors));
  assert.equal(noticed.runs[0].invocations?.[0].toolExecutionNotifications?.[0].locations?.[0].physicalLocation?.artifactLocation?.uri, 'db%20dumps/full.sql');
  // The validator does reject a broken log.
  assert.equal(validate({ ...log, version: '2.0.0' }), false);
  assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
});

test('Markdown report: consolidation table, inventory and findings', () => {
  const md = markdown.stdout;
  assert.ok(md.includes('| auth.db | sqlite | 8 | 7 | legacy → zoe | Merge into zoe; rewrite 8 references |'));
  assert.ok(md.includes('## Module inventory'));
  assert.ok(md.includes('### services\n\nManifest: `requirements.txt`'));
  assert.ok(md.includes(`## Findings`));
  assert.equal(md.split('\n').filter((l) => /^- \*\*(error|warning|info|hint)\*\* /.test(l)).length, json.findings.length);
  assert.ok(!md.includes(PASSWORD));
});

test('inventory prints the modules as Markdown', async () => {
  const r = await run(['inventory', FIXTURE]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# Module inventory\n\n## \(workspace root\)\n/);
  assert.ok(r.stdout.includes('## services\n\nManifest: `requirements.txt`'));
  assert.ok(r.stdout.includes('| platform | postgres | primary | 2 | `RAG_DATABASE_URL` |'));
  assert.ok(r.stdout.includes('- Tables declared: `rag_documents` (services/rag/models.py:8)'));
});

test('report rejects an unknown format with exit 2', async () => {
  const r = await run(['report', FIXTURE, '--format', 'text']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown format 'text'/);
});

test('init writes a starter rules file that parses without problems, and refuses to overwrite it', async () => {
  const ws = path.join(tmp, 'ws');
  cpSync(path.join(REPO, FIXTURE), ws, { recursive: true });
  rmSync(path.join(ws, 'dbaudit.json'));
  const first = await run(['init', ws]);
  assert.equal(first.code, 0, first.stderr);
  const text = readFileSync(path.join(ws, 'dbaudit.json'), 'utf8');
  const parsed = parseRulesFile(text, 'dbaudit.json');
  assert.deepEqual(parsed.problems, []);
  const zoe = parsed.config!.databases.find((d) => d.name === 'zoe')!;
  assert.deepEqual([zoe.engine, zoe.file, zoe.env, zoe.role], ['sqlite', '/app/data/zoe.db', 'DATABASE_PATH', 'primary']);
  assert.match(text, /\/\/ "auth\.db",/, 'the other SQLite files, suggested for absorbs');
  assert.match(text, /DATABASE_PATH \(\d+, \d+\)/, 'the env vars found');
  assert.deepEqual(parsed.config!.sameDatabase, [['CHAT_DATABASE_URL', 'PLATFORM_DATABASE_URL']]);
  assert.ok(!text.includes(PASSWORD));

  writeFileSync(path.join(ws, 'dbaudit.json'), '{}\n');
  const again = await run(['init', ws]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /dbaudit\.json already exists .*--force/);
  assert.equal(readFileSync(path.join(ws, 'dbaudit.json'), 'utf8'), '{}\n');
  const forced = await run(['init', ws, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(path.join(ws, 'dbaudit.json'), 'utf8'), text);
  // The starter file drives a scan (exit 0 or 1, never the rules-file error 2).
  assert.notEqual((await run(['scan', ws])).code, 2);
});
