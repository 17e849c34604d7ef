// The editor's incremental evaluation gives exactly what `evaluate` gives (same references,
// tables, findings in the same order, summaries) on the fixture workspace, after a file changes,
// appears or vanishes, when git-ignore facts or the rules change; and unchanged files' findings
// are reused, not recomputed.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { auditWorkspace, evaluate, type AuditResult, type EvaluationInput } from '../../server/src/engine/audit';
import { parseRulesFile } from '../../server/src/engine/config/rulesFile';
import { analyzeFile } from '../../server/src/engine/detectors';
import { IncrementalEvaluator, mergeSorted } from '../../server/src/engine/incrementalEvaluation';
import { compareFindings } from '../../server/src/engine/rules';
import type { FileAnalysis, Finding } from '../../server/src/engine/types';
import { PackedAnalysis, packTables } from '../../server/src/engine/packedTables';
import fc from 'fast-check';

const ROOT = path.join(__dirname, '..', 'fixtures', 'zoe-like');
let audit: AuditResult;

before(async () => {
  audit = await auditWorkspace({ root: ROOT });
});

function input(analyses: Map<string, FileAnalysis>, ignored = new Set(audit.files.filter((f) => f.gitIgnored).map((f) => f.path)), config = audit.rulesFile?.config): EvaluationInput {
  return { analyses, databaseFiles: audit.files.filter((f) => f.kind === 'database').map((f) => f.path), config, isGitIgnored: (p) => ignored.has(p) };
}

test('the incremental evaluation equals evaluate() on the fixture, cross-file rules included', () => {
  const i = input(new Map(audit.analyses));
  const got = new IncrementalEvaluator().evaluate(i);
  assert.deepEqual(got, evaluate(i));
  const rules = new Set(got.findings.map((f) => f.rule));
  assert.ok(rules.has('env-mismatch') && rules.has('undeclared-database-file') && rules.has('legacy-database'), [...rules].join(', '));
});

test('after edits, new files, deletions, git-ignore and rules changes it still equals evaluate()', () => {
  const ev = new IncrementalEvaluator();
  const analyses = new Map(audit.analyses);
  ev.evaluate(input(analyses));

  const edited = [...analyses.keys()].find((p) => p.endsWith('.py') && analyses.get(p)!.references.length > 0)!;
  analyses.set(edited, analyzeFile({ path: edited, text: 'import os\nDB = "/app/data/brand_new.db"\nURL = os.environ["CHAT_DATABASE_URL"]\n' }));
  assert.deepEqual(ev.evaluate(input(analyses)), evaluate(input(analyses)));

  analyses.set('services/new/.env', analyzeFile({ path: 'services/new/.env', text: 'PLATFORM_DATABASE_URL=postgres://a/zoe_platform\nCHAT_DATABASE_URL=postgres://b/other\n' }));
  assert.deepEqual(ev.evaluate(input(analyses)), evaluate(input(analyses)));

  const envFile = [...analyses.keys()].find((p) => p.endsWith('.env'))!;
  analyses.delete(edited);
  const ignoredNow = new Set([envFile]);
  assert.deepEqual(ev.evaluate(input(analyses, ignoredNow)), evaluate(input(analyses, ignoredNow)));

  const looser = parseRulesFile('{ "databases": { "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db" } } }', 'dbaudit.json').config;
  assert.deepEqual(ev.evaluate(input(analyses, ignoredNow, looser)), evaluate(input(analyses, ignoredNow, looser)));
  assert.deepEqual(ev.evaluate(input(analyses, ignoredNow, undefined)), evaluate(input(analyses, ignoredNow, undefined)));
});

test('an unchanged file keeps its finding objects; the edited file gets new ones', () => {
  const ev = new IncrementalEvaluator();
  const analyses = new Map(audit.analyses);
  const first = ev.evaluate(input(analyses));
  const paths = [...new Set(first.findings.filter((f) => f.rule === 'legacy-database').map((f) => f.path))];
  assert.ok(paths.length >= 2, 'the fixture has legacy references in two files');
  const [edited, untouched] = paths;
  analyses.set(edited, analyzeFile({ path: edited, text: readFileSync(path.join(ROOT, edited), 'utf8') })); // re-analyzed: a new analysis object
  const second = ev.evaluate(input(analyses));
  const of = (e: typeof first, p: string) => e.findings.filter((f) => f.path === p && f.rule !== 'env-mismatch');
  assert.ok(of(second, untouched).every((f, k) => f === of(first, untouched)[k]));
  assert.ok(of(second, edited).length > 0 && of(second, edited).every((f, k) => f !== of(first, edited)[k]));
  assert.deepEqual(second, evaluate(input(analyses)));
});

test('with tables packed as a scan worker leaves them, it still equals evaluate() on the plain analyses', () => {
  const packed = new Map([...audit.analyses].map(([p, a]) => [p, a.tables.length > 0 ? new PackedAnalysis(p, a.references, packTables(a.tables)) : a]));
  assert.ok([...packed.values()].some((a) => a instanceof PackedAnalysis), 'the fixture has tables');
  const got = new IncrementalEvaluator().evaluate(input(packed));
  const want = evaluate(input(new Map(audit.analyses)));
  assert.ok(want.tables.length > 0 && want.findings.some((f) => f.rule === 'prefixed-table'), 'tables and prefixed-table findings to compare');
  assert.deepEqual(got, want);
  assert.deepEqual(Object.keys(got), Object.keys(want), 'the same keys in the same order');
  assert.notEqual(got.tables, got.tables, 'tables are built when read, not kept');
});

test('merging two sorted finding lists gives what a stable sort of both gives, ties included', () => {
  const finding = fc.record({
    path: fc.constantFrom('a.py', 'b/c.ts', 'b/d.env'),
    line: fc.nat(3),
    character: fc.nat(2),
    rule: fc.constantFrom('legacy-database', 'env-mismatch', 'unknown-database'),
  }).map(({ path: p, line, character, rule }) => ({
    rule, path: p, severity: 'warning', message: '', data: {},
    range: { start: { line, character }, end: { line, character: character + 1 } },
  }) as unknown as Finding);
  fc.assert(fc.property(fc.array(finding), fc.array(finding), (a, b) => {
    a.sort(compareFindings);
    b.sort(compareFindings);
    const merged = mergeSorted(a, b);
    const sorted = [...a, ...b].sort(compareFindings);
    assert.equal(merged.length, sorted.length);
    merged.forEach((f, i) => assert.equal(f, sorted[i], `item ${i}`)); // the same objects, in the same order
  }), { numRuns: 300 });
});
