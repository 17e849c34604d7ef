// Which server the extension starts, and under which Node. A packaged .vsix holds only the
// esbuild bundle (server/out/bundle/server.js); a development checkout has tsc's output, which is
// fresher than a bundle left over from an earlier `npm run package`.

import * as path from 'node:path';

export const BUNDLED_SERVER = path.join('server', 'out', 'bundle', 'server.js');
export const COMPILED_SERVER = path.join('server', 'out', 'server', 'main.js');

/** The server module, relative to the extension root: the bundle first, tsc's output first in development. */
export function serverModulePath(exists: (relative: string) => boolean, development: boolean): string {
  const order = development ? [COMPILED_SERVER, BUNDLED_SERVER] : [BUNDLED_SERVER, COMPILED_SERVER];
  return order.find(exists) ?? order[0];
}

/** `dbAudit.server.runtime`: a `node` executable to run the server with; undefined means VS Code's own. */
export function serverRuntime(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The server's environment: the extension host's, with glibc's malloc limited to two arenas.
 * Each thread that allocates (the scan's worker, libuv's pool, V8's helpers) otherwise gets an
 * arena of its own that keeps its freed memory: at 100k files the server peaked at 1,018 MB
 * RSS with the default and 711 MB with two (README, Performance). And blocks of 128 KiB or more
 * are always mapped on their own, so freeing them returns them to the system: by default glibc
 * raises that threshold to the largest block freed (up to 32 MB), after which the scan worker's
 * large transient blocks stayed in the arenas after it ended (~40 MB at 100k files). Other C
 * libraries ignore both.
 */
export function serverEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, MALLOC_ARENA_MAX: base.MALLOC_ARENA_MAX ?? '2', MALLOC_MMAP_THRESHOLD_: base.MALLOC_MMAP_THRESHOLD_ ?? '131072' };
}
