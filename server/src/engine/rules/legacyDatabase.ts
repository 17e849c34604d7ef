import { isLiteral, relatedEntry, type FindingDraft, type Rule } from './context';
import { basename } from '../config/rulesFile';

/** A reference to a database that some target `absorbs`. */
export const legacyDatabase: Rule = {
  id: 'legacy-database',
  defaultSeverity: 'error',
  needsConfig: true,
  check(ctx) {
    const out: FindingDraft[] = [];
    for (const ref of ctx.references) {
      if (!isLiteral(ref)) continue;
      const res = ctx.resolver.resolve(ref);
      if (res?.role !== 'legacy' || !res.spec) continue;
      const target = res.spec;
      const where = target.file ? `${target.name} (${basename(target.file)})` : target.name;
      const instead = target.env ? `; read ${target.env} instead of a hardcoded ${ref.kind === 'sqlite-path' ? 'path' : ref.kind === 'db-name' ? 'name' : 'URL'}` : `; use ${target.name} instead`;
      out.push({
        rule: 'legacy-database',
        path: ref.path,
        range: ref.range,
        message: `${res.name} is absorbed into ${where}${instead}`,
        related: relatedEntry(ctx.config, target.absorbsRanges[res.name], `${target.name} absorbs ${res.name}`),
        data: { targetDatabase: target.name, targetEnv: target.env, targetFile: target.file, found: res.name, kind: ref.kind },
      });
    }
    return out;
  },
};
