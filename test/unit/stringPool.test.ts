// The string pool (engine/stringPool.ts) gives back an equal string, keeps one per value, and
// starts over past its bound without changing any value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringPool } from '../../server/src/engine/stringPool';

test('equal strings come back as the first one seen; optional strings stay undefined', () => {
  const pool = new StringPool();
  const parts = ['users', 'orders', 'users', `us${'ers'}`, 'rag_tasks belongs in schema rag', 'orders'];
  assert.deepEqual(parts.map((p) => pool.intern(p)), parts);
  assert.deepEqual(pool.strings(), ['users', 'orders', 'rag_tasks belongs in schema rag']);
  assert.equal(pool.maybe(undefined), undefined);
  assert.equal(pool.maybe('orders'), 'orders');
  assert.equal(pool.strings().length, 3);
});

test('past its bound the pool starts over, and values are still the same', () => {
  const pool = new StringPool();
  const many = Array.from({ length: 200_001 }, (_, i) => `message ${i}`);
  for (const s of many) assert.equal(pool.intern(s), s);
  assert.ok(pool.strings().length < many.length, `${pool.strings().length} held`);
  assert.deepEqual(pool.strings(), ['message 200000']);
});
