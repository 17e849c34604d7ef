// literals.ts's libpq DSN runs, found by a walk that skips the keys inside a failed pair's value,
// against the one regex they replace (kept here as the reference): the same runs at the same
// offsets on chosen texts and on 30,000 seeded random ones; and a long query string in linear time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { libpqRuns } from '../../server/src/engine/literals';
import { runWithinLimit } from '../helpers/childScript';

const REFERENCE = /(?<![\w-])([a-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s'"]+)(?:\s+([a-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s'"]+))+/g;
const reference = (text: string) => [...text.matchAll(REFERENCE)].map((m): [number, string] => [m.index, m[0]]);

test('chosen texts: the runs the regex found, where it found them', () => {
  const cases = [
    'psql "host=db port=5432 dbname=mobius user=app password=secret"',
    "x='host=a dbname=b'",
    "a=b=' x' dbname=y",
    'a=b= \'x\' dbname=y',
    'a=bkey =x dbname=y',
    'a=1&b=2&c=3 dbname=z',
    'a=1&b=2&c= dbname=z',
    'url=https://h/p?a=1&b=2',
    "host='a b' dbname='c\\'d' user=u",
    'k=v\n\tdbname=x',
    '',
  ];
  for (const text of cases) assert.deepEqual(libpqRuns(text), reference(text), JSON.stringify(text));
  assert.deepEqual(libpqRuns('a=bkey =x dbname=y'), [[2, 'bkey =x dbname=y']]);
});

test('30,000 seeded random texts: the same runs as the regex', () => {
  const pieces = ['a', 'b', '_', 'db', '=', '=', ' ', ' ', '\n', "'", '"', '\\', '-', '&', ',', 'x1', 'dbname=', 'host=', ' port=5', "'q'"];
  let seed = 20261124;
  const random = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  let found = 0;
  for (let i = 0; i < 30_000; i++) {
    let text = '';
    for (let n = random(16); n > 0; n--) text += pieces[random(pieces.length)];
    const expected = reference(text);
    if (expected.length > 0) found++;
    assert.deepEqual(libpqRuns(text), expected, JSON.stringify(text));
  }
  assert.ok(found > 2000 && found < 28_000, `${found} of 30,000 texts held a run`);
});

test('a 400,000-character query string is read in linear time (in a child, with a time limit)', () => {
  const literals = path.resolve(__dirname, '../../server/out/engine/literals.js');
  const script = `const { findLiterals } = require(${JSON.stringify(literals)}); console.log(findLiterals('"' + 'a=1&'.repeat(100000) + '" host=db dbname=app').map((l) => l.target).join());`;
  assert.equal(runWithinLimit(script, 20_000, 'the DSN search is quadratic again').trim(), 'app');
});
