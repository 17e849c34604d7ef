// better-sqlite3, loaded on first use only. It is a native addon: under an editor's own Node
// (VS Code's extension host runs Electron's, whose ABI may differ from the one it was built for)
// it can fail to load. Then inspection is off, with one message saying why and what to do, and
// everything that does not inspect databases (scan, diagnostics, fixes) never notices.

import type BetterSqlite3 from 'better-sqlite3';

/** better-sqlite3 cannot be loaded in this process: inspection is unavailable. */
export class SqliteUnavailableError extends Error {}

let driver: typeof BetterSqlite3 | undefined;
let failure: SqliteUnavailableError | undefined;

/** The better-sqlite3 constructor; throws SqliteUnavailableError (the same one every time) when it cannot load. */
export function sqliteDriver(): typeof BetterSqlite3 {
  if (driver) return driver;
  if (failure) throw failure;
  try {
    driver = require('better-sqlite3') as typeof BetterSqlite3;
    return driver;
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    failure = new SqliteUnavailableError(
      `SQLite inspection is disabled: better-sqlite3 could not be loaded by Node ${process.version} (ABI ${process.versions.modules}): ${reason}. ` +
        `Run the server under your own Node (setting dbAudit.server.runtime) or rebuild better-sqlite3 for this one (npm rebuild better-sqlite3).`,
    );
    throw failure;
  }
}
