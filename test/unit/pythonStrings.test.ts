// Python's string literals read from a file's start (engine/pythonStrings.ts), as the prefilter
// uses them to tell a DSN in a string from keyword arguments in code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonCode, pythonStringValues } from '../../server/src/engine/pythonStrings';

test('strings are read in step with the tokenizer: comments, docstrings with quotes, prefixes, escapes', () => {
  assert.deepEqual(pythonStringValues('f(host=None, port=0)  # "not a string"\n'), []);
  assert.deepEqual(pythonStringValues('"""Doc with "quotes" and host=a port=b\nline"""\nf(host=h, port=p)\n'), ['Doc with "quotes" and host=a port=b\nline']);
  assert.deepEqual(pythonStringValues("x = rb'\\d\\'y'\nb = u'\\x41\\n'\n"), ["\\d\\'y", 'A\n']);
  assert.deepEqual(pythonStringValues('n = "a\\N{EM DASH}b"\n'), ['a\ufffdb'], 'a named escape is U+FFFD, as the Python detector reads it');
  assert.deepEqual(pythonStringValues('s = "host=a\\x20port=1"\n'), ['host=a port=1']);
});

test('f-string fields are holes; the strings inside them are read too; doubled braces are braces', () => {
  assert.deepEqual(pythonStringValues('v = f"host={cfg["h"]} port={p!r:>{w}}"\n'), ['h', 'host={x} port={x}']);
  assert.deepEqual(pythonStringValues('e = f"{{literal}} {x}"\n'), ['{literal} {x}']);
  assert.deepEqual(pythonStringValues("t = f'''a {d['k']}\nb'''\n"), ['k', 'a {x}\nb']);
});

test('raw f-strings: a backslash keeps the next character but for a brace, which still opens a field or doubles (rf"\\{x}" is a backslash and x)', () => {
  // What Python reads: rf'\{x}' == '\\' + str(x); rf'\{{x}}' == '\\{x}'; rf'a\'b' keeps both; rf'\}}' == '\\}'.
  assert.deepEqual(pythonStringValues("p = rf'\\{self.prefix}{{1,2}}'\nm = re.match(rf'^({p}[^\\s=]+)', arg)\n"), ['\\{x}{1,2}', '^({x}[^\\s=]+)']);
  assert.deepEqual(pythonStringValues("a = rf'\\{{x}}'\nb = fr'a\\'b'\nc = Rf'\\}}'\n"), ['\\{x}', "a\\'b", '\\}']);
  assert.equal(pythonStringValues("bad = rf'\\}'\n"), undefined, 'a lone brace after a backslash does not close a field');
});

test('escapes as Python decodes them: an unknown one keeps its backslash, `\\a` is a bell, and in an f-string a backslash before a brace is a backslash', () => {
  assert.deepEqual(pythonStringValues("s = '\\d+\\.db'\nb = '\\a\\q'\n"), ['\\d+\\.db', '\x07\\q']);
  assert.deepEqual(pythonStringValues("a = f'\\{x}'\nb = f'\\{{x}}'\n"), ['\\{x}', '\\{x}']);
});

test('strings side by side are also read joined, each longer part of the run', () => {
  assert.deepEqual(pythonStringValues('c = ("host=db "\n     # a comment\n     f"port={p} " \'user=u\')\n'), ['host=db ', 'port={x} ', 'host=db port={x} ', 'user=u', 'host=db port={x} user=u']);
  assert.deepEqual(pythonStringValues('a = "x"\nb = 1\nc = "y"\n'), ['x', 'y'], 'code between: no join');
});

test('a string or field that does not close as Python closes it: no reading at all', () => {
  for (const text of ['bad = "unterminated\nx = 1\n', 's = """never closed\n', 'f"{x"\n', 'f"a}b"\n', 'f"{d[1}"\n']) {
    assert.equal(pythonStringValues(text), undefined, text);
  }
});

test('pythonCode blanks comments and strings that are statements of their own, keeping offsets and line breaks', () => {
  const text = 'def f():\n    """Doc: SELECT * FROM users, see app.db"""  # note\n    return conn.execute("SELECT * FROM t")\n';
  const code = pythonCode(text)!;
  assert.equal(code.length, text.length);
  assert.deepEqual(code.split('\n').map((l) => l.trim()), ['def f():', '', 'return conn.execute("SELECT * FROM t")', '']);
  // Documentation the parser joins; module docs; but not strings inside brackets, after `;` or `\`, or a lambda's.
  assert.equal(pythonCode('"module doc"\nf"{a}" "b"\n')!.trim(), '');
  const kept = 'q = (\n    "SELECT a FROM t"\n)\nlambda: "x.db"\nr"doc"; y = 2\ns = \\\n  "cont.db"\nif"a"in x: pass\n';
  assert.equal(pythonCode(kept), kept);
  assert.equal(pythonCode('x = "open\n'), undefined);
});
