import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRulesFile } from '../../server/src/engine/config/rulesFile';

const GOOD = `{
  // target architecture
  "databases": {
    "zoe":    { "engine": "sqlite", "file": "/app/data/zoe.db", "env": "DATABASE_PATH", "role": "primary",
                "absorbs": ["auth.db", "sessions.db"] },
    "platform": { "engine": "postgres", "env": "DATABASE_URL", "absorbs": ["mobius_rag"], "aliases": ["RAG_DATABASE_URL"],
                  "schemas": { "rag": { "tablePrefix": "rag_" } } },
  },
  "sameDatabase": [["CHAT_RAG_DATABASE_URL", "CHAT_DATABASE_URL"]],
  "allowHardcoded": ["**/config.py"],
  "forbidNewDatabaseFiles": true,
  "rules": { "hardcoded-database-path": "warning", "prefixed-table": "off" }
}`;

test('a valid JSONC rules file (comments, trailing commas) parses into the config', () => {
  const { config, problems } = parseRulesFile(GOOD, 'dbaudit.json');
  assert.deepEqual(problems, []);
  assert.ok(config);
  assert.deepEqual(config.databases.map((d) => [d.name, d.role, d.env]), [['zoe', 'primary', 'DATABASE_PATH'], ['platform', 'primary', 'DATABASE_URL']]);
  assert.deepEqual(config.databases[0].absorbsRanges['sessions.db'], { start: { line: 4, character: 39 }, end: { line: 4, character: 52 } });
  assert.deepEqual(config.rules, { 'hardcoded-database-path': 'warning', 'prefixed-table': 'off' });
  assert.equal(config.forbidNewDatabaseFiles, true);
  assert.deepEqual(config.databases[1].schemas, { rag: { tablePrefix: 'rag_' } });
});

test('a syntax error is reported at its place and yields no config', () => {
  const { config, problems } = parseRulesFile('{ "databases": { "zoe": { } }', 'dbaudit.json');
  assert.equal(config, undefined);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /Syntax error/);
});

test('unknown keys, unknown rules, bad severities and bad env var names are schema errors with ranges', () => {
  const text = '{\n  "databses": {},\n  "rules": { "no-such-rule": "error", "legacy-database": "fatal" },\n  "databases": { "a": { "env": "1BAD" } }\n}';
  const { problems } = parseRulesFile(text, 'dbaudit.json');
  const messages = problems.map((p) => p.message);
  assert.ok(messages.includes('Unknown key "databses"'), messages.join('\n'));
  assert.ok(messages.some((m) => m === 'Unknown rule "no-such-rule"'), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('/rules/legacy-database must be one of')), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('/databases/a/env')), messages.join('\n'));
  const unknownKey = problems.find((p) => p.message === 'Unknown key "databses"')!;
  assert.deepEqual(unknownKey.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 12 } });
});

test('a database absorbed twice, a self-absorb, a shared env var and a bad glob are reported', () => {
  const text = JSON.stringify({
    databases: {
      zoe: { file: '/d/zoe.db', env: 'DATABASE_PATH', absorbs: ['auth.db', 'zoe.db'] },
      memory: { file: '/d/memory.db', env: 'DATABASE_PATH', absorbs: ['auth.db'] },
    },
    ignore: ['docs/[archive/**'],
  }, null, 2);
  const messages = parseRulesFile(text, 'dbaudit.json').problems.map((p) => p.message);
  assert.ok(messages.includes('"auth.db" is absorbed twice: by "zoe" and by "memory"'), messages.join('\n'));
  assert.ok(messages.includes('"zoe" cannot absorb itself ("zoe.db")'), messages.join('\n'));
  assert.ok(messages.includes('Env var DATABASE_PATH locates both "zoe" and "memory"'), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('Invalid glob "docs/[archive/**"')), messages.join('\n'));
});

test('the rules file never throws on garbage', () => {
  for (const text of ['', 'null', '[]', '42', '{"databases": []}', '{"databases": {"x": null}}', '{"sameDatabase": [["A"]]}']) {
    assert.doesNotThrow(() => parseRulesFile(text, 'dbaudit.json'), text);
    assert.ok(parseRulesFile(text, 'dbaudit.json').problems.length > 0, `problems for ${JSON.stringify(text)}`);
  }
});
