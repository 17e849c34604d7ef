// Where a scan's time goes, phase by phase, in the thread that runs it: `db-audit scan --timings`
// prints it on stderr and `npm run bench` reads it, so a tree's cost splits into start-up, the
// walk, reading, the prefilter, each detector, the rules and the report (what dominates a cold
// scan differs from tree to tree: bundles are parse-bound, a Python library prefilter-bound).
// Phases are wall time: a garbage collection counts in the phase it interrupts, and is also
// summed on a line of its own.

import { PerformanceObserver } from 'node:perf_hooks';

/** One phase: its time, and the files it handled (0 for a phase that is not per file). */
export interface PhaseTime {
  ms: number;
  files: number;
}

/** The phases a scan passes through, in order; the detectors' (`detect <type>`) come after the prefilter. */
const ORDER = ['start-up', 'cache load', 'rules file', 'grammars', 'walk', 'read', 'hash', 'prefilter'];
const AFTER = ['evaluate', 'report', 'cache save'];

/** A worker thread's timings of a batch, as posted to the main thread. */
export interface PostedTimings {
  phases: Array<[string, PhaseTime]>;
  ruledOut: number;
}

export class ScanTimings {
  readonly phases = new Map<string, PhaseTime>();
  /** Of the files the prefilter was asked about, those it ruled out (not parsed). */
  ruledOut = 0;
  /** Garbage collection in this thread, inside the phases (watchGarbageCollection). */
  garbageCollectionMs?: number;
  /** The worker threads' steps (read, hash, prefilter, detectors), their times summed over the threads, which ran at once. */
  workers?: ScanTimings;

  /** What a worker posts (scanWorker.ts). */
  posted(): PostedTimings {
    return { phases: [...this.phases], ruledOut: this.ruledOut };
  }

  /** Adds a worker's batch to `workers`. */
  addWorkers(batch: PostedTimings): void {
    this.workers ??= new ScanTimings();
    for (const [phase, p] of batch.phases) this.workers.add(phase, p.ms, p.files);
    this.workers.ruledOut += batch.ruledOut;
  }

  add(phase: string, ms: number, files = 0): void {
    const p = this.phases.get(phase);
    if (p) {
      p.ms += ms;
      p.files += files;
    } else {
      this.phases.set(phase, { ms, files });
    }
  }
}

/** Awaits `run`, adding its time to `phase` when a scan asks for timings (`files`: how many files it handled). */
export async function timedPhase<T>(timings: ScanTimings | undefined, phase: string, run: () => Promise<T>, files?: (result: T) => number): Promise<T> {
  if (!timings) return run();
  const start = performance.now();
  const result = await run();
  timings.add(phase, performance.now() - start, files?.(result) ?? 0);
  return result;
}

/** Runs `step`, adding its time to `phase` (one file) when a scan asks for timings. */
export function timedStep<T>(timings: ScanTimings | undefined, phase: string, step: () => T): T {
  if (!timings) return step();
  const start = performance.now();
  const result = step();
  timings.add(phase, performance.now() - start, 1);
  return result;
}

/** The prefilter's step: timed as timedStep does, and counted when it rules the file out (a defined result). */
export function timedPrefilter<T>(timings: ScanTimings | undefined, step: () => T | undefined): T | undefined {
  const skipped = timedStep(timings, 'prefilter', step);
  if (skipped !== undefined && timings) timings.ruledOut++;
  return skipped;
}

/**
 * Starts summing this thread's garbage collection pauses; the function returned stops and says
 * how long they took (V8 reports them a turn of the event loop late: it waits one turn).
 */
export function watchGarbageCollection(): () => Promise<number> {
  let ms = 0;
  const add = (entries: readonly { duration: number }[]) => {
    for (const e of entries) ms += e.duration;
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    add(observer.takeRecords());
    observer.disconnect();
    return ms;
  };
}

/** The phases in the order a scan passes through them, the detectors' by time (largest first). */
export function orderedPhases(t: ScanTimings): Array<[string, PhaseTime]> {
  const rank = (name: string) => {
    const i = ORDER.indexOf(name);
    if (i >= 0) return i;
    const j = AFTER.indexOf(name);
    return j >= 0 ? ORDER.length + 1 + j : ORDER.length; // detectors and the workers' analysis between
  };
  return [...t.phases].sort((a, b) => rank(a[0]) - rank(b[0]) || b[1].ms - a[1].ms);
}

const ms = (n: number) => Math.round(n).toLocaleString('en-US');
const GC_LABEL = 'garbage collection, inside the phases';
/** The phase in which worker threads analyze (audit.ts names it `analysis in N worker threads`). */
export const WORKERS_PHASE = 'analysis in ';
/** Before each of the worker threads' steps: their times summed over the threads. */
const WORKER_ROW = 'workers, summed: ';
const HEADING = 'db-audit: timings (this thread):';

/**
 * The table `--timings` prints: a phase a line with its milliseconds and files, then what no
 * phase holds (`other`: the event loop, the time slicer's turns, what runs between phases), the
 * total since the process started, and how much of it was garbage collection.
 */
export function formatTimings(t: ScanTimings, totalMs: number): string {
  const rowsOf = (timings: ScanTimings, prefix: string) =>
    orderedPhases(timings).map(([name, p]): [string, string, string] => {
      const label = name === 'prefilter' ? `prefilter (${timings.ruledOut.toLocaleString('en-US')} ruled out)` : name;
      return [prefix + label, ms(p.ms), p.files > 0 ? p.files.toLocaleString('en-US') : ''];
    });
  // The workers' steps right after the phase they ran in; they are thread time, not a part of the total.
  const rows = rowsOf(t, '').flatMap((row) => (row[0].startsWith(WORKERS_PHASE) && t.workers ? [row, ...rowsOf(t.workers, WORKER_ROW)] : [row]));
  const attributed = [...t.phases.values()].reduce((n, p) => n + p.ms, 0);
  rows.push(['other', ms(Math.max(0, totalMs - attributed)), ''], ['total', ms(totalMs), '']);
  if (t.garbageCollectionMs !== undefined) rows.push([GC_LABEL, ms(t.garbageCollectionMs), '']);
  const head: [string, string, string] = ['phase', 'ms', 'files'];
  const widths = [0, 1, 2].map((i) => Math.max(head[i].length, ...rows.map((r) => r[i].length)));
  const line = (r: [string, string, string]) => `  ${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padStart(widths[2])}`.trimEnd();
  return [HEADING, line(head), ...rows.map(line)].join('\n') + '\n';
}

/** What a `--timings` table holds, read back from a scan's stderr (`npm run bench`); undefined when it has none. */
export interface ReadTimings {
  /** Every row of this thread but the garbage collection's, `other` and `total` included, in the table's order. */
  phases: Map<string, PhaseTime>;
  ruledOut?: number;
  garbageCollectionMs?: number;
  /** The worker threads' steps, when they ran (their times summed over the threads). */
  workers?: { phases: Map<string, PhaseTime>; ruledOut?: number };
}

/** Reads the table formatTimings wrote (anywhere in `stderr`). */
export function parseTimings(stderr: string): ReadTimings | undefined {
  const lines = stderr.split('\n');
  const start = lines.indexOf(HEADING);
  if (start < 0) return undefined;
  const read: ReadTimings = { phases: new Map() };
  const num = (s: string | undefined) => (s === undefined ? 0 : Number(s.replace(/,/g, '')));
  for (const line of lines.slice(start + 2)) {
    const m = /^ {2}(.+?) +([\d,]+)(?: +([\d,]+))?$/.exec(line);
    if (!m) break;
    if (m[1] === GC_LABEL) {
      read.garbageCollectionMs = num(m[2]);
      continue;
    }
    const worker = m[1].startsWith(WORKER_ROW);
    const name = worker ? m[1].slice(WORKER_ROW.length) : m[1];
    const into: { phases: Map<string, PhaseTime>; ruledOut?: number } = worker ? (read.workers ??= { phases: new Map() }) : read;
    const prefilter = /^prefilter \(([\d,]+) ruled out\)$/.exec(name);
    if (prefilter) into.ruledOut = num(prefilter[1]);
    into.phases.set(prefilter ? 'prefilter' : name, { ms: num(m[2]), files: num(m[3]) });
  }
  return read;
}
