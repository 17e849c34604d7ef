// The server's side of Inspect Databases and Generate Consolidation Plan: explicit requests
// (protocol.ts), never run by typing. SQLite files of a folder are inspected read-only; the
// Postgres databases of `dbAudit.connections` only when the client said the workspace is
// trusted — an untrusted workspace could point a setting at any server. The inspection's
// findings are kept per folder and merged into the published diagnostics until the next one.

import { fileURLToPath, pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver';
import { InspectRequest, PlanRequest, type InspectParams, type InspectResult, type PlanParams, type PlanResult } from '../protocol';
import { inspectSqlite, type SqliteInspection } from '../engine/inspect';
import { comparePostgres, prefixedTablesOf } from '../engine/inspect/pgCompare';
import { buildPostgresPlan } from '../engine/inspect/pgPlan';
import { readSqlitePlans, renderSqlitePlan } from '../engine/inspect/plan';
import { inspectPostgres, maskConnection, type PostgresInspection } from '../engine/inspect/postgres';
import { renderInspectReport } from '../engine/inspect/report';
import { SqliteUnavailableError } from '../engine/inspect/sqliteDriver';
import type { Finding } from '../engine/types';
import type { WorkspaceState } from './workspaceState';

export interface InspectDeps {
  folders: readonly WorkspaceState[];
  serialize(what: string, task: () => Promise<void>): Promise<void>;
  /** Re-publishes every folder's diagnostics (which merge in `findingsOf`). */
  publish(startedAt: number): Promise<void>;
  log(message: string): void;
}

export interface InspectionState {
  /** From the initialize request's `initializationOptions.trusted`: only `true` allows connections. */
  setTrust(initializationOptions: unknown): void;
  /** The last inspection's findings of a folder (relative to its root). */
  findingsOf(root: string): readonly Finding[];
}

/** `env:VAR` → the server's environment; anything else is the URL itself. */
export function resolveConnection(value: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
  return m ? env[m[1]] : value;
}

export function registerInspectRequests(connection: Connection, deps: InspectDeps): InspectionState {
  let trusted = false;
  const findings = new Map<string, Finding[]>();

  function foldersOf(folder: string | undefined): WorkspaceState[] {
    const enabled = deps.folders.filter((s) => s.settings.enable);
    if (folder === undefined) return enabled;
    let abs: string | undefined;
    try {
      abs = fileURLToPath(folder).replace(/(?<![\\/])[\\/]+$/, '');
    } catch {
      abs = undefined;
    }
    const state = enabled.find((s) => s.root === abs);
    if (!state) throw new ResponseError(ErrorCodes.InvalidParams, `Not an enabled workspace folder of this server: ${folder}`);
    return [state];
  }

  function sqliteOf(state: WorkspaceState, examples?: number): SqliteInspection {
    const databaseFiles = state.walkedFiles().filter((f) => f.kind === 'database').map((f) => ({ path: f.path, absPath: path.join(state.root, f.path) }));
    try {
      return inspectSqlite({ config: state.rulesFile?.config, databaseFiles, ...(examples ? { examples } : {}) });
    } catch (e) {
      if (e instanceof SqliteUnavailableError) throw new ResponseError(ErrorCodes.InternalError, e.message);
      throw e;
    }
  }

  /** The folder's named Postgres databases, inspected read-only; none unless the workspace is trusted. */
  async function postgresOf(state: WorkspaceState): Promise<Array<{ name: string; url?: string; inspection?: PostgresInspection; error?: string }>> {
    if (!trusted) return [];
    const out: Array<{ name: string; url?: string; inspection?: PostgresInspection; error?: string }> = [];
    for (const [name, value] of Object.entries(state.settings.connections)) {
      const url = resolveConnection(value);
      if (!url) out.push({ name, error: `${name}: ${value} is not set in the server's environment` });
      else if (!/^postgres(ql)?:\/\//i.test(url)) out.push({ name, error: `${name}: not a postgres:// URL (${maskConnection(url)})` });
      else {
        const inspection = await inspectPostgres(url);
        out.push({ name, url, inspection, ...(inspection.error ? { error: inspection.error } : {}) });
      }
    }
    return out;
  }

  connection.onRequest(InspectRequest, async (params: InspectParams | undefined): Promise<InspectResult> => {
    const result: InspectResult = { trusted, folders: [] };
    let failure: unknown;
    await deps.serialize('inspect', async () => {
      try {
        for (const state of foldersOf(params?.folder)) {
          const sqlite = sqliteOf(state);
          const pgs = await postgresOf(state);
          const named = pgs.filter((p) => p.inspection && p.url).map((p) => ({ url: p.url!, inspection: p.inspection! }));
          const config = state.rulesFile?.config;
          const report = renderInspectReport('markdown', {
            sqlite,
            postgres: named.map((n) => n.inspection),
            findings: sqlite.findings,
            ...(named.length > 0 ? { prefixed: prefixedTablesOf(named.map((n) => n.inspection), config), postgresDuplicates: await comparePostgres(named, config) } : {}),
          });
          findings.set(state.root, sqlite.findings);
          result.folders.push({
            uri: pathToFileURL(state.root).href,
            report,
            sqliteFiles: sqlite.databases.length,
            findings: sqlite.findings.length,
            postgres: pgs.map((p) => ({ name: p.name, ...(p.error ? { error: p.error } : {}) })),
          });
          deps.log(`Inspected ${state.root}: ${sqlite.databases.length} SQLite file(s), ${pgs.length} Postgres connection(s)${trusted ? '' : ' (untrusted workspace: no connection made)'}, ${sqlite.findings.length} finding(s)`);
        }
        await deps.publish(Date.now());
      } catch (e) {
        failure = e;
      }
    });
    if (failure) throw failure instanceof ResponseError ? failure : new ResponseError(ErrorCodes.InternalError, failure instanceof Error ? failure.message : String(failure));
    return result;
  });

  connection.onRequest(PlanRequest, async (params: PlanParams | undefined): Promise<PlanResult> => {
    const state = foldersOf(params?.folder)[0];
    if (!state) return { message: 'No enabled workspace folder.' };
    const result: PlanResult = {};
    let failure: unknown;
    await deps.serialize('plan', async () => {
      try {
        // Every conflicting key up to this many, as `db-audit plan` lists them.
        const sqlite = sqliteOf(state, 1000);
        const plans = readSqlitePlans(sqlite, { examples: 1000 });
        if (plans.length > 0) result.sqlite = plans.map(renderSqlitePlan).join('\n');
        const named = (await postgresOf(state)).filter((p) => p.inspection && p.url).map((p) => ({ url: p.url!, inspection: p.inspection! }));
        if (named.length > 0) result.postgres = buildPostgresPlan(state.rulesFile?.config, named, params?.option);
      } catch (e) {
        failure = e;
      }
    });
    if (failure) throw failure instanceof ResponseError ? failure : new ResponseError(ErrorCodes.InternalError, failure instanceof Error ? failure.message : String(failure));
    if (!result.sqlite && !result.postgres) {
      result.message = trusted || Object.keys(state.settings.connections).length === 0
        ? 'Nothing to merge: no SQLite file absorbed by the rules file was found next to its target, and no dbAudit.connections to plan.'
        : 'Nothing to merge in SQLite; dbAudit.connections are not used in an untrusted workspace.';
    }
    return result;
  });

  return {
    setTrust(options) {
      trusted = (options as { trusted?: unknown } | undefined)?.trusted === true;
    },
    findingsOf: (root) => findings.get(root) ?? [],
  };
}
