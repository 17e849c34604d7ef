// JS/TS string and template literals read from a file's start (engine/javascriptStrings.ts), as
// the prefilter uses them to tell a SQLite path in a string from `this.db` in code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { javaScriptStrings } from '../../server/src/engine/javascriptStrings';
import { ts } from '../../server/src/engine/typescript';

test('strings and templates as written; code, comments and regular expressions left out', () => {
  assert.deepEqual(javaScriptStrings('this.db = open("app.db"); // see \'old.db\'\n/* "x.db" */ const r = /"a.db"/g;\n'), ['"app.db"']);
  assert.deepEqual(javaScriptStrings("const s = 'it\\'s' + \"a\\\"b\";\n"), ["'it\\'s'", '"a\\"b"']);
  assert.deepEqual(javaScriptStrings('const p = `${dir}/data.db`;\n'), ['`${dir}/data.db`']);
});

test('a template is one piece, its substitutions and the strings and templates inside them too', () => {
  const text = 'const q = `a ${f("x.db", { k: `in ${g(\'y\')}` })} b ${h}`; const after = "z";\n';
  assert.deepEqual(javaScriptStrings(text), ['`a ${f("x.db", { k: `in ${g(\'y\')}` })} b ${h}`', '"z"']);
  assert.deepEqual(javaScriptStrings('const t = `line one\nline \\` two ${a}\n`;\n'), ['`line one\nline \\` two ${a}\n`']);
});

test('a slash divides after a value and starts a regular expression elsewhere, comments looked through', () => {
  // Division: the quotes that follow are strings.
  assert.deepEqual(javaScriptStrings('const x = a / 2 + "p.db" / b;\nconst y = (c) / d["k"] / e;\nz = i++ / 2; w = "q";\n'), ['"p.db"', '"k"', '"q"']);
  // Regular expressions: their quotes are not strings.
  assert.deepEqual(javaScriptStrings('s.replace(/\'/g, "a");\nreturn /"[/"]\\//.test(s) ? "b" : "c";\n'), ['"a"', '"b"', '"c"']);
  assert.deepEqual(javaScriptStrings('export default /[\'"]/;\nconst r = x.return / 2 / "d";\n'), ['"d"']);
  assert.deepEqual(javaScriptStrings('const r = [\n  // a comment that ends in a word\n  /(?!\\\\)\'/g, "e",\n];\n'), ['"e"']);
  assert.deepEqual(javaScriptStrings('#!/usr/bin/env node\nconst s = "f";\n'), ['"f"']);
});

test('what cannot be read in step gives undefined', () => {
  for (const text of ['const s = "unterminated\nconst t = 1;\n', 'const t = `never closed\n', '/* open comment\n', 'const r = /open regex\n', 'const t = `${a\n']) {
    assert.equal(javaScriptStrings(text), undefined, text);
  }
});

test("on this project's and TypeScript's own sources, the literals are TypeScript's scanner's string and template tokens", () => {
  // The scanner, driven by the parser's own tree, knows regular expressions from divisions.
  const files = [
    path.resolve(__dirname, '../../server/src/engine/prefilter.ts'),
    path.resolve(__dirname, '../../server/src/engine/detectors/javascript.ts'),
    path.resolve(__dirname, '../../server/src/engine/literals.ts'),
    require.resolve('jsonc-parser/lib/umd/impl/scanner.js'),
    require.resolve('ignore'),
  ];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
    const expected: string[] = [];
    const visit = (node: ts.Node): void => {
      // A template whole: the strings inside its substitutions are part of it, not pieces of their own.
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) expected.push(text.slice(node.getStart(sf), node.end));
      else ts.forEachChild(node, visit);
    };
    visit(sf);
    assert.deepEqual(javaScriptStrings(text), expected, file);
  }
});
