// Bundles the extension client with esbuild: VS Code loads one file, and the client can import
// the protocol declarations from the server's sources without a second compiled copy.
import { build } from 'esbuild';

await build({
  entryPoints: ['client/src/extension.ts'],
  outfile: 'client/out/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: true,
  logLevel: 'warning',
});
