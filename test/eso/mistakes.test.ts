// The classic KV mistakes, detected from the manifest alone (hints, each with a fix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectClassicMistakes, type RemoteRefModel, type VaultProviderModel } from '../../src/eso/index.js';

function vault(path: string | null, version: 'v1' | 'v2'): VaultProviderModel {
  const auth = { method: 'none' as const, field: 'spec.provider.vault.auth' };
  return { server: 's', path, version, readYourWrites: false, forwardInconsistent: false, auth, allAuth: [] };
}
const ref = (key: string, property?: string, metadataPolicy: 'None' | 'Fetch' = 'None'): RemoteRefModel => ({ key, ...(property !== undefined ? { property } : {}), metadataPolicy });
const kinds = (v: VaultProviderModel, r: RemoteRefModel): string[] => detectClassicMistakes(v, r, 'spec.data[0].remoteRef.key').map((m) => m.kind);

test('data. prefix on the property with a v2 store', () => {
  const [m] = detectClassicMistakes(vault('secret', 'v2'), ref('app', 'data.username'), 'spec.data[0].remoteRef.key');
  assert.equal(m?.kind, 'data-prefix-property');
  assert.equal(m?.field, 'spec.data[0].remoteRef.property');
  assert.match(m?.hint ?? '', /property: "username"/);
});

test('mount in key is only a hint (ESO strips it) unless metadataPolicy Fetch reads another path', () => {
  const [m] = detectClassicMistakes(vault('secret', 'v2'), ref('secret/data/foo'), 'spec.data[0].remoteRef');
  assert.equal(m?.kind, 'mount-in-key');
  assert.match(m?.message ?? '', /reads "secret\/data\/foo", which works/);
  assert.match(m?.hint ?? '', /key: "foo"/);
  const [f] = detectClassicMistakes(vault('secret', 'v2'), ref('secret/foo', undefined, 'Fetch'), 'spec.data[0].remoteRef');
  assert.match(f?.message ?? '', /secret\/metadata\/secret\/foo/);
  assert.deepEqual(kinds(vault(null, 'v2'), ref('/dev/config')), ['mount-in-key']);
});

test('data/ at the start of the key gives secret/data/data/…', () => {
  const [m] = detectClassicMistakes(vault('secret', 'v2'), ref('data/foo'), 'spec.data[0].remoteRef.key');
  assert.equal(m?.kind, 'data-in-key');
  assert.match(m?.message ?? '', /secret\/data\/data\/foo/);
});

test('/data inside the store path (v2)', () => {
  const [m] = detectClassicMistakes(vault('secret/data', 'v2'), ref('foo'), 'spec.data[0].remoteRef.key');
  assert.equal(m?.kind, 'data-in-store-path');
  assert.equal(m?.field, 'spec.provider.vault.path');
  assert.match(m?.hint ?? '', /"secret"/);
  assert.deepEqual(kinds(vault('data', 'v2'), ref('foo')), []); // a mount named "data" is fine
});

test('v1/v2 confusion: a v2 API path or data. property with a v1 store', () => {
  assert.deepEqual(kinds(vault('secret', 'v1'), ref('data/foo')), ['v1-v2-confusion']);
  assert.deepEqual(kinds(vault(null, 'v1'), ref('secret/data/foo')), ['v1-v2-confusion']);
  assert.deepEqual(kinds(vault('secret', 'v1'), ref('foo', 'data.x')), ['v1-v2-confusion']);
});

test('a clean reference has no mistakes', () => {
  assert.deepEqual(kinds(vault('secret', 'v2'), ref('app/db', 'password')), []);
  assert.deepEqual(kinds(vault(null, 'v2'), ref('secret/data/app')), []);
});
