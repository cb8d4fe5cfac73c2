// The webhook's own login: kubernetes (token file re-read at each login), jwt, approle, token;
// renewal before expiry and re-login at max TTL; readiness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultDouble, webhookVaultConfig, type VaultDouble, type VaultState } from '../support/vault-double.js';
import type { VaultClientConfig, VaultLoginConfig } from '../../src/vault/index.js';
import { fakeJwt, inMs, makeService, serviceAccountJwt } from './helpers.js';

function state(roleTtl: { token_ttl: number; token_max_ttl?: number } = { token_ttl: 3600 }): VaultState {
  return {
    mounts: { 'secret/': { type: 'kv', options: { version: '2' } } },
    auth: {
      'k8s/': {
        type: 'kubernetes', accessor: 'auth_kubernetes_00000002', config: { kubernetes_host: 'https://k8s:6443' },
        roles: { guard: { bound_service_account_names: ['eso-vault-guard'], bound_service_account_namespaces: ['eso'], token_policies: ['eso-vault-guard'], ...roleTtl } },
      },
      'jwt/': {
        type: 'jwt', accessor: 'auth_jwt_00000003', config: { bound_issuer: 'https://issuer' },
        roles: { guard: { role_type: 'jwt', bound_audiences: ['vault'], user_claim: 'sub', token_policies: ['eso-vault-guard'], token_ttl: 3600 } },
      },
      'approle/': {
        type: 'approle', accessor: 'auth_approle_00000004',
        roles: { guard: { role_id: 'role-123', secret_id: 'secret-456', token_policies: ['eso-vault-guard'], token_ttl: 3600 } },
      },
    },
    policies: {},
    secrets: {},
  };
}

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'login-')), 'credential');
  writeFileSync(path, content);
  return path;
}

function configWith(double: VaultDouble, login: VaultLoginConfig): VaultClientConfig {
  return { ...webhookVaultConfig(double), servers: [{ url: double.url, login }] };
}

const count = (d: VaultDouble, path: string) => d.requests.filter((r) => r.path === path && r.status === 200).length;

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

test('kubernetes login re-reads the ServiceAccount token file at each login', async () => {
  const double = await startVaultDouble({ state: state() });
  const tokenFile = file(serviceAccountJwt('eso', 'someone-else'));
  const { facts } = makeService(configWith(double, { method: 'kubernetes', mountPath: 'k8s/', role: 'guard', tokenFile }));
  try {
    await facts.start();
    const notReady = facts.ready();
    assert.equal(notReady.ready, false);
    assert.match(notReady.reason ?? '', /service account name not authorized/);
    writeFileSync(tokenFile, serviceAccountJwt('eso', 'eso-vault-guard')); // the projected token rotated
    assert.equal((await facts.authMounts(double.url, inMs(2000))).status, 'ok');
    assert.equal(facts.ready().ready, true);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('jwt and approle logins', async () => {
  const double = await startVaultDouble({ state: state() });
  const jwt = makeService(configWith(double, {
    method: 'jwt', mountPath: 'jwt', role: 'guard',
    tokenFile: file(fakeJwt({ sub: 'eso-vault-guard', aud: 'vault', exp: Math.floor(Date.now() / 1000) + 600 })),
  })).facts;
  const approle = makeService(configWith(double, { method: 'approle', mountPath: 'approle', roleId: 'role-123', secretIdFile: file('secret-456\n') })).facts;
  try {
    await Promise.all([jwt.start(), approle.start()]);
    assert.deepEqual(jwt.ready(), { ready: true });
    assert.deepEqual(approle.ready(), { ready: true });
    assert.equal((await jwt.authMounts(double.url, inMs(2000))).status, 'ok');
    assert.equal((await approle.authMounts(double.url, inMs(2000))).status, 'ok');
    const bodies = double.requests.filter((r) => r.path.endsWith('/login')).map((r) => `${r.path} ${r.status}`);
    assert.deepEqual(bodies.sort(), ['/v1/auth/approle/login 200', '/v1/auth/jwt/login 200']);
  } finally {
    await jwt.close();
    await approle.close();
    await double.close();
  }
});

test('a token file with an unknown token: not ready, lookups unavailable', async () => {
  const double = await startVaultDouble({ state: state() });
  const { facts } = makeService(configWith(double, { method: 'token', tokenFile: file('hvs.unknown') }));
  try {
    await facts.start();
    assert.equal(facts.ready().ready, false);
    assert.match(facts.ready().reason ?? '', /invalid token/);
    const fact = await facts.authMounts(double.url, inMs(1000));
    assert.equal(fact.status, 'unavailable');
  } finally {
    await facts.close();
    await double.close();
  }
});

test('the token is renewed at ~2/3 of its TTL and replaced by a new login at max TTL', async () => {
  const double = await startVaultDouble({ state: state({ token_ttl: 1, token_max_ttl: 2 }) });
  const { facts } = makeService(configWith(double, { method: 'kubernetes', mountPath: 'k8s', role: 'guard', tokenFile: file(serviceAccountJwt('eso', 'eso-vault-guard')) }));
  try {
    await facts.start();
    assert.ok(await waitFor(() => count(double, '/v1/auth/token/renew-self') >= 1, 3000), 'renewed');
    assert.ok(await waitFor(() => count(double, '/v1/auth/k8s/login') >= 2, 4000), 'logged in again at max TTL');
    assert.equal((await facts.authMounts(double.url, inMs(2000))).status, 'ok');
  } finally {
    await facts.close();
    await double.close();
  }
});
