// SQL files (migrations, schema dumps, seed scripts): tables and database/schema names from the
// SQL itself (sqlTables.ts), and URLs, DSNs and SQLite paths inside its string literals
// (`ATTACH DATABASE '/app/data/auth.db'`, `dblink('dbname=mobius_rag host=db', ...)`).
// Comments are never looked at: the tokenizer drops them.

import { ReferenceCollector } from '../collector';
import { recordLiterals } from '../mappedText';
import { analyzeSql } from '../sqlTables';
import type { Detector } from '../types';

export const detectSql: Detector = (file) => {
  const c = new ReferenceCollector(file);
  const sql = analyzeSql(file.text);
  for (const t of sql.tables) c.table(t.name, t.schema, t.start, t.end, 'sql', t.declaration);
  for (const n of sql.names) c.dbName(n.name, n.start, n.end, n.engine);
  for (const s of sql.strings) recordLiterals(c, s);
  return c.result();
};
