/**
 * A libpq DSN that names no `dbname` (literals.ts findLibpq), for the prefilter: a run of
 * `key=value` pairs with blanks between, among them `host` and `user` or `port`:
 * `"host=db port=5432"`. Keys start where LIBPQ_RE's do (not after a word character or `-`).
 * Blanks may be escapes (`\n`), values may be quoted or hold placeholders (`{cfg['host']}`,
 * `${h}`). Keyword arguments look the same (`host=None, port=0`): in JS they stay candidates; in
 * Python only in a string's value (prefilter.ts hasPythonDsnString), where
 * `"Pool(host=%r, port=%r)"` is a DSN to findLibpq.
 *
 * This was one regex, a first pair, then pairs lazily, then the other key. Where no such key came,
 * it walked the rest of the run again from every `host` in it: thousands of `host=a` pairs took a
 * second. The run from a pair's end is the same whichever pair it was reached from (each value and
 * blank has one reading), so here a walk that failed marks the pair ends it passed, and no later
 * walk passes them again; a value's reading is kept for each piece it starts at.
 */

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const SPACE = /\s/;
const ESCAPED_BLANK = /[ntrfv]/;

/** A first key (`host`, `user` or `port`), where a word starts in raw code (or after an escape's letter: `"db\nport=5432"`), up to its value. */
const FIRST_KEY = /(host|user|port)(?<=(?:^|[^a-z0-9_-]|\\[a-z])(?:host|user|port))\s*=\s*/g;
/** The key that completes a run, after a blank (where a word always starts). */
const CLOSING_HOST = /host\s*=/y;
const CLOSING_USER_OR_PORT = /(?:user|port)\s*=/y;
/** A key of any pair in the run and what leads to its value. */
const PAIR_KEY = /[a-z_]+\s*=\s*/y;

/** Whether lower-cased text holds such a run: `host` first and `user` or `port` later, or the other way round. */
export function hasHostDsnRun(lower: string): boolean {
  // Every such run spells `host`; `port` alone is in every `import`/`export`.
  if (!lower.includes('host')) return false;
  let walk: DsnWalk | undefined;
  // The match ends before the value, so a run may start inside the value of the one just read.
  FIRST_KEY.lastIndex = 0;
  for (let m = FIRST_KEY.exec(lower); m; m = FIRST_KEY.exec(lower)) {
    walk ??= new DsnWalk(lower);
    const end = walk.valueEnd(m.index + m[0].length);
    if (end >= 0 && walk.reaches(end, m[1] === 'host' ? CLOSING_USER_OR_PORT : CLOSING_HOST)) return true;
  }
  return false;
}

class DsnWalk {
  /** The end of the value read from a piece it holds, for each piece start a reading passed. */
  private readonly valueEnds = new Map<number, number>();
  private readonly nextOf = new Map<string, { from: number; at: number }>();
  /** For each closing key, the pair ends from which no run reached it. */
  private readonly failed = new Map<RegExp, Set<number>>();

  constructor(private readonly text: string) {}

  /** From the end of a pair: blanks, then `then` (done) or another pair (go on). */
  reaches(pairEnd: number, then: RegExp): boolean {
    let failed = this.failed.get(then);
    if (!failed) this.failed.set(then, (failed = new Set()));
    const passed: number[] = [];
    for (let end = pairEnd; !failed.has(end);) {
      passed.push(end);
      const key = this.blankEnd(end);
      if (key === end) break;
      then.lastIndex = key;
      if (then.test(this.text)) return true;
      PAIR_KEY.lastIndex = key;
      if (!PAIR_KEY.test(this.text)) break;
      end = this.valueEnd(PAIR_KEY.lastIndex);
      if (end < 0) break;
    }
    for (const end of passed) failed.add(end);
    return false;
  }

  /** `(?:\s|\\[ntrfv])*` from `at`. */
  private blankEnd(at: number): number {
    const s = this.text;
    for (;;) {
      if (at < s.length && SPACE.test(s[at])) at++;
      else if (s[at] === '\\' && at + 1 < s.length && ESCAPED_BLANK.test(s[at + 1])) at += 2;
      else return at;
    }
  }

  /** The end of the value at `at`: a single-quoted string, or a run of pieces; -1 when none starts there. */
  valueEnd(at: number): number {
    if (this.text[at] === "'") return this.quotedEnd(at);
    const pieces: number[] = [];
    let end = at;
    for (;;) {
      const known = this.valueEnds.get(end);
      if (known !== undefined) {
        end = known;
        break;
      }
      const next = this.pieceEnd(end);
      if (next < 0) break;
      pieces.push(end);
      end = next;
    }
    for (const p of pieces) this.valueEnds.set(p, end);
    return end === at ? -1 : end;
  }

  /** `'(?:[^'\\\n]|\\.)*'` from its opening quote; -1 when it is not closed. */
  private quotedEnd(open: number): number {
    const s = this.text;
    for (let i = open + 1; i < s.length; i++) {
      if (s[i] === "'") return i + 1;
      if (s[i] === '\n') return -1;
      if (s[i] === '\\') {
        if (i + 1 >= s.length || LINE_TERMINATOR.test(s[i + 1])) return -1;
        i++;
      }
    }
    return -1;
  }

  /** One piece of an unquoted value: `{…}`, `${…}`, a `$`, an escape other than a blank's, or a character other than a blank, quote, `\`, `{` or `$`. */
  private pieceEnd(at: number): number {
    const s = this.text;
    const c = s[at];
    if (c === undefined) return -1;
    if (c === '{') {
      // `\{[^{}\n]*\}`
      const close = this.next('}', at + 1);
      return close < this.next('{', at + 1) && close < this.next('\n', at + 1) ? close + 1 : -1;
    }
    if (c === '$') {
      // `\$\{[^}\n]*\}` read whole, else the `$` alone.
      if (s[at + 1] !== '{') return at + 1;
      const close = this.next('}', at + 2);
      return close < this.next('\n', at + 2) ? close + 1 : at + 1;
    }
    if (c === '\\') return at + 1 < s.length && !ESCAPED_BLANK.test(s[at + 1]) && !SPACE.test(s[at + 1]) ? at + 2 : -1;
    return c === "'" || c === '"' || SPACE.test(c) ? -1 : at + 1;
  }

  /**
   * The index of the next `char` at or after `from` (the text's length when none). The last answer
   * holds for every `from` up to it: a run of `{` or `${` asks again and again for the same one.
   */
  private next(char: string, from: number): number {
    const last = this.nextOf.get(char);
    if (last && last.from <= from && from <= last.at) return last.at;
    const found = this.text.indexOf(char, from);
    const at = found < 0 ? this.text.length : found;
    this.nextOf.set(char, { from, at });
    return at;
  }
}
