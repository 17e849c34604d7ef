// Shell fixes through tree-sitter-bash: a literal path becomes `"${DATABASE_PATH:-/app/data/zoe.db}"`
// (inside double quotes only the expansion goes in; a single-quoted or bare word is re-quoted).

import type { Node as SyntaxNode } from '@vscode/tree-sitter-wasm';
import { LineIndex } from '../lineIndex';
import { parserFor, parseWithinBudget } from '../treeSitter';
import { codeRewrite, retargetPath } from './target';
import type { Fix, FixInput } from './types';

export function shellFixes(input: FixInput): Fix[] {
  const { finding, text } = input;
  const rewrite = codeRewrite(finding, input.config);
  if (rewrite?.kind !== 'path') return []; // URLs in scripts: left for a person (which var holds the password?)
  const tree = parseWithinBudget(parserFor('bash'), text);
  if (!tree) return [];
  try {
    const index = new LineIndex(text);
    const start = index.offsetAt(finding.range.start);
    const end = index.offsetAt(finding.range.end);
    let node: SyntaxNode | null = tree.rootNode.descendantForIndex(start, end);
    while (node && !['string', 'raw_string', 'word', 'concatenation'].includes(node.type)) node = node.parent;
    if (!node) return [];
    const literal = text.slice(start, end);
    if (/[$`\\]/.test(literal)) return []; // already an expansion: nothing literal to replace safely
    const value = retargetPath(literal, rewrite.found, rewrite.targetFile);
    const expansion = `\${${rewrite.env}:-${value}}`;
    let edit: { start: number; end: number; newText: string };
    if (node.type === 'string') edit = { start, end, newText: expansion };
    else if (node.type === 'raw_string' && node.text === `'${literal}'`) edit = { start: node.startIndex, end: node.endIndex, newText: `"${expansion}"` };
    else if (node.type === 'raw_string') return [];
    else edit = { start, end, newText: `"${expansion}"` };
    return [{
      title: `Read ${rewrite.env} (default ${value})`,
      isPreferred: true,
      rule: finding.rule,
      edits: [{ path: finding.path, range: index.range(edit.start, edit.end), newText: edit.newText }],
    }];
  } finally {
    tree.delete();
  }
}
