// One typed settings object for the server, built from whatever VS Code's configuration holds
// (a user may write any JSON in settings.json). The shape is the server's `ServerSettings`;
// the values are sanitized the way the server sanitizes them, so both sides agree.

import type { ServerSettings } from '../../server/src/server/settings';

/** The defaults; package.json `contributes.configuration` declares the same (a test checks all three agree). */
export const CLIENT_DEFAULTS: ServerSettings = { enable: true, rulesFile: 'dbaudit.json', maxFileSize: 2 * 1024 * 1024, connections: {} };

/** The settings the server gets, from the raw `dbAudit` configuration section (or null). */
export function settingsFrom(raw: unknown): ServerSettings {
  const r = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : CLIENT_DEFAULTS.enable,
    rulesFile: typeof r.rulesFile === 'string' && r.rulesFile.trim() !== '' ? r.rulesFile.trim() : CLIENT_DEFAULTS.rulesFile,
    maxFileSize:
      typeof r.maxFileSize === 'number' && Number.isFinite(r.maxFileSize) && r.maxFileSize >= 1024
        ? Math.floor(r.maxFileSize)
        : CLIENT_DEFAULTS.maxFileSize,
    connections: connectionsFrom(r.connections),
  };
}

/** `dbAudit.connections`: name → URL or `env:VAR`, string values only. */
function connectionsFrom(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name.trim() !== '' && typeof value === 'string' && value.trim() !== '') out[name.trim()] = value.trim();
  }
  return out;
}
