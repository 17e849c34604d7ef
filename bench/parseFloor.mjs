// The parse floor: a bare Node process that reads the files a scan reads, as the read floor does
// (readFloor.mjs), and parses the files the scan found something in (a reference or a table) with
// the library their detector parses them with, set up as the CLI sets it up (V8's flags, the
// TypeScript compiler's cached code), through the same functions: the TypeScript compiler for
// JS/TS, tree-sitter for Python, shell and INI, yaml for YAML, jsonc-parser for JSON. Nothing
// else: no prefilter, no walk over the syntax, no rules, no report. Any scan with these parsers parses at least these files, so no
// scan can be faster than this; `npm run bench` puts its time beside the read floor's and the
// scan's: what the libraries' parsing costs, and what the audit's own work adds on top.
//
//   node bench/parseFloor.mjs LIST
//
// LIST: one file a line, `PARSER<TAB>ABSOLUTE-PATH`, PARSER `-` for a file only read.
//
// Prints two lines: the counts the bench checks (files read, characters, files parsed, nodes),
// and where the floor's own time went, as JSON (ms): `startup` (the process's start to here, the
// set-up included), `read`, `grammars` (tree-sitter's, when a file needs them) and `parse` by
// parser, each parser's first use (loading its library, as the scan loads it) included.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
require('../server/out/engine/processSetup.js').setUpProcess();
const startup = performance.now();

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
const toParse = [];
let files = 0;
let chars = 0;
for (const line of lines) {
  const tab = line.indexOf('\t');
  const parser = line.slice(0, tab);
  const text = readFileSync(line.slice(tab + 1), 'utf8');
  chars += text.length;
  files++;
  if (parser !== '-') toParse.push({ parser, path: line.slice(tab + 1), text });
}
const read = performance.now() - startup;

/** Each parser through the function its detector parses with, loaded on first use as the scan loads it; returns a count of top-level nodes. */
const parsers = {
  typescript: () => {
    const { parseJavaScript } = require('../server/out/engine/detectors/javascript.js');
    return (path, text) => parseJavaScript(path, text).statements.length;
  },
  ...Object.fromEntries(
    ['python', 'bash', 'ini'].map((grammar) => [
      grammar,
      () => {
        const { parserFor, parseWithinBudget } = require('../server/out/engine/treeSitter.js');
        return (_path, text) => {
          const tree = parseWithinBudget(parserFor(grammar), text);
          const n = tree?.rootNode.childCount ?? 0;
          tree?.delete();
          return n;
        };
      },
    ]),
  ),
  yaml: () => {
    const { parseYaml } = require('../server/out/engine/detectors/yaml.js');
    return (_path, text) => parseYaml(text).length;
  },
  json: () => {
    const { parseJson } = require('../server/out/engine/detectors/json.js');
    return (_path, text) => parseJson(text)?.children?.length ?? 0;
  },
};

let grammars = 0;
if (toParse.some((f) => ['python', 'bash', 'ini'].includes(f.parser))) {
  const before = performance.now();
  await require('../server/out/engine/treeSitter.js').loadGrammars();
  grammars = performance.now() - before;
}
const loaded = new Map();
const parse = {};
let parsed = 0;
let nodes = 0;
for (const f of toParse) {
  if (!parsers[f.parser]) throw new Error(`unknown parser ${f.parser} for ${f.path}`);
  const before = performance.now();
  if (!loaded.has(f.parser)) loaded.set(f.parser, parsers[f.parser]());
  nodes += loaded.get(f.parser)(f.path, f.text);
  parse[f.parser] = (parse[f.parser] ?? 0) + performance.now() - before;
  parsed++;
}
// Printed: the bench checks that every file was read and every one marked was parsed (and that the work is used).
console.log(files, chars, parsed, nodes);
console.log(JSON.stringify({ startup, read, grammars, parse }));
