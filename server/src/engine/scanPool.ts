// The workspace scan in worker threads: the main thread only hands out batches of paths and
// collects analyses, so a language server stays free to answer the editor while a scan runs,
// and a CLI scan on more than two cores uses them. How many, and when a tree is analyzed
// in-process instead, is auditWorkspace's choice (workerCount).

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { AnalysisCache } from './audit';
import { codeCacheSettings } from './codeCache';
import { fileTypeOf, type FileType } from './detectors';
import type { ScanFilter } from './prefilter';
import { PackedAnalysis } from './packedTables';
import { StringPool } from './stringPool';
import { analysisOfOutcome } from './ruledOutKeys';
import type { PostedAnalysis, WorkerJob, WorkerMessage, WorkerResult, WorkerSetup } from './scanWorker';
import type { PostedTimings } from './timings';
import type { FileAnalysis } from './types';
import type { WalkedFile } from './workspace';

/** A batch holds files up to this many bytes (or one larger file), and at most BATCH_FILES files. */
const BATCH_BYTES = 256 * 1024;
const BATCH_FILES = 64;

/** The worker's script next to this module: compiled (.js; the bundle's too) or, under tsx, the source. */
export function workerScript(): string | undefined {
  for (const name of ['scanWorker.js', 'scanWorker.ts']) {
    const file = path.join(__dirname, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * A scan worker's old-generation heap, in MB, for files over LARGE_FILE_BYTES that a parser
 * keeps memory for (parserOf). Its live data is the TypeScript compiler and one file's parse
 * (~45 MB, plus ~50 bytes per character of a large JS/TS file); without a limit V8 lets the heap
 * grow to ~190 MB between collections. With this one the server's peak RSS on the 100k-file bench
 * tree went 493 → ~360 MB for a few percent of scan time (README, Performance).
 */
export const WORKER_HEAP_MB = 128;
/**
 * The same for the other large files (SQL dumps, docs, data): no compiler, and one file's tokens
 * (~21 MB live for a 900 KB dump). Under 128 MB their garbage filled the heap before a full
 * collection, and their phase was the server's peak at 100k files (+46–68 MB over the rest of the
 * scan); under this it rose 35–48 MB, four runs each. A larger file runs the worker out of memory
 * and is analyzed again under twice the limit.
 */
export const OTHER_LARGE_FILES_HEAP_MB = 48;
/**
 * The heap limit of the workers of the other files: a parse of at most ~6 MB beside the compiler.
 * 96 instead of 128 took ~15 MB off the server's peak at 100k files (no worker ran out of memory,
 * scan time unchanged); at 80 the peak was higher again.
 */
export const SMALL_FILES_HEAP_MB = 96;
/**
 * The young generation of a language server's scan workers, in MB (V8's default: 48, two
 * semi-spaces of 16 MB and 16 for new large objects). A worker's new objects are one batch's texts
 * and parses; once full, those 32 MB stay resident beside the compiler until the worker ends, at
 * the server's memory peak. At 100k files the server's median peak went 295 → 276 MB (twenty runs
 * and eleven), for ~5–10% more CPU (README, Performance); at 3 MB it went no lower, at 12 it did not drop.
 * The CLI keeps V8's default: there the scan's speed is what counts.
 */
export const SERVER_WORKER_YOUNG_MB = 6;

/** A worker that runs out of memory is started again with twice the limit, up to this; then without one. */
const MAX_WORKER_HEAP_MB = 4096;

/** The limit after a worker ran out of memory under `limitMb` (undefined: none). */
export function raisedHeapLimit(limitMb: number | undefined): number | undefined {
  return limitMb === undefined || limitMb * 2 > MAX_WORKER_HEAP_MB ? undefined : limitMb * 2;
}

/** A worker's V8 heap limits: old generation `heapLimitMb`, young `youngMb`, each V8's default when undefined. */
export function workerLimits(heapLimitMb: number | undefined, youngMb: number | undefined): { resourceLimits?: ResourceLimits } {
  const limits: ResourceLimits = {};
  if (heapLimitMb !== undefined) limits.maxOldGenerationSizeMb = heapLimitMb;
  if (youngMb !== undefined) limits.maxYoungGenerationSizeMb = youngMb;
  return Object.keys(limits).length === 0 ? {} : { resourceLimits: limits };
}

/** A worker running `script`; TypeScript sources (tests and benchmarks run under tsx) through tsx's require hook. */
function startWorker(script: string, setup: WorkerSetup, heapLimitMb: number | undefined, youngMb: number | undefined): Worker {
  const limits = workerLimits(heapLimitMb, youngMb);
  if (!script.endsWith('.ts')) return new Worker(script, { workerData: setup, ...limits });
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData: setup, ...limits });
}

/**
 * Files above this size are analyzed after the others, by a worker of their own: a worker's
 * WebAssembly memory grows to fit the largest file tree-sitter parsed and never shrinks (+46 MB
 * for an 888k-character Python file), and its heap to the largest TypeScript parse, so one large
 * file early in a scan made the worker that much larger for the rest of it.
 */
export const LARGE_FILE_BYTES = 128 * 1024;

type Parser = 'typescript' | 'tree-sitter' | 'other';

/**
 * What holds on to a worker's memory after it analyzed a large file of a type: the TypeScript
 * compiler's heap grows to the largest parse; tree-sitter's WebAssembly memory grows to the
 * largest file it parsed and never shrinks; the other detectors' garbage (a SQL dump's tokens)
 * fills the heap up to its limit before a full collection.
 */
function parserOf(type: FileType | undefined): Parser {
  if (type === 'javascript') return 'typescript';
  if (type === 'python' || type === 'shell' || type === 'ini') return 'tree-sitter';
  return 'other';
}

/** Large files of one parser group, and their workers' old-generation heap limit. */
export interface LargeFileGroup {
  files: number[];
  heapLimitMb: number;
}

/**
 * The large files (indices into `files`) grouped by parserOf, each group in walk order, empty ones
 * left out. A worker for each group, one after the other, holds one of the three, not all: at
 * 100k files the phase of the large files went from ~20 MB over the rest of a server's scan to
 * under it (README, Performance).
 */
export function largeFileGroups(files: readonly WalkedFile[], large: readonly number[]): LargeFileGroup[] {
  const groups = new Map<Parser, LargeFileGroup>();
  for (const i of large) {
    const parser = parserOf(fileTypeOf(files[i].path));
    const group = groups.get(parser);
    if (group) group.files.push(i);
    else groups.set(parser, { files: [i], heapLimitMb: parser === 'other' ? OTHER_LARGE_FILES_HEAP_MB : WORKER_HEAP_MB });
  }
  return [...groups.values()];
}

/**
 * Indices of `files` (taken from `order`) in consecutive groups by size, so each message carries a
 * worthwhile amount of work. Made as the workers ask: a list of every batch up front was a
 * second copy of the file list through the scan.
 */
export function* batches(files: readonly WalkedFile[], order: Iterable<number>): Generator<number[]> {
  let job: number[] = [];
  let bytes = 0;
  for (const i of order) {
    const size = files[i].size;
    if (job.length > 0 && (bytes + size > BATCH_BYTES || job.length >= BATCH_FILES)) {
      yield job;
      job = [];
      bytes = 0;
    }
    job.push(i);
    bytes += size;
  }
  if (job.length > 0) yield job;
}

/** The indices of files up to LARGE_FILE_BYTES, in order; the others are added to `large` as they are passed. */
export function* smallFiles(files: readonly WalkedFile[], large: number[]): Generator<number> {
  for (let i = 0; i < files.length; i++) {
    if (files[i].size > LARGE_FILE_BYTES) large.push(i);
    else yield i;
  }
}

export interface PoolScan {
  files: readonly WalkedFile[];
  workers: number;
  filter: ScanFilter;
  cache: AnalysisCache;
  signal?: AbortSignal;
  /** Each worker's old-generation heap limit in MB (by default SMALL_FILES_HEAP_MB, then each large-file group's, largeFileGroups). */
  heapLimitMb?: number;
  /** Each worker's young-generation limit in MB (SERVER_WORKER_YOUNG_MB in a language server); V8's default when undefined. */
  youngGenerationMb?: number;
  /** A worker ran out of memory under `heapLimitMb` and is being replaced (for a log line). */
  onOutOfMemory?(heapLimitMb: number): void;
  /** Each file's analysis as it arrives, with its index in `files`; undefined for a file that could not be read as text. */
  onFile(index: number, path: string, analysis: FileAnalysis | undefined): void;
  /** A file that could not be read, and why (the file system's error code), before its onFile. */
  onReadError?(path: string, code: string): void;
  /** Each batch's timings (`--timings`); the workers time their steps only when this is given. */
  onTimings?(batch: PostedTimings): void;
}

/**
 * An analysis as it arrives from a worker, with its repeated strings shared again (a structured
 * clone copies each string per object, so every reference of a file would hold its own copy of
 * the path, and of `sql` or `postgres`: tens of MB of the server's memory at 100k files), its
 * references' ranges made again as literals, and its tables kept packed (packedTables.ts).
 */
export function shareStrings(path: string, analysis: PostedAnalysis, pool: StringPool): FileAnalysis {
  const tables = analysis.tables;
  tables.names = tables.names.map((n) => pool.intern(n));
  if (tables.schemas) tables.schemas = tables.schemas.map((s) => pool.maybe(s));
  for (const r of analysis.references) {
    r.path = path;
    // A clone builds each object key by key, a range's and its positions' properties out of line:
    // ~60 bytes more per range than these literals (the server keeps 88k references at 100k files).
    const { start, end } = r.range;
    r.range = { start: { line: start.line, character: start.character }, end: { line: end.line, character: end.character } };
    r.kind = pool.intern(r.kind);
    r.engine = pool.intern(r.engine);
    // Targets and values repeat across files too (a database's name, its usual path or URL).
    r.target = pool.intern(r.target);
    r.value = pool.intern(r.value);
    // Set only when present: an absent key must stay absent (same keys, same JSON).
    if (r.envVar !== undefined) r.envVar = pool.intern(r.envVar);
    if (r.defaultOf !== undefined) r.defaultOf = pool.intern(r.defaultOf);
    if (r.environment !== undefined) r.environment = pool.intern(r.environment);
  }
  if (tables.names.length > 0) return new PackedAnalysis(path, analysis.references, tables, analysis.unparsed);
  return analysis.unparsed ? { references: analysis.references, tables: [], unparsed: analysis.unparsed } : { references: analysis.references, tables: [] };
}

/** What a worker's result means on this side, the cache updated. */
function analysisOf(r: WorkerResult, cache: AnalysisCache, pool: StringPool, filter: ScanFilter): FileAnalysis | undefined {
  switch (r.outcome) {
    case 'unreadable':
      return undefined;
    case 'nothing':
    case 'env-only':
      if (r.key !== undefined) cache.keepRuledOut(r.key, r.outcome, filter);
      return analysisOfOutcome(r.outcome);
    case 'known': {
      const held = cache.hit(r.path, r.key);
      if (!held) throw new Error(`scan worker: no analysis held for ${r.path}`);
      return held;
    }
    case 'analyzed':
      return cache.store(r.path, r.key, shareStrings(r.path, r.analysis, pool));
  }
}

/** What every worker of a scan is started with: the filter, what the cache holds, this process's code cache. */
export function workerSetup(scan: Pick<PoolScan, 'filter' | 'cache' | 'onTimings'>): WorkerSetup {
  const codeCache = codeCacheSettings();
  return {
    filter: scan.filter,
    known: scan.cache.size > 0 ? scan.cache.keys() : [],
    ...(scan.cache.ruledOut ? { ruledOut: scan.cache.ruledOut.entries(scan.filter) } : {}),
    ...(codeCache ? { codeCache } : {}),
    ...(scan.onTimings ? { timings: true } : {}),
  };
}

/**
 * Analyzes `files` in worker threads; resolves when every file is done, rejects on the first
 * failure or on abort. Files up to LARGE_FILE_BYTES first; the larger ones once those workers
 * have ended, by new ones (a set per largeFileGroups group), so the two never coexist and the
 * workers of the many small files stay small. A worker that runs out of memory (a file too large for its heap limit) is
 * replaced by one with a higher limit, which takes its batch again.
 */
export async function scanInWorkers(scan: PoolScan, script: string): Promise<void> {
  const setup = workerSetup(scan);
  const pool = new StringPool();
  const large: number[] = [];
  await runWorkers(scan, script, setup, pool, batches(scan.files, smallFiles(scan.files, large)), scan.heapLimitMb ?? SMALL_FILES_HEAP_MB);
  for (const group of largeFileGroups(scan.files, large)) {
    await runWorkers(scan, script, setup, pool, batches(scan.files, group.files), scan.heapLimitMb ?? group.heapLimitMb);
  }
}

/** Workers (up to scan.workers) taking batches from `queue` until it is empty. */
function runWorkers(scan: PoolScan, script: string, setup: WorkerSetup, pool: StringPool, queue: Iterator<number[]>, heapLimitMb: number): Promise<void> {
  const files = scan.files;
  /** Batches of a worker that ran out of memory, to be taken again before the queue's next. */
  const retry: number[][] = [];
  const take = (): number[] | undefined => retry.shift() ?? queue.next().value ?? undefined;
  const first = take();
  if (first === undefined) return Promise.resolve();
  retry.push(first);
  const workers = new Set<Worker>();
  return new Promise<void>((resolve, reject) => {
    let finished = false;
    let busy = 0;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      scan.signal?.removeEventListener('abort', onAbort);
      void Promise.all([...workers].map((w) => w.terminate())).then(() => (error === undefined ? resolve() : reject(error)));
    };
    const onAbort = () => finish(scan.signal!.reason);
    if (scan.signal?.aborted) return finish(scan.signal.reason);
    scan.signal?.addEventListener('abort', onAbort);
    const start = (heapLimitMb: number | undefined) => {
      const w = startWorker(script, setup, heapLimitMb, scan.youngGenerationMb);
      workers.add(w);
      let job: number[] | undefined;
      const next = () => {
        job = take();
        if (job) {
          busy++;
          w.postMessage(job.map((i): [string, string] => [files[i].path, files[i].absPath]) satisfies WorkerJob);
        } else if (busy === 0) finish();
      };
      w.on('message', (m: WorkerMessage) => {
        if (finished) return;
        try {
          if (m.type === 'error') throw new Error(`scan worker failed: ${m.message}`);
          if (m.type === 'results') {
            const done = job!;
            busy--;
            job = undefined;
            m.results.forEach((r, k) => {
              if (r.path !== files[done[k]].path) throw new Error(`scan worker: ${r.path} answered for ${files[done[k]].path}`);
              if (r.outcome === 'unreadable' && r.error !== undefined) scan.onReadError?.(r.path, r.error);
              scan.onFile(done[k], r.path, analysisOf(r, scan.cache, pool, scan.filter));
            });
            if (m.timings) scan.onTimings?.(m.timings);
          }
          next();
        } catch (e) {
          finish(e);
        }
      });
      w.on('error', (e) => {
        if (finished || (e as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY' || heapLimitMb === undefined) return finish(e);
        workers.delete(w);
        scan.onOutOfMemory?.(heapLimitMb);
        if (job) {
          busy--;
          retry.unshift(job);
        }
        start(raisedHeapLimit(heapLimitMb));
      });
      w.on('exit', (code) => {
        if (!finished && workers.has(w)) finish(new Error(`scan worker exited with code ${code}`));
      });
    };
    // As many workers as there are batches, up to scan.workers: peek without consuming a generator twice.
    let count = 1;
    while (count < scan.workers) {
      const more = queue.next().value;
      if (more === undefined) break;
      retry.push(more);
      count++;
    }
    for (let i = 0; i < count; i++) start(heapLimitMb);
  });
}
