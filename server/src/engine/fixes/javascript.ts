// JS/TS fixes through the TypeScript AST: the literal's enclosing expression (a string, a
// template, a `path.join(...)`, a `+` concatenation) becomes a read of the env var, with the
// target's path as the `??` default; a literal that already defaults another var is retargeted.

import { ts } from '../typescript';
import { scriptKindOf } from '../detectors/javascript';
import { LineIndex } from '../lineIndex';
import { envHoldsUrl, retargetedUrl, splitSqliteUrl } from './sqliteUrl';
import { codeRewrite, retargetPath } from './target';
import type { Fix, FixInput } from './types';

const JOINS = new Set(['path.join', 'path.resolve', 'join', 'resolve', 'path.posix.join']);

function innermost(sf: ts.SourceFile, start: number, end: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (n.getStart(sf) <= start && end <= n.getEnd()) {
      found = n;
      ts.forEachChild(n, visit);
    }
  };
  ts.forEachChild(sf, visit);
  return found;
}

const isStringish = (n: ts.Node) => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n);

/** `process.env.X` or `process.env['X']`: the node holding the name. */
function envReadName(n: ts.Node): ts.Node | undefined {
  if (ts.isPropertyAccessExpression(n) && n.expression.getText() === 'process.env') return n.name;
  if (ts.isElementAccessExpression(n) && n.expression.getText() === 'process.env' && ts.isStringLiteral(n.argumentExpression)) return n.argumentExpression;
  return undefined;
}

/** Where `a ?? b` may stand without parentheses. */
function needsParens(expr: ts.Node): boolean {
  const p = expr.parent;
  if (!p) return false;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.some((a) => a === expr)) return false;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isParameter(p) || ts.isBindingElement(p)) && p.initializer === expr) return false;
  if (ts.isReturnStatement(p) || ts.isArrayLiteralExpression(p) || ts.isExpressionStatement(p) || ts.isParenthesizedExpression(p)) return false;
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === expr) return false;
  return true;
}

/**
 * A whole SQLite URL string: `` `sqlite:///${process.env.DATABASE_PATH ?? '/app/data/zoe.db'}` ``, or
 * `process.env.DATABASE_URL ?? '<url>'` when the var holds a URL. Undefined for a shape it cannot
 * rewrite safely (escapes, a URL inside a larger expression, a default of another var).
 */
function sqliteUrlFix(input: FixInput, rewrite: { env: string; found: string | undefined; targetFile: string | undefined }, sf: ts.SourceFile, string: ts.Node, index: LineIndex): Fix[] {
  const { finding, text } = input;
  if (!ts.isStringLiteral(string) && !ts.isNoSubstitutionTemplateLiteral(string)) return [];
  const p = string.parent;
  if (ts.isBinaryExpression(p) || (ts.isCallExpression(p) && p.arguments.some((a) => a === string) && JOINS.has(p.expression.getText(sf)))) return [];
  const startAt = string.getStart(sf);
  const raw = text.slice(startAt + 1, string.getEnd() - 1);
  const parts = splitSqliteUrl(raw);
  if (!parts || raw !== string.text || /[\\`$'"]/.test(raw)) return [];
  const url = retargetedUrl(parts, rewrite.found, rewrite.targetFile);
  if (/[\\`$'"\r\n]/.test(url.path)) return [];
  const quote = text[startAt] === '"' ? '"' : "'";
  const env = rewrite.env;
  const byUrl = envHoldsUrl(env);
  let newText: string;
  if (byUrl) {
    const read = `process.env.${env} ?? ${quote}${url.prefix}${url.path}${url.query}${quote}`;
    newText = needsParens(string) ? `(${read})` : read;
  } else {
    newText = `\`${url.prefix}\${process.env.${env} ?? ${quote}${url.path}${quote}}${url.query}\``;
  }
  const title = byUrl ? `Read ${env} (default ${url.prefix}${url.path})` : `Build the URL from ${env} (default ${url.path})`;
  return [{ title, isPreferred: true, rule: finding.rule, edits: [{ path: finding.path, range: index.range(startAt, string.getEnd()), newText }] }];
}

/** How many syntax errors the TypeScript parser finds (fixes/parses.ts, through lazyJavaScript.ts). */
export function javascriptSyntaxErrors(path: string, text: string): number {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKindOf(path));
  return (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
}

export function javascriptFixes(input: FixInput): Fix[] {
  const { finding, text } = input;
  const rewrite = codeRewrite(finding, input.config);
  if (!rewrite) return [];
  const sf = ts.createSourceFile(finding.path, text, ts.ScriptTarget.Latest, true, scriptKindOf(finding.path));
  const index = new LineIndex(text);
  const start = index.offsetAt(finding.range.start);
  const end = index.offsetAt(finding.range.end);
  let node = innermost(sf, start, end);
  while (node && !isStringish(node)) node = node.parent;
  if (!node) return [];
  const string = node;
  if (rewrite.kind === 'sqlite-url' || (rewrite.kind === 'path' && /^sqlite(\+\w+)?:/.test(ts.isTemplateExpression(string) ? '' : (string as ts.StringLiteral).text))) {
    // A SQLite URL (`sqlite:data/x.db` reads as a path too): the URL keeps its form, or no fix.
    return sqliteUrlFix(input, rewrite, sf, string, index);
  }
  let expr: ts.Node = string;
  for (;;) {
    const p = expr.parent;
    if (ts.isCallExpression(p) && p.arguments.some((a) => a === expr) && JOINS.has(p.expression.getText(sf))) expr = p;
    else if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.PlusToken) expr = p;
    else break;
  }
  // A URL assembled by `+` (`'sqlite:///' + 'data/x.db'`) is no path: a person decides.
  if (/^['"`]sqlite(\+\w+)?:/.test(expr.getText(sf))) return [];
  // Already the default of an env read (`process.env.OTHER ?? 'x'`, `|| 'x'`).
  const p = expr.parent;
  const envName = p && ts.isBinaryExpression(p) && p.right === expr && (p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || p.operatorToken.kind === ts.SyntaxKind.BarBarToken) ? envReadName(p.left) : undefined;
  const literal = text.slice(start, end);
  const edits: Array<{ start: number; end: number; newText: string }> = [];
  let title: string;
  if (rewrite.kind === 'path') {
    const value = retargetPath(literal, rewrite.found, rewrite.targetFile);
    const dflt = text.slice(expr.getStart(sf), start) + value + text.slice(end, expr.getEnd());
    if (envName && p && ts.isBinaryExpression(p)) {
      edits.push({ start: p.left.getStart(sf), end: p.left.getEnd(), newText: `process.env.${rewrite.env}` });
      if (value !== literal) edits.push({ start, end, newText: value });
    } else {
      const read = `process.env.${rewrite.env} ?? ${dflt}`;
      edits.push({ start: expr.getStart(sf), end: expr.getEnd(), newText: needsParens(expr) ? `(${read})` : read });
    }
    title = `Read ${rewrite.env} (default ${value.includes('${') ? value.slice(value.lastIndexOf('/') + 1) : value})`;
  } else {
    const target = envName && p ? p : expr;
    const read = rewrite.keepDefault ? `process.env.${rewrite.env} ?? ${text.slice(expr.getStart(sf), expr.getEnd())}` : `process.env.${rewrite.env}`;
    edits.push({ start: target.getStart(sf), end: target.getEnd(), newText: rewrite.keepDefault && needsParens(target) ? `(${read})` : read });
    title = rewrite.keepDefault ? `Read ${rewrite.env}, keeping this URL as its default` : `Read ${rewrite.env} from the environment`;
  }
  return [{ title, isPreferred: true, rule: finding.rule, edits: edits.map((e) => ({ path: finding.path, range: index.range(e.start, e.end), newText: e.newText })) }];
}
