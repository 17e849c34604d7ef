// Entry point: `node server/out/server/main.js --stdio` (any LSP client) or --node-ipc (VS Code).
// Under --stdio, stdout is the transport: nothing may print to it but the connection.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { setUpProcess } from '../engine/processSetup';
import { startServer } from './server';

// As the CLI's bin does: the first JS/TS document opened then loads the compiler from its cached code, ~90 ms sooner.
setUpProcess();

const connection = createConnection(ProposedFeatures.all);
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
startServer({ connection });
