// Looks inside a Postgres database the user named (never one merely found in the workspace):
// databases on the server, schemas, tables with columns, primary keys and row counts (exact for
// small tables, the planner's estimate for large ones), extensions. Each session is read-only
// and time-boxed; the connection is only ever shown with its password masked.

import type { Client } from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { maskSecrets } from '../literals';
import { quoteIdent } from './sqlite';

export interface PgColumn {
  name: string;
  type: string;
  notNull: boolean;
}

export interface PgTable {
  schema: string;
  name: string;
  columns: PgColumn[];
  primaryKey: string[];
  /** Exact when `estimated` is false; undefined when neither count nor estimate is known. */
  rows?: number;
  estimated: boolean;
}

export interface PostgresInspection {
  /** The URL with its password masked (`***`). */
  connection: string;
  database?: string;
  /** Present when the database could not be inspected: why, password masked. */
  error?: string;
  /** Databases on the same server (not templates). */
  databases: string[];
  schemas: string[];
  tables: PgTable[];
  extensions: string[];
}

export interface PostgresOptions {
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Tables the planner estimates below this many rows are counted exactly (default 100 000). */
  exactCountBelow?: number;
}

const SYSTEM_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

/** The URL as it may be shown: the password replaced by `***`, also when the URL is not one `maskSecrets` recognizes. */
export function maskConnection(url: string): string {
  const masked = maskSecrets(url);
  let password: string | undefined;
  try {
    password = parseConnectionString(url).password ?? undefined;
  } catch {
    password = undefined;
  }
  return password ? masked.split(password).join('***').split(encodeURIComponent(password)).join('***') : masked;
}

/** An error's message with the connection's password removed, whatever the driver put in it. */
export function safeMessage(e: unknown, url: string): string {
  const message = e instanceof Error ? e.message || (e as { code?: string }).code || e.name : String(e);
  let password: string | undefined;
  try {
    password = parseConnectionString(url).password ?? undefined;
  } catch {
    password = undefined;
  }
  const scrubbed = password ? message.split(password).join('***') : message;
  return maskSecrets(scrubbed);
}

/** A connected client whose session is read-only, with connect and statement timeouts. */
export async function openPostgresReadOnly(url: string, options: PostgresOptions = {}): Promise<Client> {
  // pg is required here, not at the top: every CLI run would load it, few connect.
  const { Client: PgClient } = require('pg') as typeof import('pg');
  const client = new PgClient({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    statement_timeout: options.statementTimeoutMs ?? 10000,
    query_timeout: (options.statementTimeoutMs ?? 10000) + 1000,
    application_name: 'db-audit',
  });
  // A dropped connection emits 'error' on the client: reported through the pending query instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return client;
}

export async function inspectPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresInspection> {
  const connection = maskConnection(url);
  const result: PostgresInspection = { connection, databases: [], schemas: [], tables: [], extensions: [] };
  let client: Client | undefined;
  try {
    client = await openPostgresReadOnly(url, options);
    result.database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0].db;
    result.databases = (await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname')).rows.map((r) => r.datname);
    result.schemas = (await client.query<{ nspname: string }>(`SELECT n.nspname FROM pg_namespace n WHERE ${SYSTEM_SCHEMAS} ORDER BY 1`)).rows.map((r) => r.nspname);
    result.extensions = (await client.query<{ extname: string }>('SELECT extname FROM pg_extension ORDER BY 1')).rows.map((r) => r.extname);
    const tables = (await client.query<{ oid: number; schema: string; name: string; estimate: number }>(
      `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS estimate
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${SYSTEM_SCHEMAS}
        ORDER BY n.nspname, c.relname`)).rows;
    const oids = tables.map((t) => t.oid);
    const columns = (await client.query<{ oid: number; name: string; type: string; notnull: boolean }>(
      `SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull
         FROM pg_attribute a WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum`, [oids])).rows;
    const keys = (await client.query<{ oid: number; name: string }>(
      `SELECT con.conrelid::int AS oid, a.attname AS name
         FROM pg_constraint con
         CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        WHERE con.contype = 'p' AND con.conrelid = ANY($1::oid[])
        ORDER BY con.conrelid, k.ord`, [oids])).rows;
    const exactBelow = options.exactCountBelow ?? 100_000;
    for (const t of tables) {
      // reltuples is -1 for a table never analyzed: count it, as for a small one.
      let rows: number | undefined = t.estimate >= 0 ? Math.round(t.estimate) : undefined;
      let estimated = rows !== undefined;
      if (rows === undefined || rows < exactBelow) {
        try {
          rows = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`)).rows[0].n);
          estimated = false;
        } catch {
          /* no SELECT privilege or too slow: keep the estimate */
        }
      }
      result.tables.push({
        schema: t.schema,
        name: t.name,
        columns: columns.filter((c) => c.oid === t.oid).map((c) => ({ name: c.name, type: c.type, notNull: c.notnull })),
        primaryKey: keys.filter((k) => k.oid === t.oid).map((k) => k.name),
        ...(rows !== undefined ? { rows } : {}),
        estimated,
      });
    }
  } catch (e) {
    result.error = `${connection}: ${safeMessage(e, url)}`;
  } finally {
    await client?.end().catch(() => undefined);
  }
  return result;
}

/**
 * Tables whose name carries a schema's `tablePrefix` outside that schema
 * (`public.rag_documents` where the rules want `rag.documents`).
 */
export function prefixedPgTables(pg: PostgresInspection, schemas: Record<string, { tablePrefix?: string }>): Array<{ table: string; wants: string }> {
  const out: Array<{ table: string; wants: string }> = [];
  for (const t of pg.tables) {
    for (const [schema, { tablePrefix }] of Object.entries(schemas)) {
      if (!tablePrefix || t.schema === schema || !t.name.startsWith(tablePrefix) || t.name.length === tablePrefix.length) continue;
      out.push({ table: `${t.schema}.${t.name}`, wants: `${schema}.${t.name.slice(tablePrefix.length)}` });
    }
  }
  return out;
}
