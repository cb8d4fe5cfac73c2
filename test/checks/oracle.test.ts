// Issue "no oracle", item 5, at the engine level: what an author learns through the webhook is no
// more than the identity behind the referenced store could learn from Vault itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import type { VaultState } from '../support/vault-double.js';
import { checkObject, type CheckContext } from '../../src/checks/engine.js';
import { decide } from '../../src/checks/decide.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from './support/example-harness.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const PLATFORM = join(OWN_EXAMPLES_DIR, 'platform-team-templated');

function stateFile(mutate: (s: VaultState) => void): string {
  const state = JSON.parse(readFileSync(join(PLATFORM, 'vault-state.json'), 'utf8')) as VaultState;
  mutate(state);
  const file = join(mkdtempSync(join(tmpdir(), 'oracle-')), 'vault-state.json');
  writeFileSync(file, JSON.stringify(state));
  return file;
}

function externalSecret(name: string, key: string, property: string): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'team-a' },
    spec: { secretStoreRef: { name: 'vault', kind: 'SecretStore' }, target: { name }, data: [{ secretKey: 'v', remoteRef: { key, property } }] },
  };
}

async function check(statePath: string, obj: Obj, trust: CheckContext['trust'] = 'store-identity') {
  const { double, facts } = await startFacts(statePath);
  try {
    const ctx: CheckContext = {
      facts,
      lookup: manifestLookup(loadManifests(PLATFORM)),
      deadlineAtMs: Date.now() + 10_000,
      audience: { defaultAudiences: DEFAULT_AUDIENCES },
      trust,
    };
    const result = await checkObject(obj, ctx);
    const decision = decide(result, { mode: 'enforce', failureMode: 'failOpen' });
    return { result, decision, requests: double.requests.map((r) => `${r.method} ${r.path}`) };
  } finally {
    await facts.close();
    await double.close();
  }
}

const withPayroll = stateFile((s) => {
  s.secrets['apps/team-b/payroll'] = { versions: [{ data: { iban: 'fake', amount: '1' } }], custom_metadata: {} };
});
const withoutPayroll = stateFile(() => {});

test('outside the role\'s policies: identical answer for an existing and a missing path, and neither is read', async () => {
  const obj = externalSecret('payroll', 'team-b/payroll', 'ibna');
  const existing = await check(withPayroll, obj);
  const missing = await check(withoutPayroll, obj);
  assert.deepEqual(existing.result, missing.result);
  assert.deepEqual(existing.decision, missing.decision);
  assert.deepEqual(existing.result.findings.map((f) => f.code), ['PolicyDenied']);
  assert.equal(existing.decision.allowed, false);
  for (const run of [existing, missing]) {
    // The mount preflight (sys/internal/ui/mounts/...) is made in both cases; the secret is read in neither.
    assert.ok(!run.requests.some((r) => r.includes('/v1/apps/data/team-b') || r.includes('/v1/apps/metadata/team-b')), run.requests.join('\n'));
  }
  // Nothing about keys or existence leaks into the text.
  assert.doesNotMatch(existing.decision.message ?? '', /iban|amount|does not exist|no secret|Did you mean/);
});

test('a property typo inside an allowed path gets its hint; the same typo outside gets only PolicyDenied', async () => {
  const inside = await check(withPayroll, externalSecret('db', 'team-a/db', 'passwrod'));
  assert.deepEqual(inside.result.findings.map((f) => f.code), ['PropertyNotFound']);
  assert.match(inside.result.findings[0]?.hint ?? '', /Did you mean "password"/);
  const outside = await check(withPayroll, externalSecret('db', 'team-b/db', 'passwrod'));
  assert.deepEqual(outside.result.findings.map((f) => f.code), ['PolicyDenied']);
  assert.doesNotMatch(JSON.stringify(outside.result), /password"/);
});

test('sibling path suggestions only where the store may list', async () => {
  const inside = await check(withPayroll, externalSecret('smtp', 'team-a/smpt', 'password'));
  assert.deepEqual(inside.result.findings.map((f) => f.code), ['SecretNotFound']);
  assert.match(inside.result.findings[0]?.hint ?? '', /Did you mean "team-a\/smtp"/);
  // Same mistake, but the role may read and not list: no sibling names.
  const noList = stateFile((s) => {
    s.policies['app-secrets'] = 'path "apps/data/{{identity.entity.aliases.auth_kubernetes_3f9a2c17.metadata.service_account_namespace}}/*" {\n  capabilities = ["read"]\n}\n';
  });
  const blind = await check(noList, externalSecret('smtp', 'team-a/smpt', 'password'));
  assert.deepEqual(blind.result.findings.map((f) => f.code), ['SecretNotFound']);
  assert.doesNotMatch(blind.result.findings[0]?.hint ?? '', /smtp/);
  assert.ok(!blind.requests.some((r) => r.includes('apps/metadata/team-a')), blind.requests.join('\n'));
});

test('operator trust (check CLI with a person\'s own token) says more: existence next to PolicyDenied', async () => {
  const missing = await check(withoutPayroll, externalSecret('payroll', 'team-b/payroll', 'iban'), 'operator');
  assert.deepEqual(missing.result.findings.map((f) => f.code).sort(), ['PolicyDenied', 'SecretNotFound']);
});

test('a missing pinned version is told apart only with requests the store itself may make', async () => {
  const { OWN_EXAMPLES_DIR } = await import('../support/paths.js');
  const dir = join(OWN_EXAMPLES_DIR, 'per-app-roles');
  const { double, facts } = await startFacts(join(dir, 'vault-state.json'));
  try {
    const ctx: CheckContext = { facts, lookup: manifestLookup(loadManifests(dir)), deadlineAtMs: Date.now() + 10_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust: 'store-identity' };
    const obj: Obj = {
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'example-api' },
      spec: { secretStoreRef: { name: 'vault-example-api', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'a', remoteRef: { key: 'example-api/env-file', property: 'dotenv', version: '5' } }] },
    };
    const r = await checkObject(obj, ctx);
    assert.deepEqual(r.findings.map((f) => [f.code, f.field]), [['SecretVersionNotFound', 'spec.data[0].remoteRef.version']]);
    // The role may read data but not metadata: no metadata request was made for it.
    assert.ok(!double.requests.some((req) => req.path.includes('/secret/metadata/')), double.requests.map((req) => req.path).join('\n'));
  } finally {
    await facts.close();
    await double.close();
  }
});
