import { basename } from '../config/rulesFile';
import type { FindingDraft, Rule } from './context';

/** With `forbidNewDatabaseFiles`, a database file in the workspace that the rules file does not declare. */
export const undeclaredDatabaseFile: Rule = {
  id: 'undeclared-database-file',
  defaultSeverity: 'error',
  needsConfig: true,
  crossFile: true,
  check(ctx) {
    const out: FindingDraft[] = [];
    if (!ctx.config?.forbidNewDatabaseFiles) return out;
    for (const path of ctx.databaseFiles) {
      const name = basename(path);
      if (ctx.resolver.knowsFile(name)) continue;
      out.push({
        rule: 'undeclared-database-file',
        path,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `${path} is a database file that ${ctx.config.path} does not declare (forbidNewDatabaseFiles); declare it, absorb it, or remove it`,
        data: { found: name },
      });
    }
    return out;
  },
};
