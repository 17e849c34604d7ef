// The workspace walk: which files the audit reads. Honours .gitignore (nested ones too, with
// the `ignore` package) and the rules file's `ignore` globs; never enters dependency trees,
// VCS folders or virtualenvs; skips binaries and files over the size cap. Two exceptions to
// .gitignore, because they matter most when ignored: database files (to find undeclared ones)
// and .env files (the real configuration; secrets there are where they belong).

import { promises as fs, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { globMatcher } from './rules/context';
import { timeSlicer } from './timeSlice';
import { isSqliteFileName } from './literals';
import { fileTypeOf } from './detectors';

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

/** Folders never worth reading: dependencies, VCS data, virtualenvs and caches. */
const SKIPPED_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', 'site-packages', '.direnv', 'bower_components', '.yarn', '.pnpm-store', '.cache', '.vscode-test', '.next', '.nuxt',
]);

export interface WalkedFile {
  /** Workspace-relative, POSIX separators. */
  path: string;
  /** Not an own property of the walk's files (a getter): copy it by name, not with `{ ...file }`. */
  readonly absPath: string;
  size: number;
  /** `database`: a SQLite file on disk (listed, never read here); `source`: a file a detector reads. */
  kind: 'source' | 'database';
  gitIgnored: boolean;
}

/**
 * A file as the walk lists it: its absolute path is made when asked, not held (at 100k files
 * the held strings were ~11 MB of a language server's heap through its scan).
 */
class ListedFile implements WalkedFile {
  /** Private, so a copy (`{ ...file }`) holds what the interface declares and no more. */
  readonly #root: string;

  constructor(
    root: string,
    readonly path: string,
    readonly size: number,
    readonly kind: 'source' | 'database',
    readonly gitIgnored: boolean,
  ) {
    this.#root = root;
  }

  get absPath(): string {
    return path.join(this.#root, this.path);
  }
}

export interface WalkOptions {
  root: string;
  maxFileSize?: number;
  /** The rules file's `ignore` globs. */
  ignoreGlobs?: readonly string[];
  /** A file the audit would read but that is larger than `maxFileSize`: left out, and told here. */
  onTooLarge?(path: string, size: number): void;
}

interface IgnoreLayer {
  /** Workspace-relative folder the .gitignore sits in ('' for the root). */
  base: string;
  rules: Ignore;
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function isDotenv(name: string): boolean {
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env');
}

function ignoredBy(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    const sub = layer.base === '' ? rel : rel.startsWith(layer.base + '/') ? rel.slice(layer.base.length + 1) : undefined;
    if (sub === undefined) continue;
    const r = layer.rules.test(isDir ? sub + '/' : sub);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/**
 * Lists the files of the workspace the audit looks at, sorted by path. The file system is
 * read with blocking calls (a promise per stat cost the walk four times as long: thread-pool
 * round trips and garbage), in slices, yielding between them so a language server still answers.
 */
export async function walkWorkspace(options: WalkOptions): Promise<WalkedFile[]> {
  const root = path.resolve(options.root);
  const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const userIgnored = globMatcher(options.ignoreGlobs ?? []);
  const out: WalkedFile[] = [];
  const pause = timeSlicer();

  async function visit(relDir: string, layers: IgnoreLayer[], dirIgnored: boolean): Promise<void> {
    await pause();
    const absDir = path.join(root, relDir);
    let entries: Dirent[];
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing to audit there
    }
    const gitignore = entries.find((e) => e.isFile() && e.name === '.gitignore');
    if (gitignore && !dirIgnored) {
      try {
        const text = readFileSync(path.join(absDir, '.gitignore'), 'utf8');
        layers = [...layers, { base: relDir, rules: ignore().add(text) }];
      } catch {
        /* an unreadable .gitignore ignores nothing */
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isSymbolicLink()) continue; // links can loop or leave the workspace
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) || userIgnored(rel) || userIgnored(rel + '/')) continue;
        await visit(rel, layers, dirIgnored || ignoredBy(layers, rel, true));
        continue;
      }
      if (!entry.isFile() || userIgnored(rel)) continue;
      const gitIgnored = dirIgnored || ignoredBy(layers, rel, false);
      const database = isSqliteFileName(entry.name);
      if (!database && gitIgnored && !isDotenv(entry.name)) continue;
      if (!database && !fileTypeOf(rel)) continue;
      let size: number;
      try {
        size = statSync(path.join(absDir, entry.name)).size;
      } catch {
        continue; // vanished or unreadable since the listing
      }
      if (!database && size > maxSize) {
        options.onTooLarge?.(rel, size);
        continue;
      }
      out.push(new ListedFile(root, rel, size, database ? 'database' : 'source', gitIgnored));
    }
  }

  await visit('', [], false);
  return out;
}

/** Reads a source file as text; undefined for binaries (a NUL byte in the first 8 KiB). */
export async function readSourceText(absPath: string): Promise<string | undefined> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(absPath);
  } catch {
    return undefined;
  }
  return sourceText(buf);
}

/** readSourceText, blocking: for a scan worker, and for a small tree's in-process scan (a promise per file costs more there). */
export function readSourceTextSync(absPath: string): string | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(absPath);
  } catch {
    return undefined;
  }
  return sourceText(buf);
}

function sourceText(buf: Buffer): string | undefined {
  if (buf.subarray(0, 8192).includes(0)) return undefined;
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // BOM: not part of the content
  return text;
}
