// `npm run bench`: cold CLI scans of generated trees (1k and 10k files; 100k with --large) or of
// any directories passed in, next to ripgrep's time for an equivalent candidate search in the
// same run, and the same scans with a warm `--cache`; then the language server's initial scan and
// editor latency through the LSP server. Prints a table and writes JSON to
// bench/results/. Not part of `npm test`: timings belong here, not in assertions.
//
//   npm run bench -- [DIR...] [--runs 5] [--large] [--seed 1] [--no-editor] [--edits 200]

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeWorkspace } from '../server/src/engine/audit';
import { fileTypeOf, type FileType } from '../server/src/engine/detectors';
import { parseTimings, type PhaseTime } from '../server/src/engine/timings';
import { measureEditor, type EditorLatency } from './editor';
import { measureServerScan, type ServerScan } from './server';
import { generateTree, writeTree } from './generate';
import { median, runMeasured } from './measure';

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');
const READ_FLOOR = path.join(REPO, 'bench/readFloor.mjs');
const PARSE_FLOOR = path.join(REPO, 'bench/parseFloor.mjs');

/**
 * What ripgrep looks for: the literals every database reference contains one of (URL schemes,
 * SQLite extensions, env access, SQL DDL, ORM table names) — the candidate lines, found without
 * parsing, which is what a regex audit script does.
 */
export const RG_CANDIDATES = ['://', '.db', '.sqlite', 'getenv', 'environ', 'process.env', 'DATABASE', 'POSTGRES', 'dbname', '__tablename__', 'CREATE '];

interface TreeResult {
  tree: string;
  generated?: { files: number; seed: number };
  files: number;
  bytes: number;
  runs: number;
  ms: { median: number; min: number; max: number; all: number[] };
  filesPerSec: number;
  mbPerSec: number;
  peakRssMb?: number;
  findings: number;
  references: number;
  rg?: { ms: number; all: number[]; matchingLines: number; ratio: number };
  /** A bare Node process reading the same files as UTF-8 and nothing else (readFloor.mjs): start-up and reading, no analysis. */
  readFloor: { ms: number; all: number[]; ratio?: number };
  /**
   * The read floor plus parsing, with the detectors' own parsers, the files the scan found a
   * reference or a table in (parseFloor.mjs): start-up, reading and the libraries' parsing.
   */
  parseFloor: { ms: number; all: number[]; ratio?: number; parsed: Partial<Record<FloorParser, number>>; split: FloorSplit };
  /** One more cold scan with `--timings` (not among the timed runs): where its time went, phase by phase. */
  timings: { phases: Record<string, PhaseTime>; ruledOut?: number; garbageCollectionMs?: number };
  /** The same scan with a warm `--cache DIR` (a CI job that restores the cache): each file's analysis is looked up by content hash. */
  warmCache: { ms: number; all: number[]; ratio?: number };
}

function hasRg(): boolean {
  return spawnSync('rg', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * The library each detector parses a file with (parseFloor.mjs calls it the same way). The other
 * types (SQL, `.env`, Markdown, whose fences go to these detectors, ...) are left out: a floor
 * may only leave work out.
 */
const FLOOR_PARSERS = { python: 'python', shell: 'bash', ini: 'ini', javascript: 'typescript', yaml: 'yaml', json: 'json' } as const satisfies Partial<Record<FileType, string>>;
type FloorParser = (typeof FLOOR_PARSERS)[keyof typeof FLOOR_PARSERS];

/**
 * Where a parse floor process's time went, as it measured it (parseFloor.mjs), ms: the process's
 * start, reading, tree-sitter's grammars, and each parser (its library's loading included).
 * In the bench's results, each the median over the runs.
 */
interface FloorSplit {
  startup: number;
  read: number;
  grammars: number;
  parse: Partial<Record<FloorParser, number>>;
}

/** The median of each part of `splits`: where the parse floor's time goes, run to run. */
function medianSplit(splits: readonly FloorSplit[]): FloorSplit {
  const parsers = [...new Set(splits.flatMap((s) => Object.keys(s.parse)))] as FloorParser[];
  return {
    startup: median(splits.map((s) => s.startup)),
    read: median(splits.map((s) => s.read)),
    grammars: median(splits.map((s) => s.grammars)),
    parse: Object.fromEntries(parsers.map((p) => [p, median(splits.map((s) => s.parse[p] ?? 0))])),
  };
}

/** A file the scan reads, and the parser the parse floor parses it with (none when the scan found nothing in it). */
interface SourceToRead {
  absPath: string;
  parser?: FloorParser;
}

/**
 * The files a scan reads (their total size) and, from this process's own analysis of the tree,
 * which of them hold a reference or a table, with their detector's parser.
 */
async function sources(root: string): Promise<{ bytes: number; files: SourceToRead[] }> {
  const scanned = await analyzeWorkspace({ root, jobs: 1 });
  const walked = scanned.files.filter((f) => f.kind === 'source' && scanned.analyses.has(f.path));
  const files = walked.map((f): SourceToRead => {
    const a = scanned.analyses.get(f.path)!;
    const type = fileTypeOf(f.path);
    const parser = a.references.length + a.tables.length > 0 && type ? FLOOR_PARSERS[type as keyof typeof FLOOR_PARSERS] : undefined;
    return { absPath: f.absPath, ...(parser ? { parser } : {}) };
  });
  return { bytes: walked.reduce((n, f) => n + f.size, 0), files };
}

/**
 * Times of `runs` floor processes (`script` over `list`, after one warm-up), each checked to
 * have read `files` files and, for the parse floor, parsed `parsed`; with what each printed after
 * its counts (the parse floor's split, as JSON).
 */
async function floorRuns(script: string, list: string, files: number, runs: number, parsed?: number): Promise<{ times: number[]; printed: string[] }> {
  const times: number[] = [];
  const printed: string[] = [];
  const name = path.basename(script);
  for (let i = 0; i <= runs; i++) {
    const s = await runMeasured(process.execPath, [script, list]);
    if (s.code !== 0) throw new Error(`${name} exited ${s.code}: ${s.stderr}`);
    const [first, ...rest] = s.stdout.trim().split('\n');
    const counts = first.split(' ').map(Number);
    if (counts[0] !== files || (parsed !== undefined && counts[2] !== parsed)) {
      throw new Error(`${name} printed ${first} for ${files} files${parsed === undefined ? '' : ` and ${parsed} to parse`}`);
    }
    if (i > 0) {
      times.push(s.ms);
      printed.push(rest.join('\n'));
    }
  }
  return { times, printed };
}

async function scanTree(root: string, runs: number, rg: boolean): Promise<Omit<TreeResult, 'tree' | 'generated'>> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'dbaudit-bench-out-')), 'report.json');
  const args = [BIN, 'scan', root, '--format', 'json', '--output', out];
  const { bytes, files } = await sources(root);
  const list = path.join(path.dirname(out), 'sources.txt');
  writeFileSync(list, files.map((f) => f.absPath).join('\n') + '\n');
  const parseList = path.join(path.dirname(out), 'parse.txt');
  writeFileSync(parseList, files.map((f) => `${f.parser ?? '-'}\t${f.absPath}`).join('\n') + '\n');
  const parsed: Partial<Record<FloorParser, number>> = {};
  for (const f of files) if (f.parser) parsed[f.parser] = (parsed[f.parser] ?? 0) + 1;
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const s = await runMeasured(process.execPath, args);
    if (s.code !== 0 && s.code !== 1) throw new Error(`db-audit exited ${s.code}: ${s.stderr}`);
    if (i > 0) samples.push(s); // the first run warms the page cache, as a CI checkout's second step would find it
  }
  const timed = await runMeasured(process.execPath, [...args, '--timings']);
  const phases = parseTimings(timed.stderr);
  if (!phases) throw new Error(`db-audit --timings printed no timings: ${timed.stderr}`);
  const reportText = readFileSync(out, 'utf8');
  const report = JSON.parse(reportText) as { filesScanned: number; references: unknown[]; findings: unknown[] };
  const warm = await warmCacheRuns(args, out, reportText, runs);
  const floor = (await floorRuns(READ_FLOOR, list, files.length, runs)).times;
  const parseRuns = await floorRuns(PARSE_FLOOR, parseList, files.length, runs, Object.values(parsed).reduce((n, c) => n + c, 0));
  const parseFloor = parseRuns.times;
  const split = medianSplit(parseRuns.printed.map((p) => JSON.parse(p) as FloorSplit));
  rmSync(path.dirname(out), { recursive: true, force: true });
  const all = samples.map((s) => s.ms);
  const ms = median(all);
  const rss = samples.map((s) => s.peakRss).filter((x): x is number => x !== undefined);
  const result: Omit<TreeResult, 'tree' | 'generated'> = {
    files: report.filesScanned,
    bytes,
    runs,
    ms: { median: ms, min: Math.min(...all), max: Math.max(...all), all },
    filesPerSec: report.filesScanned / (ms / 1000),
    mbPerSec: bytes / 1048576 / (ms / 1000),
    ...(rss.length ? { peakRssMb: Math.max(...rss) / 1048576 } : {}),
    findings: report.findings.length,
    references: report.references.length,
    warmCache: { ms: median(warm), all: warm },
    readFloor: { ms: median(floor), all: floor },
    parseFloor: { ms: median(parseFloor), all: parseFloor, parsed, split },
    timings: { phases: Object.fromEntries(phases.phases), ruledOut: phases.ruledOut, garbageCollectionMs: phases.garbageCollectionMs },
  };
  if (rg) {
    // Same tree, same ignore rules (.gitignore), hidden files (.env) included, same size cap.
    const rgArgs = ['--count', '--hidden', '-g', '!.git', '--max-filesize', '2M', '-F', ...RG_CANDIDATES.flatMap((c) => ['-e', c]), root];
    const rgSamples = [];
    for (let i = 0; i <= runs; i++) {
      const s = await runMeasured('rg', rgArgs);
      if (i > 0) rgSamples.push(s);
    }
    const matchingLines = rgSamples[0].stdout.split('\n').reduce((n, l) => n + (Number(l.slice(l.lastIndexOf(':') + 1)) || 0), 0);
    const rgMs = median(rgSamples.map((s) => s.ms));
    result.rg = { ms: rgMs, all: rgSamples.map((s) => s.ms), matchingLines, ratio: ms / rgMs };
    result.warmCache.ratio = result.warmCache.ms / rgMs;
    result.readFloor.ratio = result.readFloor.ms / rgMs;
    result.parseFloor.ratio = result.parseFloor.ms / rgMs;
  }
  return result;
}

/**
 * Times of `runs` scans with a warm `--cache` (one run fills it first). Each must write the same
 * report as the cold scan: a cache that changed the result would be a bug, not a speed-up.
 */
async function warmCacheRuns(args: string[], out: string, coldReport: string, runs: number): Promise<number[]> {
  const cacheArgs = [...args, '--cache', path.join(path.dirname(out), 'cache')];
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const s = await runMeasured(process.execPath, cacheArgs);
    if (s.code !== 0 && s.code !== 1) throw new Error(`db-audit --cache exited ${s.code}: ${s.stderr}`);
    if (readFileSync(out, 'utf8') !== coldReport) throw new Error('the scan with a warm --cache wrote a different report than the cold scan');
    if (i > 0) times.push(s.ms);
  }
  return times;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const fileCount = (n: number) => `${fmt(n)} ${n === 1 ? 'file' : 'files'}`;

function table(rows: TreeResult[], startup: number): string {
  const head = ['tree', 'files', 'MB', 'median ms', 'files/s', 'MB/s', 'peak RSS MB', 'findings', 'rg ms', 'ours/rg', 'warm --cache ms', 'warm/rg', 'read floor ms', 'read floor/rg', 'parse floor ms', 'parse floor/rg'];
  const body = rows.map((r) => [
    r.tree, fmt(r.files), fmt(r.bytes / 1048576, 1), fmt(r.ms.median), fmt(r.filesPerSec), fmt(r.mbPerSec, 1),
    r.peakRssMb === undefined ? '-' : fmt(r.peakRssMb), fmt(r.findings), r.rg ? fmt(r.rg.ms) : '-', r.rg ? fmt(r.rg.ratio, 1) + '×' : '-',
    fmt(r.warmCache.ms), r.warmCache.ratio === undefined ? '-' : fmt(r.warmCache.ratio, 1) + '×',
    fmt(r.readFloor.ms), r.readFloor.ratio === undefined ? '-' : fmt(r.readFloor.ratio, 1) + '×',
    fmt(r.parseFloor.ms), r.parseFloor.ratio === undefined ? '-' : fmt(r.parseFloor.ratio, 1) + '×',
  ]);
  body.push(['(empty dir: start-up)', '0', '0', fmt(startup), ...head.slice(4).map(() => '')]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [line(head), '| ' + widths.map((w, i) => (i === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ') + ' |', ...body.map(line)].join('\n');
}

/** Where each tree's parse floor spent its time: start-up, reading, grammars, each parser with its files. */
function floorLines(rows: TreeResult[]): string {
  return rows
    .map((r) => {
      const { startup, read, grammars, parse } = r.parseFloor.split;
      const parsers = (Object.entries(parse) as [FloorParser, number][]).sort((a, b) => b[1] - a[1]).map(([p, ms]) => `${p} ${fmt(ms)} (${fileCount(r.parseFloor.parsed[p] ?? 0)})`);
      return `${r.tree}: ${fmt(r.parseFloor.ms)} ms, of which start-up ${fmt(startup)}, read ${fmt(read)}${grammars > 0 ? `, grammars ${fmt(grammars)}` : ''}${parsers.length ? `, ${parsers.join(', ')}` : ''}`;
    })
    .join('\n');
}

/** Where each tree's `--timings` scan spent its time: the phases of 5% or more, largest first. */
function timingsLines(rows: TreeResult[]): string {
  return rows
    .map((r) => {
      const total = r.timings.phases.total?.ms ?? 0;
      const big = Object.entries(r.timings.phases)
        .filter(([name, p]) => name !== 'total' && p.ms >= total * 0.05)
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([name, p]) => `${name} ${fmt(p.ms)}${p.files ? ` (${fileCount(p.files)})` : ''}`);
      const gc = r.timings.garbageCollectionMs === undefined ? '' : `; garbage collection ${fmt(r.timings.garbageCollectionMs)} ms inside them`;
      return `${r.tree}: ${fmt(total)} ms, of which ${big.join(', ')}${gc}`;
    })
    .join('\n');
}

function editorTable(e: EditorLatency): string {
  const r = (x: number) => fmt(x, 1);
  return [
    `editor (${path.basename(e.workspace)}): first diagnostics of an open file ${r(e.firstDiagnosticsMs)} ms after initialized (initial scan ${r(e.initialScanMs)} ms); of a TS file, whose first open loads the compiler, ${r(e.firstDiagnosticsTypeScriptMs)} ms`,
    `  hover during the scan: p50 ${r(e.hoverDuringScan.p50)} ms, p95 ${r(e.hoverDuringScan.p95)} ms, max ${r(e.hoverDuringScan.max)} ms (${e.hoverDuringScan.count} requests); idle p95 ${r(e.hoverIdle.p95)} ms`,
    ...Object.entries(e.edits).map(([lang, x]) => `  didChange → publishDiagnostics, ${x.lines}-line ${lang} file, ${x.edits} edits: p50 ${r(x.p50)} ms, p95 ${r(x.p95)} ms, max ${r(x.max)} ms`),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '5' },
      seed: { type: 'string', default: '1' },
      sizes: { type: 'string', default: '1000,10000' },
      large: { type: 'boolean', default: false },
      'no-editor': { type: 'boolean', default: false },
      edits: { type: 'string', default: '200' },
    },
  });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  const sizes = positionals.length ? [] : values.sizes.split(',').map(Number);
  if (values.large && !positionals.length) sizes.push(100_000);
  const rg = hasRg();
  if (!rg) console.log('rg is not on PATH: no ripgrep comparison in this run');

  const work = path.join(os.tmpdir(), 'dbaudit-bench');
  const trees: Array<{ tree: string; root: string; generated?: { files: number; seed: number } }> = [];
  for (const n of sizes) {
    const root = path.join(work, `files-${n}-seed-${seed}`);
    writeTree(root, generateTree(n, seed));
    trees.push({ tree: `generated ${fmt(n)}`, root, generated: { files: n, seed } });
  }
  for (const p of positionals) trees.push({ tree: path.basename(path.resolve(p)), root: path.resolve(p) });

  const empty = mkdtempSync(path.join(os.tmpdir(), 'dbaudit-bench-empty-'));
  const startupRuns: number[] = [];
  for (let i = 0; i < 5; i++) startupRuns.push((await runMeasured(process.execPath, [BIN, 'scan', empty, '--format', 'json', '--output', os.devNull])).ms);
  const startup = median(startupRuns);
  rmSync(empty, { recursive: true, force: true });

  const rows: TreeResult[] = [];
  for (const t of trees) {
    process.stdout.write(`scanning ${t.tree} (${t.root}) ${runs + 1}× ...\n`);
    rows.push({ tree: t.tree, ...(t.generated ? { generated: t.generated } : {}), ...(await scanTree(t.root, runs, rg)) });
  }
  console.log(`\nnode ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB; medians of ${runs} CLI runs after one warm-up (cold process; warm page cache; "warm --cache": with a filled --cache DIR)\n`);
  console.log(table(rows, startup));
  console.log(`\nwhere a cold scan's time goes (db-audit scan --timings, one more run; phases of 5% or more, ms):\n${timingsLines(rows)}`);
  console.log(`\nwhere the parse floor's time goes (as it measured itself, medians, ms):\n${floorLines(rows)}`);

  // The language server's initial scan of each tree: time and the server's peak memory.
  const servers: ServerScan[] = [];
  if (!values['no-editor']) {
    for (const t of trees) {
      const s = await measureServerScan(t.root);
      servers.push(s);
      console.log(`server scan of ${t.tree}: ${fmt(s.scanMs / 1000, 1)} s, server peak RSS ${s.peakRssMb === undefined ? '-' : fmt(s.peakRssMb) + ' MB'}`);
    }
  }

  let editor: EditorLatency | undefined;
  const editorRoot = trees.find((t) => t.generated?.files === 10_000)?.root ?? trees[trees.length - 1]?.root;
  if (!values['no-editor'] && editorRoot) {
    console.log(`\nmeasuring editor latency in ${editorRoot} ...`);
    editor = await measureEditor(editorRoot, Number(values.edits));
    console.log(editorTable(editor));
  }

  const results = path.join(REPO, 'bench/results');
  mkdirSync(results, { recursive: true });
  const file = path.join(results, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: os.totalmem() / 2 ** 30 };
  writeFileSync(file, JSON.stringify({ machine, runs, startupMs: startup, rgCandidates: rg ? RG_CANDIDATES : undefined, trees: rows, servers, editor }, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(REPO, file)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
