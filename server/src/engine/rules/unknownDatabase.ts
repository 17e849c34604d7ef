import { isLiteral, type FindingDraft, type Rule } from './context';

/** A reference to a database the rules file does not declare at all. */
export const unknownDatabase: Rule = {
  id: 'unknown-database',
  defaultSeverity: 'warning',
  needsConfig: true,
  check(ctx) {
    const out: FindingDraft[] = [];
    for (const ref of ctx.references) {
      if (!isLiteral(ref)) continue;
      const res = ctx.resolver.resolve(ref);
      if (res?.role !== 'unknown') continue;
      out.push({
        rule: 'unknown-database',
        path: ref.path,
        range: ref.range,
        message: `${res.name} (${ref.engine}) is not declared in ${ctx.config?.path ?? 'the rules file'}; declare it, or mark it as absorbed into a target database`,
        data: { found: res.name, kind: ref.kind, engine: ref.engine },
      });
    }
    return out;
  },
};
