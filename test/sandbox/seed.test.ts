import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedVault, type SeedState } from '../../src/sandbox/seed.js';
import { startVaultDouble } from '../support/vault-double.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCommand } from '../support/cli.js';

const examples = ['classic-mistakes', 'jwt-service-account-token', 'platform-team-templated'];
const stateOf = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'examples', name, 'vault-state.json'), 'utf8')) as SeedState;

for (const name of examples) {
  test(`sandbox seed writes examples/${name}/vault-state.json through the HTTP API`, async () => {
    // A dev server starts with secret/ as KV v2 and nothing else.
    const vault = await startVaultDouble({ state: { mounts: { 'secret/': { type: 'kv', options: { version: '2' } } }, auth: {}, policies: {}, secrets: {} } });
    try {
      const want = stateOf(name);
      const root = vault.issueToken(['root']);
      const lines: string[] = [];
      const result = await seedVault(want, { address: vault.url, token: root, progress: (l) => lines.push(l) });
      const got = vault.state;
      for (const [path, mount] of Object.entries(want.mounts ?? {})) {
        assert.equal(got.mounts[path]?.type, mount.type, path);
        assert.equal(got.mounts[path]?.options?.version ?? '1', mount.options?.version ?? '1', path);
      }
      for (const [path, auth] of Object.entries(want.auth ?? {})) {
        assert.equal(got.auth[path]?.type, auth.type);
        assert.deepEqual(got.auth[path]?.config ?? {}, auth.config ?? {});
        assert.deepEqual(got.auth[path]?.roles ?? {}, auth.roles ?? {});
        assert.equal(result.accessors[auth.accessor!], got.auth[path]?.accessor);
      }
      for (const [policy, text] of Object.entries(want.policies ?? {})) {
        let expected = text;
        for (const [from, to] of Object.entries(result.accessors)) expected = expected.split(from).join(to);
        assert.equal(got.policies[policy], expected, policy);
      }
      for (const [key, secret] of Object.entries(want.secrets ?? {})) {
        const mount = Object.keys(want.mounts ?? {}).find((m) => key.startsWith(m))!;
        const v2 = want.mounts![mount]!.options?.version === '2';
        const versions = got.secrets[key]?.versions ?? [];
        if (v2) {
          assert.deepEqual(versions.map((v) => v.data), secret.versions.map((v) => v.data), key);
          assert.deepEqual(versions.map((v) => Boolean(v.deleted) || Boolean(v.destroyed)), secret.versions.map((v) => Boolean(v.deleted) || Boolean(v.destroyed)), key);
          assert.deepEqual(got.secrets[key]?.custom_metadata ?? {}, secret.custom_metadata ?? {}, key);
        } else {
          assert.deepEqual(versions.map((v) => v.data), [secret.versions.at(-1)!.data], key);
        }
      }
      assert.ok(lines.some((l) => /already there/.test(l)) === Object.keys(want.mounts ?? {}).includes('secret/'));
      assert.ok(!lines.join('\n').includes('fake-'), 'no secret value in the progress lines');
    } finally {
      await vault.close();
    }
  });
}

test('sandbox seed: an accessor in policy text becomes the server\'s; destroyed versions are destroyed', async () => {
  const vault = await startVaultDouble({ state: { mounts: {}, auth: {}, policies: {}, secrets: {} } });
  try {
    const root = vault.issueToken(['root']);
    const result = await seedVault({
      mounts: { 'kv/': { type: 'kv', options: { version: '2' } } },
      auth: { 'kubernetes/': { type: 'kubernetes', accessor: 'auth_kubernetes_00000000', roles: { r: { token_policies: ['p'] } } } },
      policies: { p: 'path "kv/data/{{identity.entity.aliases.auth_kubernetes_00000000.metadata.service_account_namespace}}/*" { capabilities = ["read"] }' },
      secrets: { 'kv/a': { versions: [{ data: { k: '1' }, destroyed: true }, { data: { k: '2' }, deleted: true }, { data: { k: '3' } }] } },
    }, { address: vault.url, token: root });
    const accessor = vault.state.auth['kubernetes/']!.accessor!;
    assert.notEqual(accessor, 'auth_kubernetes_00000000');
    assert.equal(result.accessors.auth_kubernetes_00000000, accessor);
    assert.match(vault.state.policies.p!, new RegExp(`aliases\\.${accessor}\\.metadata`));
    assert.deepEqual(vault.state.secrets['kv/a']!.versions.map((v) => [v.destroyed === true, v.deleted === true]), [[true, false], [false, true], [false, false]]);
  } finally {
    await vault.close();
  }
});

test('sandbox seed refuses a mount of another type and says which', async () => {
  const vault = await startVaultDouble({ state: { mounts: { 'kv/': { type: 'kv', options: { version: '1' } } }, auth: {}, policies: {}, secrets: {} } });
  try {
    await assert.rejects(
      seedVault({ mounts: { 'kv/': { type: 'kv', options: { version: '2' } } } }, { address: vault.url, token: vault.issueToken(['root']) }),
      /mount kv\/ exists as kv v1, the state wants kv v2/,
    );
  } finally {
    await vault.close();
  }
});

test('eso-vault-guard sandbox seed (CLI): token from a file, summary line, a non-root token is refused with Vault\'s 403', async () => {
  const vault = await startVaultDouble({ state: { mounts: {}, auth: {}, policies: {}, secrets: {} } });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'seed-cli-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${vault.issueToken(['root'])}\n`);
    const state = join(REPO_ROOT, 'examples', 'jwt-service-account-token', 'vault-state.json');
    // In-process, the program the binary runs, with none of the VAULT_* variables it would read.
    const run = async (args: string[]) => {
      const r = await runCommand(['sandbox', 'seed', ...args], { env: { VAULT_ADDR: undefined, VAULT_TOKEN: undefined, VAULT_NAMESPACE: undefined, VAULT_CACERT: undefined } });
      return { status: r.code, stdout: r.stdout, stderr: r.stderr };
    };
    const ok = await run(['--address', vault.url, '--token-file', tokenFile, '--auth-config', 'jwt-k8s/={"bound_issuer":"https://issuer.test"}', state]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /seeded http:\/\/127\.0\.0\.1:\d+: 1 mounts, 1 auth methods, 2 roles, 1 policies, 3 secrets/);
    assert.equal(vault.state.auth['jwt-k8s/']!.config!.bound_issuer, 'https://issuer.test');
    writeFileSync(tokenFile, vault.issueToken(['default']));
    const denied = await run(['--address', vault.url, '--token-file', tokenFile, state]);
    assert.equal(denied.status, 2);
    assert.match(denied.stderr, /GET sys\/mounts: HTTP 403: 1 error occurred: \* permission denied/);
    const missing = await run([state]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no Vault address/);
  } finally {
    await vault.close();
  }
});
