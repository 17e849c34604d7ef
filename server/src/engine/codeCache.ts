// V8's compiled code for a few large CommonJS files (the TypeScript compiler: 9 MB of JS) kept
// on disk between CLI runs, as Node 22's module compile cache does (`module.enableCompileCache`,
// which Node 20 lacks): compiling the compiler took ~100 ms of every run that meets a JS/TS
// file, ~30 ms with its cached code. A cache file is per user, file, Node version and V8 flags;
// V8 itself rejects code that does not match, and the file is then written again at exit.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's own.

import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import Module = require('node:module');
import * as os from 'node:os';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/** What happened to a file's cached code in this process: used, or none (compiled, and written at exit) or rejected by V8 (written again at exit). */
export type CodeCacheOutcome = 'used' | 'compiled' | 'rejected';

type Compile = (this: NodeJS.Module, content: string, filename: string) => unknown;
/** The CommonJS loader's internals this hooks, as `v8-compile-cache` did: `_compile` and `wrap`. */
const loader = Module as unknown as { prototype: { _compile: Compile }; wrap(content: string): string };

const outcomes = new Map<string, CodeCacheOutcome>();

/** What cacheCompiledCode was called with: scan workers use the same cached code (they never write it). */
export interface CodeCacheSettings {
  files: string[];
  variant: string;
  dir: string;
}

let settings: CodeCacheSettings | undefined;

/** This process's code cache (undefined when off): for a scan worker's setup (scanPool.ts). */
export function codeCacheSettings(): CodeCacheSettings | undefined {
  return settings;
}

/** The outcome for each hooked file compiled so far (tests, and a reader of `--cpu-prof` wondering). */
export function codeCacheOutcomes(): ReadonlyMap<string, CodeCacheOutcome> {
  return outcomes;
}

/** A folder of this user's own in the temp folder: other users cannot plant code there. */
export function defaultCodeCacheDir(): string {
  const user = process.getuid?.() ?? os.userInfo().username;
  return path.join(os.tmpdir(), `db-audit-compile-cache-${user}`);
}

/**
 * Compiles `files` (absolute paths of CommonJS files, when they are required) with their cached
 * code from `dir`, and writes it at this process's exit when there was none or V8 rejected it
 * (only the main thread writes: a worker thread given the same settings reads it).
 * `variant` names V8 flags set at run time (`v8.setFlagsFromString`), which change what V8
 * accepts: processes with other flags keep their own files rather than overwrite each other's.
 */
export function cacheCompiledCode(files: readonly string[], variant: string, dir = defaultCodeCacheDir()): void {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return;
  settings = { files: [...files], variant, dir };
  const targets = new Set(files);
  const original = loader.prototype._compile;
  loader.prototype._compile = function (content, filename) {
    if (!targets.has(filename)) return original.call(this, content, filename);
    return compileCached(this, content, filename, path.join(dir, cacheName(filename, variant)), dir);
  };
}

function cacheName(filename: string, variant: string): string {
  const stat = statSync(filename);
  const id = [filename, stat.size, stat.mtimeMs, process.version, process.arch, process.execArgv.join(' '), variant].join('\0');
  return `${path.basename(filename)}-${createHash('sha1').update(id).digest('hex').slice(0, 16)}.v8`;
}

function compileCached(mod: NodeJS.Module, content: string, filename: string, file: string, dir: string): unknown {
  const cachedData = ownFolder(dir) ? readOwn(file) : undefined;
  const script = new Script(loader.wrap(content), { filename, cachedData });
  const outcome: CodeCacheOutcome = cachedData === undefined ? 'compiled' : script.cachedDataRejected ? 'rejected' : 'used';
  outcomes.set(filename, outcome);
  // At exit, so the code holds what the run compiled lazily too (the parser's functions).
  if (outcome !== 'used' && isMainThread) process.once('exit', () => save(script, file, dir));
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  return wrapper.call(mod.exports, mod.exports, Module.createRequire(filename), mod, filename, path.dirname(filename));
}

/** Whether `s` belongs to this user and only they can write it (always so where there are no uids). */
function own(s: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (s.uid === uid && (s.mode & 0o022) === 0);
}

function ownFolder(dir: string): boolean {
  try {
    const s = lstatSync(dir);
    return s.isDirectory() && own(s);
  } catch {
    return false;
  }
}

function readOwn(file: string): Buffer | undefined {
  try {
    const s = lstatSync(file);
    return s.isFile() && own(s) ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

function save(script: Script, file: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownFolder(dir)) return;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, file);
    pruneVariants(dir, file);
  } catch {
    // A cache that cannot be written costs the next run its compile time, nothing else.
  }
}

/** How many cache files of one source file are kept (other Node versions, flags, or the file's earlier versions). */
const KEPT_VARIANTS = 4;

/**
 * Removes all but the newest KEPT_VARIANTS cache files of the same source file as `written`:
 * each is a few MB, and an upgraded compiler or another Node version leaves its files behind.
 */
function pruneVariants(dir: string, written: string): void {
  const prefix = path.basename(written).replace(/-[0-9a-f]{16}\.v8$/, '-');
  const variants = readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && /^[0-9a-f]{16}\.v8$/.test(name.slice(prefix.length)))
    .map((name) => ({ file: path.join(dir, name), mtime: lstatSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of variants.slice(KEPT_VARIANTS)) if (file !== written) rmSync(file, { force: true });
}
