// env-mismatch: one fix per distinct value of the group's vars in the finding's environment (one
// .env file, one compose service): "Use <masked value> for every var of this group" writes that
// value into every other definition of the group there. Which value is right is a person's call,
// so none is preferred. A value is copied as written when both places write values the same way,
// else written anew in the file's syntax; the fix is offered only when re-reading the fixed file
// gives every var of the group the same value. A value holding a literal password is never copied.

import { isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Scalar } from 'yaml';
import { maskDefinedValue } from '../collector';
import { analyzeFile, fileTypeOf } from '../detectors';
import { dotenvDefinitions } from '../detectors/dotenv';
import { LineIndex } from '../lineIndex';
import type { DbReference } from '../types';
import { applyOffsetEdits, type OffsetEdit } from './edits';
import type { Fix, FixInput } from './types';

/** Where one definition's value is written, and how another value is written there. */
interface Slot {
  name: string;
  /** The line of the var's name, to match the detector's reference. */
  line: number;
  /** The value as the program sees it. */
  value: string;
  /** The written value (quotes included where they belong to it). */
  start: number;
  end: number;
  /** Slots of the same style take each other's written text verbatim. */
  style: string;
  /** The edit writing `value` here when the styles differ; undefined when it cannot be written safely. */
  write(value: string): OffsetEdit | undefined;
}

function dotenvSlots(text: string, index: LineIndex): Slot[] {
  return dotenvDefinitions(text).map((d) => ({
    name: d.key,
    line: index.positionAt(d.keyStart).line,
    value: d.value.text,
    start: d.written.start,
    end: d.written.end,
    style: 'dotenv',
    // Single quotes keep a value literal in dotenv; a value holding one is left alone.
    write: (v) => (v.includes("'") || v.includes('\n') ? undefined : { start: d.written.start, end: d.written.end, newText: /^[\w./:@${}?=&%+,-]*$/.test(v) ? v : `'${v}'` }),
  }));
}

/** True when `yamlText` parses to `expected` at `pick` (so a value written this way reads back the same). */
function readsBack(yamlText: string, pick: (doc: ReturnType<typeof parseDocument>) => unknown, expected: string): boolean {
  const doc = parseDocument(yamlText, { prettyErrors: false });
  return doc.errors.length === 0 && pick(doc) === expected;
}

/**
 * `value` as a YAML scalar in the quoting the place already uses (double, single, or plain when
 * it reads back as the same string, else double-quoted: a JSON string is a valid one).
 */
function yamlScalar(value: string, type: Scalar['type'], plainReadsBack: (text: string) => boolean): string {
  if (type === 'QUOTE_SINGLE' && !value.includes('\n')) return `'${value.replace(/'/g, "''")}'`;
  if (type !== 'QUOTE_DOUBLE' && plainReadsBack(value)) return value;
  return JSON.stringify(value);
}

function composeSlots(text: string, index: LineIndex, service: string): Slot[] {
  const slots: Slot[] = [];
  for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
    if (!('contents' in doc) || !isMap(doc.contents)) continue;
    const services = doc.contents.get('services', true);
    const svc = isMap(services) ? services.get(service, true) : undefined;
    if (!isMap(svc)) continue;
    const build = svc.get('build', true);
    for (const node of [svc.get('environment', true), isMap(build) ? build.get('args', true) : undefined]) {
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = pair.key;
          const value = pair.value;
          if (!isScalar(key) || !isScalar(value) || value.value === null || !value.range || !key.range) continue;
          if (String(value.type).startsWith('BLOCK')) continue; // indentation-bound: not copied around
          const [start, end] = value.range;
          slots.push({
            name: String(key.value),
            line: index.positionAt(key.range[0]).line,
            value: typeof value.value === 'string' ? value.value : text.slice(start, end),
            start,
            end,
            style: `map:${value.type}`,
            write: (v) => ({ start, end, newText: yamlScalar(v, value.type, (t) => readsBack(`k: ${t}\n`, (d) => d.get('k'), v)) }),
          });
        }
      } else if (isSeq(node)) {
        for (const item of node.items) {
          if (!isScalar(item) || typeof item.value !== 'string' || !item.range) continue;
          const scalar = item as Scalar<string>;
          const eq = scalar.value.indexOf('=');
          if (eq < 0) continue;
          const [itemStart, itemEnd] = scalar.range!;
          const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
          const source = text.slice(itemStart, itemEnd);
          const sourceEq = source.indexOf('=');
          const name = scalar.value.slice(0, eq).trim();
          if (scalar.type !== 'PLAIN' && !quoted) continue;
          slots.push({
            name,
            line: index.positionAt(itemStart).line,
            value: scalar.value.slice(eq + 1),
            start: itemStart + sourceEq + 1,
            end: quoted ? itemEnd - 1 : itemEnd,
            style: `list:${scalar.type}`,
            write: (v) => {
              const item = `${name}=${v}`;
              const newText = yamlScalar(item, scalar.type, (t) => readsBack(`- ${t}\n`, (d) => (d.contents as { items?: Array<{ value?: unknown }> }).items?.[0]?.value, item));
              return { start: itemStart, end: itemEnd, newText };
            },
          });
        }
      }
    }
  }
  return slots;
}

/** The group's definitions in `environment` as the detector reads them (name, line → digest). */
function definitionsIn(path: string, text: string, environment: string, group: readonly string[]): DbReference[] {
  return analyzeFile({ path, text }).references.filter((r) => r.kind === 'env-define' && r.environment === environment && group.includes(r.envVar!) && r.valueDigest !== undefined);
}

export function envMismatchFixes(input: FixInput): Fix[] {
  const { finding, text } = input;
  const group = finding.data.group;
  if (!group || group.length < 2) return [];
  const type = fileTypeOf(finding.path);
  const defs = analyzeFile({ path: finding.path, text }).references.filter((r) => r.kind === 'env-define');
  const at = defs.find((r) => r.range.start.line === finding.range.start.line && r.range.start.character === finding.range.start.character && r.envVar === finding.data.found);
  if (!at?.environment) return []; // stale: the definition moved since the check
  const environment = at.environment;
  const index = new LineIndex(text);
  let slots: Slot[];
  if (type === 'dotenv') slots = dotenvSlots(text, index);
  else if (type === 'yaml' && environment.startsWith(`${finding.path}#`)) slots = composeSlots(text, index, environment.slice(finding.path.length + 1));
  else return []; // Dockerfile, shell, INI, TOML definitions: not rewritten (yet)
  const inGroup = definitionsIn(finding.path, text, environment, group);
  const digestOf = new Map(inGroup.map((r) => [`${r.envVar}\0${r.range.start.line}`, r.valueDigest!]));
  const members = slots.filter((s) => digestOf.has(`${s.name}\0${s.line}`));
  if (members.length !== inGroup.length) return []; // a definition we cannot locate: no partial fix
  const fixes: Fix[] = [];
  const seen = new Set<string>();
  for (const source of members) {
    const want = digestOf.get(`${source.name}\0${source.line}`)!;
    if (seen.has(want)) continue;
    seen.add(want);
    // A literal password is never copied (it goes to an env var first: credentials-in-connection-string).
    if (maskDefinedValue(source.name, source.value) !== source.value) continue;
    const edits: OffsetEdit[] = [];
    for (const dest of members) {
      if (digestOf.get(`${dest.name}\0${dest.line}`) === want) continue;
      const edit = dest.style === source.style ? { start: dest.start, end: dest.end, newText: text.slice(source.start, source.end) } : dest.write(source.value);
      if (!edit) {
        edits.length = 0;
        break;
      }
      edits.push(edit);
    }
    if (edits.length === 0) continue;
    // Read the result back: every var of the group now holds the chosen value, or no fix.
    const after = definitionsIn(finding.path, applyOffsetEdits(text, edits), environment, group);
    if (after.length !== inGroup.length || after.some((r) => r.valueDigest !== want)) continue;
    fixes.push({
      title: `Use ${maskDefinedValue(source.name, source.value)} for every var of this group`,
      isPreferred: false,
      rule: finding.rule,
      edits: edits.map((e) => ({ path: finding.path, range: index.range(e.start, e.end), newText: e.newText })),
    });
  }
  return fixes;
}
