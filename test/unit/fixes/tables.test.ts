// prefixed-table in Alembic ops and tuple-form __table_args__: before/after snapshots through the
// real detector, rules and fixer; the fixed files parse and the finding is gone.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { syntaxErrors } from '../../../server/src/engine/fixes/parses';
import { findingsOf, fixOne, ready } from './harness';

before(() => ready);

function fixed(path: string, text: string): string {
  const out = fixOne(path, text);
  assert.equal(syntaxErrors(path, out), 0, 'the fixed file parses');
  assert.deepEqual(findingsOf({ files: { [path]: out } }).filter((f) => f.rule === 'prefixed-table'), [], 'the finding is gone');
  return out;
}

test('Alembic: op.create_table("rag_documents", ...) → op.create_table("documents", ..., schema="rag"), in the call\'s layout', () => {
  assert.equal(
    fixed('migrations/versions/001.py', 'from alembic import op\nimport sqlalchemy as sa\n\n\ndef upgrade():\n    op.create_table(\n        "rag_documents",\n        sa.Column("id", sa.Integer, primary_key=True),\n    )\n'),
    'from alembic import op\nimport sqlalchemy as sa\n\n\ndef upgrade():\n    op.create_table(\n        "documents",\n        sa.Column("id", sa.Integer, primary_key=True),\n        schema="rag",\n    )\n',
  );
  assert.equal(
    fixed('m/002.py', 'from alembic import op\n\ndef downgrade():\n    op.drop_table("rag_chunks")\n'),
    'from alembic import op\n\ndef downgrade():\n    op.drop_table("chunks", schema="rag")\n',
  );
  assert.equal(
    fixed('m/003.py', 'from alembic import op\nimport sqlalchemy as sa\n\ndef upgrade():\n    op.create_table("rag_chunks", sa.Column("id", sa.Integer),\n                    sa.Column("doc", sa.Text))\n'),
    'from alembic import op\nimport sqlalchemy as sa\n\ndef upgrade():\n    op.create_table("chunks", sa.Column("id", sa.Integer),\n                    sa.Column("doc", sa.Text), schema="rag")\n',
  );
});

test('Alembic: a call that passes **kwargs is left alone (it may carry schema already)', () => {
  const text = 'from alembic import op\n\ndef upgrade():\n    op.create_table("rag_documents", **KW)\n';
  assert.equal(fixOne('m/004.py', text), text);
});

test('__table_args__ as a tuple: the schema dict is appended, or merged into its trailing dict', () => {
  assert.equal(
    fixed('models.py', 'class Doc(Base):\n    __tablename__ = "rag_documents"\n    __table_args__ = (UniqueConstraint("source"),)\n'),
    'class Doc(Base):\n    __tablename__ = "documents"\n    __table_args__ = (UniqueConstraint("source"), {"schema": "rag"},)\n',
  );
  assert.equal(
    fixed('models2.py', 'class Doc(Base):\n    __tablename__ = "rag_documents"\n    __table_args__ = (\n        UniqueConstraint("source"),\n        {"comment": "docs"},\n    )\n'),
    'class Doc(Base):\n    __tablename__ = "documents"\n    __table_args__ = (\n        UniqueConstraint("source"),\n        {"schema": "rag", "comment": "docs"},\n    )\n',
  );
});
