// env-mismatch fixes: one per distinct value, none preferred, each writing that value into every
// definition of the group in the finding's environment; before/after snapshots.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../server/src/engine/fixes';
import { findingsOf, fixAllOf, fixesOf, ready, RULES } from './harness';

before(() => ready);

const rulesText = JSON.stringify({ ...RULES, sameDatabase: [['DATABASE_URL', 'CHAT_DATABASE_URL', 'RAG_URL']] }, null, 2);

/** Each fix of the workspace's env-mismatch findings, applied to `path`'s text: title → result (distinct fixes once). */
function applied(files: Record<string, string>, path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const fix of fixesOf({ files, rulesText }, 'env-mismatch')) {
    assert.equal(fix.isPreferred, false, 'a person picks the value');
    assert.ok(fix.edits.every((e) => e.path === path));
    out.set(fix.title, applyEdits(files[path], fix.edits));
  }
  return out;
}

test('.env: one fix per distinct value, titled with the value, rewriting every other var of the group', () => {
  const env = [
    '# local',
    'DATABASE_URL=postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius',
    'CHAT_DATABASE_URL="postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius_chat"  # chat',
    "RAG_URL='postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius'",
    'OTHER=1',
    '',
  ].join('\n');
  const results = applied({ '.env': env }, '.env');
  assert.deepEqual([...results.keys()], [
    'Use postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius for every var of this group',
    'Use postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius_chat for every var of this group',
  ]);
  // Copied as written (dotenv values are self-contained), comments and other lines untouched.
  assert.equal(results.get('Use postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius for every var of this group'), [
    '# local',
    'DATABASE_URL=postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius',
    'CHAT_DATABASE_URL=postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius  # chat',
    "RAG_URL='postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius'",
    'OTHER=1',
    '',
  ].join('\n'));
  assert.equal(results.get('Use postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius_chat for every var of this group'), [
    '# local',
    'DATABASE_URL="postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius_chat"',
    'CHAT_DATABASE_URL="postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius_chat"  # chat',
    'RAG_URL="postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius_chat"',
    'OTHER=1',
    '',
  ].join('\n'));
  // Applied, the mismatch is gone; fix-all (preferred fixes only) leaves the choice alone.
  for (const text of results.values()) assert.deepEqual(findingsOf({ files: { '.env': text }, rulesText }).filter((f) => f.rule === 'env-mismatch'), []);
  assert.equal(fixAllOf({ files: { '.env': env }, rulesText }).texts['.env'], env);
});

test('compose: the map form and the list form of a service, only that service edited', () => {
  const compose = [
    'services:',
    '  api:',
    '    environment:',
    '      DATABASE_URL: postgresql://app@db:5432/mobius',
    '      CHAT_DATABASE_URL: "postgresql://app@db:5432/mobius_chat"',
    '  worker:',
    '    environment:',
    '      - DATABASE_URL=postgresql://app@db:5432/mobius',
    '      - "CHAT_DATABASE_URL=postgresql://app@db:5432/mobius_chat"',
    '  other:',
    '    environment:',
    '      CHAT_DATABASE_URL: postgresql://app@db:5432/elsewhere',
    '',
  ].join('\n');
  const files = { 'docker-compose.yml': compose };
  assert.equal(findingsOf({ files, rulesText }).filter((f) => f.rule === 'env-mismatch').length, 4);
  const results = applied(files, 'docker-compose.yml');
  assert.deepEqual([...results.keys()], [
    'Use postgresql://app@db:5432/mobius for every var of this group',
    'Use postgresql://app@db:5432/mobius_chat for every var of this group',
  ]);
  // Each finding's fixes edit its own service, each place keeping its quoting; the titles repeat across services, so look at every fix.
  const all = fixesOf({ files, rulesText }, 'env-mismatch').map((f) => applyEdits(compose, f.edits));
  assert.ok(all.includes(compose.replace('CHAT_DATABASE_URL: "postgresql://app@db:5432/mobius_chat"', 'CHAT_DATABASE_URL: "postgresql://app@db:5432/mobius"')));
  assert.ok(all.includes(compose.replace('DATABASE_URL: postgresql://app@db:5432/mobius\n', 'DATABASE_URL: postgresql://app@db:5432/mobius_chat\n')));
  assert.ok(all.includes(compose.replace('- "CHAT_DATABASE_URL=postgresql://app@db:5432/mobius_chat"', '- "CHAT_DATABASE_URL=postgresql://app@db:5432/mobius"')));
  assert.ok(all.includes(compose.replace('- DATABASE_URL=postgresql://app@db:5432/mobius\n', '- DATABASE_URL=postgresql://app@db:5432/mobius_chat\n')));
  for (const text of all) {
    assert.ok(text.endsWith('      CHAT_DATABASE_URL: postgresql://app@db:5432/elsewhere\n'), 'the other service is untouched');
    assert.equal(findingsOf({ files: { 'docker-compose.yml': text }, rulesText }).filter((f) => f.rule === 'env-mismatch').length, 2, 'one service fixed, the other left');
  }
});

test('compose: a value copied between places quoted differently is written in each place\'s own quoting and reads back the same', () => {
  const compose = [
    'services:',
    '  api:',
    '    build:',
    '      args:',
    "        RAG_URL: 'postgresql://app@db/mobius#x'",
    '    environment:',
    '      DATABASE_URL: postgresql://app@db/other',
    '',
  ].join('\n');
  // `#` after a non-space is no comment: the plain scalar reads back as the URL.
  const results = applied({ 'docker-compose.yml': compose }, 'docker-compose.yml');
  assert.equal(results.get('Use postgresql://app@db/mobius#x for every var of this group'), compose.replace('DATABASE_URL: postgresql://app@db/other', 'DATABASE_URL: postgresql://app@db/mobius#x'));
  assert.equal(results.get('Use postgresql://app@db/other for every var of this group'), compose.replace("RAG_URL: 'postgresql://app@db/mobius#x'", "RAG_URL: 'postgresql://app@db/other'"));
});

test('the fixes are offered in allowHardcoded files too (a choice, never automatic), and the fixture\'s compose gets them', () => {
  const rules = JSON.stringify({ ...RULES, sameDatabase: [['DATABASE_URL', 'CHAT_DATABASE_URL']], allowHardcoded: ['docker-compose*.yml'] }, null, 2);
  const compose = 'services:\n  a:\n    environment:\n      DATABASE_URL: postgresql://db/mobius\n      CHAT_DATABASE_URL: postgresql://db/mobius_chat\n';
  const fixes = fixesOf({ files: { 'docker-compose.yml': compose }, rulesText: rules }, 'env-mismatch');
  assert.equal(fixes.length, 4, 'two findings, two values each');
  assert.ok(fixes.every((f) => !f.isPreferred));
});

test('a value holding a literal password is never copied: only the other values are offered', () => {
  const env = 'DATABASE_URL=postgresql://app:hunter2@db/mobius\nCHAT_DATABASE_URL=postgresql://app:${POSTGRES_PASSWORD}@db/mobius\n';
  const fixes = fixesOf({ files: { '.env': env }, rulesText }, 'env-mismatch');
  assert.deepEqual([...new Set(fixes.map((f) => f.title))], ['Use postgresql://app:${POSTGRES_PASSWORD}@db/mobius for every var of this group']);
  assert.ok(fixes.every((f) => f.edits.every((e) => !e.newText.includes('hunter2'))));
});
