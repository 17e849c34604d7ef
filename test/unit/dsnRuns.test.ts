// The prefilter's libpq DSN runs (dsnRuns.ts), walked in code, against the one regex they replace
// (kept here as the reference): the same answer on chosen cases and on 30,000 seeded random texts
// built from pairs of keys and values that matter (blanks and escaped blanks, quotes, braces, `$`) and stray pieces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasHostDsnRun } from '../../server/src/engine/dsnRuns';

const startsWord = (word: string) => String.raw`(?<=(?:^|[^a-z0-9_-]|\\[a-z])${word})`;
const BLANK = String.raw`(?:\s|\\[ntrfv])+`;
const VALUE = String.raw`(?:'(?:[^'\\\n]|\\.)*'|(?:\{[^{}\n]*\}|\$\{[^}\n]*\}|\$(?!\{[^}\n]*\})|\\[^ntrfv\s]|[^\s'"\\{$])+)`;
const pair = (key: string) => key + startsWord(key) + String.raw`\s*=\s*` + VALUE;
const run = (first: string, then: string) => `${pair(first)}(?:${BLANK}${pair('[a-z_]+')})*?${BLANK}${then}${startsWord(then)}\\s*=`;
const REFERENCE = new RegExp([run('host', '(?:user|port)'), run('(?:user|port)', 'host')].join('|'));

test('chosen texts: runs in either order, escaped blanks, quoted and placeholder values; a keyword argument counts, code and look-alike keys do not', () => {
  const cases: Array<[string, boolean]> = [
    ['"host=db port=5432"', true],
    ['"host=db\\nport=5432"', true],
    ['dsn = "port=5432 user=app host=db"', true],
    ["a='x host=1 port=2'", true],
    ["host='x host=1 port=2'", true],
    ["conn(\"host={cfg['host']} dbname_x=${db} port=${p}\")", true],
    ["host='a b' sslmode=require user=app", true],
    ['host=db, port=5432', true],
    ['this.host = host;\n  this.port = port;', false],
    ['host=None, port=0', true],
    ['hostname=db port=5432', false],
    ['x-host=db port=5432', false],
    ['host=db\n\nport=5432', true],
    ['host="db" port=5432', false],
    ['host=$a port=1', true],
    ['host=${a port=1', false],
    ['host={a port=1', false],
    ['', false],
  ];
  for (const [text, expected] of cases) {
    assert.equal(REFERENCE.test(text), expected, `the reference on ${JSON.stringify(text)}`);
    assert.equal(hasHostDsnRun(text), expected, JSON.stringify(text));
  }
});

test('30,000 seeded random texts: the walk answers as the regex did', () => {
  const keys = ['host', 'port', 'user', 'x', 'hostname', '-host', '\\nport', 'db_'];
  const equals = ['=', ' = ', '=\n'];
  const values = ['db', 'a,', "'a b'", "'a\\'b'", "'a", '{x}', '{x', '${h}', '${h', '$', '\\x', '\\n', '"q"', 'host=a', ''];
  const blanks = [' ', '  ', '\n', '\\n', '\\t ', '\t', ''];
  const noise = ['=', "'", '{', '}', '$', '\\', ';', 'a', 'host'];
  let seed = 20261124;
  const random = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const pick = (from: string[]) => from[random(from.length)];
  let runs = 0;
  for (let i = 0; i < 30_000; i++) {
    let text = '';
    for (let n = random(7); n > 0; n--) text += random(6) === 0 ? pick(noise) : pick(keys) + pick(equals) + pick(values) + pick(blanks);
    const expected = REFERENCE.test(text);
    if (expected) runs++;
    assert.equal(hasHostDsnRun(text), expected, JSON.stringify(text));
  }
  // The generator reaches both answers often enough for the comparison to mean something.
  assert.ok(runs > 2000 && runs < 28_000, `${runs} of 30,000 texts held a run`);
});
