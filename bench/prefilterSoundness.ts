// Checks the prefilter's promise on real trees: every code or config file it rules out is run
// through its detector anyway, and nothing the scan would keep may come out. A file ruled out
// (`skip`) must yield no references and no tables; an `env-only` file only reads and definitions
// of variables that are not database variables. Run it after changing prefilter.ts:
//
//   node --import tsx bench/prefilterSoundness.ts DIR... [--types python,javascript]
//   (exit 1 when a file lost something; --types: only files of those types, e.g. to skip a tree's
//   hundreds of MB of JSON data)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { detectorFor, fileTypeOf, type FileType } from '../server/src/engine/detectors';
import { isDatabaseEnvVar } from '../server/src/engine/envVars';
import { prefilter, type ScanFilter } from '../server/src/engine/prefilter';
import { loadGrammars } from '../server/src/engine/treeSitter';
import { DEFAULT_MAX_FILE_SIZE } from '../server/src/engine/workspace';

const NO_DECLARED: ScanFilter = { declaredEnvNames: [] };

/** Files below `dir` the scan would read: of a known type, within the default size limit. */
function* filesUnder(dir: string, types?: ReadonlySet<string>): Generator<{ abs: string; type: FileType }> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(abs, types);
    else if (entry.isFile()) {
      const type = fileTypeOf(abs);
      if (type && (!types || types.has(type)) && statSync(abs).size <= DEFAULT_MAX_FILE_SIZE) yield { abs, type };
    }
  }
}

/** What a ruled-out file's detector finds that the scan would have kept, as lines to print. */
function lost(type: FileType, rel: string, text: string, verdict: 'skip' | 'env-only'): string[] {
  const found = detectorFor(type)({ path: rel, text });
  const kept = found.references.filter((r) =>
    verdict === 'skip' || !(r.kind === 'env-read' || r.kind === 'env-define') || isDatabaseEnvVar(r.envVar!, new Set()),
  );
  return [...kept.map((r) => `${r.kind} ${r.envVar ?? r.target}`), ...found.tables.map((t) => `table ${t.name}`)];
}

async function main(argv: string[]): Promise<number> {
  const { positionals: dirs, values } = parseArgs({ args: argv, allowPositionals: true, options: { types: { type: 'string' } } });
  if (dirs.length === 0) {
    console.error('usage: node --import tsx bench/prefilterSoundness.ts DIR... [--types python,javascript]');
    return 2;
  }
  const types = values.types === undefined ? undefined : new Set(values.types.split(','));
  await loadGrammars();
  let failures = 0;
  for (const dir of dirs) {
    const counts: Record<string, number> = { analyze: 0, skip: 0, 'env-only': 0 };
    for (const { abs, type } of filesUnder(dir, types)) {
      const text = readFileSync(abs, 'utf8');
      const verdict = prefilter(type, text, NO_DECLARED);
      counts[verdict]++;
      if (verdict === 'analyze') continue;
      const missing = lost(type, path.relative(dir, abs), text, verdict);
      if (missing.length > 0) {
        failures++;
        console.log(`LOST ${abs} (${verdict}): ${missing.slice(0, 5).join(', ')}`);
      }
    }
    const ruledOut = counts.skip + counts['env-only'];
    console.log(`${dir}: ${ruledOut} files ruled out (${counts.skip} skip, ${counts['env-only']} env-only), ${counts.analyze} analyzed; every ruled-out file run through its detector`);
  }
  console.log(failures === 0 ? 'nothing lost' : `${failures} files lost something`);
  return failures === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
