// One typed settings object with defaults, sanitized from whatever the client sent
// (the client may answer a configuration request with null).

import { DEFAULT_MAX_FILE_SIZE } from '../engine/workspace';

export interface ServerSettings {
  enable: boolean;
  /** The rules file, relative to the workspace folder. */
  rulesFile: string;
  maxFileSize: number;
  /** `dbAudit.connections`: Postgres databases the user names for inspection, name → URL or `env:VAR`. Used only in a trusted workspace. */
  connections: Record<string, string>;
}

export const DEFAULT_SETTINGS: ServerSettings = { enable: true, rulesFile: 'dbaudit.json', maxFileSize: DEFAULT_MAX_FILE_SIZE, connections: {} };

export function sanitizeSettings(raw: unknown): ServerSettings {
  const r = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : DEFAULT_SETTINGS.enable,
    rulesFile: typeof r.rulesFile === 'string' && r.rulesFile.trim() !== '' ? r.rulesFile.trim() : DEFAULT_SETTINGS.rulesFile,
    maxFileSize: typeof r.maxFileSize === 'number' && Number.isFinite(r.maxFileSize) && r.maxFileSize >= 1024 ? Math.floor(r.maxFileSize) : DEFAULT_SETTINGS.maxFileSize,
    connections: sanitizeConnections(r.connections),
  };
}

/** Only string values with a name: anything else a user wrote in settings.json is dropped. */
export function sanitizeConnections(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name.trim() !== '' && typeof value === 'string' && value.trim() !== '') out[name.trim()] = value.trim();
  }
  return out;
}
