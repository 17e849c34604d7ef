// `db-audit report`: the workspace report (summary, consolidation table, charts, module
// inventory, every finding) as Markdown, HTML, JSON or SARIF, the same content the extension's
// Audit Workspace shows.

import { parseArgs } from 'node:util';
import { auditWorkspace } from '../../engine/audit';
import { reportInspection } from '../../engine/inspect/forReport';
import { inventoryOfAudit } from '../../engine/inventory';
import { renderReport } from '../../engine/reports';
import { htmlReport } from '../../engine/reports/html';
import { workspaceMarkdownReport } from '../../engine/reports/inventoryMarkdown';
import { EXIT_OK, EXIT_USAGE, AUDIT_OPTIONS, auditOptionsOf, JOBS_USAGE, type Command, printUsage, checkOnePath, formatOf, prepareOutput, writeOutput } from '../command';
import { reportRulesFileErrors } from './scan';

export const WORKSPACE_REPORT_FORMATS = ['markdown', 'html', 'json', 'sarif'] as const;

const USAGE = `Usage: db-audit report [PATH] [options]

Write the workspace report for PATH (default: .): summary, consolidation table, charts,
module inventory, every finding, and (html, markdown) an Inspection section with the tables and
rows of the SQLite files the rules file declares or absorbs, read-only.

Options:
  --format FORMAT        ${WORKSPACE_REPORT_FORMATS.join(' | ')} (default: markdown)
  --output FILE          Write the report to FILE instead of stdout
  --config FILE          Rules file (default: PATH/dbaudit.json when present)
  --max-file-size BYTES  Skip files larger than this (default: 2097152)
${JOBS_USAGE}
  -h, --help             Show this help

Exit codes: 0 report written, 2 usage or rules-file error. Findings do not fail a report.`;

export const reportCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...AUDIT_OPTIONS,
        format: { type: 'string', default: 'markdown' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return printUsage(USAGE, io);
    checkOnePath('report', positionals);
    const format = formatOf(values.format, WORKSPACE_REPORT_FORMATS);
    const options = await auditOptionsOf(values, positionals[0]);
    if (values.output) await prepareOutput(values.output);

    const result = await auditWorkspace(options);
    if (reportRulesFileErrors(result, io)) return EXIT_USAGE;
    let report: string;
    if (format === 'html' || format === 'markdown') {
      const inspection = reportInspection(result.rulesFile?.config, result.files.filter((f) => f.kind === 'database'));
      const input = { ...result, inventory: await inventoryOfAudit(result), ...(inspection ? { inspection } : {}) };
      report = format === 'html' ? htmlReport(input) : workspaceMarkdownReport(input);
    } else report = renderReport(format, result);
    if (values.output) await writeOutput(values.output, report);
    else io.stdout.write(report);
    return EXIT_OK;
  },
};
