// What a quick fix is: a title and minimal text edits, possibly in several files (a rules file
// edit lives in dbaudit.json). Fixes are computed from the files' CURRENT text, never replayed.

import type { RulesConfig } from '../config/rulesFile';
import type { Finding, Range, RuleId } from '../types';

export interface FixEdit {
  /** Workspace-relative path, POSIX separators. */
  path: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  /** The obvious fix (Ctrl+. / "Auto Fix" and fix-all apply it); false when a person must choose. */
  isPreferred: boolean;
  rule: RuleId;
  edits: FixEdit[];
}

export interface FixContext {
  /** The current text of a workspace file (the editor's when open), undefined when unreadable. */
  textOf(path: string): string | undefined;
  config: RulesConfig | undefined;
}

/** What a per-language fixer gets: the finding and its file's current text. */
export interface FixInput {
  finding: Finding;
  text: string;
  config: RulesConfig | undefined;
}
