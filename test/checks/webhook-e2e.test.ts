// The checks behind the real HTTPS webhook, against the Vault double: the no-oracle guarantee on
// the wire (issue 10 item 5), modes, failOpen/failClosed, /mutate and UPDATE short-cuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { postAdmission } from '../support/https-client.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { startTestServers } from '../server/harness.js';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import type { AdmissionMode as Mode, FailureMode } from '../../src/config/types.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from './support/example-harness.js';

const PLATFORM = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
const CLASSIC = join(OWN_EXAMPLES_DIR, 'classic-mistakes');

async function webhook(example: string, opts: { mode?: Mode; failureMode?: FailureMode } = {}) {
  const { double, facts } = await startFacts(join(example, 'vault-state.json'));
  const handlers = createAdmissionHandlers({
    facts,
    lookup: manifestLookup(loadManifests(example)),
    mode: opts.mode ?? 'enforce',
    failureMode: opts.failureMode ?? 'failOpen',
    defaultAudiences: DEFAULT_AUDIENCES,
  });
  const servers = await startTestServers({ handlers });
  return {
    double,
    post: (path: '/validate' | '/mutate', review: unknown) => postAdmission(servers.webhookPort, path, review, servers.ca),
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
    },
  };
}

function es(name: string, namespace: string, store: string, remoteRef: Obj, kind: string | null = 'SecretStore'): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace },
    spec: { secretStoreRef: { name: store, ...(kind ? { kind } : {}) }, target: { name }, data: [{ secretKey: 'v', remoteRef }] },
  };
}

test('outside the store\'s policies, existing and missing paths give byte-identical responses (but the uid)', async () => {
  const w = await webhook(PLATFORM);
  try {
    const obj = es('payroll', 'team-a', 'vault', { key: 'team-b/payroll', property: 'iban' });
    w.double.state.secrets['apps/team-b/payroll'] = { versions: [{ data: { iban: 'fake' } }], custom_metadata: {} };
    const existing = await w.post('/validate', admissionReview(obj, { uid: 'uid-existing' }));
    delete w.double.state.secrets['apps/team-b/payroll'];
    const missing = await w.post('/validate', admissionReview(obj, { uid: 'uid-missing' }));
    assert.equal(existing.status, 200);
    assert.equal(existing.body.response.allowed, false);
    assert.match(existing.body.response.status?.message ?? '', /\[PolicyDenied\]/);
    assert.equal(existing.text.replace('uid-existing', 'UID'), missing.text.replace('uid-missing', 'UID'));
    // Only the mount preflight (made in both cases) touches the path; the secret is never read.
    assert.ok(!w.double.requests.some((r) => r.path.startsWith('/v1/apps/data/team-b') || r.path.startsWith('/v1/apps/metadata/team-b')));
  } finally {
    await w.close();
  }
});

test('a property typo inside an allowed path gets its hint over the wire; outside, only PolicyDenied', async () => {
  const w = await webhook(PLATFORM);
  try {
    const inside = await w.post('/validate', admissionReview(es('db', 'team-a', 'vault', { key: 'team-a/db', property: 'passwrod' })));
    assert.match(inside.body.response.status?.message ?? '', /\[PropertyNotFound\] spec\.data\[0\]\.remoteRef\.property: .*Fix: Did you mean "password"\?/);
    const outside = await w.post('/validate', admissionReview(es('db', 'team-a', 'vault', { key: 'team-b/db', property: 'passwrod' })));
    const message = outside.body.response.status?.message ?? '';
    assert.match(message, /\[PolicyDenied\]/);
    assert.doesNotMatch(message, /PropertyNotFound|password"|Did you mean/);
    assert.equal(outside.body.response.status?.code, 403);
  } finally {
    await w.close();
  }
});

test('warn mode admits with the errors as warnings; a stricter mode annotation overrides it (who may loosen: overrides.test.ts)', async () => {
  const w = await webhook(CLASSIC, { mode: 'warn' });
  try {
    const obj = es('typo', 'apps', 'vault-backend', { key: 'app/db', property: 'data.password' }, 'ClusterSecretStore');
    const warned = await w.post('/validate', admissionReview(obj));
    assert.equal(warned.body.response.allowed, true);
    assert.ok((warned.body.response.warnings ?? []).some((l) => l.startsWith('[PropertyNotFound] spec.data[0].remoteRef.property:')));
    const enforced = { ...obj, metadata: { ...(obj['metadata'] as Obj), annotations: { 'eso-vault-guard.io/mode': 'enforce' } } };
    assert.equal((await w.post('/validate', admissionReview(enforced))).body.response.allowed, false);
  } finally {
    await w.close();
  }
});

test('Vault down: failOpen admits with a warning, failClosed denies saying what could not be checked', async () => {
  const obj = es('db', 'apps', 'vault-backend', { key: 'app/db', property: 'password' }, 'ClusterSecretStore');
  for (const failureMode of ['failOpen', 'failClosed'] as const) {
    const w = await webhook(CLASSIC, { failureMode });
    try {
      w.double.setDown(true);
      const r = await w.post('/validate', admissionReview(obj));
      if (failureMode === 'failOpen') {
        assert.equal(r.body.response.allowed, true);
        assert.ok((r.body.response.warnings ?? []).some((l) => l.includes('VaultUnavailable')));
      } else {
        assert.equal(r.body.response.allowed, false);
        assert.equal(r.body.response.status?.code, 500);
        assert.match(r.body.response.status?.message ?? '', /could not be checked against Vault/);
      }
    } finally {
      await w.close();
    }
  }
});

test('/mutate answers without a patch, identically on dry-run (an omitted kind keeps meaning SecretStore)', async () => {
  const w = await webhook(CLASSIC);
  try {
    const obj = es('db', 'apps', 'vault-backend', { key: 'app/db', property: 'password' }, null);
    const real = await w.post('/mutate', admissionReview(obj, { uid: 'u' }));
    const dry = await w.post('/mutate', admissionReview(obj, { uid: 'u', dryRun: true }));
    assert.equal(real.text, dry.text);
    assert.equal(real.body.response.allowed, true);
    assert.equal(real.body.response.patchType, undefined);
    assert.equal(real.body.response.patch, undefined);
  } finally {
    await w.close();
  }
});

test('UPDATE that only touches status or labels skips Vault', async () => {
  const w = await webhook(CLASSIC);
  try {
    const obj = es('db', 'apps', 'vault-backend', { key: 'app/missing' }, 'ClusterSecretStore');
    const before = w.double.requests.length;
    const relabelled = { ...obj, metadata: { ...(obj['metadata'] as Obj), labels: { team: 'x' } }, status: { refreshTime: 'now' } };
    const r = await w.post('/validate', admissionReview(relabelled, { operation: 'UPDATE', oldObject: obj }));
    assert.equal(r.body.response.allowed, true);
    assert.equal(w.double.requests.length, before);
    const changed = await w.post('/validate', admissionReview(es('db', 'apps', 'vault-backend', { key: 'app/other' }, 'ClusterSecretStore'), { operation: 'UPDATE', oldObject: obj }));
    assert.equal(changed.body.response.allowed, false);
  } finally {
    await w.close();
  }
});
