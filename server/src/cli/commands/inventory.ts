// `db-audit inventory`: the module inventory as Markdown.

import { parseArgs } from 'node:util';
import { auditWorkspace } from '../../engine/audit';
import { inventoryOfAudit } from '../../engine/inventory';
import { inventoryMarkdown } from '../../engine/reports/inventoryMarkdown';
import { EXIT_OK, EXIT_USAGE, AUDIT_OPTIONS, auditOptionsOf, JOBS_USAGE, type Command, printUsage, checkOnePath, writeNotices } from '../command';
import { reportRulesFileErrors } from './scan';

const USAGE = `Usage: db-audit inventory [PATH] [options]

Print the module inventory of PATH (default: .) as Markdown: for each module (a folder with
package.json, pyproject.toml, requirements.txt, go.mod, setup.py or Cargo.toml) the databases
it uses, the env vars it reads and defines, the tables it declares, and the modules it shares
a database or env var with.

Options:
  --config FILE          Rules file (default: PATH/dbaudit.json when present)
  --max-file-size BYTES  Skip files larger than this (default: 2097152)
${JOBS_USAGE}
  -h, --help             Show this help`;

export const inventoryCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...AUDIT_OPTIONS, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return printUsage(USAGE, io);
    checkOnePath('inventory', positionals);
    const result = await auditWorkspace(await auditOptionsOf(values, positionals[0]));
    if (reportRulesFileErrors(result, io)) return EXIT_USAGE;
    io.stdout.write(inventoryMarkdown(await inventoryOfAudit(result)));
    writeNotices(result.notices, io);
    return EXIT_OK;
  },
};
