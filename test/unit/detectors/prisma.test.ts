import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectPrisma } from '../../../server/src/engine/detectors/prisma';
import type { DbReference, TableReference } from '../../../server/src/engine/types';
import { summaryWithEngine } from '../../helpers/references';

/** [schema.name, line, startChar, endChar] of each table (all Prisma tables are declarations). */
function tableSummary(tables: TableReference[]): Array<[string, number, number, number]> {
  for (const t of tables) assert.equal(t.form, 'prisma');
  for (const t of tables) assert.equal(t.declaration, true);
  return tables.map((t) => [t.schema ? `${t.schema}.${t.name}` : t.name, t.range.start.line, t.range.start.character, t.range.end.character]);
}

test('a multi-schema Postgres datasource: env reads, schema names, models with @@map and @@schema', () => {
  const text = [
    '// DATABASE_URL used to be env("LEGACY_DATABASE_URL")',
    'datasource db {',
    '  provider          = "postgresql"',
    '  url               = env("DATABASE_URL")',
    '  directUrl         = env( "DIRECT_URL" )',
    '  shadowDatabaseUrl = env("SHADOW_DATABASE_URL") // migrations only',
    '  schemas           = ["auth", "rag"]',
    '}',
    '',
    'generator client {',
    '  provider        = "prisma-client-js"',
    '  previewFeatures = ["multiSchema"]',
    '}',
    '',
    '/// A user. @@map("not_this")',
    'model User {',
    '  id    Int    @id @default(autoincrement())',
    '  email String @unique @map("email_address")',
    '',
    '  @@map("users")',
    '  @@schema("auth")',
    '}',
    '',
    'model RagDocument {',
    '  id Int @id',
    '  @@schema("rag")',
    '}',
    '',
    'enum Role {',
    '  USER',
    '  @@map("role")',
    '  @@schema("auth")',
    '}',
    '',
    'view ActiveUser {',
    '  id Int @unique',
    '  @@map(name: "active_users")',
    '}',
  ].join('\n');
  const { references, tables } = detectPrisma({ path: 'prisma/schema.prisma', text });
  assert.deepEqual(summaryWithEngine(references), [
    ['env-read', 'DATABASE_URL', 'unknown', 3, 27, 3, 39],
    ['env-read', 'DIRECT_URL', 'unknown', 4, 28, 4, 38],
    ['env-read', 'SHADOW_DATABASE_URL', 'unknown', 5, 27, 5, 46],
    ['db-name', 'auth', 'postgres', 6, 24, 6, 28],
    ['db-name', 'rag', 'postgres', 6, 32, 6, 35],
  ]);
  assert.deepEqual(tableSummary(tables), [
    ['auth.users', 19, 9, 14],
    ['rag.RagDocument', 23, 6, 17],
    ['active_users', 36, 15, 27],
  ]);
});

test('literal URLs in the datasource are connection strings with masked passwords; SQLite file: URLs are paths', () => {
  const text = [
    'datasource db {',
    '  provider = "mysql"',
    '  url      = "mysql://root:hunter2@db:3306/shop"',
    '}',
    'datasource local {',
    '  provider = "sqlite"',
    '  url      = "file:./dev.db"',
    '}',
    'model Order {',
    '  id   Int    @id',
    '  note String @default("see mysql://x:y@h/other // not a comment")',
    '}',
  ].join('\n');
  const { references, tables } = detectPrisma({ path: 'schema.prisma', text });
  assert.deepEqual(summaryWithEngine(references), [
    ['connection-url', 'shop', 'mysql', 2, 14, 2, 47],
    ['sqlite-path', 'dev.db', 'sqlite', 6, 19, 6, 27],
  ]);
  assert.equal(references[0].value, 'mysql://root:***@db:3306/shop');
  assert.equal(references[0].credentials, true);
  assert.ok(!JSON.stringify(references).includes('hunter2'));
  assert.deepEqual(tableSummary(tables), [['Order', 8, 6, 11]]);
});

test('comments are never references: commented blocks, fields and env() calls', () => {
  const text = [
    '// datasource old {',
    '//   provider = "sqlite"',
    '//   url = env("OLD_DB_PATH")',
    '// }',
    '/// model Ghost {',
    '///   @@map("ghosts")',
    '/// }',
    'datasource db {',
    '  provider = "postgresql" // was "sqlite"',
    '  // url = "postgresql://u:p@h/commented"',
    '  url = env("DATABASE_URL")',
    '}',
  ].join('\n');
  const { references, tables } = detectPrisma({ path: 'schema.prisma', text });
  assert.deepEqual(summaryWithEngine(references), [['env-read', 'DATABASE_URL', 'unknown', 10, 13, 10, 25]]);
  assert.deepEqual(tables, []);
});
