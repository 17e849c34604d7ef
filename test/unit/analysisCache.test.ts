// The per-file analysis cache: content-addressed, bounded per path so an editing session (a new
// text per keystroke) does not grow it without end, and, kept across runs, holding the keys of
// the files the prefilter ruled out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisCache } from '../../server/src/engine/audit';
import { ENV_ONLY, fileTypeOf, lacksParse, NOTHING } from '../../server/src/engine/detectors';
import { RuledOutKeys } from '../../server/src/engine/ruledOutKeys';
import { loadGrammars } from '../../server/src/engine/treeSitter';

const version = (n: number) => `import sqlite3\nconn = sqlite3.connect("/app/data/auth.db")  # edit ${n}\n`;

test('the same text of the same path is analyzed once', () => {
  const cache = new AnalysisCache();
  const a = cache.analyze('svc/a.py', version(1));
  assert.equal(cache.analyze('svc/a.py', version(1)), a);
  assert.equal(a.references[0].target, 'auth.db');
  assert.equal(cache.size, 1);
});

test('a path keeps the analyses of its two latest texts; older versions are dropped', () => {
  const cache = new AnalysisCache();
  for (let n = 0; n < 50; n++) cache.analyze('svc/a.py', version(n));
  cache.analyze('svc/b.py', version(0));
  assert.equal(cache.size, 3);
  const latest = cache.analyze('svc/a.py', version(49));
  assert.equal(cache.analyze('svc/a.py', version(48)) !== undefined, true);
  assert.equal(cache.analyze('svc/a.py', version(49)), latest, 'the latest two stay cached');
  assert.deepEqual(cache.used().map(([, a]) => a !== undefined), [true, true, true], 'used() lists only what is held');
});

// An editor's document: its detector keeps the parse, so that the first edit of a big file
// updates it instead of parsing the whole file again (parseCache.ts).
const editorCases = [
  { path: 'svc/open_doc.py', text: version(7) },
  { path: 'web/open_doc.ts', text: `import Database from 'better-sqlite3';\nconst db = new Database('/app/data/auth.db');\n` },
];

for (const { path, text } of editorCases) {
  test(`keepParse: ${path} opened with the text the scan cached gets its parse kept, with the same analysis`, async () => {
    await loadGrammars();
    const cache = new AnalysisCache();
    const scanned = cache.analyze(path, text); // the scan: once, nothing kept
    assert.equal(scanned.references[0].target, 'auth.db');
    assert.equal(cache.analyze(path, text, undefined, true), scanned, 'the open is a cache hit');
    assert.equal(lacksParse(fileTypeOf(path)!, path), true, 'a hit runs no detector');
    cache.keepParse(path, text);
    assert.equal(lacksParse(fileTypeOf(path)!, path), false);
    assert.deepEqual(cache.analyze(path, text), scanned);
  });

  test(`analyze with editing: ${path}'s detector keeps the parse of a text not cached yet`, async () => {
    await loadGrammars();
    const cache = new AnalysisCache();
    const edited = path.replace('open_doc', 'edited_doc');
    cache.analyze(edited, text, undefined, true);
    assert.equal(lacksParse(fileTypeOf(edited)!, edited), false);
  });
}

test('keepParse: types without an incremental detector, and files the prefilter rules out, run no detector', async () => {
  await loadGrammars();
  const cache = new AnalysisCache();
  cache.keepParse('svc/plain.py', 'print("hello")\n');
  assert.equal(lacksParse('python', 'svc/plain.py'), true, 'ruled out: nothing to parse');
  assert.equal(cache.size, 0);
  cache.keepParse('deploy/compose.yml', 'services:\n  db:\n    image: postgres\n');
  assert.equal(lacksParse('yaml', 'deploy/compose.yml'), false, 'yaml keeps no parse');
  assert.equal(cache.size, 0);
});

// A cache kept across runs (`--cache`) also keeps the keys of the files the prefilter ruled out
// (ruledOutKeys.ts): hashing a file costs a tenth of the prefilter.
const RULED_OUT = 'util/strings.py';
const RULED_OUT_TEXT = 'def title(s):\n    return s.title()\n';
const ENV_ONLY_PATH = 'svc/store.py';
const ENV_ONLY_TEXT = 'import os\nSTORE = os.environ["X_STORE"]\n';

test('a cache with ruled-out keys keeps what the prefilter said of each file, by key, with its filter', () => {
  const cache = new AnalysisCache(new RuledOutKeys());
  const filter = { declaredEnvNames: [] };
  assert.equal(cache.analyze(RULED_OUT, RULED_OUT_TEXT, filter), NOTHING);
  assert.equal(cache.analyze(ENV_ONLY_PATH, ENV_ONLY_TEXT, filter), ENV_ONLY);
  assert.equal(cache.analyze('svc/a.py', version(1), filter).references[0].target, 'auth.db');
  assert.deepEqual(cache.ruledOut!.stored(), {
    filter: [],
    nothing: [AnalysisCache.key(RULED_OUT, RULED_OUT_TEXT)],
    envOnly: [AnalysisCache.key(ENV_ONLY_PATH, ENV_ONLY_TEXT)],
  });
  assert.equal(cache.size, 1, 'analyses are held only for the file analyzed');
});

test('a stored ruled-out key is looked up before the prefilter runs', () => {
  // Doctored: the key of a file that names a database, stored as ruled out. Only a lookup that
  // comes first returns NOTHING for it; the prefilter would let it through.
  const doctored = AnalysisCache.key('svc/a.py', version(1));
  const cache = new AnalysisCache(new RuledOutKeys({ filter: [], nothing: [doctored], envOnly: [] }));
  assert.equal(cache.analyze('svc/a.py', version(1), { declaredEnvNames: [] }), NOTHING);
  assert.equal(cache.analyze('svc/a.py', version(2), { declaredEnvNames: [] }).references[0].target, 'auth.db', 'another text has another key');
});

test('ruled-out keys made under another filter are dropped: a variable the rules file now declares is read', () => {
  const keys = new RuledOutKeys();
  assert.equal(new AnalysisCache(keys).analyze(ENV_ONLY_PATH, ENV_ONLY_TEXT, { declaredEnvNames: [] }), ENV_ONLY);
  const next = new AnalysisCache(new RuledOutKeys(keys.stored()));
  const analysis = next.analyze(ENV_ONLY_PATH, ENV_ONLY_TEXT, { declaredEnvNames: ['X_STORE'] });
  assert.deepEqual(analysis.references.map((r) => [r.kind, r.envVar]), [['env-read', 'X_STORE']]);
  assert.deepEqual(next.ruledOut!.stored(), { filter: ['X_STORE'], nothing: [], envOnly: [] });
});

test('without ruled-out keys (the language server, a scan without --cache) nothing ruled out is hashed or kept', () => {
  const cache = new AnalysisCache();
  assert.equal(cache.analyze(RULED_OUT, RULED_OUT_TEXT, { declaredEnvNames: [] }), NOTHING);
  assert.equal(cache.ruledOut, undefined);
  assert.equal(cache.size, 0);
  assert.deepEqual(cache.used(), []);
});
