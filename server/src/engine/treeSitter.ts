// Tree-sitter grammars VS Code itself ships (@vscode/tree-sitter-wasm). WASM loads
// asynchronously, so the pipeline awaits `loadGrammars()` once; after that, parsing is synchronous.

import { Language, Parser } from '@vscode/tree-sitter-wasm';

export type GrammarName = 'python' | 'bash' | 'ini';

const languages = new Map<GrammarName, Language>();
const parsers = new Map<GrammarName, Parser>();
let loading: Promise<void> | undefined;

/** Loads every grammar the detectors use; safe to call repeatedly. */
export function loadGrammars(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    for (const name of ['python', 'bash', 'ini'] as const) {
      const file = require.resolve(`@vscode/tree-sitter-wasm/wasm/tree-sitter-${name}.wasm`);
      languages.set(name, await Language.load(file));
    }
  })();
  return loading;
}

/** A parser for `name`; `loadGrammars()` must have completed. */
export function parserFor(name: GrammarName): Parser {
  let parser = parsers.get(name);
  if (!parser) {
    const language = languages.get(name);
    if (!language) throw new Error(`tree-sitter grammar '${name}' is not loaded: await loadGrammars() first`);
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(name, parser);
  }
  return parser;
}
