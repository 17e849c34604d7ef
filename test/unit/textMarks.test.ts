// The offsets the detectors' walks use to pass over nodes that hold nothing (engine/textMarks.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdsMark, marksOf } from '../../server/src/engine/textMarks';

test('marks are the offsets of each match, in order; a span holds one when it starts at or before it and ends after it', () => {
  const marks = marksOf(`a = "x" + env + 'y'`, /['"]|env/g);
  assert.deepEqual([...marks], [4, 6, 10, 16, 18]);
  assert.equal(holdsMark(marks, 0, 4), false, 'the end is exclusive');
  assert.equal(holdsMark(marks, 0, 5), true);
  assert.equal(holdsMark(marks, 7, 10), false);
  assert.equal(holdsMark(marks, 10, 11), true, 'the start is inclusive');
  assert.equal(holdsMark(marks, 19, 40), false, 'past the last mark');
  assert.equal(holdsMark(marksOf('no marks here', /['"]/g), 0, 13), false);
});
