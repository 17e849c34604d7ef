// What the audit could not read in full: files over the size limit, files and folders it may not
// read (another user's, as a Docker volume often is), links out of the workspace, and files whose
// parse ran past its time budget (treeSitter.ts). Each is a notice in the reports and the server's log, so
// a workspace's references are never dropped without a word.

import type { AuditNotice, FileAnalysis, GrammarName } from './types';
import type { WalkOptions } from './workspace';

const GRAMMAR_LABELS: Record<GrammarName, string> = { python: 'Python', bash: 'shell', ini: 'INI' };

const bytes = (n: number) => n.toLocaleString('en-US');

/** A file the walk left out for its size. */
export function tooLargeNotice(path: string, size: number, limit: number): AuditNotice {
  return {
    path,
    reason: 'too-large',
    message: `not audited: ${bytes(size)} bytes, over the ${bytes(limit)}-byte limit (--max-file-size, dbAudit.maxFileSize)`,
  };
}

/** What an error code of the file system says, in words. */
const READ_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
};

/**
 * A file or folder the audit may not read (`code`: the file system's error code). A folder's path
 * ends with `/`, as `git status` shows a folder: its files are not listed, so not counted either.
 */
export function unreadableNotice(path: string, what: 'file' | 'folder', code: string): AuditNotice {
  const words = READ_ERRORS[code];
  return {
    path: what === 'folder' ? `${path}/` : path,
    reason: 'unreadable',
    message: `not audited: the ${what} could not be read (${words ? `${words}, ${code}` : code})`,
  };
}

/** A link the walk did not follow out of the workspace (WalkOptions.onLinkOutside): a folder's path ends with `/`. */
export function linkNotice(path: string, what: 'file' | 'folder', target: string): AuditNotice {
  return {
    path: what === 'folder' ? `${path}/` : path,
    reason: 'link',
    message: `not audited: a link to a ${what} outside the workspace (${target}); the audit follows no links`,
  };
}

/**
 * The walk's callbacks (WalkOptions) that turn what it leaves out into notices for `note`: files
 * over `maxFileSize`, files and folders it may not read, links out of the workspace. `onUnreadable`
 * also takes the reads' errors.
 */
export function walkNotices(note: (notice: AuditNotice) => void, maxFileSize: number): Required<Pick<WalkOptions, 'onTooLarge' | 'onUnreadable' | 'onLinkOutside'>> {
  return {
    onTooLarge: (path, size) => note(tooLargeNotice(path, size, maxFileSize)),
    onUnreadable: (path, what, code) => note(unreadableNotice(path, what, code)),
    onLinkOutside: (path, what, target) => note(linkNotice(path, what, target)),
  };
}

/** How many files and folders `notices` name, in words: "1 file", "2 files and 1 folder". */
export function noticeCount(notices: readonly AuditNotice[]): string {
  const folders = notices.filter((n) => n.path.endsWith('/')).length;
  const files = notices.length - folders;
  const words = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return [files > 0 || folders === 0 ? words(files, 'file') : '', folders > 0 ? words(folders, 'folder') : ''].filter(Boolean).join(' and ');
}

/** A file read without `grammar` because its parse ran past the budget. */
export function unparsedNotice(path: string, grammar: GrammarName): AuditNotice {
  return {
    path,
    reason: 'parse-budget',
    message: `read without the ${GRAMMAR_LABELS[grammar]} grammar, whose parse ran past its time budget: references only a parse finds (environment reads, SQL passed to calls) may be missing`,
  };
}

/** The notices of a scan, sorted by path: what the walk and the reads left out (too large, unreadable) and the analyses' own. */
export function scanNotices(leftOut: readonly AuditNotice[], analyses: ReadonlyMap<string, FileAnalysis>): AuditNotice[] {
  const notices = [...leftOut];
  for (const [path, analysis] of analyses) if (analysis.unparsed) notices.push(unparsedNotice(path, analysis.unparsed));
  return notices.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
