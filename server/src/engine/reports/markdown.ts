// `--format markdown`: the inventory table people paste into a consolidation plan.

import type { AuditNotice } from '../types';
import { actionFor, roleLabel, type ReportInput } from './model';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The notices as Markdown lines (none when there are none): the scan's and, through it, the workspace report's. */
function noticeLines(notices: readonly AuditNotice[]): string[] {
  if (notices.length === 0) return [];
  return ['', '## Not audited in full', '', ...notices.map((n) => `- \`${n.path.replace(/`/g, "'")}\`: ${n.message}`)];
}

export function markdownReport(input: ReportInput): string {
  const lines = [
    '# Database inventory',
    '',
    `${input.databases.length} databases, ${input.references.length} references in ${new Set(input.references.map((r) => r.path)).size} files (${input.filesScanned} files scanned), ${input.findings.length} findings.`,
    '',
    '| Database | Engine | References | Files | Role | Action |',
    '| --- | --- | ---: | ---: | --- | --- |',
    ...input.databases.map((d) => `| ${cell(d.name)} | ${d.engine} | ${d.references} | ${d.files} | ${cell(roleLabel(d))} | ${cell(actionFor(d))} |`),
  ];
  const byRule = new Map<string, number>();
  for (const f of input.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  if (byRule.size > 0) {
    lines.push('', '## Findings by rule', '', '| Rule | Findings |', '| --- | ---: |');
    for (const [rule, n] of [...byRule.entries()].sort()) lines.push(`| ${rule} | ${n} |`);
  }
  lines.push(...noticeLines(input.notices));
  return lines.join('\n') + '\n';
}
