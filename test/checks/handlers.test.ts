// The admission handlers' one gate: requests that need no check are admitted before any store
// lookup, Vault request or prefetch, so neither an outage nor a slow API can block them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdmissionHandlers, type AdmissionStoreLookup } from '../../src/checks/handlers.js';
import type { AdmissionRequest } from '../../src/server/admission-types.js';
import type { VaultFacts } from '../../src/vault/facts.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';

/** An object every property access of which fails the test. */
function untouchable<T extends object>(what: string): T {
  return new Proxy({} as T, { get: (_t, p) => { throw new Error(`${what}.${String(p)} was used`); } });
}

const handlers = createAdmissionHandlers({
  facts: untouchable<VaultFacts>('facts'),
  lookup: untouchable<AdmissionStoreLookup>('lookup'),
  mode: 'enforce',
  failureMode: 'failClosed',
  defaultAudiences: [],
});
const ctx = { deadlineAtMs: Date.now() + 5_000, signal: new AbortController().signal };
const request = (options: Parameters<typeof admissionReview>[1]): AdmissionRequest => admissionReview(externalSecret(), options).request as AdmissionRequest;

test('DELETE, CONNECT and status-subresource writes are admitted without a lookup or a Vault request', async () => {
  for (const r of [request({ operation: 'DELETE' }), request({ operation: 'CONNECT' }), { ...request({}), subResource: 'status' }]) {
    assert.deepEqual(await handlers.validate(r, ctx), { allowed: true, warnings: [], codes: [] }, `${r.operation} ${r.subResource ?? ''}`);
  }
});

test('an UPDATE that leaves the spec alone is admitted without a check; one that changes it is checked', async () => {
  const obj = externalSecret();
  const unchanged = { ...request({ operation: 'UPDATE', oldObject: obj }), object: { ...obj, status: { refreshTime: 'now' } } };
  assert.deepEqual(await handlers.validate(unchanged, ctx), { allowed: true, warnings: [], codes: [] });
  const changed = { ...unchanged, object: { ...obj, spec: { ...(obj['spec'] as object), refreshInterval: '5m' } } };
  await assert.rejects(handlers.validate(changed, ctx), /was used/);
});
