// Fix-all across a workspace, in memory: apply every preferred fix, re-audit the changed text,
// and repeat until nothing changes (fixes dropped for overlapping are recomputed next pass).
// The caller decides what to do with the result (write files, print a diff, build a WorkspaceEdit).

import { AnalysisCache, evaluate, type AuditResult } from '../audit';
import { parseRulesFile, type RulesConfig } from '../config/rulesFile';
import type { Finding, RuleId } from '../types';
import type { WalkedFile } from '../workspace';
import { LineIndex } from '../lineIndex';
import { EditComposer, type ComposedEdit } from './composeEdits';
import { editsByPath } from './edits';
import { fixAll, preferredFix } from './index';
import type { FixContext } from './types';

/** Enough passes for a fix to unblock another; more means two fixes keep undoing each other. */
const MAX_PASSES = 10;

export interface WorkspaceFixResult {
  /** Changed files: workspace-relative path → original and fixed text. */
  changed: Map<string, { before: string; after: string }>;
  /** Titles of the fixes applied, per file. */
  applied: Map<string, string[]>;
  /** The findings left after fixing, and whether each still has a preferred fix (it should not). */
  remaining: Finding[];
  /** Per changed file, the whole change as edits of the ORIGINAL text, each with the rules that made it. */
  edits: Map<string, ComposedEdit[]>;
}

export interface WorkspaceFixOptions {
  rules?: readonly RuleId[];
  /** Only the findings this accepts (e.g. those about one database), in every pass. */
  only?(finding: Finding): boolean;
  /** The original text of a workspace file (BOM already stripped), undefined when unreadable. */
  read(path: string): string | undefined;
}

/** What fix-all needs of an audit: the CLI passes its `AuditResult`, the server its folder's state. */
export interface WorkspaceFixInput extends Pick<AuditResult, 'analyses' | 'findings' | 'rulesFile'> {
  files: ReadonlyArray<Pick<WalkedFile, 'path' | 'kind' | 'gitIgnored'>>;
}

export function fixWorkspace(audit: WorkspaceFixInput, options: WorkspaceFixOptions): WorkspaceFixResult {
  const texts = new Map<string, string>();
  const original = new Map<string, string>();
  const textOf = (path: string): string | undefined => {
    if (texts.has(path)) return texts.get(path);
    const t = options.read(path);
    if (t !== undefined) {
      texts.set(path, t);
      original.set(path, t);
    }
    return t;
  };
  const cache = new AnalysisCache();
  const analyses = new Map(audit.analyses);
  const databaseFiles = audit.files.filter((f) => f.kind === 'database').map((f) => f.path);
  const ignored = new Set(audit.files.filter((f) => f.gitIgnored).map((f) => f.path));
  const rulesPath = audit.rulesFile?.path;
  let config: RulesConfig | undefined = audit.rulesFile?.config;
  let findings = audit.findings;
  const applied = new Map<string, string[]>();
  const composers = new Map<string, EditComposer>();
  const key = (e: { path: string; range: unknown; newText: string }) => `${e.path}\0${JSON.stringify(e.range)}\0${e.newText}`;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const ctx: FixContext = { textOf, config };
    const { edits, fixes } = fixAll(findings, ctx, { rules: options.rules, only: options.only });
    if (edits.length === 0) break;
    const keptTitles = new Set(edits.map(key));
    const rulesOf = new Map<string, RuleId[]>();
    for (const { finding, fix } of fixes) {
      if (!fix.edits.every((e) => keptTitles.has(key(e)))) continue;
      for (const e of fix.edits) rulesOf.set(key(e), [...(rulesOf.get(key(e)) ?? []), finding.rule]);
      const list = applied.get(finding.path) ?? [];
      list.push(`${finding.range.start.line + 1}:${finding.range.start.character + 1} ${finding.rule}: ${fix.title}`);
      applied.set(finding.path, list);
    }
    for (const [path, fileEdits] of editsByPath(edits)) {
      const current = textOf(path)!;
      const composer = composers.get(path) ?? new EditComposer(current);
      composers.set(path, composer);
      const index = new LineIndex(current);
      composer.apply(fileEdits.map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), newText: e.newText, rules: rulesOf.get(key(e)) ?? [] })));
      const next = composer.text();
      texts.set(path, next);
      if (path === rulesPath) config = parseRulesFile(next, path).config ?? config;
      else analyses.set(path, cache.analyze(path, next));
    }
    findings = evaluate({ analyses, databaseFiles, config, isGitIgnored: (p) => ignored.has(p) }).findings;
  }
  const changed = new Map<string, { before: string; after: string }>();
  for (const [path, after] of texts) {
    const before = original.get(path)!;
    if (after !== before) changed.set(path, { before, after });
  }
  const composed = new Map<string, ComposedEdit[]>();
  for (const path of changed.keys()) composed.set(path, composers.get(path)!.edits());
  return { changed, applied, remaining: findings, edits: composed };
}

/** Findings that still have a preferred fix in the given texts (none after a complete fix-all). */
export function fixable(findings: readonly Finding[], ctx: FixContext): Finding[] {
  return findings.filter((f) => preferredFix(f, ctx) !== undefined);
}
