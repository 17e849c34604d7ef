import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseCache, pointAt, textChange } from '../../server/src/engine/parseCache';

test('textChange: the one range between the common prefix and suffix', () => {
  assert.equal(textChange('abc', 'abc'), undefined);
  assert.deepEqual(textChange('a = 1\n', 'a = 12\n'), { start: 5, oldEnd: 5, newEnd: 6 });
  assert.deepEqual(textChange('aa', 'aaa'), { start: 2, oldEnd: 2, newEnd: 3 });
  assert.deepEqual(textChange('x = "a.db"', 'x = "b.db"'), { start: 5, oldEnd: 6, newEnd: 6 });
  assert.deepEqual(textChange('', 'new'), { start: 0, oldEnd: 0, newEnd: 3 });
  assert.deepEqual(textChange('gone', ''), { start: 0, oldEnd: 4, newEnd: 0 });
});

test('textChange never splits a surrogate pair', () => {
  // 😀 and 😁 share their high surrogate: the range starts before it.
  assert.deepEqual(textChange('a😀b', 'a😁b'), { start: 1, oldEnd: 3, newEnd: 3 });
  // 😀 and 🈀 share their low surrogate: the range ends after it.
  assert.deepEqual(textChange('a😀b', 'a🈀b'), { start: 1, oldEnd: 3, newEnd: 3 });
});

test('textChange: replacing the range turns the old text into the new one', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'b', '\n', '😀', 'é', ' ') , maxLength: 600 });
  fc.assert(
    fc.property(text, text, (before, after) => {
      const c = textChange(before, after);
      if (!c) return before === after;
      assert.equal(before.slice(0, c.start) + after.slice(c.start, c.newEnd) + before.slice(c.oldEnd), after);
      assert.ok(c.start <= c.oldEnd && c.start <= c.newEnd);
      return true;
    }),
  );
});

test('pointAt: zero-based row and column in UTF-16 code units', () => {
  const text = 'ab\n😀c\n\nd';
  assert.deepEqual(pointAt(text, 0), { row: 0, column: 0 });
  assert.deepEqual(pointAt(text, 2), { row: 0, column: 2 });
  assert.deepEqual(pointAt(text, 3), { row: 1, column: 0 });
  assert.deepEqual(pointAt(text, 6), { row: 1, column: 3 });
  assert.deepEqual(pointAt(text, text.length), { row: 3, column: 1 });
});

function cache(capacity: number, maxSize: number, disposed: string[]) {
  return new ParseCache<string>({ capacity, maxSize, size: (e) => e.length, dispose: (e) => disposed.push(e) });
}

test('ParseCache: least recently used entries beyond the bounds are disposed; take hands an entry over', () => {
  const disposed: string[] = [];
  const c = cache(2, 100, disposed);
  c.put('a', 'A1');
  c.put('b', 'B1');
  c.put('c', 'C1'); // over capacity: a goes
  assert.deepEqual(disposed, ['A1']);
  assert.equal(c.take('a'), undefined);
  assert.equal(c.take('b'), 'B1'); // the caller owns it now
  assert.equal(c.size, 1);
  c.put('b', 'B2');
  c.put('b', 'B3'); // a replaced entry is disposed
  assert.deepEqual(disposed, ['A1', 'B2']);
  c.clear();
  assert.deepEqual(disposed.sort(), ['A1', 'B2', 'B3', 'C1']);
  assert.equal(c.size, 0);
});

test('ParseCache: bounded by total size; an entry larger than the bound is not kept', () => {
  const disposed: string[] = [];
  const c = cache(8, 10, disposed);
  c.put('a', 'aaaa');
  c.put('b', 'bbbb');
  c.put('c', 'cccc'); // 12 > 10: the oldest goes
  assert.deepEqual(disposed, ['aaaa']);
  c.put('d', 'x'.repeat(11));
  assert.deepEqual(disposed, ['aaaa', 'x'.repeat(11)]);
  assert.ok(c.has('b') && c.has('c') && !c.has('d'));
});

test('ParseCache.seenBefore: true for a path noted among the recent ones, which are bounded', () => {
  const c = cache(8, 100, []);
  assert.equal(c.seenBefore('x.py'), false);
  assert.equal(c.seenBefore('x.py'), true);
  for (let i = 0; i < 100; i++) c.seenBefore(`scan/${i}.py`);
  assert.equal(c.seenBefore('x.py'), false, 'a scan of many files pushes a path out');
  assert.equal(c.seenBefore('scan/99.py'), true);
});
