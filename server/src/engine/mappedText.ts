// Text with a file offset per character, and the analysis of one config value. Detectors whose
// values are unquoted, unescaped or unindented before they are searched (dotenv, Dockerfile,
// YAML, shell) use it so references still get exact ranges in the file.

import { ReferenceCollector, type LiteralOptions } from './collector';
import { findInterpolations, findLiterals } from './literals';

/** Text assembled from pieces of the file, with the file offset of each of its characters. */
export interface MappedText {
  text: string;
  offsets: number[];
}

/** A contiguous piece of the file. */
export function mappedAt(text: string, offset: number): MappedText {
  return { text, offsets: Array.from({ length: text.length }, (_, i) => offset + i) };
}

export function joinMapped(parts: MappedText[]): MappedText {
  return { text: parts.map((p) => p.text).join(''), offsets: parts.flatMap((p) => p.offsets) };
}

export function sliceMapped(m: MappedText, start: number, end = m.text.length): MappedText {
  return { text: m.text.slice(start, end), offsets: m.offsets.slice(start, end) };
}

/** Builds mapped text one character at a time (for unescaping). */
export class MappedBuilder {
  private readonly chars: string[] = [];
  private readonly offsets: number[] = [];

  push(ch: string, offset: number): void {
    this.chars.push(ch);
    this.offsets.push(offset);
  }

  pushText(text: string, offset: number): void {
    for (let i = 0; i < text.length; i++) this.push(text[i], offset + i);
  }

  build(): MappedText {
    return { text: this.chars.join(''), offsets: this.offsets };
  }
}

/** The file range of [start, end) in mapped text; the end is just after the last character. */
export function fileSpan(m: MappedText, start: number, end: number): [number, number] {
  if (m.offsets.length === 0) return [0, 0];
  if (end <= start) {
    const at = start < m.offsets.length ? m.offsets[start] : m.offsets[m.offsets.length - 1] + 1;
    return [at, at];
  }
  return [m.offsets[start], m.offsets[end - 1] + 1];
}

interface LiteralPass extends LiteralOptions {
  /** File ranges whose literals are recorded by someone else (defaults, command substitutions). */
  skip?: Array<[number, number]>;
}

/** Records the URLs, DSNs and SQLite paths in mapped text at their file ranges. */
export function recordLiterals(c: ReferenceCollector, m: MappedText, pass: LiteralPass = {}): void {
  for (const lit of findLiterals(m.text)) {
    const [start, end] = fileSpan(m, lit.start, lit.end);
    if (pass.skip?.some(([s, e]) => start >= s && end <= e)) continue;
    c.literal({ ...lit, start, end }, 0, pass.defaultOf ? { defaultOf: pass.defaultOf } : {});
  }
}

export interface ValueOptions {
  /** Every literal found is only the default of this env var. */
  defaultOf?: string;
  /** Whether `${VAR}` / `$VAR` are expansions here (not in single-quoted values). Default true. */
  interpolate?: boolean;
}

/**
 * A config value (compose, .env, Dockerfile): its `${VAR}`/`$VAR` expansions are env reads, a
 * `${VAR:-default}`'s default is recorded as only the default of VAR, and everything else is
 * searched for literals.
 */
export function analyzeValueText(c: ReferenceCollector, m: MappedText, options: ValueOptions = {}): void {
  const interpolate = options.interpolate ?? true;
  const defaults: Array<[number, number]> = [];
  if (interpolate) {
    for (const i of findInterpolations(m.text)) {
      if (m.text[i.start - 1] === '\\') continue; // `\$VAR` is escaped
      const [s, e] = fileSpan(m, i.nameStart, i.nameEnd);
      c.envRead(i.name, s, e);
      if (!i.fallback || i.fallback.text === '') continue;
      analyzeValueText(c, sliceMapped(m, i.fallback.start, i.fallback.end), { defaultOf: i.name, interpolate });
      defaults.push(fileSpan(m, i.fallback.start, i.fallback.end));
    }
  }
  recordLiterals(c, m, { defaultOf: options.defaultOf, skip: defaults });
}
