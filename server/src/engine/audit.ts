// The pipeline, shared by the language server and the CLI:
// files → detectors → references → rules → findings → reports.
// `evaluate` is the pure cross-file half (rules over the workspace index); `auditWorkspace`
// adds the walk and the per-file analysis, cached by content hash.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseRulesFile, type RulesConfig, type RulesProblem } from './config/rulesFile';
import { DatabaseResolver, type DatabaseRole } from './databases';
import { detectorFor, fileTypeOf, lacksParse, ruledOut, type FileType } from './detectors';
import type { ScanFilter } from './prefilter';
import { isDatabaseEnvVar } from './envVars';
import { globMatcher, isLiteral } from './rules/context';
import { runRules } from './rules';
import { loadGrammars } from './treeSitter';
import { analysisKey } from './analysisKey';
import { analysisOfOutcome, outcomeOf, type RuledOutKeys, type RuledOutOutcome } from './ruledOutKeys';
import { timeSlicer } from './timeSlice';
import type { AuditNotice, DbReference, Engine, FileAnalysis, Finding, TableReference } from './types';
import { DEFAULT_MAX_FILE_SIZE, readSourceTextSync, walkWorkspace, type WalkedFile } from './workspace';
import { scanNotices, walkNotices } from './notices';
import { SERVER_WORKER_YOUNG_MB, scanInWorkers, workerScript } from './scanPool';
import { timedPhase, timedPrefilter, timedStep, WORKERS_PHASE, type PostedTimings, type ScanTimings } from './timings';
import { availableParallelism } from 'node:os';

export const RULES_FILE_NAME = 'dbaudit.json';

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
    return owner ? withDefinedBy(r, owner.envVar) : r;
  });
}

/** A copy with `definedBy` set; not `{ ...r, definedBy }`, which V8 gives a hidden class per object. */
function withDefinedBy(r: DbReference, envVar: string | undefined): DbReference {
  const copy: DbReference = Object.assign({}, r);
  copy.definedBy = envVar;
  return copy;
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

/** What one file adds to a database's summary. */
export interface SummaryEntry {
  name: string;
  role: DatabaseRole;
  absorbedInto?: string;
  references: number;
  /** Literal references per engine, in order of first appearance. */
  engines: Partial<Record<Engine, number>>;
}

/**
 * One file's share of the database summaries: per database name, in order of first appearance.
 * Entries in an array and engine counts in an object, not Maps: a language server keeps a part
 * per file with references, and at 100k files its 33k small Maps (tables, Map objects, entries) held ~7 MB.
 */
export type SummaryPart = readonly SummaryEntry[];

const NO_SUMMARY: SummaryPart = Object.freeze([]);

/** What one file's references (all of one path) add to the summaries. */
export function summaryPart(references: readonly DbReference[], resolver: DatabaseResolver): SummaryPart {
  let part: SummaryEntry[] | undefined;
  for (const ref of references) {
    const res = resolver.resolve(ref);
    if (!res) continue;
    part ??= [];
    let e = part.find((x) => x.name === res.name);
    if (!e) {
      e = res.role === 'legacy' && res.spec
        ? { name: res.name, role: res.role, absorbedInto: res.spec.name, references: 0, engines: {} }
        : { name: res.name, role: res.role, references: 0, engines: {} };
      part.push(e);
    }
    e.references++;
    if (ref.engine !== 'unknown' && isLiteral(ref)) e.engines[ref.engine] = (e.engines[ref.engine] ?? 0) + 1;
  }
  return part ?? NO_SUMMARY;
}

/**
 * References and files per database, declared ones listed even when nothing uses them, from
 * the files' parts in path order (the editor keeps each file's part between edits).
 */
export function combineSummaries(parts: Iterable<SummaryPart>, config: RulesConfig | undefined): DatabaseSummary[] {
  const byName = new Map<string, { summary: DatabaseSummary; engines: Map<Engine, number> }>();
  const entry = (name: string, role: DatabaseRole, engine: Engine | undefined, absorbedInto?: string) => {
    let e = byName.get(name);
    if (!e) {
      e = { summary: { name, engine: engine ?? 'unknown', references: 0, files: 0, role, ...(absorbedInto ? { absorbedInto } : {}) }, engines: new Map() };
      byName.set(name, e);
    }
    return e;
  };
  for (const spec of config?.databases ?? []) {
    entry(spec.name, spec.role, spec.engine);
    for (const a of spec.absorbs) entry(a, 'legacy', spec.engine, spec.name); // merged into it, so of its engine
  }
  for (const part of parts) {
    for (const p of part) {
      const e = entry(p.name, p.role, undefined, p.absorbedInto);
      e.summary.references += p.references;
      e.summary.files++;
      for (const [engine, n] of Object.entries(p.engines) as Array<[Engine, number]>) e.engines.set(engine, (e.engines.get(engine) ?? 0) + n);
    }
  }
  return [...byName.values()]
    .map(({ summary, engines }) => {
      const seen = [...engines.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      return { ...summary, engine: summary.engine !== 'unknown' ? summary.engine : seen ?? 'unknown' };
    })
    .sort((a, b) => b.references - a.references || (a.name < b.name ? -1 : 1));
}

/** The summaries of references in any order: grouped by file, files in order of first appearance. */
export function summarize(references: readonly DbReference[], config: RulesConfig | undefined, resolver: DatabaseResolver): DatabaseSummary[] {
  const byPath = new Map<string, DbReference[]>();
  for (const ref of references) {
    const list = byPath.get(ref.path);
    if (list) list.push(ref);
    else byPath.set(ref.path, [ref]);
  }
  return combineSummaries([...byPath.values()].map((refs) => summaryPart(refs, resolver)), config);
}

/**
 * What the scan's prefilter needs from the rules file: the variables it declares whose names
 * do not already look like database variables (those count without being declared).
 */
export function scanFilterOf(config: RulesConfig | undefined): ScanFilter {
  const declared = new DatabaseResolver(config).declaredVars;
  return { declaredEnvNames: [...declared].filter((name) => !isDatabaseEnvVar(name)).sort() };
}

/** Texts of one path whose analyses stay cached: what the editor shows and what is on disk. */
const VERSIONS_PER_PATH = 2;

/**
 * Per-file analysis results by content hash (of the build's ANALYSIS_VERSION, path and text), reusable
 * across runs in one process, and across processes through analysisStore.ts.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, FileAnalysis>();
  /** Keys looked up since this cache was made: what a stored cache keeps (the rest is stale). */
  private readonly usedKeys = new Set<string>();
  /** Per path, the keys of its most recent texts, oldest first. */
  private readonly recent = new Map<string, string[]>();

  /** Where this cache's analyses spend their time while a scan asks (`--timings`): the hash, the prefilter, each detector. */
  timings: ScanTimings | undefined;

  /**
   * `ruledOut`: the files the prefilter ruled out, by key, for a cache stored across runs
   * (analysisStore.ts). With it every file is hashed first, and a known one is not prefiltered.
   */
  constructor(readonly ruledOut?: RuledOutKeys) {}

  static key(relPath: string, text: string): string {
    return analysisKey(relPath, text);
  }

  // The steps of analyze(), each timed when a scan asks.
  private keyOf(relPath: string, text: string): string {
    return timedStep(this.timings, 'hash', () => AnalysisCache.key(relPath, text));
  }

  private prefiltered(relPath: string, text: string, type: FileType | undefined, filter: ScanFilter | undefined): FileAnalysis | undefined {
    return timedPrefilter(this.timings, () => ruledOut({ path: relPath, text }, type, filter));
  }

  private detect(type: FileType, relPath: string, text: string, editing: boolean): FileAnalysis {
    return timedStep(this.timings, `detect ${type}`, () => detectorFor(type)({ path: relPath, text, editing }));
  }

  /**
   * The file's analysis; files the prefilter rules out are neither hashed nor kept. `editing`: the
   * text is an editor's open document (SourceFile.editing).
   */
  analyze(relPath: string, text: string, filter?: ScanFilter, editing = false): FileAnalysis {
    const type = fileTypeOf(relPath);
    if (this.ruledOut && type) return this.analyzeByKey(relPath, text, type, filter, editing);
    const skipped = this.prefiltered(relPath, text, type, filter);
    if (skipped) return skipped;
    const key = this.keyOf(relPath, text);
    return this.hit(relPath, key) ?? this.store(relPath, key, this.detect(type!, relPath, text, editing));
  }

  /** analyze() for a cache with ruled-out keys: the key first, the prefilter only for a file not seen before. */
  private analyzeByKey(relPath: string, text: string, type: FileType, filter: ScanFilter | undefined, editing: boolean): FileAnalysis {
    const key = this.keyOf(relPath, text);
    const held = this.hit(relPath, key) ?? this.ruledOutAnalysis(key, filter);
    if (held) return held;
    const skipped = this.prefiltered(relPath, text, type, filter);
    if (skipped) {
      this.keepRuledOut(key, outcomeOf(skipped), filter);
      return skipped;
    }
    return this.store(relPath, key, this.detect(type, relPath, text, editing));
  }

  /** The analysis of a file of `key` the prefilter ruled out before, under the same filter (NOTHING, ENV_ONLY). */
  private ruledOutAnalysis(key: string, filter: ScanFilter | undefined): FileAnalysis | undefined {
    const outcome = this.ruledOut?.outcome(key, filter);
    return outcome === undefined ? undefined : analysisOfOutcome(outcome);
  }

  /** Keeps what the prefilter said of the file of `key`, when this cache keeps ruled-out keys. */
  keepRuledOut(key: string, outcome: RuledOutOutcome, filter: ScanFilter | undefined): void {
    this.ruledOut?.keep(key, outcome, filter);
  }

  /**
   * Runs the detector of an editor's open document when its analysis came from the cache (a file
   * the scan read has the same text when opened) and it holds no parse of it, so that it keeps
   * one: otherwise the first edits of a 5,000-line file each pay a full parse (~150–250 ms).
   */
  keepParse(relPath: string, text: string, filter?: ScanFilter): void {
    const type = fileTypeOf(relPath);
    if (!type || !lacksParse(type, relPath) || ruledOut({ path: relPath, text }, type, filter)) return;
    this.store(relPath, AnalysisCache.key(relPath, text), detectorFor(type)({ path: relPath, text, editing: true }));
  }

  /** The analysis held under `key` (marked as used), or undefined. */
  hit(relPath: string, key: string): FileAnalysis | undefined {
    const result = this.entries.get(key);
    if (result) this.use(relPath, key);
    return result;
  }

  /** Keeps an analysis made elsewhere (a scan worker) under its key. */
  store(relPath: string, key: string, analysis: FileAnalysis): FileAnalysis {
    this.entries.set(key, analysis);
    this.use(relPath, key);
    return analysis;
  }

  /** The keys held: what a scan worker need not analyze again. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  private use(relPath: string, key: string): void {
    this.usedKeys.add(key);
    this.remember(relPath, key);
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
  /**
   * Audit what the workspace has, not what a rules file says (`db-audit init`): none is read,
   * and `<root>/dbaudit.json` is not analyzed as one of its files.
   */
  withoutRulesFile?: boolean;
  maxFileSize?: number;
  cache?: AnalysisCache;
  /** Called as files are analyzed (for progress reporting). */
  onProgress?(done: number, total: number): void;
  /** Called with each file's analysis as it is made (an editor checks open files before the scan ends). */
  onAnalysis?(path: string, analysis: FileAnalysis): void;
  /**
   * Threads that analyze files: 1 analyzes in this thread; more start worker threads (scanPool.ts).
   * By default worker threads on a large tree when there are more than two cores (defaultJobs).
   */
  jobs?: number;
  /**
   * Analyze a large tree in a worker thread even with one job, so this thread stays free (a
   * language server answering the editor during its scan).
   */
  offload?: boolean;
  /** Stops the audit between files (it rejects with the signal's reason): a cancelled editor request. */
  signal?: AbortSignal;
  /** A scan worker ran out of memory under this heap limit (MB); its batch is analyzed again under a higher one (a log line). */
  onWorkerOutOfMemory?(heapLimitMb: number): void;
  /** Where the scan's time goes, phase by phase (`db-audit scan --timings`); untimed when absent. */
  timings?: ScanTimings;
}

export interface RulesFileState {
  /** Workspace-relative path (or absolute when outside the root). */
  path: string;
  config?: RulesConfig;
  problems: RulesProblem[];
}

/** A walked and analyzed workspace, not yet evaluated. */
export interface WorkspaceAnalysis {
  root: string;
  filesScanned: number;
  rulesFile?: RulesFileState;
  files: WalkedFile[];
  analyses: Map<string, FileAnalysis>;
  /** Files (and folders) not read in full: over the size limit, unreadable, a parse past its budget; by path. */
  notices: AuditNotice[];
}

export interface AuditResult extends WorkspaceAnalysis, Evaluation {}

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

/** Below this much source, worker threads cost more to start than they save. */
const POOL_MIN_BYTES = 8 * 1024 * 1024;
const POOL_MIN_FILES = 2000;

function isLarge(sources: readonly WalkedFile[]): boolean {
  return sources.length >= POOL_MIN_FILES || sources.reduce((n, f) => n + f.size, 0) >= POOL_MIN_BYTES;
}

/**
 * Threads for a tree: this one for a small tree; for a large one, a worker per core but one.
 * V8's own background threads (garbage collection, compilation) keep about half a core busy
 * beside a scan: on two cores two workers measured slower than one thread (README, Performance).
 */
export function defaultJobs(sources: readonly WalkedFile[], cores = availableParallelism()): number {
  return isLarge(sources) && cores > 2 ? cores - 1 : 1;
}

/** Worker threads to start (0: analyze in this thread). */
export function workerCount(sources: readonly WalkedFile[], options: Pick<AuditOptions, 'jobs' | 'offload'>): number {
  const jobs = options.jobs ?? defaultJobs(sources);
  if (jobs > 1) return jobs;
  return options.offload && isLarge(sources) ? 1 : 0;
}

/**
 * The in-process scan, for small trees: blocking reads are faster than a promise per file
 * there, and the loop works in time slices so a language server still answers meanwhile.
 */
async function analyzeHere(
  sources: readonly WalkedFile[],
  filter: ScanFilter,
  cache: AnalysisCache,
  onFile: (index: number, rel: string, analysis: FileAnalysis | undefined) => void,
  onReadError: (rel: string, code: string) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const pause = timeSlicer();
  const timings = cache.timings;
  for (let i = 0; i < sources.length; i++) {
    await pause();
    signal?.throwIfAborted();
    const f = sources[i];
    const text = timedStep(timings, 'read', () => readSourceTextSync(f.absPath, (code) => onReadError(f.path, code)));
    onFile(i, f.path, text === undefined ? undefined : cache.analyze(f.path, text, filter));
  }
}

/**
 * The walk and each file's analysis, without the evaluation: what the language server keeps
 * (it evaluates incrementally itself, so evaluate() here would only add a second copy of every
 * reference and finding at the scan's end, its memory peak).
 */
export async function analyzeWorkspace(options: AuditOptions): Promise<WorkspaceAnalysis> {
  const root = path.resolve(options.root);
  const timings = options.timings;
  await timedPhase(timings, 'grammars', loadGrammars);
  const rulesFile = options.withoutRulesFile ? undefined : await timedPhase(timings, 'rules file', () => loadRulesFile(root, options.configPath));
  const config = rulesFile?.config;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // What the walk and the reads left out: files too large, files and folders this user may not read.
  const leftOut: AuditNotice[] = [];
  const noted = walkNotices((n) => leftOut.push(n), maxFileSize);
  const onReadError = (rel: string, code: string) => noted.onUnreadable(rel, 'file', code);
  const files = await timedPhase(timings, 'walk', () => walkWorkspace({ root, maxFileSize, ignoreGlobs: config?.ignore, ...noted }), (listed) => listed.length);
  const cache = options.cache ?? new AnalysisCache();
  const filter = scanFilterOf(config);
  const sources = files.filter((f) => f.kind === 'source' && !(options.withoutRulesFile && f.path === RULES_FILE_NAME));
  const results: Array<FileAnalysis | undefined> = new Array(sources.length);
  let done = 0;
  const onFile = (index: number, rel: string, analysis: FileAnalysis | undefined) => {
    results[index] = analysis;
    if (analysis) options.onAnalysis?.(rel, analysis);
    done++; // not inside `onProgress?.(...)`: optional calls skip their arguments
    options.onProgress?.(done, sources.length);
  };
  const workers = workerCount(sources, options);
  const script = workers > 0 ? workerScript() : undefined;
  // Offloading is the language server's scan: its workers' memory counts more than their speed.
  const youngGenerationMb = options.offload ? SERVER_WORKER_YOUNG_MB : undefined;
  if (script) {
    // Read, prefiltered and parsed in the workers: one phase here, the workers' steps summed beside it.
    const onTimings = timings && ((batch: PostedTimings) => timings.addWorkers(batch));
    const scan = { files: sources, workers, filter, cache, signal: options.signal, onFile, onReadError, youngGenerationMb, onOutOfMemory: options.onWorkerOutOfMemory, onTimings };
    await timedPhase(timings, `${WORKERS_PHASE}${workers} worker threads`, () => scanInWorkers(scan, script), () => sources.length);
  } else {
    cache.timings = timings;
    try {
      await analyzeHere(sources, filter, cache, onFile, onReadError, options.signal);
    } finally {
      cache.timings = undefined;
    }
  }
  // In walk order, whatever order the workers finished in.
  const analyses = new Map<string, FileAnalysis>();
  sources.forEach((f, i) => {
    if (results[i]) analyses.set(f.path, results[i]!);
  });
  return { root, filesScanned: analyses.size, rulesFile, files, analyses, notices: scanNotices(leftOut, analyses) };
}

export async function auditWorkspace(options: AuditOptions): Promise<AuditResult> {
  const scanned = await analyzeWorkspace(options);
  const ignored = new Set(scanned.files.filter((f) => f.gitIgnored).map((f) => f.path));
  const start = performance.now();
  const evaluation = evaluate({
    analyses: scanned.analyses,
    databaseFiles: scanned.files.filter((f) => f.kind === 'database').map((f) => f.path),
    config: scanned.rulesFile?.config,
    isGitIgnored: (p) => ignored.has(p),
  });
  options.timings?.add('evaluate', performance.now() - start);
  return { ...scanned, ...evaluation };
}
