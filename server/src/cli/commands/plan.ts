// `db-audit plan`: the SQL script that merges each absorbed SQLite database into its target,
// for a person to review; with `--apply --backup DIR`, runs it against the target (the only
// write the tool ever makes) after backing up every involved file.

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadRulesFile } from '../../engine/audit';
import { inspectSqlite } from '../../engine/inspect';
import { applySqlitePlan } from '../../engine/inspect/applyPlan';
import { readSqlitePlans, renderSqlitePlan } from '../../engine/inspect/plan';
import { buildPostgresPlan, type PgLayout } from '../../engine/inspect/pgPlan';
import { inspectPostgres, maskConnection } from '../../engine/inspect/postgres';
import { walkWorkspace } from '../../engine/workspace';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, workspaceRoot, type Command, printUsage, checkOnePath, prepareOutput, hiddenOnStderr, writeOutput } from '../command';
import { reportRulesFileErrors } from './scan';

const USAGE = `Usage: db-audit plan [PATH] [options]

Write the SQL script that merges each SQLite database absorbed in PATH's dbaudit.json
(default PATH: .) into its target: ATTACH, CREATE TABLE IF NOT EXISTS for tables the target
lacks, INSERT ... ON CONFLICT DO NOTHING for rows it lacks, conflicting rows as comments
(by key only), one transaction, then verification queries (expected vs actual row counts).

Options:
  --config FILE          Rules file (default: PATH/dbaudit.json when present)
  --output FILE          Write the script to FILE instead of stdout
  --apply                Run the merge against each target (requires --backup): one
                         transaction, rolled back on any verification mismatch; the
                         absorbed files are only read
  --backup DIR           Copy every involved file into DIR first (SQLite backup API)
  --postgres URL         Plan the Postgres consolidation instead (repeatable: the target
                         database and each database it absorbs, inspected read-only): a
                         bash script (CREATE SCHEMA, CREATE EXTENSION, pg_dump/pg_restore,
                         ALTER TABLE ... SET SCHEMA / RENAME), never run by db-audit;
                         passwords are left out (PGPASSWORD or ~/.pgpass)
  --option A|B           Postgres layout: A one database per app on one instance, B one
                         database with a schema per app (default: B when the rules file
                         declares schemas for the database, else A)
  -h, --help             Show this help

Exit codes: 0 done, 1 a merge was rolled back, 2 usage or rules-file error.`;

/** Rows kept per kind of difference: the plan lists every conflicting key up to this. */
const CONFLICT_KEYS = 1000;

export const planCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        output: { type: 'string' },
        apply: { type: 'boolean', default: false },
        backup: { type: 'string' },
        postgres: { type: 'string', multiple: true, default: [] },
        option: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return printUsage(USAGE, io);
    checkOnePath('plan', positionals);
    if (values.apply && !values.backup) throw new UsageError('--apply needs --backup DIR: every involved file is copied there first');
    if (values.backup && !values.apply) throw new UsageError('--backup is used with --apply');
    if (values.option !== undefined && values.option !== 'A' && values.option !== 'B') throw new UsageError(`--option takes A or B, got '${values.option}'`);
    if (values.option !== undefined && values.postgres.length === 0) throw new UsageError('--option is used with --postgres');
    if (values.apply && values.postgres.length > 0) throw new UsageError('--apply is for SQLite only: the Postgres plan is a script for a person to run');
    for (const url of values.postgres) {
      if (!/^postgres(ql)?:\/\//i.test(url)) throw new UsageError(`--postgres takes a postgres:// URL, got '${maskConnection(url)}'`);
    }
    const root = await workspaceRoot(positionals[0]);
    if (values.output) await prepareOutput(values.output);
    const rulesFile = await loadRulesFile(root, values.config);
    if (reportRulesFileErrors({ rulesFile }, io)) return EXIT_USAGE;
    const config = rulesFile?.config;
    if (values.postgres.length > 0) {
      const named = [];
      for (const url of values.postgres) {
        const inspection = await inspectPostgres(url);
        if (inspection.error) io.stderr.write(`db-audit: cannot inspect ${inspection.error}\n`);
        named.push({ url, inspection });
      }
      const script = buildPostgresPlan(config, named, values.option as PgLayout | undefined);
      if (values.output) await writeOutput(values.output, script);
      else io.stdout.write(script);
      return EXIT_OK;
    }
    const walked = await walkWorkspace({ root, ignoreGlobs: config?.ignore, ...hiddenOnStderr(io) });
    const inspection = inspectSqlite({ config, databaseFiles: walked.filter((f) => f.kind === 'database'), examples: CONFLICT_KEYS });
    const plans = readSqlitePlans(inspection, { examples: CONFLICT_KEYS });
    if (plans.length === 0) {
      io.stderr.write('db-audit: nothing to merge: no SQLite file absorbed by a database of the rules file was found next to its target\n');
      return EXIT_OK;
    }
    const script = plans.map(renderSqlitePlan).join('\n');
    if (!values.apply) {
      if (values.output) await writeOutput(values.output, script);
      else io.stdout.write(script);
      return EXIT_OK;
    }
    if (values.output) await writeOutput(values.output, script);
    let code = EXIT_OK;
    for (const plan of plans) {
      const r = await applySqlitePlan(plan, path.resolve(values.backup!));
      io.stdout.write(`${plan.target.path}: backed up ${r.backups.length} file(s) to ${path.resolve(values.backup!)}: ${r.backups.map((b) => path.basename(b)).join(', ')}\n`);
      for (const c of r.checks) io.stdout.write(`  ${c.expected === c.actual ? 'ok  ' : 'FAIL'} ${c.description}: expected ${c.expected}, actual ${c.actual}\n`);
      for (const c of plan.conflicts) io.stdout.write(`  conflict: ${c.source} ${c.table}: ${c.count} row(s) kept as in ${c.keptFrom}, decide: ${c.keys.join('; ')}${c.count > c.keys.length ? '; …' : ''}\n`);
      if (r.committed) io.stdout.write(`  committed: merged ${plan.sources.map((s) => s.path).join(', ')} into ${plan.target.path}\n`);
      else {
        io.stdout.write(`  rolled back: ${plan.target.path} unchanged: ${r.failure}\n`);
        code = EXIT_FINDINGS;
      }
      if (r.changedSources.length > 0) {
        io.stderr.write(`db-audit: absorbed file(s) changed during the merge (restore from ${values.backup}): ${r.changedSources.join(', ')}\n`);
        code = EXIT_FINDINGS;
      }
    }
    return code;
  },
};
