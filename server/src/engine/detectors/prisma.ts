// Prisma schemas (schema.prisma): the datasource's provider (the engine), its `env("...")`
// reads and literal URLs, its `schemas = [...]` list (schema names), and every model and view as
// a table declaration (`@@map` renames it, `@@schema` places it). A small scanner is enough:
// the grammar is line-based blocks of `key = value` and `field Type @attr` lines, and the npm
// parser (`@prisma/prisma-schema-wasm`) is heavy and gives no positions. Comments (`//`, `///`)
// are blanked first, so nothing in them is ever a reference.

import { ReferenceCollector } from '../collector';
import type { Detector, Engine } from '../types';

const PROVIDER_ENGINES: Record<string, Engine> = {
  postgresql: 'postgres', postgres: 'postgres', cockroachdb: 'postgres',
  mysql: 'mysql', sqlite: 'sqlite', sqlserver: 'mssql', mongodb: 'mongodb',
};

/** A double-quoted Prisma string (backslash escapes), the inside as group 1. */
const STRING = String.raw`"((?:[^"\\\n]|\\.)*)"`;

/** `text` with every `//` comment replaced by spaces (offsets kept); `//` inside strings stays. */
function blankComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') {
        out += ch + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === '"' || ch === '\n') inString = false;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      out += ' '.repeat(end - i);
      i = end - 1;
    } else {
      if (ch === '"') inString = true;
      out += ch;
    }
  }
  return out;
}

interface Block {
  kind: string;
  name: string;
  nameStart: number;
  /** Offsets of the body between the braces. */
  bodyStart: number;
  bodyEnd: number;
}

/** Top-level blocks: `datasource db { ... }`, `model User { ... }`, ... (braces do not nest in Prisma). */
function blocks(blank: string): Block[] {
  const out: Block[] = [];
  const re = /^[ \t]*(datasource|generator|model|view|enum|type)[ \t]+([A-Za-z_]\w*)\s*\{/gm;
  for (const m of blank.matchAll(re)) {
    const bodyStart = m.index! + m[0].length;
    const close = closingBrace(blank, bodyStart);
    out.push({ kind: m[1], name: m[2], nameStart: m.index! + m[0].indexOf(m[2], m[0].indexOf(m[1]) + m[1].length), bodyStart, bodyEnd: close });
    re.lastIndex = close;
  }
  return out;
}

/** The `}` ending a block whose body starts at `from` (braces inside strings do not count). */
function closingBrace(blank: string, from: number): number {
  const re = new RegExp(`${STRING}|\\}`, 'g');
  re.lastIndex = from;
  for (let m = re.exec(blank); m; m = re.exec(blank)) if (m[0] === '}') return m.index;
  return blank.length;
}

/** Every `env("NAME")` outside comments is a read of NAME (range: the name inside the quotes). */
function envReads(c: ReferenceCollector, blank: string): void {
  for (const m of blank.matchAll(new RegExp(String.raw`\benv\(\s*${STRING}\s*\)`, 'g'))) {
    const start = m.index! + m[0].indexOf('"') + 1;
    c.envRead(m[1], start, start + m[1].length);
  }
}

/** The datasource: its provider's engine, literal URLs in its fields, and its `schemas` list. */
function datasource(c: ReferenceCollector, blank: string, block: Block): void {
  const body = blank.slice(block.bodyStart, block.bodyEnd);
  const provider = new RegExp(String.raw`^[ \t]*provider\s*=\s*${STRING}`, 'm').exec(body)?.[1] ?? '';
  const engine = PROVIDER_ENGINES[provider.toLowerCase()] ?? 'unknown';
  // url / directUrl / shadowDatabaseUrl written as literals rather than env(...): URLs, `file:./dev.db`.
  for (const m of body.matchAll(new RegExp(String.raw`^[ \t]*(\w+)\s*=\s*${STRING}`, 'gm'))) {
    if (m[1] === 'provider' || m[1] === 'relationMode') continue;
    const start = block.bodyStart + m.index! + m[0].length - m[2].length - 1;
    c.literals(m[2], start);
  }
  const schemas = /^[ \t]*schemas\s*=\s*\[([^\]]*)\]/m.exec(body);
  if (!schemas) return;
  const listStart = block.bodyStart + schemas.index! + schemas[0].indexOf('[') + 1;
  for (const s of schemas[1].matchAll(new RegExp(STRING, 'g'))) {
    const start = listStart + s.index! + 1;
    c.dbName(s[1], start, start + s[1].length, engine);
  }
}

/** A model or view: a table named by `@@map("x")` (else the model's name), in `@@schema("s")`. */
function model(c: ReferenceCollector, blank: string, block: Block): void {
  const body = blank.slice(block.bodyStart, block.bodyEnd);
  const attr = (name: string) => new RegExp(String.raw`@@${name}\(\s*(?:name\s*:\s*)?${STRING}`).exec(body);
  const map = attr('map');
  const schema = attr('schema')?.[1];
  if (map) {
    const start = block.bodyStart + map.index! + map[0].length - map[1].length - 1;
    c.table(map[1], schema, start, start + map[1].length, 'prisma', true);
  } else {
    c.table(block.name, schema, block.nameStart, block.nameStart + block.name.length, 'prisma', true);
  }
}

export const detectPrisma: Detector = (file) => {
  const c = new ReferenceCollector(file);
  const blank = blankComments(file.text);
  envReads(c, blank);
  for (const block of blocks(blank)) {
    if (block.kind === 'datasource') datasource(c, blank, block);
    else if (block.kind === 'model' || block.kind === 'view') model(c, blank, block);
  }
  return c.result();
};
