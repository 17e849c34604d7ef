// Python fixes: before/after snapshots through the real detector, rules and fixer.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, fixesOf, fixOne, ready } from './harness';

before(() => ready);

test('sqlite3.connect of a legacy file reads DATABASE_PATH, and import os joins the imports after the docstring', () => {
  assert.equal(
    fixOne('svc/auth.py', '"""Accounts."""\nimport sqlite3\n\nconn = sqlite3.connect("/app/data/auth.db")\n'),
    '"""Accounts."""\nimport os\nimport sqlite3\n\nconn = sqlite3.connect(os.getenv("DATABASE_PATH", "/app/data/zoe.db"))\n',
  );
});

test('import os goes after __future__ imports and in order among the plain imports; an existing one is kept', () => {
  assert.equal(
    fixOne('a.py', 'from __future__ import annotations\nimport csv\nimport sqlite3\nDB = "/app/data/auth.db"\n'),
    'from __future__ import annotations\nimport csv\nimport os\nimport sqlite3\nDB = os.getenv("DATABASE_PATH", "/app/data/zoe.db")\n',
  );
  assert.equal(
    fixOne('b.py', 'import os\nimport sqlite3\nDB = "/app/data/auth.db"\n'),
    'import os\nimport sqlite3\nDB = os.getenv("DATABASE_PATH", "/app/data/zoe.db")\n',
  );
  assert.equal(fixOne('c.py', 'DB = "auth.db"\n'), 'import os\n\nDB = os.getenv("DATABASE_PATH", "zoe.db")\n');
});

test('a default argument, an f-string and a Path join keep their form (a Path stays a Path)', () => {
  assert.equal(
    fixOne('a.py', 'import os\ndef f(db="/app/data/auth.db"):\n    pass\n'),
    'import os\ndef f(db=os.getenv("DATABASE_PATH", "/app/data/zoe.db")):\n    pass\n',
  );
  assert.equal(
    fixOne('b.py', 'import os\nx = sqlite3.connect(f"{DATA_DIR}/auth.db")\n'),
    'import os\nx = sqlite3.connect(os.getenv("DATABASE_PATH", f"{DATA_DIR}/zoe.db"))\n',
  );
  assert.equal(
    fixOne('c.py', 'import os\nfrom pathlib import Path\nDB = Path(DATA_DIR) / "data" / "sessions.db"\n'),
    'import os\nfrom pathlib import Path\nDB = Path(os.getenv("DATABASE_PATH", Path(DATA_DIR) / "data" / "zoe.db"))\n',
  );
});

test('a legacy default of another env var is retargeted: both the var and the default', () => {
  assert.equal(
    fixOne('a.py', 'import os\nDB = os.environ.get("AUTH_DB_PATH", "/app/data/auth.db")\n'),
    'import os\nDB = os.environ.get("DATABASE_PATH", "/app/data/zoe.db")\n',
  );
});

test('a hardcoded path to the target itself reads its env var, the target\'s path as the default', () => {
  assert.equal(
    fixOne('a.py', 'import os\nconn = sqlite3.connect("/srv/memory.db")\n'),
    'import os\nconn = sqlite3.connect(os.getenv("MEMORY_DB_PATH", "/app/data/memory.db"))\n',
  );
  assert.equal(
    fixOne('b.py', 'import os\nconn = sqlite3.connect("data/memory.db")\n'),
    'import os\nconn = sqlite3.connect(os.getenv("MEMORY_DB_PATH", "data/memory.db"))\n',
  );
});

test('a URL with a password never stays in code; a password-free one stays as the default', () => {
  assert.equal(
    fixOne('a.py', 'import os\nengine = create_engine("postgresql://app:s3cret@db:5432/mobius")\n'),
    'import os\nengine = create_engine(os.environ["DATABASE_URL"])\n',
  );
  assert.equal(
    fixOne('b.py', 'import os\nengine = create_engine("postgresql://db:5432/mobius")\n'),
    'import os\nengine = create_engine(os.getenv("DATABASE_URL", "postgresql://db:5432/mobius"))\n',
  );
  assert.doesNotMatch(fixOne('c.py', 'URL = "postgresql://app:s3cret@db/mobius_rag"\n'), /s3cret/);
});

test('legacy-env-var renames the read; a legacy database name becomes the target\'s', () => {
  assert.equal(fixOne('a.py', 'import os\nURL = os.getenv("RAG_DATABASE_URL")\n'), 'import os\nURL = os.getenv("DATABASE_URL")\n');
  assert.equal(
    fixOne('b.py', 'psycopg2.connect(dbname="mobius_rag", host=h)\n'),
    'psycopg2.connect(dbname="mobius", host=h)\n',
  );
});

test('prefixed-table: __tablename__ loses the prefix and __table_args__ carries the schema (merged into an existing dict)', () => {
  assert.equal(
    fixOne('m.py', 'class Doc(Base):\n    __tablename__ = "rag_documents"\n\n    id = Column(Integer)\n'),
    'class Doc(Base):\n    __tablename__ = "documents"\n    __table_args__ = {"schema": "rag"}\n\n    id = Column(Integer)\n',
  );
  assert.equal(
    fixOne('n.py', 'class Doc(Base):\n    __tablename__ = "rag_documents"\n    __table_args__ = {"comment": "docs"}\n'),
    'class Doc(Base):\n    __tablename__ = "documents"\n    __table_args__ = {"schema": "rag", "comment": "docs"}\n',
  );
});

test('CRLF files stay CRLF, and the text around each edit is untouched', () => {
  assert.equal(
    fixOne('a.py', '"""Doc."""\r\nimport sqlite3\r\n\r\nconn = sqlite3.connect( "/app/data/auth.db" )  # keep\r\n'),
    '"""Doc."""\r\nimport os\r\nimport sqlite3\r\n\r\nconn = sqlite3.connect( os.getenv("DATABASE_PATH", "/app/data/zoe.db") )  # keep\r\n',
  );
});

test('no fix in allowHardcoded files or Markdown, and none in pydantic settings defaults', () => {
  const ws = { files: { 'svc/config.py': 'DB = "/app/data/auth.db"\n', 'docs/a.md': 'Use `/app/data/auth.db`.\n', 's.py': 'class S(BaseSettings):\n    db: str = "/app/data/auth.db"\n' } };
  assert.equal(findingsOf(ws).filter((f) => f.rule === 'legacy-database').length, 3);
  assert.deepEqual(fixesOf(ws, 'legacy-database'), []);
});

test('fix-all is idempotent: a second pass over the fixed file changes nothing', () => {
  const once = fixOne('a.py', 'import sqlite3\nA = sqlite3.connect("/app/data/auth.db")\nB = sqlite3.connect("sessions.db")\n');
  assert.equal(once, 'import os\nimport sqlite3\nA = sqlite3.connect(os.getenv("DATABASE_PATH", "/app/data/zoe.db"))\nB = sqlite3.connect(os.getenv("DATABASE_PATH", "zoe.db"))\n');
  assert.equal(fixOne('a.py', once), once);
});
