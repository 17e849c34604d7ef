// Long loops in the main thread (the walk, an in-process scan) work in slices and let other
// events run between them, so a language server still answers the editor meanwhile.

/** How long a slice lasts. */
export const SLICE_MS = 10;

/** A function to await between steps: it yields (setImmediate) once the current slice is used up. */
export function timeSlicer(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart <= sliceMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        sliceStart = performance.now();
        resolve();
      }),
    );
  };
}
