// The inspection rendered for people (text, markdown) and machines (json, versioned, 1-based
// positions like the audit's json report). Values never appear: only names, types, counts and
// key values of differing rows.

import type { Finding } from '../types';
import type { TableComparison } from './compare';
import { describeRows, describeSchemaDifferences } from './findings';
import type { SqliteInspection } from './index';
import type { PostgresInspection } from './postgres';
import { describePgRows, type PgDuplicate } from './pgCompare';
import type { TableFacts } from './sqlite';
import { basename } from '../config/rulesFile';

export type InspectFormat = 'text' | 'json' | 'markdown';
export const INSPECT_FORMATS: readonly InspectFormat[] = ['text', 'json', 'markdown'];
export const INSPECT_JSON_VERSION = 1;

export interface InspectReportInput {
  sqlite: SqliteInspection;
  postgres: readonly PostgresInspection[];
  findings: readonly Finding[];
  /** Postgres tables named with a schema's `tablePrefix` outside it, per connection (see pgCompare.ts). */
  prefixed?: ReadonlyArray<{ connection: string; database?: string; table: string; wants: string }>;
  /** Postgres tables duplicated across the named databases and schemas, with their row divergence. */
  postgresDuplicates?: readonly PgDuplicate[];
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function rows(n: number | undefined): string {
  return n === undefined ? '? rows' : `${n} row${n === 1 ? '' : 's'}`;
}

function columnsOf(t: TableFacts): string {
  return t.columns.map((c) => {
    const marks = [c.type || '(no type)', ...(c.primaryKey > 0 ? ['PK'] : []), ...(t.uniqueKeys.some((k) => k.length === 1 && k[0] === c.name) ? ['UNIQUE'] : []), ...(c.notNull ? ['NOT NULL'] : [])];
    return `${c.name} ${marks.join(' ')}`;
  }).join(', ');
}

function roleOf(d: SqliteInspection['databases'][number]): string {
  return d.role === 'target' ? `${d.database}` : d.role === 'absorbed' ? `absorbed into ${d.database}` : 'named on the command line';
}

function comparisonLines(t: TableComparison, source: string, target: string): string[] {
  const out: string[] = [];
  const key = t.key ? `matched on ${t.key.join(', ')}${t.ignoredColumns.length ? ` (${t.ignoredColumns.join(', ')} ignored: each file numbers its own)` : ''}` : 'not matched';
  out.push(`${t.table}: ${rows(t.sourceRows)} vs ${rows(t.targetRows)}, ${key}`);
  const schema = describeSchemaDifferences(t, source, target);
  if (schema) out.push(schema);
  out.push(describeRows(t, source, target));
  return out;
}

export function textInspectReport(input: InspectReportInput): string {
  const out: string[] = [];
  const { sqlite } = input;
  if (sqlite.databases.length > 0) {
    out.push('SQLite databases', '');
    for (const d of sqlite.databases) {
      const f = d.facts;
      out.push(`  ${d.path} (${roleOf(d)}) ${size(f.size)}${f.copied ? ', WAL: read through a copy' : ''}`);
      if (f.error) out.push(`    cannot inspect: ${f.error}`);
      else if (f.tables.length === 0) out.push('    no tables');
      for (const t of f.tables) out.push(`    ${t.name}: ${rows(t.rowCount)}; ${columnsOf(t)}`);
    }
    out.push('');
  }
  if (sqlite.shared.length > 0) {
    out.push('Tables in several databases', '');
    for (const s of sqlite.shared) out.push(`  ${s.table}: ${s.databases.join(', ')}`);
    out.push('');
  }
  for (const { source, target, comparison } of sqlite.comparisons) {
    out.push(`${source.path} → ${target.path}`);
    if (comparison.error) out.push(`  not compared: ${comparison.error}`);
    else if (comparison.tables.length === 0) out.push('  no table in common');
    for (const t of comparison.tables) out.push(...comparisonLines(t, basename(source.path), basename(target.path)).map((l, i) => (i === 0 ? '  ' : '    ') + l));
    out.push('');
  }
  for (const pg of input.postgres) {
    out.push(`Postgres ${pg.connection}`);
    if (pg.error) out.push(`  cannot inspect: ${pg.error}`);
    else out.push(`  database ${pg.database}; on the server: ${pg.databases.join(', ')}; schemas: ${pg.schemas.join(', ')}`);
    for (const t of pg.tables) out.push(`  ${t.schema}.${t.name}: ${rows(t.rows)}${t.estimated ? ' (estimate)' : ''}; ${t.columns.map((c) => `${c.name} ${c.type}${t.primaryKey.includes(c.name) ? ' PK' : ''}`).join(', ')}`);
    if (pg.extensions.length > 0) out.push(`  extensions: ${pg.extensions.join(', ')}${pg.extensions.includes('vector') ? ' (pgvector)' : ''}`);
    for (const p of input.prefixed ?? []) if (p.connection === pg.connection) out.push(`  prefixed table: ${p.table} belongs in schema ${p.wants.split('.')[0]}: ${p.wants}`);
    out.push('');
  }
  if (input.postgresDuplicates && input.postgresDuplicates.length > 0) {
    out.push('Postgres tables in several databases or schemas', '');
    for (const d of input.postgresDuplicates) {
      out.push(`  ${d.table}: ${d.copies.join(', ')}`);
      for (const c of d.comparisons) {
        const schema = [
          ...(c.missingColumns.length > 0 ? [`columns missing from ${c.target}: ${c.missingColumns.join(', ')}`] : []),
          ...(c.extraColumns.length > 0 ? [`columns missing from ${c.source}: ${c.extraColumns.join(', ')}`] : []),
        ];
        out.push(`    ${c.source} → ${c.target}${c.key ? `, matched on ${c.key.join(', ')}` : ''}`);
        for (const line of [...schema, describePgRows(c)]) out.push(`      ${line}`);
      }
    }
    out.push('');
  } else if (input.postgres.length > 0) {
    const shared = sharedPostgresTables(input.postgres);
    if (shared.length > 0) {
      out.push('Postgres tables in several databases', '');
      for (const s of shared) out.push(`  ${s.table}: ${s.databases.join(', ')}`);
      out.push('');
    }
  }
  if (input.findings.length > 0) {
    out.push('Findings', '');
    for (const f of input.findings) out.push(`  ${f.path}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.rule}: ${f.message}`);
    out.push('');
  }
  if (out.length === 0) out.push('Nothing to inspect: no SQLite file of the rules file in the workspace, and no --sqlite or --postgres given.', '');
  return out.join('\n');
}

/** `schema.table` names found in more than one Postgres connection. */
export function sharedPostgresTables(pgs: readonly PostgresInspection[]): Array<{ table: string; databases: string[] }> {
  const byName = new Map<string, string[]>();
  for (const pg of pgs) for (const t of pg.tables) byName.set(`${t.schema}.${t.name}`, [...(byName.get(`${t.schema}.${t.name}`) ?? []), pg.connection]);
  return [...byName.entries()].filter(([, dbs]) => dbs.length > 1).map(([table, databases]) => ({ table, databases })).sort((a, b) => (a.table < b.table ? -1 : 1));
}

export function jsonInspectReport(input: InspectReportInput): string {
  const { sqlite } = input;
  const report = {
    version: INSPECT_JSON_VERSION,
    sqlite: sqlite.databases.map((d) => ({
      path: d.path,
      role: d.role,
      ...(d.database ? { database: d.database } : {}),
      size: d.facts.size,
      ...(d.facts.error ? { error: d.facts.error } : {}),
      ...(d.facts.journalMode ? { journalMode: d.facts.journalMode } : {}),
      tables: d.facts.tables,
    })),
    shared: sqlite.shared,
    comparisons: sqlite.comparisons.map(({ source, target, comparison }) => ({
      source: source.path,
      target: target.path,
      ...(comparison.error ? { error: comparison.error } : {}),
      tables: comparison.tables,
    })),
    postgres: input.postgres,
    ...(input.prefixed ? { postgresPrefixed: input.prefixed } : {}),
    ...(input.postgresDuplicates ? { postgresDuplicates: input.postgresDuplicates } : {}),
    findings: input.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      path: f.path,
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.character + 1,
      message: f.message,
    })),
  };
  return JSON.stringify(report, null, 2) + '\n';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownInspectReport(input: InspectReportInput): string {
  const out: string[] = ['# Database inspection', ''];
  const { sqlite } = input;
  if (sqlite.databases.length > 0) {
    out.push('## SQLite databases', '', '| File | Role | Size | Tables | Rows |', '| --- | --- | --- | --- | --- |');
    for (const d of sqlite.databases) {
      const f = d.facts;
      const tables = f.error ? `cannot inspect: ${f.error}` : f.tables.map((t) => t.name).join(', ');
      const total = f.tables.reduce((n, t) => n + (t.rowCount ?? 0), 0);
      out.push(`| ${cell(d.path)} | ${cell(roleOf(d))} | ${size(f.size)} | ${cell(tables)} | ${f.error ? '' : total} |`);
    }
    out.push('');
  }
  const compared = sqlite.comparisons.flatMap(({ source, target, comparison }) => comparison.tables.map((t) => ({ t, source: basename(source.path), target: basename(target.path) })));
  if (compared.length > 0) {
    out.push('## Tables to merge', '', '| Table | From | Into | Rows | Missing from target | Differing | Schema |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const { t, source, target } of compared) {
      out.push(`| ${cell(t.table)} | ${cell(source)} | ${cell(target)} | ${t.sourceRows ?? '?'} | ${t.rows ? t.rows.onlyInSource : cell(t.note ?? '')} | ${t.rows ? t.rows.differing : ''} | ${cell(describeSchemaDifferences(t, source, target) || 'same')} |`);
    }
    out.push('');
  }
  if (input.postgres.length > 0) {
    out.push('## Postgres', '', '| Connection | Table | Rows | Columns |', '| --- | --- | --- | --- |');
    for (const pg of input.postgres) {
      if (pg.error) out.push(`| ${cell(pg.connection)} | cannot inspect: ${cell(pg.error)} | | |`);
      for (const t of pg.tables) out.push(`| ${cell(pg.connection)} | ${cell(`${t.schema}.${t.name}`)} | ${t.rows ?? '?'}${t.estimated ? ' (est.)' : ''} | ${t.columns.length} |`);
    }
    out.push('');
    const withExtensions = input.postgres.filter((pg) => pg.extensions.length > 0);
    if (withExtensions.length > 0) {
      out.push('Extensions:', '');
      for (const pg of withExtensions) out.push(`- \`${pg.database ?? pg.connection}\`: ${pg.extensions.join(', ')}`);
      out.push('');
    }
  }
  if (input.prefixed && input.prefixed.length > 0) {
    out.push('## Prefixed Postgres tables', '', '| Database | Table | Belongs in |', '| --- | --- | --- |');
    for (const p of input.prefixed) out.push(`| ${cell(p.database ?? p.connection)} | ${cell(p.table)} | ${cell(p.wants)} |`);
    out.push('');
  }
  if (input.postgresDuplicates && input.postgresDuplicates.length > 0) {
    out.push('## Postgres tables in several databases or schemas', '', '| Table | Copy | Target copy | Rows | Missing from target | Differing | Target has, copy lacks |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const d of input.postgresDuplicates) {
      for (const c of d.comparisons) out.push(`| ${cell(d.table)} | ${cell(c.source)} | ${cell(c.target)} | ${c.sourceRows ?? '?'} | ${c.rows ? c.rows.onlyInSource : cell(c.note ?? '')} | ${c.rows ? c.rows.differing : ''} | ${c.rows ? c.rows.onlyInTarget : ''} |`);
    }
    out.push('');
  }
  if (input.findings.length > 0) {
    out.push('## Findings', '');
    for (const f of input.findings) out.push(`- **${f.rule}** (${f.severity}) \`${f.path}:${f.range.start.line + 1}\`: ${cell(f.message)}`);
    out.push('');
  }
  return out.join('\n');
}

export function renderInspectReport(format: InspectFormat, input: InspectReportInput): string {
  return format === 'json' ? jsonInspectReport(input) : format === 'markdown' ? markdownInspectReport(input) : textInspectReport(input);
}
