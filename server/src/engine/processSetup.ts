// What an entry point (the CLI's bin, the language server's main) does before anything else: V8's
// flags for tree-sitter's WebAssembly, then the TypeScript compiler's cached code, which depends
// on those flags.

import { cacheCompiledCode } from './codeCache';
import { typescriptCompilerFile } from './compilerFile';
import { baselineWebAssemblyOnly } from './treeSitter';

export function setUpProcess(): void {
  const flags = baselineWebAssemblyOnly();
  const compiler = typescriptCompilerFile();
  if (compiler) cacheCompiledCode([compiler], flags);
}
