// What a finding should point at instead: the target database's env var and default value,
// looked up from the finding's data and the rules file (never from the message).

import { basename, type DatabaseSpec, type RulesConfig } from '../config/rulesFile';
import type { Finding } from '../types';

export function targetSpec(finding: Finding, config: RulesConfig | undefined): DatabaseSpec | undefined {
  const name = finding.data.targetDatabase;
  return name ? config?.databases.find((d) => d.name === name) : undefined;
}

/**
 * The target's path written the way the code wrote the old one: an absolute path becomes the
 * target's file, a relative one keeps its directory (`data/auth.db` → `data/zoe.db`).
 */
export function retargetPath(value: string, found: string | undefined, targetFile: string | undefined): string {
  if (!targetFile) return value;
  const targetBase = basename(targetFile);
  if (value.startsWith('/') && targetFile.startsWith('/') && basename(value) === found) return targetFile;
  if (found && found !== targetBase) {
    const at = value.lastIndexOf(found);
    if (at >= 0) return value.slice(0, at) + targetBase + value.slice(at + found.length);
  }
  return value;
}

/** A server URL pointed at the target database: the path segment naming `found` replaced. */
export function retargetUrl(value: string, found: string | undefined, database: string | undefined): string | undefined {
  if (!found || !database) return undefined;
  const re = new RegExp(`/${found.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[?#])`);
  return re.test(value) ? value.replace(re, `/${database}`) : undefined;
}

/** The kind of rewrite a finding wants in code. */
export type CodeRewrite =
  /** A SQLite path: read the env var, the target's path as its default. */
  | { kind: 'path'; env: string; found: string | undefined; targetFile: string | undefined }
  /** A URL: read the env var; `keepDefault` when the literal may stay as its default (no password, same database). */
  | { kind: 'url'; env: string; keepDefault: boolean }
  /** A whole SQLite URL (sqliteUrl.ts): its path from the env var, or the var read whole when it holds a URL. */
  | { kind: 'sqlite-url'; env: string; found: string | undefined; targetFile: string | undefined };

export function codeRewrite(finding: Finding, config: RulesConfig | undefined): CodeRewrite | undefined {
  const { data } = finding;
  const env = data.targetEnv;
  if (!env) return undefined;
  const spec = targetSpec(finding, config);
  const sqlite = (spec?.engine ?? 'sqlite') === 'sqlite' && (spec?.file !== undefined || data.kind === 'sqlite-path');
  switch (finding.rule) {
    case 'legacy-database':
    case 'hardcoded-database-path':
      if (data.kind === 'sqlite-path' && sqlite) return { kind: 'path', env, found: data.found, targetFile: data.targetFile ?? spec?.file };
      if (data.kind === 'connection-url' && !sqlite) return { kind: 'url', env, keepDefault: false };
      if (data.kind === 'connection-url') return { kind: 'sqlite-url', env, found: data.found, targetFile: data.targetFile ?? spec?.file };
      return undefined;
    case 'hardcoded-connection-string':
      if (data.kind === 'connection-url' && sqlite && data.credentials !== true) return { kind: 'sqlite-url', env, found: data.found, targetFile: spec?.file };
      return data.kind === 'connection-url' && !sqlite ? { kind: 'url', env, keepDefault: finding.data.credentials !== true } : undefined;
    case 'credentials-in-connection-string':
      return data.kind === 'connection-url' && !sqlite ? { kind: 'url', env, keepDefault: false } : undefined;
    default:
      return undefined;
  }
}
