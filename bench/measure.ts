// Measures one child process: wall time from spawn to exit, and peak RSS — from GNU time when
// /usr/bin/time exists, else by polling /proc/<pid>/status (VmHWM, the kernel's own high-water
// mark, so a poll that misses the peak still reads it). Stats are plain medians and percentiles.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface RunSample {
  ms: number;
  /** Peak resident set size in bytes; undefined when neither source is available. */
  peakRss?: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';
const TIME_TAG = 'DBAUDIT_BENCH_MAXRSS_KB=';

function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

function vmHwm(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined; // exited between polls
  }
}

export function runMeasured(cmd: string, args: readonly string[], options: { cwd?: string } = {}): Promise<RunSample> {
  const timed = hasGnuTime();
  const [file, argv] = timed ? [GNU_TIME, ['-f', `${TIME_TAG}%M`, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let polled: number | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = timed ? undefined : setInterval(() => {
      const v = child.pid === undefined ? undefined : vmHwm(child.pid);
      if (v !== undefined) polled = Math.max(polled ?? 0, v);
    }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (poll) clearInterval(poll);
      let peakRss = polled;
      const at = stderr.lastIndexOf(TIME_TAG);
      if (timed && at >= 0) {
        peakRss = Number.parseInt(stderr.slice(at + TIME_TAG.length), 10) * 1024;
        stderr = stderr.slice(0, at);
      }
      resolve({ ms, peakRss, code, stdout, stderr });
    });
  });
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const median = (xs: readonly number[]) => percentile(xs, 50);
