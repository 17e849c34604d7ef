import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectText, quotedSpans } from '../../../server/src/engine/detectors/text';
import type { DbReference } from '../../../server/src/engine/types';
import { summary } from '../../helpers/references';

test('properties: JDBC URLs and key=value SQLite paths; comment lines and prose are not references', () => {
  const text = [
    '# spring.datasource.url=jdbc:postgresql://old/auth',
    'spring.datasource.url=jdbc:postgresql://db:5432/mobius',
    'sqlite.file = /var/data/app.db',
    'Note: we keep zoe.db and auth.db',
    'path: data/cache.db',
    '! a properties comment mentions nothing',
    '',
  ].join('\n');
  const { references } = detectText({ path: 'src/main/resources/application.properties', text });
  assert.deepEqual(summary(references), [
    ['connection-url', 'mobius', '', 1, 22, 1, 54],
    ['sqlite-path', 'app.db', '', 2, 14, 2, 30],
    ['sqlite-path', 'cache.db', '', 4, 6, 4, 19],
  ]);
  assert.equal(references[0].value, 'jdbc:postgresql://db:5432/mobius');
  assert.equal(references[0].engine, 'postgres');
});

test('XML: attribute values are quoted, so URLs and paths count; <!-- --> blocks are skipped to their end', () => {
  const text = [
    '<bean id="ds">',
    '  <property name="url" value="jdbc:postgresql://db/mobius"/>',
    '  <property name="file" value="data/app.db"/>',
    '  <!-- the old store',
    '       <property name="file" value="data/auth.db"/>',
    '  -->',
    '  <!-- value="one-line.db" -->',
    '</bean>',
  ].join('\r\n');
  const { references } = detectText({ path: 'beans.xml', text });
  assert.deepEqual(summary(references), [
    ['connection-url', 'mobius', '', 1, 30, 1, 57],
    ['sqlite-path', 'app.db', '', 2, 31, 2, 42],
  ]);
});

test('source files: string literals hold paths; URLs count anywhere; passwords are masked; block comments skipped', () => {
  const text = [
    '/* Package store opens',
    '   the legacy "auth.db" */',
    '\tdb, err := sql.Open("sqlite3", "./app.db")',
    ' * javadoc "/x/auth.db"',
    '// url := "postgresql://old/db"',
    'prose postgresql://u:pw@h/db and "quoted.db" and `tick.db`',
    'DB = Sequel.connect(\'sqlite://local.db\')',
  ].join('\n');
  const { references } = detectText({ path: 'store.go', text });
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'app.db', '', 2, 33, 2, 41],
    ['connection-url', 'db', '', 5, 6, 5, 28],
    ['sqlite-path', 'quoted.db', '', 5, 34, 5, 43],
    ['sqlite-path', 'tick.db', '', 5, 50, 5, 57],
    ['connection-url', 'local.db', '', 6, 21, 6, 38],
  ]);
  const url = references.find((r) => r.target === 'db')!;
  assert.equal(url.credentials, true);
  assert.equal(url.value, 'postgresql://u:***@h/db');
});

test('negatives: prose outside quotes, apostrophes, Thumbs.db, globs and host names', () => {
  const text = [
    'We keep auth.db and zoe.db on the data volume.',
    "I don't think zoe.db's size matters; it's fine",
    'ignore = "*.db"',
    'icons = "Thumbs.db"',
    'host: db.example.com',
    '-- select * from "legacy.db"',
    '; old = "x.db"',
  ].join('\n');
  assert.deepEqual(detectText({ path: 'NOTES.txt', text }).references, []);
});

test('quoted spans: escapes do not close, apostrophes in words do not open', () => {
  assert.deepEqual(quotedSpans(`a "b\\"c" d 'e' don't \`f\``), [[3, 7], [12, 13], [22, 23]]);
  assert.deepEqual(quotedSpans(`it's "unclosed`), []);
});
