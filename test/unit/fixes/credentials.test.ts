// credentials-in-connection-string in compose and shell: the password becomes interpolation of the
// engine's conventional variable, whose NAME goes into .env.example; no fix of any finding ever
// writes a password (checked over every fix of the zoe-like fixture plus compose/shell/DSN files).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { auditWorkspace } from '../../../server/src/engine/audit';
import { fixesFor } from '../../../server/src/engine/fixes';
import { fixAllOf, fixesOf, ready } from './harness';

before(() => ready);

test('compose: the password in an environment URL becomes ${POSTGRES_PASSWORD}; .env.example gets the name, no value', () => {
  const compose = 'services:\n  api:\n    environment:\n      DATABASE_URL: postgresql://app:s3cret@db:5432/mobius\n';
  const example = '# Copy to .env\nDATABASE_URL=postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius';
  const { texts, remaining } = fixAllOf({ files: { 'deploy/docker-compose.yml': compose, '.env.example': example } });
  assert.equal(texts['deploy/docker-compose.yml'], 'services:\n  api:\n    environment:\n      DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD}@db:5432/mobius\n');
  assert.equal(texts['.env.example'], `${example}\nPOSTGRES_PASSWORD=\n`);
  assert.deepEqual(remaining.filter((f) => f.rule === 'credentials-in-connection-string'), []);
  // An .env.example that has the var already is left alone; without one, only the URL changes.
  const withVar = `${example}\nPOSTGRES_PASSWORD=\n`;
  assert.equal(fixAllOf({ files: { 'deploy/docker-compose.yml': compose, '.env.example': withVar } }).texts['.env.example'], withVar);
  const [fix] = fixesOf({ files: { 'docker-compose.yml': compose } }, 'credentials-in-connection-string');
  assert.deepEqual([fix.title, fix.isPreferred, fix.edits.length], ['Take the password from POSTGRES_PASSWORD', true, 1]);
});

test('compose list form and MySQL; two different passwords of one engine get the vars they are defined as', () => {
  const compose = [
    'services:',
    '  api:',
    '    environment:',
    '      - "CACHE_URL=mysql://app:pw1@mysql/app"',
    '      - CHAT_DATABASE_URL=postgresql://chat:pw2@db/chat',
    '      - AUDIT_DATABASE_URL=postgresql://audit:pw3@db/audit',
    '',
  ].join('\n');
  assert.equal(fixAllOf({ files: { 'docker-compose.yml': compose } }).texts['docker-compose.yml'], [
    'services:',
    '  api:',
    '    environment:',
    '      - "CACHE_URL=mysql://app:${MYSQL_PASSWORD}@mysql/app"',
    '      - CHAT_DATABASE_URL=postgresql://chat:${CHAT_DATABASE_PASSWORD}@db/chat',
    '      - AUDIT_DATABASE_URL=postgresql://audit:${AUDIT_DATABASE_PASSWORD}@db/audit',
    '',
  ].join('\n'));
});

test('shell: double quotes keep their quoting, single quotes and bare words become double-quoted, a DSN password too', () => {
  const script = [
    '#!/bin/sh',
    'psql "postgresql://app:s3cret@db/mobius" -c "select 1"',
    "pg_dump 'postgres://app:s3cret@db/mobius' > dump.sql",
    'pg_dump postgres://app:s3cret@db/mobius > dump.sql',
    'psql "host=db dbname=mobius user=app password=s3cret"',
    '',
  ].join('\n');
  assert.equal(fixAllOf({ files: { 'scripts/db.sh': script } }).texts['scripts/db.sh'], [
    '#!/bin/sh',
    'psql "postgresql://app:${POSTGRES_PASSWORD}@db/mobius" -c "select 1"',
    'pg_dump "postgres://app:${POSTGRES_PASSWORD}@db/mobius" > dump.sql',
    'pg_dump "postgres://app:${POSTGRES_PASSWORD}@db/mobius" > dump.sql',
    'psql "host=db dbname=mobius user=app password=${POSTGRES_PASSWORD}"',
    '',
  ].join('\n'));
  // Single quotes around text that would expand in double quotes: no fix rather than a changed command.
  assert.deepEqual(fixesOf({ files: { 'a.sh': "psql 'postgresql://app:s3cret@db/mobius?x=$HOME'\n" } }, 'credentials-in-connection-string'), []);
});

const FIXTURE = path.resolve(__dirname, '../../fixtures/zoe-like');
let copy: string;
before(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'dbaudit-secrets-'));
  cpSync(FIXTURE, copy, { recursive: true });
  // Secrets where the fixture has none: a compose file outside allowHardcoded, a script, a DSN, a .env that git would commit.
  mkdirSync(path.join(copy, 'deploy'));
  writeFileSync(path.join(copy, 'deploy/compose.prod.yml'), 'services:\n  rag:\n    environment:\n      PLATFORM_DATABASE_URL: postgresql://zoe:Pr0d-s3cret!@db:5432/zoe_rag\n      CHAT_DATABASE_URL: postgresql://zoe:Pr0d-s3cret!@db:5432/zoe_platform\n');
  writeFileSync(path.join(copy, 'scripts/psql.sh'), '#!/bin/sh\npsql "postgresql://zoe:Tr0ub4dor-zoe-2023@db/zoe_platform"\n');
  writeFileSync(path.join(copy, 'scripts/dsn.sh'), '#!/bin/sh\nexport PGURL=\'host=db dbname=zoe_rag user=zoe password=Dsn-s3cret\'\n');
  writeFileSync(path.join(copy, 'services/rag/extra.py'), 'import psycopg2\nconn = psycopg2.connect("host=db dbname=zoe_rag user=zoe password=Dsn-s3cret")\nURL = f"postgresql://zoe:Tr0ub4dor-zoe-2023@db/zoe_rag"\n');
  writeFileSync(path.join(copy, 'web/src/db.ts'), 'export const url = process.env.X ?? "mysql://root:My-s3cret@db/zoe_rag";\n');
});
after(() => rmSync(copy, { recursive: true, force: true }));

test('no fix of any finding on the fixture (plus compose, shell, DSN and code secrets) writes a password anywhere', async () => {
  const audit = await auditWorkspace({ root: copy });
  const textOf = (rel: string) => {
    try {
      return readFileSync(path.join(copy, rel), 'utf8');
    } catch {
      return undefined;
    }
  };
  const secrets = ['Tr0ub4dor-zoe-2023', 'Pr0d-s3cret!', 'Dsn-s3cret', 'My-s3cret', 'hunter2'];
  const credentialFindings = audit.findings.filter((f) => f.rule === 'credentials-in-connection-string');
  assert.ok(credentialFindings.length >= 6, `${credentialFindings.length} findings with a password`);
  let edits = 0;
  for (const finding of audit.findings) {
    for (const fix of fixesFor(finding, { textOf, config: audit.rulesFile?.config })) {
      for (const secret of secrets) assert.ok(!fix.title.includes(secret), `${finding.rule} ${finding.path}: title "${fix.title}"`);
      for (const e of fix.edits) {
        edits++;
        for (const secret of secrets) assert.ok(!e.newText.includes(secret), `${finding.rule} ${finding.path} → ${e.path}: "${e.newText}"`);
        if (e.path.endsWith('.env.example')) assert.match(e.newText, /^\r?\n?[A-Z_]+=\r?\n$/, 'only a name goes into .env.example');
      }
    }
  }
  assert.ok(edits > 30, `${edits} edits checked`);
  // The compose and shell secrets get a fix, and it adds the name to the fixture's .env.example.
  const outOfCode = credentialFindings.filter((f) => ['deploy/compose.prod.yml', 'scripts/psql.sh', 'scripts/dsn.sh'].includes(f.path));
  assert.equal(outOfCode.length, 4);
  for (const f of outOfCode) {
    const [fix] = fixesFor(f, { textOf, config: audit.rulesFile?.config });
    assert.ok(fix?.isPreferred, `${f.path}:${f.range.start.line + 1}`);
    assert.deepEqual(fix.edits.filter((e) => e.path === '.env.example').map((e) => e.newText), [], 'the fixture\'s .env.example has POSTGRES_PASSWORD already');
  }
});
