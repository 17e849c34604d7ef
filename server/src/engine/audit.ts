// The pipeline, shared by the language server and the CLI:
// files → detectors → references → rules → findings → reports.
// `evaluate` is the pure cross-file half (rules over the workspace index); `auditWorkspace`
// adds the walk and the per-file analysis, cached by content hash.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseRulesFile, type RulesConfig, type RulesProblem } from './config/rulesFile';
import { DatabaseResolver, type DatabaseRole } from './databases';
import { analyzeFile } from './detectors';
import { isDatabaseEnvVar } from './envVars';
import { globMatcher, isLiteral } from './rules/context';
import { runRules } from './rules';
import { loadGrammars } from './treeSitter';
import { TOOL_VERSION } from './ruleDocs';
import type { DbReference, Engine, FileAnalysis, Finding, TableReference } from './types';
import { readSourceText, walkWorkspace, type WalkedFile } from './workspace';

export const RULES_FILE_NAME = 'dbaudit.json';

/** Files read ahead of the one being analyzed. */
const READ_AHEAD = 16;

export interface DatabaseSummary {
  name: string;
  engine: Engine;
  references: number;
  files: number;
  role: DatabaseRole;
  absorbedInto?: string;
}

export interface EvaluationInput {
  /** Per-file analyses, by workspace-relative path. */
  analyses: ReadonlyMap<string, FileAnalysis>;
  /** Workspace-relative paths of database files on disk. */
  databaseFiles: readonly string[];
  config: RulesConfig | undefined;
  isGitIgnored(path: string): boolean;
}

export interface Evaluation {
  references: DbReference[];
  tables: TableReference[];
  findings: Finding[];
  databases: DatabaseSummary[];
}

/**
 * Marks literals that are the value of an env definition on the same line (`.env`, compose
 * `environment:`, Dockerfile `ENV`): configuration, where literal paths and URLs belong.
 */
export function linkDefinitions(refs: readonly DbReference[]): DbReference[] {
  const defines = refs.filter((r) => r.kind === 'env-define');
  if (defines.length === 0) return [...refs];
  return refs.map((r) => {
    if (!isLiteral(r)) return r;
    const owner = defines.find((d) => d.range.start.line === r.range.start.line && d.range.end.character <= r.range.start.character);
    return owner ? { ...r, definedBy: owner.envVar } : r;
  });
}

/** The references that are about databases: every literal, and env refs to database vars. */
export function databaseReferences(refs: readonly DbReference[], resolver: DatabaseResolver): DbReference[] {
  return refs.filter((r) => isLiteral(r) || (r.envVar !== undefined && isDatabaseEnvVar(r.envVar, resolver.declaredVars)));
}

export function evaluate(input: EvaluationInput): Evaluation {
  const resolver = new DatabaseResolver(input.config);
  const references: DbReference[] = [];
  const tables: TableReference[] = [];
  for (const p of [...input.analyses.keys()].sort()) {
    const a = input.analyses.get(p)!;
    references.push(...databaseReferences(linkDefinitions(a.references), resolver));
    tables.push(...a.tables);
  }
  const findings = runRules({
    config: input.config,
    resolver,
    references,
    tables,
    databaseFiles: input.databaseFiles,
    isGitIgnored: input.isGitIgnored,
    allowsHardcoded: globMatcher(input.config?.allowHardcoded ?? []),
  });
  return { references, tables, findings, databases: summarize(references, input.config, resolver) };
}

/** References and files per database, declared ones listed even when nothing uses them. */
export function summarize(references: readonly DbReference[], config: RulesConfig | undefined, resolver: DatabaseResolver): DatabaseSummary[] {
  const byName = new Map<string, { summary: DatabaseSummary; files: Set<string>; engines: Map<Engine, number> }>();
  const entry = (name: string, role: DatabaseRole, engine: Engine | undefined, absorbedInto?: string) => {
    let e = byName.get(name);
    if (!e) {
      e = { summary: { name, engine: engine ?? 'unknown', references: 0, files: 0, role, ...(absorbedInto ? { absorbedInto } : {}) }, files: new Set(), engines: new Map() };
      byName.set(name, e);
    }
    return e;
  };
  for (const spec of config?.databases ?? []) {
    entry(spec.name, spec.role, spec.engine);
    for (const a of spec.absorbs) entry(a, 'legacy', spec.engine, spec.name); // merged into it, so of its engine
  }
  for (const ref of references) {
    const res = resolver.resolve(ref);
    if (!res) continue;
    const e = entry(res.name, res.role, undefined, res.role === 'legacy' ? res.spec?.name : undefined);
    e.summary.references++;
    e.files.add(ref.path);
    if (ref.engine !== 'unknown' && isLiteral(ref)) e.engines.set(ref.engine, (e.engines.get(ref.engine) ?? 0) + 1);
  }
  return [...byName.values()]
    .map(({ summary, files, engines }) => {
      const seen = [...engines.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      return { ...summary, files: files.size, engine: summary.engine !== 'unknown' ? summary.engine : seen ?? 'unknown' };
    })
    .sort((a, b) => b.references - a.references || (a.name < b.name ? -1 : 1));
}

/** Texts of one path whose analyses stay cached: what the editor shows and what is on disk. */
const VERSIONS_PER_PATH = 2;

/**
 * Per-file analysis results by content hash (of the tool version, path and text), reusable
 * across runs in one process, and across processes through analysisStore.ts.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, FileAnalysis>();
  /** Keys looked up since this cache was made: what a stored cache keeps (the rest is stale). */
  private readonly usedKeys = new Set<string>();
  /** Per path, the keys of its most recent texts, oldest first. */
  private readonly recent = new Map<string, string[]>();

  static key(relPath: string, text: string): string {
    return createHash('sha1').update(TOOL_VERSION).update('\0').update(relPath).update('\0').update(text).digest('hex');
  }

  analyze(relPath: string, text: string): FileAnalysis {
    const key = AnalysisCache.key(relPath, text);
    this.usedKeys.add(key);
    this.remember(relPath, key);
    let result = this.entries.get(key);
    if (!result) {
      result = analyzeFile({ path: relPath, text });
      this.entries.set(key, result);
    }
    return result;
  }

  /** How many analyses are held. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Keeps the analyses of a path's latest texts only (an editor's buffer and the disk's), so a
   * long editing session in the server does not hold every version that was typed.
   */
  private remember(relPath: string, key: string): void {
    const keys = (this.recent.get(relPath) ?? []).filter((k) => k !== key);
    keys.push(key);
    while (keys.length > VERSIONS_PER_PATH) {
      const old = keys.shift()!;
      this.entries.delete(old);
      this.usedKeys.delete(old);
    }
    this.recent.set(relPath, keys);
  }

  /** Adds stored results. */
  seed(entries: Iterable<[string, FileAnalysis]>): void {
    for (const [key, analysis] of entries) this.entries.set(key, analysis);
  }

  /** The results looked up since this cache was made. */
  used(): Array<[string, FileAnalysis]> {
    return [...this.usedKeys].sort().map((k) => [k, this.entries.get(k)!]);
  }
}

export interface AuditOptions {
  root: string;
  /** The rules file; defaults to `<root>/dbaudit.json` when it exists. */
  configPath?: string;
  maxFileSize?: number;
  cache?: AnalysisCache;
  /** Called as files are analyzed (for progress reporting). */
  onProgress?(done: number, total: number): void;
  /** Called with each file's analysis as it is made (an editor checks open files before the scan ends). */
  onAnalysis?(path: string, analysis: FileAnalysis): void;
  /** Stops the audit between files (it rejects with the signal's reason): a cancelled editor request. */
  signal?: AbortSignal;
}

export interface RulesFileState {
  /** Workspace-relative path (or absolute when outside the root). */
  path: string;
  config?: RulesConfig;
  problems: RulesProblem[];
}

export interface AuditResult extends Evaluation {
  root: string;
  filesScanned: number;
  rulesFile?: RulesFileState;
  files: WalkedFile[];
  analyses: Map<string, FileAnalysis>;
}

/** Reads and validates the rules file; undefined when there is none. Throws only for a missing file the user named. */
export async function loadRulesFile(root: string, configPath: string | undefined): Promise<RulesFileState | undefined> {
  const abs = configPath ? path.resolve(configPath) : path.join(root, RULES_FILE_NAME);
  let text: string;
  try {
    text = await fs.readFile(abs, 'utf8');
  } catch (e) {
    if (configPath) throw new Error(`cannot read rules file ${configPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
  const rel = path.relative(root, abs);
  const shown = rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
  return { path: shown, ...parseRulesFile(text, shown) };
}

export async function auditWorkspace(options: AuditOptions): Promise<AuditResult> {
  const root = path.resolve(options.root);
  await loadGrammars();
  const rulesFile = await loadRulesFile(root, options.configPath);
  const config = rulesFile?.config;
  const files = await walkWorkspace({ root, maxFileSize: options.maxFileSize, ignoreGlobs: config?.ignore });
  const cache = options.cache ?? new AnalysisCache();
  const analyses = new Map<string, FileAnalysis>();
  const sources = files.filter((f) => f.kind === 'source');
  let done = 0;
  // Reads run ahead of the analysis (bounded), so the disk works while the parsers do.
  const reads: Array<Promise<string | undefined> | undefined> = [];
  let requested = 0;
  for (const f of sources) {
    options.signal?.throwIfAborted();
    while (requested < sources.length && requested - done < READ_AHEAD) reads[requested] = readSourceText(sources[requested++].absPath);
    const text = await reads[done];
    reads[done] = undefined;
    if (text !== undefined) {
      const analysis = cache.analyze(f.path, text);
      analyses.set(f.path, analysis);
      options.onAnalysis?.(f.path, analysis);
    }
    done++; // not inside `onProgress?.(...)`: optional calls skip their arguments
    options.onProgress?.(done, sources.length);
  }
  const ignored = new Set(files.filter((f) => f.gitIgnored).map((f) => f.path));
  const evaluation = evaluate({
    analyses,
    databaseFiles: files.filter((f) => f.kind === 'database').map((f) => f.path),
    config,
    isGitIgnored: (p) => ignored.has(p),
  });
  return { root, filesScanned: analyses.size, rulesFile, files, analyses, ...evaluation };
}
