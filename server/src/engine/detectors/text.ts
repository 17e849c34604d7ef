// The fallback for text files no other detector reads (`.properties`, `.xml`, `.txt`, `.go`, `.rb`,
// `.java`, `.tf`, ...). Without a grammar, it stays predictable, line by line:
// - database URLs and DSNs count anywhere on a line (they are unmistakable);
// - a SQLite path counts only in a string-like place: inside "...", '...' or `...` on the line, or
//   as the value of a `key=value` / `key: value` line (properties files), so prose mentioning
//   zoe.db is not a reference;
// - whole-line comments (`#`, `//`, `--`, `;`, `<!--`, `/*` and the ` * ` lines of block comments)
//   are skipped, and so are the lines of a block comment opened by such a line until it closes.

import { ReferenceCollector } from '../collector';
import { findLiterals } from '../literals';
import type { Detector } from '../types';

const COMMENT_LINE = /^\s*(?:#|\/\/|--|;|<!--|\/\*|\*(?:\s|\/|$))/;
/** Block comments a comment line may open, with their closers. */
const BLOCK_COMMENTS: Array<[string, string]> = [['<!--', '-->'], ['/*', '*/']];
/** `key=value` (any value) or `key: value` (a single token, so `Note: see zoe.db` stays prose). */
const KEY_VALUE = /^\s*[A-Za-z_][\w.-]*\s*(?:=\s*(.*\S)?|:[ \t]*(\S+))\s*$/;

/** [start, end) of each quoted string's content on a line. An apostrophe inside a word (don't) opens none. */
export function quotedSpans(line: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < line.length; i++) {
    const q = line[i];
    if (q !== '"' && q !== "'" && q !== '`') continue;
    if (q === "'" && i > 0 && /[\p{L}\p{N}]/u.test(line[i - 1])) continue;
    const close = closing(line, i + 1, q);
    if (close < 0) continue;
    spans.push([i + 1, close]);
    i = close;
  }
  return spans;
}

function closing(line: string, from: number, q: string): number {
  for (let j = from; j < line.length; j++) {
    if (line[j] === '\\' && q !== '`') j++;
    else if (line[j] === q && !(q === "'" && /[\p{L}\p{N}]/u.test(line[j + 1] ?? ''))) return j;
  }
  return -1;
}

/** The string-like places of a line where SQLite paths count. */
function valueSpans(line: string): Array<[number, number]> {
  const spans = quotedSpans(line);
  const kv = KEY_VALUE.exec(line);
  const value = kv?.[1] ?? kv?.[2];
  if (kv && value) {
    const start = kv[0].length - kv[0].replace(/^.*?[=:]\s*/, '').length;
    spans.push([start, start + value.length]);
  }
  return spans;
}

function analyzeLine(c: ReferenceCollector, line: string, offset: number): void {
  const urls = findLiterals(line).filter((m) => m.kind === 'connection-url');
  for (const m of urls) c.literal(m, offset);
  const seen = new Set<number>();
  for (const [s, e] of valueSpans(line)) {
    for (const m of findLiterals(line.slice(s, e))) {
      const start = s + m.start;
      const end = s + m.end;
      if (m.kind !== 'sqlite-path' || seen.has(start) || urls.some((u) => start < u.end && end > u.start)) continue;
      seen.add(start);
      c.literal({ ...m, start, end }, offset);
    }
  }
}

export const detectText: Detector = (file) => {
  const c = new ReferenceCollector(file);
  try {
    let closer: string | undefined;
    let offset = 0;
    for (const raw of file.text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const start = offset;
      offset += raw.length + 1;
      if (closer !== undefined) {
        if (line.includes(closer)) closer = undefined;
        continue;
      }
      if (COMMENT_LINE.test(line)) {
        const trimmed = line.trimStart();
        const block = BLOCK_COMMENTS.find(([open]) => trimmed.startsWith(open));
        if (block && !trimmed.includes(block[1], block[0].length)) closer = block[1];
        continue;
      }
      analyzeLine(c, line, start);
    }
  } catch {
    return { references: [], tables: [] };
  }
  return c.result();
};
