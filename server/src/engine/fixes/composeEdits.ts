// Several passes of edits over one file, expressed as ONE set of non-overlapping edits against the
// original text, each labelled with the rules whose fixes produced it. Fix-all in the editor needs
// this: a WorkspaceEdit is applied to the text the user has, and its preview groups changes by rule.

import { LineIndex } from '../lineIndex';
import type { Range, RuleId } from '../types';

export interface ComposedEdit {
  /** In the ORIGINAL text's coordinates. */
  range: Range;
  newText: string;
  /** The rules of the fixes that made this change (several when edits of later passes touched it). */
  rules: RuleId[];
}

interface Span {
  /** Offsets in the original text. */
  start: number;
  end: number;
  newText: string;
  rules: Set<RuleId>;
}

export class EditComposer {
  /** Sorted, non-overlapping, in original offsets. */
  private spans: Span[] = [];

  constructor(private readonly original: string) {}

  /** The current text: the original with every edit so far applied. */
  text(): string {
    let out = '';
    let at = 0;
    for (const s of this.spans) {
      out += this.original.slice(at, s.start) + s.newText;
      at = s.end;
    }
    return out + this.original.slice(at);
  }

  /**
   * Applies one pass of non-overlapping edits given in the CURRENT text's offsets. An edit that
   * touches an earlier span merges with it into one span whose new text is the combined result.
   */
  apply(edits: ReadonlyArray<{ start: number; end: number; newText: string; rules: readonly RuleId[] }>): void {
    // Back to front, so the current offsets of spans before each edit stay valid.
    for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) this.applyOne(e);
  }

  private applyOne(e: { start: number; end: number; newText: string; rules: readonly RuleId[] }): void {
    // Current offsets of each span, from the original ones and the length changes before it.
    let shift = 0;
    const current = this.spans.map((s) => {
      const c = { span: s, start: s.start + shift, end: s.start + shift + s.newText.length };
      shift += s.newText.length - (s.end - s.start);
      return c;
    });
    const toOriginal = (offset: number): number => {
      let delta = 0;
      for (const c of current) {
        if (c.end <= offset) delta = c.span.end - c.end;
        else break;
      }
      return offset + delta;
    };
    // Spans the edit touches (an insert at a span's boundary touches it too: they must merge to stay ordered).
    const touched = current.filter((c) => c.start <= e.end && e.start <= c.end);
    const curStart = Math.min(e.start, ...touched.map((c) => c.start));
    const curEnd = Math.max(e.end, ...touched.map((c) => c.end));
    const origStart = touched.length > 0 ? Math.min(toOriginal(curStart), touched[0].span.start) : toOriginal(curStart);
    const origEnd = origStart + (curEnd - curStart) - sumDelta(touched);
    const currentText = this.text();
    const newText = currentText.slice(curStart, e.start) + e.newText + currentText.slice(e.end, curEnd);
    const rules = new Set<RuleId>(e.rules);
    for (const c of touched) for (const r of c.span.rules) rules.add(r);
    const merged: Span = { start: origStart, end: origEnd, newText, rules };
    this.spans = [...this.spans.filter((s) => !touched.some((c) => c.span === s)), merged].sort((a, b) => a.start - b.start || a.end - b.end);
  }

  /** The composed edits, dropping spans that ended up changing nothing. */
  edits(): ComposedEdit[] {
    const index = new LineIndex(this.original);
    return this.spans
      .filter((s) => this.original.slice(s.start, s.end) !== s.newText)
      .map((s) => ({ range: index.range(s.start, s.end), newText: s.newText, rules: [...s.rules].sort() }));
  }
}

/** How much longer the touched spans made the text (current length − original length). */
function sumDelta(touched: ReadonlyArray<{ span: Span }>): number {
  return touched.reduce((n, c) => n + c.span.newText.length - (c.span.end - c.span.start), 0);
}
