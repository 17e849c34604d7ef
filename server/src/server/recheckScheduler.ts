// When an edited document is re-checked. A re-check starts at once when none is running for the
// document (leading edge: nobody waits for a pause in typing); edits that arrive while one runs
// are checked once it ends, together, with the latest text (trailing edge). The re-check reads
// the text when it starts and reports the version it read, so the latest text always wins and a
// version is never checked twice. Large files may ask for quiet first: `delayMs` of no edits.

export interface RecheckOptions {
  /** Re-checks `uri` with its current text; resolves to the version it checked (undefined when the document is gone). */
  run: (uri: string) => Promise<number | undefined>;
  /** How long edits of `uri` must pause before its re-check starts (0: at once). */
  delayMs: (uri: string) => number;
}

interface DocumentState {
  /** The newest version edited. */
  latest: number;
  /** The quiet period's timer, before the first re-check of a burst. */
  timer?: NodeJS.Timeout;
}

export class RecheckScheduler {
  private readonly documents = new Map<string, DocumentState>();

  constructor(private readonly options: RecheckOptions) {}

  /** `uri` was edited and is now at `version`. */
  changed(uri: string, version: number): void {
    const state = this.documents.get(uri);
    if (state) {
      state.latest = Math.max(state.latest, version);
      if (state.timer) this.wait(uri, state); // restart the quiet period
      return; // a running re-check checks again when it ends
    }
    const fresh: DocumentState = { latest: version };
    this.documents.set(uri, fresh);
    if (this.options.delayMs(uri) > 0) this.wait(uri, fresh);
    else void this.loop(uri, fresh);
  }

  /** Forgets `uri` (closed): a running re-check ends, no other follows. */
  cancel(uri: string): void {
    const state = this.documents.get(uri);
    if (state?.timer) clearTimeout(state.timer);
    this.documents.delete(uri);
  }

  cancelAll(): void {
    for (const uri of [...this.documents.keys()]) this.cancel(uri);
  }

  /** Whether a re-check of `uri` is waiting or running. */
  busy(uri: string): boolean {
    return this.documents.has(uri);
  }

  private wait(uri: string, state: DocumentState): void {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.loop(uri, state);
    }, this.options.delayMs(uri));
  }

  private async loop(uri: string, state: DocumentState): Promise<void> {
    try {
      for (;;) {
        const checked = await this.options.run(uri);
        if (this.documents.get(uri) !== state || checked === undefined || checked >= state.latest) return;
      }
    } catch {
      // `run` reports its own failures; the next edit starts over.
    } finally {
      if (this.documents.get(uri) === state) this.documents.delete(uri);
    }
  }
}
