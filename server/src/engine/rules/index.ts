// Every rule, and the runner that applies the rules file's severity overrides.

import type { Finding, RuleId, Severity } from '../types';
import type { FindingDraft, Rule, RuleContext } from './context';
import { legacyDatabase } from './legacyDatabase';
import { unknownDatabase } from './unknownDatabase';
import { hardcodedDatabasePath } from './hardcodedDatabasePath';
import { hardcodedConnectionString } from './hardcodedConnectionString';
import { credentialsInConnectionString } from './credentialsInConnectionString';
import { legacyEnvVar } from './legacyEnvVar';
import { envMismatch } from './envMismatch';
import { undeclaredDatabaseFile } from './undeclaredDatabaseFile';
import { prefixedTable } from './prefixedTable';

export const RULES: readonly Rule[] = [
  legacyDatabase, unknownDatabase, hardcodedDatabasePath, hardcodedConnectionString, credentialsInConnectionString,
  legacyEnvVar, envMismatch, undeclaredDatabaseFile, prefixedTable,
];

export function defaultSeverity(id: RuleId): Severity {
  return RULES.find((r) => r.id === id)?.defaultSeverity ?? 'error';
}

/** Runs `rules` (all by default) with their configured severities; findings sorted. */
export function runRules(ctx: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.needsConfig && !ctx.config) continue;
    const override = ctx.config?.rules[rule.id];
    if (override === 'off') continue;
    const severity = override ?? rule.defaultSeverity;
    for (const draft of rule.check(ctx)) findings.push(withSeverity(draft, severity));
  }
  return findings.sort(compareFindings);
}

/**
 * The finding, `severity` last as a spread would put it, as one object literal: not `{ ...draft,
 * severity }`, to which V8 gives a hidden class per object, nor the draft with `severity` added,
 * which holds it in a property array of its own (~40 bytes per finding, 88k kept by a language
 * server on the 100k-file bench tree). Every rule writes its drafts' keys in this order.
 */
function withSeverity(d: FindingDraft, severity: Severity): Finding {
  return 'related' in d
    ? { rule: d.rule, path: d.path, range: d.range, message: d.message, related: d.related, data: d.data, severity }
    : { rule: d.rule, path: d.path, range: d.range, message: d.message, data: d.data, severity };
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1
    : a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
