// Which identity ESO presents to Vault (auth order, ServiceAccount, audiences, claims).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEsoObject, planIdentity, serviceAccountTokenClaims, type StoreModel } from '../../src/eso/index.js';

const CONTROLLER = { name: 'external-secrets', namespace: 'eso-system' };

function store(kind: 'SecretStore' | 'ClusterSecretStore', auth: Record<string, unknown>, namespace = 'team'): StoreModel {
  const p = parseEsoObject({
    apiVersion: 'external-secrets.io/v1', kind, metadata: { name: 's', ...(kind === 'SecretStore' ? { namespace } : {}) },
    spec: { provider: { vault: { server: 'https://v:8200', path: 'secret', auth } } },
  });
  assert.ok(p.kind === kind);
  return p.model;
}

test('kubernetes auth without refs: the controller ServiceAccount, default audience', () => {
  const id = planIdentity(store('ClusterSecretStore', { kubernetes: { role: 'r' } }), 'app', CONTROLLER);
  assert.equal(id.verifiable, true);
  assert.equal(id.authMountPath, 'kubernetes');
  assert.deepEqual(id.serviceAccount, { ...CONTROLLER, audiences: [], source: 'controller' });
});

test('kubernetes serviceAccountRef: SecretStore uses the ES namespace; ClusterSecretStore ref.namespace or the ES namespace', () => {
  const ss = planIdentity(store('SecretStore', { kubernetes: { role: 'r', serviceAccountRef: { name: 'sa' } } }), 'team', CONTROLLER);
  assert.equal(ss.serviceAccount?.namespace, 'team');
  assert.equal(ss.serviceAccount?.source, 'serviceAccountRef');
  assert.equal(ss.serviceAccount?.expirationSeconds, 600);
  const cssWithNs = planIdentity(store('ClusterSecretStore', { kubernetes: { role: 'r', serviceAccountRef: { name: 'sa', namespace: 'eso' } } }), 'app', CONTROLLER);
  assert.equal(cssWithNs.serviceAccount?.namespace, 'eso');
  const referent = store('ClusterSecretStore', { kubernetes: { role: 'r', serviceAccountRef: { name: 'sa' } } });
  assert.equal(planIdentity(referent, 'app', CONTROLLER).serviceAccount?.namespace, 'app');
  const alone = planIdentity(referent, undefined, CONTROLLER);
  assert.equal(alone.verifiable, false);
  assert.equal(alone.serviceAccount, undefined);
});

test('kubernetes audiences are exactly serviceAccountRef.audiences (no default)', () => {
  const id = planIdentity(store('ClusterSecretStore', { kubernetes: { role: 'r', serviceAccountRef: { name: 'sa', namespace: 'n', audiences: ['vault'] } } }), 'app', CONTROLLER);
  assert.deepEqual(id.serviceAccount?.audiences, ['vault']);
});

test('kubernetes secretRef: not verifiable, secretRef key defaults to "token"', () => {
  const s = store('ClusterSecretStore', { kubernetes: { role: 'r', secretRef: { name: 'jwt' } } });
  const auth = s.provider.type === 'vault' ? s.provider.vault.auth : undefined;
  assert.equal(auth?.method === 'kubernetes' ? auth.secretRef?.key : undefined, 'token');
  const id = planIdentity(s, 'app', CONTROLLER);
  assert.equal(id.verifiable, false);
  assert.match(id.notVerifiableReason ?? '', /Secret "jwt"/);
});

test('jwt + kubernetesServiceAccountToken: audiences = ref audiences then token audiences (default ["vault"])', () => {
  const id = planIdentity(store('ClusterSecretStore', { jwt: { role: 'r', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'sa', namespace: 'n', audiences: ['a'] } } } }), 'app', CONTROLLER);
  assert.equal(id.authMountPath, 'jwt');
  assert.deepEqual(id.serviceAccount?.audiences, ['a', 'vault']);
  assert.equal(id.serviceAccount?.expirationSeconds, 600);
  const explicit = planIdentity(store('ClusterSecretStore', { jwt: { path: 'k8s-jwt/', role: 'r', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'sa' }, audiences: [], expirationSeconds: 900 } } }), 'app', CONTROLLER);
  assert.deepEqual(explicit.serviceAccount?.audiences, []);
  assert.equal(explicit.serviceAccount?.namespace, 'app');
  assert.equal(explicit.serviceAccount?.expirationSeconds, 900);
  assert.equal(explicit.authMountPath, 'k8s-jwt');
  const claims = serviceAccountTokenClaims(id);
  assert.deepEqual(claims, { sub: 'system:serviceaccount:n:sa', aud: ['a', 'vault'], 'kubernetes.io': { namespace: 'n', serviceaccount: { name: 'sa' } } });
  assert.deepEqual(serviceAccountTokenClaims(planIdentity(store('ClusterSecretStore', { kubernetes: { role: 'r' } }), 'x', CONTROLLER), ['https://kubernetes.default.svc'])?.aud, ['https://kubernetes.default.svc']);
});

test('credential-based methods are not verifiable, with a reason and the mount path', () => {
  const cases: [Record<string, unknown>, string, string | undefined][] = [
    [{ tokenSecretRef: { name: 't', key: 'token' } }, 'tokenSecretRef', undefined],
    [{ appRole: { roleId: 'id', secretRef: { name: 's', key: 'k' } } }, 'appRole', 'approle'],
    [{ ldap: { username: 'u', secretRef: { name: 's' } } }, 'ldap', 'ldap'],
    [{ userPass: { username: 'u', secretRef: { name: 's' } } }, 'userPass', 'userpass'],
    [{ cert: { clientCert: { name: 'c' }, secretRef: { name: 'k' } } }, 'cert', 'cert'],
    [{ iam: { vaultRole: 'r' } }, 'iam', 'aws'],
    [{ gcp: { role: 'r' } }, 'gcp', 'gcp'],
    [{ jwt: { role: 'r', secretRef: { name: 'j' } } }, 'jwt', 'jwt'],
  ];
  for (const [auth, method, mount] of cases) {
    const id = planIdentity(store('ClusterSecretStore', auth), 'app', CONTROLLER);
    assert.equal(id.method, method);
    assert.equal(id.verifiable, false, method);
    assert.ok((id.notVerifiableReason ?? '').length > 0, method);
    assert.equal(id.authMountPath, mount, method);
  }
});

test('auth = first method in ESO order, allAuth = all that are set', () => {
  const s = store('ClusterSecretStore', { jwt: { role: 'j', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'a' } } }, kubernetes: { role: 'k' }, tokenSecretRef: { name: 't' } });
  assert.ok(s.provider.type === 'vault');
  assert.equal(s.provider.vault.auth.method, 'tokenSecretRef');
  assert.deepEqual(s.provider.vault.allAuth.map((a) => a.method), ['tokenSecretRef', 'kubernetes', 'jwt']);
  const none = store('ClusterSecretStore', {});
  assert.ok(none.provider.type === 'vault');
  assert.equal(none.provider.vault.auth.method, 'none');
});
