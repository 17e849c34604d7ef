// Tables duplicated across the Postgres databases and schemas the user named, and how their
// rows diverge. Tables are grouped by their bare name (a schema's `tablePrefix` taken off, so
// `public.rag_documents` meets `rag.documents`); each copy is compared with the group's target
// copy (in the rules file's database, not misplaced under a prefix) on the primary key both
// hold. Bounded work, as for SQLite: keys are paged in batches in each table's own key order,
// each batch looked up in the other database, values compared by a digest of the row, and only
// counts and the first few keys kept. Only key values are ever shown; sessions are read-only.

import type { Client } from 'pg';
import type { RulesConfig } from '../config/rulesFile';
import type { RowDivergence, RowExample } from './compare';
import { openPostgresReadOnly, prefixedPgTables, safeMessage, type PgTable, type PostgresInspection, type PostgresOptions } from './postgres';
import { quoteIdent } from './sqlite';

/** A Postgres database the user named: its URL (never shown) and what inspection found. */
export interface NamedPostgres {
  url: string;
  inspection: PostgresInspection;
}

/** One copy of a table: `zoe_rag.public.documents`. */
export interface PgTableCopy {
  /** Index of the connection in the inspected list. */
  connection: number;
  database: string;
  schema: string;
  name: string;
  /** `database.schema.name`, as shown. */
  label: string;
}

export interface PgTableComparison {
  source: string;
  target: string;
  sourceRows?: number;
  targetRows?: number;
  /** Columns of the source the target lacks, and of the target the source lacks. */
  missingColumns: string[];
  extraColumns: string[];
  key?: string[];
  rows?: RowDivergence;
  /** Why rows were not compared. */
  note?: string;
}

export interface PgDuplicate {
  /** The bare table name the copies share. */
  table: string;
  copies: string[];
  comparisons: PgTableComparison[];
}

/** The schemas (with their `tablePrefix`) the rules file declares for Postgres databases. */
export function declaredPgSchemas(config: RulesConfig | undefined): Record<string, { tablePrefix?: string }> {
  const out: Record<string, { tablePrefix?: string }> = {};
  for (const spec of config?.databases ?? []) {
    if (spec.engine !== 'postgres') continue;
    for (const [name, s] of Object.entries(spec.schemas)) out[name] = { ...out[name], ...s };
  }
  return out;
}

/** Prefixed tables per named database (`public.rag_documents` where the rules want `rag.documents`). */
export function prefixedTablesOf(pgs: readonly PostgresInspection[], config: RulesConfig | undefined): Array<{ connection: string; database?: string; table: string; wants: string }> {
  const schemas = declaredPgSchemas(config);
  return pgs.flatMap((pg) => prefixedPgTables(pg, schemas).map((p) => ({ connection: pg.connection, ...(pg.database ? { database: pg.database } : {}), ...p })));
}

/** The name a table has once its prefix is taken off (`rag_documents` → `documents` when `rag` has prefix `rag_`). */
function bareName(t: PgTable, schemas: Record<string, { tablePrefix?: string }>): { name: string; misplaced: boolean } {
  for (const [schema, { tablePrefix }] of Object.entries(schemas)) {
    if (tablePrefix && t.schema !== schema && t.name.startsWith(tablePrefix) && t.name.length > tablePrefix.length) return { name: t.name.slice(tablePrefix.length), misplaced: true };
  }
  return { name: t.name, misplaced: false };
}

/** Groups of copies of the same table across the named databases and schemas (two or more copies). */
export function duplicatePgTables(pgs: readonly PostgresInspection[], config: RulesConfig | undefined): Array<{ table: string; copies: Array<PgTableCopy & { facts: PgTable; preferred: number }> }> {
  const schemas = declaredPgSchemas(config);
  const targets = new Set((config?.databases ?? []).filter((d) => d.engine === 'postgres' && d.database).map((d) => d.database!));
  const groups = new Map<string, Array<PgTableCopy & { facts: PgTable; preferred: number }>>();
  pgs.forEach((pg, connection) => {
    if (pg.error) return;
    for (const t of pg.tables) {
      const { name, misplaced } = bareName(t, schemas);
      const database = pg.database ?? '?';
      // The target copy: in the rules file's database, in public or a declared schema, not misplaced under a prefix.
      const placed = !misplaced && (t.schema === 'public' || t.schema in schemas);
      const copy = { connection, database, schema: t.schema, name: t.name, label: `${database}.${t.schema}.${t.name}`, facts: t, preferred: (targets.has(database) ? 2 : 0) + (placed ? 1 : 0) };
      groups.set(name, [...(groups.get(name) ?? []), copy]);
    }
  });
  return [...groups.entries()]
    .filter(([, copies]) => copies.length > 1)
    .map(([table, copies]) => ({ table, copies }))
    .sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}

const NUMERIC = /^(smallint|integer|bigint|numeric|real|double precision|oid)\b/;

function showPgKey(key: readonly string[], types: readonly string[], values: readonly (string | null)[]): string {
  return key.map((k, i) => {
    const v = values[i];
    if (v === null) return `${k}=NULL`;
    if (NUMERIC.test(types[i])) return `${k}=${v}`;
    return `${k}='${(v.length > 40 ? v.slice(0, 40) + '…' : v).replace(/'/g, "''")}'`;
  }).join(', ');
}

interface Side {
  client: Client;
  table: PgTable;
}

const relation = (t: PgTable) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
const typesOf = (t: PgTable, key: readonly string[]) => key.map((k) => t.columns.find((c) => c.name === k)!.type);
/** The row's compared columns as one digest, so values never travel or show: `md5(ROW(a, b)::text)`. */
const digest = (columns: readonly string[]) => (columns.length > 0 ? `md5(ROW(${columns.map(quoteIdent).join(', ')})::text)` : `''`);

/** Pages through `side`'s keys (as text) and row digests in its key order. */
async function* keyBatches(side: Side, key: readonly string[], columns: readonly string[], batchSize: number): AsyncGenerator<Array<Array<string | null>>> {
  const types = typesOf(side.table, key);
  const keyList = key.map(quoteIdent).join(', ');
  const select = `SELECT ${key.map((k) => `${quoteIdent(k)}::text`).join(', ')}, ${digest(columns)} FROM ${relation(side.table)}`;
  let last: Array<string | null> | undefined;
  for (;;) {
    const text = last
      ? `${select} WHERE (${keyList}) > (${types.map((t, i) => `$${i + 1}::${t}`).join(', ')}) ORDER BY ${keyList} LIMIT $${key.length + 1}`
      : `${select} ORDER BY ${keyList} LIMIT $1`;
    const rows = (await side.client.query<Array<string | null>>({ text, values: [...(last ?? []), batchSize], rowMode: 'array' })).rows;
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    last = rows[rows.length - 1].slice(0, key.length);
  }
}

/** The digests of the rows of `side` holding the given keys, by key. */
async function lookup(side: Side, key: readonly string[], columns: readonly string[], keys: ReadonlyArray<ReadonlyArray<string | null>>): Promise<Map<string, string | null>> {
  const types = typesOf(side.table, key);
  const values: Array<string | null> = [];
  const tuples = keys.map((k) => `(${k.map((v, i) => (values.push(v), `$${values.length}::${types[i]}`)).join(', ')})`);
  const text = `SELECT ${key.map((k) => `${quoteIdent(k)}::text`).join(', ')}, ${digest(columns)} FROM ${relation(side.table)} WHERE (${key.map(quoteIdent).join(', ')}) IN (${tuples.join(', ')})`;
  const rows = (await side.client.query<Array<string | null>>({ text, values, rowMode: 'array' })).rows;
  return new Map(rows.map((r) => [JSON.stringify(r.slice(0, key.length)), r[key.length]]));
}

/** Rows of a table compared between two sessions on `key`, over the `columns` both have. */
export async function comparePgRows(source: Side, target: Side, key: readonly string[], columns: readonly string[], options: { batchSize?: number; examples?: number } = {}): Promise<RowDivergence> {
  const batchSize = options.batchSize ?? 500;
  const keep = options.examples ?? 5;
  const types = typesOf(source.table, key);
  const out: RowDivergence = { onlyInSource: 0, onlyInTarget: 0, differing: 0, examples: { onlyInSource: [], onlyInTarget: [], differing: [] } };
  const note = (list: RowExample[], count: number, row: ReadonlyArray<string | null>) => {
    if (count <= keep) list.push({ key: showPgKey(key, types, row.slice(0, key.length)) });
  };
  for await (const batch of keyBatches(source, key, columns, batchSize)) {
    const other = await lookup(target, key, columns, batch.map((r) => r.slice(0, key.length)));
    for (const row of batch) {
      const theirs = other.get(JSON.stringify(row.slice(0, key.length)));
      if (theirs === undefined) note(out.examples.onlyInSource, ++out.onlyInSource, row);
      else if (theirs !== row[key.length]) note(out.examples.differing, ++out.differing, row);
    }
  }
  for await (const batch of keyBatches(target, key, [], batchSize)) {
    const other = await lookup(source, key, [], batch.map((r) => r.slice(0, key.length)));
    for (const row of batch) if (!other.has(JSON.stringify(row.slice(0, key.length)))) note(out.examples.onlyInTarget, ++out.onlyInTarget, row);
  }
  return out;
}

/**
 * Every group of duplicated tables, each copy compared with the group's target copy: columns
 * missing on either side, and rows keyed on the primary key when both copies have the same one.
 */
export async function comparePostgres(named: readonly NamedPostgres[], config: RulesConfig | undefined, options: PostgresOptions & { batchSize?: number; examples?: number } = {}): Promise<PgDuplicate[]> {
  const groups = duplicatePgTables(named.map((n) => n.inspection), config);
  const clients = new Map<number, Client>();
  const failed = new Map<number, string>();
  const session = async (i: number): Promise<Client> => {
    if (failed.has(i)) throw new Error(failed.get(i));
    let c = clients.get(i);
    if (!c) {
      try {
        c = await openPostgresReadOnly(named[i].url, options);
      } catch (e) {
        failed.set(i, safeMessage(e, named[i].url));
        throw new Error(failed.get(i));
      }
      clients.set(i, c);
    }
    return c;
  };
  const out: PgDuplicate[] = [];
  try {
    for (const { table, copies } of groups) {
      const target = copies.reduce((best, c) => (c.preferred > best.preferred ? c : best), copies[0]);
      const dup: PgDuplicate = { table, copies: copies.map((c) => c.label), comparisons: [] };
      for (const source of copies) {
        if (source === target) continue;
        const s = source.facts;
        const t = target.facts;
        const has = (x: PgTable, name: string) => x.columns.some((c) => c.name === name);
        const comparison: PgTableComparison = {
          source: source.label,
          target: target.label,
          ...(s.rows !== undefined ? { sourceRows: s.rows } : {}),
          ...(t.rows !== undefined ? { targetRows: t.rows } : {}),
          missingColumns: s.columns.filter((c) => !has(t, c.name)).map((c) => c.name),
          extraColumns: t.columns.filter((c) => !has(s, c.name)).map((c) => c.name),
        };
        const sameKey = s.primaryKey.length > 0 && s.primaryKey.length === t.primaryKey.length && s.primaryKey.every((k, i) => t.primaryKey[i] === k);
        if (!sameKey) {
          dup.comparisons.push({ ...comparison, note: 'no primary key both copies hold: rows not compared' });
          continue;
        }
        const columns = s.columns.filter((c) => !s.primaryKey.includes(c.name) && has(t, c.name)).map((c) => c.name);
        try {
          const rows = await comparePgRows({ client: await session(source.connection), table: s }, { client: await session(target.connection), table: t }, s.primaryKey, columns, options);
          dup.comparisons.push({ ...comparison, key: [...s.primaryKey], rows });
        } catch (e) {
          dup.comparisons.push({ ...comparison, key: [...s.primaryKey], note: `rows not compared: ${e instanceof Error ? e.message : String(e)}` });
        }
      }
      out.push(dup);
    }
  } finally {
    for (const c of clients.values()) await c.end().catch(() => undefined);
  }
  return out;
}

/** `zoe_rag.public.users: 3 rows, 1 missing from zoe.public.users (id=3), 1 with the same id and different values (id=2)`. */
export function describePgRows(c: PgTableComparison): string {
  const count = (n: number | undefined) => (n === undefined ? '? rows' : `${n} row${n === 1 ? '' : 's'}`);
  const keys = (list: readonly RowExample[], total: number) => (list.length > 0 ? ` (${list.map((e) => e.key).join('; ')}${total > list.length ? '; …' : ''})` : '');
  if (!c.rows) return `${c.source}: ${count(c.sourceRows)}, ${c.note ?? 'rows not compared'}`;
  let s = `${c.source}: ${count(c.sourceRows)}, ${c.rows.onlyInSource} missing from ${c.target}${keys(c.rows.examples.onlyInSource, c.rows.onlyInSource)}`;
  if (c.rows.differing > 0) s += `, ${c.rows.differing} with the same ${c.key!.join(', ')} and different values${keys(c.rows.examples.differing, c.rows.differing)}`;
  if (c.rows.onlyInTarget > 0) s += `; ${c.target} has ${count(c.rows.onlyInTarget)} the copy lacks${keys(c.rows.examples.onlyInTarget, c.rows.onlyInTarget)}`;
  return s;
}
