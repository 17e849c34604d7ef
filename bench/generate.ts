// Deterministic synthetic monorepo for `npm run bench`: Python services, TS packages, compose
// files, .env files, shell, SQL, JSON, docs and other text; about one file in ten refers to a
// database, and a few files are large. Same seed → byte-identical tree (one seeded PRNG, no
// clock, no Math.random, files written in a fixed order).
//
//   node --import tsx bench/generate.ts --files 10000 --seed 1 --out /tmp/tree

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

/** mulberry32: a tiny, fast 32-bit PRNG; enough for shaping test data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export interface GeneratedFile {
  path: string;
  content: string;
  /** True when the generator put a database reference in it. */
  database: boolean;
}

const WORDS = [
  'account', 'agent', 'alert', 'audit', 'batch', 'billing', 'cache', 'calendar', 'chat', 'client', 'config', 'contact',
  'digest', 'event', 'export', 'feed', 'flag', 'habit', 'health', 'ingest', 'invoice', 'job', 'journal', 'ledger',
  'list', 'media', 'memory', 'message', 'metric', 'music', 'note', 'order', 'payment', 'profile', 'queue', 'rating',
  'report', 'schedule', 'search', 'session', 'signal', 'state', 'stream', 'task', 'ticket', 'token', 'track', 'user',
  'vector', 'weather', 'widget', 'workflow',
];
const VERBS = ['load', 'save', 'build', 'parse', 'render', 'sync', 'fetch', 'update', 'merge', 'filter', 'resolve', 'emit', 'score', 'split', 'format', 'check'];
const SQLITE_FILES = ['zoe.db', 'auth.db', 'sessions.db', 'memory.db', 'calendar.db', 'journal.db', 'tasks.db', 'cache.sqlite', 'events.sqlite3', 'metrics.db3'];
const DB_ENV_VARS = ['DATABASE_URL', 'DATABASE_PATH', 'MEMORY_DB_PATH', 'POSTGRES_HOST', 'POSTGRES_PASSWORD', 'REDIS_URL', 'RAG_DATABASE_URL', 'PLATFORM_DATABASE_URL'];
const OTHER_ENV_VARS = ['LOG_LEVEL', 'PORT', 'API_BASE', 'FEATURE_FLAGS', 'SENTRY_DSN', 'TIMEOUT_SECONDS', 'WORKERS', 'REGION'];
const PG_DATABASES = ['platform', 'zoe_rag', 'analytics', 'billing'];

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function ident(r: Rng): string {
  return `${r.pick(VERBS)}_${r.pick(WORDS)}`;
}

function camel(r: Rng): string {
  return `${r.pick(VERBS)}${cap(r.pick(WORDS))}`;
}

/** One database reference in the idiom of the file's language. */
function pythonDbLine(r: Rng): string {
  switch (r.int(0, 6)) {
    case 0: return `conn = sqlite3.connect("/app/data/${r.pick(SQLITE_FILES)}")`;
    case 1: return `DB_PATH = os.getenv("${r.pick(DB_ENV_VARS)}", "/app/data/${r.pick(SQLITE_FILES)}")`;
    case 2: return `engine = create_engine("postgresql+asyncpg://app:secret@db:5432/${r.pick(PG_DATABASES)}")`;
    case 3: return `url = os.environ["${r.pick(DB_ENV_VARS)}"]`;
    case 4: return `__tablename__ = "rag_${r.pick(WORDS)}s"`;
    case 5: return `conn = psycopg2.connect(dbname="${r.pick(PG_DATABASES)}", host="db")`;
    default: return `DB = Path(ROOT) / "data" / "${r.pick(SQLITE_FILES)}"`;
  }
}

function tsDbLine(r: Rng): string {
  switch (r.int(0, 4)) {
    case 0: return `const db = new Database('data/${r.pick(SQLITE_FILES)}');`;
    case 1: return `const url = process.env.${r.pick(DB_ENV_VARS)} ?? 'postgres://localhost/${r.pick(PG_DATABASES)}';`;
    case 2: return `const pool = new Pool({ connectionString: process.env.${r.pick(DB_ENV_VARS)} });`;
    case 3: return `const cache = createClient({ url: 'redis://cache:6379/0' });`;
    default: return `const rows = await db.query('SELECT * FROM rag_${r.pick(WORDS)}s WHERE id = $1', [id]);`;
  }
}

function pythonFile(r: Rng, database: boolean, targetLines: number): string {
  const out: string[] = [`"""${cap(r.pick(WORDS))} ${r.pick(WORDS)} service: ${r.pick(VERBS)}s and ${r.pick(VERBS)}s ${r.pick(WORDS)}s."""`, 'import logging', 'from dataclasses import dataclass'];
  if (database) out.push('import os', 'import sqlite3', 'from pathlib import Path');
  else if (r.chance(0.15)) out.push('import os', '', `LEVEL = os.getenv("${r.pick(OTHER_ENV_VARS)}", "info")`);
  out.push('', 'log = logging.getLogger(__name__)', '');
  let dbLeft = database ? r.int(1, 3) : 0;
  while (out.length < targetLines) {
    const name = cap(r.pick(WORDS));
    out.push('', '@dataclass', `class ${name}${cap(r.pick(WORDS))}:`, `    """Holds one ${r.pick(WORDS)}."""`, '', `    id: int`, `    ${r.pick(WORDS)}: str = ""`, '');
    for (let m = r.int(1, 4); m > 0; m--) {
      const fn = ident(r);
      out.push(`    def ${fn}(self, ${r.pick(WORDS)}, limit=${r.int(1, 500)}):`, `        # ${r.pick(VERBS)} the ${r.pick(WORDS)} before we ${r.pick(VERBS)} it`);
      for (let k = r.int(2, 8); k > 0; k--) {
        out.push(r.chance(0.3)
          ? `        if ${r.pick(WORDS)} is None:\n            return []`
          : `        ${r.pick(WORDS)}_${k} = [x for x in range(limit) if x % ${r.int(2, 9)} == 0]`);
      }
      if (dbLeft > 0 && r.chance(0.5)) {
        out.push('        ' + pythonDbLine(r).trimStart());
        dbLeft--;
      }
      out.push(`        log.debug("${fn} done: %s", ${r.pick(WORDS)})`, `        return self.id`, '');
    }
  }
  while (dbLeft-- > 0) out.push(pythonDbLine(r).trimStart());
  return out.join('\n') + '\n';
}

function tsFile(r: Rng, database: boolean, targetLines: number): string {
  const out: string[] = [`// ${cap(r.pick(WORDS))} ${r.pick(WORDS)}s: ${r.pick(VERBS)} and ${r.pick(VERBS)}.`, `import { ${camel(r)} } from '../${r.pick(WORDS)}';`];
  if (database) out.push(`import Database from 'better-sqlite3';`, `import { Pool } from 'pg';`);
  else if (r.chance(0.15)) out.push(`const level = process.env.${r.pick(OTHER_ENV_VARS)} ?? 'info';`);
  out.push('');
  let dbLeft = database ? r.int(1, 3) : 0;
  while (out.length < targetLines) {
    const iface = `${cap(r.pick(WORDS))}${cap(r.pick(WORDS))}`;
    out.push(`export interface ${iface} {`, `  id: string;`, `  ${r.pick(WORDS)}: number;`, `  ${r.pick(WORDS)}?: string[];`, '}', '');
    for (let m = r.int(1, 3); m > 0; m--) {
      out.push(`/** ${cap(r.pick(VERBS))}s a ${r.pick(WORDS)}. */`, `export async function ${camel(r)}(input: ${iface}, limit = ${r.int(1, 100)}): Promise<number> {`);
      for (let k = r.int(2, 8); k > 0; k--) {
        out.push(r.chance(0.3)
          ? `  if (!input.${r.pick(WORDS)}) return 0;`
          : `  const ${r.pick(WORDS)}${k} = [...Array(limit).keys()].filter((x) => x % ${r.int(2, 9)} === 0);`);
      }
      if (dbLeft > 0 && r.chance(0.5)) {
        out.push('  ' + tsDbLine(r));
        dbLeft--;
      }
      out.push(`  return input.id.length;`, '}', '');
    }
  }
  while (dbLeft-- > 0) out.push(tsDbLine(r));
  return out.join('\n') + '\n';
}

function composeFile(r: Rng): string {
  const out = ['services:'];
  for (let s = r.int(2, 5); s > 0; s--) {
    const svc = r.pick(WORDS);
    out.push(`  ${svc}-${s}:`, `    image: example/${svc}:${r.int(1, 9)}.${r.int(0, 20)}`, '    environment:', `      - ${r.pick(DB_ENV_VARS)}=\${${r.pick(DB_ENV_VARS)}}`, `      - LOG_LEVEL=info`);
    if (r.chance(0.5)) out.push(`      - DATABASE_PATH=/app/data/${r.pick(SQLITE_FILES)}`);
    out.push('    volumes:', `      - ./data:/app/data`, `    depends_on: [db]`);
  }
  out.push('  db:', '    image: postgres:16', '    environment:', '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}', `      POSTGRES_DB: ${r.pick(PG_DATABASES)}`);
  return out.join('\n') + '\n';
}

function envFile(r: Rng): string {
  const out = [`# ${r.pick(WORDS)} settings`];
  for (let i = r.int(3, 10); i > 0; i--) out.push(`${r.pick(OTHER_ENV_VARS)}=${r.pick(WORDS)}`);
  out.push(`DATABASE_URL=postgresql://app:\${POSTGRES_PASSWORD}@db:5432/${r.pick(PG_DATABASES)}`, `DATABASE_PATH=/app/data/${r.pick(SQLITE_FILES)}`);
  return out.join('\n') + '\n';
}

function shellFile(r: Rng, database: boolean): string {
  const out = ['#!/usr/bin/env bash', 'set -euo pipefail', ''];
  for (let i = r.int(5, 40); i > 0; i--) {
    out.push(r.chance(0.3) ? `# ${r.pick(VERBS)} the ${r.pick(WORDS)}s` : `${r.pick(['echo', 'mkdir -p', 'cp -r', 'rm -f', 'ls'])} ./${r.pick(WORDS)}/${r.pick(WORDS)}`);
  }
  if (database) out.push(`sqlite3 "\${DATABASE_PATH:-/app/data/${r.pick(SQLITE_FILES)}}" ".backup /backups/${r.pick(WORDS)}.db"`);
  return out.join('\n') + '\n';
}

function sqlFile(r: Rng, targetLines: number): string {
  const out = [`-- ${r.pick(WORDS)} migration`];
  while (out.length < targetLines) {
    const table = r.chance(0.2) ? `rag_${r.pick(WORDS)}s` : `${r.pick(WORDS)}_${r.pick(WORDS)}s`;
    out.push(`CREATE TABLE IF NOT EXISTS ${table} (`, '  id BIGSERIAL PRIMARY KEY,', `  ${r.pick(WORDS)} TEXT NOT NULL,`, `  created_at TIMESTAMPTZ DEFAULT now()`, ');');
    for (let i = r.int(0, 6); i > 0; i--) out.push(`INSERT INTO ${table} (${r.pick(WORDS)}) VALUES ('${r.pick(WORDS)} ${r.int(0, 99999)}');`);
  }
  return out.join('\n') + '\n';
}

function jsonFile(r: Rng, database: boolean): string {
  const obj: Record<string, unknown> = { name: `@example/${r.pick(WORDS)}-${r.pick(WORDS)}`, version: `${r.int(0, 3)}.${r.int(0, 20)}.${r.int(0, 9)}`, private: true };
  obj.scripts = { build: 'tsc -b', test: `node --test ${r.pick(WORDS)}` , ...(database ? { migrate: `DATABASE_URL=postgres://localhost/${r.pick(PG_DATABASES)} node migrate.js` } : {}) };
  obj.dependencies = Object.fromEntries(Array.from({ length: r.int(1, 8) }, () => [r.pick(WORDS), `^${r.int(1, 9)}.0.0`]));
  return JSON.stringify(obj, null, 2) + '\n';
}

function markdownFile(r: Rng, database: boolean, targetLines: number): string {
  const out = [`# ${cap(r.pick(WORDS))} ${r.pick(WORDS)}`, ''];
  while (out.length < targetLines) {
    out.push(`The ${r.pick(WORDS)} ${r.pick(VERBS)}s each ${r.pick(WORDS)} and ${r.pick(VERBS)}s the ${r.pick(WORDS)} when the ${r.pick(WORDS)} changes.`, '');
    if (r.chance(0.1)) out.push('```sh', `npm run ${r.pick(VERBS)}`, '```', '');
  }
  if (database) out.push('```python', `conn = sqlite3.connect("/app/data/${r.pick(SQLITE_FILES)}")`, '```');
  return out.join('\n') + '\n';
}

function textFile(r: Rng, database: boolean): string {
  const out: string[] = [];
  for (let i = r.int(3, 30); i > 0; i--) out.push(`${r.pick(WORDS)}==${r.int(0, 9)}.${r.int(0, 30)}.${r.int(0, 9)}`);
  if (database) out.push(`# connect with mysql://reader@replica:3306/${r.pick(PG_DATABASES)}`);
  return out.join('\n') + '\n';
}

type Kind = 'python' | 'ts' | 'compose' | 'env' | 'shell' | 'sql' | 'json' | 'markdown' | 'text';
const MIX: Array<[Kind, number]> = [['python', 0.36], ['ts', 0.34], ['markdown', 0.07], ['json', 0.06], ['shell', 0.04], ['sql', 0.03], ['text', 0.05], ['compose', 0.03], ['env', 0.02]];

function pickKind(r: Rng): Kind {
  let x = r.float();
  for (const [k, p] of MIX) if ((x -= p) < 0) return k;
  return 'python';
}

/** One source file of `lines` lines in the generator's style, with database references (for editor latency). */
export function syntheticSource(language: 'python' | 'ts', lines: number, seed: number): string {
  const r = new Rng(seed);
  return language === 'python' ? pythonFile(r, true, lines) : tsFile(r, true, lines);
}

const ROOT_FILES: GeneratedFile[] = [
  {
    path: 'dbaudit.json',
    database: false,
    content: JSON.stringify({
      databases: {
        zoe: { engine: 'sqlite', file: '/app/data/zoe.db', env: 'DATABASE_PATH', absorbs: ['auth.db', 'sessions.db', 'calendar.db', 'journal.db', 'tasks.db'] },
        memory: { engine: 'sqlite', file: '/app/data/memory.db', env: 'MEMORY_DB_PATH', role: 'specialized' },
        platform: { engine: 'postgres', database: 'platform', env: 'PLATFORM_DATABASE_URL', aliases: ['RAG_DATABASE_URL'], absorbs: ['zoe_rag'], schemas: { rag: { tablePrefix: 'rag_' } } },
      },
      allowHardcoded: ['**/config.py', 'docker-compose*.yml', '.env.example'],
      forbidNewDatabaseFiles: true,
    }, null, 2) + '\n',
  },
  { path: '.gitignore', database: false, content: 'node_modules/\n__pycache__/\n*.pyc\n' },
];

/** The whole tree in memory: `files` files including the rules file, in write order. */
export function generateTree(files: number, seed: number): GeneratedFile[] {
  const r = new Rng(seed);
  const out: GeneratedFile[] = [...ROOT_FILES];
  const large = Math.max(2, Math.floor(files / 2000));
  const bodies = Math.max(0, files - out.length);
  for (let i = 0; i < bodies; i++) {
    // Directories of ~25 files, two levels deep, named like a monorepo's services and packages.
    const group = Math.floor(i / 25);
    const isLarge = i % Math.max(1, Math.floor(bodies / large)) === 7;
    const kind: Kind = isLarge ? r.pick(['python', 'ts', 'sql'] as const) : pickKind(r);
    const database = r.chance(0.04) || kind === 'compose' || kind === 'env';
    const lines = isLarge ? r.int(8000, 25000) : Math.floor(20 + 300 * r.float() ** 2);
    const area = kind === 'ts' || kind === 'json' ? 'packages' : 'services';
    const dir = `${area}/${WORDS[group % WORDS.length]}-${Math.floor(group / WORDS.length)}/${r.pick(['src', 'lib', 'core', 'api', 'jobs'])}`;
    const base = `${r.pick(WORDS)}_${i}`;
    let p: string;
    let content: string;
    switch (kind) {
      case 'python': p = `${dir}/${base}.py`; content = pythonFile(r, database, lines); break;
      case 'ts': p = `${dir}/${base}.ts`; content = tsFile(r, database, lines); break;
      case 'compose': p = `${dir}/docker-compose.${base}.yml`; content = composeFile(r); break;
      case 'env': p = `${dir}/${base}.env`; content = envFile(r); break;
      case 'shell': p = `${dir}/${base}.sh`; content = shellFile(r, database); break;
      case 'sql': p = `${dir}/${base}.sql`; content = sqlFile(r, lines); break;
      case 'json': p = `${dir}/${base}.json`; content = jsonFile(r, database); break;
      case 'markdown': p = `${dir}/${base}.md`; content = markdownFile(r, database, lines); break;
      default: p = `${dir}/${base}.txt`; content = textFile(r, database);
    }
    out.push({ path: p, content, database: database || kind === 'sql' });
  }
  return out.slice(0, Math.max(files, 0));
}

const MARKER = '.bench-generated';

/** Writes the tree to `dir`, replacing an earlier generated tree there; refuses any other non-empty directory. */
export function writeTree(dir: string, files: readonly GeneratedFile[]): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(path.join(dir, MARKER))) throw new Error(`${dir} is not empty and was not made by bench/generate.ts`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, MARKER), 'made by bench/generate.ts; safe to delete\n');
  for (const f of files) {
    const abs = path.join(dir, f.path);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, f.content);
  }
}

function main(): void {
  const { values } = parseArgs({ options: { files: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } } });
  if (!values.out) throw new Error('usage: generate.ts --files N --seed S --out DIR');
  const tree = generateTree(Number(values.files), Number(values.seed));
  writeTree(values.out, tree);
  const bytes = tree.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  console.log(`${tree.length} files, ${(bytes / 1048576).toFixed(1)} MiB, ${tree.filter((f) => f.database).length} with database references → ${values.out}`);
}

if (require.main === module) main();
