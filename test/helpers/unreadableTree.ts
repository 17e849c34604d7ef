// A workspace with files and folders its reader may not read, made for real: as root (CI), the
// reader is `nobody` and the closed paths only root may read; as any other user, the reader is
// that user and the closed paths have mode 000 (a folder `listonly` may be listed, not entered).

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const asRoot = process.getuid?.() === 0;

/** Who reads the tree: `nobody` (Debian's and most Linux systems' uid and gid) when the tests run as root, else the tests' own user. */
export const READER: { uid: number; gid: number } | undefined = asRoot ? { uid: 65534, gid: 65534 } : undefined;
/** The environment a process as READER needs: a home of its own is not there. */
export const READER_ENV: Record<string, string> = asRoot ? { HOME: tmpdir() } : {};

export interface UnreadableTree {
  root: string;
  /** Opens a closed path to its reader again, as a `chmod` would (workspace-relative). */
  open(rel: string): void;
  /** Closes a file to its reader, as a `chmod` would (workspace-relative). */
  close(rel: string): void;
  remove(): void;
}

/**
 * `files` written under a new temp folder; then `closed.files` and `closed.folders` (workspace-relative)
 * closed to the reader, and `closed.listOnly` folders left listable but not enterable. The
 * repository itself must be readable by the reader (it runs the built CLI and server).
 */
export function unreadableTree(files: Record<string, string>, closed: { files: string[]; folders: string[]; listOnly: string[] }): UnreadableTree {
  const root = mkdtempSync(path.join(tmpdir(), 'dbaudit-unreadable-'));
  chmodSync(root, 0o755);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(root, rel), text, { mode: 0o644 });
  }
  const modes = new Map<string, number>();
  const closedFileMode = asRoot ? 0o600 : 0o000;
  for (const rel of closed.files) modes.set(rel, closedFileMode);
  for (const rel of closed.folders) modes.set(rel, asRoot ? 0o700 : 0o000);
  for (const rel of closed.listOnly) modes.set(rel, asRoot ? 0o744 : 0o644);
  for (const [rel, mode] of modes) chmodSync(path.join(root, rel), mode);
  const isFolder = (rel: string) => closed.folders.includes(rel) || closed.listOnly.includes(rel);
  const open = (rel: string) => chmodSync(path.join(root, rel), isFolder(rel) ? 0o755 : 0o644);
  return {
    root,
    open,
    close: (rel) => {
      modes.set(rel, closedFileMode);
      chmodSync(path.join(root, rel), closedFileMode);
    },
    remove: () => {
      for (const rel of modes.keys()) open(rel);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
