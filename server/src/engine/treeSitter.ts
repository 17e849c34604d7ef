// Tree-sitter grammars VS Code itself ships (@vscode/tree-sitter-wasm). WASM loads
// asynchronously, so the pipeline awaits `loadGrammars()` once; after that, parsing is synchronous.

import { setFlagsFromString } from 'node:v8';
import { Language, Parser, type Tree } from '@vscode/tree-sitter-wasm';
import type { GrammarName } from './types';

const languages = new Map<GrammarName, Language>();
const parsers = new Map<GrammarName, Parser>();
let loading: Promise<void> | undefined;

/**
 * Runs WebAssembly on V8's baseline code (Liftoff) only, for the whole process and its workers;
 * called by the CLI and the language server at start, before a grammar compiles. V8 otherwise
 * optimizes the grammars in the background: a CLI process waited for that at its exit (0.2–0.35 s
 * after a short scan, even under `process.exit`), and it took ~30 MB of the language server's
 * peak (10k files 175 → 145 MB, 100k files median 276 → 251 MB); edits and scans measured the same
 * within noise (README, Performance).
 */
export function baselineWebAssemblyOnly(): string {
  const flags = '--liftoff-only';
  setFlagsFromString(flags);
  return flags; // what else depends on V8's flags (codeCache.ts) names them by this
}

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

/** A parse may take this long, plus PARSE_BUDGET_MS_PER_CHAR for each character (100,000: 2.5 s; parsed in ~20 ms). */
const PARSE_BUDGET_MS = 500;
const PARSE_BUDGET_MS_PER_CHAR = 0.02;

/**
 * `parser.parse` within a time budget. tree-sitter's error recovery takes quadratic time on a long
 * run of what a grammar cannot read (a shell line `X=` and 8,000 `)` took 1.9 s, 100,000 five
 * minutes; Python `${a}` 4,000 times 0.8 s), and a scan or an editor must not stall on one file.
 * Null when the budget runs out: the detectors then read the file as they do without a grammar, and
 * the fixes offer nothing. Every tree-sitter parse goes through here.
 */
export function parseWithinBudget(parser: Parser, text: string, oldTree?: Tree): Tree | null {
  const deadline = performance.now() + PARSE_BUDGET_MS + text.length * PARSE_BUDGET_MS_PER_CHAR;
  return parser.parse(text, oldTree ?? null, { progressCallback: () => performance.now() > deadline });
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
