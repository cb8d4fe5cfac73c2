// `explain --offline` on every real-world example folder, through the compiled CLI.
import { test } from 'node:test';
import type { ExplainEntry } from '../../src/eso/explain.js';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { runCommand } from '../support/cli.js';


async function explain(args: string[], input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runCommand(['explain', ...args], input !== undefined ? { input } : {});
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

type Entry = ExplainEntry;

/** The example folders with no static mistake in them: every object there has a plan ESO would follow. */
const CLEAN = new Set(['kv-dev-kubernetes-auth', 'per-app-roles', 'token-auth-v1beta1']);
const folders = readdirSync(OWN_EXAMPLES_DIR).filter((d) => statSync(join(OWN_EXAMPLES_DIR, d)).isDirectory() && CLEAN.has(d));

test('there are example folders to explain', async () => {
  assert.ok(folders.length >= 3);
});

for (const folder of folders) {
  test(`explain --offline ${folder} --format json gives sane plans`, async () => {
    const dir = join(OWN_EXAMPLES_DIR, folder);
    const r = await explain(['--offline', dir, '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const entries = JSON.parse(r.stdout) as Entry[];
    const state = JSON.parse(readFileSync(join(dir, 'vault-state.json'), 'utf8')) as { server: string; mounts: Record<string, unknown>; auth: Record<string, unknown> };
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { kind: string; namespace: string | null; name: string }[];
    for (const e of expected) {
      assert.ok(entries.some((x) => x.resource.kind === e.kind && x.resource.name === e.name && x.resource.namespace === e.namespace), `${e.kind} ${e.name} explained`);
    }
    for (const x of entries) {
      assert.deepEqual(x.problems.filter((p) => p.code !== 'StoreOutOfScope'), [], `${x.resource.name} ${x.field}`);
      assert.equal(x.server, state.server);
      if (x.identity?.authMountPath) assert.ok(`${x.identity.authMountPath}/` in state.auth, `auth mount ${x.identity.authMountPath}`);
      if (x.resource.kind !== 'ExternalSecret') continue;
      assert.ok(x.store, 'store resolved');
      assert.equal(x.capability, 'read');
      const logical = (x.vaultPath ?? '').replace(/^\/v1\//, '');
      assert.ok(Object.keys(state.mounts).some((m) => logical.startsWith(m)), `${x.vaultPath} under a mount`);
      assert.ok(x.identity, 'identity planned');
    }
  });
}

test('text format, stdin input and the controller ServiceAccount option', async () => {
  const manifest = [
    'apiVersion: external-secrets.io/v1',
    'kind: SecretStore',
    'metadata: {name: vault, namespace: app}',
    'spec: {provider: {vault: {server: "https://v:8200", path: secret, auth: {kubernetes: {role: r}}}}}',
    '---',
    'apiVersion: external-secrets.io/v1',
    'kind: ExternalSecret',
    'metadata: {name: es, namespace: app}',
    'spec: {secretStoreRef: {name: vault}, data: [{secretKey: k, remoteRef: {key: app, property: data.password}}]}',
  ].join('\n');
  const r = await explain(['--offline', '-', '--controller-sa', 'eso-system/eso'], manifest);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /GET \/v1\/secret\/data\/app/);
  assert.match(r.stdout, /ServiceAccount eso-system\/eso \(controller/);
  assert.match(r.stdout, /data-prefix-property/);
});

test('usage errors exit 2', async () => {
  assert.equal((await explain(['/nonexistent', '--offline'])).status, 2);
  assert.equal((await explain([OWN_EXAMPLES_DIR])).status, 2);
  assert.equal((await explain(['--offline', OWN_EXAMPLES_DIR, '--format', 'xml'])).status, 2);
  assert.equal((await explain(['--offline', '-'], 'a: [')).status, 2);
});
