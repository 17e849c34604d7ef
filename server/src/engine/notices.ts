// What the audit could not read in full: files over the size limit, and files whose parse ran
// past its time budget (treeSitter.ts). Each is a notice in the reports and the server's log, so
// a workspace's references are never dropped without a word.

import type { AuditNotice, FileAnalysis, GrammarName } from './types';

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

/** A file read without `grammar` because its parse ran past the budget. */
export function unparsedNotice(path: string, grammar: GrammarName): AuditNotice {
  return {
    path,
    reason: 'parse-budget',
    message: `read without the ${GRAMMAR_LABELS[grammar]} grammar, whose parse ran past its time budget: references only a parse finds (environment reads, SQL passed to calls) may be missing`,
  };
}

/** The notices of a scan, sorted by path: the walk's `tooLarge` ones and the analyses' own. */
export function scanNotices(tooLarge: readonly AuditNotice[], analyses: ReadonlyMap<string, FileAnalysis>): AuditNotice[] {
  const notices = [...tooLarge];
  for (const [path, analysis] of analyses) if (analysis.unparsed) notices.push(unparsedNotice(path, analysis.unparsed));
  return notices.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
