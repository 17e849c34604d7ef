// The grammars under the real TextMate engine VS Code uses (vscode-textmate + vscode-oniguruma),
// wired the way VS Code wires them: grammars and `injectTo` read from package.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type IRawGrammar } from 'vscode-textmate';

const root = join(__dirname, '..', '..');

interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { grammars: GrammarContribution[] } };
const contributed = manifest.contributes.grammars;

/** A stand-in host language: double-quoted strings and `#` comments, nothing else. */
const HOST: IRawGrammar = parseRawGrammar(JSON.stringify({
  scopeName: 'source.python',
  patterns: [
    { match: '#.*$', name: 'comment.line.number-sign.python' },
    { begin: '"', end: '"', name: 'string.quoted.double.python' },
  ],
}), 'host.json');

let registryPromise: Promise<Registry> | undefined;
function registry(): Promise<Registry> {
  registryPromise ??= (async () => {
    const wasm = readFileSync(createRequire(__filename).resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    return new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName === 'source.python') return HOST;
        const g = contributed.find((c) => c.scopeName === scopeName);
        if (!g) return null;
        const file = join(root, g.path);
        return parseRawGrammar(readFileSync(file, 'utf8'), file);
      },
      getInjections: (scopeName) => contributed.filter((c) => c.injectTo?.includes(scopeName)).map((c) => c.scopeName),
    });
  })();
  return registryPromise;
}

async function grammar(scopeName: string): Promise<IGrammar> {
  const g = await (await registry()).loadGrammar(scopeName);
  assert.ok(g, `grammar ${scopeName} loads`);
  return g;
}

/** Each token of `text` (lines tokenized in order) as `text → innermost scopes below the root`. */
async function tokens(scopeName: string, text: string): Promise<Array<[string, string[]]>> {
  const g = await grammar(scopeName);
  const out: Array<[string, string[]]> = [];
  let state = INITIAL;
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      if (piece !== '') out.push([piece, t.scopes.slice(1)]);
    }
    state = r.ruleStack;
  }
  return out;
}

/** The scopes of the one token whose text is exactly `piece`. */
function scopesOf(toks: Array<[string, string[]]>, piece: string): string[] {
  const hits = toks.filter(([t]) => t === piece);
  assert.equal(hits.length, 1, `exactly one token "${piece}" in ${JSON.stringify(toks.map(([t]) => t))}`);
  return hits[0][1];
}

const URL = 'markup.underline.link.dbaudit.url';
const PASSWORD = 'constant.other.dbaudit.password';
const SQLITE = 'markup.underline.link.dbaudit.sqlite-path';
const hasDbScope = (scopes: string[]) => scopes.some((s) => s.includes('dbaudit'));

test('every contributed grammar file is a grammar with the scope name the manifest gives it', async () => {
  for (const c of contributed) {
    const raw = JSON.parse(readFileSync(join(root, c.path), 'utf8')) as { scopeName: string };
    assert.equal(raw.scopeName, c.scopeName, c.path);
    await grammar(c.scopeName);
  }
});

test('dotenv: key, operator, database URL with its password, and a trailing comment', async () => {
  const toks = await tokens('source.dotenv', 'DATABASE_URL=postgresql://app:hunter2@db/zoe # c');
  assert.deepEqual(toks, [
    ['DATABASE_URL', ['meta.assignment.dotenv', 'variable.other.key.dotenv']],
    ['=', ['meta.assignment.dotenv', 'keyword.operator.assignment.dotenv']],
    ['postgresql://app:', ['meta.assignment.dotenv', 'string.unquoted.dotenv', URL]],
    ['hunter2', ['meta.assignment.dotenv', 'string.unquoted.dotenv', URL, PASSWORD]],
    ['@db/zoe', ['meta.assignment.dotenv', 'string.unquoted.dotenv', URL]],
    [' ', ['meta.assignment.dotenv']],
    ['#', ['meta.assignment.dotenv', 'comment.line.number-sign.dotenv', 'punctuation.definition.comment.dotenv']],
    [' c', ['meta.assignment.dotenv', 'comment.line.number-sign.dotenv']],
  ]);
});

test('dotenv: full-line comments are comments, even when they hold a URL', async () => {
  const toks = await tokens('source.dotenv', '# DATABASE_URL=postgresql://app:hunter2@db/zoe');
  assert.deepEqual(toks, [
    ['#', ['comment.line.number-sign.dotenv', 'punctuation.definition.comment.dotenv']],
    [' DATABASE_URL=postgresql://app:hunter2@db/zoe', ['comment.line.number-sign.dotenv']],
  ]);
});

test('dotenv: export, quoted values, escapes and interpolations', async () => {
  const toks = await tokens('source.dotenv', [
    'export DATABASE_PATH="${DATA_DIR:-/app/data}/zoe.db"',
    "LITERAL='$NOT_EXPANDED'",
    'MSG="a\\nb" # note',
  ].join('\n'));
  assert.deepEqual(scopesOf(toks, 'export'), ['meta.assignment.dotenv', 'storage.modifier.export.dotenv']);
  assert.deepEqual(scopesOf(toks, 'DATABASE_PATH'), ['meta.assignment.dotenv', 'variable.other.key.dotenv']);
  // The whole templated path is one SQLite path token: interpolation and file name together.
  assert.deepEqual(scopesOf(toks, '${DATA_DIR:-/app/data}/zoe.db'), ['meta.assignment.dotenv', 'string.quoted.double.dotenv', SQLITE]);
  assert.deepEqual(scopesOf(toks, '$NOT_EXPANDED'), ['meta.assignment.dotenv', 'string.quoted.single.dotenv']);
  assert.deepEqual(scopesOf(toks, '\\n'), ['meta.assignment.dotenv', 'string.quoted.double.dotenv', 'constant.character.escape.dotenv']);
  assert.deepEqual(scopesOf(toks, '#'), ['meta.assignment.dotenv', 'comment.line.number-sign.dotenv', 'punctuation.definition.comment.dotenv']);
});

test('dotenv: an unquoted interpolation is a variable, and # inside a word is not a comment', async () => {
  const toks = await tokens('source.dotenv', 'URL=${BASE}/x#frag');
  assert.deepEqual(toks, [
    ['URL', ['meta.assignment.dotenv', 'variable.other.key.dotenv']],
    ['=', ['meta.assignment.dotenv', 'keyword.operator.assignment.dotenv']],
    ['${', ['meta.assignment.dotenv', 'string.unquoted.dotenv', 'meta.interpolation.dotenv', 'punctuation.definition.variable.begin.dotenv']],
    ['BASE', ['meta.assignment.dotenv', 'string.unquoted.dotenv', 'meta.interpolation.dotenv', 'variable.other.dotenv']],
    ['}', ['meta.assignment.dotenv', 'string.unquoted.dotenv', 'meta.interpolation.dotenv', 'punctuation.definition.variable.end.dotenv']],
    ['/x#frag', ['meta.assignment.dotenv', 'string.unquoted.dotenv']],
  ]);
});

test('injection: a database URL in a host string, its password on its own', async () => {
  const toks = await tokens('source.python', 'engine = create_engine("postgresql+asyncpg://app:hunter2@db:5432/zoe")');
  assert.deepEqual(scopesOf(toks, 'postgresql+asyncpg://app:'), ['string.quoted.double.python', URL]);
  assert.deepEqual(scopesOf(toks, 'hunter2'), ['string.quoted.double.python', URL, PASSWORD]);
  assert.deepEqual(scopesOf(toks, '@db:5432/zoe'), ['string.quoted.double.python', URL]);
});

test('injection: a templated password is a placeholder, not a password', async () => {
  const toks = await tokens('source.python', '"postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db/app"');
  assert.deepEqual(scopesOf(toks, '${POSTGRES_PASSWORD}'), ['string.quoted.double.python', URL, 'variable.other.dbaudit.placeholder']);
  assert.ok(!toks.some(([, s]) => s.includes(PASSWORD)));
});

test('injection: other engines, sqlite URLs and mongodb+srv', async () => {
  for (const url of ['sqlite:///./app.db', 'mysql://root@localhost/shop', 'redis://cache:6379/0', 'MONGODB+SRV://u:p@cluster0.example.net/app']) {
    const toks = await tokens('source.python', `x = "${url}"`);
    assert.deepEqual(toks.filter(([, s]) => s.includes(URL) && !s.includes(PASSWORD)).map(([t]) => t).join(''), url.replace(':p@', ':@'), url);
    assert.ok(!toks.some(([, s]) => s.includes(SQLITE)), `${url}: the path is the URL's`);
  }
});

test('injection: SQLite paths in strings', async () => {
  const toks = await tokens('source.python', 'sqlite3.connect("data/auth.db"); open("C:\\\\x\\\\memory.sqlite3"); p = "zoe.db."');
  assert.deepEqual(scopesOf(toks, 'data/auth.db'), ['string.quoted.double.python', SQLITE]);
  assert.deepEqual(scopesOf(toks, 'C:\\\\x\\\\memory.sqlite3'), ['string.quoted.double.python', SQLITE]);
  assert.deepEqual(scopesOf(toks, 'zoe.db'), ['string.quoted.double.python', SQLITE]);
});

test('injection: no database scope for web URLs, globs, Thumbs.db, other extensions or comments', async () => {
  const lines = [
    'a = "https://example.com"',
    'b = "https://example.com/files/data.db"',
    'c = "data/*.db"',
    'd = "Thumbs.db"',
    'e = "backup.db.bak"',
    'f = ".db"',
    'g = "db.example.com"',
    '# "postgresql://app:hunter2@db/zoe" and "auth.db"',
  ];
  for (const line of lines) {
    const toks = await tokens('source.python', line);
    assert.deepEqual(toks.filter(([, s]) => hasDbScope(s)), [], line);
  }
});

test('injection reaches every host the manifest names, and only strings there', async () => {
  const injection = contributed.find((c) => c.scopeName === 'dbaudit.injection');
  assert.ok(injection?.injectTo);
  for (const host of ['source.python', 'source.js', 'source.ts', 'source.tsx', 'source.js.jsx', 'source.yaml', 'source.shell', 'source.dotenv',
    'source.dockerfile', 'source.ini', 'source.toml', 'source.json', 'source.sql']) {
    assert.ok(injection.injectTo.includes(host), host);
  }
  // Outside a string (the host's plain code) a URL-looking word is left alone.
  const toks = await tokens('source.python', 'postgresql://app:hunter2@db/zoe');
  assert.deepEqual(toks.filter(([, s]) => hasDbScope(s)), []);
});
