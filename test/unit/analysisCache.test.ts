// The per-file analysis cache: content-addressed, and bounded per path so an editing session
// (a new text per keystroke) does not grow it without end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisCache } from '../../server/src/engine/audit';

const version = (n: number) => `import sqlite3\nconn = sqlite3.connect("/app/data/auth.db")  # edit ${n}\n`;

test('the same text of the same path is analyzed once', () => {
  const cache = new AnalysisCache();
  const a = cache.analyze('svc/a.py', version(1));
  assert.equal(cache.analyze('svc/a.py', version(1)), a);
  assert.equal(a.references[0].target, 'auth.db');
  assert.equal(cache.size, 1);
});

test('a path keeps the analyses of its two latest texts; older versions are dropped', () => {
  const cache = new AnalysisCache();
  for (let n = 0; n < 50; n++) cache.analyze('svc/a.py', version(n));
  cache.analyze('svc/b.py', version(0));
  assert.equal(cache.size, 3);
  const latest = cache.analyze('svc/a.py', version(49));
  assert.equal(cache.analyze('svc/a.py', version(48)) !== undefined, true);
  assert.equal(cache.analyze('svc/a.py', version(49)), latest, 'the latest two stay cached');
  assert.deepEqual(cache.used().map(([, a]) => a !== undefined), [true, true, true], 'used() lists only what is held');
});
