// A starter `dbaudit.json` inferred from an audit (`db-audit init`): per engine, the most
// referenced database becomes the primary and the others are listed in a comment suggesting
// `absorbs`; env vars found are named; vars whose definitions hold equal values (by digest)
// become `sameDatabase` groups. The text is JSONC that `parseRulesFile` accepts as it is.

import { DatabaseResolver } from '../databases';
import { isLiteral } from '../rules/context';
import type { DbReference, Engine } from '../types';

interface Candidate {
  name: string;
  engine: Engine;
  references: number;
  files: Set<string>;
  /** Values as written (paths), counted. */
  values: Map<string, number>;
  /** Env vars whose read defaults to it or whose definition holds it, counted. */
  envs: Map<string, number>;
}

const SERVER_ENGINES: ReadonlySet<Engine> = new Set(['postgres', 'mysql', 'mssql', 'oracle', 'mongodb']);

function top(counts: ReadonlyMap<string, number>, accept: (k: string) => boolean = () => true): string | undefined {
  return [...counts.entries()].filter(([k]) => accept(k)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

function bump(m: Map<string, number>, k: string | undefined): void {
  if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
}

/** Databases seen in the references (and SQLite files on disk), by engine, most referenced first. */
export function databaseCandidates(references: readonly DbReference[], databaseFiles: readonly string[]): Candidate[] {
  const resolver = new DatabaseResolver(undefined);
  const byKey = new Map<string, Candidate>();
  const entry = (name: string, engine: Engine) => {
    const key = `${engine}\0${name}`;
    let c = byKey.get(key);
    if (!c) byKey.set(key, (c = { name, engine, references: 0, files: new Set(), values: new Map(), envs: new Map() }));
    return c;
  };
  for (const r of references) {
    if (!isLiteral(r)) continue;
    if (r.engine !== 'sqlite' && !SERVER_ENGINES.has(r.engine)) continue;
    if (!resolver.resolveTarget(r.target, r.engine, r.kind === 'db-name')) continue; // templated, in-memory, infrastructure
    const c = entry(r.target, r.engine);
    c.references++;
    c.files.add(r.path);
    if (r.kind === 'sqlite-path') bump(c.values, r.value);
    bump(c.envs, r.defaultOf ?? r.definedBy);
  }
  for (const f of databaseFiles) entry(f.slice(f.lastIndexOf('/') + 1), 'sqlite');
  return [...byKey.values()].sort((a, b) => b.references - a.references || b.files.size - a.files.size || (a.name < b.name ? -1 : 1));
}

/** Groups of locator vars (their definitions hold a path or URL) defined with equal values. */
export function sameValueGroups(references: readonly DbReference[]): string[][] {
  const locators = new Set(references.filter((r) => r.definedBy).map((r) => r.definedBy!));
  const byDigest = new Map<string, Set<string>>();
  for (const r of references) {
    if (r.kind !== 'env-define' || !r.envVar || !r.valueDigest || !locators.has(r.envVar)) continue;
    const s = byDigest.get(r.valueDigest) ?? new Set<string>();
    s.add(r.envVar);
    byDigest.set(r.valueDigest, s);
  }
  const groups = new Map<string, string[]>();
  for (const s of byDigest.values()) {
    if (s.size < 2) continue;
    const g = [...s].sort();
    groups.set(g.join('\0'), g);
  }
  return [...groups.values()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function keyFor(c: Candidate, taken: ReadonlySet<string>): string {
  const stem = c.engine === 'sqlite' ? c.name.replace(/\.(db|sqlite3?|db3)$/i, '') : c.name;
  const base = stem || c.name;
  return taken.has(base) ? `${base}_${c.engine}` : base;
}

const j = (v: unknown) => JSON.stringify(v);

export function starterRulesFile(references: readonly DbReference[], databaseFiles: readonly string[]): string {
  const candidates = databaseCandidates(references, databaseFiles);
  const engines = [...new Set(candidates.map((c) => c.engine))];
  const usedEnvs = new Set<string>();
  const keys = new Set<string>();
  const entries: string[] = [];
  for (const engine of engines) {
    const [primary, ...others] = candidates.filter((c) => c.engine === engine);
    const key = keyFor(primary, keys);
    keys.add(key);
    const env = top(primary.envs, (v) => !usedEnvs.has(v));
    if (env) usedEnvs.add(env);
    const file = engine === 'sqlite' ? top(primary.values, (v) => v.startsWith('/')) ?? top(primary.values) ?? primary.name : undefined;
    const fields = [
      `"engine": ${j(engine)}`,
      file !== undefined ? `"file": ${j(file)}` : `"database": ${j(primary.name)}`,
      ...(env ? [`"env": ${j(env)}`] : []),
      `"role": "primary"`,
    ];
    const lines = [`    // The most referenced ${engine} database: ${primary.references} reference${primary.references === 1 ? '' : 's'} in ${primary.files.size} file${primary.files.size === 1 ? '' : 's'}.`];
    lines.push(`    ${j(key)}: {`, ...fields.map((f, i) => `      ${f}${i < fields.length - 1 || others.length ? ',' : ''}`));
    if (others.length) {
      lines.push(`      // Other ${engine} databases found (references): ${others.map((o) => `${o.name} (${o.references})`).join(', ')}.`);
      lines.push('      // List those that merge into this one here, and declare the ones kept on purpose as "specialized".');
      lines.push(`      "absorbs": [`);
      lines.push(...others.map((o, i) => `        // ${j(o.name)}${i < others.length - 1 ? ',' : ''}`));
      lines.push('      ]');
    }
    lines.push('    }');
    entries.push(lines.join('\n'));
  }
  const envVars = new Map<string, { reads: number; defines: number }>();
  for (const r of references) {
    if (!r.envVar || (r.kind !== 'env-read' && r.kind !== 'env-define')) continue;
    const e = envVars.get(r.envVar) ?? { reads: 0, defines: 0 };
    if (r.kind === 'env-read') e.reads++;
    else e.defines++;
    envVars.set(r.envVar, e);
  }
  const groups = sameValueGroups(references);
  const out = [
    '// Starter rules file written by `db-audit init` from what the audit found. Review it: name',
    '// the target architecture, then run `db-audit scan` to see what breaks it.',
    '{',
    '  "databases": {',
    entries.join(',\n'),
    '  },',
  ];
  if (envVars.size) {
    out.push('  // Database env vars found (reads, definitions):');
    const names = [...envVars.keys()].sort();
    for (let i = 0; i < names.length; i += 4) {
      out.push('  //   ' + names.slice(i, i + 4).map((n) => `${n} (${envVars.get(n)!.reads}, ${envVars.get(n)!.defines})`).join(', '));
    }
  }
  out.push('  // Vars defined with equal values somewhere: keep them equal everywhere.');
  out.push(`  "sameDatabase": [${groups.map((g) => j(g)).join(', ')}],`);
  out.push('  "allowHardcoded": [".env.example", "docker-compose*.yml"],');
  out.push('  "forbidNewDatabaseFiles": false');
  out.push('}');
  return out.join('\n') + '\n';
}
