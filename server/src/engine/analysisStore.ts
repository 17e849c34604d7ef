// The per-file analysis cache on disk, for `db-audit scan --cache DIR`: one JSON file mapping
// sha1(build, path, content) to the file's analysis, and listing the keys of the files the
// prefilter ruled out (ruledOutKeys.ts). A run reads it, analyzes only files whose key is missing
// (new or changed content), and writes back the entries it used, so results of deleted or changed
// files do not pile up. A file written by another build (ANALYSIS_VERSION: the version and a
// digest of the engine's sources) is ignored as a whole: detectors change between builds.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AnalysisCache } from './audit';
import { ANALYSIS_VERSION } from './analysisVersion.generated';
import { RuledOutKeys, type StoredRuledOut } from './ruledOutKeys';
import type { FileAnalysis } from './types';

export const ANALYSIS_CACHE_FILE = 'db-audit-analyses.json';

interface StoredCache {
  tool: string;
  entries: Record<string, FileAnalysis>;
  ruledOut: StoredRuledOut;
}

/** Whether `x` is a stored list of ruled-out keys (a file of an earlier version has none). */
function isStoredRuledOut(x: unknown): x is StoredRuledOut {
  const r = x as Partial<StoredRuledOut> | undefined;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === 'string');
  return typeof r === 'object' && r !== null && (r.filter === null || strings(r.filter)) && strings(r.nothing) && strings(r.envOnly);
}

/** The cache stored in `dir`; empty when there is none, it is unreadable, or another build wrote it. */
export async function loadAnalysisCache(dir: string): Promise<AnalysisCache> {
  let stored: Partial<StoredCache>;
  try {
    stored = JSON.parse(await fs.readFile(path.join(dir, ANALYSIS_CACHE_FILE), 'utf8')) as Partial<StoredCache>;
  } catch {
    return new AnalysisCache(new RuledOutKeys()); // none yet, or damaged: start over
  }
  if (stored.tool !== ANALYSIS_VERSION) return new AnalysisCache(new RuledOutKeys());
  const cache = new AnalysisCache(new RuledOutKeys(isStoredRuledOut(stored.ruledOut) ? stored.ruledOut : undefined));
  if (stored.entries && typeof stored.entries === 'object') cache.seed(Object.entries(stored.entries));
  return cache;
}

/** Writes the entries this run used to `dir` (created if needed), atomically. */
export async function saveAnalysisCache(dir: string, cache: AnalysisCache): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const stored: StoredCache = {
    tool: ANALYSIS_VERSION,
    entries: Object.fromEntries(cache.used()),
    ruledOut: (cache.ruledOut ?? new RuledOutKeys()).stored(),
  };
  const file = path.join(dir, ANALYSIS_CACHE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(stored));
  await fs.rename(tmp, file);
}
