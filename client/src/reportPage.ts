// The report webview's page and commands, without `vscode`: which export commands exist, the
// links to them the page carries (command: URIs work without scripts), and the arguments an
// open-location link may carry. Unit-tested.

import type { ReportFormat } from '../../server/src/protocol';

/** Opens `[fileUri, line, character]` (0-based): finding links and Databases view items. */
export const OPEN_LOCATION_COMMAND = 'dbAudit.openLocation';

export interface ExportCommand {
  command: string;
  format: ReportFormat;
  label: string;
  extension: string;
}

export const EXPORT_COMMANDS: readonly ExportCommand[] = [
  { command: 'dbAudit.exportReportMarkdown', format: 'markdown', label: 'Markdown', extension: 'md' },
  { command: 'dbAudit.exportReportJson', format: 'json', label: 'JSON', extension: 'json' },
  { command: 'dbAudit.exportReportSarif', format: 'sarif', label: 'SARIF', extension: 'sarif' },
  { command: 'dbAudit.exportReportHtml', format: 'html', label: 'HTML', extension: 'html' },
];

/** The only commands the webview's links may run (`enableCommandUris`). */
export const WEBVIEW_COMMANDS: readonly string[] = [OPEN_LOCATION_COMMAND, ...EXPORT_COMMANDS.map((e) => e.command)];

const EXPORT_STYLE = '.db-audit-actions { display: flex; gap: .75rem; flex-wrap: wrap; margin: 0 0 1rem; }';

/** The report page with a row of export links at the top, for the webview (no script needed). */
export function withExportLinks(html: string): string {
  const links = EXPORT_COMMANDS.map((e) => `<a href="command:${e.command}" title="Save the report as ${e.label}">Export ${e.label}</a>`).join('');
  const nav = `<nav class="db-audit-actions" aria-label="Export">${links}</nav>`;
  const withStyle = html.replace('</style>', `${EXPORT_STYLE}</style>`);
  const at = withStyle.search(/<body[^>]*>/);
  if (at < 0) return withStyle;
  const end = withStyle.indexOf('>', at) + 1;
  return withStyle.slice(0, end) + '\n' + nav + withStyle.slice(end);
}

export interface Location {
  uri: string;
  line: number;
  character: number;
}

/** The location an open-location command was given, or undefined for anything else (a link is input). */
export function locationFromArgs(args: readonly unknown[]): Location | undefined {
  const [uri, line, character] = args;
  if (typeof uri !== 'string' || !/^file:\/\//.test(uri)) return undefined;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (!ok(line)) return undefined;
  return { uri, line, character: ok(character) ? character : 0 };
}

/** The default file name of an export: `db-audit-report.md`. */
export function exportFileName(format: ReportFormat): string {
  return `db-audit-report.${EXPORT_COMMANDS.find((e) => e.format === format)!.extension}`;
}
