// "Offered only if the file still parses": the same parser the detector used, and never more
// syntax errors after the fix than before it (a file already broken elsewhere can still be fixed).

import * as jsonc from 'jsonc-parser';
import { fileTypeOf } from '../detectors';
import { javascriptSyntaxErrors } from './lazyJavaScript';
import { parseAllDocuments } from 'yaml';
import { parserFor, parseWithinBudget } from '../treeSitter';
import type { GrammarName } from '../types';

function treeSitterErrors(grammar: GrammarName, text: string): number {
  const tree = parseWithinBudget(parserFor(grammar), text);
  if (!tree) return Number.MAX_SAFE_INTEGER;
  try {
    let n = 0;
    const stack = [tree.rootNode];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (!node.hasError) continue;
      if (node.isError || node.isMissing) n++;
      for (const c of node.children) if (c) stack.push(c);
    }
    return n;
  } finally {
    tree.delete();
  }
}

/** How many syntax errors `text` has for the parser of `path`'s file type (0 for plain text). */
export function syntaxErrors(path: string, text: string): number {
  switch (fileTypeOf(path)) {
    case 'python':
      return treeSitterErrors('python', text);
    case 'shell':
      return treeSitterErrors('bash', text);
    case 'javascript':
      return javascriptSyntaxErrors(path, text);
    case 'json': {
      const errors: jsonc.ParseError[] = [];
      jsonc.parse(text, errors, { allowTrailingComma: true });
      return errors.length;
    }
    case 'yaml':
      return parseAllDocuments(text, { prettyErrors: false }).reduce((n, d) => n + d.errors.length, 0);
    default:
      return 0;
  }
}

/** True when the edit left the file parsing at least as well as before (not when its parse ran past the budget: unknown). */
export function stillParses(path: string, before: string, after: string): boolean {
  const errors = syntaxErrors(path, after);
  return errors !== Number.MAX_SAFE_INTEGER && errors <= syntaxErrors(path, before);
}
