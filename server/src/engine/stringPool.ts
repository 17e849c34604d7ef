// One copy of each equal string: what arrives from a worker (a structured clone copies every
// string per object) and what rules build per finding (a message made by concatenation is a
// tree of string pieces, ~230 bytes; 70k prefixed-table findings at 100k files repeat a few
// hundred messages). Identity is not observable in JavaScript, so values are unchanged.

/** Distinct strings a pool holds at most; past that it starts over (only the sharing is lost). */
const MAX_HELD = 200_000;

export class StringPool {
  private readonly held = new Map<string, string>();

  /** The pool's copy of `s` (`s` itself when new). A lookup also flattens a concatenated string. */
  intern<T extends string>(s: T): T {
    const copy = this.held.get(s);
    if (copy !== undefined) return copy as T;
    if (this.held.size >= MAX_HELD) this.held.clear();
    this.held.set(s, s);
    return s;
  }

  /** `intern` for an optional string. */
  maybe<T extends string>(s: T | undefined): T | undefined {
    return s === undefined ? s : this.intern(s);
  }

  /** The strings held, in the order first seen (for tests). */
  strings(): string[] {
    return [...this.held.keys()];
  }
}
