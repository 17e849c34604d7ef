// Detectors find *where* to look; this turns what they found into references with ranges,
// so every detector builds references the same way.

import { createHash } from 'node:crypto';
import { findLiterals, maskSecrets, type LiteralMatch } from './literals';
import { LineIndex } from './lineIndex';
import type { DbReference, Engine, FileAnalysis, GrammarName, SourceFile, TableForm } from './types';

/** The engine an env var's name suggests (POSTGRES_HOST → postgres), `unknown` when it says none. */
export function engineOfEnvVar(name: string): Engine {
  const n = name.toUpperCase();
  if (/(^|_)(PG|POSTGRES|POSTGRESQL|PSQL)($|_)|^PG[A-Z]+$/.test(n)) return 'postgres';
  if (/(^|_)(MYSQL|MARIADB)($|_)/.test(n)) return 'mysql';
  if (/(^|_)(MONGO|MONGODB)($|_)/.test(n)) return 'mongodb';
  if (/(^|_)REDIS($|_)/.test(n)) return 'redis';
  if (/(^|_)(MSSQL|SQLSERVER)($|_)/.test(n)) return 'mssql';
  if (/(^|_)ORACLE($|_)/.test(n)) return 'oracle';
  if (/(^|_)SQLITE3?($|_)|(^|_)(DB|DATABASE)_(PATH|FILE)$/.test(n)) return 'sqlite';
  return 'unknown';
}

export function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

export interface LiteralOptions {
  /** The literal is only the default of a read of this env var. */
  defaultOf?: string;
}

export class ReferenceCollector {
  readonly lines: LineIndex;
  private readonly analysis: FileAnalysis = { references: [], tables: [] };

  constructor(readonly file: SourceFile) {
    this.lines = new LineIndex(file.text);
  }

  /**
   * Records every URL, DSN and SQLite path within `text`, which sits at `offset` in the file
   * (for a string literal: its content, without quotes). Returns what was found.
   */
  literals(text: string, offset: number, options: LiteralOptions = {}): LiteralMatch[] {
    const found = findLiterals(text);
    for (const m of found) this.literal(m, offset, options);
    return found;
  }

  /** Records one literal match found by the caller at `offset` + match offsets. */
  literal(m: LiteralMatch, offset: number, options: LiteralOptions = {}): DbReference {
    const ref: DbReference = {
      path: this.file.path,
      range: this.lines.range(offset + m.start, offset + m.end),
      kind: m.kind,
      engine: m.engine,
      target: m.target,
      value: m.value,
      credentials: m.credentials,
    };
    if (options.defaultOf) ref.defaultOf = options.defaultOf;
    this.analysis.references.push(ref);
    return ref;
  }

  /** A read of env var `name`, whose name spans [start, end) in the file. Every var is recorded; the audit keeps database vars. */
  envRead(name: string, start: number, end: number): DbReference {
    const ref: DbReference = {
      path: this.file.path, range: this.lines.range(start, end), kind: 'env-read', engine: engineOfEnvVar(name),
      target: name, value: name, credentials: false, envVar: name,
    };
    this.analysis.references.push(ref);
    return ref;
  }

  /**
   * A definition of env var `name` (name at [start, end)) with the raw `value` (undefined when
   * the definition carries none), in `environment` (the .env file or compose service it belongs to).
   */
  envDefine(name: string, start: number, end: number, value: string | undefined, environment: string): DbReference {
    const ref: DbReference = {
      path: this.file.path, range: this.lines.range(start, end), kind: 'env-define', engine: engineOfEnvVar(name),
      target: name, value: value === undefined ? name : `${name}=${maskDefinedValue(name, value)}`, credentials: false,
      envVar: name, environment,
    };
    if (value !== undefined) ref.valueDigest = digest(value);
    this.analysis.references.push(ref);
    return ref;
  }

  /** A hardcoded database or schema name at [start, end). */
  dbName(name: string, start: number, end: number, engine: Engine): DbReference {
    const ref: DbReference = {
      path: this.file.path, range: this.lines.range(start, end), kind: 'db-name', engine, target: name, value: name, credentials: false,
    };
    this.analysis.references.push(ref);
    return ref;
  }

  /** A table named at [start, end) (the bare name, without schema or quotes). */
  table(name: string, schema: string | undefined, start: number, end: number, form: TableForm, declaration: boolean): void {
    this.analysis.tables.push({
      path: this.file.path, range: this.lines.range(start, end), name, ...(schema ? { schema } : {}), form, declaration,
    });
  }

  /** `grammar`'s parse ran past its budget: the file (or a part) was read without it. */
  unparsed(grammar: GrammarName): void {
    this.analysis.unparsed ??= grammar;
  }

  result(): FileAnalysis {
    return this.analysis;
  }
}

/** A password variable's value is a secret whatever it looks like; other values have URL passwords masked. */
export function maskDefinedValue(name: string, value: string): string {
  if (/PASSWORD|PASS$|PWD$|SECRET/i.test(name) && value !== '' && !/^\$\{?[A-Za-z_]/.test(value)) return '***';
  return maskSecrets(value);
}
