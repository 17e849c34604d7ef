// `db-audit fix`: apply every preferred quick fix across the workspace (the engine's fix-all,
// repeated to a fixed point), or print them as a unified diff with --dry-run. Files are written
// atomically (temp file + rename), keeping their BOM and line endings.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { auditWorkspace } from '../../engine/audit';
import { fixWorkspace } from '../../engine/fixes/workspace';
import { RULES } from '../../engine/rules';
import type { RuleId } from '../../engine/types';
import { encodeSource, type SourceEncoding } from '../../engine/sourceEncoding';
import { readSourceSync } from '../../engine/workspace';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, AUDIT_OPTIONS, auditOptionsOf, JOBS_USAGE, type Command, printUsage, checkOnePath, writeNotices } from '../command';
import { reportRulesFileErrors } from './scan';

const USAGE = `Usage: db-audit fix [PATH] [options]

Apply every safe quick fix to the workspace at PATH (default: .): legacy and hardcoded database
paths read the target's env var, URLs leave code, legacy env vars are renamed, config values and
prefixed tables are retargeted. Findings with no safe fix are listed for a person.

Options:
  --rule ID              Only fix this rule (repeatable)
  --dry-run              Print a unified diff and change nothing
  --config FILE          Rules file (default: PATH/dbaudit.json when present)
  --max-file-size BYTES  Skip files larger than this (default: 2097152)
${JOBS_USAGE}
  -h, --help             Show this help

Exit codes (as scan, on what remains): 0 no error findings, 1 error findings, 2 usage or rules-file error.`;

async function writeAtomically(abs: string, bytes: Buffer): Promise<void> {
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.db-audit-${process.pid}.tmp`);
  const mode = (await fs.stat(abs)).mode;
  await fs.writeFile(tmp, bytes, { mode });
  try {
    await fs.rename(tmp, abs);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

export const fixCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...AUDIT_OPTIONS,
        rule: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return printUsage(USAGE, io);
    checkOnePath('fix', positionals);
    const known = RULES.map((r) => r.id as string);
    for (const r of values.rule ?? []) if (!known.includes(r)) throw new UsageError(`unknown rule '${r}' (expected ${known.join(', ')})`);
    const options = await auditOptionsOf(values, positionals[0]);
    const root = options.root;

    const audit = await auditWorkspace(options);
    if (reportRulesFileErrors(audit, io)) return EXIT_USAGE;
    const encodings = new Map<string, SourceEncoding>();
    const read = (rel: string) => {
      const r = readSourceSync(path.resolve(root, rel));
      if (r) encodings.set(rel, r.encoding);
      return r?.text;
    };
    const result = fixWorkspace(audit, { read, rules: values.rule as RuleId[] | undefined });

    const changedPaths = [...result.changed.keys()].sort();
    for (const rel of changedPaths) {
      const { before, after } = result.changed.get(rel)!;
      if (values['dry-run']) {
        io.stdout.write(createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, after, undefined, undefined, { context: 3 }).replace(/^=+\n/, ''));
        continue;
      }
      await writeAtomically(path.resolve(root, rel), encodeSource(after, encodings.get(rel) ?? 'utf8'));
      io.stdout.write(`fixed ${rel}\n`);
      for (const line of result.applied.get(rel) ?? []) io.stdout.write(`  ${line}\n`);
    }
    const rulesFilter = values.rule?.length ? new Set(values.rule) : undefined;
    const left = result.remaining.filter((f) => !rulesFilter || rulesFilter.has(f.rule));
    if (left.length > 0) {
      io.stdout.write(`${values['dry-run'] ? 'would leave' : 'left'} for a person (no safe automatic fix):\n`);
      for (const f of left) io.stdout.write(`  ${f.path}:${f.range.start.line + 1}:${f.range.start.character + 1}  ${f.severity}  ${f.rule}  ${f.message}\n`);
    }
    writeNotices(audit.notices, io);
    const verb = values['dry-run'] ? 'would change' : 'changed';
    io.stdout.write(`${verb} ${changedPaths.length} file${changedPaths.length === 1 ? '' : 's'}; ${left.length} finding${left.length === 1 ? '' : 's'} left\n`);
    return result.remaining.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
  },
};
