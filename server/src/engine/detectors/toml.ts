// TOML (`pyproject.toml`, `fly.toml`, `netlify.toml`, `.cargo/config.toml`): every string value is
// searched for literals at its exact place; keys, table headers and comments never are. Tables
// that set env vars define them: `[env]`, `[build.environment]`, `[context.x.environment]`,
// `env = { ... }`, pytest-env's `[tool.pytest_env]` and `[tool.pytest.ini_options] env = [...]`.
//
// No TOML parser on npm reports source positions, so a small reader follows the TOML 1.0 grammar
// (https://toml.io/en/v1.0.0) for what matters here: keys, the four string forms with their
// escapes and line-ending backslashes, arrays, inline tables, comments. It recovers at the next
// line from anything it does not understand.

import { ReferenceCollector } from '../collector';
import { fileSpan, MappedBuilder, recordLiterals, sliceMapped, type MappedText } from '../mappedText';
import type { Detector } from '../types';

/** One part of a dotted key, and the file span of its name (inside the quotes of a quoted key). */
export interface TomlKey {
  name: string;
  start: number;
  end: number;
}

export type TomlValue =
  | { type: 'string'; text: MappedText }
  | { type: 'array'; items: TomlValue[] }
  | { type: 'table'; pairs: TomlPair[] }
  | { type: 'other' };

export interface TomlPair {
  /** The header of the table the pair is in (`[tool.pytest.ini_options]` → 3 names). */
  table: string[];
  key: TomlKey[];
  value: TomlValue;
}

class TomlSyntaxError extends Error {}

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/** Reads a TOML document into its key/value pairs; a line it cannot read is skipped. */
export function parseToml(text: string): TomlPair[] {
  const pairs: TomlPair[] = [];
  const r = new TomlReader(text);
  let table: string[] = [];
  while (!r.done()) {
    r.skipBlank();
    const ch = r.peek();
    if (ch === undefined) break;
    if (ch === '\n' || ch === '\r' || ch === '#') {
      r.skipToLineEnd();
      continue;
    }
    try {
      if (ch === '[') table = r.header().map((k) => k.name);
      else pairs.push({ table, ...r.keyValue() });
      r.endOfLine();
    } catch (e) {
      if (!(e instanceof TomlSyntaxError)) throw e;
      r.skipToLineEnd();
    }
  }
  return pairs;
}

class TomlReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(ahead = 0): string | undefined {
    return this.text[this.pos + ahead];
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  private fail(): never {
    throw new TomlSyntaxError(`unexpected input at ${this.pos}`);
  }

  private expect(s: string): void {
    if (!this.startsWith(s)) this.fail();
    this.pos += s.length;
  }

  skipBlank(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  /** Blanks, comments and line breaks (inside arrays and inline tables). */
  private skipSpace(): void {
    for (;;) {
      this.skipBlank();
      const ch = this.peek();
      if (ch === '#') this.skipComment();
      else if (ch === '\n' || ch === '\r') this.pos++;
      else return;
    }
  }

  private skipComment(): void {
    while (!this.done() && this.peek() !== '\n') this.pos++;
  }

  skipToLineEnd(): void {
    this.skipComment();
    this.pos++;
  }

  /** After a pair or header: blanks, an optional comment, then the line break. */
  endOfLine(): void {
    this.skipBlank();
    if (this.peek() === '#') this.skipComment();
    if (this.peek() === '\r') this.pos++;
    if (!this.done() && this.peek() !== '\n') this.fail();
    this.pos++;
  }

  /** `[a.b]` or `[[a.b]]`. */
  header(): TomlKey[] {
    const double = this.startsWith('[[');
    this.pos += double ? 2 : 1;
    this.skipBlank();
    const key = this.key();
    this.skipBlank();
    this.expect(double ? ']]' : ']');
    return key;
  }

  keyValue(): { key: TomlKey[]; value: TomlValue } {
    const key = this.key();
    this.skipBlank();
    this.expect('=');
    this.skipBlank();
    return { key, value: this.value() };
  }

  /** A dotted key: simple keys separated by `.`, blanks allowed around the dots. */
  private key(): TomlKey[] {
    const parts = [this.simpleKey()];
    for (;;) {
      const save = this.pos;
      this.skipBlank();
      if (this.peek() !== '.') {
        this.pos = save;
        return parts;
      }
      this.pos++;
      this.skipBlank();
      parts.push(this.simpleKey());
    }
  }

  private simpleKey(): TomlKey {
    const ch = this.peek();
    if (ch === '"' || ch === "'") {
      if (this.startsWith(ch.repeat(3))) this.fail(); // multi-line strings are not keys
      const start = this.pos + 1;
      const s = ch === '"' ? this.basicString() : this.literalString();
      return { name: s.text, start, end: this.pos - 1 };
    }
    const start = this.pos;
    while (this.peek() !== undefined && BARE_KEY.test(this.peek()!)) this.pos++;
    if (this.pos === start) this.fail();
    return { name: this.text.slice(start, this.pos), start, end: this.pos };
  }

  private value(): TomlValue {
    if (this.startsWith('"""')) return { type: 'string', text: this.multiLineString('"') };
    if (this.startsWith("'''")) return { type: 'string', text: this.multiLineString("'") };
    const ch = this.peek();
    if (ch === '"') return { type: 'string', text: this.basicString() };
    if (ch === "'") return { type: 'string', text: this.literalString() };
    if (ch === '[') return this.array();
    if (ch === '{') return this.inlineTable();
    // Numbers, booleans, dates: nothing to search. They end where the value does.
    const start = this.pos;
    while (!this.done() && !/[,\]}#\r\n]/.test(this.peek()!)) this.pos++;
    if (this.text.slice(start, this.pos).trim() === '') this.fail();
    return { type: 'other' };
  }

  private array(): TomlValue {
    this.expect('[');
    const items: TomlValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === ']') break;
      items.push(this.value());
      this.skipSpace();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ']') this.fail();
    }
    this.pos++;
    return { type: 'array', items };
  }

  /** `{ a = 1, b.c = "x" }`; line breaks inside are tolerated (TOML 1.1 allows them). */
  private inlineTable(): TomlValue {
    this.expect('{');
    const pairs: TomlPair[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === '}') break;
      pairs.push({ table: [], ...this.keyValue() });
      this.skipSpace();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') this.fail();
    }
    this.pos++;
    return { type: 'table', pairs };
  }

  /** `"..."` on one line, escapes decoded. */
  private basicString(): MappedText {
    this.expect('"');
    const out = new MappedBuilder();
    for (;;) {
      const ch = this.peek();
      if (ch === undefined || ch === '\n') this.fail();
      if (ch === '"') break;
      if (ch === '\\') this.escape(out);
      else out.push(ch, this.pos++);
    }
    this.pos++;
    return out.build();
  }

  /** `'...'` on one line, as written. */
  private literalString(): MappedText {
    this.expect("'");
    const start = this.pos;
    const end = this.text.indexOf("'", start);
    const nl = this.text.indexOf('\n', start);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail();
    this.pos = end + 1;
    const out = new MappedBuilder();
    out.pushText(this.text.slice(start, end), start);
    return out.build();
  }

  /**
   * `"""..."""` (escapes, line-ending backslashes) or `'''...'''` (as written). A line break right
   * after the opening delimiter is not part of the value; up to two quotes may precede the closing one.
   */
  private multiLineString(quote: '"' | "'"): MappedText {
    this.expect(quote.repeat(3));
    if (this.startsWith('\r\n')) this.pos += 2;
    else if (this.peek() === '\n') this.pos++;
    const out = new MappedBuilder();
    for (;;) {
      if (this.done()) this.fail();
      if (this.startsWith(quote.repeat(3))) {
        let run = 0;
        while (this.peek(run) === quote && run < 5) run++;
        for (let i = 0; i < run - 3; i++) out.push(quote, this.pos + i);
        this.pos += run;
        return out.build();
      }
      const ch = this.peek()!;
      if (quote === '"' && ch === '\\') {
        if (this.lineEndingBackslash()) continue;
        this.escape(out);
      } else {
        out.push(ch, this.pos++);
      }
    }
  }

  /** `\` then blanks and a line break: it and all whitespace after it are dropped. */
  private lineEndingBackslash(): boolean {
    let i = this.pos + 1;
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    if (this.text[i] === '\r') i++;
    if (this.text[i] !== '\n') return false;
    while (i < this.text.length && /\s/.test(this.text[i])) i++;
    this.pos = i;
    return true;
  }

  /**
   * One escape sequence; its characters map to the backslash, so a literal that starts with an
   * escaped character (a UNC path's `\\`) starts where it is written.
   */
  private escape(out: MappedBuilder): void {
    const at = this.pos;
    const kind = this.text[at + 1];
    if (kind !== undefined && ESCAPES[kind] !== undefined) {
      out.push(ESCAPES[kind], at);
      this.pos += 2;
      return;
    }
    const digits = kind === 'u' ? 4 : kind === 'U' ? 8 : kind === 'x' ? 2 : 0;
    const hex = this.text.slice(at + 2, at + 2 + digits);
    if (digits === 0 || !new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) this.fail();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) this.fail();
    for (const unit of String.fromCodePoint(code)) for (let i = 0; i < unit.length; i++) out.push(unit[i], at);
    this.pos += 2 + digits;
  }
}

// ---------------------------------------------------------------------------------------------
// References

/** Env var names as env tables write them; other keys there are settings, not vars. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const ENV_TABLES = new Set(['env', 'environment']);
/** pytest-env flags before the name: `D:` (default only), `R:` (raw). */
const PYTEST_ENV_ITEM = /^((?:[DR]:)*)([A-Za-z_][A-Za-z0-9_]*)=/;

function isEnvTable(path: string[]): boolean {
  const joined = path.join('.');
  return (path.length > 0 && ENV_TABLES.has(path[path.length - 1].toLowerCase())) || joined === 'tool.pytest_env';
}

class TomlAnalysis {
  constructor(
    private readonly c: ReferenceCollector,
    private readonly path: string,
  ) {}

  /** A pair whose key sits in the table at `container` (the header plus enclosing inline keys). */
  pair(container: string[], pair: TomlPair): void {
    const full = [...container, ...pair.key.map((k) => k.name)];
    const name = pair.key[pair.key.length - 1];
    const parent = full.slice(0, -1);
    if (pair.value.type === 'string' && isEnvTable(parent) && ENV_NAME.test(name.name)) {
      this.c.envDefine(name.name, name.start, name.end, pair.value.text.text, `${this.path}#${parent.join('.')}`);
    }
    if (full.join('.') === 'tool.pytest.ini_options.env' && pair.value.type === 'array') this.pytestEnv(parent, pair.value.items);
    this.value(full, pair.value);
  }

  private value(path: string[], value: TomlValue): void {
    if (value.type === 'string') recordLiterals(this.c, value.text);
    else if (value.type === 'array') for (const item of value.items) this.value(path, item);
    else if (value.type === 'table') for (const inner of value.pairs) this.pair(path, inner);
  }

  /** pytest-env's `env = ["KEY=value", "D:KEY=value"]`. */
  private pytestEnv(table: string[], items: TomlValue[]): void {
    for (const item of items) {
      if (item.type !== 'string') continue;
      const m = PYTEST_ENV_ITEM.exec(item.text.text);
      if (!m) continue;
      const [start, end] = fileSpan(item.text, m[1].length, m[1].length + m[2].length);
      this.c.envDefine(m[2], start, end, sliceMapped(item.text, m[0].length).text, `${this.path}#${table.join('.')}`);
    }
  }
}

export const detectToml: Detector = (file) => {
  const c = new ReferenceCollector(file);
  try {
    const analysis = new TomlAnalysis(c, file.path);
    for (const pair of parseToml(file.text)) analysis.pair(pair.table, pair);
  } catch {
    return { references: [], tables: [] };
  }
  return c.result();
};
