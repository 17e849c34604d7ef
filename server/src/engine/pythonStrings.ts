// A Python file's string literals, read from its start as Python's tokenizer reads them (comments
// skipped, prefixes, triple quotes, f-strings' replacement fields with the strings inside them),
// without a parser. For the prefilter, which must know whether a run of `host=… port=…` pairs is
// in a string (a DSN to findLibpq) or in code (keyword arguments, assignments) before the file is
// parsed: reading at any quote, as quotedValues does, takes a docstring's closing quotes for
// opening ones and reads code as a string.

import { escapeAt } from './quotedValue';

const PREFIX = /[rRbBuUfF]{1,2}$/;

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
  const prefix = PREFIX.exec(text.slice(Math.max(0, quote - 2), quote))?.[0].toLowerCase() ?? '';
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  const q = text[quote];
  const close = text.startsWith(q.repeat(3), quote) ? q.repeat(3) : q;
  let value = '';
  let i = quote + close.length;
  while (i < text.length) {
    const c = text[i];
    if (c === q && text.startsWith(close, i)) return { value, end: i + close.length };
    if (c === '\\') {
      if (raw) {
        value += text.slice(i, i + 2); // kept as written, but the quote after it does not close
        i += 2;
      } else if (text[i + 1] === 'N' && text[i + 2] === '{') {
        const end = text.indexOf('}', i);
        if (end < 0) return undefined;
        value += '\ufffd'; // as python.ts decodeEscape reads a named escape
        i = end + 1;
      } else {
        const e = escapeAt(text, i);
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
const ADJACENT = /^(?:\s|\\\r?\n|#[^\n]*)*[rRbBuUfF]{0,2}$/;

/**
 * The values of the string literals of Python source `text` (escapes decoded, f-string fields
 * as `{x}` holes; strings side by side also joined, as the parser joins them), or undefined when
 * a string or field does not close as Python would close it: the reading may then be out of step
 * with the parser's.
 */
export function pythonStringValues(text: string): string[] | undefined {
  const values: string[] = [];
  let run = '';
  let lastEnd = -1;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (c !== "'" && c !== '"') {
      i++;
      continue;
    }
    const s = stringAt(text, i, values);
    if (!s) return undefined;
    values.push(s.value);
    // Each longer part of a run of strings side by side: the whole run is the parser's value.
    run = lastEnd >= 0 && ADJACENT.test(text.slice(lastEnd, i)) ? run + s.value : s.value;
    if (run !== s.value) values.push(run);
    lastEnd = s.end;
    i = s.end;
  }
  return values;
}
