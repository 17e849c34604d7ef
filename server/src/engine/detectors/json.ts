// JSON and JSONC (`jsonc-parser`, which keeps offsets and tolerates comments and trailing commas):
// every string value is searched for literals at its exact place, escapes included; property
// names never are. On top of that:
// - `package.json` `scripts` are shell commands, analyzed as shell;
// - dev container and VS Code launch/task files set env vars in `env`, `containerEnv`,
//   `remoteEnv` and `environment` objects, and read them with `${env:X}` / `${localEnv:X}`.
// Lock files and tsconfig hold nothing database-related (lock files are huge), and the rules file
// `dbaudit.json` declares databases rather than referencing them: all yield nothing.

import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { ReferenceCollector } from '../collector';
import { fileSpan, MappedBuilder, mappedAt, recordLiterals, sliceMapped, type MappedText } from '../mappedText';
import type { Detector } from '../types';
import { analyzeShellText } from './shell';

const SKIPPED = /^(?:package-lock\.json|npm-shrinkwrap\.json|.*\.lock\.json|tsconfig.*\.json|dbaudit\.json)$/i;
/** Files whose env objects define vars. */
const ENV_FILES = /^(?:\.?devcontainer\.json|launch\.json|tasks\.json)$/i;
const ENV_OBJECTS = new Set(['env', 'containerEnv', 'remoteEnv', 'environment']);
/** VS Code and dev container variables that read the environment, with a dev container default. */
const ENV_VARIABLE = /\$\{(?:env|localEnv|containerEnv):([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A string node's value mapped to the file. With escapes, each decoded character maps to its
 * escape's backslash, so a literal starting with an escaped character starts where it is written.
 */
export function jsonStringText(text: string, node: JsonNode): MappedText {
  const start = node.offset + 1;
  const end = node.offset + node.length - (node.length > 1 && text[node.offset + node.length - 1] === '"' ? 1 : 0);
  const raw = text.slice(start, end);
  if (!raw.includes('\\')) return mappedAt(raw, start);
  const out = new MappedBuilder();
  for (let i = start; i < end; i++) {
    const next = text[i + 1];
    if (text[i] === '\\' && next !== undefined && ESCAPES[next] !== undefined) {
      out.push(ESCAPES[next], i++);
    } else if (text[i] === '\\' && next === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
      out.push(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)), i);
      i += 5;
    } else {
      out.push(text[i], i);
    }
  }
  return out.build();
}

class JsonAnalysis {
  private readonly name: string;

  constructor(
    private readonly c: ReferenceCollector,
    private readonly text: string,
    private readonly path: string,
  ) {
    this.name = basename(path);
  }

  node(node: JsonNode, parentKey?: string): void {
    if (node.type === 'string') return this.string(node);
    if (node.type === 'array') for (const child of node.children ?? []) this.node(child);
    if (node.type !== 'object') return;
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || !value) continue;
      const name = String(key.value);
      if (this.name === 'package.json' && parentKey === undefined && name === 'scripts' && value.type === 'object') {
        this.scripts(value);
      } else {
        if (ENV_FILES.test(this.name) && ENV_OBJECTS.has(name) && value.type === 'object') this.envObject(value, node);
        this.node(value, name);
      }
    }
  }

  /** `"scripts": { "test": "DATABASE_URL=sqlite:///t.db jest" }`: each script is a shell command. */
  private scripts(object: JsonNode): void {
    for (const property of object.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || !value) continue;
      const raw = this.text.slice(value.offset + 1, value.offset + value.length - 1);
      // With escapes the file text is not the command, and shell positions would drift: plain search.
      if (value.type === 'string' && !raw.includes('\\')) analyzeShellText(this.c, raw, value.offset + 1, `${this.path}#scripts.${key.value}`);
      else this.node(value);
    }
  }

  /** `"env": { "DATABASE_URL": "..." }`: each key is a definition, in the launch configuration or task it belongs to. */
  private envObject(object: JsonNode, owner: JsonNode): void {
    // A dev container is one environment; launch configurations and tasks are one each.
    const label = /^(?:launch|tasks)\.json$/i.test(this.name) ? ownerLabel(owner) : undefined;
    const environment = label ? `${this.path}#${label}` : this.path;
    for (const property of object.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || key.type !== 'string') continue;
      const name = jsonStringText(this.text, key);
      const [start, end] = fileSpan(name, 0, name.text.length);
      const defined = !value || value.type === 'null' ? undefined
        : value.type === 'string' ? jsonStringText(this.text, value).text
        : this.text.slice(value.offset, value.offset + value.length);
      this.c.envDefine(name.text, start, end, defined, environment);
    }
  }

  /** A string value: `${env:X}` reads (a default is only the default of X), then literals. */
  private string(node: JsonNode): void {
    const m = jsonStringText(this.text, node);
    const defaults: Array<[number, number]> = [];
    for (const read of m.text.matchAll(ENV_VARIABLE)) {
      const nameStart = read.index! + read[0].indexOf(':') + 1;
      const [s, e] = fileSpan(m, nameStart, nameStart + read[1].length);
      this.c.envRead(read[1], s, e);
      if (!read[2]) continue;
      const fallbackStart = nameStart + read[1].length + 1;
      const fallback = sliceMapped(m, fallbackStart, fallbackStart + read[2].length);
      recordLiterals(this.c, fallback, { defaultOf: read[1] });
      defaults.push(fileSpan(fallback, 0, fallback.text.length));
    }
    recordLiterals(this.c, m, { skip: defaults });
  }
}

/** A launch configuration's `name` or a task's `label`, naming the environment its `env` sets. */
function ownerLabel(owner: JsonNode): string | undefined {
  for (const property of owner.children ?? []) {
    const [key, value] = property.children ?? [];
    if ((key?.value === 'name' || key?.value === 'label') && value?.type === 'string') return String(value.value);
  }
  return undefined;
}

/** A JSON (JSONC) file's tree, as the detector parses it (the bench's parse floor too). */
export function parseJson(text: string): JsonNode | undefined {
  return parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
}

export const detectJson: Detector = (file) => {
  if (SKIPPED.test(basename(file.path))) return { references: [], tables: [] };
  const c = new ReferenceCollector(file);
  try {
    const root = parseJson(file.text);
    if (root) new JsonAnalysis(c, file.text, file.path).node(root);
  } catch {
    return { references: [], tables: [] };
  }
  return c.result();
};
