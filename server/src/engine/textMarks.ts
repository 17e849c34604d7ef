// Where a text holds what a detector's findings need (quotes, `env`): a detector's walk passes over
// a syntax node whose span holds none of it. The offsets are found once per file; each node asks
// with a binary search.

/** The offsets at which `mark` (a global regex) matches `text`, in order. */
export function marksOf(text: string, mark: RegExp): Int32Array {
  const at: number[] = [];
  mark.lastIndex = 0;
  for (let m = mark.exec(text); m; m = mark.exec(text)) at.push(m.index);
  return Int32Array.from(at);
}

/** Whether one of `marks` lies in [start, end). */
export function holdsMark(marks: Int32Array, start: number, end: number): boolean {
  let lo = 0;
  let hi = marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (marks[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < marks.length && marks[lo] < end;
}
