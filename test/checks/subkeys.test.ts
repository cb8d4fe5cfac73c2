// Issue 14 item 5: property checks read the key structure (KV v2 `subkeys`), never the values. What
// the structure cannot decide (an index into an array, a path into a JSON string or an empty map)
// is NotVerifiable, never PropertyNotFound; an operator's per-mount opt-in (`valueReadMounts`) lets
// the webhook read values to decide it. KV v1 has no subkeys: its properties need the opt-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { startVaultDouble, webhookVaultConfig, WEBHOOK_POLICY_NAME, type VaultDouble } from '../support/vault-double.js';
import { createVaultFacts, type VaultFactsService } from '../../src/vault/index.js';
import { checkObject, type CheckContext } from '../../src/checks/engine.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, type Obj } from './support/example-harness.js';

const PLATFORM = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
const CLASSIC = join(OWN_EXAMPLES_DIR, 'classic-mistakes');

async function start(dir: string, opts: { valueReadMounts?: string[]; kvV1ValueReads?: boolean; listStanza?: string } = {}): Promise<{ double: VaultDouble; facts: VaultFactsService }> {
  const double = await startVaultDouble({ state: join(dir, 'vault-state.json') });
  double.state.secrets['apps/team-a/cfg'] = {
    versions: [{ data: { list: ['a', 'b'], json: '{"host":"h"}', empty: {}, nested: { deep: { x: '1' } }, plain: 'v' } }],
  };
  const base = webhookVaultConfig(double, {}, opts.kvV1ValueReads === false ? { kvV1ValueReads: false } : {});
  const config = opts.valueReadMounts ? { ...base, servers: base.servers.map((s) => ({ ...s, valueReadMounts: opts.valueReadMounts })) } : base;
  if (opts.valueReadMounts) {
    // The operator's opt-in stanza (deploy/vault/eso-vault-guard-policy.hcl, last comment).
    double.state.policies[WEBHOOK_POLICY_NAME] += opts.valueReadMounts.map((m) => `\npath "${m}data/*" {\n  capabilities = ["read"]\n}\n`).join('');
  }
  if (opts.listStanza) double.state.policies[WEBHOOK_POLICY_NAME] += `\npath "${opts.listStanza}*" {\n  capabilities = ["list"]\n}\n`;
  const facts = createVaultFacts(config, { logger: pino({ level: 'silent' }), registry: new Registry() });
  await facts.start();
  return { double, facts };
}

function es(property: string, key = 'team-a/cfg'): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'cfg', namespace: 'team-a' },
    spec: { secretStoreRef: { name: 'vault', kind: 'SecretStore' }, target: { name: 'cfg' }, data: [{ secretKey: 'v', remoteRef: { key, property } }] },
  };
}

async function codesFor(facts: VaultFactsService, dir: string, obj: Obj): Promise<string[]> {
  const ctx: CheckContext = { facts, lookup: manifestLookup(loadManifests(dir)), deadlineAtMs: Date.now() + 10_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust: 'store-identity' };
  const result = await checkObject(obj, ctx);
  return result.findings.map((f) => `${f.code}:${f.severity}${f.code === 'PropertyNotFound' && f.hint?.includes('"nested.deep.x"') ? ':did-you-mean' : ''}`);
}

// property → [default mode (subkeys), with the mount's value-read opt-in]
const CASES: Record<string, [string[], string[]]> = {
  'list.0': [['NotVerifiable:info'], []],
  'list.#': [['NotVerifiable:info'], []],
  'json.host': [['NotVerifiable:info'], ['PropertyNotFound:error']],
  'empty.x': [['NotVerifiable:info'], ['PropertyNotFound:error']],
  'nested.deep.x': [[], []],
  plain: [[], []],
  list: [[], []],
  'nested.deep.y': [['PropertyNotFound:error:did-you-mean'], ['PropertyNotFound:error:did-you-mean']],
  pass: [['PropertyNotFound:error'], ['PropertyNotFound:error']],
};

test('by default, properties are decided from subkeys; what subkeys cannot tell is NotVerifiable, never PropertyNotFound', async () => {
  const { double, facts } = await start(PLATFORM);
  try {
    for (const [property, [expected]] of Object.entries(CASES)) {
      const codes = await codesFor(facts, PLATFORM, es(property));
      assert.deepEqual(property === 'nested.deep.y' ? codes : codes.map((c) => c.replace(/:did-you-mean$/, '')), expected, property);
    }
    assert.ok(double.requests.some((r) => r.path === '/v1/apps/subkeys/team-a/cfg'));
    assert.ok(!double.requests.some((r) => r.path.startsWith('/v1/apps/data/')), 'no secret value is read');
  } finally {
    await facts.close();
    await double.close();
  }
});

test('with the mount opted into value reads, the value-dependent properties are decided from the data', async () => {
  const { double, facts } = await start(PLATFORM, { valueReadMounts: ['apps/'] });
  try {
    for (const [property, [, expected]] of Object.entries(CASES)) {
      const codes = await codesFor(facts, PLATFORM, es(property));
      assert.deepEqual(property === 'nested.deep.y' ? codes : codes.map((c) => c.replace(/:did-you-mean$/, '')), expected, property);
    }
    assert.ok(double.requests.some((r) => r.path === '/v1/apps/data/team-a/cfg'));
    assert.ok(!double.requests.some((r) => r.path.startsWith('/v1/apps/subkeys/')));
  } finally {
    await facts.close();
    await double.close();
  }
});

test('a deleted or destroyed current version is told from subkeys as from the data path', async () => {
  const { double, facts } = await start(PLATFORM);
  try {
    double.state.secrets['apps/team-a/cfg']!.versions.push({ data: { a: '1' }, deleted: true });
    assert.deepEqual(await codesFor(facts, PLATFORM, es('a')), ['SecretDeleted:error']);
    double.state.secrets['apps/team-a/gone'] = { versions: [{ data: { a: '1' }, destroyed: true }] };
    assert.deepEqual(await codesFor(facts, PLATFORM, es('a', 'team-a/gone')), ['SecretDeleted:error']);
    assert.deepEqual(await codesFor(facts, PLATFORM, es('a', 'team-a/never')), ['SecretNotFound:error']);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('KV v1 without the opt-in: no value is read and a property is NotVerifiable; with it, it is checked', async () => {
  const legacy: Obj = {
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'l', namespace: 'apps' },
    spec: { secretStoreRef: { name: 'vault-legacy-v1', kind: 'ClusterSecretStore' }, target: { name: 'l' }, data: [{ secretKey: 'u', remoteRef: { key: 'app/config', property: 'ur' } }] },
  };
  const missing = structuredClone(legacy);
  ((missing.spec as { data: { remoteRef: Record<string, unknown> }[] }).data[0]!.remoteRef) = { key: 'app/confg' };
  const off = await start(CLASSIC, { kvV1ValueReads: false });
  try {
    assert.deepEqual(await codesFor(off.facts, CLASSIC, legacy), ['NotVerifiable:info']);
    // Without a list stanza for the webhook, existence is not decided either (and not "could not check").
    assert.deepEqual(await codesFor(off.facts, CLASSIC, missing), []);
    assert.ok(!off.double.requests.some((r) => r.path.startsWith('/v1/legacy/app/') && r.query.list !== 'true'), 'no KV v1 value read');
  } finally {
    await off.facts.close();
    await off.double.close();
  }
  // With a list stanza (key names only), a missing KV v1 secret is found from its folder's listing.
  const listing = await start(CLASSIC, { kvV1ValueReads: false, listStanza: 'legacy/' });
  try {
    assert.deepEqual(await codesFor(listing.facts, CLASSIC, missing), ['SecretNotFound:error']);
    assert.deepEqual(await codesFor(listing.facts, CLASSIC, legacy), ['NotVerifiable:info']);
    assert.ok(listing.double.requests.some((r) => r.path === '/v1/legacy/app' && r.query.list === 'true'));
    assert.ok(!listing.double.requests.some((r) => r.path.startsWith('/v1/legacy/app/') && r.query.list !== 'true'), 'no KV v1 value read');
  } finally {
    await listing.facts.close();
    await listing.double.close();
  }
  const on = await start(CLASSIC);
  try {
    assert.deepEqual((await codesFor(on.facts, CLASSIC, legacy)).map((c) => c.split(':').slice(0, 2).join(':')), ['PropertyNotFound:error']);
    assert.ok(on.double.requests.some((r) => r.path === '/v1/legacy/app/config'));
  } finally {
    await on.facts.close();
    await on.double.close();
  }
});
