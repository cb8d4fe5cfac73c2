// Opting out is the operator's decision, not every author's (issue 14 item 11): an object's own skip
// label, a looser mode annotation and skip-codes count only where admission.objectOverrides grants
// them. Replayed over HTTPS against the Vault double, as a tenant would try it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { postAdmission } from '../support/https-client.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { startTestServers } from '../server/harness.js';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import type { ObjectOverrides } from '../../src/config/types.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from './support/example-harness.js';

const CLASSIC = join(OWN_EXAMPLES_DIR, 'classic-mistakes');
// "apps" is a tenant namespace; "payments" is one the operator granted object overrides to.
const GRANTED = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', labels: { 'kubernetes.io/metadata.name': 'payments', 'eso-vault-guard.io/object-overrides': 'allowed' } } };

async function webhook(objectOverrides?: ObjectOverrides, mode: 'enforce' | 'warn' = 'enforce') {
  const { double, facts } = await startFacts(join(CLASSIC, 'vault-state.json'));
  const manifests = loadManifests(CLASSIC).filter((o) => !(o['kind'] === 'Namespace' && (o['metadata'] as Obj)['name'] === 'payments'));
  const handlers = createAdmissionHandlers({
    facts,
    lookup: manifestLookup([...manifests, GRANTED]),
    mode,
    failureMode: 'failOpen',
    defaultAudiences: DEFAULT_AUDIENCES,
    ...(objectOverrides ? { objectOverrides } : {}),
  });
  const servers = await startTestServers({ handlers });
  return {
    double,
    validate: (obj: Obj, opts: Parameters<typeof admissionReview>[1] = {}) => postAdmission(servers.webhookPort, '/validate', admissionReview(obj, opts), servers.ca),
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
    },
  };
}

/** An ExternalSecret with a property typo (PropertyNotFound), in `namespace`, with the author's own metadata. */
function broken(namespace: string, metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'typo', namespace, ...metadata },
    spec: {
      secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' },
      target: { name: 'typo' },
      data: [{ secretKey: 'v', remoteRef: { key: 'app/db', property: 'pasword' } }],
    },
  };
}

const SKIP = { labels: { 'eso-vault-guard.io/skip': 'true' } };
const AUDIT = { annotations: { 'eso-vault-guard.io/mode': 'audit' } };
const SKIP_CODES = { annotations: { 'eso-vault-guard.io/skip-codes': 'PropertyNotFound' } };

test('default (namespaceGranted): a tenant\'s skip label, audit annotation and skip-codes do not get a broken manifest through', async () => {
  const w = await webhook();
  try {
    for (const [what, metadata] of [['skip label', SKIP], ['mode audit', AUDIT], ['skip-codes', SKIP_CODES]] as const) {
      const r = await w.validate(broken('apps', metadata));
      assert.equal(r.body.response.allowed, false, `${what} in an ungranted namespace`);
      assert.match(r.body.response.status?.message ?? '', /\[PropertyNotFound\]/);
    }
    // Making the mode stricter is always allowed.
    const strict = await webhook(undefined, 'warn');
    try {
      assert.equal((await strict.validate(broken('apps'))).body.response.allowed, true, 'warn admits');
      assert.equal((await strict.validate(broken('apps', { annotations: { 'eso-vault-guard.io/mode': 'enforce' } }))).body.response.allowed, false);
    } finally {
      await strict.close();
    }
  } finally {
    await w.close();
  }
});

test('default (namespaceGranted): in a namespace the operator labelled, the object\'s opt-outs count; the skip label asks Vault nothing', async () => {
  const w = await webhook();
  try {
    const before = w.double.requests.length;
    const skipped = await w.validate(broken('payments', SKIP));
    assert.equal(skipped.body.response.allowed, true);
    assert.deepEqual(skipped.body.response.warnings ?? [], []);
    assert.equal(w.double.requests.length, before, 'a skipped object costs no Vault request');
    assert.equal((await w.validate(broken('payments', AUDIT))).body.response.allowed, true);
    assert.equal((await w.validate(broken('payments', SKIP_CODES))).body.response.allowed, true);
    assert.equal((await w.validate(broken('payments'))).body.response.allowed, false, 'without an opt-out it is still checked');
  } finally {
    await w.close();
  }
});

test('objectOverrides never and always', async () => {
  const never = await webhook('never');
  try {
    assert.equal((await never.validate(broken('payments', SKIP))).body.response.allowed, false, 'never: not even a granted namespace');
  } finally {
    await never.close();
  }
  const always = await webhook('always');
  try {
    assert.equal((await always.validate(broken('apps', SKIP))).body.response.allowed, true, 'always: any author (the old behaviour)');
  } finally {
    await always.close();
  }
});

test('removing the skip label on an otherwise unchanged object is checked (the UPDATE short-cut counts the label)', async () => {
  const w = await webhook('always');
  try {
    const r = await w.validate(broken('apps'), { operation: 'UPDATE', oldObject: broken('apps', SKIP) });
    assert.equal(r.body.response.allowed, false);
    const unchanged = await w.validate(broken('apps', { labels: { 'eso-vault-guard.io/skip': 'true', 'argocd.argoproj.io/instance': 'x' } }), { operation: 'UPDATE', oldObject: broken('apps', SKIP) });
    assert.equal(unchanged.body.response.allowed, true, 'another label changed only: no check');
  } finally {
    await w.close();
  }
});
