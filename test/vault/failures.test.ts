// Time and failure: a dead Vault (circuit breaker), a slow one (deadline), sealed, 5xx/429,
// an invalid token (re-login once) versus a policy denial (forbidden, no re-login).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultDouble, webhookVaultConfig, type VaultDouble, type VaultState } from '../support/vault-double.js';
import type { VaultClientConfig } from '../../src/vault/index.js';
import { inMs, makeService, serviceAccountJwt } from './helpers.js';

const STATE: VaultState = {
  mounts: { 'secret/': { type: 'kv', options: { version: '2' } } },
  auth: {
    'kubernetes/': {
      type: 'kubernetes', accessor: 'auth_kubernetes_00000001', config: { kubernetes_host: 'https://k8s:6443' },
      roles: {
        guard: { bound_service_account_names: ['eso-vault-guard'], bound_service_account_namespaces: ['eso'], token_policies: ['eso-vault-guard'], token_ttl: 3600 },
        narrow: { bound_service_account_names: ['eso-vault-guard'], bound_service_account_namespaces: ['eso'], token_policies: ['only-mounts'], token_ttl: 3600 },
      },
    },
  },
  policies: { 'only-mounts': 'path "sys/mounts" {\n  capabilities = ["read"]\n}\n' },
  secrets: { 'secret/app': { versions: [{ data: { k: 'v' } }] } },
};

function kubernetesConfig(double: VaultDouble, role: string, overrides: Partial<VaultClientConfig> = {}): VaultClientConfig {
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'sa-')), 'token');
  writeFileSync(tokenFile, serviceAccountJwt('eso', 'eso-vault-guard'));
  const base = webhookVaultConfig(double, overrides);
  return { ...base, servers: [{ url: double.url, login: { method: 'kubernetes', mountPath: 'kubernetes', role, tokenFile } }] };
}

const logins = (d: VaultDouble) => d.requests.filter((r) => r.path === '/v1/auth/kubernetes/login').length;

test('a dead Vault opens the breaker: the next admission costs almost nothing', async () => {
  const double = await startVaultDouble({ state: STATE });
  // The breaker's clock is the test's: it stays open until the test moves time past openMs.
  let nowMs = Date.now();
  const { facts, registry } = makeService(webhookVaultConfig(double, { breaker: { failureThreshold: 3, openMs: 300 } }), undefined, () => nowMs);
  try {
    await facts.start();
    double.setDown(true);
    const first = await facts.kvMetadata(double.url, { mount: 'secret/', secretPath: 'app' }, inMs(1000));
    assert.equal(first.status, 'unavailable');
    // Vault is back, but the open breaker does not ask it: the next lookups cost no request.
    double.setDown(false);
    const requestsBefore = double.requests.length;
    const second = await facts.authMounts(double.url, inMs(1000));
    assert.equal(second.status, 'unavailable');
    assert.match(second.status === 'unavailable' ? second.detail : '', /circuit breaker open/);
    assert.match(await registry.metrics(), /eso_vault_guard_vault_breaker_open\{server="http:\/\/127\.0\.0\.1:\d+"\} 1/);
    nowMs += 299;
    const stillOpen = await facts.authMounts(double.url, inMs(1000));
    assert.match(stillOpen.status === 'unavailable' ? stillOpen.detail : '', /circuit breaker open/, 'open until openMs has passed');
    assert.equal(double.requests.length, requestsBefore, 'the open breaker sent nothing to Vault');
    nowMs += 1;
    const recovered = await facts.authMounts(double.url, inMs(1000));
    assert.equal(recovered.status, 'ok', 'the half-open probe closes the breaker');
    assert.match(await registry.metrics(), /eso_vault_guard_vault_breaker_open\{server="http:\/\/127\.0\.0\.1:\d+"\} 0/);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('a Vault slower than the deadline gives a timeout fact by the deadline', async () => {
  const double = await startVaultDouble({ state: STATE });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    double.setLatencyMs(2000);
    const deadlineMs = 300;
    const started = Date.now();
    const fact = await facts.kvMetadata(double.url, { mount: 'secret/', secretPath: 'app' }, { deadlineAtMs: started + deadlineMs });
    const elapsedMs = Date.now() - started;
    assert.equal(fact.status, 'timeout');
    // By the deadline, not by Vault: the double is still holding its answer back (no wall-clock margin to flake on a loaded machine).
    const asked = double.requests.filter((r) => r.path.includes('/metadata/'));
    assert.ok(asked.length > 0 && asked.every((r) => r.endedAtMs === undefined), 'the fact did not wait for Vault\'s answer');
    assert.ok(elapsedMs >= deadlineMs - 20, `answered early, after ${elapsedMs} ms`);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('sealed Vault: sealed fact, not ready; unsealed again: ok and ready', async () => {
  const double = await startVaultDouble({ state: STATE });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    double.seal();
    assert.equal((await facts.authMounts(double.url, inMs(1000))).status, 'sealed');
    assert.equal(facts.ready().ready, false);
    assert.match(facts.ready().reason ?? '', /sealed/);
    double.unseal();
    assert.equal((await facts.authMounts(double.url, inMs(1000))).status, 'ok', 'a sealed answer is not cached');
    assert.equal(facts.ready().ready, true);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('5xx and 429 answers are unavailable facts, not cached and not retried', async () => {
  const double = await startVaultDouble({ state: STATE });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    double.failNext(1, 500);
    const failed = await facts.authMounts(double.url, inMs(1000));
    assert.deepEqual(failed, { status: 'unavailable', source: 'GET sys/auth', detail: 'Vault answered HTTP 500: internal error' });
    double.failNext(1, 429);
    const limited = await facts.authMounts(double.url, inMs(1000));
    assert.match(limited.status === 'unavailable' ? limited.detail : '', /HTTP 429: request path "sys\/auth": rate limit quota exceeded/);
    assert.equal((await facts.authMounts(double.url, inMs(1000))).status, 'ok');
    assert.equal(double.requests.filter((r) => r.path === '/v1/sys/auth').length, 3);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('an invalid-token 403 makes the webhook log in again once, then succeed', async () => {
  const double = await startVaultDouble({ state: STATE });
  const { facts } = makeService(kubernetesConfig(double, 'guard'));
  try {
    await facts.start();
    assert.equal(logins(double), 1);
    for (const [token, info] of double.tokens) if (info.path === 'auth/kubernetes/login') double.revokeToken(token);
    const fact = await facts.kvMetadata(double.url, { mount: 'secret/', secretPath: 'app' }, inMs(2000));
    assert.equal(fact.status, 'ok');
    assert.equal(logins(double), 2);
    assert.deepEqual(double.requests.filter((r) => r.path === '/v1/secret/metadata/app').map((r) => r.status), [403, 200]);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('a policy denial of the webhook identity is forbidden, with no re-login', async () => {
  const double = await startVaultDouble({ state: STATE });
  const { facts } = makeService(kubernetesConfig(double, 'narrow'));
  try {
    await facts.start();
    const fact = await facts.authMounts(double.url, inMs(2000));
    assert.equal(fact.status, 'forbidden');
    assert.match(fact.status === 'forbidden' ? fact.detail : '', /webhook's own Vault identity is denied \(permission denied\)/);
    assert.equal(logins(double), 1);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('a connection reset on a read is retried within the budget', async () => {
  const double = await startVaultDouble({ state: STATE });
  const { facts, registry } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    double.failNext(1, 0);
    assert.equal((await facts.kvMetadata(double.url, { mount: 'secret/', secretPath: 'app' }, inMs(2000))).status, 'ok');
    assert.deepEqual(double.requests.filter((r) => r.path === '/v1/secret/metadata/app').map((r) => r.status), [0, 200]);
    const metrics = await registry.metrics();
    assert.match(metrics, /eso_vault_guard_vault_requests_total\{endpoint="kv2\.metadata",code="connection"\} 1/);
    assert.match(metrics, /eso_vault_guard_vault_requests_total\{endpoint="kv2\.metadata",code="200"\} 1/);
    assert.match(metrics, /eso_vault_guard_vault_cache_misses_total\{kind="kv_metadata"\} 1/);
    assert.match(metrics, /eso_vault_guard_vault_request_duration_seconds_count\{endpoint="kv2\.metadata"\} 2/);
    await facts.kvMetadata(double.url, { mount: 'secret/', secretPath: 'app' }, inMs(2000));
    assert.match(await registry.metrics(), /eso_vault_guard_vault_cache_hits_total\{kind="kv_metadata"\} 1/);
  } finally {
    await facts.close();
    await double.close();
  }
});
