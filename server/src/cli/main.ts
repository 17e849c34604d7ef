// `db-audit`: the CLI adapter over the engine. Each command lives in `commands/` and is
// registered below. Exit codes: 0 no error-severity findings, 1 some, 2 usage or rules-file
// error (reason on stderr).

import { TOOL_VERSION } from '../engine/ruleDocs';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIo, type Command } from './command';
import { scanCommand } from './commands/scan';
import { reportCommand } from './commands/report';
import { inventoryCommand } from './commands/inventory';
import { initCommand } from './commands/init';
import { inspectCommand } from './commands/inspect';
import { fixCommand } from './commands/fix';
import { planCommand } from './commands/plan';

export { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo } from './command';

/** Every command, by name, in the order `--help` lists them. */
const COMMANDS: Record<string, Command> = {
  scan: scanCommand,
  report: reportCommand,
  inventory: inventoryCommand,
  init: initCommand,
  inspect: inspectCommand,
  fix: fixCommand,
  plan: planCommand,
};

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
    return await command.run(rest, io);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`db-audit: ${message}\n`);
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) io.stderr.write(`Run 'db-audit --help' for usage.\n`);
    return EXIT_USAGE;
  }
}
