// `db-audit inventory` and the Markdown workspace report: per module, the databases it uses,
// the env vars it reads and defines, the tables it declares, and what it shares with others.

import { markdownInspectReport } from '../inspect/report';
import type { ModuleInventory } from '../inventory';
import { markdownReport } from './markdown';
import { referenceChanges, type WorkspaceReportInput } from './model';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';
const list = (items: readonly string[]) => (items.length ? items.map(code).join(', ') : '—');

export function inventoryMarkdown(modules: readonly ModuleInventory[]): string {
  const lines = ['# Module inventory', ''];
  if (modules.length === 0) lines.push('No modules: no package manifest and no database reference.', '');
  for (const m of modules) {
    lines.push(`## ${m.path === '.' ? '(workspace root)' : cell(m.path)}`, '');
    if (m.manifests.length) lines.push(`Manifest: ${list(m.manifests)}`, '');
    if (m.databases.length) {
      lines.push('| Database | Engine | Role | References | Through |', '| --- | --- | --- | ---: | --- |');
      for (const d of m.databases) lines.push(`| ${cell(d.name)} | ${d.engine} | ${d.role} | ${d.references} | ${cell(list(d.via))} |`);
      lines.push('');
    } else lines.push('Databases: —', '');
    lines.push(`- Env vars read: ${list(m.envReads)}`, `- Env vars defined: ${list(m.envDefines)}`);
    lines.push(`- Tables declared: ${m.tables.length ? m.tables.map((t) => `${code(t.schema ? `${t.schema}.${t.name}` : t.name)} (${t.path}:${t.line})`).join(', ') : '—'}`);
    const shares = m.sharesWith.map((s) => `${code(s.module)} (${[...s.databases, ...s.envVars].join(', ')})`);
    lines.push(`- Shares with: ${shares.length ? shares.join(', ') : '—'}`, '');
  }
  return lines.join('\n').replace(/(?<!\n)\n+$/, '') + '\n';
}

/** The Markdown workspace report: consolidation table, changes, inventory, every finding. */
export function workspaceMarkdownReport(input: WorkspaceReportInput): string {
  const parts = [markdownReport(input)];
  const changes = referenceChanges(input.databases, input.previous);
  if (changes.length) parts.push(['## Since the previous audit', '', ...changes.map((c) => `- ${c}`)].join('\n') + '\n');
  parts.push(inventoryMarkdown(input.inventory).replace(/\n## /g, '\n### ').replace(/^# /, '## '));
  if (input.inspection && input.inspection.databases.length > 0) {
    const inspection = markdownInspectReport({ sqlite: input.inspection, postgres: [], findings: input.inspection.findings });
    parts.push(inspection.replace(/\n## /g, '\n### ').replace(/^# Database inspection/, '## Inspection').replace(/(?<!\n)\n+$/, '') + '\n');
  }
  const findings = ['## Findings', ''];
  if (input.findings.length === 0) findings.push('None.');
  for (const f of input.findings) findings.push(`- **${f.severity}** ${f.rule} — ${cell(f.path)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${cell(f.message)}`);
  parts.push(findings.join('\n') + '\n');
  return parts.join('\n');
}
