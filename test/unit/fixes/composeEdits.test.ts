// Passes of edits composed into one edit set against the original text: the same result as
// applying the passes one after another, and each change labelled with its rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits, applyOffsetEdits } from '../../../server/src/engine/fixes/edits';
import { EditComposer } from '../../../server/src/engine/fixes/composeEdits';
import type { RuleId } from '../../../server/src/engine/types';

test('an edit of a later pass inside an earlier change merges with it; others stay separate and minimal', () => {
  const original = 'a = "auth.db"\nb = 1\n';
  const c = new EditComposer(original);
  c.apply([{ start: 4, end: 13, newText: 'os.getenv("X", "zoe.db")', rules: ['legacy-database'] }, { start: 0, end: 0, newText: 'import os\n', rules: ['legacy-database'] }]);
  // Pass 2 (offsets in the pass-1 text): rename X inside the first change, and change `1` on line 2.
  const pass1 = c.text();
  const x = pass1.indexOf('"X"');
  const one = pass1.lastIndexOf('1');
  c.apply([{ start: x, end: x + 3, newText: '"DATABASE_PATH"', rules: ['legacy-env-var'] }, { start: one, end: one + 1, newText: '2', rules: ['hardcoded-database-path'] }]);
  assert.equal(c.text(), 'import os\na = os.getenv("DATABASE_PATH", "zoe.db")\nb = 2\n');
  const edits = c.edits();
  assert.deepEqual(edits.map((e) => [e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.newText, e.rules]), [
    [0, 0, 0, 0, 'import os\n', ['legacy-database']],
    [0, 4, 0, 13, 'os.getenv("DATABASE_PATH", "zoe.db")', ['legacy-database', 'legacy-env-var']],
    [1, 4, 1, 5, '2', ['hardcoded-database-path']],
  ]);
  assert.equal(applyEdits(original, edits), c.text());
});

/** Random passes of non-overlapping edits over a random text. */
const passes = fc.tuple(
  fc.string({ minLength: 0, maxLength: 40 }),
  fc.array(fc.array(fc.tuple(fc.nat(), fc.nat(5), fc.string({ maxLength: 6 }), fc.constantFrom<RuleId>('legacy-database', 'prefixed-table')), { maxLength: 5 }), { minLength: 1, maxLength: 4 }),
);

test('property: composed edits applied to the original equal the passes applied in turn', () => {
  fc.assert(fc.property(passes, ([original, raw]) => {
    const c = new EditComposer(original);
    let text = original;
    for (const pass of raw) {
      // Turn random numbers into sorted, non-overlapping edits of the current text (inserts at distinct points).
      const edits: Array<{ start: number; end: number; newText: string; rules: RuleId[] }> = [];
      let floor = 0;
      for (const [at, len, newText, rule] of [...pass].sort((a, b) => a[0] - b[0])) {
        if (text.length < floor) break;
        const start = floor + (at % (text.length - floor + 1));
        const end = Math.min(text.length, start + len);
        if (edits.some((e) => e.start === start && e.end === start) && end === start) continue;
        edits.push({ start, end, newText, rules: [rule] });
        floor = end + 1;
      }
      text = applyOffsetEdits(text, edits);
      c.apply(edits);
      assert.equal(c.text(), text);
    }
    const composed = c.edits();
    assert.equal(applyEdits(original, composed), text);
    // Non-overlapping and sorted: each edit ends before the next starts.
    for (let i = 1; i < composed.length; i++) {
      const a = composed[i - 1].range.end;
      const b = composed[i].range.start;
      assert.ok(a.line < b.line || (a.line === b.line && a.character <= b.character));
    }
  }), { numRuns: 500 });
});
