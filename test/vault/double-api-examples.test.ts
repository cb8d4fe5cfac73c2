// The Vault double answers each api-example it implements with the example's status and body
// structure (same keys and value types; exact `errors` arrays). Examples are loaded at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../support/paths.js';
import { startVaultDouble, type VaultDouble, type VaultState } from '../support/vault-double.js';
import { fakeJwt, serviceAccountJwt } from './helpers.js';

const EXAMPLES_DIR = join(REFERENCE_DIR, 'vault', 'api-examples');

interface ApiExample {
  method: string;
  path: string;
  query?: Record<string, string>;
  requestHeaders?: Record<string, string>;
  requestBody?: Record<string, unknown>;
  status: number;
  body: unknown;
}

const EXAMPLE_POLICY = `
path "secret/data/my-app/*" { capabilities = ["read"] }
path "secret/data/does/*" { capabilities = ["read"] }
path "secret/metadata/*" { capabilities = ["read", "list"] }
path "secret/config" { capabilities = ["read"] }
path "secret/my-app/*" { capabilities = ["read"] }
path "kv1/*" { capabilities = ["read", "list"] }
path "sys/mounts" { capabilities = ["read"] }
path "sys/mounts/*" { capabilities = ["read"] }
path "sys/auth" { capabilities = ["read"] }
path "auth/+/role/*" { capabilities = ["read"] }
path "auth/+/config" { capabilities = ["read"] }
path "sys/policies/acl" { capabilities = ["list"] }
path "sys/policies/acl/*" { capabilities = ["read"] }
path "ns1/ns2/secret/data/*" { capabilities = ["read"] }
`;

function exampleState(): VaultState {
  return {
    mounts: {
      'secret/': { type: 'kv', options: { version: '2' }, accessor: 'kv_aedd93c1' },
      'kv1/': { type: 'kv', options: { version: '1' }, accessor: 'kv_1c2d3e4f' },
      'ns1/ns2/secret/': { type: 'kv', options: { version: '2' } },
    },
    auth: {
      'kubernetes/': {
        type: 'kubernetes', accessor: 'auth_kubernetes_5a1b2c3d',
        config: { kubernetes_host: 'https://10.96.0.1:443', kubernetes_ca_cert: '-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----', token_reviewer_jwt: 'reviewer' },
        roles: {
          app: { audience: 'vault', bound_service_account_names: ['app-sa', 'worker-*'], bound_service_account_namespaces: ['team-a'], token_policies: ['app-read'], token_ttl: 3600 },
        },
      },
      'jwt/': {
        type: 'jwt', accessor: 'auth_jwt_0a0b0c0d',
        config: { bound_issuer: 'https://token.actions.githubusercontent.com', oidc_discovery_url: 'https://token.actions.githubusercontent.com' },
        roles: {
          ci: {
            role_type: 'jwt', bound_audiences: ['https://vault.example.com'], bound_claims: { repository: 'org/repo', ref: ['refs/heads/main', 'refs/tags/*'] },
            bound_claims_type: 'glob', claim_mappings: { repository: 'repository', environment: 'env' }, user_claim: 'sub', token_policies: ['ci-deploy'], token_ttl: 900,
          },
        },
      },
      'approle/': {
        type: 'approle', accessor: 'auth_approle_0e0f0a0b',
        roles: { 'my-role': { role_id: 'db02de05-fa39-4855-059b-67221c5c2f63', secret_id: 'right', token_policies: ['app-read'], token_ttl: 1200, token_max_ttl: 1800 } },
      },
    },
    policies: { 'my-policy': 'path "secret/data/my-app/*" {\n  capabilities = ["read"]\n}\n', examples: EXAMPLE_POLICY, narrow: 'path "kv1/*" { capabilities = ["read"] }' },
    secrets: {
      'secret/my-app/config': {
        versions: [
          { data: { username: 'app', password: 'v1' }, destroyed: true },
          { data: { username: 'app', password: 'old' } },
          { data: { username: 'app', password: 's3cr3t' } },
        ],
        custom_metadata: { owner: 'team-a' },
      },
      'secret/my-app/db/password': { versions: [{ data: { value: 'x' } }] },
      'kv1/my-app/config': { versions: [{ data: { username: 'app', password: 's3cr3t' } }] },
      'ns1/ns2/secret/my-app/config': { versions: [{ data: { username: 'app' } }], custom_metadata: { owner: 'team-a' } },
    },
  };
}

interface Case {
  token?: 'examples' | 'root' | 'narrow' | 'as-is';
  prepare?: (d: VaultDouble) => void | Promise<void>;
  body?: (example: ApiExample) => Record<string, unknown>;
  /** Object paths whose keys are a map (the double may hold more entries than the example). */
  mapPaths?: string[];
  /** Keys Vault omits when empty (`omitempty`). */
  optional?: string[];
}

const secret = (d: VaultDouble) => d.state.secrets['secret/my-app/config']!;

const CASES: Record<string, Case> = {
  'kv1-read.200.json': {}, 'kv1-read.404.json': {}, 'kv2-config.200.json': {},
  'kv2-data.200-current.json': {}, 'kv2-data.200-version.json': {}, 'kv2-data.404-missing.json': {},
  'kv2-data.404-deleted.json': { prepare: (d) => { secret(d).versions[2]!.deleted = true; } },
  'kv2-data.404-destroyed.json': { prepare: (d) => { secret(d).versions[2]!.destroyed = true; } },
  'kv2-invalid-path.404.json': {}, 'kv2-metadata.200.json': {}, 'kv2-metadata.list.200.json': {}, 'kv2-metadata.list.404.json': {},
  'namespace-header.kv2-data.200.json': {},
  'sys-mounts.200.json': { mapPaths: ['', '.data'] }, 'sys-mounts-path.200.json': {}, 'sys-auth.200.json': { mapPaths: ['', '.data'] },
  'sys-internal-ui-mounts-path.200-kv2.json': {}, 'sys-internal-ui-mounts-path.403.json': { token: 'narrow' },
  'sys-policies-acl-name.200.json': { prepare: () => undefined }, 'sys-policies-acl-name.404.json': {}, 'sys-policies-acl.list.200.json': {},
  'sys-health.200-active.json': {}, 'sys-health.503-sealed.json': { prepare: (d) => d.seal() },
  'error-403-invalid-token.json': { token: 'as-is' }, 'error-403-permission-denied.json': {}, 'error-404.json': {},
  'error-404-no-route.json': { token: 'root' }, 'error-405-unsupported-operation.json': {},
  'error-429-rate-limited.json': { prepare: (d) => d.failNext(1, 429) }, 'error-500.json': { prepare: (d) => d.failNext(1, 500) },
  'error-503-sealed.json': { prepare: (d) => d.seal() },
  'auth-token-lookup-self.403-invalid-token.json': { token: 'as-is' },
  'auth-kubernetes-role.200.json': {}, 'auth-kubernetes-role.404.json': {}, 'auth-kubernetes-config.200.json': {},
  'auth-jwt-role.200.json': {}, 'auth-jwt-config.200.json': {}, 'auth-approle-role.200.json': {},
  'auth-approle-login.400-invalid.json': {},
  'auth-kubernetes-login.200.json': { body: () => ({ role: 'app', jwt: serviceAccountJwt('team-a', 'app-sa', 'vault') }), optional: ['.auth.identity_policies'] },
  'auth-kubernetes-login.400-missing-role.json': {}, 'auth-kubernetes-login.400-invalid-role.json': {},
  'auth-kubernetes-login.403-permission-denied.json': {},
  'auth-kubernetes-login.403-sa-name.json': { body: () => ({ role: 'app', jwt: serviceAccountJwt('team-a', 'intruder', 'vault') }) },
  'auth-kubernetes-login.403-namespace.json': { body: () => ({ role: 'app', jwt: serviceAccountJwt('team-b', 'app-sa', 'vault') }) },
  'auth-kubernetes-login.403-audience.json': { body: () => ({ role: 'app', jwt: serviceAccountJwt('team-a', 'app-sa', 'other') }) },
  'auth-jwt-login.400-audience.json': { body: () => ({ role: 'ci', jwt: fakeJwt({ sub: 'repo:org/repo', aud: 'other', exp: Math.floor(Date.now() / 1000) + 60 }) }) },
};

function structureDiff(actual: unknown, expected: unknown, path: string, c: Case): string[] {
  if (expected === null) return actual === null ? [] : [`${path}: expected null, got ${JSON.stringify(actual)?.slice(0, 40)}`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array`];
    if (path.endsWith('.errors')) return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
    return expected.length > 0 && actual.length > 0 ? structureDiff(actual[0], expected[0], `${path}[0]`, c) : [];
  }
  if (typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)?.slice(0, 40)}`];
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const diffs: string[] = [];
    for (const k of Object.keys(e)) {
      if (!(k in a)) { if (!c.optional?.includes(`${path}.${k}`)) diffs.push(`${path}.${k}: missing`); continue; }
      diffs.push(...structureDiff(a[k], e[k], `${path}.${k}`, c));
    }
    if (!c.mapPaths?.includes(path)) for (const k of Object.keys(a)) if (!(k in e)) diffs.push(`${path}.${k}: not in the example`);
    return diffs;
  }
  return typeof actual === typeof expected ? [] : [`${path}: ${typeof actual} instead of ${typeof expected}`];
}

const index = JSON.parse(readFileSync(join(EXAMPLES_DIR, '_index.json'), 'utf8')) as string[];

test('every case names an example listed in _index.json', () => {
  for (const name of Object.keys(CASES)) assert.ok(index.includes(name), name);
});

for (const name of Object.keys(CASES)) {
  test(`double answers like ${name}`, async () => {
    const example = JSON.parse(readFileSync(join(EXAMPLES_DIR, name), 'utf8')) as ApiExample;
    const c = CASES[name]!;
    const double = await startVaultDouble({ state: exampleState() });
    try {
      await c.prepare?.(double);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      for (const [k, v] of Object.entries(example.requestHeaders ?? {})) {
        if (k === 'X-Vault-Token') {
          const mode = c.token ?? 'examples';
          headers[k] = mode === 'as-is' ? v : double.issueToken(mode === 'root' ? ['root'] : [mode, 'default'], 3600);
        } else headers[k] = v;
      }
      const query = new URLSearchParams(example.query ?? {});
      let method = example.method;
      if (method === 'LIST') { method = 'GET'; query.set('list', 'true'); }
      const qs = query.toString();
      const body = c.body?.(example) ?? example.requestBody;
      const res = await fetch(`${double.url}${example.path}${qs ? `?${qs}` : ''}`, {
        method, headers, ...(body && method !== 'GET' ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      assert.equal(res.status, example.status, `status of ${name}: ${text}`);
      const actual = text ? (JSON.parse(text) as unknown) : undefined;
      assert.deepEqual(structureDiff(actual, example.body, '', c), [], `body of ${name}: ${text.slice(0, 600)}`);
    } finally {
      await double.close();
    }
  });
}

test('lookup-self after a kubernetes login has the example structure', async () => {
  const example = JSON.parse(readFileSync(join(EXAMPLES_DIR, 'auth-token-lookup-self.200.json'), 'utf8')) as ApiExample;
  const double = await startVaultDouble({ state: exampleState() });
  try {
    const login = await fetch(`${double.url}/v1/auth/kubernetes/login`, { method: 'POST', body: JSON.stringify({ role: 'app', jwt: serviceAccountJwt('team-a', 'app-sa', 'vault') }) });
    const token = ((await login.json()) as { auth: { client_token: string } }).auth.client_token;
    const res = await fetch(`${double.url}/v1/auth/token/lookup-self`, { headers: { 'X-Vault-Token': token } });
    assert.equal(res.status, 200);
    assert.deepEqual(structureDiff(await res.json(), example.body, '', { optional: ['.data.identity_policies'] }), []);
  } finally {
    await double.close();
  }
});
