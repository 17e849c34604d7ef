// tree-sitter's error recovery takes quadratic time (or worse) on a long run of what a grammar
// cannot read; parseWithinBudget (treeSitter.ts) stops such a parse, and the detectors read the
// file as they do without a grammar; a fix, whose result cannot then be checked, is not offered.
// Each file is read in a child process with a time limit: the shell one took minutes before the budget.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithinLimit } from '../helpers/childScript';
import * as path from 'node:path';

const OUT = path.resolve(__dirname, '../../server/out/engine');

test('a long unreadable run stops the parse within its budget; the file is still read, as without a grammar; a fix is not offered', () => {
  const script = [
    `const OUT = ${JSON.stringify(OUT)};`,
    "require(OUT + '/treeSitter').baselineWebAssemblyOnly();",
    "const { detectorFor } = require(OUT + '/detectors/index.js');",
    "const { loadGrammars, parserFor, parseWithinBudget } = require(OUT + '/treeSitter.js');",
    "const shell = 'psql postgres://db/app\\nX=' + ')'.repeat(40000);",
    'loadGrammars().then(() => {',
    // A file's targets, and the grammar it was read without (FileAnalysis.unparsed; null when parsed).
    '  const targets = (type, path, text) => { const a = detectorFor(type)({ path, text }); return [a.references.map((r) => r.target), a.unparsed ?? null]; };',
    '  console.log(JSON.stringify({',
    // 20,000 `)` took 12 s to parse, 40,000 45 s.
    "    shell: targets('shell', 'run.sh', shell),",
    // The fixes parse through the same budget: past it, a fix's result cannot be checked and is not offered.
    "    fixChecked: require(OUT + '/fixes/parses.js').stillParses('run.sh', shell, shell + '\\n'),",
    // 5,000 `${a}` took 0.8 s, 12,500 about 5 s.
    "    python: targets('python', 'app.py', 'DB = \"sqlite:///zoe.db\"\\n' + '${a}'.repeat(12500)),",
    // An ordinary file parses whole, with its tree.
    "    ordinary: parseWithinBudget(parserFor('python'), 'import sqlite3\\nsqlite3.connect(\"zoe.db\")\\n').rootNode.type,",
    "    ordinaryAnalysis: targets('python', 'ok.py', 'import sqlite3\\nsqlite3.connect(\"zoe.db\")\\n'),",
    '  }));',
    '});',
  ].join('\n');
  assert.deepEqual(JSON.parse(runWithinLimit(script, 30_000, 'a parse ran on past its budget')), {
    shell: [['app'], 'bash'], fixChecked: false, python: [['zoe.db'], 'python'], ordinary: 'module', ordinaryAnalysis: [['zoe.db'], null],
  });
});
