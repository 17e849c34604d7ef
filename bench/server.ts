// The language server's side of a large workspace: how long its initial scan takes and how much
// memory the server process peaks at (VmHWM from /proc, so Linux only), through the real server
// over stdio with the tests' client.

import { readFileSync } from 'node:fs';
import { startedAsTheExtensionDoes } from '../test/helpers/lspClient';

export interface ServerScan {
  workspace: string;
  /** initialize → the status turning idle (the initial workspace scan). */
  scanMs: number;
  /** The server process's peak resident set (VmHWM), when /proc tells. */
  peakRssMb?: number;
}

/** Peak resident set of a process in MB, from /proc/PID/status (undefined elsewhere). */
export function peakRssMb(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

export async function measureServerScan(root: string): Promise<ServerScan> {
  const client = startedAsTheExtensionDoes();
  try {
    const started = performance.now();
    await client.initialize(root);
    await client.waitForIdle('the initial scan', 0, 30 * 60_000);
    const scanMs = performance.now() - started;
    const peak = client.pid === undefined ? undefined : peakRssMb(client.pid);
    return { workspace: root, scanMs, ...(peak === undefined ? {} : { peakRssMb: peak }) };
  } finally {
    await client.stop();
  }
}
