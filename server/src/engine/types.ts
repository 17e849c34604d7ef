// The values that flow through the pipeline:
// files → detectors → references → rules → findings → reports.
// Nothing here knows about LSP connections or `vscode`.

/** Database engines the engine can tell apart. Graph stores and anything else are `unknown`. */
export type Engine = 'sqlite' | 'postgres' | 'mysql' | 'mssql' | 'oracle' | 'mongodb' | 'redis' | 'unknown';

/** 0-based line and UTF-16 column, as in the LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type ReferenceKind =
  /** A string or config value locating a SQLite file. */
  | 'sqlite-path'
  /** A literal (possibly templated) database URL or DSN. */
  | 'connection-url'
  /** Code or config reading a database env var. */
  | 'env-read'
  /** A place defining a database env var. */
  | 'env-define'
  /** A hardcoded database or schema name used to connect or qualify. */
  | 'db-name';

/** One place in one file that designates a database. */
export interface DbReference {
  /** Workspace-relative path, POSIX separators. */
  path: string;
  /** The text of the reference itself (the value, not its quotes; the var name for env refs). */
  range: Range;
  kind: ReferenceKind;
  engine: Engine;
  /** The SQLite file's basename, the database name if visible, else the env var name. */
  target: string;
  /** The reference's text with any password replaced by `***`. */
  value: string;
  /** True when a literal password is embedded in the value. */
  credentials: boolean;
  /** For env-read / env-define: the variable's name. */
  envVar?: string;
  /**
   * For a literal: the env var whose read this literal is only the default of
   * (`os.getenv("DATABASE_PATH", "/app/zoe.db")`, `${DATABASE_PATH:-/app/zoe.db}`).
   */
  defaultOf?: string;
  /**
   * For a literal: the env var whose definition holds it as its value (`.env`, compose
   * `environment:`, Dockerfile `ENV`): configuration, where literal paths and URLs belong.
   */
  definedBy?: string;
  /**
   * For env-define: a digest of the raw defined value, so definitions can be compared
   * (env-mismatch) without keeping the secret. Absent when the definition has no value.
   */
  valueDigest?: string;
  /** For env-define: the environment the definition belongs to (a .env file, a compose service). */
  environment?: string;
}

/** How a table name was found. */
export type TableForm = 'sql' | 'sqlalchemy' | 'alembic' | 'prisma' | 'django' | 'orm';

/** A table declared or referenced by name (used by prefixed-table and the inventory). */
export interface TableReference {
  path: string;
  /** The table name itself (without schema qualifier or quotes). */
  range: Range;
  name: string;
  /** The schema qualifier when one is written (`rag.documents` → `rag`). */
  schema?: string;
  form: TableForm;
  /** True when this place creates/declares the table (CREATE TABLE, __tablename__, create_table, model). */
  declaration: boolean;
}

/** A file handed to a detector. */
export interface SourceFile {
  /** Workspace-relative path, POSIX separators. */
  path: string;
  text: string;
  /**
   * The text of a document open in an editor: detectors that parse incrementally keep its parse
   * from this analysis on, so the first edit re-parses only what changed.
   */
  editing?: boolean;
}

/** What a detector reports for one file. Pure function of (path, text). */
export interface FileAnalysis {
  references: DbReference[];
  tables: TableReference[];
  /**
   * Set when a grammar's parse of the file ran past its time budget (treeSitter.ts) and the file
   * was read without it: references only a parse finds may be missing, and the audit says so.
   */
  unparsed?: GrammarName;
}

/** A tree-sitter grammar the detectors parse with. */
export type GrammarName = 'python' | 'bash' | 'ini';

/**
 * A file (or a folder, when `unreadable` or `link`) the audit did not read in full, and why: listed in every
 * report and the language server's log, so a reference it could not see is not lost without a word.
 */
export interface AuditNotice {
  path: string;
  reason: 'too-large' | 'parse-budget' | 'unreadable' | 'link';
  message: string;
}

export type Detector = (file: SourceFile) => FileAnalysis;

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export type RuleId =
  | 'legacy-database'
  | 'unknown-database'
  | 'hardcoded-database-path'
  | 'hardcoded-connection-string'
  | 'credentials-in-connection-string'
  | 'legacy-env-var'
  | 'env-mismatch'
  | 'undeclared-database-file'
  | 'prefixed-table'
  | 'invalid-rules-file'
  /** From inspecting the databases themselves (engine/inspect), not from references. */
  | 'duplicate-table'
  | 'diverging-rows';

/** A place in another file that explains a finding (usually the rules file entry). */
export interface RelatedLocation {
  path: string;
  range: Range;
  message: string;
}

/**
 * What a quick fix needs to know, carried on the finding (and the LSP diagnostic's `data`),
 * so fixes never parse message text.
 */
export interface FindingData {
  /** The database (rules file key) the finding points towards, e.g. `zoe`. */
  targetDatabase?: string;
  /** The env var the code should read instead. */
  targetEnv?: string;
  /** The target's SQLite file path, for a default value. */
  targetFile?: string;
  /** The referenced database/file/var as found. */
  found?: string;
  /** For prefixed-table: the schema and the unprefixed table name. */
  schema?: string;
  table?: string;
  /** For env-mismatch: the vars of the group. */
  group?: string[];
  kind?: ReferenceKind;
  /** The reference's engine (unknown-database: how to declare it). */
  engine?: Engine;
  /** A literal password is embedded (a fix must never keep the literal in code). */
  credentials?: boolean;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  path: string;
  range: Range;
  message: string;
  related?: RelatedLocation[];
  data: FindingData;
}
