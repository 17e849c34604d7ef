// Findings from looking inside the databases: `duplicate-table` and `diverging-rows`, placed
// on the rules file entry that absorbs the database (where the decision to merge is written).
// Produced by the explicit inspection step, never by the per-keystroke `evaluate()`.

import type { RulesConfig } from '../config/rulesFile';
import { basename } from '../config/rulesFile';
import { compareFindings } from '../rules';
import type { Finding, Range, RuleId, Severity } from '../types';
import type { DatabaseComparison, RowExample, TableComparison } from './compare';
import type { SqliteTarget } from './targets';

export const INSPECTION_RULES: Record<'duplicate-table' | 'diverging-rows', Severity> = {
  'duplicate-table': 'info',
  'diverging-rows': 'warning',
};

const ORIGIN: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** A comparison with the files it compared. */
export interface ComparedPair {
  source: SqliteTarget;
  target: SqliteTarget;
  comparison: DatabaseComparison;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function keys(examples: readonly RowExample[], total: number): string {
  const shown = examples.map((e) => (e.columns ? `${e.key}: ${e.columns.join(', ')}` : e.key)).join('; ');
  return shown ? ` (${shown}${total > examples.length ? '; …' : ''})` : '';
}

/** `columns missing from zoe.db: x; typed differently: a TEXT vs INTEGER`, or ''. */
export function describeSchemaDifferences(t: TableComparison, source: string, target: string): string {
  const parts: string[] = [];
  if (t.missingColumns.length > 0) parts.push(`columns missing from ${target}: ${t.missingColumns.join(', ')}`);
  if (t.extraColumns.length > 0) parts.push(`columns missing from ${source}: ${t.extraColumns.join(', ')}`);
  if (t.typeDifferences.length > 0) parts.push(`typed differently: ${t.typeDifferences.map((d) => `${d.column} ${d.source || '(none)'} vs ${d.target || '(none)'}`).join(', ')}`);
  return parts.join('; ');
}

/** `auth.db users: 2 rows, 1 missing from zoe.db (username='dev'), 1 differing (…); zoe.db has 2 rows auth.db lacks (…)`. */
export function describeRows(t: TableComparison, source: string, target: string): string {
  const rows = t.rows;
  if (!rows) return `${source} ${t.table}: ${plural(t.sourceRows ?? 0, 'row')}, ${t.note ?? 'rows not compared'}`;
  let s = `${source} ${t.table}: ${plural(t.sourceRows ?? 0, 'row')}, ${rows.onlyInSource} missing from ${target}${keys(rows.examples.onlyInSource, rows.onlyInSource)}`;
  if (rows.differing > 0) s += `, ${rows.differing} with the same ${t.key!.join(', ')} and different values${keys(rows.examples.differing, rows.differing)}`;
  if (rows.onlyInTarget > 0) s += `; ${target} has ${plural(rows.onlyInTarget, 'row')} ${source} lacks${keys(rows.examples.onlyInTarget, rows.onlyInTarget)}`;
  return s;
}

/** The findings of the compared pairs, with the rules file's severity overrides applied. */
export function inspectionFindings(pairs: readonly ComparedPair[], config: RulesConfig | undefined): Finding[] {
  const out: Finding[] = [];
  const emit = (rule: keyof typeof INSPECTION_RULES, path: string, range: Range, message: string, data: Finding['data']) => {
    const override = config?.rules[rule as RuleId];
    if (override === 'off') return;
    out.push({ rule, severity: override ?? INSPECTION_RULES[rule], path, range, message, data });
  };
  for (const { source, target, comparison } of pairs) {
    const sourceName = basename(source.path);
    const targetName = basename(target.path);
    const spec = config?.databases.find((d) => d.name === source.database);
    const range = spec?.absorbsRanges[sourceName];
    // On the rules file's `absorbs` item when there is one, else on the absorbed file itself.
    const path = range && config ? config.path : source.path;
    const at = range ?? ORIGIN;
    const into = source.database ? `${targetName} (${source.database})` : targetName;
    for (const t of comparison.tables) {
      const data = { targetDatabase: source.database, found: sourceName, table: t.table };
      const schema = describeSchemaDifferences(t, sourceName, targetName);
      emit('duplicate-table', path, at,
        `Table ${t.table} of ${sourceName} is also in ${into}: ${plural(t.sourceRows ?? 0, 'row')} here, ${plural(t.targetRows ?? 0, 'row')} there${schema ? `; ${schema}` : ''}`, data);
      if (t.rows && (t.rows.onlyInSource > 0 || t.rows.differing > 0)) emit('diverging-rows', path, at, describeRows(t, sourceName, targetName), data);
    }
  }
  return out.sort(compareFindings);
}
