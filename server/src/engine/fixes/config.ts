// Configuration files (.env, compose, Dockerfile, INI, TOML): literal values are where paths
// and URLs belong, so a legacy value is retargeted to the target database in place. A compose
// volume that would mount the target twice is removed instead of duplicated.

import { LineIndex } from '../lineIndex';
import { retargetPath, retargetUrl, targetSpec } from './target';
import type { Fix, FixEdit, FixInput } from './types';

function volumeLineFix(input: FixInput, index: LineIndex, lineStart: number, lineEnd: number, retarget: (v: string) => string): FixEdit[] | undefined {
  const { text, finding } = input;
  const line = text.slice(lineStart, lineEnd);
  const m = /^(\s*-\s*)(["']?)([^"'\s:]+):([^"'\s:]+)(:[a-z,]+)?\2\s*$/.exec(line.replace(/\r$/, ''));
  if (!m) return undefined;
  const item = `${retarget(m[3])}:${retarget(m[4])}`;
  // The other items of the same list: lines with the same indentation around this one.
  const lines = text.split('\n');
  const at = index.positionAt(lineStart).line;
  const same = (l: string | undefined) => l !== undefined && l.startsWith(m[1]);
  let a = at;
  while (a > 0 && same(lines[a - 1])) a--;
  let b = at;
  while (b + 1 < lines.length && same(lines[b + 1])) b++;
  for (let i = a; i <= b; i++) {
    if (i === at) continue;
    const other = /^\s*-\s*["']?([^"'\s]+?)["']?\s*$/.exec(lines[i].replace(/\r$/, ''));
    if (other && other[1].replace(/:[a-z,]+$/, '') === item) {
      // Mounting the target twice is an error in compose: drop this line.
      return [{ path: finding.path, range: { start: { line: at, character: 0 }, end: { line: at + 1, character: 0 } }, newText: '' }];
    }
  }
  return undefined;
}

export function configFixes(input: FixInput): Fix[] {
  const { finding, text, config } = input;
  if (finding.rule !== 'legacy-database') return [];
  const spec = targetSpec(finding, config);
  if (!spec) return [];
  const index = new LineIndex(text);
  const start = index.offsetAt(finding.range.start);
  const end = index.offsetAt(finding.range.end);
  const literal = text.slice(start, end);
  const found = finding.data.found;
  let retarget: (v: string) => string;
  if (finding.data.kind === 'sqlite-path' && spec.file) retarget = (v) => retargetPath(v, found, spec.file);
  else if (finding.data.kind === 'connection-url') retarget = (v) => retargetUrl(v, found, spec.database) ?? v;
  else if (finding.data.kind === 'db-name' && spec.database && literal === found) retarget = () => spec.database!;
  else return [];
  const value = retarget(literal);
  if (value === literal) return [];
  const where = spec.file ?? spec.database ?? spec.name;
  if (/\.ya?ml$/i.test(finding.path)) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const nl = text.indexOf('\n', end);
    const removal = volumeLineFix(input, index, lineStart, nl < 0 ? text.length : nl, retarget);
    if (removal) return [{ title: `Remove this mount: ${spec.name} (${where}) is already mounted`, isPreferred: true, rule: finding.rule, edits: removal }];
  }
  // Only the part that changes (a URL's database name): the rest, a password included, is not rewritten.
  let head = 0;
  while (head < literal.length && head < value.length && literal[head] === value[head]) head++;
  let tail = 0;
  while (tail < literal.length - head && tail < value.length - head && literal[literal.length - 1 - tail] === value[value.length - 1 - tail]) tail++;
  return [{
    title: `Use ${spec.name} (${where})`,
    isPreferred: true,
    rule: finding.rule,
    edits: [{ path: finding.path, range: index.range(start + head, end - tail), newText: value.slice(head, value.length - tail) }],
  }];
}
