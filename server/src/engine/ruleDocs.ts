// Where each rule is documented (the README section), shared by diagnostics and SARIF.

import type { RuleId } from './types';

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const manifest = require('../../../package.json') as { version: string; homepage?: string };
export const TOOL_VERSION: string = manifest.version;

/** The published README when the manifest names a homepage, else the README installed beside the tool. */
const README = manifest.homepage ? `${manifest.homepage.replace(/\/$/, '')}/blob/main/README.md` : pathToFileURL(path.resolve(__dirname, '../../../README.md')).href;

/** The README anchor of a rule's section (GitHub makes `### legacy-database` into `#legacy-database`). */
export function ruleDocUrl(rule?: RuleId): string {
  return rule ? `${README}#${rule}` : README;
}

export const RULE_SUMMARIES: Record<RuleId, string> = {
  'legacy-database': 'A reference to a database that a target database absorbs.',
  'unknown-database': 'A reference to a database the rules file does not declare.',
  'hardcoded-database-path': 'A literal SQLite path outside allowHardcoded.',
  'hardcoded-connection-string': 'A literal database URL outside allowHardcoded.',
  'credentials-in-connection-string': 'A literal password in a database URL or DSN.',
  'legacy-env-var': 'A read of an old alias of a database env var.',
  'env-mismatch': 'Env vars that must point at the same database are defined with different values.',
  'undeclared-database-file': 'A database file the rules file does not declare (forbidNewDatabaseFiles).',
  'prefixed-table': 'A table named with a schema prefix instead of being qualified by the schema.',
  'invalid-rules-file': 'The rules file has a syntax, schema or consistency problem.',
  'duplicate-table': 'A table of an absorbed database that its target database has too.',
  'diverging-rows': 'Rows of an absorbed database missing from its target, or differing from it.',
};
