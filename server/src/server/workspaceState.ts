// One workspace folder as the server sees it: the analyses from disk, overridden by the text
// of open documents, and the rules file. Workspace-wide results live here, apart from the
// documents, so closing a file neither hides its problems nor leaves stale ones.

import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { AnalysisCache, analyzeWorkspace, loadRulesFile, scanFilterOf, type Evaluation, type RulesFileState } from '../engine/audit';
import { IncrementalEvaluator } from '../engine/incrementalEvaluation';
import { parseRulesFile } from '../engine/config/rulesFile';
import { ENV_ONLY } from '../engine/detectors';
import type { ScanFilter } from '../engine/prefilter';
import { scanNotices, walkNotices } from '../engine/notices';
import type { AuditNotice, FileAnalysis } from '../engine/types';
import { auditsPath, listedFileAt, readSourceText, toPosix, walkFolder, type WalkedFile, type WalkOptions } from '../engine/workspace';
import { FolderIndex } from './folderIndex';
import type { ServerSettings } from './settings';

export class WorkspaceState {
  private readonly cache = new AnalysisCache();
  private readonly evaluator = new IncrementalEvaluator();
  private disk = new Map<string, FileAnalysis>();
  private readonly open = new Map<string, FileAnalysis>();
  /** The disk's analyses overridden by open documents': what evaluation reads. */
  private merged = new Map<string, FileAnalysis>();
  /** Open documents' texts, to re-check them when the rules file declares new variables. */
  private readonly openTexts = new Map<string, string>();
  private databaseFiles = new Set<string>();
  /** The folders of the files read from disk and the database files (a watcher reports a deleted folder as one event). */
  private readonly folders = new FolderIndex();
  private gitIgnored = new Set<string>();
  /**
   * What the walk and the reads left out (files over the size limit, files and folders this user
   * may not read): the last scan's, kept up to date as files change on disk (diskChanged).
   */
  private leftOut: AuditNotice[] = [];
  private rulesState: RulesFileState | undefined;
  /** What the prefilter knows of the rules file (the variables it declares). */
  private filter: ScanFilter = scanFilterOf(undefined);
  /** The rules file's text while it is open in the editor (it wins over the disk). */
  private rulesText: string | undefined;
  filesScanned = 0;
  scanned = false;
  /** The last evaluation published, for hover, references and lenses between edits. */
  last: Evaluation | undefined;

  /** `log`: a line for the server's output (a scan worker that ran out of memory). */
  constructor(readonly root: string, public settings: ServerSettings, private readonly log?: (message: string) => void) {}

  get rulesFile(): RulesFileState | undefined {
    return this.rulesState;
  }

  /** The rules file; its declared variables decide which files the prefilter lets through. */
  set rulesFile(state: RulesFileState | undefined) {
    this.rulesState = state;
    const filter = scanFilterOf(state?.config);
    if (filter.declaredEnvNames.join('\0') !== this.filter.declaredEnvNames.join('\0')) this.stale = true;
    this.filter = filter;
  }

  /** Files ruled out as ENV_ONLY may hold a variable the rules file now declares. */
  private stale = false;

  /** Workspace-relative POSIX path of an absolute path, or undefined when outside this folder. */
  relative(absPath: string): string | undefined {
    const rel = path.relative(this.root, absPath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return toPosix(rel);
  }

  get rulesPath(): string {
    return toPosix(path.normalize(this.settings.rulesFile));
  }

  isRulesFile(rel: string): boolean {
    return rel === this.rulesPath;
  }

  /**
   * Files not read in full: the last scan's too-large and unreadable ones (but those analyzed since,
   * open in an editor or changed on disk), and the analyses, open documents' included, whose parse ran out.
   */
  notices(): AuditNotice[] {
    return scanNotices(this.leftOut.filter((n) => !this.merged.has(n.path)), this.merged);
  }

  /** Walks and analyzes the whole folder. */
  async scan(onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    const configPath = path.resolve(this.root, this.settings.rulesFile);
    const config = (await exists(configPath)) ? configPath : undefined;
    const first = !this.scanned;
    if (first) await this.loadRulesEarly();
    const result = await analyzeWorkspace({
      root: this.root,
      configPath: config,
      maxFileSize: this.settings.maxFileSize,
      cache: this.cache,
      offload: true,
      onProgress,
      onAnalysis: first ? (rel, analysis) => this.setDisk(rel, analysis) : undefined,
      signal,
      onWorkerOutOfMemory: (mb) => this.log?.(`A scan worker of ${this.root} ran out of memory under a ${mb} MB heap; its files are analyzed again under a higher limit.`),
    });
    this.disk = result.analyses;
    this.merged = new Map(this.disk);
    for (const [p, a] of this.open) this.merged.set(p, a);
    this.databaseFiles = new Set(result.files.filter((f) => f.kind === 'database').map((f) => f.path));
    this.folders.clear();
    for (const p of this.disk.keys()) this.folders.add(p);
    for (const p of this.databaseFiles) this.folders.add(p);
    this.gitIgnored = new Set(result.files.filter((f) => f.gitIgnored).map((f) => f.path));
    this.filesScanned = result.filesScanned;
    this.leftOut = result.notices.filter((n) => n.reason !== 'parse-budget'); // those are the analyses' own
    for (const n of result.notices) this.log?.(`Not audited in full: ${path.join(this.root, n.path)}: ${n.message}`);
    this.rulesFile = result.rulesFile;
    this.stale = false; // the scan used this rules file
    if (this.rulesText !== undefined) this.setRulesText(this.rulesText);
    this.scanned = true;
    await this.recheckIfStale();
  }

  /**
   * After the rules file declared other variables: files ruled out because their env reads
   * named none are analyzed again with the new names (only those: the rest did not depend on them).
   */
  async recheckIfStale(): Promise<void> {
    if (!this.stale) return;
    this.stale = false;
    for (const [rel, analysis] of this.open) {
      if (analysis === ENV_ONLY) this.setOpen(rel, this.cache.analyze(rel, this.openTexts.get(rel)!, this.filter, true));
    }
    const noted = this.leftOutNotes();
    for (const [rel, analysis] of this.disk) {
      if (analysis !== ENV_ONLY) continue;
      // A file this user may no longer read is listed as the scan lists one (gone, it is just dropped).
      const text = await readSourceText(path.join(this.root, rel), (code) => noted.onUnreadable(rel, 'file', code));
      if (text === undefined) this.deleteDisk(rel);
      else this.setDisk(rel, this.cache.analyze(rel, text, this.filter));
    }
  }

  /**
   * Before the first scan, the rules file alone (the editor's text when open), so open documents
   * are checked against the rules while the scan runs.
   */
  async loadRulesEarly(): Promise<void> {
    if (this.scanned) return;
    if (this.rulesText !== undefined) return this.setRulesText(this.rulesText);
    const configPath = path.resolve(this.root, this.settings.rulesFile);
    this.rulesFile = await loadRulesFile(this.root, (await exists(configPath)) ? configPath : undefined);
  }

  /** The text of an open document (undefined when it closes: the disk version counts again). */
  async setDocument(rel: string, text: string | undefined): Promise<void> {
    if (this.isRulesFile(rel)) {
      this.rulesText = text;
      if (text !== undefined) this.setRulesText(text);
      else await this.reloadRulesFromDisk();
      if (this.scanned) await this.recheckIfStale();
      return;
    }
    // Checked only where the workspace's audit looks (as ESLint and Ruff leave an ignored file open in an editor alone);
    // asked when the document opens, not on each edit (it reads the .gitignore files on the way).
    if (text === undefined || (!this.openTexts.has(rel) && !auditsPath(this.walkOptions(), rel))) {
      this.closeOpen(rel);
      this.openTexts.delete(rel);
      return;
    }
    this.openTexts.set(rel, text);
    this.setOpen(rel, this.cache.analyze(rel, text, this.filter, true));
  }

  /** Lets the detector of an open document keep its parse for the next edit (AnalysisCache.keepParse). */
  keepParse(rel: string): void {
    const text = this.openTexts.get(rel);
    if (text !== undefined) this.cache.keepParse(rel, text, this.filter);
  }

  /**
   * A file or folder changed, appeared or vanished on disk (a watcher reports a folder deleted,
   * created or moved as one event). A file is taken in only as the scan's walk would list it
   * (listedFileAt, walkFolder): a package installed into a virtualenv, a git-ignored build or a
   * file over the size limit stays out, as it does at the next scan.
   */
  async diskChanged(rel: string, deleted: boolean): Promise<void> {
    if (this.isRulesFile(rel)) {
      if (this.rulesText === undefined) await this.reloadRulesFromDisk();
      if (this.scanned) await this.recheckIfStale();
      return;
    }
    if (this.folders.holds(rel)) this.forgetFolder(rel); // deleted, or moved: what is there now is walked below
    // Its notices and those under it, whether or not the server knows a file there: noted again below if they still are.
    this.leftOut = this.leftOut.filter((n) => n.path !== rel && !n.path.startsWith(`${rel}/`));
    this.gitIgnored.delete(rel);
    const noted = this.leftOutNotes();
    const options = { ...this.walkOptions(), ...noted };
    const listed = deleted ? undefined : listedFileAt(options, rel);
    if (!listed) this.forgetFile(rel); // gone, or not read (any more)
    if (deleted) return;
    for (const file of listed ? [listed] : await walkFolder(options, rel)) await this.takeFile(file, noted.onUnreadable);
  }

  /** A file the walk lists, read (again) from disk. */
  private async takeFile(file: WalkedFile, onUnreadable: NonNullable<WalkOptions['onUnreadable']>): Promise<void> {
    if (file.gitIgnored) this.gitIgnored.add(file.path);
    if (file.kind === 'database') {
      if (!this.databaseFiles.has(file.path)) this.folders.add(file.path);
      this.databaseFiles.add(file.path);
      return;
    }
    const text = await readSourceText(path.join(this.root, file.path), (code) => onUnreadable(file.path, 'file', code));
    if (text === undefined) this.deleteDisk(file.path);
    else this.setDisk(file.path, this.cache.analyze(file.path, text, this.filter));
  }

  /** Drops what is known of the file `rel`: its analysis from disk, its being a database file, git-ignored. */
  private forgetFile(rel: string): void {
    this.gitIgnored.delete(rel);
    if (this.databaseFiles.delete(rel)) this.folders.remove(rel);
    this.deleteDisk(rel);
  }

  /** Drops every file known under the folder `rel`. */
  private forgetFolder(rel: string): void {
    const under = rel + '/';
    const inside = (p: string) => p.startsWith(under);
    for (const p of [...this.disk.keys()].filter(inside)) this.forgetFile(p);
    for (const p of [...this.databaseFiles].filter(inside)) this.forgetFile(p);
    for (const p of [...this.gitIgnored].filter(inside)) this.gitIgnored.delete(p);
  }

  /** The walk's and the reads' notices, kept in `leftOut` (files over the size limit, unreadable, links out). */
  private leftOutNotes(): ReturnType<typeof walkNotices> {
    return walkNotices((n) => this.leftOut.push(n), this.settings.maxFileSize);
  }

  /** The walk's options for this folder now: its size limit, and the ignore globs of its rules file (the editor's text when open). */
  private walkOptions(): WalkOptions {
    return { root: this.root, maxFileSize: this.settings.maxFileSize, ignoreGlobs: this.rulesFile?.config?.ignore };
  }

  private setRulesText(text: string): void {
    this.rulesFile = { path: this.rulesPath, ...parseRulesFile(text, this.rulesPath) };
  }

  private async reloadRulesFromDisk(): Promise<void> {
    try {
      const text = await fs.readFile(path.join(this.root, this.settings.rulesFile), 'utf8');
      this.setRulesText(text);
    } catch {
      this.rulesFile = undefined;
    }
  }

  /** Workspace-relative paths of the files the last scan listed (sources read, database files). */
  filePaths(): string[] {
    return [...new Set([...this.disk.keys(), ...this.open.keys(), ...this.databaseFiles])].sort();
  }

  /** The walked files fix-all needs: database files and which files git ignores (issue 3). */
  walkedFiles(): Array<{ path: string; kind: 'source' | 'database'; gitIgnored: boolean }> {
    return this.filePaths().map((p) => ({ path: p, kind: this.databaseFiles.has(p) ? 'database' : 'source', gitIgnored: this.gitIgnored.has(p) }));
  }

  /** Every file's analysis: the disk's, overridden by open documents. */
  analyses(): ReadonlyMap<string, FileAnalysis> {
    return this.merged;
  }

  // `merged` is kept up to date rather than built per evaluation (a 10k-entry copy per keystroke).
  private setDisk(rel: string, analysis: FileAnalysis): void {
    if (!this.disk.has(rel)) this.folders.add(rel);
    this.disk.set(rel, analysis);
    if (!this.open.has(rel)) this.merged.set(rel, analysis);
  }

  private deleteDisk(rel: string): void {
    if (this.disk.delete(rel)) this.folders.remove(rel);
    if (!this.open.has(rel)) this.merged.delete(rel);
  }

  private setOpen(rel: string, analysis: FileAnalysis): void {
    this.open.set(rel, analysis);
    this.merged.set(rel, analysis);
  }

  private closeOpen(rel: string): void {
    this.open.delete(rel);
    const onDisk = this.disk.get(rel);
    if (onDisk) this.merged.set(rel, onDisk);
    else this.merged.delete(rel);
  }

  evaluate(): Evaluation {
    this.last = this.evaluator.evaluate({
      analyses: this.analyses(),
      databaseFiles: [...this.databaseFiles].sort(),
      config: this.rulesFile?.config,
      isGitIgnored: (p) => this.gitIgnored.has(p),
    });
    return this.last;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
