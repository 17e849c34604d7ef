// Which server module the extension starts (the bundle in a .vsix, tsc's output in development)
// and how it reads dbAudit.server.runtime.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUNDLED_SERVER, COMPILED_SERVER, serverEnvironment, serverModulePath, serverRuntime } from '../../client/src/serverModule';

test('a packaged extension starts the bundle; without one, the compiled server', () => {
  assert.equal(serverModulePath(() => true, false), BUNDLED_SERVER);
  assert.equal(serverModulePath((f) => f === COMPILED_SERVER, false), COMPILED_SERVER);
});

test('in development the compiled server wins over a bundle left from an earlier package', () => {
  assert.equal(serverModulePath(() => true, true), COMPILED_SERVER);
  assert.equal(serverModulePath((f) => f === BUNDLED_SERVER, true), BUNDLED_SERVER);
});

test('when neither exists, the expected path is returned so the error names it', () => {
  assert.equal(serverModulePath(() => false, false), BUNDLED_SERVER);
});

test('dbAudit.server.runtime: empty, blank or junk means VS Code\'s own Node', () => {
  for (const v of [undefined, null, '', '   ', 42, {}]) assert.equal(serverRuntime(v), undefined);
  assert.equal(serverRuntime(' /usr/bin/node '), '/usr/bin/node');
});

test('the server runs with the extension host\'s environment, two malloc arenas and a fixed mmap threshold, unless the user chose numbers', () => {
  const env = serverEnvironment({ PATH: '/usr/bin', DB_AUDIT_X: '1' });
  assert.deepEqual(env, { PATH: '/usr/bin', DB_AUDIT_X: '1', MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' });
  assert.equal(serverEnvironment({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX, '8');
  assert.equal(serverEnvironment({ MALLOC_MMAP_THRESHOLD_: '65536' }).MALLOC_MMAP_THRESHOLD_, '65536');
});
