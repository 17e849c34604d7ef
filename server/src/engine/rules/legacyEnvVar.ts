import { relatedEntry, type FindingDraft, type Rule } from './context';

/** A read of an env var listed in `aliases` instead of the canonical one. */
export const legacyEnvVar: Rule = {
  id: 'legacy-env-var',
  defaultSeverity: 'warning',
  needsConfig: true,
  check(ctx) {
    const out: FindingDraft[] = [];
    for (const ref of ctx.references) {
      if (ref.kind !== 'env-read' || !ref.envVar) continue;
      const owner = ctx.resolver.envOwner(ref.envVar);
      if (!owner?.alias || !owner.spec.env) continue;
      out.push({
        rule: 'legacy-env-var',
        path: ref.path,
        range: ref.range,
        message: `${ref.envVar} is an old name for ${owner.spec.env} (${owner.spec.name}); read ${owner.spec.env} instead`,
        related: relatedEntry(ctx.config, owner.spec.range, `${owner.spec.name} lists ${ref.envVar} in aliases`),
        data: { targetDatabase: owner.spec.name, targetEnv: owner.spec.env, found: ref.envVar, kind: ref.kind },
      });
    }
    return out;
  },
};
