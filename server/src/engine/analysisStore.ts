// The per-file analysis cache on disk, for `db-audit scan --cache DIR`: one JSON file mapping
// sha1(tool version, path, content) to the file's analysis. A run reads it, analyzes only files
// whose key is missing (new or changed content), and writes back the entries it used, so
// results of deleted or changed files do not pile up. A file written by another tool version
// is ignored as a whole: detectors change between versions.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AnalysisCache } from './audit';
import { TOOL_VERSION } from './ruleDocs';
import type { FileAnalysis } from './types';

export const ANALYSIS_CACHE_FILE = 'db-audit-analyses.json';

interface StoredCache {
  tool: string;
  entries: Record<string, FileAnalysis>;
}

/** The cache stored in `dir`; empty when there is none, it is unreadable, or another version wrote it. */
export async function loadAnalysisCache(dir: string): Promise<AnalysisCache> {
  const cache = new AnalysisCache();
  let stored: Partial<StoredCache>;
  try {
    stored = JSON.parse(await fs.readFile(path.join(dir, ANALYSIS_CACHE_FILE), 'utf8')) as Partial<StoredCache>;
  } catch {
    return cache; // none yet, or damaged: start over
  }
  if (stored.tool === TOOL_VERSION && stored.entries && typeof stored.entries === 'object') cache.seed(Object.entries(stored.entries));
  return cache;
}

/** Writes the entries this run used to `dir` (created if needed), atomically. */
export async function saveAnalysisCache(dir: string, cache: AnalysisCache): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const stored: StoredCache = { tool: TOOL_VERSION, entries: Object.fromEntries(cache.used()) };
  const file = path.join(dir, ANALYSIS_CACHE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(stored));
  await fs.rename(tmp, file);
}
