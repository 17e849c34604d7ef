// Markdown (`.md`, `.markdown`, `.mdx`): prose is not a reference, code is. Only fenced code blocks
// and inline code spans are read:
// - a fence whose info string names a language another detector reads is analyzed by that
//   detector, and its references moved to the fence's place in this file (each fence is its own
//   environment, `README.md:12`, so examples never "mismatch" each other);
// - other fences, `console` output lines and inline code spans are searched for literals only.
// The structure follows CommonMark's rules for fences (https://spec.commonmark.org/0.31.2/#fenced-code-blocks)
// and code spans (#code-spans) with a small line scanner; HTML comments are skipped.
// The detectors are imported one by one, not through detectors/index.ts, which imports this file.

import { ReferenceCollector } from '../collector';
import type { DbReference, Detector, FileAnalysis, Range, TableReference } from '../types';
import { detectDockerfile } from './dockerfile';
import { detectDotenv } from './dotenv';
import { detectIni } from './ini';
import { detectJavaScriptLazily as detectJavaScript } from './lazyJavaScript';
import { detectJson } from './json';
import { detectPrisma } from './prisma';
import { detectPython } from './python';
import { detectShell } from './shell';
import { detectSql } from './sql';
import { detectToml } from './toml';
import { detectYaml } from './yaml';
import { mayReferenceDatabase } from '../prefilter';

interface FenceLanguage {
  detector: Detector;
  /** Code types the prefilter can rule out (prefilter.ts). */
  type?: 'python' | 'javascript';
  /** The synthetic file name the fence's code is analyzed as. */
  file: string;
}

const SHELL: FenceLanguage = { detector: detectShell, file: 'snippet.sh' };
const PYTHON: FenceLanguage = { detector: detectPython, file: 'snippet.py', type: 'python' };
const js = (file: string): FenceLanguage => ({ detector: detectJavaScript, file, type: 'javascript' });
const LANGUAGES: Record<string, FenceLanguage> = {
  python: PYTHON, py: PYTHON,
  js: js('snippet.js'), javascript: js('snippet.js'), jsx: js('snippet.jsx'), ts: js('snippet.ts'), typescript: js('snippet.ts'), tsx: js('snippet.tsx'),
  sh: SHELL, bash: SHELL, shell: SHELL, zsh: SHELL, console: SHELL,
  yaml: { detector: detectYaml, file: 'snippet.yml' }, yml: { detector: detectYaml, file: 'snippet.yml' },
  sql: { detector: detectSql, file: 'snippet.sql' },
  dotenv: { detector: detectDotenv, file: '.env' }, env: { detector: detectDotenv, file: '.env' },
  dockerfile: { detector: detectDockerfile, file: 'Dockerfile' },
  ini: { detector: detectIni, file: 'snippet.ini' },
  toml: { detector: detectToml, file: 'snippet.toml' },
  json: { detector: detectJson, file: 'snippet.json' }, jsonc: { detector: detectJson, file: 'snippet.json' },
  prisma: { detector: detectPrisma, file: 'schema.prisma' },
};

/** One line of the file: [start, end) without its line break, and where the next line starts. */
interface Line {
  number: number;
  start: number;
  end: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  for (let start = 0, number = 0; start <= text.length; number++) {
    let next = text.indexOf('\n', start);
    if (next < 0) next = text.length;
    const end = next > start && text[next - 1] === '\r' ? next - 1 : next;
    lines.push({ number, start, end });
    start = next + 1;
  }
  return lines;
}

const OPENING_FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const CLOSING_FENCE = /^ *(`{3,}|~{3,})[ \t]*$/;

/** A fenced code block: its info string and body lines (indentation up to the fence's stripped). */
export interface Fence {
  info: string;
  /** The fence's opening line (0-based). */
  line: number;
  body: Line[];
}

class MarkdownAnalysis {
  private readonly c: ReferenceCollector;
  private readonly moved: FileAnalysis = { references: [], tables: [] };
  private readonly text: string;

  constructor(private readonly path: string, text: string) {
    this.text = text;
    this.c = new ReferenceCollector({ path, text });
  }

  run(): FileAnalysis {
    const lines = splitLines(this.text);
    let paragraph: Line[] = [];
    const flush = () => {
      if (paragraph.length > 0) this.codeSpans(paragraph[0].start, paragraph[paragraph.length - 1].end);
      paragraph = [];
    };
    let inComment = false;
    for (let i = 0; i < lines.length; i++) {
      const line = this.text.slice(lines[i].start, lines[i].end);
      if (inComment) {
        inComment = !line.includes('-->');
        continue;
      }
      const open = OPENING_FENCE.exec(line);
      if (open && !(open[2][0] === '`' && open[3].includes('`'))) {
        flush();
        i = this.fence(lines, i, open[1].length, open[2], open[3].trim());
        continue;
      }
      if (line.trim() === '') {
        flush();
        continue;
      }
      paragraph.push(lines[i]);
      const opened = line.lastIndexOf('<!--');
      if (opened >= 0 && !line.includes('-->', opened + 4)) {
        flush();
        inComment = true;
      }
    }
    flush();
    const own = this.c.result();
    return { references: [...own.references, ...this.moved.references], tables: [...own.tables, ...this.moved.tables] };
  }

  /** The fence opened at `lines[at]`; returns the index of its closing line (or the last line). */
  private fence(lines: Line[], at: number, indent: number, marker: string, info: string): number {
    const body: Line[] = [];
    let i = at + 1;
    for (; i < lines.length; i++) {
      const line = this.text.slice(lines[i].start, lines[i].end);
      const close = CLOSING_FENCE.exec(line);
      if (close && close[1][0] === marker[0] && close[1].length >= marker.length) break;
      let strip = 0;
      while (strip < indent && line[strip] === ' ') strip++;
      body.push({ number: lines[i].number, start: lines[i].start + strip, end: lines[i].end });
    }
    // An unclosed fence runs to the end of the file; a trailing empty "line" after the last break is not code.
    if (i >= lines.length && body.length > 0 && body[body.length - 1].start >= this.text.length) body.pop();
    this.fenceBody({ info, line: lines[at].number, body });
    return i;
  }

  private fenceBody(fence: Fence): void {
    const lang = fence.info.split(/[\s{,]/)[0].toLowerCase();
    const language = LANGUAGES[lang];
    if (!language) {
      for (const line of fence.body) this.c.literals(this.text.slice(line.start, line.end), line.start);
      return;
    }
    const code = fence.body.map((line) => this.text.slice(line.start, line.end));
    if (lang === 'console' || language === SHELL) this.prompts(code, fence.body, lang === 'console');
    const text = code.join('\n') + '\n';
    // Python and JS/TS fences go through the prefilter too: most are examples without a database.
    if (language.type && !mayReferenceDatabase(language.type, text)) return;
    const analysis = language.detector({ path: language.file, text });
    const environment = `${this.path}:${fence.line + 1}`;
    for (const ref of analysis.references) this.moved.references.push(this.move(ref, fence, language.file, environment));
    for (const table of analysis.tables) this.moved.tables.push(this.move(table, fence, language.file, environment));
  }

  /**
   * `$ cmd` prompts become blanks of the same width (so positions hold). In a `console` block the
   * lines without a prompt are the commands' output: searched for literals only, not run as shell.
   */
  private prompts(code: string[], body: Line[], console: boolean): void {
    const prompted = code.some((line) => /^\$( |$)/.test(line));
    for (let i = 0; i < code.length; i++) {
      if (/^\$( |$)/.test(code[i])) {
        code[i] = ' ' + code[i].slice(1);
      } else if (console && prompted && code[i].trim() !== '') {
        this.c.literals(code[i], body[i].start);
        code[i] = ' '.repeat(code[i].length);
      }
    }
  }

  /** A reference found in a fence's code, placed in this file. */
  private move<T extends DbReference | TableReference>(ref: T, fence: Fence, file: string, environment: string): T {
    const moved = { ...ref, path: this.path, range: this.moveRange(ref.range, fence) };
    if ('environment' in moved && typeof moved.environment === 'string') {
      moved.environment = moved.environment.startsWith(file) ? environment + moved.environment.slice(file.length) : environment;
    }
    return moved;
  }

  private moveRange(range: Range, fence: Fence): Range {
    const at = (p: Range['start']) => {
      const line = fence.body[Math.min(p.line, fence.body.length - 1)];
      if (!line) return this.c.lines.positionAt(this.text.length);
      if (p.line >= fence.body.length) return this.c.lines.positionAt(line.end);
      return this.c.lines.positionAt(line.start + p.character);
    };
    return { start: at(range.start), end: at(range.end) };
  }

  /**
   * Inline code spans in the paragraph [start, end): a backtick run opens a span that the next run
   * of the same length closes; a backslash-escaped backtick opens none. HTML comments are blanked.
   */
  private codeSpans(start: number, end: number): void {
    const text = this.text.slice(start, end).replace(/<!--[\s\S]*?(?:-->|$)/g, (m) => m.replace(/[^\n]/g, ' '));
    for (let i = 0; i < text.length; ) {
      if (text[i] === '\\' && text[i + 1] === '`') {
        i += 2;
        continue;
      }
      if (text[i] !== '`') {
        i++;
        continue;
      }
      const run = runLength(text, i);
      const close = closingRun(text, i + run, run);
      if (close < 0) {
        i += run;
        continue;
      }
      let from = i + run;
      let to = close;
      const content = text.slice(from, to);
      if (content.length > 1 && /^[ \n]/.test(content) && /[ \n]$/.test(content) && content.trim() !== '') {
        from++;
        to--;
      }
      this.c.literals(text.slice(from, to), start + from);
      i = close + run;
    }
  }
}

function runLength(text: string, at: number): number {
  let n = 0;
  while (text[at + n] === '`') n++;
  return n;
}

/** The start of the next backtick run of exactly `length` at or after `from`, or -1. */
function closingRun(text: string, from: number, length: number): number {
  for (let i = from; i < text.length; ) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    const n = runLength(text, i);
    if (n === length) return i;
    i += n;
  }
  return -1;
}

export const detectMarkdown: Detector = (file) => {
  try {
    return new MarkdownAnalysis(file.path, file.text).run();
  } catch {
    return { references: [], tables: [] };
  }
};
