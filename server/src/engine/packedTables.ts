// A file's tables as a language server keeps them after a scan: names and numbers in flat
// arrays instead of four objects per table (the table, its Range, two Positions, ~270 bytes).
// At 100k files the bench tree holds 359,150 tables: ~98 MB of the server's heap as objects,
// ~17 MB packed. They are rebuilt, as the detector made them, only when something reads them
// (the prefixed-table rule for a file whose findings are recomputed, a report, fix-all).

import type { DbReference, FileAnalysis, GrammarName, TableForm, TableReference } from './types';

const FORMS: readonly TableForm[] = ['sql', 'sqlalchemy', 'alembic', 'prisma', 'django', 'orm'];

/** Numbers per table: start line, start character, end line, end character, form index * 2 + declaration. */
const FIELDS = 5;

/** Tables without their path (the file's) and without objects per table; arrays a worker can post. */
export interface PackedTables {
  names: string[];
  /** Each table's schema qualifier (undefined when none is written); absent when no table has one. */
  schemas?: Array<string | undefined>;
  /** 32-bit: half the bytes of a number array's (8 per element), ~7 MB of the server's heap at 359k tables. */
  numbers: Int32Array;
}

export function packTables(tables: readonly TableReference[]): PackedTables {
  const names: string[] = [];
  const numbers: number[] = [];
  let schemas: Array<string | undefined> | undefined;
  tables.forEach((t, i) => {
    names.push(t.name);
    if (t.schema !== undefined) (schemas ??= new Array<string | undefined>(tables.length).fill(undefined))[i] = t.schema;
    const { start, end } = t.range;
    numbers.push(start.line, start.character, end.line, end.character, FORMS.indexOf(t.form) * 2 + (t.declaration ? 1 : 0));
  });
  const packed = Int32Array.from(numbers);
  return schemas ? { names, schemas, numbers: packed } : { names, numbers: packed };
}

/** The tables again, each with the same properties in the same order as the detectors write them (collector.ts). */
export function unpackTables(path: string, packed: PackedTables): TableReference[] {
  const out: TableReference[] = [];
  const n = packed.numbers;
  packed.names.forEach((name, i) => {
    const at = i * FIELDS;
    const range = { start: { line: n[at], character: n[at + 1] }, end: { line: n[at + 2], character: n[at + 3] } };
    const form = FORMS[n[at + 4] >> 1];
    const declaration = (n[at + 4] & 1) === 1;
    const schema = packed.schemas?.[i];
    out.push(schema === undefined ? { path, range, name, form, declaration } : { path, range, name, schema, form, declaration });
  });
  return out;
}

/**
 * A file's analysis with its tables packed. `tables` builds a new array on each read: read it
 * once per use, and ask `tableCount` for how many there are.
 */
export class PackedAnalysis implements FileAnalysis {
  readonly references: DbReference[];
  // Declared, not a field: only the rare analysis that has it holds the property.
  declare readonly unparsed?: GrammarName;
  readonly #path: string;
  readonly #tables: PackedTables;

  constructor(path: string, references: DbReference[], tables: PackedTables, unparsed?: GrammarName) {
    this.references = references;
    if (unparsed) (this as { unparsed?: GrammarName }).unparsed = unparsed;
    this.#path = path;
    this.#tables = tables;
  }

  get tables(): TableReference[] {
    return unpackTables(this.#path, this.#tables);
  }

  get tableCount(): number {
    return this.#tables.names.length;
  }

  /** As a plain analysis (an analysis store writes the cache as JSON). */
  toJSON(): FileAnalysis {
    return this.unparsed ? { references: this.references, tables: this.tables, unparsed: this.unparsed } : { references: this.references, tables: this.tables };
  }
}

/** How many tables an analysis holds, without rebuilding packed ones. */
export function tableCount(analysis: FileAnalysis): number {
  return analysis instanceof PackedAnalysis ? analysis.tableCount : analysis.tables.length;
}
