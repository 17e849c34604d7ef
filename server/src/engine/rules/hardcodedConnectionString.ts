import { literalIsOnlyDefault, type FindingDraft, type Rule } from './context';
import type { DbReference } from '../types';

/** A URL whose host and database are all placeholders is assembled from config, not hardcoded. */
function isFullyTemplated(ref: DbReference): boolean {
  // The query (`?mode=ro`, `?sslmode=require`) says how to connect, not where.
  const afterScheme = ref.value.slice(ref.value.indexOf('://') + 3).replace(/[?#].*$/, '');
  const stripped = afterScheme.replace(/\$\{[^}]*\}|\{[^{}]*\}|%\([^)]*\)s|\$[A-Za-z_]\w*/g, '');
  return ref.value.includes('://') && !/[A-Za-z0-9]/.test(stripped.replace(/:\d+/, '').replace(/[/:@?=&.]/g, ''));
}

/** A literal database URL in code outside `allowHardcoded`. */
export const hardcodedConnectionString: Rule = {
  id: 'hardcoded-connection-string',
  defaultSeverity: 'warning',
  needsConfig: true,
  check(ctx) {
    const out: FindingDraft[] = [];
    for (const ref of ctx.references) {
      if (ref.kind !== 'connection-url' || ref.definedBy || ctx.allowsHardcoded(ref.path) || isFullyTemplated(ref)) continue;
      const res = ctx.resolver.resolve(ref);
      if (res?.role === 'legacy') continue; // legacy-database already says what to read instead: one finding per problem
      const spec = res?.spec;
      // A password-free default of the database's own env var is compliant; a password never is.
      if (!ref.credentials && literalIsOnlyDefault(ref, spec?.env)) continue;
      const env = spec?.env;
      out.push({
        rule: 'hardcoded-connection-string',
        path: ref.path,
        range: ref.range,
        message: env
          ? `Hardcoded ${ref.engine} URL for ${ref.target}; read ${env} instead`
          : `Hardcoded ${ref.engine} URL for ${ref.target}; read it from an env var`,
        data: { targetDatabase: spec?.name, targetEnv: env, found: ref.target, kind: ref.kind, credentials: ref.credentials },
      });
    }
    return out;
  },
};
