// `eso-vault-guard fix` on the examples, against the Vault double seeded with the folder's state:
// exactly the certain fixes are applied, the diff is the change, a second run changes nothing, and
// what has no certain fix (or several candidates) stays a finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch } from 'diff';
import { runFix } from '../../src/cli/fix/fix-run.js';
import { checkOptions } from '../../src/cli/check/options.js';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { loadExpected, runCli, seededVault, type SeededVault } from '../cli/check-support.js';

const CLASSIC = join(OWN_EXAMPLES_DIR, 'classic-mistakes');

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write(chunk: string, cb?: () => void) { s.text += chunk; cb?.(); return true; } };
  return s as unknown as NodeJS.WritableStream & { text: string };
}

async function fix(paths: string[], vault: SeededVault | undefined, flags: { write?: boolean; offline?: boolean } = {}) {
  const stdout = sink();
  const stderr = sink();
  const raw = flags.offline ? { offline: true } : { config: vault?.configFile, allowInsecureHttp: true };
  const code = await runFix(paths, { check: checkOptions(raw, {}), write: flags.write === true }, { stdout, stderr, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function copyOf(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fix-'));
  const to = join(dir, 'manifests.yaml');
  copyFileSync(file, to);
  return to;
}

/** The objects the classic-mistakes folder fixes for certain, with the field each fix sets. */
const CERTAIN = [
  'ClusterSecretStore vault-legacy: [KVVersionMismatch] spec.provider.vault.version: "v1"',
  'ClusterSecretStore vault-mountpath-file: [InvalidMountPath] spec.provider.vault.auth.kubernetes.mountPath: "kubernetes"',
  'ExternalSecret apps/app-db-data-prefix: [PropertyNotFound] spec.data[0].remoteRef.property: "password"',
  'ExternalSecret apps/app-db-data-in-key: [SecretNotFound] spec.data[0].remoteRef.key: "app/db"',
  'ExternalSecret apps/app-db-kind-omitted: [StoreNotFound] spec.secretStoreRef.kind: "ClusterSecretStore"',
];

test('fix --write on examples/classic-mistakes applies the certain fixes only, keeps the rest of the text, and is idempotent', async () => {
  const vault = await seededVault(CLASSIC);
  try {
    const file = copyOf(join(CLASSIC, 'manifests.yaml'));
    const before = readFileSync(file, 'utf8');
    const first = await fix([file], vault, { write: true });
    const after = readFileSync(file, 'utf8');
    assert.deepEqual(first.stderr.split('\n').filter((l) => l.startsWith('fixed ')).sort(), CERTAIN.map((c) => `fixed ${c}`).sort());
    // The diff on stdout is exactly the change written.
    assert.equal(applyPatch(before, first.stdout), after);
    // Only the fixed lines differ (one added line for the kind, which sits in a flow map here).
    const changed = before.split('\n').filter((l, n) => after.split('\n')[n] !== l);
    assert.equal(changed.length, 5, changed.join('\n'));
    assert.equal(after.split('\n').length, before.split('\n').length);
    for (const comment of before.split('\n').filter((l) => l.startsWith('#'))) assert.ok(after.includes(comment), comment);

    // What remains: the documented denials that have no certain fix (and the could-not-check DR Vault: exit 2).
    assert.equal(first.code, 2, first.stderr);
    const fixedNames = ['vault-legacy', 'legacy-config-v2-store', 'vault-mountpath-file', 'app-db-data-prefix', 'app-db-data-in-key', 'app-db-kind-omitted'];
    const stillDenied = loadExpected(CLASSIC).filter((e) => e.decision === 'deny' && !fixedNames.includes(e.name));
    const check = await runCli([file, '--config', vault.configFile, '--allow-insecure-http', '--format', 'json', '--fail-open']);
    const report = JSON.parse(check.stdout) as { findings: { severity: string; resource: { name: string } }[] };
    const denied = [...new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.resource.name))].sort();
    assert.deepEqual(denied, stillDenied.map((e) => e.name).sort());

    const second = await fix([file], vault, { write: true });
    assert.equal(second.stdout, '', 'a second run changes nothing');
    assert.equal(readFileSync(file, 'utf8'), after);
    assert.match(second.stderr, /fix: no certain fix to apply\./);
  } finally {
    await vault.close();
  }
});

test('without --write the files stay as they are and the diff is printed', async () => {
  const vault = await seededVault(CLASSIC);
  try {
    const file = copyOf(join(CLASSIC, 'manifests.yaml'));
    const before = readFileSync(file, 'utf8');
    const run = await fix([file], vault);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.match(run.stdout, /^-\s+remoteRef: \{ key: app\/db, property: data\.password \}$/m);
    assert.match(run.stdout, /^\+\s+remoteRef: \{ key: app\/db, property: password \}$/m);
    assert.match(run.stderr, /not written \(use --write\)/);
  } finally {
    await vault.close();
  }
});

const SIBLING_TYPO = `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: vault-backend }
spec:
  provider:
    vault:
      server: https://vault.example.internal:8200
      path: secret
      version: v2
      auth:
        kubernetes:
          mountPath: kubernetes
          role: external-secrets
          serviceAccountRef: { name: external-secrets, namespace: external-secrets }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: one-candidate, namespace: apps }
spec:
  secretStoreRef: { name: vault-backend, kind: ClusterSecretStore }
  data:
    - secretKey: password
      remoteRef: { key: app/dbb, property: pasword }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: two-candidates, namespace: apps }
spec:
  secretStoreRef: { name: vault-backend, kind: ClusterSecretStore }
  data:
    - secretKey: password
      remoteRef: { key: team/db3 }
`;

test('"did you mean" with one readable candidate is fixed (key, then the property of the secret it now reads); two candidates stay a finding', async () => {
  const state = JSON.parse(readFileSync(join(CLASSIC, 'vault-state.json'), 'utf8')) as { secrets: Record<string, unknown> };
  state.secrets['secret/team/db1'] = { versions: [{ data: { a: 'fake' } }] };
  state.secrets['secret/team/db2'] = { versions: [{ data: { a: 'fake' } }] };
  const dir = mkdtempSync(join(tmpdir(), 'fix-state-'));
  writeFileSync(join(dir, 'vault-state.json'), JSON.stringify(state));
  const vault = await seededVault(dir);
  try {
    const file = join(dir, 'manifests.yaml');
    writeFileSync(file, SIBLING_TYPO);
    const run = await fix([file], vault, { write: true });
    const text = readFileSync(file, 'utf8');
    assert.match(text, /remoteRef: \{ key: app\/db, property: password \}/);
    assert.match(text, /remoteRef: \{ key: team\/db3 \}/);
    assert.match(run.stderr, /fixed ExternalSecret apps\/one-candidate: \[SecretNotFound\] spec\.data\[0\]\.remoteRef\.key: "app\/db"/);
    assert.match(run.stderr, /fixed ExternalSecret apps\/one-candidate: \[PropertyNotFound\] spec\.data\[0\]\.remoteRef\.property: "password"/);
    assert.match(run.stderr, /\[SecretNotFound\] spec\.data\[0\]\.remoteRef\.key: .*team\/db3.*Did you mean "team\/db1" or "team\/db2"\?/s);
    assert.equal(run.code, 1);
  } finally {
    await vault.close();
  }
});

test('fix refuses stdin and needs no Vault offline, where only the manifest-only fixes apply', async () => {
  const refused = await fix(['-'], undefined);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /fix changes files: give FILEs or DIRs, not - \(stdin\)/);

  const file = copyOf(join(CLASSIC, 'manifests.yaml'));
  const offline = await fix([file], undefined, { offline: true, write: true });
  // Offline nothing Vault-backed is certain: only what the manifests alone decide (the store kind).
  assert.deepEqual(offline.stderr.split('\n').filter((l) => l.startsWith('fixed ')), ['fixed ExternalSecret apps/app-db-kind-omitted: [StoreNotFound] spec.secretStoreRef.kind: "ClusterSecretStore"']);
});

test('a candidate whose text the display would alter (a bidi control from Vault) is no certain fix', async () => {
  const state = JSON.parse(readFileSync(join(CLASSIC, 'vault-state.json'), 'utf8')) as { secrets: Record<string, unknown> };
  state.secrets['secret/app/trojan'] = { versions: [{ data: { 'pass\u202eword': 'fake' } }] };
  const dir = mkdtempSync(join(tmpdir(), 'fix-bidi-'));
  writeFileSync(join(dir, 'vault-state.json'), JSON.stringify(state));
  const vault = await seededVault(dir);
  try {
    const file = join(dir, 'manifests.yaml');
    writeFileSync(file, SIBLING_TYPO.split('---\n').slice(0, 2).join('---\n').replace('key: app/dbb, property: pasword', 'key: app/trojan, property: passwrd'));
    const before = readFileSync(file, 'utf8');
    const run = await fix([file], vault, { write: true });
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.match(run.stderr, /\[PropertyNotFound\]/);
    assert.doesNotMatch(run.stdout + run.stderr, /\u202e/);
  } finally {
    await vault.close();
  }
});
