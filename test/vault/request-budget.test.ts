// The per-object share of Vault (src/vault/request-budget.ts): budgets are charged and refused,
// freed slots go to objects in turn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestScheduler, type Admission } from '../../src/vault/request-budget.js';

const FAR = () => Date.now() + 60_000;

function granted(a: Admission): { release(): void } {
  assert.ok(a.ok, 'granted');
  return a;
}

test('a huge object queued first does not go before a small object that arrives later', async () => {
  const scheduler = new RequestScheduler({ lookupsPerObject: 100, concurrencyPerObject: 2, concurrentLookups: 2 });
  const huge = scheduler.open(FAR());
  const small = scheduler.open(FAR());
  const order: string[] = [];
  const first = await Promise.all([scheduler.acquire(huge), scheduler.acquire(huge)]);
  const waiting = [
    ...Array.from({ length: 5 }, (_, i) => scheduler.acquire(huge).then((a) => { order.push(`huge${i}`); return a; })),
    scheduler.acquire(small).then((a) => { order.push('small'); return a; }),
  ];
  // Each freed slot goes to the next object in turn.
  for (const a of first) granted(a).release();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['huge0', 'small']);
  for (const p of waiting) void p.then((a) => granted(a).release());
  await Promise.all(waiting);
  assert.equal(order.length, 6);
});

test('a spent budget is refused at once and says so; the deadline ends a wait', async () => {
  const scheduler = new RequestScheduler({ lookupsPerObject: 2, concurrencyPerObject: 1, concurrentLookups: 10 });
  const budget = scheduler.open(Date.now() + 50);
  const a = granted(await scheduler.acquire(budget));
  const waited = scheduler.acquire(budget);
  assert.deepEqual(await scheduler.acquire(budget), { ok: false, reason: 'budget' });
  assert.equal(budget.exhausted, true);
  assert.deepEqual(await waited, { ok: false, reason: 'deadline' });
  a.release();
});
