// `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (one run, rules with help
// links, results with 1-based regions relative to the scanned root).

import type * as Sarif from 'sarif';
import { RULES } from '../rules';
import type { Severity } from '../types';
import type { ReportInput } from './model';
import { ruleDocUrl, RULE_SUMMARIES, TOOL_VERSION } from '../ruleDocs';

const LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function sarifReport(input: ReportInput): string {
  const rules: Sarif.ReportingDescriptor[] = RULES.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: RULE_SUMMARIES[r.id] },
    helpUri: ruleDocUrl(r.id),
    defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
    properties: r.id === 'credentials-in-connection-string' ? { tags: ['security'], 'security-severity': '8.0' } : { tags: ['maintainability'] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Sarif.Result[] = input.findings.filter((f) => index.has(f.rule)).map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: encodeURI(f.path), uriBaseId: '%SRCROOT%' },
        region: {
          startLine: f.range.start.line + 1,
          startColumn: f.range.start.character + 1,
          endLine: f.range.end.line + 1,
          endColumn: f.range.end.character + 1,
        },
      },
    }],
    ...(f.related?.length ? {
      relatedLocations: f.related.map((r, i) => ({
        id: i,
        message: { text: r.message },
        physicalLocation: { artifactLocation: { uri: encodeURI(r.path), uriBaseId: '%SRCROOT%' }, region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1 } },
      })),
    } : {}),
  }));
  // Files not read in full are the run's notifications (code scanning lists them as the tool's warnings).
  const notifications: Sarif.Notification[] = input.notices.map((n) => ({
    descriptor: { id: n.reason },
    level: 'warning',
    message: { text: `${n.path}: ${n.message}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(n.path), uriBaseId: '%SRCROOT%' } } }],
  }));
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'db-audit', fullName: 'DB Consolidation Auditor', version: TOOL_VERSION, informationUri: ruleDocUrl(), rules } },
      ...(notifications.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }] } : {}),
      results,
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
