// The Helm chart (deploy/helm/eso-vault-guard): it lints, and its renderings match the kustomize
// trees object for object — defaults = deploy/base, tls.mode certManager = overlays/cert-manager,
// networkPolicy = overlays/network-policy, serviceMonitor + prometheusRule = overlays/monitoring.
// Skips without helm (CI has none) or, for the comparisons, without kubectl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { findOne, kubectlAvailable, renderKustomize, type Manifest } from '../support/kube-manifests.js';
import { REPO_ROOT } from '../support/paths.js';
import { CONFIG_OPTIONS } from '../../src/config/options.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../src/config/load.js';

const CHART = join(REPO_ROOT, 'deploy', 'helm', 'eso-vault-guard');
const helmAvailable = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' }).status === 0;
const noHelm = helmAvailable ? false : 'helm is not installed';
const noHelmOrKubectl = !helmAvailable ? 'helm is not installed' : kubectlAvailable() ? false : 'kubectl is not installed';

function helmTemplate(args: string[] = [], namespace = 'eso-vault-guard'): Manifest[] {
  const res = spawnSync('helm', ['template', 'eso-vault-guard', CHART, '--namespace', namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`helm template failed: ${res.stderr}`);
  return parseAllDocuments(res.stdout).map((d) => d.toJS() as Manifest).filter(Boolean);
}

const HELM_ONLY_LABELS = ['app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version', 'helm.sh/chart'];

/** An object without what only Helm adds: its own labels and the pod template's config checksum. */
function normalise(o: Manifest, fromChart: boolean): Manifest {
  const copy = structuredClone(o);
  // Labels are compared apart (the chart's are a superset: Helm's own, and the base's on objects an
  // overlay adds unlabelled); a Namespace's labels are its meaning and stay.
  if (copy.kind === 'Namespace') {
    copy.metadata.labels = Object.fromEntries(Object.entries(copy.metadata.labels ?? {}).filter(([k]) => !HELM_ONLY_LABELS.includes(k)));
  } else {
    delete copy.metadata.labels;
  }
  if (copy.kind === 'Deployment') {
    const template = (copy.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template;
    if (fromChart) assert.match(template.metadata.annotations?.['checksum/config'] ?? '', /^[0-9a-f]{64}$/);
    delete template.metadata.annotations;
  }
  if (copy.kind === 'ConfigMap') {
    // The config file compared as data (comments aside), key by key.
    const data = copy['data'] as Record<string, string>;
    copy['data'] = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, parse(v)]));
  }
  return copy;
}

const key = (o: Manifest) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function assertSameObjects(chart: Manifest[], kustomize: Manifest[]): void {
  assert.deepEqual(chart.map(key).sort(), kustomize.map(key).sort(), 'same kinds, names and namespaces');
  for (const k of kustomize) {
    const c = chart.find((o) => key(o) === key(k))!;
    // Every label kustomize sets is there (Helm adds its own).
    for (const [name, value] of Object.entries(k.metadata.labels ?? {})) assert.equal(c.metadata.labels?.[name], value, `${key(k)} label ${name}`);
    assert.deepEqual(normalise(c, true), normalise(k, false), key(k));
  }
}

test('helm: the chart lints', { skip: noHelm }, () => {
  const res = spawnSync('helm', ['lint', '--strict', CHART], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(res.status, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

test('helm: the default rendering is deploy/base, object for object (webhooks, RBAC, config, Deployment)', { skip: noHelmOrKubectl }, () => {
  const chart = helmTemplate();
  assertSameObjects(chart, renderKustomize('deploy/base'));
  // The comparison covers what matters most explicitly too.
  const hook = (findOne(chart, 'ValidatingWebhookConfiguration').webhooks as { sideEffects: string; failurePolicy: string; matchConditions: unknown[] }[])[0]!;
  assert.deepEqual([hook.sideEffects, hook.failurePolicy, hook.matchConditions.length], ['NoneOnDryRun', 'Ignore', 1]);
});

test('helm: tls.mode certManager is overlays/cert-manager; networkPolicy and monitoring are their overlays', { skip: noHelmOrKubectl }, () => {
  assertSameObjects(helmTemplate(['--set', 'tls.mode=certManager']), renderKustomize('deploy/overlays/cert-manager'));
  assertSameObjects(helmTemplate(['--set', 'networkPolicy.enabled=true']), renderKustomize('deploy/overlays/network-policy'));
  assertSameObjects(
    helmTemplate(['--set', 'serviceMonitor.enabled=true', '--set', 'prometheusRule.enabled=true']),
    renderKustomize('deploy/overlays/monitoring'),
  );
});

test('helm: failing closed sets both the API server policy and the server failure mode', { skip: noHelmOrKubectl }, () => {
  const chart = helmTemplate(['--set', 'admission.failurePolicy=Fail', '--set', 'admission.failureMode=failClosed']);
  const overlay = renderKustomize('deploy/overlays/fail-closed');
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    assert.deepEqual(findOne(chart, kind).webhooks, findOne(overlay, kind).webhooks, kind);
  }
  const config = parse((findOne(chart, 'ConfigMap').data as Record<string, string>)['config.yaml']!) as { admission: { failureMode: string } };
  assert.equal(config.admission.failureMode, 'failClosed');
});

test('helm: values reach the objects (image, replicas, Vault servers, namespace exclusions, another namespace)', { skip: noHelm }, () => {
  const objects = helmTemplate([
    '--set', 'image.tag=9.9.9', '--set', 'replicas=3', '--set', 'admission.mode=warn',
    '--set', 'admission.excludeNamespaces={legacy,sandbox}', '--set', 'namespace.create=false',
    '--set', 'vault.servers[0].url=https://vault.example.com:8200', '--set', 'vault.servers[0].login.method=kubernetes',
    '--set', 'vault.servers[0].login.role=guard', '--set', 'vault.servers[0].login.tokenFile=/var/run/secrets/vault/token',
    '--set', 'podDisruptionBudget.enabled=false',
  ], 'security');
  assert.equal(objects.some((o) => o.kind === 'Namespace' || o.kind === 'PodDisruptionBudget'), false);
  const deployment = findOne(objects, 'Deployment');
  const spec = deployment.spec as { replicas: number; template: { spec: { containers: { image: string }[] } } };
  assert.equal(spec.replicas, 3);
  assert.equal(spec.template.spec.containers[0]!.image, 'ghcr.io/eso-vault-guard/eso-vault-guard:9.9.9');
  assert.equal(deployment.metadata.namespace, 'security');
  const config = parse((findOne(objects, 'ConfigMap').data as Record<string, string>)['config.yaml']!) as {
    admission: { mode: string }; tls: { namespace: string }; vault: { servers: { url: string; login: { role: string } }[] };
  };
  assert.equal(config.admission.mode, 'warn');
  assert.equal(config.tls.namespace, 'security');
  assert.deepEqual(config.vault.servers.map((s) => [s.url, s.login.role]), [['https://vault.example.com:8200', 'guard']]);
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    const hook = (findOne(objects, kind).webhooks as { namespaceSelector: { matchExpressions: { key: string; values: string[] }[] }; clientConfig: { service: { namespace: string } } }[])[0]!;
    // Without the chart's labelled Namespace, the release namespace is excluded by name.
    assert.deepEqual(hook.namespaceSelector.matchExpressions[0]!.values, ['kube-system', 'legacy', 'sandbox', 'security']);
    assert.equal(hook.clientConfig.service.namespace, 'security');
  }
});

test('helm: a wrong value stops the rendering with the value named (values.schema.json)', { skip: noHelm }, () => {
  for (const [set, message] of [
    ['tls.mode=vault', /\/tls\/mode/],
    ['admission.failurePolicy=Deny', /\/admission\/failurePolicy/],
    ['admission.mode=block', /\/admission\/mode/],
    ['admision.mode=warn', /admision/],
  ] as const) {
    const res = spawnSync('helm', ['template', 'x', CHART, '--set', set], { encoding: 'utf8' });
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, message);
  }
});

test('helm: the values schema allows exactly the values the server configuration allows', () => {
  const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as { properties: Record<string, { properties: Record<string, { enum?: string[] }> }> };
  for (const option of ['admission.mode', 'admission.failureMode', 'admission.objectOverrides', 'report.access', 'log.level']) {
    const [section, key] = option.split('.') as [string, string];
    const product = CONFIG_OPTIONS.find((o) => o.name === option)?.schema as { enum?: string[] } | undefined;
    assert.ok(product?.enum, `${option} is an enum of the config`);
    assert.deepEqual([...(schema.properties[section]!.properties[key]!.enum ?? [])].sort(), [...product.enum].sort(), option);
  }
});

test('helm: docs/install.md documents every top-level value', () => {
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const install = readFileSync(join(REPO_ROOT, 'docs', 'install.md'), 'utf8');
  const helm = install.slice(install.indexOf('## Helm'));
  for (const key of Object.keys(values)) assert.match(helm, new RegExp(`\\| \`${key}[.\`]|, \`${key}[.\`]`), `values.${key} is in the Helm table`);
});

test('helm: ESO\'s template delimiters reach the config serve loads; unset, the ConfigMap is the base\'s', { skip: noHelm }, () => {
  const objects = helmTemplate(['--set', 'checks.templateLeftDelimiter=<<', '--set', 'checks.templateRightDelimiter=>>']);
  const text = (findOne(objects, 'ConfigMap').data as Record<string, string>)['config.yaml']!;
  const dir = mkdtempSync(join(tmpdir(), 'helm-config-'));
  try {
    writeFileSync(join(dir, 'config.yaml'), text);
    const config = loadConfig({ file: join(dir, 'config.yaml'), env: {} });
    assert.equal(config.checks.templateLeftDelimiter, '<<');
    assert.equal(config.checks.templateRightDelimiter, '>>');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const plain = (findOne(helmTemplate(), 'ConfigMap').data as Record<string, string>)['config.yaml']!;
  assert.doesNotMatch(plain, /Delimiter/);
});
