// Findings → LSP diagnostics. The rule id is the `code`, what a fix needs is in `data`, so
// code actions never parse message text.

import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { RulesProblem } from '../engine/config/rulesFile';
import { ruleDocUrl } from '../engine/ruleDocs';
import type { Finding, FindingData, RuleId, Severity } from '../engine/types';

export const DIAGNOSTIC_SOURCE = 'db-audit';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries in `data`. */
export interface DiagnosticData extends FindingData {
  rule: RuleId;
}

export function uriOf(root: string, relPath: string): string {
  return pathToFileURL(path.resolve(root, relPath)).href;
}

export function toDiagnostic(root: string, f: Finding): Diagnostic {
  const data: DiagnosticData = { ...f.data, rule: f.rule };
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleDocUrl(f.rule) },
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
    ...(f.related?.length
      ? { relatedInformation: f.related.map((r) => ({ location: { uri: uriOf(root, r.path), range: r.range }, message: r.message })) }
      : {}),
    data,
  };
}

export function rulesProblemDiagnostic(p: RulesProblem): Diagnostic {
  return {
    range: p.range,
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: 'invalid-rules-file',
    codeDescription: { href: ruleDocUrl('invalid-rules-file') },
    source: DIAGNOSTIC_SOURCE,
    message: p.message,
    data: { rule: 'invalid-rules-file' } satisfies DiagnosticData,
  };
}
