// The diagnostics publisher (server/publisher.ts) sends a file's diagnostics only when they
// changed, whether the findings are the same objects or equal new ones, and clears emptied files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver';
import { DiagnosticsPublisher, type FileDiagnostics } from '../../server/src/server/publisher';
import type { Finding } from '../../server/src/engine/types';

const ROOT = '/w';

function finding(path: string, line: number, message = 'legacy'): Finding {
  return {
    rule: 'legacy-database', severity: 'warning', path, message, data: { targetDatabase: 'zoe' },
    range: { start: { line, character: 1 }, end: { line, character: 5 } },
  };
}

function publisher() {
  const sent: PublishDiagnosticsParams[] = [];
  const connection = { sendDiagnostics: async (p: PublishDiagnosticsParams) => void sent.push(p) } as unknown as Connection;
  const p = new DiagnosticsPublisher(connection);
  const publish = (findings: Finding[], complete = true) => {
    const next = new Map<string, FileDiagnostics>();
    p.group(ROOT, findings, next);
    const before = sent.length;
    p.publish(next, complete);
    return sent.slice(before).map((d) => [d.uri.slice(d.uri.lastIndexOf('/') + 1), d.diagnostics.map((x) => `${x.range.start.line}:${x.message}`)]);
  };
  return publish;
}

test('diagnostics are sent when they change, not when equal findings come again', () => {
  const publish = publisher();
  assert.deepEqual(publish([finding('a.py', 1), finding('b.py', 2)]), [['a.py', ['1:legacy']], ['b.py', ['2:legacy']]]);
  assert.deepEqual(publish([finding('a.py', 1), finding('b.py', 2)]), [], 'new objects, same content: nothing sent');
  assert.deepEqual(publish([finding('a.py', 1, 'moved'), finding('b.py', 2)]), [['a.py', ['1:moved']]]);
  assert.deepEqual(publish([finding('b.py', 3)]), [['b.py', ['3:legacy']], ['a.py', []]], 'a file without findings is cleared');
  assert.deepEqual(publish([finding('b.py', 3)]), [], 'and not cleared twice');
  assert.deepEqual(publish([finding('a.py', 1)], false), [['a.py', ['1:legacy']]]);
  assert.deepEqual(publish([], false), [], 'an incomplete publish clears nothing');
});
