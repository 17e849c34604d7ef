// The consolidation plan for SQLite: a SQL script, for a person to review, that merges each
// absorbed database into its target. Built from the inspection's facts and comparisons (pure:
// `buildSqlitePlans`); the only file access here is reading each absorbed table's own CREATE
// statement (`readCreateStatements`) and the rows two absorbed files share (`readSourceOverlap`),
// read-only. Rows are matched on the key the comparison used; a row whose key the target, or a file
// merged before, already holds is never overwritten: if its values differ, it is listed by key
// (never by value: values may be secrets) for a person to decide.

import type { SqliteInspection } from './index';
import { openSqliteReadOnly, quoteIdent } from './sqlite';
import { chooseKey, type CompareOptions, type RowExample, type TableComparison } from './compare';
import type { TableFacts } from './sqlite';
import { readSourceOverlap, type OverlapReader } from './sourceOverlap';

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
  /**
   * Keys of rows of an absorbed file (`source`) whose key the target or a file merged before it
   * holds with other values, per table: that one's row (`keptFrom`) is kept.
   */
  conflicts: Array<{ source: string; table: string; count: number; keys: string[]; keptFrom: string }>;
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

const hasColumn = (t: TableFacts, name: string) => t.columns.some((c) => lower(c.name) === lower(name));

/** The columns to copy: the source's, minus those the target lacks and the row ids it assigns itself. */
function copiedColumns(source: TableFacts, target: TableFacts | undefined, comparison: Pick<TableComparison, 'ignoredColumns'> | undefined): { copy: string[]; leftOut: string[] } {
  if (!target) return { copy: source.columns.map((c) => c.name), leftOut: [] };
  const ignored = new Set((comparison?.ignoredColumns ?? []).map(lower));
  return {
    copy: source.columns.filter((c) => hasColumn(target, c.name) && !ignored.has(lower(c.name))).map((c) => c.name),
    leftOut: source.columns.filter((c) => !hasColumn(target, c.name)).map((c) => c.name),
  };
}

/** The key a table created from the source is merged on: its primary key, else a UNIQUE key. */
function ownKey(t: TableFacts): string[] | undefined {
  if (t.primaryKey.length > 0) return t.primaryKey;
  return t.uniqueKeys[0];
}

/** The plans, with what they read of the files (CREATE statements, rows absorbed files share), read-only. */
export function readSqlitePlans(inspection: SqliteInspection, options: CompareOptions = {}): SqlitePlan[] {
  return buildSqlitePlans(inspection, readCreateStatements(inspection), (query) => readSourceOverlap(query, options));
}

/** One plan per target database that absorbs inspected files (pure, given the facts and what `overlapOf` reads). */
export function buildSqlitePlans(inspection: SqliteInspection, creates: CreateStatements, overlapOf: OverlapReader): SqlitePlan[] {
  const plans: SqlitePlan[] = [];
  for (const target of inspection.databases.filter((d) => d.role === 'target')) {
    const pairs = inspection.comparisons.filter((p) => p.target.absPath === target.absPath);
    if (pairs.length === 0) continue;
    const plan: SqlitePlan = { target: { path: target.path, absPath: target.absPath, database: target.database }, sources: [], steps: [], conflicts: [], checks: [] };
    const taken = new Set<string>();
    // Rows each table will hold after the merge, and where they come from.
    const expected = new Map<string, { table: string; count: number; parts: string[]; exact: boolean; touched?: boolean }>();
    for (const t of target.facts.tables) expected.set(lower(t.name), { table: t.name, count: t.rowCount ?? 0, parts: [`${t.rowCount ?? 0} in ${target.path}`], exact: t.rowCount !== undefined });
    // Tables the target lacks, created from the schema of the first file that has them.
    const createdFrom = new Map<string, TableFacts>();
    // Per table, the files merged into it so far, in order: a key one of them holds is not added again.
    const mergedFrom = new Map<string, Array<{ path: string; absPath: string; table: TableFacts }>>();
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
        let ignoredColumns: string[] = [];
        const createdAs = createdFrom.get(lower(s.name));
        if (!t && !createdAs) {
          const sql = creates.get(source.absPath)?.get(lower(s.name));
          if (!sql) {
            plan.steps.push(`-- ${s.name}: not merged: no CREATE TABLE statement in ${source.path} (a virtual or internal table)`);
            continue;
          }
          plan.steps.push(`-- ${s.name}: only in ${source.path}: created from its schema`, createIfNotExists(sql, s.name) + ';');
          createdFrom.set(lower(s.name), s);
          key = ownKey(s);
          expected.set(lower(s.name), { table: s.name, count: 0, parts: [], exact: true });
        } else if (!t) {
          // Into the table made from an earlier file's schema: matched as on a table the target has, on
          // a natural key both hold before a row id (each file hands out its own ids, so those are left
          // for the table to assign); with no key both hold, rows are appended.
          const chosen = chooseKey(s, createdAs!);
          key = chosen?.key;
          ignoredColumns = chosen?.ignored ?? [];
        } else {
          if (!comparison_?.key || !comparison_.rows) {
            plan.steps.push(`-- ${s.name}: not merged: ${comparison_?.note ?? 'rows not compared'}`);
            continue;
          }
          key = comparison_.key;
        }
        const { copy, leftOut } = t ? copiedColumns(s, t, comparison_) : copiedColumns(s, createdAs, { ignoredColumns });
        if (leftOut.length > 0) plan.steps.push(`-- ${s.name}: columns of ${source.path} that ${target.path} lacks, left out: ${leftOut.join(', ')}`);
        const cols = copy.map(quoteIdent).join(', ');
        // Rows whose key is NULL are never equal to another: the comparison skips them, and so does the merge.
        const where = key && t ? key.map((k) => `${quoteIdent(k)} IS NOT NULL`).join(' AND ') : 'true';
        plan.steps.push(`INSERT INTO main.${quoteIdent(s.name)} (${cols}) SELECT ${cols} FROM ${from} WHERE ${where} ON CONFLICT DO NOTHING;`);
        const entry = expected.get(lower(s.name))!;
        if (!t && s.rowCount === undefined) entry.exact = false;
        const conflict = (keptFrom: string, count: number, examples: readonly RowExample[]) => {
          plan.conflicts.push({ source: source.path, table: s.name, count, keys: examples.map((e) => e.key), keptFrom });
          plan.steps.push(`-- ${s.name}: ${count} row(s) of ${source.path} share a key with ${keptFrom} but differ; ${keptFrom}'s row is kept. Decide each:`);
          for (const e of examples) plan.steps.push(`--   conflict: ${e.key} (differs in ${(e.columns ?? []).join(', ')})`);
          if (count > examples.length) plan.steps.push(`--   … and ${count - examples.length} more`);
        };
        const rows = comparison_?.rows;
        if (rows && rows.differing > 0) conflict(target.path, rows.differing, rows.examples.differing);
        // Rows whose key a file merged before holds (not the target): that file's row stays.
        let alreadyMerged = 0;
        const earlier = key ? (mergedFrom.get(lower(s.name)) ?? []).filter((e) => key!.every((k) => hasColumn(e.table, k))) : [];
        if (key && earlier.length > 0) {
          const compared = copy.filter((c) => !key!.some((k) => lower(k) === lower(c)));
          const overlap = overlapOf({
            table: s.name, key, columns: compared, source: { path: source.path, absPath: source.absPath },
            earlier: earlier.map((e) => ({ path: e.path, absPath: e.absPath, columns: compared.filter((c) => hasColumn(e.table, c)) })),
            ...(t ? { target: { absPath: target.absPath } } : {}),
          });
          if (overlap.error) {
            entry.exact = false;
            plan.steps.push(`-- ${s.name}: rows ${source.path} shares with ${earlier.map((e) => e.path).join(', ')} not counted (${overlap.error}): no row-count check`);
          }
          for (const shared of overlap.shared) {
            alreadyMerged += shared.rows;
            if (shared.differing > 0) conflict(shared.path, shared.differing, shared.examples);
          }
        }
        const added = (t ? comparison_!.rows!.onlyInSource : (s.rowCount ?? 0)) - alreadyMerged;
        entry.count += added;
        entry.touched = true;
        entry.parts.push(`${added} from ${source.path}`);
        if (key) plan.checks.push(keyCoverageCheck(alias, source.path, s.name, key));
        if (!mergedFrom.has(lower(s.name))) mergedFrom.set(lower(s.name), []);
        mergedFrom.get(lower(s.name))!.push({ path: source.path, absPath: source.absPath, table: s });
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
