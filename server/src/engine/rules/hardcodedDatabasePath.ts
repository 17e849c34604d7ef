import { literalIsOnlyDefault, type FindingDraft, type Rule } from './context';

/**
 * A literal SQLite path in code outside `allowHardcoded`. Values of env definitions are
 * configuration, and a literal that is only the default of its database's own env var is the
 * compliant shape the fixes produce.
 */
export const hardcodedDatabasePath: Rule = {
  id: 'hardcoded-database-path',
  defaultSeverity: 'warning',
  needsConfig: true,
  check(ctx) {
    const out: FindingDraft[] = [];
    for (const ref of ctx.references) {
      if (ref.kind !== 'sqlite-path' || ref.definedBy || ctx.allowsHardcoded(ref.path)) continue;
      const res = ctx.resolver.resolve(ref);
      if (res?.role === 'legacy') continue; // legacy-database already says what to read instead: one finding per problem
      const spec = res?.spec;
      if (literalIsOnlyDefault(ref, spec?.env)) continue;
      const env = spec?.env;
      out.push({
        rule: 'hardcoded-database-path',
        path: ref.path,
        range: ref.range,
        message: env
          ? `Hardcoded SQLite path to ${ref.target}; read ${env} instead (with the path as its default at most)`
          : `Hardcoded SQLite path to ${ref.target}; locate the database through an env var`,
        data: { targetDatabase: spec?.name, targetEnv: env, targetFile: spec?.file, found: ref.target, kind: ref.kind },
      });
    }
    return out;
  },
};
