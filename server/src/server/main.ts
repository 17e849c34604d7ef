// Entry point: `node server/out/server/main.js --stdio` (any LSP client) or --node-ipc (VS Code).
// Under --stdio, stdout is the transport: nothing may print to it but the connection.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { cacheCompiledCode } from '../engine/codeCache';
import { typescriptCompilerFile } from '../engine/compilerFile';
import { baselineWebAssemblyOnly } from '../engine/treeSitter';
import { startServer } from './server';

const flags = baselineWebAssemblyOnly();
// The first JS/TS document opened loads the compiler: from its cached code, ~90 ms sooner (codeCache.ts).
const compiler = typescriptCompilerFile();
if (compiler) cacheCompiledCode([compiler], flags);

const connection = createConnection(ProposedFeatures.all);
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
startServer({ connection });
