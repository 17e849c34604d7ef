// `--format html`: the workspace report as one self-contained page. No script, no CDN, nothing
// fetched: a strict Content-Security-Policy allows only the inline style and data: images, so
// the same page opens from disk and in a VS Code webview. Colours are VS Code theme variables
// with fallbacks for a browser (light, or dark when the system prefers it). Every value is
// escaped, and masked again, so no password reaches the page.

import { maskSecrets } from '../literals';
import { ruleDocUrl } from '../ruleDocs';
import type { Finding, Severity } from '../types';
import { actionFor, referenceChanges, roleLabel, type WorkspaceReportInput } from './model';

export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export interface HtmlOptions {
  /** Page title. */
  title?: string;
  /**
   * How a finding links to its place: a relative `path#Lline` (standalone, the page beside the
   * workspace) or a `command:` URI for the extension's open-location command (webview).
   */
  link?: (f: Finding) => string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes a value after masking any password in it. */
export function esc(value: string | number): string {
  return maskSecrets(String(value)).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function relativeLink(f: Finding): string {
  return `${encodeURI(f.path)}#L${f.range.start.line + 1}`;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

const STYLE = `
:root {
  --fg: var(--vscode-editor-foreground, #1f2328);
  --bg: var(--vscode-editor-background, #ffffff);
  --muted: var(--vscode-descriptionForeground, #59636e);
  --border: var(--vscode-panel-border, #d1d9e0);
  --link: var(--vscode-textLink-foreground, #0969da);
  --bar: var(--vscode-charts-blue, #0969da);
  --error: var(--vscode-charts-red, #cf222e);
  --warning: var(--vscode-charts-yellow, #9a6700);
  --info: var(--vscode-charts-blue, #0969da);
  --hint: var(--vscode-charts-green, #1a7f37);
  --font: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  --mono: var(--vscode-editor-font-family, ui-monospace, SFMono-Regular, Menlo, monospace);
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: var(--vscode-editor-foreground, #e6edf3);
    --bg: var(--vscode-editor-background, #0d1117);
    --muted: var(--vscode-descriptionForeground, #9198a1);
    --border: var(--vscode-panel-border, #3d444d);
    --link: var(--vscode-textLink-foreground, #4493f8);
    --bar: var(--vscode-charts-blue, #4493f8);
  }
}
body { font-family: var(--font); color: var(--fg); background: var(--bg); margin: 0 auto; padding: 1.5rem; max-width: 72rem; line-height: 1.45; }
h1, h2, h3 { font-weight: 600; } h2 { border-bottom: 1px solid var(--border); padding-bottom: .25rem; margin-top: 2rem; }
a { color: var(--link); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--border); padding: .3rem .5rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: var(--mono); }
.summary { display: flex; flex-wrap: wrap; gap: .75rem; padding: 0; list-style: none; }
.summary li { border: 1px solid var(--border); border-radius: 6px; padding: .5rem .9rem; min-width: 7rem; }
.summary strong { display: block; font-size: 1.6rem; }
.muted { color: var(--muted); }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); } .sev-info { color: var(--info); } .sev-hint { color: var(--hint); }
svg text { fill: var(--fg); font-family: var(--font); font-size: 12px; }
svg .bar { fill: var(--bar); }
svg .bar-error { fill: var(--error); } svg .bar-warning { fill: var(--warning); } svg .bar-info { fill: var(--info); } svg .bar-hint { fill: var(--hint); }
`;

/** A horizontal bar chart as inline SVG: one labelled bar per row. */
export function barChart(title: string, rows: ReadonlyArray<{ label: string; value: number; className?: string }>): string {
  if (rows.length === 0) return `<p class="muted">${esc(title)}: nothing to chart.</p>`;
  const rowHeight = 22;
  const labelWidth = Math.min(260, 12 + 7 * Math.max(...rows.map((r) => r.label.length)));
  const barWidth = 420;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = rows.length * rowHeight + 4;
  const bars = rows.map((r, i) => {
    const y = i * rowHeight + 2;
    const w = r.value === 0 ? 0 : Math.max(2, Math.round((r.value / max) * barWidth));
    return `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${esc(r.label)}</text>`
      + `<rect class="${r.className ?? 'bar'}" x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 6}" rx="2"><title>${esc(r.label)}: ${r.value}</title></rect>`
      + `<text x="${labelWidth + w + 6}" y="${y + 15}">${r.value}</text>`;
  });
  const width = labelWidth + barWidth + 60;
  return `<svg role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${bars.join('')}</svg>`;
}

function summarySection(input: WorkspaceReportInput): string {
  const files = new Set(input.references.map((r) => r.path)).size;
  const bySeverity = new Map<Severity, number>();
  for (const f of input.findings) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  const items: Array<[string | number, string]> = [
    [input.databases.length, 'databases'],
    [input.references.length, 'references'],
    [files, 'files with references'],
    [input.filesScanned, 'files scanned'],
    [input.findings.length, 'findings'],
    ...SEVERITIES.filter((s) => bySeverity.has(s)).map((s): [number, string] => [bySeverity.get(s)!, s === 'error' ? 'errors' : s === 'warning' ? 'warnings' : s]),
  ];
  const changes = referenceChanges(input.databases, input.previous);
  return `<section id="summary"><h2>Summary</h2><ul class="summary">${items.map(([n, label]) => `<li><strong>${esc(n)}</strong>${esc(label)}</li>`).join('')}</ul>`
    + (input.previous ? `<h3>Since the previous audit</h3>${changes.length ? `<ul>${changes.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>` : '<p class="muted">No database changed its reference count.</p>'}` : '')
    + '</section>';
}

function consolidationSection(input: WorkspaceReportInput): string {
  const rows = input.databases.map((d) => `<tr><td><code>${esc(d.name)}</code></td><td>${esc(d.engine)}</td><td class="num">${d.references}</td><td class="num">${d.files}</td><td>${esc(roleLabel(d))}</td><td>${esc(actionFor(d))}</td></tr>`);
  return `<section id="consolidation"><h2>Consolidation</h2><table><thead><tr><th>Database</th><th>Engine</th><th class="num">References</th><th class="num">Files</th><th>Role</th><th>Action</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function chartsSection(input: WorkspaceReportInput): string {
  const perRule = new Map<string, { n: number; severity: Severity }>();
  for (const f of input.findings) {
    const e = perRule.get(f.rule) ?? { n: 0, severity: f.severity };
    e.n++;
    if (SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(e.severity)) e.severity = f.severity;
    perRule.set(f.rule, e);
  }
  const rules = [...perRule.entries()].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1));
  return '<section id="charts"><h2>References per database</h2>'
    + barChart('References per database', input.databases.filter((d) => d.references > 0).map((d) => ({ label: d.name, value: d.references })))
    + '<h2>Findings per rule</h2>'
    + barChart('Findings per rule', rules.map(([rule, e]) => ({ label: rule, value: e.n, className: `bar-${e.severity}` })))
    + (rules.length ? `<table><thead><tr><th>Rule</th><th class="num">Findings</th></tr></thead><tbody>${rules.map(([rule, e]) => `<tr><td><a href="${esc(ruleDocUrl(rule as Finding['rule']))}">${esc(rule)}</a></td><td class="num">${e.n}</td></tr>`).join('')}</tbody></table>` : '')
    + '</section>';
}

/** What is inside the databases (inspection facts), when the report has them. */
function inspectionSection(input: WorkspaceReportInput): string {
  const inspection = input.inspection;
  if (!inspection || inspection.databases.length === 0) return '';
  const rows = (n: number | undefined) => (n === undefined ? '?' : String(n));
  const files = inspection.databases.map((d) => {
    const f = d.facts;
    const tables = f.error ? `<span class="muted">cannot inspect: ${esc(f.error)}</span>` : f.tables.map((t) => `<code>${esc(t.name)}</code> ${esc(rows(t.rowCount))}`).join(', ') || '<span class="muted">no tables</span>';
    const role = d.role === 'target' ? (d.database ?? 'target') : d.role === 'absorbed' ? `absorbed into ${d.database ?? '?'}` : 'named';
    return `<tr><td><code>${esc(d.path)}</code></td><td>${esc(role)}</td><td class="num">${f.size}</td><td>${tables}</td></tr>`;
  });
  const merges = inspection.comparisons.flatMap(({ source, target, comparison }) => comparison.tables.map((t) =>
    `<tr><td><code>${esc(t.table)}</code></td><td><code>${esc(source.path)}</code></td><td><code>${esc(target.path)}</code></td><td class="num">${esc(rows(t.sourceRows))}</td><td class="num">${t.rows ? t.rows.onlyInSource : esc(t.note ?? '')}</td><td class="num">${t.rows ? t.rows.differing : ''}</td></tr>`));
  const findings = inspection.findings.map((f) => `<li><strong>${esc(f.rule)}</strong> (${esc(f.severity)}): ${esc(f.message)}</li>`);
  return `<section id="inspection"><h2>Inspection</h2>`
    + `<table><thead><tr><th>File</th><th>Role</th><th class="num">Bytes</th><th>Tables (rows)</th></tr></thead><tbody>${files.join('')}</tbody></table>`
    + (merges.length ? `<h3>Tables to merge</h3><table><thead><tr><th>Table</th><th>From</th><th>Into</th><th class="num">Rows</th><th class="num">Missing from target</th><th class="num">Differing</th></tr></thead><tbody>${merges.join('')}</tbody></table>` : '')
    + (findings.length ? `<ul>${findings.join('')}</ul>` : '')
    + `</section>`;
}

function inventorySection(input: WorkspaceReportInput): string {
  const codes = (xs: readonly string[]) => (xs.length ? xs.map((x) => `<code>${esc(x)}</code>`).join(', ') : '<span class="muted">—</span>');
  const modules = input.inventory.map((m) => {
    const dbs = m.databases.length
      ? `<table><thead><tr><th>Database</th><th>Engine</th><th>Role</th><th class="num">References</th><th>Through</th></tr></thead><tbody>${m.databases.map((d) => `<tr><td><code>${esc(d.name)}</code></td><td>${esc(d.engine)}</td><td>${esc(d.role)}</td><td class="num">${d.references}</td><td>${codes(d.via)}</td></tr>`).join('')}</tbody></table>`
      : '<p class="muted">Uses no database.</p>';
    const tables = m.tables.map((t) => `<code>${esc(t.schema ? `${t.schema}.${t.name}` : t.name)}</code> <span class="muted">(${esc(t.path)}:${t.line})</span>`);
    const shares = m.sharesWith.map((s) => `<code>${esc(s.module)}</code> <span class="muted">(${esc([...s.databases, ...s.envVars].join(', '))})</span>`);
    return `<article class="module"><h3>${m.path === '.' ? '(workspace root)' : `<code>${esc(m.path)}</code>`}${m.manifests.length ? ` <span class="muted">${esc(m.manifests.join(', '))}</span>` : ''}</h3>${dbs}`
      + `<ul><li>Env vars read: ${codes(m.envReads)}</li><li>Env vars defined: ${codes(m.envDefines)}</li>`
      + `<li>Tables declared: ${tables.length ? tables.join(', ') : '<span class="muted">—</span>'}</li>`
      + `<li>Shares with: ${shares.length ? shares.join(', ') : '<span class="muted">—</span>'}</li></ul></article>`;
  });
  return `<section id="inventory"><h2>Module inventory</h2>${modules.length ? modules.join('') : '<p class="muted">No modules.</p>'}</section>`;
}

function findingsSection(input: WorkspaceReportInput, link: (f: Finding) => string): string {
  if (input.findings.length === 0) return '<section id="findings"><h2>Findings</h2><p>None.</p></section>';
  const rows = input.findings.map((f) => `<tr><td class="sev-${f.severity}">${f.severity}</td><td>${esc(f.rule)}</td><td><a href="${esc(link(f))}">${esc(f.path)}:${f.range.start.line + 1}:${f.range.start.character + 1}</a></td><td>${esc(f.message)}</td></tr>`);
  return `<section id="findings"><h2>Findings (${input.findings.length})</h2><table><thead><tr><th>Severity</th><th>Rule</th><th>Location</th><th>Message</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function noticesSection(input: WorkspaceReportInput): string {
  if (input.notices.length === 0) return '';
  const items = input.notices.map((n) => `<li><code>${esc(n.path)}</code>: ${esc(n.message)}</li>`);
  return `<section id="notices"><h2>Not audited in full (${input.notices.length})</h2><ul>${items.join('')}</ul></section>`;
}

export function htmlReport(input: WorkspaceReportInput, options: HtmlOptions = {}): string {
  const title = options.title ?? 'Database audit';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${summarySection(input)}
${consolidationSection(input)}
${chartsSection(input)}
${inventorySection(input)}
${inspectionSection(input)}
${findingsSection(input, options.link ?? relativeLink)}
${noticesSection(input)}
</body>
</html>
`;
}
