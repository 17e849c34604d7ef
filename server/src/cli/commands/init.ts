// `db-audit init`: write a starter dbaudit.json inferred from the audit of the workspace as it
// is (any existing rules file is not read, so --force starts afresh).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeWorkspace, evaluate, RULES_FILE_NAME } from '../../engine/audit';
import { starterRulesFile } from '../../engine/config/starterRules';
import { EXIT_OK, EXIT_USAGE, parseMaxFileSize, workspaceRoot, type Command, printUsage, checkOnePath, writeNotices } from '../command';

const USAGE = `Usage: db-audit init [PATH] [options]

Write PATH/dbaudit.json (default PATH: .), a starter rules file inferred from the workspace:
the most referenced database of each engine as primary, the others listed in a comment
suggesting "absorbs", the database env vars found, and "sameDatabase" groups for vars
defined with equal values.

Options:
  --force                Overwrite an existing dbaudit.json
  --max-file-size BYTES  Skip files larger than this (default: 2097152)
  -h, --help             Show this help

Exit codes: 0 written, 2 usage error or the file exists (without --force).`;

export const initCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { force: { type: 'boolean' }, 'max-file-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return printUsage(USAGE, io);
    checkOnePath('init', positionals);
    const maxFileSize = parseMaxFileSize(values['max-file-size']);
    const root = await workspaceRoot(positionals[0]);
    const target = path.join(root, RULES_FILE_NAME);
    if (!values.force && (await fs.stat(target).catch(() => undefined))) {
      io.stderr.write(`db-audit: ${RULES_FILE_NAME} already exists in ${positionals[0] ?? '.'}; pass --force to overwrite it\n`);
      return EXIT_USAGE;
    }

    // The audit without a rules file: what the workspace has, not what an old file says.
    const scanned = await analyzeWorkspace({ root, maxFileSize, withoutRulesFile: true });
    const databaseFiles = scanned.files.filter((f) => f.kind === 'database').map((f) => f.path);
    const evaluation = evaluate({ analyses: scanned.analyses, databaseFiles, config: undefined, isGitIgnored: () => false });
    const text = starterRulesFile(evaluation.references, databaseFiles);
    await fs.writeFile(target, text);
    io.stdout.write(`Wrote ${path.relative(process.cwd(), target) || RULES_FILE_NAME}. Review it, then run 'db-audit scan'.\n`);
    // The starter file has no place for them: a database named only in such a file is not in it.
    writeNotices(scanned.notices, io);
    return EXIT_OK;
  },
};
