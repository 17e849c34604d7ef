// `db-audit`: the CLI adapter over the engine. Each command lives in `commands/` and is
// registered below. Exit codes: 0 no error-severity findings, 1 some, 2 usage or rules-file
// error (reason on stderr).

import { TOOL_VERSION } from '../engine/ruleDocs';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIo, type Command } from './command';

export { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo } from './command';

/**
 * Every command, by name, in the order `--help` lists them. A command's module is required
 * when it runs: `scan` need not load what `fix` or `inspect` use (the TypeScript compiler, pg).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, { summary: string; load(): Command }> = {
  scan: { summary: 'Audit the workspace at PATH (default: .) against its dbaudit.json', load: () => (require('./commands/scan') as typeof import('./commands/scan')).scanCommand },
  report: { summary: 'Write the workspace report (markdown, html, json or sarif)', load: () => (require('./commands/report') as typeof import('./commands/report')).reportCommand },
  inventory: { summary: 'Print the module inventory as Markdown', load: () => (require('./commands/inventory') as typeof import('./commands/inventory')).inventoryCommand },
  init: { summary: 'Write a starter dbaudit.json inferred from the workspace', load: () => (require('./commands/init') as typeof import('./commands/init')).initCommand },
  inspect: { summary: 'Look inside the databases: tables, rows, duplicates and diverging rows', load: () => (require('./commands/inspect') as typeof import('./commands/inspect')).inspectCommand },
  fix: { summary: 'Apply the safe quick fixes (--dry-run prints a diff)', load: () => (require('./commands/fix') as typeof import('./commands/fix')).fixCommand },
  plan: { summary: 'Write (or --apply) the SQL that merges absorbed SQLite databases into their target', load: () => (require('./commands/plan') as typeof import('./commands/plan')).planCommand },
};
/* eslint-enable @typescript-eslint/no-require-imports */

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 4;
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return `Usage: db-audit <command> [options]

Commands:
${lines.join('\n')}

Run 'db-audit <command> --help' for a command's options.

  -h, --help             Show this help
  -v, --version          Show the version

Exit codes: 0 no error findings, 1 error findings, 2 usage or rules-file error.`;
}

export async function main(argv: string[], io: CliIo = process): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      io.stdout.write(usage() + '\n');
      return name === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (name === '-v' || name === '--version') {
      io.stdout.write(TOOL_VERSION + '\n');
      return EXIT_OK;
    }
    const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`unknown command '${name}'`);
    return await command.load().run(rest, io);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`db-audit: ${message}\n`);
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) io.stderr.write(`Run 'db-audit --help' for usage.\n`);
    return EXIT_USAGE;
  }
}
