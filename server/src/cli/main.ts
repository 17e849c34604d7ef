// `db-audit`: the CLI adapter over the engine. Exit codes: 0 no error-severity findings,
// 1 some, 2 usage or rules-file error (reason on stderr).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { auditWorkspace } from '../engine/audit';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../engine/reports';
import { TOOL_VERSION } from '../engine/ruleDocs';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: db-audit <command> [options]

Commands:
  scan [PATH]    Audit the workspace at PATH (default: .) against its dbaudit.json

Options for scan:
  --config FILE          Rules file (default: PATH/dbaudit.json when present)
  --format FORMAT        text | json | sarif | markdown (default: text)
  --output FILE          Write the report to FILE instead of stdout
  --max-file-size BYTES  Skip files larger than this (default: 2097152)

  -h, --help             Show this help
  -v, --version          Show the version

Exit codes: 0 no error findings, 1 error findings, 2 usage or rules-file error.`;

class UsageError extends Error {}

export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export async function main(argv: string[], io: CliIo = process): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(USAGE + '\n');
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(TOOL_VERSION + '\n');
      return EXIT_OK;
    }
    if (command === 'scan') return await scan(rest, io);
    throw new UsageError(`unknown command '${command}'`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`db-audit: ${message}\n`);
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) io.stderr.write(`Run 'db-audit --help' for usage.\n`);
    return EXIT_USAGE;
  }
}

async function scan(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      format: { type: 'string', default: 'text' },
      output: { type: 'string' },
      'max-file-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError(`scan takes one PATH, got ${positionals.length}`);
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`unknown format '${values.format}' (expected ${REPORT_FORMATS.join(', ')})`);
  let maxFileSize: number | undefined;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize <= 0) throw new UsageError(`--max-file-size takes a positive whole number of bytes`);
  }
  const root = path.resolve(positionals[0] ?? '.');
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new UsageError(`${positionals[0] ?? '.'} is not a directory`);

  const result = await auditWorkspace({ root, configPath: values.config, maxFileSize });
  const rulesErrors = result.rulesFile?.problems.filter((p) => p.severity === 'error') ?? [];
  if (result.rulesFile && (rulesErrors.length > 0 || !result.rulesFile.config)) {
    for (const p of result.rulesFile.problems) {
      io.stderr.write(`${result.rulesFile.path}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity}: ${p.message}\n`);
    }
    io.stderr.write(`db-audit: the rules file ${result.rulesFile.path} has errors; fix them first\n`);
    return EXIT_USAGE;
  }
  const colour = format === 'text' && !values.output && io.stdout.isTTY === true && !process.env.NO_COLOR;
  const report = renderReport(format, result, { colour });
  if (values.output) await fs.writeFile(values.output, report);
  else io.stdout.write(report);
  return result.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}
