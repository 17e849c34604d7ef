// Dockerfiles: ENV and ARG define env vars in the file's environment, RUN is shell, and every
// other instruction's arguments are searched for literals and `$VAR` reads. Instructions follow
// the Dockerfile reference (https://docs.docker.com/reference/dockerfile/): parser directives
// (`# escape=`), line continuations, comment lines (also inside a continued instruction) and
// BuildKit heredocs.

import { ReferenceCollector } from '../collector';
import type { Detector } from '../types';
import { analyzeShellText } from './shell';
import { analyzeValueText, fileSpan, joinMapped, MappedBuilder, mappedAt, sliceMapped, type MappedText } from '../mappedText';

interface Line {
  start: number;
  /** End of the line's content (before `\r\n` / `\n`). */
  end: number;
}

interface Instruction {
  keyword: string;
  /** The arguments, continuations joined and comment lines dropped, as Docker reads them. */
  args: MappedText;
  /** Where the arguments start and the instruction (with any heredoc) ends, in the file. */
  start: number;
  end: number;
  /** Heredoc bodies (`RUN <<EOF`), in order. */
  heredocs: Array<{ body: MappedText; delimiter: string }>;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length : nl;
    lines.push({ start, end: next > start && text[next - 1] === '\r' ? next - 1 : next });
    if (nl < 0) break;
    start = nl + 1;
  }
  return lines;
}

const DIRECTIVE = /^#\s*([A-Za-z][\w-]*)\s*=\s*(\S+)\s*$/;
const INSTRUCTION = /^\s*([A-Za-z]+)(?:\s+|$)/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][\w-]*)\2/g;

/** The escape character set by a leading `# escape=` parser directive (default `\`). */
function escapeChar(text: string, lines: Line[]): string {
  for (const line of lines) {
    const m = DIRECTIVE.exec(text.slice(line.start, line.end));
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

/** Splits the file into instructions. */
function instructions(text: string, lines: Line[], escape: string): Instruction[] {
  const continues = (content: string) => content.trimEnd().endsWith(escape);
  const out: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = text.slice(lines[i].start, lines[i].end);
    const m = INSTRUCTION.exec(first);
    if (!m || /^\s*#/.test(first)) continue;
    const start = lines[i].start + m[0].length;
    const parts: MappedText[] = [];
    let line: Line = { start, end: lines[i].end };
    let end = lines[i].end;
    for (;;) {
      const content = text.slice(line.start, line.end);
      if (!continues(content)) {
        parts.push(mappedAt(content, line.start));
        break;
      }
      parts.push(mappedAt(content.slice(0, content.lastIndexOf(escape)), line.start));
      // Comment and empty lines inside a continued instruction are dropped.
      let next = i + 1;
      while (next < lines.length && /^\s*(#.*)?$/.test(text.slice(lines[next].start, lines[next].end))) next++;
      if (next >= lines.length) break;
      i = next;
      line = lines[i];
      end = line.end;
    }
    const args = joinMapped(parts);
    const heredocs: Instruction['heredocs'] = [];
    for (const h of args.text.matchAll(HEREDOC)) {
      const bodyLines: Line[] = [];
      while (i + 1 < lines.length) {
        const l = lines[++i];
        const content = text.slice(l.start, l.end);
        if ((h[1] ? content.replace(/^\t+/, '') : content) === h[3]) break;
        bodyLines.push(l);
      }
      end = lines[i].end;
      const body = bodyLines.length ? text.slice(bodyLines[0].start, bodyLines[bodyLines.length - 1].end) : '';
      heredocs.push({ body: mappedAt(body, bodyLines[0]?.start ?? end), delimiter: h[3] });
    }
    out.push({ keyword: m[1].toUpperCase(), args, start, end, heredocs });
  }
  return out;
}

interface Token {
  /** The unquoted text of a word, with file offsets. */
  text: MappedText;
  /** Per character: it was inside single quotes, so it does not expand. */
  singleQuoted: boolean[];
}

/** Splits arguments into words as Docker does for ENV/ARG: quotes group, the escape char escapes. */
function words(args: MappedText, escape: string): Token[] {
  const out: Token[] = [];
  let current: { text: MappedBuilder; singleQuoted: boolean[] } | undefined;
  const flush = () => {
    if (current) out.push({ text: current.text.build(), singleQuoted: current.singleQuoted });
    current = undefined;
  };
  const { text, offsets } = args;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      flush();
      continue;
    }
    const word = (current ??= { text: new MappedBuilder(), singleQuoted: [] });
    const push = (j: number, quoted: boolean) => {
      word.text.push(text[j], offsets[j]);
      word.singleQuoted.push(quoted);
    };
    if (ch === '"' || ch === "'") {
      const close = findClose(text, i + 1, ch, escape);
      for (let j = i + 1; j < close; j++) {
        if (ch === '"' && text[j] === escape && j + 1 < close) j++;
        push(j, ch === "'");
      }
      i = close;
    } else if (ch === escape && i + 1 < text.length) {
      push(++i, false);
    } else {
      push(i, false);
    }
  }
  flush();
  return out;
}

/** A part of a word; it expands unless all of it was single-quoted. */
function wordPart(token: Token, start: number, end = token.singleQuoted.length): { text: MappedText; literal: boolean } {
  const quoted = token.singleQuoted.slice(start, end);
  return { text: sliceMapped(token.text, start, end), literal: quoted.length > 0 && quoted.every(Boolean) };
}

function findClose(text: string, from: number, quote: string, escape: string): number {
  for (let i = from; i < text.length; i++) {
    if (quote === '"' && text[i] === escape) i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

/** `ENV A=1 B="two words"`, `ARG A=1`, `ARG A`, legacy `ENV A value with spaces`. */
function definitions(c: ReferenceCollector, ins: Instruction, escape: string, path: string): void {
  const tokens = words(ins.args, escape);
  if (tokens.length === 0) return;
  const define = (name: MappedText, value: { text: MappedText; literal: boolean } | undefined) => {
    if (name.text === '') return;
    const [start, end] = fileSpan(name, 0, name.text.length);
    c.envDefine(name.text, start, end, value?.text.text, path);
    if (value) analyzeValueText(c, value.text, { interpolate: !value.literal });
  };
  if (ins.keyword === 'ENV' && !tokens[0].text.text.includes('=')) {
    // Legacy form: the value is the rest of the line.
    const rest = tokens.slice(1);
    const value = { text: joinWithSpaces(rest), literal: rest.every((t) => t.singleQuoted.every(Boolean)) };
    return define(tokens[0].text, rest.length ? value : undefined);
  }
  for (const token of tokens) {
    const eq = token.text.text.indexOf('=');
    if (eq < 0) define(token.text, undefined);
    else define(sliceMapped(token.text, 0, eq), wordPart(token, eq + 1));
  }
}

/** `LABEL key=value ...`: label keys are names, only the values are searched. */
function labels(c: ReferenceCollector, ins: Instruction, escape: string): void {
  for (const token of words(ins.args, escape)) {
    const eq = token.text.text.indexOf('=');
    const value = wordPart(token, eq + 1);
    analyzeValueText(c, value.text, { interpolate: !value.literal });
  }
}

/** Legacy ENV values are the remaining words, separated by single spaces. */
function joinWithSpaces(tokens: Token[]): MappedText {
  const parts: MappedText[] = [];
  tokens.forEach((t, i) => {
    if (i > 0) parts.push({ text: ' ', offsets: [t.text.offsets[0] - 1] });
    parts.push(t.text);
  });
  return joinMapped(parts);
}

/** RUN: shell form is shell (with `\` continuations bash reads the same way), exec form JSON. */
function run(c: ReferenceCollector, text: string, ins: Instruction, escape: string, path: string): void {
  const command = ins.args.text.trim();
  const exec = command.startsWith('[');
  if (exec || escape !== '\\') {
    // Exec form is not run by a shell; a backquote-escaped file is for Windows shells.
    analyzeValueText(c, ins.args);
  } else if (ins.heredocs.length > 0 && /^(?:(?:ba|da)?sh\s+)?<</.test(command.replace(/^(?:--\S+\s+)*/, ''))) {
    // `RUN <<EOF` / `RUN bash <<EOF`: the heredoc is the script (unless its shebang names another language).
    for (const h of ins.heredocs) {
      if (/^#!(?!.*\b(?:ba|da)?sh\b)/.test(h.body.text)) analyzeValueText(c, h.body);
      else analyzeShellText(c, h.body.text, h.body.offsets[0] ?? ins.end, path);
    }
  } else {
    analyzeShellText(c, shellSource(text, ins), ins.start, path);
  }
}

/**
 * The RUN instruction's source for bash: comment lines inside the continuation become blank
 * lines ending in `\`, so bash keeps reading the same command (lengths unchanged for offsets).
 */
function shellSource(text: string, ins: Instruction): string {
  return text.slice(ins.start, ins.end).replace(/^([ \t]*#[^\n]*?)(\r?)$/gm, (_, comment: string, cr: string) =>
    comment.length > 0 ? ' '.repeat(comment.length - 1) + '\\' + cr : cr);
}

export const detectDockerfile: Detector = (file) => {
  const c = new ReferenceCollector(file);
  try {
    const lines = splitLines(file.text);
    const escape = escapeChar(file.text, lines);
    for (const ins of instructions(file.text, lines, escape)) {
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') definitions(c, ins, escape, file.path);
      else if (ins.keyword === 'RUN') run(c, file.text, ins, escape, file.path);
      else if (ins.keyword === 'LABEL') labels(c, ins, escape);
      else {
        analyzeValueText(c, ins.args);
        for (const h of ins.heredocs) analyzeValueText(c, h.body);
      }
    }
  } catch {
    return { references: [], tables: [] };
  }
  return c.result();
};
