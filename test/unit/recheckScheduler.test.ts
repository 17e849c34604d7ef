import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecheckScheduler } from '../../server/src/server/recheckScheduler';

/** A document whose re-checks the test completes by hand; `runs` lists the versions each read. */
function harness(delayMs = 0) {
  let version = 0;
  const runs: number[] = [];
  const pending: Array<() => void> = [];
  const scheduler = new RecheckScheduler({
    run: () => {
      const read = version; // a re-check reads the text when it starts
      runs.push(read);
      return new Promise((resolve) => pending.push(() => resolve(read)));
    },
    delayMs: () => delayMs,
  });
  const edit = () => scheduler.changed('file:///a.py', ++version);
  /** Completes the running re-check and lets the scheduler react. */
  const finish = async () => {
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { scheduler, runs, edit, finish, pending };
}

test('an edit is re-checked at once when no re-check runs', () => {
  const h = harness();
  h.edit();
  assert.deepEqual(h.runs, [1]);
});

test('edits made while a re-check runs are checked once, with the latest text, when it ends', async () => {
  const h = harness();
  h.edit();
  h.edit();
  h.edit();
  h.edit();
  assert.deepEqual(h.runs, [1]);
  await h.finish();
  assert.deepEqual(h.runs, [1, 4]);
  await h.finish();
  assert.deepEqual(h.runs, [1, 4], 'nothing newer: no further re-check');
  assert.equal(h.scheduler.busy('file:///a.py'), false);
  h.edit();
  assert.deepEqual(h.runs, [1, 4, 5], 'idle again: the next edit starts at once');
});

test('a re-check that already read the latest text is not repeated', async () => {
  let version = 1;
  const runs: number[] = [];
  const s = new RecheckScheduler({ run: async () => (runs.push(version), version), delayMs: () => 0 });
  s.changed('u', 1);
  version = 2; // edited after the re-check was scheduled, before it read the text
  s.changed('u', 2);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(runs, [1, 2]);
  const t = new RecheckScheduler({ run: async () => (runs.push(version), version), delayMs: () => 0 });
  runs.length = 0;
  version = 3;
  t.changed('u', 2); // the notification of version 2 arrives when the text is at 3 already
  t.changed('u', 3);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(runs, [3]);
});

test('a closed document gets no further re-check', async () => {
  const h = harness();
  h.edit();
  h.edit();
  h.scheduler.cancel('file:///a.py');
  await h.finish();
  assert.deepEqual(h.runs, [1]);
  assert.equal(h.pending.length, 0);
});

test('a large document waits for a pause in typing', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const h = harness(200);
  h.edit();
  t.mock.timers.tick(150);
  h.edit(); // restarts the quiet period
  t.mock.timers.tick(150);
  assert.deepEqual(h.runs, []);
  t.mock.timers.tick(50);
  assert.deepEqual(h.runs, [2]);
});
