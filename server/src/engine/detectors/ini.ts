// INI files (`alembic.ini`, `setup.cfg`, `pytest.ini`, `odbc.ini`, `*.conf`) through tree-sitter's
// INI grammar: every setting's value is searched for literals and `${VAR}` reads; section names,
// setting names and comments never are. The grammar knows neither configparser's indented
// continuation lines nor `key: value`; it reports those as ERROR nodes, which a small line
// scanner reads instead (it also reads the whole file when the grammar is not loaded).

import type { Node as SyntaxNode, Parser } from '@vscode/tree-sitter-wasm';
import { ReferenceCollector } from '../collector';
import { analyzeValueText, mappedAt } from '../mappedText';
import { parserFor, parseWithinBudget } from '../treeSitter';
import type { Detector } from '../types';

/** pytest-env's sections: `env =` lists `KEY=value` lines, each an env definition. */
const PYTEST_SECTIONS = new Set(['pytest', 'tool:pytest']);
/** pytest-env flags before the name: `D:` (default only), `R:` (raw). */
const PYTEST_ENV_ITEM = /^((?:[DR]:)*)([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The value in [start, end): leading blanks off, trailing blanks and `\r` off, and an inline
 * comment (`;` or `#` after whitespace, as odbc.ini and php.ini write them) cut.
 */
function valueSpan(text: string, start: number, end: number): [number, number] {
  let s = start;
  while (s < end && (text[s] === ' ' || text[s] === '\t')) s++;
  let e = end;
  for (let i = s + 1; i < end; i++) {
    if ((text[i] === ';' || text[i] === '#') && (text[i - 1] === ' ' || text[i - 1] === '\t')) {
      e = i;
      break;
    }
  }
  while (e > s && /\s/.test(text[e - 1])) e--;
  return [s, e];
}

function analyzeValue(c: ReferenceCollector, text: string, start: number, end: number): void {
  const [s, e] = valueSpan(text, start, end);
  if (e > s) analyzeValueText(c, mappedAt(text.slice(s, e), s));
}

/**
 * Lines in [from, to) read without the grammar: comment and section lines skipped, an unindented
 * `key = value` / `key: value` line contributes its value, an indented line (a continuation) all
 * of itself.
 */
export function analyzeIniLines(c: ReferenceCollector, text: string, from: number, to: number): void {
  for (let pos = from; pos < to; ) {
    const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0 || lineEnd > to) lineEnd = to;
    const line = text.slice(lineStart, lineEnd);
    const indent = /^[ \t]*/.exec(line)![0].length;
    const first = line[indent];
    if (first !== undefined && first !== '#' && first !== ';' && !(indent === 0 && first === '[')) {
      const segmentStart = Math.max(pos, lineStart);
      const delimiter = indent === 0 ? /^[^=:]*[=:]/.exec(line) : null;
      analyzeValue(c, text, delimiter ? Math.max(segmentStart, lineStart + delimiter[0].length) : segmentStart, lineEnd);
    }
    pos = lineEnd + 1;
  }
}

class IniAnalysis {
  /** The section being read and whether pytest-env `env =` lines follow. */
  private section = '';
  private inPytestEnv = false;

  constructor(
    private readonly c: ReferenceCollector,
    private readonly text: string,
    private readonly path: string,
  ) {}

  visit(node: SyntaxNode): void {
    switch (node.type) {
      case 'comment':
        return;
      case 'section_name':
        this.section = node.namedChildren.find((n) => n?.type === 'text')?.text.trim() ?? '';
        this.inPytestEnv = false;
        return;
      case 'setting':
        return this.setting(node);
      case 'ERROR':
        // Continuation lines and `key: value` lines: read line by line, comments aside.
        return this.errorRegion(node);
      default:
        for (const child of node.children) if (child) this.visit(child);
    }
  }

  private setting(node: SyntaxNode): void {
    const name = node.childForFieldName('name') ?? node.namedChildren.find((n) => n?.type === 'setting_name') ?? null;
    const value = node.namedChildren.find((n) => n?.type === 'setting_value') ?? null;
    const indented = name !== null && name.startPosition.column > 0;
    if (name && PYTEST_SECTIONS.has(this.section)) {
      if (!indented) this.inPytestEnv = name.text.trim() === 'env';
      else if (this.inPytestEnv) this.pytestEnvItem(name, value);
    }
    if (value) analyzeValue(this.c, this.text, value.startIndex, value.endIndex);
  }

  /** `    D:DATABASE_URL=sqlite:///test.db` under pytest-env's `env =`. */
  private pytestEnvItem(name: SyntaxNode, value: SyntaxNode | null): void {
    const m = PYTEST_ENV_ITEM.exec(name.text.trim());
    if (!m) return;
    const start = name.startIndex + m[1].length;
    const [s, e] = value ? valueSpan(this.text, value.startIndex, value.endIndex) : [0, 0];
    this.c.envDefine(m[2], start, start + m[2].length, this.text.slice(s, e), `${this.path}#${this.section}`);
  }

  private errorRegion(node: SyntaxNode): void {
    let from = node.startIndex;
    for (const child of node.children) {
      if (child?.type !== 'comment') continue;
      analyzeIniLines(this.c, this.text, from, child.startIndex);
      from = child.endIndex;
    }
    analyzeIniLines(this.c, this.text, from, node.endIndex);
  }
}

function iniParser(): Parser | undefined {
  try {
    return parserFor('ini');
  } catch {
    return undefined;
  }
}

export const detectIni: Detector = (file) => {
  const c = new ReferenceCollector(file);
  try {
    const parser = iniParser();
    // Without a grammar, or past the parse's budget, the lines are read one by one.
    const tree = parser ? parseWithinBudget(parser, file.text) : null;
    if (!tree) {
      if (parser) c.unparsed('ini');
      analyzeIniLines(c, file.text, 0, file.text.length);
      return c.result();
    }
    try {
      new IniAnalysis(c, file.text, file.path).visit(tree.rootNode);
    } finally {
      tree.delete();
    }
  } catch {
    return { references: [], tables: [] };
  }
  return c.result();
};
