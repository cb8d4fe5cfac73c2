// Arbitrary bodies POSTed to /validate and /mutate of the real HTTPS webhook (checks wired to the
// Vault double): random JSON, AdmissionReview-ish objects with wrong types in known fields, big
// strings, deep nesting and random bytes. Each gets 200 with an AdmissionReview carrying its uid, or
// a 4xx with a one-line JSON error — never a 5xx, never a hang, never an unhandled rejection — and
// the server still answers a known-good request correctly afterwards.
// Each case is an HTTPS round trip on a new connection, so this fuzzer runs FUZZ_RUNS/10 cases,
// capped at 5,000 (about a minute) under `npm run fuzz`. Bodies over the 3 MiB limit are
// test/server/malformed.test.ts's and test/security's business; here bodies stay under it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { admissionReview } from '../support/admission-fixtures.js';
import { httpsRequest } from '../support/https-client.js';
import { goodExternalSecret, startFaultRig, type FaultRig } from '../faults/rig.js';
import { assertCleanAnswer } from '../faults/expect.js';
import { esoObjectArb, externalSecretArb, storeArb } from './eso-arbitraries.js';
import { countUnhandledRejections, scaledRuns } from './runs.js';

const RUNS = scaledRuns(0.1, 20, 5_000);
const PER_REQUEST_TIMEOUT_MS = 10_000;

let rig: FaultRig;
const rejections = countUnhandledRejections();
before(async () => {
  rig = await startFaultRig({ failureMode: 'failOpen', deadlineMs: 2_000 });
});
after(async () => {
  rejections.stop();
  await rig.close();
});

const json = fc.jsonValue({ maxDepth: 4 });
const wrong = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: json });
const gvk = fc.record({ group: wrong(fc.constantFrom('external-secrets.io', '')), version: wrong(fc.constantFrom('v1', 'v1beta1')), kind: wrong(fc.constantFrom('ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'Pod')) }, { requiredKeys: [] });
const bigString = fc.integer({ min: 0, max: 1_500_000 }).map((n) => 'x'.repeat(n));
function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) v = i % 2 === 0 ? { a: v } : [v];
  return v;
}
/** Nesting far deeper than JSON.stringify could build, written as text: `{"a":[{"a":[...]}]}`. */
const deepReview = fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('object', 'oldObject', 'userInfo', 'options')).map(([depth, field]) => {
  const open = '{"a":['.repeat(depth);
  const close = ']}'.repeat(depth);
  return `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"deep-${depth}","kind":{"group":"external-secrets.io","version":"v1","kind":"ExternalSecret"},"operation":"CREATE","namespace":"apps","${field}":${open}1${close}}}`;
});

const reviewish = fc.record({
  apiVersion: wrong(fc.constant('admission.k8s.io/v1')),
  kind: wrong(fc.constant('AdmissionReview')),
  request: wrong(fc.record({
    uid: wrong(fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }))),
    kind: wrong(gvk),
    resource: wrong(fc.record({ group: fc.string(), version: fc.string(), resource: fc.string() }, { requiredKeys: [] })),
    subResource: wrong(fc.constantFrom('', 'status')),
    name: wrong(fc.string({ maxLength: 20 })),
    namespace: wrong(fc.constantFrom('apps', 'payments', '')),
    operation: wrong(fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT', 'PATCH')),
    userInfo: wrong(fc.record({ username: fc.string(), groups: fc.array(fc.string()) }, { requiredKeys: [] })),
    object: fc.oneof(esoObjectArb, json, bigString.map((s) => ({ kind: 'ExternalSecret', metadata: { name: s } })), fc.integer({ min: 1, max: 500 }).map(nested)),
    oldObject: wrong(esoObjectArb),
    dryRun: wrong(fc.boolean()),
    options: json,
  }, { requiredKeys: ['uid', 'kind', 'operation'] })),
}, { requiredKeys: [] });

/** A body and the content type it is sent with. */
const body: fc.Arbitrary<{ payload: Buffer; contentType?: string }> = fc.oneof(
  { weight: 6, arbitrary: reviewish.map((r) => ({ payload: Buffer.from(JSON.stringify(r)), contentType: 'application/json' })) },
  { weight: 2, arbitrary: fc.oneof(externalSecretArb, storeArb).map((o) => ({ payload: Buffer.from(JSON.stringify(admissionReview(o as Record<string, unknown>, { uid: 'valid-shape' }))), contentType: 'application/json; charset=utf-8' })) },
  { weight: 1, arbitrary: json.map((j) => ({ payload: Buffer.from(JSON.stringify(j) ?? 'null'), contentType: 'application/json' })) },
  { weight: 1, arbitrary: deepReview.map((text) => ({ payload: Buffer.from(text), contentType: 'application/json' })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((b) => ({ payload: Buffer.from(b), contentType: 'application/json' })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ payload: Buffer.from(s), contentType: 'application/json' })) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 100 }), fc.constantFrom('text/plain', 'application/yaml', 'application/x-www-form-urlencoded', undefined)).map(([s, contentType]) => ({ payload: Buffer.from(s), ...(contentType ? { contentType } : {}) })) },
);

function uidOf(payload: Buffer): unknown {
  try {
    return (JSON.parse(payload.toString('utf8')) as { request?: { uid?: unknown } }).request?.uid;
  } catch {
    return undefined;
  }
}

test(`fuzz: ${RUNS} arbitrary bodies to /validate and /mutate: an AdmissionReview or a one-line 4xx, never a 5xx or a hang`, async () => {
  await fc.assert(
    fc.asyncProperty(body, fc.constantFrom('/validate', '/mutate'), async ({ payload, contentType }, path) => {
      const res = await httpsRequest<{ response?: { uid?: unknown; allowed?: unknown }; error?: unknown }>({
        port: rig.running.webhookPort, path, method: 'POST', body: payload, ca: rig.ca, timeoutMs: PER_REQUEST_TIMEOUT_MS,
        ...(contentType ? { headers: { 'content-type': contentType } } : {}),
      });
      if (res.status === 200) {
        assert.equal(typeof res.body, 'object', res.text.slice(0, 300));
        assert.equal(res.body.response?.uid, uidOf(payload), 'the answer carries the request uid');
        assert.equal(typeof res.body.response?.allowed, 'boolean');
        return;
      }
      assert.ok([400, 413, 415].includes(res.status), `status ${res.status}: ${res.text.slice(0, 300)}`);
      assert.ok(!res.text.includes('\n'), 'one line');
      assert.equal(typeof res.body.error, 'string', res.text.slice(0, 300));
    }),
    { numRuns: RUNS },
  );
  assert.equal(rejections.count(), 0, `unhandled rejections: ${rejections.reasons.map(String).join('; ')}`);
  assertCleanAnswer(await rig.post('/validate', goodExternalSecret(), 'after-fuzz'), 'after-fuzz');
  const mutated = await rig.post('/mutate', goodExternalSecret(), 'after-fuzz-mutate');
  assert.equal(mutated.res.body.response.uid, 'after-fuzz-mutate');
  assert.equal(mutated.res.body.response.allowed, true);
  assert.ok(!rig.logs.some((l) => l.msg === 'webhook request failed' || l.msg === 'admission handler failed'), 'no request failed inside the server');
});
