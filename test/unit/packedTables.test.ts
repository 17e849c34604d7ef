// Packed tables (engine/packedTables.ts) give back exactly the tables the detectors made: same
// values, same properties in the same order, schema present only where written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeFile } from '../../server/src/engine/detectors';
import { PackedAnalysis, packTables, tableCount, unpackTables } from '../../server/src/engine/packedTables';
import type { TableReference } from '../../server/src/engine/types';

const FORMS = ['sql', 'sqlalchemy', 'alembic', 'prisma', 'django', 'orm'] as const;

const tableArb = fc.record({
  name: fc.string(),
  schema: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
  form: fc.constantFrom(...FORMS),
  declaration: fc.boolean(),
  start: fc.tuple(fc.nat(1_000_000), fc.nat(100_000)),
  end: fc.tuple(fc.nat(1_000_000), fc.nat(100_000)),
}).map(({ name, schema, form, declaration, start, end }): TableReference => ({
  path: 'db/x.sql',
  range: { start: { line: start[0], character: start[1] }, end: { line: end[0], character: end[1] } },
  name,
  ...(schema !== undefined ? { schema } : {}),
  form,
  declaration,
}));

test('any tables survive packing: values, key order, schema only where written', () => {
  fc.assert(fc.property(fc.array(tableArb, { maxLength: 40 }), (tables) => {
    const back = unpackTables('db/x.sql', packTables(tables));
    assert.deepEqual(back, tables);
    assert.equal(JSON.stringify(back), JSON.stringify(tables));
  }));
});

test('packed numbers are 32-bit and survive a worker\'s post (a structured clone) up to the largest line and column', () => {
  const big = 2 ** 31 - 1; // an LSP position is a 32-bit unsigned value; files under the size cap stay far below
  const tables: TableReference[] = [{ path: 'db/x.sql', range: { start: { line: big, character: 0 }, end: { line: big, character: big } }, name: 't', form: 'orm', declaration: true }];
  const packed = packTables(tables);
  assert.ok(packed.numbers instanceof Int32Array);
  assert.deepEqual(unpackTables('db/x.sql', structuredClone(packed)), tables);
  fc.assert(fc.property(fc.array(tableArb, { maxLength: 40 }), (ts) => {
    assert.deepEqual(unpackTables('db/x.sql', structuredClone(packTables(ts))), ts);
  }));
});

test('a detector\'s tables survive packing, and a packed analysis reads and serializes as the plain one', () => {
  const text = [
    'CREATE TABLE rag.documents (id int);',
    'CREATE TABLE rag_chunks (id int);',
    'SELECT * FROM users JOIN public.orders ON users.id = orders.user_id;',
  ].join('\n');
  const analysis = analyzeFile({ path: 'db/schema.sql', text });
  assert.ok(analysis.tables.length >= 4 && analysis.tables.some((t) => t.schema) && analysis.tables.some((t) => !('schema' in t)), JSON.stringify(analysis.tables));
  const packed = new PackedAnalysis('db/schema.sql', analysis.references, packTables(analysis.tables));
  assert.equal(tableCount(packed), analysis.tables.length);
  assert.equal(tableCount(analysis), analysis.tables.length);
  assert.deepEqual(packed.tables, analysis.tables);
  assert.equal(JSON.stringify(packed), JSON.stringify(analysis));
  assert.deepEqual(Object.keys(packed), ['references'], 'nothing else enumerable');
});
