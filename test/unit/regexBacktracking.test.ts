// Ordinary code that made a regex of the prefilter or of the Python string reader try 2^n ways
// before failing (a 70-character `####…` banner, `${a}` runs, comment runs), a URL whose
// trailing punctuation took quadratic time and ADO pairs before a run of blanks (cubic): each is read in a child process with a time limit,
// so a regression fails this test instead of hanging the suite, and gets the verdict the
// detectors' reading calls for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, 'the child was stopped at the time limit: a regex backtracks again');
  assert.equal(r.status, 0, r.stderr);
  const { verdicts, ignored, urls, ado } = JSON.parse(r.stdout) as { verdicts: Record<string, string>; ignored: number; urls: number; ado: [number, string[]] };
  assert.deepEqual(verdicts, Object.fromEntries(Object.entries(CASES).map(([name, [, , verdict]]) => [name, verdict])));
  assert.equal(ignored, 2, 'the banner and the docstring (and the reading came back)');
  assert.equal(urls, 1);
  assert.deepEqual(ado, [0, ['app']]);
});
