// The files the prefilter ruled out, by content key (analysisKey.ts), for an analysis cache kept
// across runs (`db-audit scan --cache DIR`): a file read again with the same content is ruled out
// by a lookup, and hashing it costs a tenth of the prefilter's regexes (CPython's standard
// library: ~35 against ~340 ms). A verdict depends on the scan filter (the variables the rules
// file declares), so the keys are kept with the filter they were made under, and dropped when
// the filter changes.

import { ENV_ONLY, NOTHING } from './detectors';
import type { ScanFilter } from './prefilter';
import type { FileAnalysis } from './types';

/** What the prefilter said of a file it ruled out: nothing in it, or env reads only of variables that do not matter. */
export type RuledOutOutcome = 'nothing' | 'env-only';

/** The outcome a ruled-out file's analysis (`ruledOut()`: NOTHING or ENV_ONLY) stands for. */
export function outcomeOf(ruledOut: FileAnalysis): RuledOutOutcome {
  return ruledOut === ENV_ONLY ? 'env-only' : 'nothing';
}

/** The shared analysis of a ruled-out file with `outcome`. */
export function analysisOfOutcome(outcome: RuledOutOutcome): FileAnalysis {
  return outcome === 'env-only' ? ENV_ONLY : NOTHING;
}

/** The stored form (analysisStore.ts): the filter's declared names, and the keys of each outcome, sorted. */
export interface StoredRuledOut {
  filter: string[] | null;
  nothing: string[];
  envOnly: string[];
}

/** Whether `names` (null: a scan without a filter, where every env read counts) are what `filter` declares. */
function isFilter(names: readonly string[] | null, filter: ScanFilter | undefined): boolean {
  const other = filter?.declaredEnvNames;
  return names === null || other === undefined ? names === null && other === undefined : names.length === other.length && names.every((name, i) => name === other[i]);
}

export class RuledOutKeys {
  private readonly outcomes = new Map<string, RuledOutOutcome>();
  /** Keys looked up or added since this was made: what a stored cache keeps. */
  private readonly usedKeys = new Set<string>();
  private filter: string[] | null = null;

  constructor(stored?: StoredRuledOut) {
    if (!stored) return;
    this.filter = stored.filter;
    for (const key of stored.nothing) this.outcomes.set(key, 'nothing');
    for (const key of stored.envOnly) this.outcomes.set(key, 'env-only');
  }

  /** The outcome kept for `key` under `filter` (marked as used), or undefined. */
  outcome(key: string, filter: ScanFilter | undefined): RuledOutOutcome | undefined {
    this.under(filter);
    const outcome = this.outcomes.get(key);
    if (outcome) this.usedKeys.add(key);
    return outcome;
  }

  /** Keeps what the prefilter said of the file of `key` under `filter`. */
  keep(key: string, outcome: RuledOutOutcome, filter: ScanFilter | undefined): void {
    this.under(filter);
    this.outcomes.set(key, outcome);
    this.usedKeys.add(key);
  }

  /** The outcomes kept under `filter`: what a scan worker can look up itself. */
  entries(filter: ScanFilter | undefined): Array<[string, RuledOutOutcome]> {
    this.under(filter);
    return [...this.outcomes];
  }

  /** The keys used since this was made, for the next run. */
  stored(): StoredRuledOut {
    const used = [...this.usedKeys].sort();
    return {
      filter: this.filter,
      nothing: used.filter((key) => this.outcomes.get(key) === 'nothing'),
      envOnly: used.filter((key) => this.outcomes.get(key) === 'env-only'),
    };
  }

  /** Drops every outcome made under another filter (the rules file declares other variables now). Called per file: copies nothing unless the filter changed. */
  private under(filter: ScanFilter | undefined): void {
    if (isFilter(this.filter, filter)) return;
    this.outcomes.clear();
    this.usedKeys.clear();
    this.filter = filter ? [...filter.declaredEnvNames] : null;
  }
}
