// `evaluate` for the editor, where one file changes at a time. A per-reference rule's findings
// in a file follow from that file's analysis, the rules file and whether git ignores the file,
// so they are kept per file and recomputed only when one of those changes; the cross-file rules
// (`crossFile`) and the database summaries run over all references each time. The result equals
// `evaluate()`'s: same references, tables and findings in the same order (runRules sorts stably,
// and each rule's findings keep their order within a file).

import { compareFindings, RULES, runRules } from './rules';
import { globMatcher } from './rules/context';
import { DatabaseResolver } from './databases';
import { combineSummaries, databaseReferences, linkDefinitions, summaryPart, type Evaluation, type EvaluationInput, type SummaryPart } from './audit';
import type { RulesConfig } from './config/rulesFile';
import { tableCount } from './packedTables';
import { StringPool } from './stringPool';
import type { DbReference, FileAnalysis, Finding, TableReference } from './types';

const PER_FILE_RULES = RULES.filter((r) => !r.crossFile);
const CROSS_FILE_RULES = RULES.filter((r) => r.crossFile);

interface FileEntry {
  analysis: FileAnalysis;
  gitIgnored: boolean;
  references: DbReference[];
  findings: Finding[];
  /** This file's share of the database summaries. */
  summary: SummaryPart;
}

export class IncrementalEvaluator {
  private config: RulesConfig | undefined;
  private resolver = new DatabaseResolver(undefined);
  private allowsHardcoded: (path: string) => boolean = () => false;
  private readonly files = new Map<string, FileEntry>();
  private order: string[] = [];
  /** Findings' messages, one copy each (stringPool.ts): at 100k files ~20 MB of the server's heap otherwise. */
  private readonly messages = new StringPool();

  evaluate(input: EvaluationInput): Evaluation {
    if (input.config !== this.config || this.files.size === 0) {
      // A new rules file changes every resolution: start over.
      this.config = input.config;
      this.resolver = new DatabaseResolver(input.config);
      this.allowsHardcoded = globMatcher(input.config?.allowHardcoded ?? []);
      this.files.clear();
    }
    const order = this.pathsInOrder(input.analyses);
    const references: DbReference[] = [];
    /** The analyses holding tables, in path order: Evaluation.tables is built from them when read. */
    const withTables: FileAnalysis[] = [];
    // Each file's findings are sorted, and files come in path order: so are these, together.
    const perFile: Finding[] = [];
    const parts: SummaryPart[] = [];
    // Loops, not push(...xs): a file can hold more tables than a call takes arguments.
    for (const p of order) {
      const analysis = input.analyses.get(p)!;
      // Most files: no references, no tables, so no findings whatever the rules (and no lookups).
      const tables = tableCount(analysis);
      if (analysis.references.length === 0 && tables === 0) continue;
      const entry = this.entry(p, analysis, input.isGitIgnored(p));
      for (const r of entry.references) references.push(r);
      if (tables > 0) withTables.push(analysis);
      for (const f of entry.findings) perFile.push(f);
      if (entry.summary.length > 0) parts.push(entry.summary);
    }
    const crossFile = runRules({
      config: input.config,
      resolver: this.resolver,
      references,
      tables: [], // no cross-file rule reads tables
      databaseFiles: input.databaseFiles,
      isGitIgnored: input.isGitIgnored,
      allowsHardcoded: this.allowsHardcoded,
    }, CROSS_FILE_RULES);
    const evaluation = { references, tables: [], findings: mergeSorted(perFile, crossFile), databases: combineSummaries(parts, input.config) };
    return withLazyTables(evaluation, withTables);
  }

  /** The files' paths, sorted; sorted again only when the set of files changed. */
  private pathsInOrder(analyses: ReadonlyMap<string, FileAnalysis>): string[] {
    for (const p of this.files.keys()) if (!analyses.has(p)) this.files.delete(p);
    if (analyses.size !== this.order.length || this.order.some((p) => !analyses.has(p))) this.order = [...analyses.keys()].sort();
    return this.order;
  }

  private entry(path: string, analysis: FileAnalysis, gitIgnored: boolean): FileEntry {
    const cached = this.files.get(path);
    if (cached && cached.analysis === analysis && cached.gitIgnored === gitIgnored) return cached;
    const references = databaseReferences(linkDefinitions(analysis.references), this.resolver);
    const findings = runRules({
      config: this.config,
      resolver: this.resolver,
      references,
      tables: analysis.tables,
      databaseFiles: [],
      isGitIgnored: () => gitIgnored,
      allowsHardcoded: this.allowsHardcoded,
    }, PER_FILE_RULES);
    for (const f of findings) f.message = this.messages.intern(f.message);
    const entry = { analysis, gitIgnored, references, findings, summary: summaryPart(references, this.resolver) };
    this.files.set(path, entry);
    return entry;
  }
}

/**
 * The evaluation with `tables` built from the analyses each time it is read: the server keeps its
 * last evaluation, and every table of the workspace as objects would be most of its memory
 * (packedTables.ts). Reading it (a report, the inventory) costs one pass over the packed tables.
 */
function withLazyTables(evaluation: Evaluation, analyses: readonly FileAnalysis[]): Evaluation {
  const tables = (): TableReference[] => {
    const out: TableReference[] = [];
    for (const a of analyses) for (const t of a.tables) out.push(t); // not push(...): more tables than a call takes arguments
    return out;
  };
  // Redefined in place, so the keys keep evaluate()'s order.
  return Object.defineProperty(evaluation, 'tables', { get: tables, enumerable: true });
}

/**
 * Two lists sorted by compareFindings, merged: what `[...a, ...b].sort(compareFindings)` gives
 * (a stable sort keeps `a`'s finding first on a tie), in one pass.
 */
export function mergeSorted(a: readonly Finding[], b: readonly Finding[]): Finding[] {
  if (b.length === 0) return [...a];
  const out: Finding[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareFindings(b[j], a[i]) < 0 ? b[j++] : a[i++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}
