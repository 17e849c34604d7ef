// Ordinary code that made a regex of the prefilter or of the Python string reader try 2^n ways
// before failing (a 70-character `####…` banner, `${a}` runs, comment runs), a URL whose
// trailing punctuation took quadratic time and ADO pairs before a run of blanks (cubic): each is read in a child process with a time limit,
// so a regression fails this test instead of hanging the suite, and gets the verdict the
// detectors' reading calls for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithinLimit } from '../helpers/childScript';
import * as path from 'node:path';

const OUT = path.resolve(__dirname, '../../server/out/engine');
const BANNER = '#'.repeat(70);

/** [file type, text, the prefilter's verdict]. */
const CASES: Record<string, [string, string, string]> = {
  'a banner after a word `table` that is no call (Python)': ['python', `def load(table):\n    return table\n\n${BANNER}\n# Helpers\n${BANNER}\n`, 'skip'],
  'a banner after a SQL string, no string after it (Python)': ['python', `q = ("SELECT name FROM users "\n    ${BANNER}\n)\n`, 'analyze'],
  'a template of forty ${a} after host= (JS)': ['javascript', `const s = \`host=${'${a}'.repeat(40)}\`;\n`, 'skip'],
  'forty block comments after @ (JS)': ['javascript', `@${'/**/ '.repeat(40)}x\nclass A {}\n`, 'skip'],
};

test('inputs that once took exponential time are read at once, with the right verdicts', () => {
  const script = [
    `const { prefilter } = require(${JSON.stringify(path.join(OUT, 'prefilter.js'))});`,
    `const { readPython } = require(${JSON.stringify(path.join(OUT, 'pythonStrings.js'))});`,
    `const cases = ${JSON.stringify(CASES)};`,
    'const verdicts = Object.fromEntries(Object.entries(cases).map(([name, [type, text]]) => [name, prefilter(type, text)]));',
    // A docstring's closing quotes after a banner: the reader tests what stands between two strings.
    `const reading = readPython("MARK = '...'\\n" + ${JSON.stringify(BANNER)} + '\\ndef f(g):\\n    """\\n    doc\\n    """\\n');`,
    // A URL that a long run of punctuation ends, but for one character: its trailing punctuation was quadratic to find.
    `const { findLiterals } = require(${JSON.stringify(path.join(OUT, 'literals.js'))});`,
    `const urls = findLiterals('x = "postgres://h/db' + '.;'.repeat(200000) + '\\u0001"').length;`,
    // ADO pairs followed by a long run of blanks, with and without a second key: cubic, then quadratic.
    "const ado = [findLiterals('host=' + ' '.repeat(8000) + 'x').length, findLiterals('Server=db;Database=app;' + ' '.repeat(40000) + 'x').map((l) => l.target)];",
    'console.log(JSON.stringify({ verdicts, ignored: reading && reading.ignored.length, urls, ado }));',
  ].join('\n');
  const { verdicts, ignored, urls, ado } = JSON.parse(runWithinLimit(script, 20_000, 'a regex backtracks again')) as { verdicts: Record<string, string>; ignored: number; urls: number; ado: [number, string[]] };
  assert.deepEqual(verdicts, Object.fromEntries(Object.entries(CASES).map(([name, [, , verdict]]) => [name, verdict])));
  assert.equal(ignored, 2, 'the banner and the docstring (and the reading came back)');
  assert.equal(urls, 1);
  assert.deepEqual(ado, [0, ['app']]);
});

// Quadratic ones: a regex that tried the rest of a long run from every character of it (`\s+$`
// inside a line, a lazy value before `\s*$`, a word's tokens expanded one by one, a DSN run from each pair). 400,000
// characters take each old module minutes, so the limit tells a regression from a slow machine.
test('long runs of blanks, slashes and word tokens are read in linear time, with the same readings', () => {
  const script = [
    `const OUT = ${JSON.stringify(OUT)};`,
    "const { detectorFor } = require(OUT + '/detectors/index.js');",
    "const { findLiterals } = require(OUT + '/literals.js');",
    "const { looksLikeSql } = require(OUT + '/sqlTables.js');",
    "const { namesDatabaseVariable, prefilter } = require(OUT + '/prefilter.js');",
    "const { normalizeFolder } = require(OUT + '/config/rulesFile.js');",
    "const { credentialsFixes } = require(OUT + '/fixes/credentials.js');",
    "const { LineIndex } = require(OUT + '/lineIndex.js');",
    "const B = ' '.repeat(400000);",
    'const targets = (type, path, text) => detectorFor(type)({ path, text }).references.map((r) => r.target);',
    // Two passwords of one engine: each fix names the variable its line defines; a line whose long word is no name gets none.
    "const yaml = 'A_DATABASE_URL: postgresql://u:pw1@db/a\\n' + 'x'.repeat(400000) + '-: postgresql://u:pw2@db/b\\n';",
    "const fixFor = (line) => { const index = new LineIndex(yaml); const start = yaml.split('\\n').slice(0, line).join('\\n').length + (line ? 1 : 0); const from = yaml.indexOf('postgresql', start);",
    "  return credentialsFixes({ finding: { rule: 'credentials-in-connection-string', path: 'c.yml', range: index.range(from, yaml.indexOf('\\n', from)) }, text: yaml, config: undefined }, 'yaml', () => undefined).map((f) => f.title); };",
    'console.log(JSON.stringify({',
    "  dockerfile: targets('dockerfile', 'Dockerfile', 'FROM x\\nRUN a' + B + 'b\\nENV DATABASE_PATH=/data/zoe.db\\n'),",
    "  dotenv: targets('dotenv', '.env', 'NOTE=x' + B + 'y\\nDATABASE_PATH=zoe.db\\n'),",
    "  ini: targets('ini', 'a.ini', '[s]\\nnote' + B + 'x\\nurl = sqlite:///zoe.db\\n'),",
    "  text: targets('text', 'a.txt', 'db=zoe.db' + B + 'x\\n'),",
    "  ado: findLiterals('Server=a' + B + 'x;Database=app;').map((l) => l.target),",
    "  grant: [looksLikeSql('GRANT' + B), looksLikeSql('GRANT SELECT ON users TO app')],",
    "  word: [namesDatabaseVariable('pg_'.repeat(130000), []), namesDatabaseVariable('pg_'.repeat(130000) + ' pg_database_url', [])],",
    "  folder: normalizeFolder('./a/b' + '/'.repeat(400000)),",
    '  fixes: [fixFor(0), fixFor(1)],',
    // A YAML file that is one long run of `}`: an error each, which the yaml library prettified with a regex over the rest of the text.
    "  yaml: targets('yaml', 'a.yml', 'url: postgres://h/app\\n' + '}'.repeat(200000)),",
    // A query string run together: the libpq search tried each of its keys, each reading the rest as a value.
    "  libpq: findLiterals('\\'' + 'a=1&'.repeat(100000) + '\\' host=db dbname=app').map((l) => l.target),",
    // DSN pairs with no `user`/`port` after them, then one elsewhere: each `host` walked the rest of the run.
    "  dsn: [prefilter('javascript', 's = \"' + 'host=a '.repeat(57000) + '\";\\nport'), prefilter('javascript', 's = \"' + 'host='.repeat(80000) + '\";\\nport'), prefilter('javascript', 's = \"' + 'host=a '.repeat(57000) + 'port=5\";')],",
    '}));',
  ].join('\n');
  assert.deepEqual(JSON.parse(runWithinLimit(script, 20_000, 'a regex is quadratic again')), {
    dockerfile: ['DATABASE_PATH', 'zoe.db'],
    dotenv: ['NOTE', 'DATABASE_PATH', 'zoe.db'],
    ini: ['zoe.db'],
    text: ['zoe.db'],
    ado: ['app'],
    grant: [false, true],
    word: [false, true],
    folder: 'a/b',
    fixes: [['Take the password from A_DATABASE_PASSWORD'], []],
    yaml: [],
    libpq: ['app'],
    dsn: ['skip', 'skip', 'analyze'],
  });
});
