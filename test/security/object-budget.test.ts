// Issue 14.3: one object must not stall every tenant. A 20,000-reference ExternalSecret gets its
// budget of Vault lookups, answered with "N of 20000 references were not checked", while another
// namespace's admission sent during it completes first and clean; the product's own deadline aborts
// never open the circuit breaker. Pathological shapes (5,000 levels deep, 65,000 flat entries) are
// answered, not thrown on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionLog, eventually, goodExternalSecret, metricValue, startFaultRig, type TimedAnswer } from '../faults/rig.js';
import { assertCleanAnswer } from '../faults/expect.js';
import type { Obj } from '../checks/support/example-harness.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { httpsRequest, type AdmissionReviewAnswer } from '../support/https-client.js';

const REFERENCES = 20_000;

function hugeExternalSecret(): Obj {
  const obj = goodExternalSecret('huge');
  (obj.spec as Obj).data = Array.from({ length: REFERENCES }, (_, i) => ({ secretKey: `k${i}`, remoteRef: { key: `app/k${i}`, property: 'password' } }));
  return obj;
}

function otherNamespace(): Obj {
  const obj = goodExternalSecret('small');
  (obj.metadata as Obj).namespace = 'payments';
  return obj;
}

/** Posts `big`, then `small` once Vault is busy with `big`; returns both answers and which finished first. */
async function race(rig: Awaited<ReturnType<typeof startFaultRig>>): Promise<{ big: TimedAnswer; small: TimedAnswer; order: string[] }> {
  const order: string[] = [];
  const bigPromise = rig.post('/validate', hugeExternalSecret(), 'huge').then((a) => { order.push('huge'); return a; });
  await eventually('the huge object reaching Vault', async () => rig.double.requests.length > 5, 10_000);
  const small = await rig.post('/validate', otherNamespace(), 'small').then((a) => { order.push('small'); return a; });
  return { big: await bigPromise, small, order };
}

test('a 20,000-reference ExternalSecret spends its budget; another namespace is answered first; the breaker stays closed', async () => {
  const rig = await startFaultRig({
    failureMode: 'failOpen',
    deadlineMs: 20_000,
    vault: { budget: { lookupsPerObject: 100, concurrencyPerObject: 4, concurrentLookups: 8 } },
  });
  try {
    // The huge object needs 100 / 4 × 100 ms of Vault; the small one a few round trips.
    rig.double.setLatencyMs(100);
    const { big, small, order } = await race(rig);
    assert.deepEqual(order, ['small', 'huge']);
    assertCleanAnswer(small, 'small');

    // The references it could check are judged (their keys do not exist); the rest is said plainly.
    const response = big.res.body.response;
    assert.equal(big.res.status, 200);
    assert.match(response.status?.message ?? '', /\[SecretNotFound\] spec\.data\[0\]/);
    const warnings = (response.warnings ?? []).join('\n');
    const m = /(\d+) of 20000 references were not checked: it needs more than the 100 Vault lookups one object may make/.exec(warnings);
    assert.ok(m, warnings);
    assert.ok(Number(m[1]) > REFERENCES - 100 && Number(m[1]) < REFERENCES, warnings);
    // One line for the object, not one per reference.
    assert.ok((response.warnings ?? []).length < 10, `${(response.warnings ?? []).length} warnings`);
    // The budget held: the huge object made at most its 100 lookups (plus the small one's few).
    const sent = rig.double.requests.filter((q) => q.path !== '/v1/sys/health').length;
    assert.ok(sent <= 100 + 10, `${sent} requests`);

    const metrics = await rig.metrics();
    assert.equal(metricValue(metrics, 'eso_vault_guard_vault_breaker_open'), 0);
  } finally {
    await rig.close();
  }
});

test('the deadline stops a huge object: it is answered, its own aborts do not open the breaker, the next admission is clean', async () => {
  const rig = await startFaultRig({
    failureMode: 'failOpen',
    deadlineMs: 2_000,
    vault: { requestTimeoutMs: 1_500, budget: { lookupsPerObject: 100_000, concurrencyPerObject: 4, concurrentLookups: 8 } },
  });
  try {
    // Every lookup takes 700 ms: the ones in flight when the deadline comes are cut short by it.
    rig.double.setLatencyMs(700);
    const big = await rig.post('/validate', hugeExternalSecret(), 'huge');
    assert.equal(big.res.status, 200);
    assert.equal(big.res.body.response.allowed, true, big.res.text);
    assert.match((big.res.body.response.warnings ?? []).join('\n'), /references were not checked: its deadline passed|could not complete its checks within/);

    rig.double.setLatencyMs(0);
    const metrics = await rig.metrics();
    assert.equal(metricValue(metrics, 'eso_vault_guard_vault_breaker_open'), 0, 'cut short by our own deadline: not a Vault failure');
    assertCleanAnswer(await rig.post('/validate', otherNamespace(), 'after'), 'after');
  } finally {
    await rig.close();
  }
});

/** JSON text nested `depth` levels deep, built as text: JSON.stringify itself overflows the stack on it. */
function nestedJson(depth: number): string {
  return `${'{"n":'.repeat(depth)}{"leaf":"x"}${'}'.repeat(depth)}`;
}

const DEEP = '__deep__';

/** The review of `obj` (an UPDATE of `old`) as JSON text, with every DEEP string replaced by 5,000 levels of nesting. */
function reviewText(obj: Obj, old: Obj, uid: string): string {
  const review = admissionReview(obj, { uid, operation: 'UPDATE' });
  (review.request as Obj).oldObject = old;
  return JSON.stringify(review).split(JSON.stringify(DEEP)).join(nestedJson(5_000));
}

test('5,000 levels of nesting and 65,000 flat entries are answered, not thrown on', async () => {
  // With result reuse on, as `serve` runs by default (it keys results by the object's JSON text).
  const rig = await startFaultRig({ failureMode: 'failOpen', deadlineMs: 5_000, reuseResultsMs: 2_000 });
  try {
    const deep = goodExternalSecret('deep');
    (deep.spec as Obj).target = { name: 'deep', template: { data: { x: '' }, extra: DEEP } };
    const flat = goodExternalSecret('flat');
    (flat.metadata as Obj).annotations = Object.fromEntries(Array.from({ length: 65_000 }, (_, i) => [`a${i}`, 'v']));
    const flatRefs = goodExternalSecret('flat-refs');
    (flatRefs.spec as Obj).data = Array.from({ length: 15_000 }, () => ({ secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } }));
    const deepLabels = goodExternalSecret('deep-labels');
    (deepLabels.metadata as Obj).labels = DEEP;
    for (const [obj, name] of [[deep, 'deep'], [flat, 'flat'], [flatRefs, 'flat-refs'], [deepLabels, 'deep-labels']] as const) {
      for (const path of ['/validate', '/mutate'] as const) {
        const uid = `${name}${path.replace('/', '-')}`;
        const res = await httpsRequest<AdmissionReviewAnswer>({ port: rig.running.webhookPort, path, method: 'POST', body: reviewText(obj, { ...obj, spec: { ...(obj.spec as Obj), refreshInterval: '1h' } }, uid), headers: { 'content-type': 'application/json' }, ca: rig.ca, timeoutMs: 20_000 });
        // An AdmissionReview answer (decided) or a clear 400 at decode; never a 500 or a dropped connection.
        assert.ok(res.status === 200 || res.status === 400, `${uid}: ${res.status} ${res.text.slice(0, 300)}`);
        if (res.status === 400) assert.match(res.text, /nests deeper than 100 levels/);
        else {
          assert.equal(res.body.response.uid, uid);
          // Decided by the checks, not by a handler that threw (which the failure mode would answer).
          const line = admissionLog(rig.logs, uid);
          assert.equal(line?.failure, undefined, `${uid}: ${String(line?.failure)}`);
        }
      }
    }
    assertCleanAnswer(await rig.post('/validate', goodExternalSecret('fine'), 'fine'), 'fine');
  } finally {
    await rig.close();
  }
});
