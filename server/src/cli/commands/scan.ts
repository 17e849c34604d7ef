// `db-audit scan`: audit a workspace against its rules file and render a report.

import { parseArgs } from 'node:util';
import { auditWorkspace, type AnalysisCache, type AuditResult } from '../../engine/audit';
import { loadAnalysisCache, saveAnalysisCache } from '../../engine/analysisStore';
import { noticeCount } from '../../engine/notices';
import { REPORT_FORMATS, renderReport } from '../../engine/reports';
import { formatTimings, ScanTimings, timedPhase, watchGarbageCollection } from '../../engine/timings';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, AUDIT_OPTIONS, auditOptionsOf, JOBS_USAGE, type CliIo, type Command, printUsage, checkOnePath, formatOf, errorCode, prepareCacheFolder, prepareOutput, writeOutput } from '../command';

const USAGE = `Usage: db-audit scan [PATH] [options]

Audit the workspace at PATH (default: .) against its dbaudit.json.

Options:
  --config FILE          Rules file (default: PATH/dbaudit.json when present)
  --format FORMAT        ${REPORT_FORMATS.join(' | ')} (default: text)
  --output FILE          Write the report to FILE instead of stdout
  --max-file-size BYTES  Skip files larger than this (default: 2097152)
${JOBS_USAGE}
  --cache DIR            Keep per-file results in DIR across runs (by content hash; another version or build starts over)
  --timings              Print where the time went on stderr (start-up, walk, read, prefilter, each detector, rules, report)
  -h, --help             Show this help

Exit codes: 0 no error findings, 1 error findings, 2 usage or rules-file error.`;

/**
 * Prints the rules file's problems and returns true when it cannot be used (errors, or no
 * config at all): commands then stop with exit 2 rather than audit against a wrong target.
 */
export function reportRulesFileErrors(result: Pick<AuditResult, 'rulesFile'>, io: CliIo): boolean {
  const rulesFile = result.rulesFile;
  if (!rulesFile) return false;
  const errors = rulesFile.problems.filter((p) => p.severity === 'error');
  if (errors.length === 0 && rulesFile.config) return false;
  for (const p of rulesFile.problems) {
    io.stderr.write(`${rulesFile.path}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity}: ${p.message}\n`);
  }
  io.stderr.write(`db-audit: the rules file ${rulesFile.path} has errors; fix them first\n`);
  return true;
}

/** Stores the cache; one that cannot be written costs the next run its speed, not this run its report. */
async function saveCache(dir: string, cache: AnalysisCache, io: CliIo): Promise<void> {
  try {
    await saveAnalysisCache(dir, cache);
  } catch (e) {
    io.stderr.write(`db-audit: warning: the cache could not be saved to ${dir}: ${errorCode(e)} (the report is not affected)\n`);
  }
}

export const scanCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...AUDIT_OPTIONS,
        format: { type: 'string', default: 'text' },
        output: { type: 'string' },
        cache: { type: 'string' },
        timings: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return printUsage(USAGE, io);
    checkOnePath('scan', positionals);
    const format = formatOf(values.format, REPORT_FORMATS);
    const options = await auditOptionsOf(values, positionals[0]);
    if (values.output) await prepareOutput(values.output);
    if (values.cache) await prepareCacheFolder(values.cache);

    // performance.now() counts from the process's start: what came before this line is start-up.
    const timings = values.timings ? new ScanTimings() : undefined;
    timings?.add('start-up', performance.now());
    const garbageCollection = timings ? watchGarbageCollection() : undefined;

    const cache = values.cache ? await timedPhase(timings, 'cache load', () => loadAnalysisCache(values.cache!)) : undefined;
    const result = await auditWorkspace({ ...options, cache, timings });
    if (values.cache && cache) await timedPhase(timings, 'cache save', () => saveCache(values.cache!, cache, io));
    if (reportRulesFileErrors(result, io)) return EXIT_USAGE;
    const colour = format === 'text' && !values.output && io.stdout.isTTY === true && !process.env.NO_COLOR;
    await timedPhase(timings, 'report', async () => {
      const report = renderReport(format, result, { colour });
      if (values.output) await writeOutput(values.output, report);
      else io.stdout.write(report);
    });
    // A text report on the terminal lists them itself; a file or a machine format gets a word on stderr too.
    if (result.notices.length > 0 && (format !== 'text' || values.output)) {
      io.stderr.write(`db-audit: ${noticeCount(result.notices)} ${result.notices.length === 1 ? 'was' : 'were'} not audited in full (the report lists them)\n`);
    }
    if (timings) {
      const total = performance.now();
      timings.garbageCollectionMs = await garbageCollection!();
      io.stderr.write(formatTimings(timings, total));
    }
    return result.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
  },
};
