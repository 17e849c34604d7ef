// What a detector's walk found in each statement of the last analysis of a file, so that the
// next analysis of the same path replays a statement the parser reused unchanged instead of
// walking it again. A statement's findings depend only on its own syntax tree, its text and
// the file's context (imports, settings classes), which the detectors compare before replaying;
// ranges are kept as offsets from the statement's start, so a statement that moved still lands
// on its new lines and columns.

import type { ReferenceCollector } from './collector';
import type { DbReference, TableReference } from './types';

/** One statement's findings, recorded where its text was `text`. */
export interface UnitRecord {
  /** What else the findings depend on (the statement's kind, its container, the default it is in). */
  key: string;
  text: string;
  references: Array<{ ref: DbReference; start: number; end: number }>;
  tables: Array<{ table: TableReference; start: number; end: number }>;
}

/** Where the collector stood when a statement's walk began. */
export interface UnitMark {
  references: number;
  tables: number;
}

/** Records statements' findings from a collector and replays recorded ones into it. */
export class UnitRecorder {
  constructor(
    private readonly c: ReferenceCollector,
    private readonly source: string,
  ) {}

  mark(): UnitMark {
    const a = this.c.result();
    return { references: a.references.length, tables: a.tables.length };
  }

  /** The findings added since `mark`, for the statement at [start, end). */
  record(mark: UnitMark, key: string, start: number, end: number): UnitRecord {
    const a = this.c.result();
    const lines = this.c.lines;
    const references = a.references.slice(mark.references).map((ref) => ({
      ref,
      start: lines.offsetAt(ref.range.start) - start,
      end: lines.offsetAt(ref.range.end) - start,
    }));
    const tables = a.tables.slice(mark.tables).map((table) => ({
      table,
      start: lines.offsetAt(table.range.start) - start,
      end: lines.offsetAt(table.range.end) - start,
    }));
    return { key, text: this.source.slice(start, end), references, tables };
  }

  /**
   * Replays `record` for the statement now at [start, end) when it still applies (same key, same
   * text); returns the record as of this text, or undefined when it does not apply.
   */
  replay(record: UnitRecord | undefined, key: string, start: number, end: number): UnitRecord | undefined {
    if (!record || record.key !== key || record.text.length !== end - start) return undefined;
    const text = this.source.slice(start, end);
    if (text !== record.text) return undefined;
    const a = this.c.result();
    const lines = this.c.lines;
    const references = record.references.map((r) => {
      // Spread keeps the properties' order, so reports stay byte-identical.
      const ref: DbReference = { ...r.ref, range: lines.range(start + r.start, start + r.end) };
      a.references.push(ref);
      return { ref, start: r.start, end: r.end };
    });
    const tables = record.tables.map((t) => {
      const table: TableReference = { ...t.table, range: lines.range(start + t.start, start + t.end) };
      a.tables.push(table);
      return { table, start: t.start, end: t.end };
    });
    return { key, text, references, tables };
  }
}
