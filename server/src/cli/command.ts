// What every `db-audit` command shares: its shape, its I/O, exit codes, and the checks of a
// workspace argument. One file per command under `commands/`, registered in `main.ts`.

import { promises as fs } from 'node:fs';
import type { AuditOptions } from '../engine/audit';
import { isSqliteFileName } from '../engine/literals';
import { linkNotice, unreadableNotice } from '../engine/notices';
import type { AuditNotice } from '../engine/types';
import type { WalkOptions } from '../engine/workspace';
import * as path from 'node:path';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

/**
 * Each file (or folder) the audit did not read in full, a line on stderr: for the commands whose
 * output has no place for them (inventory, fix), where a reference in such a file may be missing.
 */
export function writeNotices(notices: readonly AuditNotice[], io: CliIo): void {
  for (const n of notices) io.stderr.write(`db-audit: not audited in full: ${n.path}: ${n.message}\n`);
}

/**
 * The walk's callbacks for the commands that walk only for database files (inspect, plan): each
 * folder it could not look in, and each link out of the workspace to a folder or a SQLite file,
 * on stderr (a database file may be there).
 */
export function hiddenOnStderr(io: CliIo): Pick<WalkOptions, 'onUnreadable' | 'onLinkOutside'> {
  return {
    onUnreadable: (rel, what, code) => writeNotices([unreadableNotice(rel, what, code)], io),
    onLinkOutside: (rel, what, target) => {
      if (what === 'folder' || isSqliteFileName(rel)) writeNotices([linkNotice(rel, what, target)], io);
    },
  };
}

/** A mistake in how the command was called: reported with a pointer to `--help`, exit 2. */
export class UsageError extends Error {}

/** A file system error's code (EACCES, ENOSPC), or its message when it has none. */
export function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/** The first path from `dir` up that exists, when it is not a folder: what stops a folder being made there. */
async function fileInTheWay(dir: string): Promise<string | undefined> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const s = await fs.stat(d).catch(() => undefined);
    if (s) return s.isDirectory() ? undefined : d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Makes the folder `dir` (and those above it); a message on why it cannot be made. */
async function makeFolder(dir: string): Promise<string | undefined> {
  try {
    await fs.mkdir(dir, { recursive: true });
    return undefined;
  } catch (e) {
    const file = await fileInTheWay(dir);
    return file !== undefined ? `${file} is not a folder` : errorCode(e);
  }
}

/**
 * Readies `file` for a report before the audit runs, which takes a while on a large tree (a CI job
 * should not lose it to a missing folder at its end): makes the file's folder, as ESLint's
 * `--output-file` does, and refuses a folder in the file's place.
 */
export async function prepareOutput(file: string): Promise<void> {
  if ((await fs.stat(file).catch(() => undefined))?.isDirectory()) throw new UsageError(`cannot write the report to ${file}: it is a folder`);
  const problem = await makeFolder(path.dirname(path.resolve(file)));
  if (problem !== undefined) throw new UsageError(`cannot write the report to ${file}: ${problem}`);
}

/** Writes a report prepared for by prepareOutput; an error names the file. */
export async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await fs.writeFile(file, text);
  } catch (e) {
    throw new Error(`cannot write the report to ${file}: ${errorCode(e)}`);
  }
}

/** Readies the folder of `--cache DIR` before the audit runs: made if missing, refused when a file is in the way. */
export async function prepareCacheFolder(dir: string): Promise<void> {
  const s = await fs.stat(dir).catch(() => undefined);
  if (s && !s.isDirectory()) throw new UsageError(`--cache ${dir} is not a folder`);
  const problem = s ? undefined : await makeFolder(dir);
  if (problem !== undefined) throw new UsageError(`--cache ${dir}: ${problem}`);
}

export interface Command {
  /** The command's own usage text (`db-audit <command> --help`). */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** The workspace folder a PATH argument names (default `.`); a usage error when it is not a folder. */
export async function workspaceRoot(arg: string | undefined): Promise<string> {
  const root = path.resolve(arg ?? '.');
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new UsageError(`${arg ?? '.'} is not a directory`);
  return root;
}

/** `--max-file-size BYTES`, checked. */
export function parseMaxFileSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--max-file-size takes a positive whole number of bytes`);
  return n;
}

/** `--jobs N`: threads that analyze files (1: no worker threads); undefined: one per core on a large tree. */
export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--jobs takes a whole number from 1 to 64`);
  return n;
}

/** The parseArgs options of every command that audits the workspace. */
export const AUDIT_OPTIONS = {
  config: { type: 'string' },
  'max-file-size': { type: 'string' },
  jobs: { type: 'string' },
} as const;

/**
 * PATH, `--config`, `--max-file-size` and `--jobs` as auditWorkspace options, each checked
 * (a bad one is a usage error) the same way in every command.
 */
export async function auditOptionsOf(values: { config?: string; 'max-file-size'?: string; jobs?: string }, pathArg: string | undefined): Promise<AuditOptions> {
  const maxFileSize = parseMaxFileSize(values['max-file-size']);
  const root = await workspaceRoot(pathArg);
  return { root, configPath: values.config, maxFileSize, jobs: parseJobs(values.jobs) };
}

/** The usage line of `--jobs`, the same in every command that scans. */
export const JOBS_USAGE = '  --jobs N               Analyze files in N threads (default: 1 on two cores, cores - 1 on a large tree otherwise; 1: no worker threads)';

/** `-h`/`--help`: prints the command's usage; the command then exits 0. */
export function printUsage(usage: string, io: CliIo): number {
  io.stdout.write(usage + '\n');
  return EXIT_OK;
}

/** Every command takes at most one PATH (the workspace, default `.`). */
export function checkOnePath(command: string, positionals: readonly string[]): void {
  if (positionals.length > 1) throw new UsageError(`${command} takes one PATH, got ${positionals.length}`);
}

/** A `--format` value, checked against the formats the command writes. */
export function formatOf<F extends string>(value: string | undefined, allowed: readonly F[]): F {
  if (!allowed.includes(value as F)) throw new UsageError(`unknown format '${value}' (expected ${allowed.join(', ')})`);
  return value as F;
}
