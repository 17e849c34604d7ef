// YAML: every scalar value (never a map key) is searched for literals and `${VAR}` reads at its
// exact place in the source. On top of that, the files whose structure says where env vars are
// set: docker compose (`services.<svc>.environment`, `build.args`), CI workflows (GitHub `env:`
// and `run:`, GitLab `variables:` and `script:`) and Kubernetes-style `env: [{name, value}]`.

import { isMap, isScalar, isSeq, parseAllDocuments, visit, type CST, type Document, type Scalar, type YAMLMap } from 'yaml';
import { ReferenceCollector } from '../collector';
import type { Detector } from '../types';
import { analyzeShellText } from './shell';
import { analyzeValueText, fileSpan, MappedBuilder, sliceMapped, type MappedText } from '../mappedText';

/** What the detector needs from the file while walking one document. */
interface Context {
  c: ReferenceCollector;
  text: string;
  path: string;
  /** Scalars already analyzed by a structure-aware rule (shell scripts, `KEY=value` items). */
  handled: Set<Scalar>;
}

const GITHUB_WORKFLOW = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i;
const GITLAB_CI = /(^|\/|\.)gitlab-ci\.ya?ml$/i;

/** The documents of a YAML file, as the detector parses them (the bench's parse floor too). */
export function parseYaml(text: string): ReturnType<typeof parseAllDocuments> {
  // Errors only say the file is not read (their messages are unused): not prettified, which took a regex
  // over the rest of the text per error (a long run of `}` made thousands: quadratic).
  return parseAllDocuments(text, { keepSourceTokens: true, prettyErrors: false });
}

export const detectYaml: Detector = (file) => {
  const c = new ReferenceCollector(file);
  try {
    const docs = parseYaml(file.text);
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return { references: [], tables: [] };
    for (const doc of docs) analyzeDocument({ c, text: file.text, path: file.path, handled: new Set() }, doc);
  } catch {
    return { references: [], tables: [] };
  }
  return c.result();
};

function analyzeDocument(ctx: Context, doc: Document): void {
  const root = doc.contents;
  if (isMap(root)) {
    if (isMap(root.get('services', true))) compose(ctx, root);
    if (GITHUB_WORKFLOW.test(ctx.path)) githubWorkflow(ctx, root);
    if (GITLAB_CI.test(ctx.path)) gitlabCi(ctx, root);
  }
  kubernetesEnv(ctx, doc);
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || ctx.handled.has(node)) return;
      analyzeValueText(ctx.c, scalarText(node, ctx.text));
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Scalars as written

/**
 * A scalar's value as it reads, mapped to the source: quotes removed and unescaped, lines of
 * multi-line and block scalars stripped of their indentation and joined.
 */
function scalarText(node: Scalar, text: string): MappedText {
  const token = node.srcToken;
  if (!token || !('source' in token) || typeof token.offset !== 'number') return { text: '', offsets: [] };
  const start = token.offset;
  const end = start + token.source.length;
  switch (token.type) {
    case 'block-scalar': {
      const body = bodyStart(token.offset, token.props);
      return lines(text, body, body + token.source.length, node.type === 'BLOCK_LITERAL' ? '\n' : ' ', true);
    }
    case 'single-quoted-scalar':
      return unescape(lines(text, start + 1, closed(text, end, "'") ? end - 1 : end, ' ', false), "'");
    case 'double-quoted-scalar':
      return unescape(lines(text, start + 1, closed(text, end, '"') ? end - 1 : end, ' ', false), '"');
    default:
      return lines(text, start, end, ' ', false);
  }
}

/** Where a block scalar's body starts: after its header, any comment, and the line break. */
function bodyStart(offset: number, props: readonly CST.Token[]): number {
  return props.reduce((at, p) => ('source' in p ? Math.max(at, p.offset + p.source.length) : at), offset);
}

function closed(text: string, end: number, quote: string): boolean {
  return text[end - 1] === quote;
}

/**
 * The lines of [start, end) joined by `separator` (mapped to the line break), without the
 * indentation of continuation lines (of every line when `stripFirst`), nor trailing blanks.
 */
function lines(text: string, start: number, end: number, separator: string, stripFirst: boolean): MappedText {
  const out = new MappedBuilder();
  for (let lineStart = start, first = true; lineStart <= end; first = false) {
    let next = text.indexOf('\n', lineStart);
    if (next < 0 || next > end) next = end;
    let s = lineStart;
    let e = next > s && text[next - 1] === '\r' ? next - 1 : next;
    if (!first || stripFirst) while (s < e && (text[s] === ' ' || text[s] === '\t')) s++;
    while (e > s && (text[e - 1] === ' ' || text[e - 1] === '\t')) e--;
    if (!first) out.push(separator, lineStart - 1);
    out.pushText(text.slice(s, e), s);
    if (next >= end) break;
    lineStart = next + 1;
  }
  return out.build();
}

const DOUBLE_QUOTED_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', ' ': ' ', '0': '\0' };

/** `''` in single-quoted scalars, backslash escapes in double-quoted ones. */
function unescape(m: MappedText, quote: "'" | '"'): MappedText {
  const out = new MappedBuilder();
  for (let i = 0; i < m.text.length; i++) {
    const ch = m.text[i];
    const next = m.text[i + 1];
    if (quote === "'" && ch === "'" && next === "'") {
      out.push("'", m.offsets[++i]);
    } else if (quote === '"' && ch === '\\' && next !== undefined && DOUBLE_QUOTED_ESCAPES[next] !== undefined) {
      out.push(DOUBLE_QUOTED_ESCAPES[next], m.offsets[++i]);
    } else {
      out.push(ch, m.offsets[i]);
    }
  }
  return out.build();
}

/** The value a definition sets: strings as parsed, numbers/booleans as written, none for null. */
function definedValue(node: unknown, text: string): string | undefined {
  if (isMap(node)) return definedValue(node.get('value', true), text); // GitLab `{ value, description }`
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  return typeof node.value === 'string' ? node.value : scalarText(node, text).text;
}

function keyName(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Definitions

/** `KEY: value` pairs: each key is a definition in `environment`. */
function defineMap(ctx: Context, map: unknown, environment: string): void {
  if (!isMap(map)) return;
  for (const pair of map.items) {
    const name = keyName(pair.key);
    if (!name || name === '<<' || !isScalar(pair.key)) continue;
    const key = scalarText(pair.key, ctx.text);
    const [start, end] = fileSpan(key, 0, key.text.length);
    ctx.c.envDefine(name, start, end, definedValue(pair.value, ctx.text), environment);
  }
}

/** Compose's list form: `- KEY=value` defines KEY, `- KEY` passes it through from the host. */
function defineList(ctx: Context, seq: unknown, environment: string): void {
  if (!isSeq(seq)) return;
  for (const item of seq.items) {
    if (!isScalar(item) || typeof item.value !== 'string') continue;
    const m = scalarText(item, ctx.text);
    const eq = m.text.indexOf('=');
    const name = (eq < 0 ? m.text : m.text.slice(0, eq)).trim();
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) continue;
    const nameAt = m.text.indexOf(name);
    const [start, end] = fileSpan(m, nameAt, nameAt + name.length);
    ctx.c.envDefine(name, start, end, eq < 0 ? undefined : m.text.slice(eq + 1), environment);
    if (eq >= 0) analyzeValueText(ctx.c, sliceMapped(m, eq + 1));
    ctx.handled.add(item);
  }
}

/** `environment:` / `args:` in either form. */
function defineEither(ctx: Context, node: unknown, environment: string): void {
  if (isMap(node)) defineMap(ctx, node, environment);
  else defineList(ctx, node, environment);
}

/** Docker compose: each service's `environment` and `build.args`, in `<path>#<service>`. */
function compose(ctx: Context, root: YAMLMap): void {
  const services = root.get('services', true);
  if (!isMap(services)) return;
  for (const pair of services.items) {
    const service = keyName(pair.key);
    if (!service || !isMap(pair.value)) continue;
    const environment = `${ctx.path}#${service}`;
    defineEither(ctx, pair.value.get('environment', true), environment);
    const build = pair.value.get('build', true);
    if (isMap(build)) defineEither(ctx, build.get('args', true), environment);
  }
}

/** Kubernetes-style `env: [{ name: X, value: Y }]`, in `<path>#<container name>` when there is one. */
function kubernetesEnv(ctx: Context, doc: Document): void {
  visit(doc, {
    Map(_, map) {
      const env = map.get('env', true);
      if (!isSeq(env)) return;
      const owner = keyName(map.get('name', true));
      const environment = owner ? `${ctx.path}#${owner}` : ctx.path;
      for (const item of env.items) {
        if (!isMap(item)) continue;
        const nameNode = item.get('name', true);
        const name = keyName(nameNode);
        if (!name || !isScalar(nameNode)) continue;
        const m = scalarText(nameNode, ctx.text);
        const [start, end] = fileSpan(m, 0, m.text.length);
        ctx.c.envDefine(name, start, end, definedValue(item.get('value', true), ctx.text), environment);
        ctx.handled.add(nameNode);
      }
    },
  });
}

// ---------------------------------------------------------------------------------------------
// CI

/** A `run:`/`script:` scalar analyzed as shell at its place in the source. */
function shell(ctx: Context, node: unknown, environment: string): void {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.srcToken || !('source' in node.srcToken)) return;
  const token = node.srcToken;
  let start = token.offset;
  let end = start + token.source.length;
  if (token.type === 'block-scalar') {
    start = bodyStart(token.offset, token.props);
    end = start + token.source.length;
  } else if (token.type !== 'scalar') {
    start++;
    if (end > start && (ctx.text[end - 1] === '"' || ctx.text[end - 1] === "'")) end--;
  }
  // Indentation is harmless to bash, so the source text itself is the script.
  analyzeShellText(ctx.c, ctx.text.slice(start, end), start, environment);
  ctx.handled.add(node);
}

/** Shells that `run:` may name that are sh-compatible. */
const POSIX_SHELL = /^(?:bash|sh)\b/;

function githubWorkflow(ctx: Context, root: YAMLMap): void {
  defineMap(ctx, root.get('env', true), ctx.path);
  const jobs = root.get('jobs', true);
  if (!isMap(jobs)) return;
  const defaultShell = runShell(root);
  for (const pair of jobs.items) {
    const job = keyName(pair.key);
    if (!job || !isMap(pair.value)) continue;
    const environment = `${ctx.path}#${job}`;
    defineMap(ctx, pair.value.get('env', true), environment);
    const container = pair.value.get('container', true);
    if (isMap(container)) defineMap(ctx, container.get('env', true), environment);
    const services = pair.value.get('services', true);
    if (isMap(services)) for (const s of services.items) if (isMap(s.value)) defineMap(ctx, s.value.get('env', true), environment);
    const jobShell = runShell(pair.value) ?? defaultShell;
    const steps = pair.value.get('steps', true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      defineMap(ctx, step.get('env', true), environment);
      const stepShell = keyName(step.get('shell', true)) ?? jobShell ?? 'bash';
      const run = step.get('run', true);
      if (POSIX_SHELL.test(stepShell)) shell(ctx, run, environment);
      else if (isScalar(run)) {
        // Another language (python, pwsh): `$X` means nothing there, only literals count.
        analyzeValueText(ctx.c, scalarText(run, ctx.text), { interpolate: false });
        ctx.handled.add(run);
      }
    }
  }
}

/** `defaults.run.shell` of a workflow or job. */
function runShell(map: YAMLMap): string | undefined {
  const defaults = map.get('defaults', true);
  const run = isMap(defaults) ? defaults.get('run', true) : undefined;
  return isMap(run) ? keyName(run.get('shell', true)) : undefined;
}

/** Top-level GitLab CI keys that are not jobs. */
const GITLAB_GLOBAL_KEYS = new Set([
  'default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec',
]);
const GITLAB_SCRIPTS = ['before_script', 'script', 'after_script'];

function gitlabCi(ctx: Context, root: YAMLMap): void {
  defineMap(ctx, root.get('variables', true), ctx.path);
  const scripts = (owner: YAMLMap, environment: string) => {
    for (const key of GITLAB_SCRIPTS) {
      const node = owner.get(key, true);
      if (isSeq(node)) for (const line of node.items) shell(ctx, line, environment);
      else shell(ctx, node, environment);
    }
  };
  scripts(root, ctx.path);
  const defaults = root.get('default', true);
  if (isMap(defaults)) scripts(defaults, ctx.path);
  for (const pair of root.items) {
    const job = keyName(pair.key);
    if (!job || GITLAB_GLOBAL_KEYS.has(job) || !isMap(pair.value)) continue;
    const environment = `${ctx.path}#${job}`;
    defineMap(ctx, pair.value.get('variables', true), environment);
    scripts(pair.value, environment);
  }
}
