// `db-audit inspect`: look inside the databases — the SQLite files the rules file declares or
// absorbs (found in the workspace by name), files named with --sqlite, and Postgres databases
// named with --postgres (only those: a URL found in the workspace is never connected to).

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadRulesFile } from '../../engine/audit';
import { inspectSqlite } from '../../engine/inspect';
import { inspectPostgres, maskConnection, type PostgresInspection } from '../../engine/inspect/postgres';
import { comparePostgres, prefixedTablesOf } from '../../engine/inspect/pgCompare';
import { INSPECT_FORMATS, renderInspectReport } from '../../engine/inspect/report';
import { toPosix, walkWorkspace } from '../../engine/workspace';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, workspaceRoot, type Command, printUsage, checkOnePath, formatOf, prepareOutput, hiddenOnStderr, writeOutput } from '../command';
import { reportRulesFileErrors } from './scan';

const USAGE = `Usage: db-audit inspect [PATH] [options]

Look inside the databases of the workspace at PATH (default: .): every SQLite file its
dbaudit.json declares or absorbs, opened read-only. Each absorbed database is compared with
its target (duplicate tables, schema differences, rows missing or differing). With
--postgres: extensions, tables named with a schema's tablePrefix, and tables duplicated
across the named databases and schemas, with rows compared on their primary key.

Options:
  --config FILE          Rules file (default: PATH/dbaudit.json when present)
  --sqlite FILE          Also inspect this SQLite file (repeatable); without a role in the
                         rules file, each is compared with the first one named
  --postgres URL         Inspect this Postgres database, read-only (repeatable)
  --format FORMAT        ${INSPECT_FORMATS.join(' | ')} (default: text)
  --output FILE          Write the report to FILE instead of stdout
  -h, --help             Show this help

Exit codes: 0 no error findings, 1 error findings, 2 usage or rules-file error.`;

export const inspectCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        sqlite: { type: 'string', multiple: true, default: [] },
        postgres: { type: 'string', multiple: true, default: [] },
        format: { type: 'string', default: 'text' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return printUsage(USAGE, io);
    checkOnePath('inspect', positionals);
    const format = formatOf(values.format, INSPECT_FORMATS);
    for (const url of values.postgres) {
      if (!/^postgres(ql)?:\/\//i.test(url)) throw new UsageError(`--postgres takes a postgres:// URL, got '${maskConnection(url)}'`);
    }
    // A file found in the workspace that cannot be opened gets a reason in the report; one named here that is not there is a mistake in the call.
    for (const file of values.sqlite) if (!existsSync(file)) throw new UsageError(`--sqlite ${file}: no such file`);
    const root = await workspaceRoot(positionals[0]);
    if (values.output) await prepareOutput(values.output);

    const rulesFile = await loadRulesFile(root, values.config);
    if (reportRulesFileErrors({ rulesFile }, io)) return EXIT_USAGE;
    const config = rulesFile?.config;
    const walked = await walkWorkspace({ root, ignoreGlobs: config?.ignore, ...hiddenOnStderr(io) });
    const shown = (abs: string) => {
      const rel = path.relative(root, abs);
      return rel.startsWith('..') || path.isAbsolute(rel) ? abs : toPosix(rel);
    };
    const sqlite = inspectSqlite({
      config,
      databaseFiles: walked.filter((f) => f.kind === 'database'),
      sqlite: values.sqlite.map((f) => ({ path: shown(path.resolve(f)), absPath: path.resolve(f) })),
    });
    const postgres: PostgresInspection[] = [];
    for (const url of values.postgres) postgres.push(await inspectPostgres(url));
    const findings = sqlite.findings;
    const pg = postgres.length > 0
      ? { prefixed: prefixedTablesOf(postgres, config), postgresDuplicates: await comparePostgres(values.postgres.map((url, i) => ({ url, inspection: postgres[i] })), config) }
      : {};
    const report = renderInspectReport(format, { sqlite, postgres, findings, ...pg });
    if (values.output) await writeOutput(values.output, report);
    else io.stdout.write(report);
    return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
  },
};
