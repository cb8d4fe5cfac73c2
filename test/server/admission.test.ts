import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { httpsRequest, postAdmission, type AdmissionReviewAnswer } from '../support/https-client.js';
import { admissionReview, clusterSecretStore, externalSecret, secretStore } from '../support/admission-fixtures.js';
import type { AdmissionHandlers, AdmissionRequest } from '../../src/server/admission-types.js';
import type { AdmissionDecision } from '../../src/server/decision.js';
import { startTestServers, type TestServers } from './harness.js';

const seen: AdmissionRequest[] = [];
let nextDecision: AdmissionDecision | undefined;
let nextError: Error | undefined;
const handlers: AdmissionHandlers = {
  validate: async (request) => {
    seen.push(request);
    if (nextError) throw nextError;
    return nextDecision ?? { allowed: true, warnings: [], codes: [] };
  },
  mutate: async (request) => {
    seen.push(request);
    return nextDecision ?? { allowed: true, warnings: [], codes: [] };
  },
};

let servers: TestServers;
before(async () => {
  servers = await startTestServers({ handlers });
});
after(async () => {
  await servers.close();
});

function reset(): void {
  seen.length = 0;
  nextDecision = undefined;
  nextError = undefined;
}

for (const [label, object] of [
  ['ExternalSecret', externalSecret()],
  ['SecretStore', secretStore()],
  ['ClusterSecretStore', clusterSecretStore()],
  ['v1beta1 ExternalSecret', externalSecret({ apiVersion: 'external-secrets.io/v1beta1' })],
] as const) {
  test(`an allowed ${label} is answered with an AdmissionReview echoing the uid`, async () => {
    reset();
    const review = admissionReview(object, { uid: `uid-${label}` });
    const res = await postAdmission(servers.webhookPort, '/validate', review, servers.ca);
    assert.equal(res.status, 200);
    assert.equal(res.body.apiVersion, 'admission.k8s.io/v1');
    assert.equal(res.body.kind, 'AdmissionReview');
    assert.deepEqual(res.body.response, { uid: `uid-${label}`, allowed: true });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.kind.kind, (object as { kind: string }).kind);
    assert.equal(seen[0]?.dryRun, false);
  });
}

test('a dry-run request is answered the same as a real one, and the handler sees dryRun', async () => {
  reset();
  nextDecision = { allowed: false, statusCode: 403, message: 'spec.data[0].remoteRef.property: no key "pasword"', warnings: ['w1'], codes: ['PropertyNotFound'] };
  const real = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'same' }), servers.ca);
  const dry = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'same', dryRun: true }), servers.ca);
  assert.deepEqual(dry.body, real.body);
  assert.equal(dry.body.response.allowed, false);
  assert.deepEqual(seen.map((r) => r.dryRun), [false, true]);
});

test('a denial carries status code and message; warnings are passed on', async () => {
  reset();
  nextDecision = { allowed: false, message: 'remote key "postgres" not found at kv/dev/data/postgres', warnings: ['first', 'second'], codes: ['SecretNotFound'] };
  const res = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'deny-1' }), servers.ca);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.response, {
    uid: 'deny-1',
    allowed: false,
    status: { code: 403, message: 'remote key "postgres" not found at kv/dev/data/postgres' },
    warnings: ['first', 'second'],
  });
});

test('/mutate returns patchType JSONPatch and a base64 patch only when the patch is not empty', async () => {
  reset();
  const none = await postAdmission(servers.webhookPort, '/mutate', admissionReview(externalSecret(), { uid: 'm0' }), servers.ca);
  assert.deepEqual(none.body.response, { uid: 'm0', allowed: true });

  nextDecision = { allowed: true, warnings: [], codes: [], patch: [] };
  const empty = await postAdmission(servers.webhookPort, '/mutate', admissionReview(externalSecret(), { uid: 'm1' }), servers.ca);
  assert.deepEqual(empty.body.response, { uid: 'm1', allowed: true });

  const patch = [{ op: 'add' as const, path: '/spec/refreshInterval', value: '1h' }];
  nextDecision = { allowed: true, warnings: [], codes: ['Defaulted'], patch };
  const res = await postAdmission(servers.webhookPort, '/mutate', admissionReview(externalSecret(), { uid: 'm2' }), servers.ca);
  assert.equal(res.body.response.patchType, 'JSONPatch');
  assert.deepEqual(JSON.parse(Buffer.from(res.body.response.patch ?? '', 'base64').toString('utf8')), patch);
});

test('every operation goes to the handler: which requests need no check is the handlers\' one gate (test/checks/handlers.test.ts)', async () => {
  reset();
  nextDecision = { allowed: true, warnings: [], codes: [] };
  const res = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'del', operation: 'DELETE' }), servers.ca);
  assert.deepEqual(res.body.response, { uid: 'del', allowed: true });
  assert.deepEqual(seen.map((r) => r.operation), ['DELETE']);
});

test('a handler exception answers per failure mode (failOpen: allowed with a warning naming the error) and is logged', async () => {
  reset();
  nextError = new Error('vault client exploded');
  const res = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'boom' }), servers.ca);
  assert.equal(res.status, 200);
  assert.equal(res.body.response.uid, 'boom');
  assert.equal(res.body.response.allowed, true);
  assert.match(res.body.response.warnings?.[0] ?? '', /could not complete its checks \(internal error: vault client exploded\); allowed without verification \(failOpen\)/);
  assert.ok(servers.logs.some((l) => l.msg === 'admission handler failed' && l.uid === 'boom'));
});

test('one log line per admission with identifiers, decision and codes, never the object', async () => {
  reset();
  nextDecision = { allowed: false, message: 'no', warnings: [], codes: ['PolicyDenied'] };
  const es = externalSecret({ name: 'app-db', namespace: 'team-a' });
  await postAdmission(servers.webhookPort, '/validate', admissionReview(es, { uid: 'log-1', dryRun: true }), servers.ca);
  const lines = servers.logs.filter((l) => l.uid === 'log-1' && typeof l.decision === 'string');
  assert.equal(lines.length, 1);
  const line = lines[0] as Record<string, unknown>;
  assert.equal(line.kind, 'ExternalSecret');
  assert.equal(line.namespace, 'team-a');
  assert.equal(line.name, 'app-db');
  assert.equal(line.operation, 'CREATE');
  assert.equal(line.dryRun, true);
  assert.equal(line.decision, 'denied');
  assert.deepEqual(line.codes, ['PolicyDenied']);
  assert.equal(typeof line.durationMs, 'number');
  assert.ok(!JSON.stringify(line).includes('remoteRef'));
});

test('Content-Type with a charset parameter is accepted', async () => {
  reset();
  const res = await httpsRequest<AdmissionReviewAnswer>({
    port: servers.webhookPort,
    path: '/validate',
    method: 'POST',
    body: JSON.stringify(admissionReview(externalSecret(), { uid: 'cs' })),
    headers: { 'content-type': 'application/json; charset=utf-8' },
    ca: servers.ca,
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.response.uid, 'cs');
});

test('a patch that cannot be encoded is answered per failure mode instead of failing the request', async () => {
  reset();
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  nextDecision = { allowed: true, warnings: [], codes: [], patch: [{ op: 'add', path: '/x', value: cyclic }] };
  const res = await postAdmission(servers.webhookPort, '/mutate', admissionReview(externalSecret(), { uid: 'cyc' }), servers.ca);
  assert.equal(res.status, 200);
  assert.equal(res.body.response.uid, 'cyc');
  assert.equal(res.body.response.allowed, true);
  assert.equal(res.body.response.patch, undefined);
  assert.match(res.body.response.warnings?.[0] ?? '', /allowed without verification \(failOpen\)/);
});
