// A scan worker thread (scanPool.ts starts one per core): reads the files it is sent, runs the
// prefilter and the detectors, and posts back each file's analysis. Reading here rather than in
// the main thread spreads the reads over the cores too, and no file text crosses threads.

import { parentPort, workerData } from 'node:worker_threads';
import { analysisKey } from './analysisKey';
import { cacheCompiledCode, type CodeCacheSettings } from './codeCache';
import { detectorFor, fileTypeOf, ruledOut } from './detectors';
import type { ScanFilter } from './prefilter';
import { outcomeOf, type RuledOutOutcome } from './ruledOutKeys';
import { loadGrammars } from './treeSitter';
import { readSourceTextSync } from './workspace';
import { packTables, type PackedTables } from './packedTables';
import { ScanTimings, timedPrefilter, timedStep, type PostedTimings } from './timings';
import type { DbReference, FileAnalysis, GrammarName } from './types';

export interface WorkerSetup {
  filter: ScanFilter;
  /** Keys of analyses the main thread holds: those files are not analyzed again. */
  known: string[];
  /**
   * Files ruled out before under this filter, by key, when the main thread's cache keeps them
   * (AnalysisCache.ruledOut): then every file is hashed first, and its key posted when ruled out.
   */
  ruledOut?: Array<[string, RuledOutOutcome]>;
  /** The main thread's code cache (codeCache.ts): the TypeScript compiler compiled from it here too, ~85 ms less per worker. */
  codeCache?: CodeCacheSettings;
  /** Time each step (`--timings`): each batch's results come with the time its steps took. */
  timings?: boolean;
}

/** A batch: [workspace-relative path, absolute path] pairs. */
export type WorkerJob = Array<[string, string]>;

/** One file's outcome; files that could not be read (`error`: the file system's code, unless gone) or are binary are `unreadable`. */
export type WorkerResult =
  | { path: string; outcome: 'unreadable'; error?: string }
  | { path: string; outcome: RuledOutOutcome; key?: string }
  | { path: string; outcome: 'known'; key: string }
  | { path: string; outcome: 'analyzed'; key: string; analysis: PostedAnalysis };

/** An analysis as posted: its tables packed (packedTables.ts), so fewer objects are cloned and kept. */
export interface PostedAnalysis {
  references: DbReference[];
  tables: PackedTables;
  unparsed?: GrammarName;
}

function posted(analysis: FileAnalysis): PostedAnalysis {
  const tables = packTables(analysis.tables);
  return analysis.unparsed ? { references: analysis.references, tables, unparsed: analysis.unparsed } : { references: analysis.references, tables };
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'results'; results: WorkerResult[]; timings?: PostedTimings }
  | { type: 'error'; message: string };

/** What the main thread's cache holds: analyses' keys, and (when it keeps them) ruled-out files' keys. */
interface Held {
  known: ReadonlySet<string>;
  ruledOut: ReadonlyMap<string, RuledOutOutcome> | undefined;
}

function analyzeOne(rel: string, abs: string, setup: WorkerSetup, held: Held, timings: ScanTimings | undefined): WorkerResult {
  let error: string | undefined;
  const text = timedStep(timings, 'read', () => readSourceTextSync(abs, (code) => (error = code)));
  if (text === undefined) return error === undefined ? { path: rel, outcome: 'unreadable' } : { path: rel, outcome: 'unreadable', error };
  const type = fileTypeOf(rel);
  const hash = () => timedStep(timings, 'hash', () => analysisKey(rel, text));
  // Hashed first only when ruled-out keys are kept: else the prefilter spares most files the hash.
  let key = held.ruledOut && type ? hash() : undefined;
  if (key !== undefined) {
    if (held.known.has(key)) return { path: rel, outcome: 'known', key };
    const outcome = held.ruledOut!.get(key);
    if (outcome) return { path: rel, outcome, key };
  }
  const skipped = timedPrefilter(timings, () => ruledOut({ path: rel, text }, type, setup.filter));
  if (skipped) return { path: rel, outcome: outcomeOf(skipped), ...(key !== undefined ? { key } : {}) };
  key ??= hash();
  if (held.known.has(key)) return { path: rel, outcome: 'known', key };
  return { path: rel, outcome: 'analyzed', key, analysis: posted(timedStep(timings, `detect ${type}`, () => detectorFor(type!)({ path: rel, text }))) };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const setup = workerData as WorkerSetup;
  const held: Held = { known: new Set(setup.known), ruledOut: setup.ruledOut && new Map(setup.ruledOut) };
  // Before the JS/TS detector requires the compiler (on its first file).
  if (setup.codeCache) cacheCompiledCode(setup.codeCache.files, setup.codeCache.variant, setup.codeCache.dir);
  await loadGrammars();
  port.on('message', (job: WorkerJob) => {
    const results: WorkerResult[] = [];
    // A batch's own timings: the main thread adds each batch's to the scan's.
    const timings = setup.timings ? new ScanTimings() : undefined;
    for (const [rel, abs] of job) results.push(analyzeOne(rel, abs, setup, held, timings));
    port.postMessage({ type: 'results', results, ...(timings ? { timings: timings.posted() } : {}) } satisfies WorkerMessage);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}

if (parentPort) {
  main().catch((e: unknown) => parentPort!.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) } satisfies WorkerMessage));
}
