// Which folders hold files the server knows, at any depth. A file watcher reports a deleted or
// moved folder as one event for the folder, its files' events folded into it (VS Code does so on
// every platform); this tells such an event from one for a file the server never read, in as many
// steps as the path is deep, rather than a pass over every known file.

export class FolderIndex {
  /** Known files under each folder, at any depth. */
  private readonly counts = new Map<string, number>();

  add(path: string): void {
    for (const folder of foldersOf(path)) this.counts.set(folder, (this.counts.get(folder) ?? 0) + 1);
  }

  remove(path: string): void {
    for (const folder of foldersOf(path)) {
      const n = (this.counts.get(folder) ?? 0) - 1;
      if (n > 0) this.counts.set(folder, n);
      else this.counts.delete(folder);
    }
  }

  /** Whether known files sit under `folder`. */
  holds(folder: string): boolean {
    return this.counts.has(folder);
  }

  clear(): void {
    this.counts.clear();
  }
}

/** The folders a workspace-relative path sits in: `a/b/c.py` → `a`, `a/b`. */
function* foldersOf(path: string): Generator<string> {
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) yield path.slice(0, i);
}
