// Databases as symbols: which reference sits at a position, which references designate the
// same database, where an env var is defined, what to say on hover. Pure functions over an
// evaluation, used by the language server's hover/references/definition/code-lens handlers.

import type { RulesConfig } from './config/rulesFile';
import type { DatabaseSummary } from './audit';
import type { DatabaseResolver } from './databases';
import type { DbReference, Position, Range } from './types';

function contains(range: Range, pos: Position): boolean {
  const afterStart = pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** The reference under the cursor (the narrowest one when several overlap). */
export function referenceAt(refs: readonly DbReference[], path: string, pos: Position): DbReference | undefined {
  let best: DbReference | undefined;
  for (const r of refs) {
    if (r.path !== path || !contains(r.range, pos)) continue;
    if (!best || span(r.range) < span(best.range)) best = r;
  }
  return best;
}

function span(r: Range): number {
  return (r.end.line - r.start.line) * 100000 + (r.end.character - r.start.character);
}

/**
 * What a reference designates, as a key shared by every reference to the same thing: the
 * database (declared, legacy or unknown) or, for an env var no database claims, the var itself.
 */
export function designation(ref: DbReference, resolver: DatabaseResolver): string | undefined {
  const res = resolver.resolve(ref);
  if (res) return `db:${res.name}`;
  if (ref.envVar) return `env:${ref.envVar}`;
  return undefined;
}

/** Every reference designating the same thing as `ref`, in path order. */
export function referencesLike(ref: DbReference, refs: readonly DbReference[], resolver: DatabaseResolver): DbReference[] {
  const key = designation(ref, resolver);
  if (!key) return [ref];
  return refs.filter((r) => designation(r, resolver) === key);
}

/** The definitions of env var `name` (.env files, compose, Dockerfiles, CI). */
export function envDefinitions(name: string, refs: readonly DbReference[]): DbReference[] {
  return refs.filter((r) => r.kind === 'env-define' && r.envVar === name);
}

/** Hover text (Markdown) for a reference; the value shown is already masked. */
export function hoverMarkdown(
  ref: DbReference,
  refs: readonly DbReference[],
  databases: readonly DatabaseSummary[],
  resolver: DatabaseResolver,
  config: RulesConfig | undefined,
): string {
  const res = resolver.resolve(ref);
  const same = referencesLike(ref, refs, resolver);
  const files = new Set(same.map((r) => r.path)).size;
  const lines: string[] = [];
  const title = res ? res.name : ref.envVar ?? ref.target;
  lines.push(`**${title}** — ${ref.engine} · ${ref.kind}${ref.credentials ? ' · embeds a password' : ''}`);
  if (ref.kind === 'connection-url' || ref.kind === 'sqlite-path') lines.push('', '`' + ref.value.replace(/`/g, "'") + '`');
  if (res) {
    const summary = databases.find((d) => d.name === res.name);
    if (res.role === 'legacy' && res.spec) {
      lines.push('', `Role: legacy — absorbed into **${res.spec.name}**${res.spec.env ? `; read \`${res.spec.env}\` instead` : ''}.`);
    } else if (res.role === 'unknown') {
      lines.push('', `Role: unknown — not declared in ${config?.path ?? 'a rules file'}.`);
    } else if (res.spec) {
      lines.push('', `Role: ${res.role}${res.spec.env ? ` — located by \`${res.spec.env}\`` : ''}${res.alias ? ` (\`${ref.envVar}\` is an old name)` : ''}.`);
    }
    if (summary) lines.push('', `${summary.references} reference${summary.references === 1 ? '' : 's'} in ${summary.files} file${summary.files === 1 ? '' : 's'} of this workspace.`);
  } else {
    lines.push('', `${same.length} reference${same.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} of this workspace.`);
  }
  return lines.join('\n');
}

export interface DatabaseLens {
  range: Range;
  title: string;
}

/** "35 references in 7 files" over each database entry (and each absorbed one) of the rules file. */
export function databaseLenses(config: RulesConfig | undefined, databases: readonly DatabaseSummary[]): DatabaseLens[] {
  if (!config) return [];
  const lenses: DatabaseLens[] = [];
  const count = (name: string) => {
    const d = databases.find((x) => x.name === name);
    const n = d?.references ?? 0;
    const f = d?.files ?? 0;
    return `${n} reference${n === 1 ? '' : 's'} in ${f} file${f === 1 ? '' : 's'}`;
  };
  for (const spec of config.databases) {
    lenses.push({ range: spec.range, title: count(spec.name) });
    for (const a of spec.absorbs) lenses.push({ range: spec.absorbsRanges[a], title: count(a) });
  }
  return lenses;
}
