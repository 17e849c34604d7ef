// The value a string literal may have, read from raw code at its opening quote without a parser:
// for the prefilter, which must decide whether a string starts as looksLikeSql wants it before
// the file is parsed. A quote found by a regex may as well close a string as open one, and the
// code may be Python or JS, so the readings are approximations; the prefilter asks whether any
// of them looks like SQL, which keeps it a superset of what the detectors see.

/** How a string opened at a quote is read. */
export interface QuotedValueOptions {
  /** Python: `"a" "b"` is one string (implicit concatenation), `'''`/`"""` strings span lines. */
  python: boolean;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', b: '\b', '0': '\0' };

/** Escapes that can spell a character by its code: `\xHH`, `\uHHHH`, `\u{H…}`, `\UHHHHHHHH`, octal. */
export const NUMERIC_ESCAPE = /\\(?:x([0-9A-Fa-f]{2})|u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([0-7]{1,3}))/g;
const NUMERIC_ESCAPE_AT = new RegExp(NUMERIC_ESCAPE.source, 'y');

/**
 * Python's `\N{NAME}`: a character by name. The Python detector does not look names up; it reads
 * each as NAMED_ESCAPE_VALUE (python.ts decodeEscape), and so do the prefilter's readings.
 */
export const NAMED_ESCAPE = /\\N\{[^}\n]*\}/g;
export const NAMED_ESCAPE_VALUE = '\ufffd';

/** The character a numeric escape spells, from NUMERIC_ESCAPE's five groups; undefined past Unicode's last. */
function spelled([x, braced, u, big, octal]: ReadonlyArray<string | undefined>): string | undefined {
  const code = octal !== undefined ? parseInt(octal, 8) : parseInt((x ?? braced ?? u ?? big)!, 16);
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** `text` with its numeric escapes replaced by the characters they spell (minified JS is full of `\u00xx`). */
export function decodeNumericEscapes(text: string): string {
  return text.replace(NUMERIC_ESCAPE, (m: string, ...groups: Array<string | undefined>) => spelled(groups) ?? m);
}

/** The escape at `text[i]` (a backslash): the characters it stands for and where the code goes on. */
export function escapeAt(text: string, i: number): { value: string; next: number } {
  const c = text[i + 1];
  if (c === undefined) return { value: '', next: i + 1 };
  if (c === '\n') return { value: '', next: i + 2 }; // a line continuation
  if (c === '\r') return { value: '', next: text[i + 2] === '\n' ? i + 3 : i + 2 };
  NUMERIC_ESCAPE_AT.lastIndex = i;
  const numeric = NUMERIC_ESCAPE_AT.exec(text);
  const value = numeric ? spelled(numeric.slice(1)) : undefined;
  if (value !== undefined) return { value, next: i + numeric![0].length };
  return { value: SIMPLE_ESCAPES[c] ?? c, next: i + 2 };
}

/** Where the `{` at `open` is closed (nested braces counted), or -1 when it is not on the string's lines. */
function placeholderEnd(text: string, open: number, multiline: boolean): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
    else if (c === '\n' && !multiline) return -1;
  }
  return -1;
}

interface Body {
  value: string;
  /** Just after the closing quote, or -1 when the string did not close. */
  end: number;
}

/**
 * The body of the string whose delimiter is `close`, from `start`. With `holes`, a `{…}` (`${…}`
 * in a template) is a placeholder that may hold quotes, read as `{x}` as the detectors render
 * one; without, braces are text. A '…' or "…" string ends at a raw newline (it cannot hold one).
 */
function bodyOf(text: string, start: number, close: string, holes: boolean): Body {
  const multiline = close.length === 3 || close === '`';
  let value = '';
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === close[0] && text.startsWith(close, i)) return { value, end: i + close.length };
    if (c === '\\') {
      const e = escapeAt(text, i);
      value += e.value;
      i = e.next;
      continue;
    }
    if (c === '\n' && !multiline) return { value, end: -1 };
    if (holes && close !== '`' && (c === '{' || c === '}') && text[i + 1] === c) {
      value += c; // an f-string's literal brace
      i += 2;
      continue;
    }
    const hole = holes && (close === '`' ? c === '$' && text[i + 1] === '{' : c === '{');
    if (hole) {
      const brace = close === '`' ? i + 1 : i;
      const end = placeholderEnd(text, brace, multiline);
      if (end >= 0) {
        value += close === '`' ? '${x}' : '{x}';
        i = end + 1;
        continue;
      }
    }
    value += c;
    i++;
  }
  return { value, end: -1 };
}

/** The delimiter of a string opened at `quote` (an index): the quote, or a Python triple quote that ends there. */
function delimiterAt(text: string, quote: number, python: boolean): string {
  const q = text[quote];
  if (python && q !== '`' && quote >= 2 && text[quote - 1] === q && text[quote - 2] === q) return q.repeat(3);
  return q;
}

/**
 * A Python comment, to its line's end. Pinned there: a comment that may also end sooner lets a
 * repeated group (`(?:\s|#[^\n]*)*`) read a run of `#` in 2^n ways when the rest fails, and one
 * `####…` banner line of 70 characters hung the scan.
 */
export const PYTHON_COMMENT = String.raw`#[^\n]*(?![^\n])`;
/** What may stand between two strings of a Python implicit concatenation: blanks, line continuations, comments. */
export const PYTHON_BETWEEN_STRINGS = String.raw`(?:\s|\\\r?\n|${PYTHON_COMMENT})*`;
const NEXT_ADJACENT_STRING = new RegExp(String.raw`^${PYTHON_BETWEEN_STRINGS}[rRbBuUfF]{0,2}(['"])`);

/** Python: the next string of an implicit concatenation after `from` (blanks, comments and line continuations between), if any. */
function nextAdjacentString(text: string, from: number): { body: number; close: string } | undefined {
  const m = NEXT_ADJACENT_STRING.exec(text.slice(from, from + 4096));
  if (!m) return undefined;
  const quote = from + m[0].length - 1;
  const close = text.startsWith(m[1].repeat(3), quote) ? m[1].repeat(3) : m[1];
  return { body: quote + close.length, close };
}

/**
 * The values the string opened at `quote` may have: with and without placeholders read as holes
 * and, in Python, alone and joined with the strings that follow it. `quote` is the index of the
 * (last) opening quote character, `'`, `"` or a backtick.
 */
export function quotedValues(text: string, quote: number, options: QuotedValueOptions): string[] {
  const close = delimiterAt(text, quote, options.python);
  const values: string[] = [];
  for (const holes of [true, false]) {
    let body = bodyOf(text, quote + 1, close, holes);
    values.push(body.value);
    if (!options.python) continue;
    let joined = body.value;
    let parts = 1;
    // Joins as many strings as a statement could plausibly hold; each was also read alone above.
    for (let next = body.end >= 0 ? nextAdjacentString(text, body.end) : undefined; next && parts < 64; parts++) {
      body = bodyOf(text, next.body, next.close, holes);
      joined += body.value;
      next = body.end >= 0 ? nextAdjacentString(text, body.end) : undefined;
    }
    if (parts > 1) values.push(joined);
  }
  return values;
}
