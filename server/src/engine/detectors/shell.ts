// Shell scripts (tree-sitter-bash): assignments define env vars, expansions read them, and
// every word or string is searched for database literals. Comments are never looked at.

import type { Node as SyntaxNode, Parser } from '@vscode/tree-sitter-wasm';
import { ReferenceCollector } from '../collector';
import { analyzeValueText, joinMapped, mappedAt, recordLiterals, type MappedText } from '../mappedText';
import { mayHoldLiteral } from '../literals';
import { parserFor, parseWithinBudget } from '../treeSitter';
import type { Detector } from '../types';

// ---------------------------------------------------------------------------------------------
// Shell

/** Nodes that make up one shell word (an argument, an assignment's value). */
const WORD_NODES = new Set([
  'word', 'string', 'raw_string', 'ansi_c_string', 'translated_string', 'concatenation', 'number',
  'simple_expansion', 'expansion', 'heredoc_body',
]);

/** Expansion operators whose operand is the value used when the variable is unset (or empty). */
const DEFAULT_OPERATORS = new Set(['-', ':-', '=', ':=']);
/** Operators whose operand is an alternative value or an error message: plain text. */
const TEXT_OPERATORS = new Set(['+', ':+', '?', ':?']);

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

class ShellAnalysis {
  constructor(
    private readonly c: ReferenceCollector,
    private readonly source: string,
    private readonly offset: number,
    private readonly environment: string,
  ) {}

  statements(node: SyntaxNode): void {
    if (node.type === 'comment') return;
    if (node.type === 'variable_assignment') return this.assignment(node);
    if (node.type === 'declaration_command') return this.declaration(node);
    if (WORD_NODES.has(node.type)) return this.word(node);
    for (const child of node.namedChildren) if (child) this.statements(child);
  }

  /** `X=v`, `export X=v`, `local X=v`, `DB=x cmd`: a definition with the unquoted value. */
  private assignment(node: SyntaxNode): void {
    const name = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    if (name?.type === 'variable_name') {
      const raw = value ? this.unquoted(value).text : '';
      this.c.envDefine(name.text, this.at(name.startIndex), this.at(name.endIndex), raw, this.environment);
    } else if (name) {
      this.statements(name); // `a[$i]=x`: the subscript may expand vars
    }
    if (value) this.statements(value);
  }

  /** `export X` / `declare -x X` marks a var for export without a value. */
  private declaration(node: SyntaxNode): void {
    const keyword = node.child(0)?.type;
    const exports = keyword === 'export' || node.namedChildren.some((n) => n?.type === 'word' && /^-[a-zA-Z]*x/.test(n.text));
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'variable_name') {
        if (exports) this.c.envDefine(child.text, this.at(child.startIndex), this.at(child.endIndex), undefined, this.environment);
      } else if (!(child.type === 'word' && child.text.startsWith('-'))) {
        this.statements(child);
      }
    }
  }

  /** One word: its expansions are reads, its unquoted text is searched for literals. */
  private word(node: SyntaxNode, defaultOf?: string): void {
    const skip: Array<[number, number]> = [];
    this.expansions(node, skip);
    // The unquoted text is the source without its quotes: when even that holds no literal's
    // trigger, the mapped text need not be built (most words of a script).
    if (!mayHoldLiteral(this.source.slice(node.startIndex, node.endIndex).replace(/["']/g, ''))) return;
    recordLiterals(this.c, this.unquoted(node), { defaultOf, skip });
  }

  /** Records the reads inside a word; ranges analyzed separately go to `skip`. */
  private expansions(node: SyntaxNode, skip: Array<[number, number]>): void {
    switch (node.type) {
      case 'simple_expansion': {
        const name = node.namedChildren.find((n) => n?.type === 'variable_name');
        if (name && SHELL_NAME.test(name.text)) this.c.envRead(name.text, this.at(name.startIndex), this.at(name.endIndex));
        return;
      }
      case 'expansion':
        return this.expansion(node, skip);
      case 'command_substitution':
      case 'process_substitution':
      case 'arithmetic_expansion':
        skip.push([this.at(node.startIndex), this.at(node.endIndex)]);
        for (const child of node.namedChildren) if (child) this.statements(child);
        return;
      default:
        for (const child of node.namedChildren) if (child) this.expansions(child, skip);
    }
  }

  /** `${X}`, `${X:-default}`, `${#X}`, `${X/pat/rep}`: a read of X, plus its operand. */
  private expansion(node: SyntaxNode, skip: Array<[number, number]>): void {
    const children = node.children.filter((n): n is SyntaxNode => n !== null);
    const nameIndex = children.findIndex((n) => n.type === 'variable_name' || n.type === 'subscript');
    if (nameIndex < 0) return;
    const nameNode = children[nameIndex].type === 'subscript' ? children[nameIndex].childForFieldName('name') : children[nameIndex];
    const name = nameNode?.text ?? '';
    if (nameNode && SHELL_NAME.test(name)) this.c.envRead(name, this.at(nameNode.startIndex), this.at(nameNode.endIndex));
    const operator = children[nameIndex + 1];
    const operands = children.slice(nameIndex + 2).filter((n) => n.type !== '}');
    if (!operator || operands.length === 0) return;
    skip.push([this.at(operands[0].startIndex), this.at(operands[operands.length - 1].endIndex)]);
    // Pattern operators (`#`, `%`, `/`, ...) take globs, not values: nothing to find there.
    if (!DEFAULT_OPERATORS.has(operator.type) && !TEXT_OPERATORS.has(operator.type)) return;
    const defaultOf = DEFAULT_OPERATORS.has(operator.type) && SHELL_NAME.test(name) ? name : undefined;
    for (const operand of operands) {
      if (WORD_NODES.has(operand.type)) this.word(operand, defaultOf);
      else this.statements(operand);
    }
  }

  /** A word's text without its quotes, each character mapped to its file offset. */
  private unquoted(node: SyntaxNode): MappedText {
    const inner = (from: number, to: number) => mappedAt(this.source.slice(from, to), this.at(from));
    const closes = (quote: string) => this.source[node.endIndex - 1] === quote && node.endIndex - node.startIndex > 1;
    switch (node.type) {
      case 'string':
        return inner(node.startIndex + 1, closes('"') ? node.endIndex - 1 : node.endIndex);
      case 'raw_string':
        return inner(node.startIndex + 1, closes("'") ? node.endIndex - 1 : node.endIndex);
      case 'ansi_c_string':
        return inner(node.startIndex + 2, closes("'") ? node.endIndex - 1 : node.endIndex);
      case 'translated_string':
        return inner(node.startIndex + 2, closes('"') ? node.endIndex - 1 : node.endIndex);
      case 'concatenation':
        return joinMapped(node.children.filter((n): n is SyntaxNode => n !== null).map((n) => this.unquoted(n)));
      default:
        return inner(node.startIndex, node.endIndex);
    }
  }

  private at(index: number): number {
    return this.offset + index;
  }
}

/**
 * Analyzes `text` as a shell script that sits at `offset` in the file (a whole script, a
 * Dockerfile RUN, a CI `run:` block): assignments are definitions in `environment`.
 */
export function analyzeShellText(c: ReferenceCollector, text: string, offset: number, environment: string): void {
  if (!mayHoldShellReference(text)) return;
  const parser = bashParser();
  const tree = parser ? parseWithinBudget(parser, blankTemplateExpressions(text)) : null;
  if (!tree) {
    // No grammar (not loaded), or the parse ran past its budget: still report what the text shows, comments aside.
    if (parser) c.unparsed('bash');
    analyzeValueText(c, mappedAt(text.replace(/(^|\s)#.*/g, (m) => ' '.repeat(m.length)), offset));
    return;
  }
  try {
    new ShellAnalysis(c, text, offset, environment).statements(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** `export X`, and `declare -x X` / `typeset -rx X` (a flag word with an `x`): definitions without `=`. */
const EXPORT_WORD = /export|-[A-Za-z]*x/;

/**
 * False when a script certainly yields nothing, so bash need not parse it (most README fences,
 * `npm run build`): a definition needs `=` or an export, a read needs `$`, and a literal needs
 * one of its triggers in a word's unquoted text, which is a substring of the whole text's
 * unquoted text (ShellAnalysis.word).
 */
export function mayHoldShellReference(text: string): boolean {
  return text.includes('$') || text.includes('=') || EXPORT_WORD.test(text) || mayHoldLiteral(text.replace(/["']/g, ''));
}

function bashParser(): Parser | undefined {
  try {
    return parserFor('bash');
  } catch {
    return undefined;
  }
}

/**
 * `${{ expr }}` (GitHub Actions) is substituted before the shell runs and derails bash's
 * grammar; it is blanked for parsing only (same length), values are still read from `text`.
 */
function blankTemplateExpressions(text: string): string {
  return text.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => m.replace(/[^\n]/g, ' '));
}

export const detectShell: Detector = (file) => {
  const c = new ReferenceCollector(file);
  try {
    analyzeShellText(c, file.text, 0, file.path);
  } catch {
    return { references: [], tables: [] };
  }
  return c.result();
};
