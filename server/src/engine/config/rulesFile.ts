// Reads `dbaudit.json` (JSONC): syntax with jsonc-parser, shape with the shipped JSON Schema
// (ajv), meaning with our own checks (a database absorbed twice, bad globs). Every problem
// gets a range in the rules file, so the editor can show it there; nothing here throws.

import type { ErrorObject, ValidateFunction } from 'ajv';
import validateSchema from './rulesSchemaValidator.generated';
import * as jsonc from 'jsonc-parser';
import picomatch from 'picomatch';
import { LineIndex } from '../lineIndex';
import type { Engine, Range, RuleId, Severity } from '../types';

export type DatabaseRole = 'primary' | 'specialized';

export interface DatabaseSpec {
  /** The key under `databases`. */
  name: string;
  engine?: Engine;
  role: DatabaseRole;
  file?: string;
  database?: string;
  env?: string;
  aliases: string[];
  absorbs: string[];
  schemas: Record<string, { tablePrefix?: string }>;
  /** Where the entry's key is in the rules file. */
  range: Range;
  /** Where each `absorbs` item is, by item. */
  absorbsRanges: Record<string, Range>;
}

export type SeverityOverride = Severity | 'off';

export interface RulesConfig {
  /** Workspace-relative path of the rules file. */
  path: string;
  databases: DatabaseSpec[];
  sameDatabase: string[][];
  allowHardcoded: string[];
  forbidNewDatabaseFiles: boolean;
  ignore: string[];
  /** Extra module folders for the inventory (normalized: no `./`, no trailing `/`); absent in hand-built configs. */
  modules?: string[];
  rules: Partial<Record<RuleId, SeverityOverride>>;
}

export interface RulesProblem {
  message: string;
  range: Range;
  severity: 'error' | 'warning';
}

export interface RulesFileResult {
  /** Undefined only when the file cannot be used at all (a syntax error, a wrong top-level shape). */
  config?: RulesConfig;
  problems: RulesProblem[];
}

/**
 * The schema's validator (schemas/dbaudit.schema.json, which VS Code's jsonValidation uses too),
 * compiled by ajv at build time (scripts/generate-rules-validator.mjs): requiring ajv and compiling
 * the schema took ~60 ms of every CLI run and language server start.
 */
const validate = validateSchema as unknown as ValidateFunction;

export function parseRulesFile(text: string, path: string): RulesFileResult {
  const lines = new LineIndex(text);
  const problems: RulesProblem[] = [];
  const syntaxErrors: jsonc.ParseError[] = [];
  const root = jsonc.parseTree(text, syntaxErrors, { allowTrailingComma: true, disallowComments: false });
  for (const e of syntaxErrors) {
    problems.push({ message: `Syntax error: ${jsonc.printParseErrorCode(e.error)}`, range: lines.range(e.offset, e.offset + Math.max(1, e.length)), severity: 'error' });
  }
  if (!root || syntaxErrors.length > 0) return { problems };
  const value = jsonc.getNodeValue(root) as unknown;
  const rangeOfNode = (node: jsonc.Node | undefined): Range => (node ? lines.range(node.offset, node.offset + node.length) : lines.range(0, 0));
  const keyRange = (location: jsonc.JSONPath): Range => {
    const node = jsonc.findNodeAtLocation(root, location);
    const key = node?.parent?.type === 'property' ? node.parent.children?.[0] : node;
    return rangeOfNode(key);
  };

  if (!validate(value)) {
    for (const err of validate.errors ?? []) problems.push(schemaProblem(err, root, rangeOfNode));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems };
  }
  const raw = value as Record<string, unknown>;
  const config = buildConfig(raw, path, keyRange);
  problems.push(...semanticProblems(config, keyRange));
  return { config, problems };
}

function schemaProblem(err: ErrorObject, root: jsonc.Node, rangeOf: (n: jsonc.Node | undefined) => Range): RulesProblem {
  const location = err.instancePath.split('/').slice(1).map((p) => {
    const s = p.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(s) ? Number(s) : s;
  });
  let node = jsonc.findNodeAtLocation(root, location);
  let message = `${err.instancePath || 'rules file'} ${err.message ?? 'is invalid'}`;
  if (err.keyword === 'additionalProperties') {
    const extra = (err.params as { additionalProperty: string }).additionalProperty;
    const prop = node?.children?.find((c) => c.type === 'property' && c.children?.[0].value === extra);
    node = prop?.children?.[0] ?? node;
    message = `Unknown key "${extra}"${err.instancePath ? ` in ${err.instancePath}` : ''}`;
  } else if (err.keyword === 'propertyNames' || (err.keyword === 'enum' && err.propertyName)) {
    const name = err.propertyName ?? (err.params as { propertyName?: string }).propertyName;
    const prop = node?.children?.find((c) => c.type === 'property' && c.children?.[0].value === name);
    node = prop?.children?.[0] ?? node;
    message = `Unknown rule "${name}"`;
  } else if (err.keyword === 'enum') {
    message = `${err.instancePath} must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { message, range: rangeOf(node), severity: 'error' };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function buildConfig(raw: Record<string, unknown>, path: string, keyRange: (loc: jsonc.JSONPath) => Range): RulesConfig {
  const databases: DatabaseSpec[] = [];
  const dbs = raw.databases && typeof raw.databases === 'object' ? (raw.databases as Record<string, Record<string, unknown>>) : {};
  for (const [name, spec] of Object.entries(dbs)) {
    if (!spec || typeof spec !== 'object') continue;
    const absorbs = strings(spec.absorbs);
    const schemas: DatabaseSpec['schemas'] = {};
    if (spec.schemas && typeof spec.schemas === 'object') {
      for (const [s, v] of Object.entries(spec.schemas as Record<string, unknown>)) {
        const prefix = v && typeof v === 'object' ? (v as Record<string, unknown>).tablePrefix : undefined;
        schemas[s] = typeof prefix === 'string' ? { tablePrefix: prefix } : {};
      }
    }
    databases.push({
      name,
      engine: typeof spec.engine === 'string' ? (spec.engine as Engine) : undefined,
      role: spec.role === 'primary' || spec.role === 'specialized' ? spec.role : absorbs.length > 0 ? 'primary' : 'specialized',
      file: typeof spec.file === 'string' ? spec.file : undefined,
      database: typeof spec.database === 'string' ? spec.database : undefined,
      env: typeof spec.env === 'string' ? spec.env : undefined,
      aliases: strings(spec.aliases),
      absorbs,
      schemas,
      range: keyRange(['databases', name]),
      absorbsRanges: Object.fromEntries(absorbs.map((a, i) => [a, keyRange(['databases', name, 'absorbs', i])])),
    });
  }
  const rules: RulesConfig['rules'] = {};
  if (raw.rules && typeof raw.rules === 'object') {
    for (const [id, sev] of Object.entries(raw.rules as Record<string, unknown>)) {
      if (typeof sev === 'string' && ['error', 'warning', 'info', 'hint', 'off'].includes(sev)) rules[id as RuleId] = sev as SeverityOverride;
    }
  }
  return {
    path,
    databases,
    sameDatabase: Array.isArray(raw.sameDatabase) ? raw.sameDatabase.map(strings).filter((g) => g.length >= 2) : [],
    allowHardcoded: strings(raw.allowHardcoded),
    forbidNewDatabaseFiles: raw.forbidNewDatabaseFiles === true,
    ignore: strings(raw.ignore),
    modules: strings(raw.modules).map(normalizeFolder),
    rules,
  };
}

/** Problems the schema cannot express: bad globs, a database absorbed twice or by itself, an env var claimed twice. */
function semanticProblems(config: RulesConfig, keyRange: (loc: jsonc.JSONPath) => Range): RulesProblem[] {
  const problems: RulesProblem[] = [];
  for (const key of ['allowHardcoded', 'ignore'] as const) {
    config[key].forEach((glob, i) => {
      const reason = globError(glob);
      if (reason) problems.push({ message: `Invalid glob "${glob}": ${reason}`, range: keyRange([key, i]), severity: 'error' });
    });
  }
  (config.modules ?? []).forEach((folder, i) => {
    if (folder.startsWith('/') || /^[A-Za-z]:/.test(folder) || folder.split('/').includes('..') || /[*?[\]{}]/.test(folder)) {
      problems.push({ message: `Module folder "${folder}" must be a folder inside the workspace, relative to its root, without globs`, range: keyRange(['modules', i]), severity: 'error' });
    }
  });
  const absorbedBy = new Map<string, string>();
  const envOwner = new Map<string, string>();
  for (const db of config.databases) {
    for (const a of db.absorbs) {
      const previous = absorbedBy.get(a);
      if (previous) {
        problems.push({ message: `"${a}" is absorbed twice: by "${previous}" and by "${db.name}"`, range: db.absorbsRanges[a], severity: 'error' });
      } else absorbedBy.set(a, db.name);
      if (designatesItself(db, a)) {
        problems.push({ message: `"${db.name}" cannot absorb itself ("${a}")`, range: db.absorbsRanges[a], severity: 'error' });
      }
    }
    for (const v of [db.env, ...db.aliases]) {
      if (!v) continue;
      const owner = envOwner.get(v);
      if (owner && owner !== db.name) {
        problems.push({ message: `Env var ${v} locates both "${owner}" and "${db.name}"`, range: db.range, severity: 'error' });
      } else envOwner.set(v, db.name);
    }
  }
  for (const db of config.databases) {
    if (absorbedBy.has(db.name) || (db.file && absorbedBy.has(basename(db.file)))) {
      problems.push({ message: `"${db.name}" is declared as a target database but also absorbed by "${absorbedBy.get(db.name) ?? absorbedBy.get(basename(db.file!))}"`, range: db.range, severity: 'warning' });
    }
  }
  return problems;
}

function designatesItself(db: DatabaseSpec, name: string): boolean {
  return name === db.name || name === db.database || (db.file !== undefined && basename(db.file) === name);
}

/** A module folder as the inventory names folders: POSIX, no leading `./`, no trailing `/` (`.` for the root). */
export function normalizeFolder(folder: string): string {
  const f = folder.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/(?<!\/)\/+$/, '');
  return f === '' ? '.' : f;
}

export function basename(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}

/** Why a glob is unusable, or undefined if it is fine. */
export function globError(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob, { strictBrackets: true, dot: true });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
