// Quick fixes: a finding and the current text of its file → zero or more fixes. Every fix is
// recomputed from the current text (never replayed), touches only the expression it rewrites,
// and is offered only when each file it edits still parses afterwards.

import { fileTypeOf } from '../detectors';
import { globMatcher } from '../rules/context';
import { LineIndex } from '../lineIndex';
import type { Finding, RuleId } from '../types';
import { applyEdits, combineFixes, editsByPath } from './edits';
import { configFixes } from './config';
import { envMismatchFixes } from './envMismatch';
import { credentialsFixes } from './credentials';
import { javascriptFixes } from './lazyJavaScript';
import { stillParses } from './parses';
import { pythonFixes } from './python';
import { rulesFileFixes } from './rulesFile';
import { shellFixes } from './shell';
import type { Fix, FixContext, FixEdit, FixInput } from './types';

export type { Fix, FixContext, FixEdit } from './types';
export { applyEdits, combineFixes, editsByPath } from './edits';

/** `legacy-env-var`: the read's name becomes the canonical var, in any language. */
function renameEnvFix(input: FixInput): Fix[] {
  const { finding, text } = input;
  const index = new LineIndex(text);
  const written = text.slice(index.offsetAt(finding.range.start), index.offsetAt(finding.range.end));
  const to = finding.data.targetEnv;
  if (!to || written !== finding.data.found) return [];
  return [{ title: `Read ${to} instead of ${written}`, isPreferred: true, rule: finding.rule, edits: [{ path: finding.path, range: finding.range, newText: to }] }];
}

/** `prefixed-table` in SQL: `rag_chunks` → `rag.chunks`. */
function sqlTableFix(input: FixInput): Fix[] {
  const { finding, text } = input;
  const { schema, table, found } = finding.data;
  const index = new LineIndex(text);
  const written = text.slice(index.offsetAt(finding.range.start), index.offsetAt(finding.range.end));
  if (!schema || !table || written !== found) return [];
  return [{ title: `Name it ${schema}.${table}`, isPreferred: true, rule: finding.rule, edits: [{ path: finding.path, range: finding.range, newText: `${schema}.${table}` }] }];
}

/** A legacy database name written in code (`dbname="zoe_rag"`): the target's name. */
function dbNameFix(input: FixInput): Fix[] {
  const { finding, text, config } = input;
  const spec = config?.databases.find((d) => d.name === finding.data.targetDatabase);
  const index = new LineIndex(text);
  const written = text.slice(index.offsetAt(finding.range.start), index.offsetAt(finding.range.end));
  if (!spec?.database || written !== finding.data.found) return [];
  return [{ title: `Use ${spec.database} (${spec.name})`, isPreferred: true, rule: finding.rule, edits: [{ path: finding.path, range: finding.range, newText: spec.database }] }];
}

/** Rules whose fixes are choices for a person, never applied by fix-all. */
const CHOICE_RULES = new Set<RuleId>(['unknown-database', 'env-mismatch']);

const CODE_RULES = new Set<RuleId>(['legacy-database', 'hardcoded-database-path', 'hardcoded-connection-string', 'credentials-in-connection-string']);

function candidates(input: FixInput, ctx: FixContext): Fix[] {
  const { finding } = input;
  const type = fileTypeOf(finding.path);
  if (finding.rule === 'legacy-env-var') return renameEnvFix(input);
  if (finding.rule === 'env-mismatch') return envMismatchFixes(input);
  if (finding.rule === 'unknown-database') {
    const rulesText = ctx.config ? ctx.textOf(ctx.config.path) : undefined;
    return rulesText === undefined ? [] : rulesFileFixes(input, rulesText);
  }
  if (finding.rule === 'prefixed-table') {
    if (type === 'sql') return sqlTableFix(input);
    if (type === 'python') return pythonFixes(input);
    return [];
  }
  if (!CODE_RULES.has(finding.rule)) return [];
  // Compose and shell interpolate: the password moves to a variable, the URL stays.
  if (finding.rule === 'credentials-in-connection-string' && (type === 'yaml' || type === 'shell')) return credentialsFixes(input, type, ctx.textOf);
  if (finding.rule === 'legacy-database' && finding.data.kind === 'db-name' && (type === 'python' || type === 'javascript')) return dbNameFix(input);
  switch (type) {
    case 'python':
      return pythonFixes(input);
    case 'javascript':
      return javascriptFixes(input);
    case 'shell':
      return shellFixes(input);
    case 'dotenv':
    case 'dockerfile':
    case 'yaml':
    case 'ini':
    case 'toml':
      return configFixes(input);
    default:
      return []; // SQL (a merge migration names the old file on purpose), Markdown, text: a person decides
  }
}

/** True when every file the fix edits still parses with the detector's parser. */
function parsesAfter(fix: Fix, ctx: FixContext): boolean {
  for (const [path, edits] of editsByPath(fix.edits)) {
    const before = ctx.textOf(path);
    if (before === undefined) return false;
    if (!stillParses(path, before, applyEdits(before, edits))) return false;
  }
  return true;
}

/** The fixes for one finding, computed from the current text of its file. */
export function fixesFor(finding: Finding, ctx: FixContext): Fix[] {
  if (fileTypeOf(finding.path) === 'markdown') return [];
  // Files the user marked as the place for literal paths and URLs are theirs to edit; the rules
  // whose fixes are never preferred (a person picks one) still offer them there.
  if (globMatcher(ctx.config?.allowHardcoded ?? [])(finding.path) && !CHOICE_RULES.has(finding.rule)) return [];
  const text = ctx.textOf(finding.path);
  if (text === undefined) return [];
  const lines = new LineIndex(text);
  if (finding.range.end.line > lines.positionAt(text.length).line) return []; // stale: the file got shorter
  let fixes: Fix[];
  try {
    fixes = candidates({ finding, text, config: ctx.config }, ctx);
  } catch {
    return []; // a fixer that cannot handle this shape offers nothing rather than a broken edit
  }
  return fixes.filter((f) => f.edits.length > 0 && parsesAfter(f, ctx));
}

/** The finding's preferred fix, if it has one. */
export function preferredFix(finding: Finding, ctx: FixContext): Fix | undefined {
  return fixesFor(finding, ctx).find((f) => f.isPreferred);
}

export interface FixAllOptions {
  /** Only these rules (all when absent or empty). */
  rules?: readonly RuleId[];
  /** Only the findings this accepts (e.g. those about one database). */
  only?(finding: Finding): boolean;
}

/**
 * One pass of fix-all: every finding's preferred fix, combined (sorted, overlapping fixes dropped
 * whole). Callers that want everything re-audit the new text and run another pass.
 */
export function fixAll(findings: readonly Finding[], ctx: FixContext, options: FixAllOptions = {}): { edits: FixEdit[]; fixes: Array<{ finding: Finding; fix: Fix }> } {
  const chosen: Array<{ finding: Finding; fix: Fix }> = [];
  for (const finding of findings) {
    if (options.rules?.length && !options.rules.includes(finding.rule)) continue;
    if (options.only && !options.only(finding)) continue;
    const fix = preferredFix(finding, ctx);
    if (fix) chosen.push({ finding, fix });
  }
  return { edits: combineFixes(chosen.map((c) => c.fix)), fixes: chosen };
}
