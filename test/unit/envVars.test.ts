import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDatabaseEnvVar } from '../../server/src/engine/envVars';

test('database vars', () => {
  for (const v of ['DATABASE_URL', 'DATABASE_PATH', 'DB_PATH', 'MEMORY_DB_PATH', 'CHAT_RAG_DATABASE_URL', 'POSTGRES_HOST',
    'POSTGRES_PASSWORD', 'POSTGRES_DB', 'PGHOST', 'PGDATABASE', 'MYSQL_ROOT_PASSWORD', 'MONGO_URI', 'MONGODB_URI', 'REDIS_URL',
    'REDIS_HOST', 'NEO4J_URI', 'DB_HOST', 'DB_NAME', 'SQLALCHEMY_DATABASE_URI']) {
    assert.equal(isDatabaseEnvVar(v), true, v);
  }
});

test('selectors, tuning knobs and API URLs are not database vars', () => {
  for (const v of ['DB_TYPE', 'DB_POOL_SIZE', 'REDIS_TTL', 'SUPABASE_URL', 'SENTRY_DSN', 'HOME', 'API_URL', 'DB_ECHO', 'PGDATA']) {
    assert.equal(isDatabaseEnvVar(v), false, v);
  }
});

test('vars the rules file names always count', () => {
  assert.equal(isDatabaseEnvVar('ZOE_STORE', new Set(['ZOE_STORE'])), true);
});
