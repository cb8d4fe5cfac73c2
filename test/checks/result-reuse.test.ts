// checks.reuseResultsMs: an identical ExternalSecret re-sent moments later (Argo CD dry-run, then
// apply) gets the same verdict without Vault; anything it depends on changing, or an incomplete
// check, means a fresh check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import type { AdmissionRequest } from '../../src/server/admission-types.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from './support/example-harness.js';

const PLATFORM = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
const manifests = loadManifests(PLATFORM);
const apiDb = manifests.find((o) => o['kind'] === 'ExternalSecret' && (o['metadata'] as { name: string }).name === 'api-db-typo') as Obj;

function request(obj: Obj, extra: Record<string, unknown> = {}): AdmissionRequest {
  const review = admissionReview({ ...obj, metadata: { ...(obj['metadata'] as Obj), ...extra } }) as { request: Record<string, unknown> };
  return { ...review.request, dryRun: false, userInfo: {} } as unknown as AdmissionRequest;
}

test('an identical ExternalSecret within the reuse window is answered without Vault; a changed one is checked', async () => {
  const { double, facts } = await startFacts(join(PLATFORM, 'vault-state.json'));
  try {
    const handlers = createAdmissionHandlers({ facts, lookup: manifestLookup(manifests), mode: 'enforce', failureMode: 'failOpen', defaultAudiences: DEFAULT_AUDIENCES, reuseResultsMs: 60_000 });
    const ctx = { deadlineAtMs: Date.now() + 10_000 };
    const first = await handlers.validate(request(apiDb), ctx as never);
    assert.equal(first.allowed, false);
    const before = double.requests.length;
    // The API server changes resourceVersion/uid on every write: not part of the key.
    const again = await handlers.validate(request(apiDb, { resourceVersion: '42', uid: 'other' }), ctx as never);
    assert.deepEqual(again, first);
    assert.equal(double.requests.length, before, 'no Vault request for the repeat');
    const changed = structuredClone(apiDb);
    ((changed['spec'] as Obj)['data'] as Obj[])[0] = { secretKey: 'password', remoteRef: { key: 'team-a/db', property: 'password' } };
    const fixed = await handlers.validate(request(changed), ctx as never);
    assert.equal(fixed.allowed, true, 'a changed spec is checked afresh');
  } finally {
    await facts.close();
    await double.close();
  }
});

test('a result that could not be fully checked is never reused: the next admission asks Vault again', async () => {
  const { double, facts } = await startFacts(join(PLATFORM, 'vault-state.json'));
  try {
    const handlers = createAdmissionHandlers({ facts, lookup: manifestLookup(manifests), mode: 'enforce', failureMode: 'failOpen', defaultAudiences: DEFAULT_AUDIENCES, reuseResultsMs: 60_000 });
    const ctx = { deadlineAtMs: Date.now() + 10_000 };
    double.seal();
    const during = await handlers.validate(request(apiDb), ctx as never);
    assert.equal(during.allowed, true);
    assert.ok(during.warnings.some((w) => w.includes('VaultUnavailable')));
    double.unseal();
    const after = await handlers.validate(request(apiDb), ctx as never);
    assert.equal(after.allowed, false, 'checked again once Vault is back');
    assert.ok(after.codes.includes('PropertyNotFound'));
  } finally {
    await facts.close();
    await double.close();
  }
});

test('a change of the referenced store is part of the key: the repeat is checked afresh', async () => {
  const { double, facts } = await startFacts(join(PLATFORM, 'vault-state.json'));
  try {
    let objects = manifests;
    const lookup = {
      getStore: (...args: Parameters<ReturnType<typeof manifestLookup>['getStore']>) => manifestLookup(objects).getStore(...args),
      namespaceLabels: (ns: string) => manifestLookup(objects).namespaceLabels(ns),
      controllerServiceAccount: manifestLookup(objects).controllerServiceAccount,
    };
    const handlers = createAdmissionHandlers({ facts, lookup, mode: 'enforce', failureMode: 'failOpen', defaultAudiences: DEFAULT_AUDIENCES, reuseResultsMs: 60_000 });
    const ctx = { deadlineAtMs: Date.now() + 10_000 };
    const first = await handlers.validate(request(apiDb), ctx as never);
    assert.ok(first.codes.includes('PropertyNotFound'));
    // The team-a store is deleted from the cluster.
    objects = manifests.filter((o) => !(o['kind'] === 'SecretStore' && (o['metadata'] as { namespace?: string }).namespace === 'team-a'));
    const after = await handlers.validate(request(apiDb), ctx as never);
    assert.deepEqual(after.codes, ['StoreNotFound']);
  } finally {
    await facts.close();
    await double.close();
  }
});
