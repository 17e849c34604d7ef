// Runs the real pipeline (detectors → rules → fixes) over in-memory files: what each fix turns
// a file into, and which fixes a finding gets.

import assert from 'node:assert/strict';
import { evaluate } from '../../../server/src/engine/audit';
import { parseRulesFile, type RulesConfig } from '../../../server/src/engine/config/rulesFile';
import { analyzeFile } from '../../../server/src/engine/detectors';
import { fixesFor, type Fix } from '../../../server/src/engine/fixes';
import { fixWorkspace } from '../../../server/src/engine/fixes/workspace';
import { loadGrammars } from '../../../server/src/engine/treeSitter';
import type { Finding, RuleId } from '../../../server/src/engine/types';

export const RULES = {
  databases: {
    zoe: { engine: 'sqlite', file: '/app/data/zoe.db', env: 'DATABASE_PATH', role: 'primary', absorbs: ['auth.db', 'sessions.db'] },
    memory: { engine: 'sqlite', file: '/app/data/memory.db', env: 'MEMORY_DB_PATH', role: 'specialized' },
    platform: { engine: 'postgres', database: 'mobius', env: 'DATABASE_URL', absorbs: ['mobius_rag'], aliases: ['RAG_DATABASE_URL'], schemas: { rag: { tablePrefix: 'rag_' } } },
  },
  allowHardcoded: ['**/config.py'],
};

export const ready = loadGrammars();

export interface Workspace {
  files: Record<string, string>;
  rulesText?: string;
}

function setup(ws: Workspace) {
  const rulesText = ws.rulesText ?? JSON.stringify(RULES, null, 2);
  const { config, problems } = parseRulesFile(rulesText, 'dbaudit.json');
  assert.deepEqual(problems, []);
  const analyses = new Map(Object.entries(ws.files).map(([p, t]) => [p, analyzeFile({ path: p, text: t })]));
  const { findings } = evaluate({ analyses, databaseFiles: [], config, isGitIgnored: () => false });
  const texts: Record<string, string> = { ...ws.files, 'dbaudit.json': rulesText };
  return { config: config as RulesConfig, analyses, findings, texts };
}

/** The findings of a workspace. */
export function findingsOf(ws: Workspace): Finding[] {
  return setup(ws).findings;
}

/** Every fix of every finding of `rule` in the workspace. */
export function fixesOf(ws: Workspace, rule: RuleId): Fix[] {
  const { config, findings, texts } = setup(ws);
  return findings.filter((f) => f.rule === rule).flatMap((f) => fixesFor(f, { config, textOf: (p) => texts[p] }));
}

/** Fix-all over the workspace: every file's text after it (unchanged files included). */
export function fixAllOf(ws: Workspace, rules?: RuleId[]): { texts: Record<string, string>; remaining: Finding[] } {
  const { config, analyses, findings, texts } = setup(ws);
  const result = fixWorkspace(
    { analyses, files: [], findings, rulesFile: { path: 'dbaudit.json', config, problems: [] } },
    { read: (p) => texts[p], rules },
  );
  const out = { ...texts };
  for (const [p, { after }] of result.changed) out[p] = after;
  return { texts: out, remaining: result.remaining };
}

/** The one file of a one-file workspace after fix-all. */
export function fixOne(path: string, text: string, rules?: RuleId[]): string {
  return fixAllOf({ files: { [path]: text } }, rules).texts[path];
}
