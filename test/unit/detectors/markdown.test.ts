import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../../server/src/engine/treeSitter';
import { detectMarkdown } from '../../../server/src/engine/detectors/markdown';
import type { DbReference } from '../../../server/src/engine/types';
import { summary } from '../../helpers/references';

before(async () => {
  await loadGrammars();
});

test('prose, links and HTML comments are not references; inline code spans are searched', () => {
  const text = [
    '# Databases',
    '',
    'We keep auth.db and zoe.db, see [docs](https://db.example.com) and postgresql://u:p@h/prose.',
    'Set `DATABASE_PATH` to `` /app/data/zoe.db `` or `sqlite:///x.db`, not \\`escaped.db`.',
    '<!-- `old/auth.db` is gone -->',
    '<!--',
    '```sh',
    'cp sessions.db /backup',
    '```',
    '-->',
    'A span `across',
    'lines/a.db` ends here; an `unclosed span.db',
    '',
  ].join('\n');
  const { references } = detectMarkdown({ path: 'docs/README.md', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'zoe.db', '', 3, 26, 3, 42],
    ['connection-url', 'x.db', '', 3, 50, 3, 64],
    ['sqlite-path', 'a.db', '', 11, 0, 11, 10],
  ]);
  assert.ok(references.every((r) => r.path === 'docs/README.md'));
});

test('a python fence is analyzed as Python and its references moved to the fence; comments stay comments', () => {
  const text = ['Intro', '', '```python title="config.py"', 'import os', 'path = os.getenv("DATABASE_PATH", "/app/data/zoe.db")  # not auth.db', '```', ''].join('\n');
  const { references } = detectMarkdown({ path: 'README.md', text });
  assert.deepEqual(summary(references), [
    ['env-read', 'DATABASE_PATH', '', 4, 18, 4, 31],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 4, 35, 4, 51],
  ]);
  assert.ok(references.every((r) => r.path === 'README.md'));
});

test('an indented fence in a list keeps exact columns; its definitions belong to the fence', () => {
  const text = ['1. In a list:', '', '   ```bash', '   export DATABASE_URL=postgresql://app:pw@db/mobius', '     echo "$DATABASE_URL" # auth.db', '   ```', ''].join('\n');
  const { references } = detectMarkdown({ path: 'docs/setup.md', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 3, 10, 3, 22],
    ['connection-url', 'mobius', '', 3, 23, 3, 52],
    ['env-read', 'DATABASE_URL', '', 4, 12, 4, 24],
  ]);
  const define = references.find((r) => r.kind === 'env-define')!;
  assert.equal(define.environment, 'docs/setup.md:3');
  const url = references.find((r) => r.kind === 'connection-url')!;
  assert.equal(url.value, 'postgresql://app:***@db/mobius');
  assert.equal(url.credentials, true);
});

test('console blocks: prompts are stripped, output lines are searched for literals only', () => {
  const text = ['```console', '$ sqlite3 data/memory.db .tables', 'users  rag_documents', 'DB_FILE=backup.db', '$ export X=1', '```'].join('\n');
  const { references } = detectMarkdown({ path: 'ops.md', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'memory.db', '', 1, 10, 1, 24],
    ['sqlite-path', 'backup.db', '', 3, 8, 3, 17],
    ['env-define', 'X', '', 4, 9, 4, 10],
  ]);
});

test('fences by CommonMark: tildes, longer closers, inner shorter fences, unknown languages, unclosed fences', () => {
  const text = [
    '~~~',
    'plain text with sessions.db',
    '~~~',
    '````markdown',
    '```',
    'nested/inner.db',
    '```',
    '`````',
    'after the fence, auth.db is prose',
    '```dotenv',
    'MEMORY_DB_PATH=/app/data/memory.db',
    '# LEGACY=/old/auth.db',
    '',
  ].join('\n');
  const { references } = detectMarkdown({ path: 'x.markdown', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'sessions.db', '', 1, 16, 1, 27],
    ['sqlite-path', 'inner.db', '', 5, 0, 5, 15],
    ['env-define', 'MEMORY_DB_PATH', '', 10, 0, 10, 14],
    ['sqlite-path', 'memory.db', '', 10, 15, 10, 34],
  ]);
  assert.equal(references.find((r) => r.kind === 'env-define')!.environment, 'x.markdown:10');
});

test('a compose fence keeps its service environment, qualified by the fence', () => {
  const text = ['Compose:', '```yaml', 'services:', '  api:', '    environment:', '      DATABASE_URL: postgresql://db/mobius', '```'].join('\r\n');
  const { references } = detectMarkdown({ path: 'README.md', text });
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 5, 6, 5, 18],
    ['connection-url', 'mobius', '', 5, 20, 5, 42],
  ]);
  assert.equal(references.find((r) => r.kind === 'env-define')!.environment, 'README.md:2#api');
});
