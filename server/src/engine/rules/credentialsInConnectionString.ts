import type { FindingDraft, Rule } from './context';

/** A .env file git ignores is where secrets belong. */
function isIgnoredEnvFile(path: string, isGitIgnored: (p: string) => boolean): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (base === '.env' || base.startsWith('.env.') || base.endsWith('.env')) && isGitIgnored(path);
}

/** A literal password in a URL or DSN, anywhere but a git-ignored .env. Runs without a rules file too. */
export const credentialsInConnectionString: Rule = {
  id: 'credentials-in-connection-string',
  defaultSeverity: 'error',
  needsConfig: false,
  check(ctx) {
    const out: FindingDraft[] = [];
    for (const ref of ctx.references) {
      if (!ref.credentials || isIgnoredEnvFile(ref.path, ctx.isGitIgnored)) continue;
      const spec = ctx.resolver.resolve(ref)?.spec;
      out.push({
        rule: 'credentials-in-connection-string',
        path: ref.path,
        range: ref.range,
        message: `Connection string ${ref.value} embeds a password; take it from the environment${spec?.env ? ` (${spec.env})` : ''} or a git-ignored .env`,
        data: { targetDatabase: spec?.name, targetEnv: spec?.env, found: ref.target, kind: ref.kind },
      });
    }
    return out;
  },
};
