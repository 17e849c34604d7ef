// The workspace walk: which files the audit reads. Honours .gitignore (nested ones too, with
// the `ignore` package) and the rules file's `ignore` globs; never enters dependency trees,
// VCS folders or virtualenvs; skips binaries and files over the size cap. Two exceptions to
// .gitignore, because they matter most when ignored: database files (to find undeclared ones)
// and .env files (the real configuration; secrets there are where they belong).

import { lstatSync, promises as fs, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { globMatcher } from './rules/context';
import { timeSlicer } from './timeSlice';
import { isSqliteFileName } from './literals';
import { fileTypeOf } from './detectors';
import { decodeSource, type DecodedSource } from './sourceEncoding';

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
  /**
   * A folder the walk may not list, or a file it may not stat (another user's: `code` is the file
   * system's error, EACCES): left out, and told here. Not one that vanished since it was listed.
   */
  onUnreadable?(path: string, what: 'file' | 'folder', code: string): void;
  /**
   * A link (the walk follows none) to a file it would read or a folder it would enter, which
   * lies outside the workspace (`target`, real path): what it holds is audited nowhere, so it is
   * told here. Not a link into the workspace (audited where it points), nor a broken one.
   */
  onLinkOutside?(path: string, what: 'file' | 'folder', target: string): void;
}

/** A file system error's code, or undefined when the path is simply gone (removed since it was listed): nothing to tell. */
function failureCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : (code ?? String(e));
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
  return walkFrom(walkRules(options), '', [], false);
}

/**
 * The files the walk lists under the folder `relDir` (workspace-relative), by the same rules as a
 * walk of the whole workspace (the .gitignore files above it included); none when the walk would
 * not enter it. For a folder created or moved in after the walk: a file watcher reports only it.
 */
export async function walkFolder(options: WalkOptions, relDir: string): Promise<WalkedFile[]> {
  const rules = walkRules(options);
  if (!isRealFolder(path.join(rules.root, relDir))) return []; // a file, or gone: no .gitignore read for it
  const above = walkedFolderOf(rules, relDir);
  if (!above || !enters(rules, above.name, relDir)) return [];
  return walkFrom(rules, relDir, above.layers, above.dirIgnored || ignoredBy(above.layers, relDir, true));
}

/** The walk from the folder `relDir`, in the state the walk reaches it in. */
async function walkFrom(rules: WalkRules, start: string, startLayers: IgnoreLayer[], startIgnored: boolean): Promise<WalkedFile[]> {
  const { root, userIgnored } = rules;
  const out: WalkedFile[] = [];
  const pause = timeSlicer();

  async function visit(relDir: string, layers: IgnoreLayer[], dirIgnored: boolean): Promise<void> {
    await pause();
    const absDir = path.join(root, relDir);
    let entries: Dirent[];
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      const code = failureCode(e);
      if (code !== undefined) rules.onUnreadable?.(relDir === '' ? '.' : relDir, 'folder', code);
      return;
    }
    const gitignore = entries.find((e) => e.isFile() && e.name === '.gitignore');
    if (gitignore && !dirIgnored) layers = withGitignore(layers, root, relDir);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isSymbolicLink()) {
        // Links can loop or leave the workspace: not followed, but told when they leave it.
        if (rules.onLinkOutside) tellLinkOutside(rules, rel, entry.name, dirIgnored, layers);
        continue;
      }
      if (entry.isDirectory()) {
        if (skipsFolder(entry.name, rel, userIgnored)) continue;
        await visit(rel, layers, dirIgnored || ignoredBy(layers, rel, true));
        continue;
      }
      if (!entry.isFile()) continue;
      const file = listedFile(rules, rel, entry.name, dirIgnored, layers);
      if (file) out.push(file);
    }
  }

  await visit(start, startLayers, startIgnored);
  return out;
}

/**
 * Tells `onLinkOutside` of the link `rel` (named `name`) when it leads out of the workspace to a
 * file the walk would list under the link's own name, or to a folder it would enter.
 */
function tellLinkOutside(rules: WalkRules, rel: string, name: string, dirIgnored: boolean, layers: readonly IgnoreLayer[]): void {
  let target: string;
  let isFolder: boolean;
  try {
    target = realpathSync(path.join(rules.root, rel));
    const s = statSync(target);
    if (!s.isFile() && !s.isDirectory()) return;
    isFolder = s.isDirectory();
    rules.realRoot ??= realpathSync(rules.root);
  } catch {
    return; // broken, a loop, or where this user may not look: nothing the walk could have read
  }
  if (target === rules.realRoot || target.startsWith(rules.realRoot + path.sep)) return;
  const walked = isFolder ? !skipsFolder(name, rel, rules.userIgnored) : pathDecision(rules, rel, name, dirIgnored, layers) !== undefined;
  if (walked) rules.onLinkOutside!(rel, isFolder ? 'folder' : 'file', target);
}

/** The layers with the .gitignore of the folder `relDir` added (an unreadable one ignores nothing). */
function withGitignore(layers: IgnoreLayer[], root: string, relDir: string): IgnoreLayer[] {
  try {
    return [...layers, { base: relDir, rules: ignore().add(readFileSync(path.join(root, relDir, '.gitignore'), 'utf8')) }];
  } catch {
    return layers;
  }
}

/** Whether the walk stays out of the folder `rel` named `name`. */
function skipsFolder(name: string, rel: string, userIgnored: (rel: string) => boolean): boolean {
  return SKIPPED_DIRS.has(name) || userIgnored(rel) || userIgnored(rel + '/');
}

/** What the walk's decisions take from its options. */
interface WalkRules {
  root: string;
  maxSize: number;
  userIgnored(rel: string): boolean;
  onTooLarge: WalkOptions['onTooLarge'];
  onUnreadable: WalkOptions['onUnreadable'];
  onLinkOutside: WalkOptions['onLinkOutside'];
  /** The root's real path, made when the first link asks (a root under a link, as /tmp is on macOS, compares by it). */
  realRoot?: string;
}

function walkRules(options: WalkOptions): WalkRules {
  return {
    root: path.resolve(options.root),
    maxSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    userIgnored: globMatcher(options.ignoreGlobs ?? []),
    onTooLarge: options.onTooLarge,
    onUnreadable: options.onUnreadable,
    onLinkOutside: options.onLinkOutside,
  };
}

/** Whether a file the walk reads is a database file, and whether git ignores it. */
interface PathDecision {
  database: boolean;
  gitIgnored: boolean;
}

/**
 * What the walk decides for the file `rel` (named `name`, in a folder git-ignored or not, under
 * these .gitignore layers) by its path alone; undefined when the audit does not read it.
 */
function pathDecision(rules: WalkRules, rel: string, name: string, dirIgnored: boolean, layers: readonly IgnoreLayer[]): PathDecision | undefined {
  if (rules.userIgnored(rel)) return undefined;
  const gitIgnored = dirIgnored || ignoredBy(layers, rel, false);
  const database = isSqliteFileName(name);
  if (!database && gitIgnored && !isDotenv(name)) return undefined;
  if (!database && !fileTypeOf(rel)) return undefined;
  return { database, gitIgnored };
}

/** The regular file `rel` as the walk lists it (pathDecision, then its size); undefined when the audit does not read it. */
function listedFile(rules: WalkRules, rel: string, name: string, dirIgnored: boolean, layers: readonly IgnoreLayer[]): WalkedFile | undefined {
  const decision = pathDecision(rules, rel, name, dirIgnored, layers);
  if (!decision) return undefined;
  let size: number;
  try {
    size = statSync(path.join(rules.root, rel)).size;
  } catch (e) {
    const code = failureCode(e);
    if (code !== undefined) rules.onUnreadable?.(rel, 'file', code);
    return undefined;
  }
  if (!decision.database && size > rules.maxSize) {
    rules.onTooLarge?.(rel, size);
    return undefined;
  }
  return new ListedFile(rules.root, rel, size, decision.database ? 'database' : 'source', decision.gitIgnored);
}

/** The walk's state on reaching the folder of `rel`: its .gitignore layers, and whether git ignores it; undefined when the walk never enters it. */
function walkedFolderOf(rules: WalkRules, rel: string): { name: string; layers: IgnoreLayer[]; dirIgnored: boolean } | undefined {
  const { root } = rules;
  const parts = rel.split('/');
  const name = parts.pop()!;
  let layers: IgnoreLayer[] = [];
  let dirIgnored = false;
  let relDir = '';
  for (const part of [...parts, undefined]) {
    if (!dirIgnored && isRegularFile(path.join(root, relDir, '.gitignore'))) layers = withGitignore(layers, root, relDir);
    if (part === undefined) break;
    const child = relDir === '' ? part : `${relDir}/${part}`;
    if (!enters(rules, part, child)) return undefined;
    dirIgnored ||= ignoredBy(layers, child, true);
    relDir = child;
  }
  return { name, layers, dirIgnored };
}

/**
 * The file at `rel` (workspace-relative, `/`-separated) as walkWorkspace would list it, by the
 * same rules, or undefined when a walk would pass it by: for a file changed on disk after the
 * walk, so a language server does not take in what its scan left out (a virtualenv's packages,
 * a git-ignored build folder, a file over the size limit).
 */
export function listedFileAt(options: WalkOptions, rel: string): WalkedFile | undefined {
  const rules = walkRules(options);
  const folder = walkedFolderOf(rules, rel);
  if (!folder) return undefined;
  const kind = entryKind(path.join(rules.root, rel));
  // A link (to a file or a folder) is told as the walk tells it, so a change event keeps its notice.
  if (kind === 'link' && rules.onLinkOutside) tellLinkOutside(rules, rel, folder.name, folder.dirIgnored, folder.layers);
  if (kind !== 'file') return undefined;
  return listedFile(rules, rel, folder.name, folder.dirIgnored, folder.layers);
}

/**
 * Whether the audit reads the file at `rel` by its path, whatever its size or contents: for a
 * document open in an editor, which is checked only where the workspace's audit looks.
 */
export function auditsPath(options: WalkOptions, rel: string): boolean {
  const rules = walkRules(options);
  const folder = walkedFolderOf(rules, rel);
  return folder !== undefined && pathDecision(rules, rel, folder.name, folder.dirIgnored, folder.layers) !== undefined;
}

/** Whether the walk enters `rel`, named `name`, from its parent: a real folder (not a link), not skipped. */
function enters(rules: WalkRules, name: string, rel: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !skipsFolder(name, rel, rules.userIgnored) && isRealFolder(path.join(rules.root, rel));
}

/** What is at `abs` itself, a link not followed (the walk lists neither links nor what they point to); undefined when nothing is, or it cannot be looked at. */
function entryKind(abs: string): 'file' | 'folder' | 'link' | 'other' | undefined {
  try {
    const s = lstatSync(abs);
    return s.isFile() ? 'file' : s.isDirectory() ? 'folder' : s.isSymbolicLink() ? 'link' : 'other';
  } catch {
    return undefined;
  }
}

const isRegularFile = (abs: string) => entryKind(abs) === 'file';
const isRealFolder = (abs: string) => entryKind(abs) === 'folder';

/** Told why a file could not be read (the file system's error code, EACCES), unless it is simply gone. */
export type OnReadError = (code: string) => void;

/**
 * Reads a source file as text (UTF-8, or UTF-16 with a BOM: sourceEncoding.ts); undefined for
 * binaries and for files that cannot be read (`onError` says why, unless the file is gone).
 */
export async function readSourceText(absPath: string, onError?: OnReadError): Promise<string | undefined> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(absPath);
  } catch (e) {
    return failedRead(e, onError);
  }
  return decodeSource(buf)?.text;
}

/** readSourceText, blocking: for a scan worker, and for a small tree's in-process scan (a promise per file costs more there). */
export function readSourceTextSync(absPath: string, onError?: OnReadError): string | undefined {
  return readSourceSync(absPath, onError)?.text;
}

/** A source file's text and the encoding it was read in (`db-audit fix` writes it back in that one); undefined for binaries and unreadable files. */
export function readSourceSync(absPath: string, onError?: OnReadError): DecodedSource | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(absPath);
  } catch (e) {
    return failedRead(e, onError);
  }
  return decodeSource(buf);
}

function failedRead(e: unknown, onError: OnReadError | undefined): undefined {
  const code = failureCode(e);
  if (code !== undefined) onError?.(code);
  return undefined;
}
