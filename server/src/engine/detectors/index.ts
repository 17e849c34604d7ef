// Picks the detector for a file by its name. One detector per file type; each is a pure
// function of (path, text), so results can be cached by content.

import type { Detector, FileAnalysis, SourceFile } from '../types';
import { detectPython, holdsPythonParse } from './python';
import { detectJavaScriptLazily, holdsJavaScriptParseLazily } from './lazyJavaScript';
import { detectYaml } from './yaml';
import { detectDotenv } from './dotenv';
import { detectDockerfile } from './dockerfile';
import { detectShell } from './shell';
import { detectIni } from './ini';
import { detectToml } from './toml';
import { detectJson } from './json';
import { detectSql } from './sql';
import { detectPrisma } from './prisma';
import { detectMarkdown } from './markdown';
import { detectText } from './text';
import { prefilter, type ScanFilter } from '../prefilter';

export type FileType =
  | 'python' | 'javascript' | 'yaml' | 'dotenv' | 'dockerfile' | 'shell' | 'ini' | 'toml' | 'json' | 'sql' | 'prisma'
  | 'markdown' | 'text';

const BY_EXTENSION: Record<string, FileType> = {
  '.py': 'python', '.pyi': 'python',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
  '.ts': 'javascript', '.mts': 'javascript', '.cts': 'javascript', '.tsx': 'javascript',
  '.yml': 'yaml', '.yaml': 'yaml',
  '.env': 'dotenv',
  '.sh': 'shell', '.bash': 'shell', '.zsh': 'shell',
  '.ini': 'ini', '.cfg': 'ini', '.conf': 'ini',
  '.toml': 'toml',
  '.json': 'json', '.jsonc': 'json',
  '.sql': 'sql',
  '.prisma': 'prisma',
  '.md': 'markdown', '.markdown': 'markdown', '.mdx': 'markdown',
};

/** Text-like extensions the fallback detector reads; anything else is not looked at. */
const TEXT_EXTENSIONS = new Set(['.txt', '.properties', '.xml', '.rb', '.go', '.java', '.kt', '.rs', '.php', '.cs', '.tf', '.hcl', '.rst', '.j2', '.tpl', '.service', '.envrc']);

export function fileTypeOf(path: string): FileType | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const lower = base.toLowerCase();
  if (lower === 'dockerfile' || lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile') || lower === 'containerfile') return 'dockerfile';
  if (lower === '.env' || lower.startsWith('.env.') || lower.endsWith('.env')) return 'dotenv';
  if (lower === '.envrc' || lower === '.bashrc' || lower === '.profile') return 'shell';
  const dot = lower.lastIndexOf('.');
  const ext = dot > 0 ? lower.slice(dot) : '';
  if (BY_EXTENSION[ext]) return BY_EXTENSION[ext];
  if (TEXT_EXTENSIONS.has(ext)) return 'text';
  return undefined;
}

const DETECTORS: Record<FileType, Detector> = {
  python: detectPython,
  javascript: detectJavaScriptLazily,
  yaml: detectYaml,
  dotenv: detectDotenv,
  dockerfile: detectDockerfile,
  shell: detectShell,
  ini: detectIni,
  toml: detectToml,
  json: detectJson,
  sql: detectSql,
  prisma: detectPrisma,
  markdown: detectMarkdown,
  text: detectText,
};

export function detectorFor(type: FileType): Detector {
  return DETECTORS[type];
}

/**
 * For the types whose detectors keep an editor document's parse and update it on the next
 * analysis (parseCache.ts): whether they hold the parse of a path.
 */
const PARSE_HOLDERS: Partial<Record<FileType, (path: string) => boolean>> = {
  python: holdsPythonParse,
  javascript: holdsJavaScriptParseLazily,
};

/** Whether the detector of `type` parses incrementally and holds no parse of `path` yet. */
export function lacksParse(type: FileType, path: string): boolean {
  const holds = PARSE_HOLDERS[type];
  return holds !== undefined && !holds(path);
}

/** An empty analysis, frozen: shared by every file it stands for, so never to be mutated. */
function frozenEmpty(): FileAnalysis {
  return Object.freeze({ references: Object.freeze([]) as unknown as FileAnalysis['references'], tables: Object.freeze([]) as unknown as FileAnalysis['tables'] });
}

/** The analysis of a file the prefilter rules out: nothing. */
export const NOTHING = frozenEmpty();
/**
 * The analysis of a file whose only env accesses name no database variable (under a scan
 * filter): nothing, until the rules file declares a name it holds (WorkspaceState re-checks).
 * A distinct object from NOTHING: identity tells the two apart.
 */
export const ENV_ONLY = frozenEmpty();

/**
 * What a file yields without parsing, when the prefilter rules it out (NOTHING, ENV_ONLY);
 * undefined when its detector must run. With a scan filter, env reads of variables the scan
 * would drop do not make a file worth parsing.
 */
export function ruledOut(file: SourceFile, type: FileType | undefined, filter?: ScanFilter): FileAnalysis | undefined {
  if (!type) return NOTHING;
  const verdict = prefilter(type, file.text, filter);
  return verdict === 'skip' ? NOTHING : verdict === 'env-only' ? ENV_ONLY : undefined;
}

/** Analyzes one file; a file no detector reads, or that the prefilter rules out, yields nothing. */
export function analyzeFile(file: SourceFile, type: FileType | undefined = fileTypeOf(file.path), filter?: ScanFilter): FileAnalysis {
  return ruledOut(file, type, filter) ?? DETECTORS[type!](file);
}
