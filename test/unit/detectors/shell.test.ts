import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../../server/src/engine/treeSitter';
import fc from 'fast-check';
import { analyzeShellText, detectShell, mayHoldShellReference } from '../../../server/src/engine/detectors/shell';
import { digest, ReferenceCollector } from '../../../server/src/engine/collector';
import type { DbReference } from '../../../server/src/engine/types';
import { summary } from '../../helpers/references';

before(async () => {
  await loadGrammars();
});

test('export with ${DATABASE_PATH:-default}: a definition, a read, and a literal that is only the default', () => {
  const text = 'export DATABASE_PATH="${DATABASE_PATH:-/app/data/zoe.db}"\n';
  const { references } = detectShell({ path: 'scripts/run.sh', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_PATH', '', 0, 7, 0, 20],
    ['env-read', 'DATABASE_PATH', '', 0, 24, 0, 37],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 0, 39, 0, 55],
  ]);
  const define = references.find((r) => r.kind === 'env-define')!;
  assert.equal(define.environment, 'scripts/run.sh');
  assert.equal(define.valueDigest, digest('${DATABASE_PATH:-/app/data/zoe.db}'));
  assert.equal(define.value, 'DATABASE_PATH=${DATABASE_PATH:-/app/data/zoe.db}');
});

test('command arguments and strings are searched; URL passwords are masked; comments are not', () => {
  const text = [
    '#!/bin/bash',
    '# restore the legacy auth.db from postgresql://root:hunter2@old/db',
    'sqlite3 /app/data/auth.db "select count(*) from users"',
    'psql "postgresql://u:p@h/db" -c "select 1"  # then auth.db again',
    '',
  ].join('\n');
  const { references } = detectShell({ path: 'restore.sh', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'auth.db', '', 2, 8, 2, 25],
    ['connection-url', 'db', '', 3, 6, 3, 27],
  ]);
  const url = references[1].kind === 'connection-url' ? references[1] : references[0];
  assert.equal(url.value, 'postgresql://u:***@h/db');
  assert.equal(url.credentials, true);
});

test('assignments of every form define vars; single quotes do not expand', () => {
  const text = [
    'DB_FILE=$DATA_DIR/app.db',
    'declare -x PGHOST=db PGPORT',
    "local NOTE='$HOME is not read'",
    'DATABASE_URL=sqlite:///tmp/t.db pytest -q',
    'export EMPTY=',
  ].join('\n');
  const { references } = detectShell({ path: 'env.sh', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DB_FILE', '', 0, 0, 0, 7],
    ['sqlite-path', 'app.db', '', 0, 8, 0, 24],
    ['env-read', 'DATA_DIR', '', 0, 9, 0, 17],
    ['env-define', 'PGHOST', '', 1, 11, 1, 17],
    ['env-define', 'PGPORT', '', 1, 21, 1, 27],
    ['env-define', 'NOTE', '', 2, 6, 2, 10],
    ['env-define', 'DATABASE_URL', '', 3, 0, 3, 12],
    ['connection-url', 't.db', '', 3, 13, 3, 31],
    ['env-define', 'EMPTY', '', 4, 7, 4, 12],
  ]);
  const byName = new Map(references.filter((r) => r.kind === 'env-define').map((r) => [r.envVar, r]));
  assert.equal(byName.get('PGPORT')!.valueDigest, undefined, '`declare -x NAME` exports without a value');
  assert.equal(byName.get('NOTE')!.valueDigest, digest('$HOME is not read'));
  assert.equal(byName.get('EMPTY')!.valueDigest, digest(''));
});

test('expansions are reads wherever they are; positional and special parameters are not vars', () => {
  const text = 'cp "$1" "${BACKUP_DIR}/$(basename "$SRC_DB")" && echo "$@ $? ${#DATABASE_URL}"\n';
  const { references } = detectShell({ path: 'b.sh', text });
  assert.deepEqual(summary(references).map(([kind, target]) => `${kind}:${target}`), [
    'env-read:BACKUP_DIR', 'env-read:SRC_DB', 'env-read:DATABASE_URL',
  ]);
});

test('a literal inside a command substitution is recorded once; glob patterns and Thumbs.db are not files', () => {
  const text = [
    'SIZE="$(stat -c %s /app/data/zoe.db)"',
    'rm -f *.db data/*.sqlite Thumbs.db',
    'NAME=${DATABASE_PATH##*/} STEM=${DATABASE_PATH%.db}',
  ].join('\n');
  const refs = detectShell({ path: 'c.sh', text }).references;
  assert.deepEqual(summary(refs.filter((r) => r.kind === 'sqlite-path')), [['sqlite-path', 'zoe.db', '', 0, 19, 0, 35]]);
  assert.deepEqual(refs.filter((r) => r.kind === 'env-read').map((r) => r.target), ['DATABASE_PATH', 'DATABASE_PATH']);
});

test('a default that is itself an expansion with a default: the innermost var owns the literal', () => {
  const text = 'sqlite3 "${ZOE_DB:-${DATABASE_PATH:-data/zoe.db}}"';
  const { references } = detectShell({ path: 'd.sh', text });
  assert.deepEqual(summary(references), [
    ['env-read', 'ZOE_DB', '', 0, 11, 0, 17],
    ['env-read', 'DATABASE_PATH', '', 0, 21, 0, 34],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 0, 36, 0, 47],
  ]);
});

test('heredoc bodies are text with expansions; the quoted concatenation keeps its file range', () => {
  const text = ['cat > .env <<EOF', 'DATABASE_PATH=$ROOT/data/zoe.db', 'EOF', 'echo "$DIR"/auth.db'].join('\n');
  const { references } = detectShell({ path: 'h.sh', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'zoe.db', '', 1, 14, 1, 31],
    ['env-read', 'ROOT', '', 1, 15, 1, 19],
    ['sqlite-path', 'auth.db', '', 3, 6, 3, 19],
    ['env-read', 'DIR', '', 3, 7, 3, 10],
  ]);
});

test('analyzeShellText reports positions in the enclosing file', () => {
  const file = { path: 'Dockerfile', text: 'FROM x\nRUN export DATABASE_PATH=/app/data/zoe.db && sqlite3 "$DATABASE_PATH"\n' };
  const c = new ReferenceCollector(file);
  const start = file.text.indexOf('export');
  analyzeShellText(c, file.text.slice(start), start, 'Dockerfile');
  assert.deepEqual(summary(c.result().references), [
    ['env-define', 'DATABASE_PATH', '', 1, 11, 1, 24],
    ['sqlite-path', 'zoe.db', '', 1, 25, 1, 41],
    ['env-read', 'DATABASE_PATH', '', 1, 55, 1, 68],
  ]);
});

test('GitHub ${{ }} expressions do not derail parsing; the value keeps them', () => {
  const text = 'export DB_URL="${{ secrets.DATABASE_URL }}"\nsqlite3 data/zoe.db ".tables"\n';
  const { references } = detectShell({ path: 'w.sh', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DB_URL', '', 0, 7, 0, 13],
    ['sqlite-path', 'zoe.db', '', 1, 8, 1, 19],
  ]);
  assert.equal(references[0].valueDigest, digest('${{ secrets.DATABASE_URL }}'));
});

test('a script that is only comments and text about databases yields nothing', () => {
  const text = '# auth.db, Thumbs.db and postgresql://a:b@c/d are mentioned here only\necho "done"\n';
  assert.deepEqual(detectShell({ path: 'n.sh', text }).references, []);
});

// The gate that spares bash a parse (mayHoldShellReference) must never hide a reference: a
// script it rules out yields nothing even when parsed. Parsing is forced by a first line that is
// a comment with `$` and `=` (comments are never looked at; bash starts the next line afresh),
// so both sides are the real detector.
test('mayHoldShellReference: a script it rules out yields nothing when parsed anyway', () => {
  const fragment = fc.constantFrom(
    'npm run build', 'echo', ' ', '\n', '\t', '"', "'", '\\', '`', '(', ')', '{', '}', '[', ']', ';', '|', '&', '<<EOF', 'EOF',
    'psql', 'd', 'b', '.', 'db', 'sqlite', 'host', 'name', 'x', '-x', '-rx', 'export', 'declare', 'local', 'readonly', 'typeset',
    'DATABASE_URL', 'PG', '=', '$', '${', ':-', '/', ':', '//', 'postgres', 'catalog', '#', 'cd app', 'cat <<', '$(', '<(',
  );
  let ruledOut = 0;
  fc.assert(
    fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
      const text = parts.join('');
      const gated = detectShell({ path: 'run.sh', text });
      if (mayHoldShellReference(text)) return;
      ruledOut++;
      assert.deepEqual(gated.references, []);
      const parsed = detectShell({ path: 'run.sh', text: `# $ =\n${text}` });
      assert.deepEqual(parsed.references, [], `parsed: ${JSON.stringify(text)}`);
    }),
    { numRuns: 3000 },
  );
  assert.ok(ruledOut > 100, `only ${ruledOut} scripts were ruled out: the property was barely tested`);
});

test('mayHoldShellReference: README commands are ruled out; definitions, reads and literals are not', () => {
  assert.equal(mayHoldShellReference('npm install\nnpm run build\n'), false);
  for (const text of ['X=1', 'export DATABASE_URL', 'declare -x PGHOST', 'echo $PGHOST', 'psql "postgres://h/db"', "sqlite3 'data/app.d'b", 'cp a.sqlite3 b']) {
    assert.equal(mayHoldShellReference(text), true, text);
  }
  assert.deepEqual(summary(detectShell({ path: 'run.sh', text: 'declare -x PGHOST\n' }).references), [['env-define', 'PGHOST', '', 0, 11, 0, 17]]);
  assert.deepEqual(summary(detectShell({ path: 'run.sh', text: "sqlite3 'data/app.d'b\n" }).references).map((r) => r[1]), ['app.db']);
});
