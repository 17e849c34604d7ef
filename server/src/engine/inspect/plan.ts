// The consolidation plan for SQLite: a SQL script, for a person to review, that merges each
// absorbed database into its target. Built from the inspection's facts and comparisons (pure:
// `buildSqlitePlans`); the only file access here is reading each absorbed table's own CREATE
// statement (`readCreateStatements`, read-only). Rows are matched on the key the comparison
// used; a row whose key the target already holds is never overwritten: if its values differ,
// it is listed by key (never by value: values may be secrets) for a person to decide.

import type { SqliteInspection } from './index';
import { openSqliteReadOnly, quoteIdent } from './sqlite';
import type { TableComparison } from './compare';
import type { TableFacts } from './sqlite';

/** A check run after the merge: the SELECT returns one row with `expected` and `actual`. */
export interface PlanCheck {
  description: string;
  expected: number;
  sql: string;
}

export interface PlanSource {
  alias: string;
  path: string;
  absPath: string;
}

/** The merge into one target database. */
export interface SqlitePlan {
  target: { path: string; absPath: string; database?: string };
  sources: PlanSource[];
  /** The merge, in order: each item is SQL, or a comment (lines starting `--`). */
  steps: string[];
  /** Keys of rows present on both sides with different values, per table: the target's row is kept. */
  conflicts: Array<{ source: string; table: string; count: number; keys: string[] }>;
  checks: PlanCheck[];
}

/** Per absorbed file (absPath), its tables' CREATE statements by lower-cased table name. */
export type CreateStatements = Map<string, Map<string, string>>;

const lower = (s: string) => s.toLowerCase();

/** `'it''s'`: a SQL string literal, for file paths in ATTACH. */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Reads the `CREATE TABLE` statements of each absorbed file of the inspection, read-only. */
export function readCreateStatements(inspection: SqliteInspection): CreateStatements {
  const out: CreateStatements = new Map();
  for (const d of inspection.databases) {
    if (d.role !== 'absorbed' || d.facts.error) continue;
    const handle = openSqliteReadOnly(d.absPath);
    try {
      const rows = handle.db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL").all() as Array<{ name: string; sql: string }>;
      out.set(d.absPath, new Map(rows.map((r) => [lower(r.name), r.sql])));
    } finally {
      handle.close();
    }
  }
  return out;
}

/** `CREATE TABLE x (...)` → `CREATE TABLE IF NOT EXISTS main.x (...)`, keeping the source's own text. */
export function createIfNotExists(sql: string, table: string): string {
  const m = /^\s*CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?/i.exec(sql);
  if (!m) throw new Error(`not a CREATE TABLE statement: ${sql.slice(0, 40)}`);
  // Replace the (possibly quoted) name the source wrote with the target's qualified name.
  const rest = sql.slice(m[0].length);
  const name = /^("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[^\s(]+)/.exec(rest);
  return `CREATE TABLE IF NOT EXISTS main.${quoteIdent(table)}${rest.slice(name ? name[0].length : 0)}`;
}

/** An alias for ATTACH from the file name: `src_auth`, unique within the plan. */
function aliasFor(path: string, taken: Set<string>): string {
  const stem = (path.split('/').pop() ?? path).replace(/\.[^.]*$/, '').replace(/\W+/g, '_').toLowerCase();
  let alias = `src_${stem}`;
  for (let i = 2; taken.has(alias); i++) alias = `src_${stem}_${i}`;
  taken.add(alias);
  return alias;
}

function countCheck(table: string, expected: number, why: string): PlanCheck {
  return {
    description: `${table}: ${expected} rows (${why})`,
    expected,
    sql: `SELECT ${quoteString(table)} AS "check", ${expected} AS expected, (SELECT count(*) FROM main.${quoteIdent(table)}) AS actual;`,
  };
}

function keyCoverageCheck(alias: string, sourcePath: string, table: string, key: readonly string[]): PlanCheck {
  const notNull = key.map((k) => `s.${quoteIdent(k)} IS NOT NULL`).join(' AND ');
  const match = key.map((k) => `m.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
  return {
    description: `${table}: every row of ${sourcePath} has its ${key.join(', ')} in the target`,
    expected: 0,
    sql: `SELECT ${quoteString(`${table} rows of ${sourcePath} missing`)} AS "check", 0 AS expected, (SELECT count(*) FROM ${quoteIdent(alias)}.${quoteIdent(table)} AS s WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM main.${quoteIdent(table)} AS m WHERE ${match})) AS actual;`,
  };
}

/** The columns to copy: the source's, minus those the target lacks and the row ids it assigns itself. */
function copiedColumns(source: TableFacts, target: TableFacts | undefined, comparison: TableComparison | undefined): { copy: string[]; leftOut: string[] } {
  if (!target) return { copy: source.columns.map((c) => c.name), leftOut: [] };
  const has = (n: string) => target.columns.some((c) => lower(c.name) === lower(n));
  const ignored = new Set((comparison?.ignoredColumns ?? []).map(lower));
  return {
    copy: source.columns.filter((c) => has(c.name) && !ignored.has(lower(c.name))).map((c) => c.name),
    leftOut: source.columns.filter((c) => !has(c.name)).map((c) => c.name),
  };
}

/** The key a table created from the source is merged on: its primary key, else a UNIQUE key. */
function ownKey(t: TableFacts): string[] | undefined {
  if (t.primaryKey.length > 0) return t.primaryKey;
  return t.uniqueKeys[0];
}

/** One plan per target database that absorbs inspected files (pure, given the facts). */
export function buildSqlitePlans(inspection: SqliteInspection, creates: CreateStatements): SqlitePlan[] {
  const plans: SqlitePlan[] = [];
  for (const target of inspection.databases.filter((d) => d.role === 'target')) {
    const pairs = inspection.comparisons.filter((p) => p.target.absPath === target.absPath);
    if (pairs.length === 0) continue;
    const plan: SqlitePlan = { target: { path: target.path, absPath: target.absPath, database: target.database }, sources: [], steps: [], conflicts: [], checks: [] };
    const taken = new Set<string>();
    // Rows each table will hold after the merge, and where they come from.
    const expected = new Map<string, { table: string; count: number; parts: string[]; exact: boolean; touched?: boolean }>();
    for (const t of target.facts.tables) expected.set(lower(t.name), { table: t.name, count: t.rowCount ?? 0, parts: [`${t.rowCount ?? 0} in ${target.path}`], exact: t.rowCount !== undefined });
    const created = new Set<string>();
    for (const { source, comparison } of pairs) {
      const facts = inspection.databases.find((d) => d.absPath === source.absPath)!.facts;
      if (comparison.error || facts.error || target.facts.error) {
        plan.steps.push(`-- ${source.path}: not merged: ${comparison.error ?? facts.error ?? target.facts.error}`);
        continue;
      }
      const alias = aliasFor(source.path, taken);
      plan.sources.push({ alias, path: source.path, absPath: source.absPath });
      plan.steps.push(`-- From ${source.path} (${alias})`);
      for (const s of facts.tables) {
        const t = target.facts.tables.find((x) => lower(x.name) === lower(s.name));
        const comparison_ = comparison.tables.find((c) => lower(c.table) === lower(s.name));
        const from = `${quoteIdent(alias)}.${quoteIdent(s.name)}`;
        let key: string[] | undefined;
        if (!t && !created.has(lower(s.name))) {
          const sql = creates.get(source.absPath)?.get(lower(s.name));
          if (!sql) {
            plan.steps.push(`-- ${s.name}: not merged: no CREATE TABLE statement in ${source.path} (a virtual or internal table)`);
            continue;
          }
          plan.steps.push(`-- ${s.name}: only in ${source.path}: created from its schema`, createIfNotExists(sql, s.name) + ';');
          created.add(lower(s.name));
          key = ownKey(s);
          expected.set(lower(s.name), { table: s.name, count: 0, parts: [], exact: true });
        } else if (!t) {
          key = ownKey(s);
        } else {
          if (!comparison_?.key || !comparison_.rows) {
            plan.steps.push(`-- ${s.name}: not merged: ${comparison_?.note ?? 'rows not compared'}`);
            continue;
          }
          key = comparison_.key;
        }
        const { copy, leftOut } = copiedColumns(s, t, comparison_);
        if (leftOut.length > 0) plan.steps.push(`-- ${s.name}: columns of ${source.path} that ${target.path} lacks, left out: ${leftOut.join(', ')}`);
        const cols = copy.map(quoteIdent).join(', ');
        // Rows whose key is NULL are never equal to another: the comparison skips them, and so does the merge.
        const where = key && t ? key.map((k) => `${quoteIdent(k)} IS NOT NULL`).join(' AND ') : 'true';
        plan.steps.push(`INSERT INTO main.${quoteIdent(s.name)} (${cols}) SELECT ${cols} FROM ${from} WHERE ${where} ON CONFLICT DO NOTHING;`);
        const entry = expected.get(lower(s.name))!;
        const added = t ? comparison_!.rows!.onlyInSource : (s.rowCount ?? 0);
        if (!t && s.rowCount === undefined) entry.exact = false;
        entry.count += added;
        entry.touched = true;
        entry.parts.push(`${added} from ${source.path}`);
        if (key && (t || created.has(lower(s.name)))) plan.checks.push(keyCoverageCheck(alias, source.path, s.name, key));
        const rows = comparison_?.rows;
        if (rows && rows.differing > 0) {
          const keys = rows.examples.differing.map((e) => e.key);
          plan.conflicts.push({ source: source.path, table: s.name, count: rows.differing, keys });
          plan.steps.push(`-- ${s.name}: ${rows.differing} row(s) of ${source.path} share a key with ${target.path} but differ; ${target.path}'s row is kept. Decide each:`);
          for (const e of rows.examples.differing) plan.steps.push(`--   conflict: ${e.key} (differs in ${(e.columns ?? []).join(', ')})`);
          if (rows.differing > keys.length) plan.steps.push(`--   … and ${rows.differing - keys.length} more`);
        }
      }
    }
    for (const e of expected.values()) {
      if (e.touched && e.exact) plan.checks.push(countCheck(e.table, e.count, e.parts.join(' + ')));
    }
    plans.push(plan);
  }
  return plans;
}

/** The plan as a script for `sqlite3 TARGET < plan.sql`. */
export function renderSqlitePlan(plan: SqlitePlan): string {
  const lines = [
    `-- Consolidation plan: merge into ${plan.target.path}${plan.target.database ? ` (${plan.target.database})` : ''}`,
    `-- Review, back up every file, then run against the target: sqlite3 ${plan.target.absPath} < this-file.sql`,
    `-- (or: db-audit plan --apply --backup DIR). The absorbed files are only read.`,
    '',
    ...plan.sources.map((s) => `ATTACH DATABASE ${quoteString(s.absPath)} AS ${quoteIdent(s.alias)};`),
    'BEGIN;',
    ...plan.steps,
    'COMMIT;',
    '',
    '-- Verification: expected vs actual (each row: expected = actual).',
    ...plan.checks.flatMap((c) => [`-- ${c.description}`, c.sql]),
    '',
    ...plan.sources.map((s) => `DETACH DATABASE ${quoteIdent(s.alias)};`),
  ];
  return lines.join('\n') + '\n';
}
