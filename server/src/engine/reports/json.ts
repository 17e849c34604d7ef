// `--format json`: the machine-readable audit. Lines and columns are 1-based.

import type { ReportInput } from './model';

export const JSON_REPORT_VERSION = 1;

export function jsonReport(input: ReportInput): string {
  const report = {
    version: JSON_REPORT_VERSION,
    filesScanned: input.filesScanned,
    references: input.references.map((r) => ({
      path: r.path,
      line: r.range.start.line + 1,
      column: r.range.start.character + 1,
      endLine: r.range.end.line + 1,
      endColumn: r.range.end.character + 1,
      kind: r.kind,
      engine: r.engine,
      target: r.target,
      value: r.value,
      credentials: r.credentials,
      ...(r.envVar ? { envVar: r.envVar } : {}),
      ...(r.defaultOf ? { defaultOf: r.defaultOf } : {}),
    })),
    findings: input.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      path: f.path,
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.character + 1,
      message: f.message,
    })),
    databases: input.databases.map((d) => ({ ...d })),
    notices: input.notices.map((n) => ({ path: n.path, reason: n.reason, message: n.message })),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
