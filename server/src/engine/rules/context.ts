// What every rule sees: the workspace's references and tables (database ones only), the rules
// file, and the facts about files that only the workspace walk knows.

import picomatch from 'picomatch';
import type { RulesConfig } from '../config/rulesFile';
import type { DatabaseResolver } from '../databases';
import type { DbReference, Finding, RuleId, Severity, TableReference } from '../types';

export interface RuleContext {
  config: RulesConfig | undefined;
  resolver: DatabaseResolver;
  /** Database references across the workspace (env refs already narrowed to database vars). */
  references: readonly DbReference[];
  tables: readonly TableReference[];
  /** Workspace-relative paths of SQLite files present on disk. */
  databaseFiles: readonly string[];
  /** True for files git ignores (credentials in a git-ignored .env are where they belong). */
  isGitIgnored(path: string): boolean;
  /** True for files `allowHardcoded` covers. */
  allowsHardcoded(path: string): boolean;
}

/** A finding before the configured severity is applied. */
export type FindingDraft = Omit<Finding, 'severity'>;

export interface Rule {
  id: RuleId;
  defaultSeverity: Severity;
  /** Whether the rule runs without a rules file (only the security rule does). */
  needsConfig: boolean;
  /** Whether a finding depends on other files' references (else each file's findings follow from its own). */
  crossFile?: boolean;
  check(ctx: RuleContext): FindingDraft[];
}

/** A matcher for the rules file's globs: a glob without '/' matches the file name anywhere. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const valid = globs.filter((g) => {
    try {
      picomatch.makeRe(g, { strictBrackets: true });
      return true;
    } catch {
      return false; // reported in the rules file; a bad glob must not stop the audit
    }
  });
  // picomatch's `basename` option stops slash globs from matching, so the two kinds match apart.
  const anywhere = valid.filter((g) => !g.includes('/'));
  const rooted = valid.filter((g) => g.includes('/'));
  const byName = anywhere.length > 0 ? picomatch(anywhere, { dot: true, basename: true }) : () => false;
  const byPath = rooted.length > 0 ? picomatch(rooted, { dot: true }) : () => false;
  return (path) => byName(path) || byPath(path);
}

/** The rules file entry of a database as related information. */
export function relatedEntry(config: RulesConfig | undefined, range: Finding['range'] | undefined, message: string): Finding['related'] {
  return config && range ? [{ path: config.path, range, message }] : undefined;
}

/** How a reference to database `spec` should be written instead. */
export function literalIsOnlyDefault(ref: DbReference, canonicalEnv: string | undefined): boolean {
  return ref.defaultOf !== undefined && ref.defaultOf === canonicalEnv;
}

export function isLiteral(ref: DbReference): boolean {
  return ref.kind === 'sqlite-path' || ref.kind === 'connection-url' || ref.kind === 'db-name';
}
