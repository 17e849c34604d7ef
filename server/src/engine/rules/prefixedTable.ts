import type { FindingDraft, Rule } from './context';

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
    if (prefixes.length === 0) return out;
    for (const t of ctx.tables) {
      if (t.schema && t.schema !== 'public') continue;
      const p = prefixes.find((x) => t.name.startsWith(x.prefix) && t.name.length > x.prefix.length);
      if (!p) continue;
      const table = t.name.slice(p.prefix.length);
      out.push({
        rule: 'prefixed-table',
        path: t.path,
        range: t.range,
        message: `${t.name} belongs in schema ${p.schema} of ${p.database}: name it ${p.schema}.${table}`,
        data: { targetDatabase: p.database, schema: p.schema, table, found: t.name },
      });
    }
    return out;
  },
};
