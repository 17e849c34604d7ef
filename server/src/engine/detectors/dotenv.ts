// .env files: every `KEY=value` is a definition in the environment the file is. The line rules
// follow dotenv (https://github.com/motdotla/dotenv, `parse`), whose parser gives no positions:
// optional `export `, keys of `[\w.-]`, `=` or `: ` between key and value, values quoted with
// ' " or ` (quoted values may span lines; double quotes expand `\n`), unquoted values trimmed
// and ended by a ` #` comment, full-line comments and junk ignored.

import { ReferenceCollector } from '../collector';
import type { Detector } from '../types';
import { analyzeValueText, MappedBuilder, mappedAt, type MappedText } from '../mappedText';

/** A definition's start: indentation, `export `, the key, the separator. */
const ASSIGNMENT = /^([ \t]*(?:export[ \t]+)?)([\w.-]+)(?:[ \t]*=[ \t]*|:[ \t]+)/;

interface Definition {
  key: string;
  keyStart: number;
  /** The value as the program sees it, with file offsets. */
  value: MappedText;
  /** Single-quoted and backquoted values are not expanded. */
  interpolate: boolean;
  /** The value as written, quotes included (what a fix replaces). */
  written: { start: number; end: number };
  /** Where the next line starts. */
  next: number;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

/** The definition starting on the line at `start`, if the line is one. */
function parseLine(text: string, start: number): Definition | { next: number } {
  const end = lineEnd(text, start);
  const m = ASSIGNMENT.exec(text.slice(start, end));
  if (!m) return { next: end + 1 };
  const key = m[2];
  const keyStart = start + m[1].length;
  const valueStart = start + m[0].length;
  const quote = text[valueStart];
  if (quote === '"' || quote === "'" || quote === '`') {
    const close = closingQuote(text, valueStart + 1, quote);
    if (close >= 0) {
      const value = quote === '"' ? unescapeDouble(text, valueStart + 1, close) : mappedAt(text.slice(valueStart + 1, close), valueStart + 1);
      return { key, keyStart, value, interpolate: quote === '"', written: { start: valueStart, end: close + 1 }, next: lineEnd(text, close) + 1 };
    }
  }
  const value = unquotedValue(text, valueStart, end);
  return { key, keyStart, value, interpolate: true, written: { start: valueStart, end: valueStart + value.text.length }, next: end + 1 };
}

/** The index of the quote closing a value opened before `from` (`\"` does not close), or -1. */
function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\' && quote !== "'" && text[i + 1] === quote) i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** A double-quoted value: `\n`/`\r` expand (as dotenv does), `\"` and `\\` unescape. */
function unescapeDouble(text: string, from: number, to: number): MappedText {
  const out = new MappedBuilder();
  const escapes: Record<string, string> = { n: '\n', r: '\r', '"': '"', '\\': '\\' };
  for (let i = from; i < to; i++) {
    const next = text[i + 1];
    if (text[i] === '\\' && i + 1 < to && escapes[next] !== undefined) {
      out.push(escapes[next], i + 1);
      i++;
    } else {
      out.push(text[i], i);
    }
  }
  return out.build();
}

/** An unquoted value: up to a `#` that starts the value or follows whitespace, trimmed. */
function unquotedValue(text: string, from: number, to: number): MappedText {
  let end = to;
  for (let i = from; i < to; i++) {
    if (text[i] === '#' && (i === from || /\s/.test(text[i - 1]))) {
      end = i;
      break;
    }
  }
  const raw = text.slice(from, end).trimEnd();
  return mappedAt(raw, from);
}

/** Every definition of a .env text, with where its value is written (quick fixes edit values). */
export function dotenvDefinitions(text: string): Array<Omit<Definition, 'next'>> {
  const out: Array<Omit<Definition, 'next'>> = [];
  for (let pos = 0; pos < text.length; ) {
    const line = parseLine(text, pos);
    pos = line.next;
    if ('key' in line) out.push(line);
  }
  return out;
}

export const detectDotenv: Detector = (file) => {
  const c = new ReferenceCollector(file);
  const { text } = file;
  try {
    for (let pos = 0; pos < text.length; ) {
      const line = parseLine(text, pos);
      pos = line.next;
      if (!('key' in line)) continue;
      c.envDefine(line.key, line.keyStart, line.keyStart + line.key.length, line.value.text, file.path);
      analyzeValueText(c, line.value, { interpolate: line.interpolate });
    }
  } catch {
    return { references: [], tables: [] };
  }
  return c.result();
};
