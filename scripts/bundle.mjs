// Bundles what the .vsix ships (run by `npm run package`, after `npm run build`): the language
// server and the CLI, each one file, so the package needs no node_modules but the few runtime
// modules esbuild cannot inline. `npm run build`'s tsc output (server/out/**) stays as it is:
// tests and the development fallback use it.
//   - better-sqlite3: a native addon, loaded lazily (engine/inspect/sqliteDriver.ts); shipped
//     with its `bindings` and `file-uri-to-path`.
//   - @vscode/tree-sitter-wasm: its loader finds tree-sitter.wasm next to itself and the
//     grammars are resolved by path (engine/treeSitter.ts); shipped as is (only the used .wasm).
//   - pg-native, cloudflare:sockets: optional, required by `pg` only when asked for.
//   - the TypeScript compiler: one file beside the bundles (bundle/typescript-compiler.js), required by
//     them, not a copy inlined in each: V8's cached code for it is kept per file
//     (engine/codeCache.ts), so the first JS/TS document opened loads it ~90 ms sooner.
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const COMPILER = '@ts-morph/common/dist/typescript.js';

/** Leaves the compiler's require to the file beside the bundle. */
const compilerBeside = {
  name: 'typescript-beside',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${COMPILER.replace(/[./]/g, '\\$&')}$`) }, () => ({ path: './typescript-compiler.js', external: true }));
  },
};

/** Modules left as `require` calls in the bundles; the first two ship in node_modules. */
export const EXTERNAL = ['better-sqlite3', '@vscode/tree-sitter-wasm', 'pg-native', 'cloudflare:sockets'];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: false,
  minify: true,
  keepNames: true,
  // jsonc-parser's `main` is a UMD build whose inner requires esbuild cannot follow; its ESM build bundles.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  plugins: [compilerBeside],
};

await Promise.all([
  build({ ...common, entryPoints: ['server/src/server/main.ts'], outfile: 'server/out/bundle/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'server/out/bundle/cli.js' }),
  // The scan's worker threads (engine/scanPool.ts) run this file from next to either bundle.
  build({ ...common, entryPoints: ['server/src/engine/scanWorker.ts'], outfile: 'server/out/bundle/scanWorker.js' }),
  build({ ...common, plugins: [], entryPoints: [createRequire(import.meta.url).resolve(COMPILER)], outfile: 'server/out/bundle/typescript-compiler.js' }),
]);
