// `--format text`: findings for people, grouped by file, coloured on a TTY.

import { noticeCount } from '../notices';
import type { Severity } from '../types';
import type { ReportInput } from './model';

const COLOURS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', hint: '\x1b[2m' };
const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';

export function textReport(input: ReportInput, colour: boolean): string {
  const paint = (code: string, s: string) => (colour ? `${code}${s}${RESET}` : s);
  const out: string[] = [];
  let current = '';
  for (const f of input.findings) {
    if (f.path !== current) {
      if (current) out.push('');
      out.push(paint(BOLD, f.path));
      current = f.path;
    }
    const pos = `${f.range.start.line + 1}:${f.range.start.character + 1}`;
    out.push(`  ${paint(DIM, pos.padEnd(8))} ${paint(COLOURS[f.severity], f.severity.padEnd(7))} ${f.message}  ${paint(DIM, f.rule)}`);
  }
  if (out.length > 0) out.push('');
  if (input.notices.length > 0) {
    out.push(paint(BOLD, `Not audited in full (${noticeCount(input.notices)})`));
    for (const n of input.notices) out.push(`  ${n.path}: ${paint(DIM, n.message)}`);
    out.push('');
  }
  const count = (s: Severity) => input.findings.filter((f) => f.severity === s).length;
  const files = new Set(input.references.map((r) => r.path)).size;
  out.push(
    `${input.filesScanned} files scanned, ${input.references.length} database references in ${files} files, ${input.databases.length} databases.`,
    `${input.findings.length} findings: ${count('error')} errors, ${count('warning')} warnings, ${count('info') + count('hint')} info.`,
  );
  return out.join('\n') + '\n';
}
