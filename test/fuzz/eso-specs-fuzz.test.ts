// Random ESO objects (plausible and implausible field values) through the ESO model
// (parseEsoObject, planExternalSecret) and the whole check (checkObject) against the Vault double:
// no throw, and every finding is well-formed (a known code, a valid severity, a field path, a message).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseEsoObject, planExternalSecret } from '../../src/eso/index.js';
import { checkObject, type CheckContext } from '../../src/checks/engine.js';
import { FINDING_CODES } from '../../src/checks/finding-codes.js';
import { CLASSIC } from '../faults/rig.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts } from '../checks/support/example-harness.js';
import { FUZZ_RUNS, scaledRuns } from './runs.js';
import { esoObjectArb } from './eso-arbitraries.js';
import type { VaultDouble } from '../support/vault-double.js';
import type { VaultFactsService } from '../../src/vault/index.js';

const lookup = manifestLookup(loadManifests(CLASSIC));
const CODES = new Set<string>(FINDING_CODES);
const SEVERITIES = new Set(['error', 'warning', 'info']);
// checkObject asks the Vault double over HTTP (a few ms a case), so it runs at most 10,000 cases.
const CHECK_RUNS = scaledRuns(1, 20, 10_000);

let double: VaultDouble;
let facts: VaultFactsService;
before(async () => {
  ({ double, facts } = await startFacts(join(CLASSIC, 'vault-state.json')));
});
after(async () => {
  await facts.close();
  await double.close();
});

function assertWellFormed(findings: { code: string; severity: string; field: string; message: string }[]): void {
  for (const f of findings) {
    assert.ok(CODES.has(f.code), `unknown code ${f.code}`);
    assert.ok(SEVERITIES.has(f.severity), `bad severity ${f.severity}`);
    assert.ok(typeof f.field === 'string' && f.field.length > 0, `empty field in ${JSON.stringify(f)}`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0, `empty message in ${JSON.stringify(f)}`);
  }
}

test(`fuzz: ${FUZZ_RUNS} random ESO objects parse and plan without throwing`, () => {
  fc.assert(
    fc.property(esoObjectArb, (obj) => {
      const parsed = parseEsoObject(obj);
      if (parsed.kind === 'ExternalSecret' || parsed.kind === 'SecretStore' || parsed.kind === 'ClusterSecretStore') {
        for (const p of parsed.problems) {
          assert.ok(typeof p.field === 'string' && p.field.length > 0, JSON.stringify(p));
          assert.ok(typeof p.message === 'string' && p.message.length > 0, JSON.stringify(p));
        }
      }
      if (parsed.kind === 'ExternalSecret') {
        const plans = planExternalSecret(parsed.model, lookup);
        assert.ok(Array.isArray(plans));
      }
    }),
    { numRuns: FUZZ_RUNS },
  );
});

test(`fuzz: ${CHECK_RUNS} random ESO objects checked against the Vault double give well-formed findings`, async () => {
  const ctx = (): CheckContext => ({ facts, lookup, deadlineAtMs: Date.now() + 5_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust: 'store-identity' });
  await fc.assert(
    fc.asyncProperty(esoObjectArb, async (obj) => {
      const result = await checkObject(obj, ctx());
      assertWellFormed(result.findings);
      for (const c of result.couldNotCheck) assert.ok(typeof c.reason === 'string' && c.reason.length > 0);
      // The double is healthy and fast: nothing may be "could not check" for want of an answer.
      assert.ok(!result.couldNotCheck.some((c) => /did not answer in time|cannot reach Vault|circuit breaker/.test(c.reason)), JSON.stringify(result.couldNotCheck));
    }),
    { numRuns: CHECK_RUNS },
  );
  // Random objects reach secret reads only now and then (fast-check draws a new seed each run); the
  // example's own ExternalSecrets surely do, so the "never a value" assertion below is never vacuous.
  for (const obj of loadManifests(CLASSIC).filter((o) => o['kind'] === 'ExternalSecret')) assertWellFormed((await checkObject(obj, ctx())).findings);
  assert.ok(double.requests.some((r) => r.path.startsWith('/v1/secret/subkeys/')), 'the checks reached secret structure reads in Vault');
  assert.ok(!double.requests.some((r) => r.path.startsWith('/v1/secret/data/')), 'and never a secret value');
  assert.ok(double.requests.some((r) => r.path.startsWith('/v1/auth/kubernetes/role/')), 'and role reads');
});

// Found by this fuzzer. Vault refuses a non-numeric KV v2 `version` with HTTP 400, so ESO can never
// sync such an ExternalSecret: a finding on the field (before any Vault read), not "Vault is unavailable".
test('a non-numeric remoteRef.version on KV v2 is a finding on that field, not VaultUnavailable', async () => {
  const obj = {
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'apps' },
    spec: { secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' }, target: { name: 'db' }, data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password', version: 'latest' } }] },
  };
  const result = await checkObject(obj, { facts, lookup, deadlineAtMs: Date.now() + 5_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust: 'store-identity' });
  assert.deepEqual(result.couldNotCheck, []);
  assert.ok(result.findings.some((f) => f.code === 'MalformedReference' && f.severity === 'error' && f.field === 'spec.data[0].remoteRef.version'), JSON.stringify(result.findings));
  // Every form Go's ParseInt(s, 0, 64) accepts stays a version.
  for (const version of ['3', '+3', '0x1f', '0o7', '0b1', '1_0']) {
    const ok = await checkObject({ ...obj, spec: { ...obj.spec, data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password', version } }] } }, { facts, lookup, deadlineAtMs: Date.now() + 5_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust: 'store-identity' });
    assert.ok(!ok.findings.some((f) => f.code === 'MalformedReference'), version);
  }
});
