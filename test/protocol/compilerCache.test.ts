// The language server (the tsc output, as tests and the development fallback run it) loads the
// TypeScript compiler from its cached code, as the CLI does: written at the first server's exit,
// used by the next. The shipped bundle's server is checked in test/unit/package.test.ts.

import { test } from 'node:test';
import { SERVER_MAIN } from '../helpers/lspClient';
import { checkServerCachesCompilerCode } from '../helpers/compilerCache';

test('the server writes the compiler\'s compiled code at exit once a TS document loaded it, and the next server uses it', async () => {
  await checkServerCachesCompilerCode(SERVER_MAIN);
});
