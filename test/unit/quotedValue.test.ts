import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quotedValues } from '../../server/src/engine/quotedValue';

const PY = { python: true };
const JS = { python: false };
/** The values read at the first occurrence of `marker` (a quote) in `text`. */
const at = (text: string, marker: string, options: { python: boolean }, from = 0) => quotedValues(text, text.indexOf(marker, from), options);

test('a string is read to its closing quote, escapes decoded', () => {
  assert.deepEqual(at(String.raw`q = 'SELECT\n\t*\x20FROM t' + x`, "'", JS), ['SELECT\n\t* FROM t', 'SELECT\n\t* FROM t']);
  assert.deepEqual(at("q = 'a \\\nb'", "'", JS)[0], 'a b');
  assert.deepEqual(at(String.raw`q = "\u0053ELECT \u{2a}"`, '"', JS)[0], 'SELECT *');
});

test('a \'…\' or "…" string ends at a raw newline: a closing quote followed by code reads no further than its line', () => {
  const text = "sep = ',', ':'\n    with options.infile as infile:\n";
  const closing = text.lastIndexOf("'");
  assert.deepEqual(quotedValues(text, closing, PY), ['', '']);
});

test('Python: triple quotes span lines; adjacent strings are joined, across comments and line continuations, and also read alone', () => {
  const triple = 'q = """\n  SELECT *\n  FROM t"""\n';
  assert.deepEqual(quotedValues(triple, triple.indexOf('"""') + 2, PY)[0], '\n  SELECT *\n  FROM t');
  const joined = "q = (\n    'SELECT a '  # columns\n    f'FROM {t}' \\\n    \"WHERE x\")\n";
  assert.deepEqual(at(joined, "'", PY), ['SELECT a ', 'SELECT a FROM {x}WHERE x', 'SELECT a ', 'SELECT a FROM {t}WHERE x']);
  // JS has no implicit concatenation.
  assert.deepEqual(at("q = 'a' 'b'", "'", JS), ['a', 'a']);
});

test('placeholders are read as holes (quotes inside them do not end the string) and as text', () => {
  assert.deepEqual(at('q = f"SELECT {d["a"]}, b FROM t"', '"', PY), ['SELECT {x}, b FROM t', 'SELECT {d[']);
  assert.deepEqual(at('q = f"{{literal}} {x}"', '"', PY)[0], '{literal} {x}');
  assert.deepEqual(at('q = `SELECT ${cols.map((c) => `"${c}"`).join(", ")} FROM t`', '`', JS)[0], 'SELECT ${x} FROM t');
});

test('a string that never closes is read to the end of the text', () => {
  assert.deepEqual(at('q = """SELECT 1', '"', PY, 6), ['SELECT 1', 'SELECT 1']);
});
