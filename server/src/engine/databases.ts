// Which database of the rules file a reference designates. The rules, the databases summary
// and (later) hover and find-references all ask the same question, so it is answered here once.

import { basename, type DatabaseSpec, type RulesConfig } from './config/rulesFile';
import type { DbReference, Finding } from './types';

export type DatabaseRole = 'primary' | 'specialized' | 'legacy' | 'unknown';

export interface Resolution {
  /** The name the summary lists it under: the rules file key for declared databases, else the target. */
  name: string;
  role: DatabaseRole;
  /** The declared database it is, or (for legacy ones) the one that absorbs it. */
  spec?: DatabaseSpec;
  /** For an env ref: the var is one of `spec.aliases`. */
  alias?: boolean;
}

/** Names that are infrastructure, not databases anyone consolidates. */
const SYSTEM_NAMES = new Set(['postgres', 'template0', 'template1', 'public', 'information_schema', 'pg_catalog', 'mysql', 'admin', 'local', 'config']);

export class DatabaseResolver {
  private readonly byFile = new Map<string, DatabaseSpec>();
  private readonly byName = new Map<string, DatabaseSpec>();
  private readonly bySchema = new Map<string, DatabaseSpec>();
  private readonly absorbedBy = new Map<string, DatabaseSpec>();
  private readonly byEnv = new Map<string, { spec: DatabaseSpec; alias: boolean }>();
  /** Every var the rules file names: they count as database vars whatever their name. */
  readonly declaredVars = new Set<string>();

  constructor(readonly config: RulesConfig | undefined) {
    if (!config) return;
    for (const spec of config.databases) {
      this.byName.set(spec.name, spec);
      if (spec.database) this.byName.set(spec.database, spec);
      if (spec.file) this.byFile.set(basename(spec.file), spec);
      for (const s of Object.keys(spec.schemas)) this.bySchema.set(s, spec);
      for (const a of spec.absorbs) if (!this.absorbedBy.has(a)) this.absorbedBy.set(a, spec);
      if (spec.env) {
        this.byEnv.set(spec.env, { spec, alias: false });
        this.declaredVars.add(spec.env);
      }
      for (const a of spec.aliases) {
        if (!this.byEnv.has(a)) this.byEnv.set(a, { spec, alias: true });
        this.declaredVars.add(a);
      }
    }
    for (const group of config.sameDatabase) for (const v of group) this.declaredVars.add(v);
  }

  /** The database spec whose canonical env var or alias is `name`. */
  envOwner(name: string): { spec: DatabaseSpec; alias: boolean } | undefined {
    return this.byEnv.get(name);
  }

  /** What `ref` designates; undefined when it designates no particular database (templated, in-memory, infrastructure). */
  resolve(ref: DbReference): Resolution | undefined {
    if (ref.kind === 'env-read' || ref.kind === 'env-define') {
      const owner = ref.envVar ? this.byEnv.get(ref.envVar) : undefined;
      return owner ? { name: owner.spec.name, role: owner.spec.role, spec: owner.spec, alias: owner.alias } : undefined;
    }
    return this.resolveTarget(ref.target, ref.engine, ref.kind === 'db-name');
  }

  /**
   * The database a finding is about, by the name the databases summary lists it under (`auth.db`
   * for a legacy file, `zoe` for a declared one); undefined when it is about no one database.
   */
  databaseOfFinding(finding: Finding): string | undefined {
    const found = finding.data.found;
    if (found === undefined || finding.data.group) return undefined; // env-mismatch: a group of vars
    if (finding.data.kind === 'env-read' || finding.data.kind === 'env-define') return this.byEnv.get(found)?.spec.name;
    if (finding.rule === 'prefixed-table') return finding.data.targetDatabase;
    const engine = finding.data.engine ?? (finding.data.kind === 'sqlite-path' || finding.rule === 'undeclared-database-file' ? 'sqlite' : 'unknown');
    return this.resolveTarget(found, engine, finding.data.kind === 'db-name')?.name;
  }

  /** Resolves a database name or SQLite file name as written. */
  resolveTarget(target: string, engine: DbReference['engine'], isName = false): Resolution | undefined {
    if (target === '' || target === '<dynamic>' || target === ':memory:') return undefined;
    const absorber = this.absorbedBy.get(target);
    if (absorber) return { name: target, role: 'legacy', spec: absorber };
    const declared = this.declared(target, engine);
    if (declared) return { name: declared.name, role: declared.role, spec: declared };
    // A target that is an env var name came from a templated URL: whatever the var holds.
    if (/^[A-Z_][A-Z0-9_]*$/.test(target)) {
      const owner = this.byEnv.get(target);
      return owner ? { name: owner.spec.name, role: owner.spec.role, spec: owner.spec } : undefined;
    }
    if (isName && SYSTEM_NAMES.has(target.toLowerCase())) return undefined;
    // Same name as a declared database of another engine: keep the two apart in summaries.
    return { name: this.byName.has(target) ? `${target} (${engine})` : target, role: 'unknown' };
  }

  private declared(target: string, engine: DbReference['engine']): DatabaseSpec | undefined {
    if (engine === 'sqlite') {
      const byFile = this.byFile.get(target);
      if (byFile) return byFile;
      const stem = target.replace(/\.(db|sqlite3?|db3)$/i, '');
      const byName = this.byName.get(stem);
      return byName && !byName.file && (byName.engine ?? 'sqlite') === 'sqlite' ? byName : undefined;
    }
    // A name only designates a declared database of the same engine (a postgres `zoe` is not the SQLite zoe).
    const spec = this.byName.get(target) ?? this.bySchema.get(target);
    return spec && (!spec.engine || spec.engine === 'unknown' || engine === 'unknown' || spec.engine === engine) ? spec : undefined;
  }

  /** True when `file` (a basename) is declared or absorbed by the rules file. */
  knowsFile(file: string): boolean {
    return this.byFile.has(file) || this.absorbedBy.has(file) || this.declared(file, 'sqlite') !== undefined;
  }
}
