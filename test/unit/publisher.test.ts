// The diagnostics publisher (server/publisher.ts) sends a file's diagnostics only when they
// changed, whether the findings are the same objects or equal new ones, and clears emptied files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver';
import { DiagnosticsPublisher, SLICE_DIAGNOSTICS, type FileDiagnostics } from '../../server/src/server/publisher';
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
  const publish = async (findings: Finding[], complete = true) => {
    const next = new Map<string, FileDiagnostics>();
    p.group(ROOT, findings, next);
    const before = sent.length;
    await p.publish(next, complete);
    return sent.slice(before).map((d) => [d.uri.slice(d.uri.lastIndexOf('/') + 1), d.diagnostics.map((x) => `${x.range.start.line}:${x.message}`)]);
  };
  return publish;
}

test('diagnostics are sent when they change, not when equal findings come again', async () => {
  const publish = publisher();
  assert.deepEqual(await publish([finding('a.py', 1), finding('b.py', 2)]), [['a.py', ['1:legacy']], ['b.py', ['2:legacy']]]);
  assert.deepEqual(await publish([finding('a.py', 1), finding('b.py', 2)]), [], 'new objects, same content: nothing sent');
  assert.deepEqual(await publish([finding('a.py', 1, 'moved'), finding('b.py', 2)]), [['a.py', ['1:moved']]]);
  assert.deepEqual(await publish([finding('b.py', 3)]), [['b.py', ['3:legacy']], ['a.py', []]], 'a file without findings is cleared');
  assert.deepEqual(await publish([finding('b.py', 3)]), [], 'and not cleared twice');
  assert.deepEqual(await publish([finding('a.py', 1)], false), [['a.py', ['1:legacy']]]);
  assert.deepEqual(await publish([], false), [], 'an incomplete publish clears nothing');
});

test('a large publish goes out in slices, each written before the next is made, and other work runs between them', async () => {
  const sent: PublishDiagnosticsParams[] = [];
  const unwritten: Array<() => void> = [];
  // A connection whose writes complete only when the test lets them (a slow client).
  const connection = { sendDiagnostics: (d: PublishDiagnosticsParams) => new Promise<void>((resolve) => { sent.push(d); unwritten.push(resolve); }) } as unknown as Connection;
  const p = new DiagnosticsPublisher(connection);
  const perFile = 10;
  const files = Math.ceil((SLICE_DIAGNOSTICS * 3) / perFile);
  const findings = Array.from({ length: files }, (_, f) => Array.from({ length: perFile }, (_, i) => finding(`f${String(f).padStart(4, '0')}.py`, i))).flat();
  const next = new Map<string, FileDiagnostics>();
  p.group(ROOT, findings, next);
  let done = false;
  const publishing = p.publish(next, true).then(() => (done = true));
  const slice = SLICE_DIAGNOSTICS / perFile;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sent.length, slice, 'one slice, then a wait for its writes');
  let between = 0;
  while (!done) {
    const before = sent.length;
    unwritten.splice(0).forEach((resolve) => resolve());
    setImmediate(() => between++); // queued behind the publish's yield: runs before its next slice
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(sent.length - before <= slice, `at most a slice at a time: ${sent.length - before}`);
  }
  await publishing;
  assert.equal(sent.length, files, 'every file sent once');
  assert.deepEqual(sent.map((d) => d.uri), [...next.keys()], 'in order');
  assert.ok(between >= 2, `work ran between slices: ${between}`);
});
