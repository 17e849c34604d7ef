#!/usr/bin/env node
'use strict';
// `db-audit-lsp`: the language server for any LSP client (Neovim, Helix, Emacs, Sublime...).
// It speaks over stdio unless told otherwise (--node-ipc, --socket=PORT, --pipe=NAME).
const transports = ['--stdio', '--node-ipc', '--socket', '--pipe'];
if (!process.argv.slice(2).some((a) => transports.some((t) => a === t || a.startsWith(`${t}=`)))) process.argv.push('--stdio');
require('../out/server/main');
