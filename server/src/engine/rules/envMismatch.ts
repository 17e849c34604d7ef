import type { FindingDraft, Rule } from './context';
import type { DbReference } from '../types';

/**
 * Vars of a `sameDatabase` group defined with different values in the same environment
 * (one .env file, one compose service). Values are compared by digest: the secret is never kept.
 */
export const envMismatch: Rule = {
  id: 'env-mismatch',
  defaultSeverity: 'error',
  needsConfig: true,
  crossFile: true,
  check(ctx) {
    const out: FindingDraft[] = [];
    const groups = ctx.config?.sameDatabase ?? [];
    if (groups.length === 0) return out;
    const byEnvironment = new Map<string, DbReference[]>();
    for (const ref of ctx.references) {
      if (ref.kind !== 'env-define' || !ref.environment || ref.valueDigest === undefined) continue;
      const list = byEnvironment.get(ref.environment) ?? [];
      list.push(ref);
      byEnvironment.set(ref.environment, list);
    }
    for (const group of groups) {
      for (const [environment, defines] of byEnvironment) {
        const inGroup = defines.filter((d) => group.includes(d.envVar!));
        const distinct = new Set(inGroup.map((d) => d.valueDigest));
        if (new Set(inGroup.map((d) => d.envVar)).size < 2 || distinct.size < 2) continue;
        const where = environment.includes('#') ? `service ${environment.split('#')[1]} of ${environment.split('#')[0]}` : environment;
        for (const d of inGroup) {
          const others = inGroup.filter((o) => o.envVar !== d.envVar && o.valueDigest !== d.valueDigest);
          if (others.length === 0) continue;
          out.push({
            rule: 'env-mismatch',
            path: d.path,
            range: d.range,
            message: `${group.join(' and ')} must point at the same database, but ${where} gives ${d.envVar} a different value than ${[...new Set(others.map((o) => o.envVar))].join(', ')}`,
            related: others.map((o) => ({ path: o.path, range: o.range, message: `${o.envVar} is defined here` })),
            data: { group, found: d.envVar, kind: d.kind },
          });
        }
      }
    }
    return out;
  },
};
