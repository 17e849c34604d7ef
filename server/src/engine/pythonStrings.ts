// A Python file's string literals, read from its start as Python's tokenizer reads them (comments
// skipped, prefixes, triple quotes, f-strings' replacement fields with the strings inside them),
// without a parser. For the prefilter, which must know whether a run of `host=… port=…` pairs is
// in a string (a DSN to findLibpq) or in code (keyword arguments, assignments) before the file is
// parsed: reading at any quote, as quotedValues does, takes a docstring's closing quotes for
// opening ones and reads code as a string.

import { escapeAt, NAMED_ESCAPE, NAMED_ESCAPE_VALUE, PYTHON_BETWEEN_STRINGS } from './quotedValue';

const NAMED_ESCAPE_AT = new RegExp(NAMED_ESCAPE.source, 'y');

/** Where the named escape (`\N{…}`) at `i` ends, or -1 when there is none. */
function namedEscapeEnd(text: string, i: number): number {
  NAMED_ESCAPE_AT.lastIndex = i;
  return NAMED_ESCAPE_AT.test(text) ? NAMED_ESCAPE_AT.lastIndex : -1;
}

/** The one-character escapes Python decodes (python.ts decodeEscape reads the same). */
const PYTHON_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', "'": "'", '"': '"' };
/** What else starts an escape: a line continuation, octal and hex digits (escapeAt decodes them). */
const NUMERIC_OR_LINE = /[\n\r0-7xuU]/;

/**
 * The escape at `i` (a backslash) in a string that is not raw, as Python decodes it: numeric and
 * named ones, the one-character ones, a line continuation; any other keeps its backslash (`'\d'`
 * is two characters, as in python.ts). In an f-string a backslash before a brace is itself: the
 * brace still opens a field or doubles (`f'\{x}'`).
 */
function pythonEscapeAt(text: string, i: number, fstring: boolean): { value: string; next: number } {
  const c = text[i + 1];
  const named = c === 'N' ? namedEscapeEnd(text, i) : -1;
  if (named >= 0) return { value: NAMED_ESCAPE_VALUE, next: named };
  if (c !== undefined && Object.prototype.hasOwnProperty.call(PYTHON_ESCAPES, c)) return { value: PYTHON_ESCAPES[c], next: i + 2 };
  if (c === undefined || NUMERIC_OR_LINE.test(c)) return escapeAt(text, i);
  if (fstring && (c === '{' || c === '}')) return { value: '\\', next: i + 1 };
  return { value: text.slice(i, i + 2), next: i + 2 };
}

/** A string's prefix just before its quote (`if"x"` has none: `f` ends a word). */
const PREFIX = /(?:^|\W)([rRbBuUfF]{1,2})$/;
/** What a string's reading stops at: quotes, escapes, line breaks (and an f-string's braces). */
const SPECIAL_IN_STRING = /['"\\\n]/g;
const SPECIAL_IN_FSTRING = /['"\\\n{}]/g;

/** The end (index after) of the replacement field whose `{` is at `open`, or -1 when it does not close. */
function fieldEnd(text: string, open: number, values: string[]): number {
  let depth = 0;
  for (let i = open; i < text.length; ) {
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      if (--depth === 0) return c === '}' ? i + 1 : -1;
    } else if (c === "'" || c === '"') {
      const s = stringAt(text, i, values); // a string inside the field (a dict key, a nested f-string)
      if (!s) return -1;
      values.push(s.value);
      i = s.end;
      continue;
    } else if (c === '#') return -1;
    i++;
  }
  return -1;
}

/**
 * Reads the string whose quote is at `quote` (its prefix before it); returns its value and the
 * index after its closing quote (strings inside its replacement fields go to `values`), or
 * undefined when it does not close where Python would close it.
 */
function stringAt(text: string, quote: number, values: string[]): { value: string; end: number } | undefined {
  const prefix = PREFIX.exec(text.slice(Math.max(0, quote - 3), quote))?.[1].toLowerCase() ?? '';
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  const q = text[quote];
  const close = text.startsWith(q.repeat(3), quote) ? q.repeat(3) : q;
  let value = '';
  let i = quote + close.length;
  const special = fstring ? SPECIAL_IN_FSTRING : SPECIAL_IN_STRING;
  while (i < text.length) {
    // Plain characters are taken a run at a time: a character at a time was most of the reading.
    special.lastIndex = i;
    const next = special.exec(text)?.index ?? text.length;
    if (next > i) {
      value += text.slice(i, next);
      i = next;
      if (i >= text.length) break;
    }
    const c = text[i];
    if (c === q && text.startsWith(close, i)) return { value, end: i + close.length };
    if (c === '\\') {
      if (raw && fstring && (text[i + 1] === '{' || text[i + 1] === '}')) {
        value += c; // rf'\{x}': a backslash, then a field (or a doubled brace), as Python reads it
        i++;
      } else if (raw) {
        value += text.slice(i, i + 2); // kept as written, but the quote after it does not close
        i += 2;
      } else {
        const e = pythonEscapeAt(text, i, fstring);
        value += e.value;
        i = e.next;
      }
      continue;
    }
    if (c === '\n' && close.length === 1) return undefined;
    if (fstring && (c === '{' || c === '}')) {
      if (text[i + 1] === c) {
        value += c;
        i += 2;
        continue;
      }
      if (c === '}') return undefined;
      const end = fieldEnd(text, i, values);
      if (end < 0) return undefined;
      value += '{x}'; // a hole, as the detectors read one
      i = end;
      continue;
    }
    value += c;
    i++;
  }
  return undefined;
}

/** Between two strings of one implicit concatenation: blanks, comments, line continuations, the next one's prefix. */
const ADJACENT = new RegExp(String.raw`^${PYTHON_BETWEEN_STRINGS}[rRbBuUfF]{0,2}$`);
/** A string's prefix and opening quote where a token starts. */
const PREFIXED_QUOTE = /[rRbBuUfF]{1,2}['"]/y;
const PREFIX_LETTERS = new Set('rRbBuUfF');
const WORD = /\w+/y;

function prefixAt(text: string, i: number): string | undefined {
  PREFIXED_QUOTE.lastIndex = i;
  return PREFIXED_QUOTE.exec(text)?.[0];
}

/** What a reading of Python source finds: the strings' values and what a detector never looks at. */
export interface PythonReading {
  values: string[];
  /** [start, end) of comments and of documentation (a statement that is only a string, or strings side by side), in order. */
  ignored: Array<[number, number]>;
}

/**
 * Reads Python source from its start: the strings' values (escapes decoded, f-string fields as
 * `{x}` holes; strings side by side also joined, as the parser joins them), the comments, and the
 * strings that are a statement of their own (python.ts skips those as documentation: a string
 * that begins a logical line outside brackets and ends it). Undefined when a string or field does
 * not close as Python would close it: the reading may then be out of step with the parser's.
 */
export function readPython(text: string): PythonReading | undefined {
  const values: string[] = [];
  const ignored: Array<[number, number]> = [];
  let run = '';
  let lastEnd = -1;
  let depth = 0;
  /** Only blanks (and comments) since a logical line began. */
  let lineStart = true;
  /** Where a run of strings that began a logical line outside brackets starts, while nothing else followed. */
  let doc: number | undefined;
  const endLine = () => {
    if (doc !== undefined) ignored.push([doc, lastEnd]);
    doc = undefined;
    lineStart = true;
  };
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      ignored.push([i, end]);
      i = end;
      continue;
    }
    if (c === '\n') {
      if (depth === 0) endLine();
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3; // a line continuation: the logical line goes on
      continue;
    }
    const prefix = PREFIX_LETTERS.has(c) && !/\w/.test(text[i - 1] ?? '') ? prefixAt(text, i) : undefined;
    if (c !== "'" && c !== '"' && prefix === undefined) {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      doc = undefined; // something besides strings: no documentation
      lineStart = false;
      WORD.lastIndex = i;
      i = WORD.test(text) ? WORD.lastIndex : i + 1; // a name or number at once
      continue;
    }
    const quote = prefix === undefined ? i : i + prefix.length - 1;
    const s = stringAt(text, quote, values);
    if (!s) return undefined;
    values.push(s.value);
    // Each longer part of a run of strings side by side: the whole run is the parser's value.
    run = lastEnd >= 0 && ADJACENT.test(text.slice(lastEnd, i)) ? run + s.value : s.value;
    if (run !== s.value) values.push(run);
    if (lineStart && depth === 0) doc = i;
    lineStart = false;
    lastEnd = s.end;
    i = s.end;
  }
  endLine();
  // A statement's comment is found before its line ends, and with it the documentation before it.
  return { values, ignored: ignored.sort((a, b) => a[0] - b[0]) };
}

/** The values of the string literals of Python source (readPython), or undefined when they cannot be read in step. */
export function pythonStringValues(text: string): string[] | undefined {
  return readPython(text)?.values;
}

/**
 * Python source with its comments and documentation strings blanked (spaces; line breaks and
 * offsets kept): what the Python detector looks at. Undefined when it cannot be read in step.
 */
export function pythonCode(text: string): string | undefined {
  const reading = readPython(text);
  return reading && blankIgnored(text, reading);
}

/** `text` with what `reading` (of that text) found ignored blanked: spaces, line breaks and offsets kept. */
export function blankIgnored(text: string, reading: PythonReading): string {
  const parts: string[] = [];
  let from = 0;
  for (const [start, end] of reading.ignored) {
    parts.push(text.slice(from, start));
    const ignored = text.slice(start, end);
    parts.push(ignored.includes('\n') ? ignored.replace(/[^\n]/g, ' ') : ' '.repeat(ignored.length));
    from = end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}
