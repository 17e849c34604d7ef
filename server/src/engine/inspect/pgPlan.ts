// The consolidation plan for Postgres, per the rules file: a shell script, for a person to
// review and run (db-audit never runs it), that moves each absorbed database into its target.
// Option A (one instance, a database per app) moves a database that lives elsewhere onto the
// target's instance; Option B (one database, a schema per app) moves its tables into a schema of
// the target database. Both create the schemas and extensions (pgvector) the tables need and
// move tables named with a schema's `tablePrefix` into that schema (`public.rag_documents` →
// `rag.documents`). Pure: built from inspections of the databases the user named. URLs are
// written without their password: psql, pg_dump and pg_restore take it from PGPASSWORD or
// ~/.pgpass.

import type { DatabaseSpec, RulesConfig } from '../config/rulesFile';
import type { PostgresInspection } from './postgres';
import { quoteIdent } from './sqlite';

/** A: one instance, one database per app. B: one database, one schema per app. */
export type PgLayout = 'A' | 'B';

export interface NamedDatabase {
  /** The URL the user gave; only written without its password. */
  url: string;
  inspection: PostgresInspection;
}

/** The URL without its password, for a script. */
export function passwordless(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/(:\/\/[^:/@]*):[^@]*@/, '$1@');
  }
}

/** `'it'\''s'`: a shell word. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The same server, database replaced. */
function onDatabase(url: string, database: string): string {
  const u = new URL(passwordless(url));
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function instanceOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}`;
  } catch {
    return url;
  }
}

/** The layout the rules file describes for a database: B when it declares schemas, else A. */
export function layoutOf(spec: DatabaseSpec): PgLayout {
  return Object.keys(spec.schemas).length > 0 ? 'B' : 'A';
}

/** The schema an absorbed database moves into under Option B: a declared schema its name carries, else its name minus the target's. */
export function schemaForAbsorbed(spec: DatabaseSpec, absorbed: string): string {
  for (const s of Object.keys(spec.schemas)) if (absorbed === s || absorbed.endsWith(`_${s}`) || absorbed.startsWith(`${s}_`)) return s;
  const base = spec.database ?? spec.name;
  if (absorbed.startsWith(`${base}_`) && absorbed.length > base.length + 1) return absorbed.slice(base.length + 1);
  return absorbed;
}

const rel = (schema: string, table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;

/** `ALTER TABLE ... SET SCHEMA` then `RENAME` for the tables of one database named with a prefix outside their schema. */
function prefixMoves(tables: ReadonlyArray<{ schema: string; name: string }>, schemas: DatabaseSpec['schemas']): { schemas: string[]; sql: string[] } {
  const used = new Set<string>();
  const sql: string[] = [];
  for (const t of tables) {
    for (const [schema, { tablePrefix }] of Object.entries(schemas)) {
      if (!tablePrefix || t.schema === schema || !t.name.startsWith(tablePrefix) || t.name.length === tablePrefix.length) continue;
      const bare = t.name.slice(tablePrefix.length);
      if (tables.some((x) => x.schema === schema && (x.name === bare || x.name === t.name))) {
        sql.push(`-- CONFLICT: ${schema}.${bare} exists already: merge ${t.schema}.${t.name} into it by hand`);
        continue;
      }
      used.add(schema);
      sql.push(`ALTER TABLE ${rel(t.schema, t.name)} SET SCHEMA ${quoteIdent(schema)};`, `ALTER TABLE ${rel(schema, t.name)} RENAME TO ${quoteIdent(bare)};`);
    }
  }
  return { schemas: [...used], sql };
}

function psql(url: string, sql: readonly string[]): string[] {
  return [`psql ${shellQuote(url)} -v ON_ERROR_STOP=1 --single-transaction <<'SQL'`, ...sql, 'SQL'];
}

function planFor(spec: DatabaseSpec, named: readonly NamedDatabase[], layout: PgLayout): string[] {
  const out: string[] = [];
  const title = layout === 'A' ? 'Option A: one instance, one database per app' : 'Option B: one database, one schema per app';
  out.push(`# ── ${spec.name} (${spec.database}): ${title}`);
  const target = named.find((n) => n.inspection.database === spec.database && !n.inspection.error);
  if (!target) {
    out.push(`# ${spec.database} was not inspected: pass --postgres URL for it (and for each database it absorbs).`, '');
    return out;
  }
  const targetUrl = passwordless(target.url);
  const tables = target.inspection.tables;
  const absorbed = spec.absorbs.map((name) => ({ name, db: named.find((n) => n.inspection.database === name && !n.inspection.error) }));
  const usesVector = (n: NamedDatabase) => n.inspection.extensions.includes('vector');

  // 1. The target: schemas, extensions, its own prefixed tables.
  const own = prefixMoves(tables, spec.schemas);
  const moved = absorbed.filter((a) => a.db);
  const schemasNeeded = new Set([...own.schemas, ...(layout === 'B' ? moved.map((a) => schemaForAbsorbed(spec, a.name)) : [])]);
  const vectorFrom = moved.filter((a) => usesVector(a.db!)).map((a) => a.name);
  const step1 = [
    ...[...schemasNeeded].filter((s) => !target.inspection.schemas.includes(s)).map((s) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)};`),
    ...(layout === 'B' && vectorFrom.length > 0 ? [`CREATE EXTENSION IF NOT EXISTS vector; -- pgvector, used by ${vectorFrom.join(', ')}`] : []),
    ...own.sql,
  ];
  if (step1.length > 0) out.push(`# ${spec.database}: schemas, extensions, and tables named with a schema's prefix`, ...psql(targetUrl, step1), '');

  // 2. Each absorbed database.
  for (const { name, db } of absorbed) {
    if (!db) {
      out.push(`# ${name}: not inspected: pass --postgres URL for it to plan its move.`, '');
      continue;
    }
    const source = passwordless(db.url);
    const dump = shellQuote(`${name}.dump`);
    const list = shellQuote(`${name}.list`);
    if (layout === 'A') {
      if (instanceOf(db.url) === instanceOf(target.url)) {
        out.push(`# ${name}: already on ${spec.database}'s instance (${instanceOf(target.url)}): nothing to move.`);
      } else {
        const dest = onDatabase(target.url, name);
        out.push(
          `# ${name}: moved onto ${spec.database}'s instance (${instanceOf(target.url)}) as its own database`,
          `pg_dump --format=custom --no-owner --no-privileges --dbname=${shellQuote(source)} --file=${dump}`,
          `createdb --maintenance-db=${shellQuote(targetUrl)} ${shellQuote(name)}`,
          ...(usesVector(db) ? [`psql ${shellQuote(dest)} -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS vector'`] : []),
          `pg_restore --no-owner --no-privileges --exit-on-error --dbname=${shellQuote(dest)} ${dump}`,
        );
      }
      const moves = prefixMoves(db.inspection.tables, spec.schemas);
      if (moves.sql.length > 0) {
        const dest = instanceOf(db.url) === instanceOf(target.url) ? source : onDatabase(target.url, name);
        out.push(...psql(dest, [...moves.schemas.filter((s) => !db.inspection.schemas.includes(s)).map((s) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)};`), ...moves.sql]));
      }
      out.push('');
      continue;
    }
    const schema = schemaForAbsorbed(spec, name);
    const publicTables = db.inspection.tables.filter((t) => t.schema === 'public');
    const others = [...new Set(db.inspection.tables.filter((t) => t.schema !== 'public').map((t) => t.schema))];
    const prefix = spec.schemas[schema]?.tablePrefix;
    const destName = (t: string) => (prefix && t.startsWith(prefix) && t.length > prefix.length ? t.slice(prefix.length) : t);
    const conflicts = publicTables.flatMap((t) => [
      ...(tables.some((x) => x.schema === 'public' && x.name === t.name) ? [`public.${t.name} is in ${spec.database} too: pg_restore stops on it`] : []),
      ...(tables.some((x) => x.schema === schema && x.name === destName(t.name)) ? [`${schema}.${destName(t.name)} is in ${spec.database} already: merge the rows by hand`] : []),
    ]);
    out.push(`# ${name}: its public tables move into schema ${schema} of ${spec.database}`);
    for (const c of conflicts) out.push(`# CONFLICT: ${c}; resolve it before running this step`);
    if (others.length > 0) out.push(`# Not moved: ${name}'s other schemas (${others.join(', ')}); move them with pg_dump --schema=NAME`);
    out.push(
      `pg_dump --format=custom --no-owner --no-privileges --schema=public --dbname=${shellQuote(source)} --file=${dump}`,
      // The target has its own schema public: restore everything but its creation (and comment).
      `pg_restore --list ${dump} | grep -v -E ' SCHEMA - public | COMMENT - SCHEMA public ' > ${list}`,
      `pg_restore --no-owner --no-privileges --exit-on-error --use-list=${list} --dbname=${shellQuote(targetUrl)} ${dump}`,
    );
    const sql = publicTables.flatMap((t) => [
      `ALTER TABLE ${rel('public', t.name)} SET SCHEMA ${quoteIdent(schema)};`,
      ...(destName(t.name) !== t.name ? [`ALTER TABLE ${rel(schema, t.name)} RENAME TO ${quoteIdent(destName(t.name))};`] : []),
    ]);
    if (sql.length > 0) out.push(...psql(targetUrl, sql));
    out.push('');
  }
  return out;
}

/** The script for every Postgres database of the rules file that absorbs others or declares schemas. */
export function buildPostgresPlan(config: RulesConfig | undefined, named: readonly NamedDatabase[], layout?: PgLayout): string {
  const specs = (config?.databases ?? []).filter((d) => d.engine === 'postgres' && d.database && (d.absorbs.length > 0 || Object.keys(d.schemas).length > 0));
  const lines = [
    '#!/usr/bin/env bash',
    '# Postgres consolidation plan written by db-audit, for review. db-audit never runs it.',
    '# Passwords are not written here: export PGPASSWORD (or use ~/.pgpass) before running it.',
    '# Back up every database first (pg_dump --format=custom ...).',
    'set -euo pipefail',
    '',
  ];
  if (specs.length === 0) lines.push('# Nothing to plan: the rules file declares no Postgres database that absorbs another or has schemas.');
  for (const spec of specs) lines.push(...planFor(spec, named, layout ?? layoutOf(spec)));
  return lines.join('\n') + '\n';
}
