// Which database a finding is about, by the name the databases summary uses: what "Fix all
// references to this database" filters on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { auditWorkspace } from '../../server/src/engine/audit';
import { DatabaseResolver } from '../../server/src/engine/databases';

test('each finding of the fixture names the database the summary lists it under', async () => {
  const audit = await auditWorkspace({ root: path.resolve(__dirname, '../fixtures/zoe-like') });
  const resolver = new DatabaseResolver(audit.rulesFile?.config);
  const about = (rule: string, found: string) => {
    const f = audit.findings.find((x) => x.rule === rule && x.data.found === found);
    assert.ok(f, `a ${rule} finding for ${found}`);
    return resolver.databaseOfFinding(f);
  };
  assert.equal(about('legacy-database', 'auth.db'), 'auth.db');
  assert.equal(about('legacy-env-var', 'RAG_DATABASE_URL'), 'platform');
  assert.equal(about('prefixed-table', 'rag_documents'), 'platform');
  assert.equal(about('undeclared-database-file', 'scratch.db'), 'scratch.db');
  // env-mismatch is about a group of vars, not one database.
  const mismatch = audit.findings.find((x) => x.rule === 'env-mismatch');
  assert.ok(mismatch);
  assert.equal(resolver.databaseOfFinding(mismatch), undefined);
  // Every name a finding resolves to is a row of the summary.
  const names = new Set(audit.databases.map((d) => d.name));
  for (const f of audit.findings) {
    const db = resolver.databaseOfFinding(f);
    if (db !== undefined) assert.ok(names.has(db), `${f.rule} ${f.data.found} → ${db} is in the summary`);
  }
});
