import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/paths.js';

type Doc = {
  kind: string;
  metadata: { annotations: Record<string, string> };
  spec: { ignoreDifferences: { kind: string; jqPathExpressions: string[] }[]; syncPolicy: { syncOptions: string[] } };
  roleRef: { name: string };
  subjects: unknown[];
};
const load = (rel: string) => parseAllDocuments(readFileSync(join(REPO_ROOT, rel), 'utf8')).map((d) => d.toJS() as Doc);

test('Argo CD Application: a sync wave after ESO and caBundle left to the pods', () => {
  const [app] = load('deploy/argocd/application.yaml');
  assert.equal(app!.kind, 'Application');
  assert.ok(Number(app!.metadata.annotations['argocd.argoproj.io/sync-wave']) > 0);
  const ignored = app!.spec.ignoreDifferences;
  assert.deepEqual(ignored.map((i) => i.kind).sort(), ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
  assert.ok(ignored.every((i) => i.jqPathExpressions.some((p) => p.includes('caBundle'))));
  assert.ok(app!.spec.syncPolicy.syncOptions.includes('RespectIgnoreDifferences=true'));
});

test('Vault role setup: valid bash with strict mode, bound to the webhook service account with audience vault', () => {
  const script = join(REPO_ROOT, 'deploy/vault/setup-role.sh');
  assert.equal(spawnSync('bash', ['-n', script]).status, 0, 'bash -n accepts the script');
  const text = readFileSync(script, 'utf8');
  assert.match(text, /^#!\/usr\/bin\/env bash\n/);
  assert.match(text, /^set -euo pipefail$/m);
  assert.match(text, /vault policy write eso-vault-guard "\$HERE\/eso-vault-guard-policy.hcl"/);
  assert.match(text, /SA_NAME="\$\{SA_NAME:-eso-vault-guard\}"/);
  assert.match(text, /SA_NAMESPACE="\$\{SA_NAMESPACE:-eso-vault-guard\}"/);
  assert.match(text, /AUDIENCE="\$\{AUDIENCE:-vault\}"/);
  assert.match(text, /audience="\$AUDIENCE"/);
  const config = readFileSync(join(REPO_ROOT, 'deploy/base/configmap.yaml'), 'utf8');
  assert.match(config, /role: eso-vault-guard/);
  const [binding] = load('deploy/vault/auth-delegator.yaml');
  assert.equal(binding!.roleRef.name, 'system:auth-delegator');
  assert.deepEqual(binding!.subjects, [{ kind: 'ServiceAccount', name: 'eso-vault-guard', namespace: 'eso-vault-guard' }]);
});

/** Runs setup-role.sh with a fake `vault` CLI first on PATH; returns the calls it saw and the output. */
function runSetup(env: Record<string, string>): { status: number | null; calls: string[]; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'setup-role-'));
  const log = join(dir, 'calls.log');
  // The fake answers `read sys/auth/<mount>` with FAKE_MOUNT_TYPE and `read auth/<mount>/config`
  // with FAKE_CONFIG_HOST (failing like vault when unset), and accepts every write.
  writeFileSync(join(dir, 'vault'), [
    '#!/usr/bin/env bash',
    'echo "$*" >> "$FAKE_LOG"',
    'if [ "$1" = read ] && [[ "$3" == sys/auth/* ]]; then [ -n "${FAKE_MOUNT_TYPE:-}" ] || exit 2; echo "$FAKE_MOUNT_TYPE"; exit 0; fi',
    'if [ "$1" = read ] && [[ "$3" == */config ]]; then [ -n "${FAKE_CONFIG_HOST:-}" ] || exit 2; echo "$FAKE_CONFIG_HOST"; exit 0; fi',
    'exit 0',
    '',
  ].join('\n'));
  chmodSync(join(dir, 'vault'), 0o755);
  writeFileSync(join(dir, 'ca.crt'), 'ca');
  const r = spawnSync('bash', [join(REPO_ROOT, 'deploy/vault/setup-role.sh')], {
    encoding: 'utf8',
    env: { PATH: `${dir}:${process.env.PATH ?? ''}`, FAKE_LOG: log, VAULT_ADDR: 'https://vault.example:8200', KUBERNETES_CA_FILE: join(dir, 'ca.crt'), ...env },
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(log, 'utf8').trim().split('\n');
  } catch {
    calls = [];
  }
  return { status: r.status, calls, stderr: r.stderr };
}

test('setup-role.sh checks the auth mount\'s type before writing anything', () => {
  const wrong = runSetup({ FAKE_MOUNT_TYPE: 'jwt' });
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /auth\/kubernetes is a "jwt" auth method, not kubernetes/);
  assert.ok(wrong.calls.every((c) => c.startsWith('read ')), `only reads: ${wrong.calls.join(' | ')}`);

  const absent = runSetup({});
  assert.equal(absent.status, 0, absent.stderr);
  assert.ok(absent.calls.includes('auth enable -path=kubernetes kubernetes'), absent.calls.join(' | '));

  const present = runSetup({ FAKE_MOUNT_TYPE: 'kubernetes' });
  assert.equal(present.status, 0, present.stderr);
  assert.ok(!present.calls.some((c) => c.startsWith('auth enable')), 'an existing kubernetes mount is reused');
  assert.ok(present.calls.some((c) => c.startsWith('write auth/kubernetes/role/eso-vault-guard ')));
});

test('setup-role.sh warns loudly and stops before rewriting a shared auth/<mount>/config', () => {
  const base = { FAKE_MOUNT_TYPE: 'kubernetes', CONFIGURE_MOUNT: '1', KUBERNETES_HOST: 'https://api:6443', FAKE_CONFIG_HOST: 'https://old-api:6443' };
  const refused = runSetup(base);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /\*\*\* WARNING: auth\/kubernetes\/config is already set \(kubernetes_host=https:\/\/old-api:6443\)\. It is SHARED/);
  assert.ok(!refused.calls.some((c) => c.startsWith('write auth/kubernetes/config')), 'the shared config is untouched');
  const confirmed = runSetup({ ...base, I_UNDERSTAND_SHARED_CONFIG: '1' });
  assert.equal(confirmed.status, 0, confirmed.stderr);
  assert.match(confirmed.stderr, /WARNING: rewriting the shared auth\/kubernetes\/config/);
  assert.ok(confirmed.calls.some((c) => c.startsWith('write auth/kubernetes/config kubernetes_host=https://api:6443')));
  const fresh = runSetup({ ...base, FAKE_CONFIG_HOST: '' });
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.doesNotMatch(fresh.stderr, /WARNING/);
});
