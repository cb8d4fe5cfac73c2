// The Vault client configuration: defaults filled by the schema, every problem reported at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CACHE, normaliseServerUrl, parseVaultConfig, VaultConfigError } from '../../src/vault/index.js';

test('a minimal config gets every default', () => {
  const config = parseVaultConfig({ servers: [{ url: 'https://vault:8200', login: { method: 'kubernetes', mountPath: 'kubernetes', role: 'guard', tokenFile: '/var/run/secrets/vault/token' } }] });
  assert.deepEqual(config.cache, DEFAULT_CACHE);
  assert.equal(config.metadataOnly, false);
  assert.equal(config.requestTimeoutMs > 0, true);
  assert.equal(config.breaker.failureThreshold > 0, true);
});

test('invalid configs are rejected with each problem named', () => {
  assert.throws(
    () => parseVaultConfig({ servers: [{ url: 'vault:8200', login: { method: 'approle', mountPath: 'approle' } }], cache: { policyTtlMs: -1 } }),
    (err: unknown) => err instanceof VaultConfigError && /vault\.servers\[0\]\.url/.test(err.message) && /vault\.cache\.policyTtlMs/.test(err.message) && /vault\.servers\[0\]\.login\.roleId is missing/.test(err.message),
  );
});

test('server URLs are compared after normalising', () => {
  assert.equal(normaliseServerUrl('https://Vault.example:8200/'), normaliseServerUrl('https://vault.example:8200'));
  assert.equal(normaliseServerUrl('https://vault.example:443'), normaliseServerUrl('https://vault.example'));
  assert.notEqual(normaliseServerUrl('http://vault.example'), normaliseServerUrl('https://vault.example'));
});

test('valueReadMounts: empty by default (no secret value is read); a mount with "?" or "#" is refused', () => {
  const login = { method: 'token', tokenFile: '/t' };
  assert.deepEqual(parseVaultConfig({ servers: [{ url: 'https://vault:8200', login }] }).servers[0]?.valueReadMounts, []);
  assert.deepEqual(parseVaultConfig({ servers: [{ url: 'https://vault:8200', login, valueReadMounts: ['secret/', 'kv/dev'] }] }).servers[0]?.valueReadMounts, ['secret/', 'kv/dev']);
  assert.throws(() => parseVaultConfig({ servers: [{ url: 'https://vault:8200', login, valueReadMounts: ['a?b'] }] }), VaultConfigError);
  assert.throws(() => parseVaultConfig({ servers: [{ url: 'https://vault:8200', login, valueReadMounts: [''] }] }), VaultConfigError);
});
