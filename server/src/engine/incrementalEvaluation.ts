// `evaluate` for the editor, where one file changes at a time. A per-reference rule's findings
// in a file follow from that file's analysis, the rules file and whether git ignores the file,
// so they are kept per file and recomputed only when one of those changes; the cross-file rules
// (`crossFile`) and the database summaries run over all references each time. The result equals
// `evaluate()`'s: same references, tables and findings in the same order (runRules sorts stably,
// and each rule's findings keep their order within a file).

import { compareFindings, RULES, runRules } from './rules';
import { globMatcher } from './rules/context';
import { DatabaseResolver } from './databases';
import { databaseReferences, linkDefinitions, summarize, type Evaluation, type EvaluationInput } from './audit';
import type { RulesConfig } from './config/rulesFile';
import type { DbReference, FileAnalysis, Finding } from './types';

const PER_FILE_RULES = RULES.filter((r) => !r.crossFile);
const CROSS_FILE_RULES = RULES.filter((r) => r.crossFile);

interface FileEntry {
  analysis: FileAnalysis;
  gitIgnored: boolean;
  references: DbReference[];
  findings: Finding[];
}

export class IncrementalEvaluator {
  private config: RulesConfig | undefined;
  private resolver = new DatabaseResolver(undefined);
  private allowsHardcoded: (path: string) => boolean = () => false;
  private readonly files = new Map<string, FileEntry>();

  evaluate(input: EvaluationInput): Evaluation {
    if (input.config !== this.config || this.files.size === 0) {
      // A new rules file changes every resolution: start over.
      this.config = input.config;
      this.resolver = new DatabaseResolver(input.config);
      this.allowsHardcoded = globMatcher(input.config?.allowHardcoded ?? []);
      this.files.clear();
    }
    for (const p of this.files.keys()) if (!input.analyses.has(p)) this.files.delete(p);
    const references: DbReference[] = [];
    const tables: Evaluation['tables'] = [];
    const findings: Finding[] = [];
    for (const p of [...input.analyses.keys()].sort()) {
      const entry = this.entry(p, input.analyses.get(p)!, input.isGitIgnored(p));
      references.push(...entry.references);
      tables.push(...entry.analysis.tables);
      findings.push(...entry.findings);
    }
    const crossFile = runRules({
      config: input.config,
      resolver: this.resolver,
      references,
      tables,
      databaseFiles: input.databaseFiles,
      isGitIgnored: input.isGitIgnored,
      allowsHardcoded: this.allowsHardcoded,
    }, CROSS_FILE_RULES);
    findings.push(...crossFile);
    return { references, tables, findings: findings.sort(compareFindings), databases: summarize(references, input.config, this.resolver) };
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
    const entry = { analysis, gitIgnored, references, findings };
    this.files.set(path, entry);
    return entry;
  }
}
