// The last parse of the few most recently analyzed files, so that analyzing the same path again
// (an edit in the editor) re-parses and re-walks only what changed: tree-sitter and TypeScript
// both update a previous tree given the one range of text that changed. Bounded by entries and
// by text size: a scan of thousands of files keeps only the last few, and each is reused only
// when the same path comes back.

/** The one range where two texts differ: [start, oldEnd) of the old text became [start, newEnd). */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Characters compared at once while looking for the changed range. */
const CHUNK = 256;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The common prefix and suffix of two texts leave one changed range; undefined when they are equal. */
export function textChange(before: string, after: string): TextChange | undefined {
  if (before === after) return undefined;
  const shorter = Math.min(before.length, after.length);
  // Whole chunks first (the engine compares strings natively), then character by character.
  let start = 0;
  while (start + CHUNK <= shorter && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // A range never splits a surrogate pair: parsers see characters, not code units.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let suffix = 0;
  while (suffix + CHUNK <= shorter - start && before.slice(before.length - suffix - CHUNK, before.length - suffix) === after.slice(after.length - suffix - CHUNK, after.length - suffix)) suffix += CHUNK;
  while (suffix < shorter - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}

/** Zero-based line and column (in UTF-16 code units) of `offset` in `text`. */
export function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * A least-recently-used map of path → entry that owns its entries: an evicted entry is disposed
 * (a tree-sitter tree lives in wasm memory and must be deleted). `take` hands an entry over to
 * the caller, who puts back its successor or disposes it.
 */
export class ParseCache<T> {
  private readonly entries = new Map<string, { entry: T; size: number }>();
  private total = 0;
  /** The paths analyzed most recently, oldest first. */
  private readonly recent = new Set<string>();

  constructor(
    private readonly options: {
      /** At most this many entries. */
      capacity: number;
      /** At most this much text (sum of `size`); a larger single entry is not kept. */
      maxSize: number;
      size: (entry: T) => number;
      dispose: (entry: T) => void;
    },
  ) {}

  /**
   * Whether `path` was analyzed not long ago, noting that it is now. Only such a path's parse is
   * worth keeping: a scan analyzes each file once, an editor the same file again and again.
   */
  seenBefore(path: string): boolean {
    const seen = this.recent.delete(path);
    this.recent.add(path);
    if (this.recent.size > RECENT_PATHS) this.recent.delete(this.recent.values().next().value!);
    return seen;
  }

  /** Removes and returns the entry of `path`: the caller owns it now. */
  take(path: string): T | undefined {
    const hit = this.entries.get(path);
    if (!hit) return undefined;
    this.entries.delete(path);
    this.total -= hit.size;
    return hit.entry;
  }

  /** Keeps `entry` as the most recent, disposing what it replaces and the least recent beyond the bounds. */
  put(path: string, entry: T): void {
    const old = this.take(path);
    if (old !== undefined && old !== entry) this.options.dispose(old);
    const size = this.options.size(entry);
    if (size > this.options.maxSize) return this.options.dispose(entry);
    this.entries.set(path, { entry, size });
    this.total += size;
    for (const [p, e] of this.entries) {
      if (this.entries.size <= this.options.capacity && this.total <= this.options.maxSize) break;
      this.entries.delete(p);
      this.total -= e.size;
      this.options.dispose(e.entry);
    }
  }

  /** Disposes every entry. */
  clear(): void {
    for (const e of this.entries.values()) this.options.dispose(e.entry);
    this.entries.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  has(path: string): boolean {
    return this.entries.has(path);
  }
}

/**
 * Entries per detector and their total text: a few files being edited. A TypeScript syntax tree
 * takes ~50 bytes per character (8.6 MB for the bench's 5,000-line file), so at most ~100 MB.
 */
export const PARSE_CACHE_ENTRIES = 8;
export const PARSE_CACHE_CHARS = 2 * 1024 * 1024;
/** How many recent paths `seenBefore` remembers. */
const RECENT_PATHS = 64;
