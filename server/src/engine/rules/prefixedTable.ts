import type { RulesConfig } from '../config/rulesFile';
import type { FindingData } from '../types';
import type { FindingDraft, Rule } from './context';

/** What a prefixed name's findings say, or null for a name no schema's prefix starts. */
type Verdict = { message: string; data: FindingData } | null;

/**
 * Verdicts per table name, per rules file. Findings of the same name share one message and one
 * `data` (nothing writes to a finding's data): a language server keeps every finding, 73k of
 * this rule's at 100k files, where copies held ~5 MB.
 */
const verdicts = new WeakMap<RulesConfig, Map<string, Verdict>>();

function verdictsFor(config: RulesConfig): Map<string, Verdict> {
  let map = verdicts.get(config);
  if (!map) verdicts.set(config, (map = new Map()));
  return map;
}

function verdictOf(name: string, prefixes: ReadonlyArray<{ schema: string; prefix: string; database: string }>): Verdict {
  const p = prefixes.find((x) => name.startsWith(x.prefix) && name.length > x.prefix.length);
  if (!p) return null;
  const table = name.slice(p.prefix.length);
  return {
    message: `${name} belongs in schema ${p.schema} of ${p.database}: name it ${p.schema}.${table}`,
    data: { targetDatabase: p.database, schema: p.schema, table, found: name },
  };
}

/** A table named with a schema's `tablePrefix` where the schema should qualify it (rag_documents → rag.documents). */
export const prefixedTable: Rule = {
  id: 'prefixed-table',
  defaultSeverity: 'info',
  needsConfig: true,
  check(ctx) {
    const out: FindingDraft[] = [];
    const prefixes: Array<{ schema: string; prefix: string; database: string }> = [];
    for (const db of ctx.config?.databases ?? []) {
      for (const [schema, s] of Object.entries(db.schemas)) if (s.tablePrefix) prefixes.push({ schema, prefix: s.tablePrefix, database: db.name });
    }
    if (prefixes.length === 0 || !ctx.config) return out;
    const known = verdictsFor(ctx.config);
    for (const t of ctx.tables) {
      if (t.schema && t.schema !== 'public') continue;
      let verdict = known.get(t.name);
      if (verdict === undefined) known.set(t.name, (verdict = verdictOf(t.name, prefixes)));
      if (verdict) out.push({ rule: 'prefixed-table', path: t.path, range: t.range, message: verdict.message, data: verdict.data });
    }
    return out;
  },
};
