import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

test('Vault role setup: valid shell, bound to the webhook service account with audience vault', () => {
  const script = join(REPO_ROOT, 'deploy/vault/setup-role.sh');
  assert.equal(spawnSync('sh', ['-n', script]).status, 0, 'sh -n accepts the script');
  const text = readFileSync(script, 'utf8');
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
