// The client's pure pieces: the settings object it hands the server, the status bar text, and
// which documents it syncs. The extension's wiring (extension.ts) needs VS Code and is checked
// by hand and, later, end to end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CLIENT_DEFAULTS, settingsFrom } from '../../client/src/settings';
import { statusView } from '../../client/src/status';
import { DOCUMENT_LANGUAGES, DOCUMENT_SELECTOR } from '../../client/src/documents';
import { DEFAULT_SETTINGS, sanitizeSettings } from '../../server/src/server/settings';
import type { FileType } from '../../server/src/engine/detectors';

test('settings: the client\'s defaults are the server\'s', () => {
  assert.deepEqual(CLIENT_DEFAULTS, DEFAULT_SETTINGS);
});

test('settings: null, junk and partial configuration fall back to the defaults', () => {
  assert.deepEqual(settingsFrom(null), DEFAULT_SETTINGS);
  assert.deepEqual(settingsFrom(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(settingsFrom('dbaudit.json'), DEFAULT_SETTINGS);
  assert.deepEqual(settingsFrom({ enable: 'no', rulesFile: '  ', maxFileSize: 12 }), DEFAULT_SETTINGS);
  assert.deepEqual(settingsFrom({ enable: false, rulesFile: ' config/db.json ', maxFileSize: 4096.7, trace: { server: 'verbose' } }), {
    enable: false,
    rulesFile: 'config/db.json',
    maxFileSize: 4096,
    connections: {},
  });
  assert.deepEqual(settingsFrom({ connections: { platform: ' env:PLATFORM_DATABASE_URL ', bad: 3, '': 'x', list: [] } }).connections, { platform: 'env:PLATFORM_DATABASE_URL' });
  assert.deepEqual(settingsFrom({ connections: ['postgres://x'] }).connections, {});
});

test('settings: the client builds exactly what the server would make of the same raw configuration', () => {
  const raw = fc.oneof(
    fc.constant(null),
    fc.anything(),
    fc.record(
      {
        enable: fc.oneof(fc.boolean(), fc.anything()),
        rulesFile: fc.oneof(fc.string(), fc.constant(''), fc.constant('  x.json  '), fc.anything()),
        maxFileSize: fc.oneof(fc.double(), fc.integer(), fc.constant(1023), fc.constant(1024), fc.constant(Number.NaN), fc.anything()),
        connections: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.anything())), fc.anything()),
      },
      { requiredKeys: [] },
    ),
  );
  fc.assert(fc.property(raw, (r) => assert.deepEqual(settingsFrom(r), sanitizeSettings(r))), { numRuns: 500 });
});

test('status: counts after a check, singular and plural, and a click that opens Problems', () => {
  const base = { state: 'idle' as const, filesScanned: 812, durationMs: 1530 };
  assert.deepEqual(statusView({ ...base, findings: 8, errors: 3, warnings: 5 }), {
    text: '$(database) DB Audit: 3 errors, 5 warnings',
    tooltip: 'DB Audit: 8 findings in 812 files, checked in 1.5 s. Click to open the Problems view.',
    error: false,
  });
  assert.equal(statusView({ ...base, findings: 3, errors: 1, warnings: 1 }).text, '$(database) DB Audit: 1 error, 1 warning, 1 other');
  assert.equal(statusView({ ...base, findings: 0, errors: 0, warnings: 0, filesScanned: 1, durationMs: 12 }).text, '$(database) DB Audit: no problems');
  assert.equal(
    statusView({ ...base, findings: 0, errors: 0, warnings: 0, filesScanned: 1, durationMs: 12 }).tooltip,
    'DB Audit: 0 findings in 1 file, checked in 12 ms. Click to open the Problems view.',
  );
});

test('status: a spinner while starting or scanning; an error state when a check fails or the server stops', () => {
  const counts = { findings: 2, errors: 2, warnings: 0, filesScanned: 10, durationMs: 0 };
  assert.deepEqual(statusView({ state: 'starting' }), { text: '$(sync~spin) DB Audit', tooltip: 'DB Audit: starting the server', error: false });
  assert.equal(statusView({ state: 'scanning', ...counts }).text, '$(sync~spin) DB Audit: scanning…');
  assert.deepEqual(statusView({ state: 'error', ...counts, message: 'dbaudit.json: unexpected end' }), {
    text: '$(error) DB Audit',
    tooltip: 'DB Audit: the last check failed: dbaudit.json: unexpected end. Click to show the output.',
    error: true,
  });
  assert.deepEqual(statusView({ state: 'stopped' }), {
    text: '$(error) DB Audit: stopped',
    tooltip: 'DB Audit: the server stopped. Click to show the output.',
    error: true,
  });
});

test('documents: every file type the engine reads has a language in the selector, file scheme only', () => {
  const languageOf: Record<FileType, string[]> = {
    python: ['python'],
    javascript: ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'],
    yaml: ['yaml'],
    dotenv: ['dotenv'],
    dockerfile: ['dockerfile'],
    shell: ['shellscript'],
    ini: ['ini'],
    toml: ['toml'],
    json: ['json', 'jsonc'],
    sql: ['sql'],
    prisma: ['prisma'],
    markdown: ['markdown'],
    text: ['plaintext', 'properties'],
  };
  for (const [type, languages] of Object.entries(languageOf)) {
    for (const language of languages) assert.ok(DOCUMENT_LANGUAGES.includes(language), `${type}: ${language}`);
  }
  assert.equal(new Set(DOCUMENT_LANGUAGES).size, DOCUMENT_LANGUAGES.length);
  assert.ok(DOCUMENT_SELECTOR.every((s) => s.scheme === 'file'));
});
