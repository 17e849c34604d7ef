// The module inventory: for each module of the workspace (a folder with its own package
// manifest), the databases it uses, the env vars it reads and defines, the tables it declares,
// and the modules it shares a database or env var with. A pure function over an evaluation and
// the walked paths; `findManifests` is the one helper that looks at the disk (go.mod is no
// source file, so the walk does not list it).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RulesConfig } from './config/rulesFile';
import { DatabaseResolver, type DatabaseRole } from './databases';
import type { DbReference, Engine, TableForm, TableReference } from './types';

/** File names that make their folder a module. */
export const MANIFEST_NAMES: readonly string[] = ['package.json', 'pyproject.toml', 'requirements.txt', 'go.mod', 'setup.py', 'Cargo.toml'];

/** Manifests no detector reads, so the walk does not list them: looked for on disk. */
const UNWALKED_MANIFESTS: readonly string[] = ['go.mod'];

/** The pseudo-module holding files outside every module folder (when the root has no manifest). */
export const ROOT_MODULE = '.';

export interface ModuleDatabase {
  name: string;
  engine: Engine;
  role: DatabaseRole;
  /** References to it in this module, direct or through an env var it reads or defines. */
  references: number;
  /** The env vars through which the module reaches it (read or defined here). */
  via: string[];
}

export interface ModuleTable {
  name: string;
  schema?: string;
  path: string;
  line: number;
  form: TableForm;
}

export interface ModuleShare {
  module: string;
  databases: string[];
  envVars: string[];
}

export interface ModuleInventory {
  /** Workspace-relative folder, `.` for the root. */
  path: string;
  /** The manifest files that make it a module (none for the root pseudo-module). */
  manifests: string[];
  databases: ModuleDatabase[];
  envReads: string[];
  envDefines: string[];
  tables: ModuleTable[];
  sharesWith: ModuleShare[];
}

export interface InventoryInput {
  references: readonly DbReference[];
  tables: readonly TableReference[];
  /** Workspace-relative paths of the workspace's files (the walk), manifests among them. */
  files: readonly string[];
  config: RulesConfig | undefined;
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? ROOT_MODULE : p.slice(0, i);
}

function fileName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The module folders and their manifests, from the file list. */
export function moduleFolders(files: readonly string[]): Map<string, string[]> {
  const modules = new Map<string, string[]>();
  for (const f of files) {
    if (!MANIFEST_NAMES.includes(fileName(f))) continue;
    const dir = dirOf(f);
    modules.set(dir, [...(modules.get(dir) ?? []), fileName(f)].sort());
  }
  return modules;
}

/** The deepest module folder containing `file`; the root pseudo-module when none does. */
export function moduleOf(file: string, folders: ReadonlySet<string> | ReadonlyMap<string, unknown>): string {
  for (let dir = dirOf(file); dir !== ROOT_MODULE; dir = dirOf(dir)) if (folders.has(dir)) return dir;
  return ROOT_MODULE;
}

/**
 * Which databases each env var designates: the one the rules file gives it, and the ones its
 * definitions hold (`ORDERS_DB_URL=postgresql://…/platform` designates `platform`).
 */
export function envDatabases(references: readonly DbReference[], resolver: DatabaseResolver): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (v: string, db: string) => {
    let s = out.get(v);
    if (!s) out.set(v, (s = new Set()));
    s.add(db);
  };
  for (const r of references) {
    if (r.envVar && (r.kind === 'env-read' || r.kind === 'env-define')) {
      const owner = resolver.envOwner(r.envVar);
      if (owner) add(r.envVar, owner.spec.name);
    }
    if (r.definedBy) {
      const res = resolver.resolve(r);
      if (res) add(r.definedBy, res.name);
    }
  }
  return out;
}

export function buildInventory(input: InventoryInput): ModuleInventory[] {
  const resolver = new DatabaseResolver(input.config);
  const folders = moduleFolders(input.files);
  // The rules file's `modules` are modules even without a manifest.
  for (const m of input.config?.modules ?? []) if (!folders.has(m)) folders.set(m, []);
  const viaEnv = envDatabases(input.references, resolver);
  interface Acc {
    dbs: Map<string, { engine: Engine; role: DatabaseRole; refs: number; via: Set<string> }>;
    reads: Set<string>;
    defines: Set<string>;
    tables: ModuleTable[];
  }
  const acc = new Map<string, Acc>();
  const get = (m: string): Acc => {
    let a = acc.get(m);
    if (!a) acc.set(m, (a = { dbs: new Map(), reads: new Set(), defines: new Set(), tables: [] }));
    return a;
  };
  for (const m of folders.keys()) get(m);
  const roleOf = (name: string): { role: DatabaseRole; engine: Engine } => {
    const spec = input.config?.databases.find((d) => d.name === name);
    if (spec) return { role: spec.role, engine: spec.engine ?? 'unknown' };
    const absorber = input.config?.databases.find((d) => d.absorbs.includes(name));
    return absorber ? { role: 'legacy', engine: absorber.engine ?? 'unknown' } : { role: 'unknown', engine: 'unknown' };
  };
  const use = (a: Acc, name: string, engine: Engine, via?: string) => {
    let d = a.dbs.get(name);
    if (!d) a.dbs.set(name, (d = { ...roleOf(name), refs: 0, via: new Set() }));
    if (d.engine === 'unknown' && engine !== 'unknown') d.engine = engine;
    d.refs++;
    if (via) d.via.add(via);
  };

  for (const r of input.references) {
    const a = get(moduleOf(r.path, folders));
    if (r.kind === 'env-read' && r.envVar) a.reads.add(r.envVar);
    if (r.kind === 'env-define' && r.envVar) a.defines.add(r.envVar);
    if (r.envVar && (r.kind === 'env-read' || r.kind === 'env-define')) {
      for (const db of viaEnv.get(r.envVar) ?? []) use(a, db, r.engine, r.envVar);
      continue;
    }
    const res = resolver.resolve(r);
    if (res) use(a, res.name, r.engine, r.definedBy ?? r.defaultOf);
  }
  for (const t of input.tables) {
    if (!t.declaration) continue;
    get(moduleOf(t.path, folders)).tables.push({
      name: t.name, ...(t.schema ? { schema: t.schema } : {}), path: t.path, line: t.range.start.line + 1, form: t.form,
    });
  }

  const modules = [...acc.entries()]
    .filter(([m, a]) => folders.has(m) || a.dbs.size + a.reads.size + a.defines.size + a.tables.length > 0)
    .sort(([x], [y]) => (x === ROOT_MODULE ? -1 : y === ROOT_MODULE ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const vars = (a: Acc) => new Set([...a.reads, ...a.defines]);
  return modules.map(([m, a]) => ({
    path: m,
    manifests: folders.get(m) ?? [],
    databases: [...a.dbs.entries()]
      .map(([name, d]) => ({ name, engine: d.engine, role: d.role, references: d.refs, via: [...d.via].sort() }))
      .sort((x, y) => y.references - x.references || (x.name < y.name ? -1 : 1)),
    envReads: [...a.reads].sort(),
    envDefines: [...a.defines].sort(),
    tables: a.tables.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.path < y.path ? -1 : 1)),
    sharesWith: modules
      .filter(([other]) => other !== m)
      .map(([other, b]) => ({
        module: other,
        databases: [...a.dbs.keys()].filter((d) => b.dbs.has(d)).sort(),
        envVars: [...vars(a)].filter((v) => vars(b).has(v)).sort(),
      }))
      .filter((s) => s.databases.length + s.envVars.length > 0),
  }));
}

/**
 * The walked paths plus the manifests the walk does not list (go.mod): every folder that holds
 * a walked file, and its ancestors, is checked for one.
 */
export async function findManifests(root: string, files: readonly string[]): Promise<string[]> {
  const dirs = new Set<string>();
  for (const f of files) for (let d = dirOf(f); ; d = dirOf(d)) {
    if (dirs.has(d)) break;
    dirs.add(d);
    if (d === ROOT_MODULE) break;
  }
  const listed = new Set(files);
  const found: string[] = [];
  for (const d of [...dirs].sort()) {
    for (const name of UNWALKED_MANIFESTS) {
      const rel = d === ROOT_MODULE ? name : `${d}/${name}`;
      if (listed.has(rel)) continue;
      const stat = await fs.stat(path.join(root, rel)).catch(() => undefined);
      if (stat?.isFile()) found.push(rel);
    }
  }
  return [...files, ...found];
}

/** The inventory of a finished audit (the CLI and the server's report request). */
export async function inventoryOfAudit(audit: {
  root: string;
  files: ReadonlyArray<{ path: string }>;
  references: readonly DbReference[];
  tables: readonly TableReference[];
  rulesFile?: { config?: RulesConfig };
}): Promise<ModuleInventory[]> {
  const files = await findManifests(audit.root, audit.files.map((f) => f.path));
  return buildInventory({ references: audit.references, tables: audit.tables, files, config: audit.rulesFile?.config });
}
