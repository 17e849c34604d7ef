// Property: over generated surrounding code, fix-all leaves a Python or TS file that parses
// (no more syntax errors than before), keeps CRLF, and a second fix-all changes nothing.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { syntaxErrors } from '../../../server/src/engine/fixes/parses';
import { fixOne, ready } from './harness';

before(() => ready);

const name = fc.constantFrom('db', 'conn', 'path_', 'x1', 'store');
const path = fc.constantFrom('/app/data/auth.db', 'data/sessions.db', 'auth.db');

const pyStatement = fc.oneof(
  fc.tuple(name, path).map(([n, p]) => `${n} = sqlite3.connect("${p}")`),
  fc.tuple(name, path).map(([n, p]) => `${n} = "${p}"`),
  fc.tuple(name, path).map(([n, p]) => `def f_${n}(a, b="${p}"):\n    return sqlite3.connect(b)`),
  fc.tuple(name, path).map(([n, p]) => `${n} = os.getenv("OLD_DB", "${p}")`),
  fc.tuple(name, path).map(([n, p]) => `${n} = f"{base}/${p.split('/').pop()}"`),
  fc.constantFrom('import sqlite3', 'import csv', 'from pathlib import Path', '"""doc"""', '# comment', 'x = 1', 'if x:\n    pass'),
);

const tsStatement = fc.oneof(
  fc.tuple(name, path).map(([n, p]) => `const ${n} = new Database('${p}');`),
  fc.tuple(name, path).map(([n, p]) => `const ${n} = '${p}'.length;`),
  fc.tuple(name, path).map(([n, p]) => `const ${n} = process.env.OLD_DB || '${p}';`),
  fc.tuple(name, path).map(([n, p]) => `function f_${n}(a = '${p}') { return a; }`),
  fc.tuple(name, path).map(([n, p]) => `const ${n} = path.join(dir, '${p}');`),
  fc.constantFrom("import Database from 'better-sqlite3';", '// comment', 'let y = 2;', 'if (y) { y++; }'),
);

for (const [label, file, statement] of [['Python', 'a.py', pyStatement], ['TypeScript', 'a.ts', tsStatement]] as const) {
  test(`${label}: the fixed file still parses, and fix-all is idempotent`, () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 6 }), fc.boolean(), (lines, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = lines.join('\n').replace(/\n/g, eol) + eol;
        const fixed = fixOne(file, text);
        assert.ok(syntaxErrors(file, fixed) <= syntaxErrors(file, text), fixed);
        assert.equal(fixOne(file, fixed), fixed);
        if (crlf) assert.doesNotMatch(fixed.replace(/\r\n/g, ''), /\n/);
      }),
      { numRuns: 60 },
    );
  });
}
