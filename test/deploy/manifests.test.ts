import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { findOne, kubectlAvailable, renderKustomize, renderKustomizeAt, type Manifest } from '../support/kube-manifests.js';
import { REPO_ROOT } from '../support/paths.js';
import { MODE_KEY, SKIP_CODES_ANNOTATION } from '../../src/checks/decide.js';
import { SKIP_LABEL } from '../../src/checks/overrides.js';

const skip = kubectlAvailable() ? false : 'kubectl is not installed';
const NS = 'eso-vault-guard';

type Container = {
  name: string; args?: string[]; env?: { name: string; value?: string }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: number; scheme?: string } };
  readinessProbe: { httpGet: { path: string; port: number; scheme?: string } };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type PodSpec = {
  serviceAccountName: string; securityContext: Record<string, unknown>; containers: Container[];
  volumes: { name: string; projected?: { sources: { serviceAccountToken?: { audience: string; path: string } }[] }; secret?: { secretName: string } }[];
  topologySpreadConstraints?: unknown[];
};
type Webhook = {
  name: string; clientConfig: { service: { name: string; namespace: string; path: string; port: number } };
  rules: { apiGroups: string[]; apiVersions: string[]; resources: string[]; operations: string[]; scope?: string }[];
  matchPolicy: string; sideEffects: string; admissionReviewVersions: string[]; timeoutSeconds: number; failurePolicy: string;
  namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
  objectSelector?: unknown;
  matchConditions?: { name: string; expression: string }[];
};
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

const podSpec = (objects: Manifest[]) => (findOne(objects, 'Deployment', 'eso-vault-guard').spec as { template: { spec: PodSpec } }).template.spec;
const webhooksOf = (objects: Manifest[], kind: string) => findOne(objects, kind, 'eso-vault-guard').webhooks as Webhook[];

test('base: Service ports lead to the container ports; webhooks call /validate and /mutate on the https port', { skip }, () => {
  const objects = renderKustomize('deploy/base');
  const service = findOne(objects, 'Service', 'eso-vault-guard');
  const ports = (service.spec as { ports: { name: string; port: number; targetPort: number }[] }).ports;
  const https = ports.find((p) => p.name === 'https')!;
  assert.deepEqual([https.port, https.targetPort], [443, 8443]);
  const metrics = ports.find((p) => p.name === 'metrics')!;
  assert.deepEqual([metrics.port, metrics.targetPort], [8080, 8080]);
  const container = podSpec(objects).containers[0]!;
  assert.deepEqual(container.ports.map((p) => [p.name, p.containerPort]), [['https', 8443], ['metrics', 8080]]);
  assert.deepEqual(container.args?.slice(0, 2), ['dist/src/cli/main.js', 'serve']);
  const selector = (service.spec as { selector: Record<string, string> }).selector;
  const podLabels = (findOne(objects, 'Deployment').spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
  for (const [k, v] of Object.entries(selector)) assert.equal(podLabels[k], v);

  for (const [kind, path] of [['ValidatingWebhookConfiguration', '/validate'], ['MutatingWebhookConfiguration', '/mutate']] as const) {
    const hooks = webhooksOf(objects, kind);
    assert.ok(hooks.length >= 1);
    for (const h of hooks) {
      assert.deepEqual(h.clientConfig.service, { name: service.metadata.name, namespace: NS, path, port: 443 });
      assert.equal(h.matchPolicy, 'Equivalent');
      // Warn mode writes Events, never on dry-run; /mutate writes nothing.
      assert.equal(h.sideEffects, kind === 'ValidatingWebhookConfiguration' ? 'NoneOnDryRun' : 'None');
      assert.deepEqual(h.admissionReviewVersions, ['v1']);
      assert.equal(h.timeoutSeconds, 5);
      assert.equal(h.failurePolicy, 'Ignore');
      for (const r of h.rules) {
        assert.deepEqual(r.operations, ['CREATE', 'UPDATE']);
        assert.deepEqual(r.apiGroups, ['external-secrets.io']);
        if (r.resources.includes('pushsecrets')) {
          // PushSecret and ClusterPushSecret are served as v1alpha1 only; only the validating webhook judges them.
          assert.equal(kind, 'ValidatingWebhookConfiguration');
          assert.deepEqual(r.apiVersions, ['v1alpha1']);
          assert.deepEqual(r.resources, ['pushsecrets', 'clusterpushsecrets']);
          assert.equal(r.scope, '*', 'ClusterPushSecret is cluster-scoped');
          continue;
        }
        assert.deepEqual(r.apiVersions, ['v1', 'v1beta1']);
        assert.deepEqual([...r.resources].sort(), ['clusterexternalsecrets', 'clustersecretstores', 'externalsecrets', 'secretstores']);
      }
      if (kind === 'ValidatingWebhookConfiguration') {
        assert.ok(h.rules.some((r) => r.resources.includes('pushsecrets')), 'PushSecret is registered');
        assert.ok(h.rules.some((r) => r.resources.includes('clusterpushsecrets')), 'ClusterPushSecret is registered');
      }
      // The install namespace is excluded by its label (it follows a renamed namespace); no object
      // selector lets an author opt out.
      assert.deepEqual(h.namespaceSelector.matchExpressions, [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
        { key: SKIP_LABEL, operator: 'NotIn', values: ['true'] },
      ]);
      assert.equal(h.objectSelector, undefined);
      // Metadata-only UPDATEs stay away; the keys the server reads still reach it.
      const [condition] = h.matchConditions ?? [];
      assert.equal(h.matchConditions?.length, 1);
      const expr = condition!.expression;
      assert.match(expr, /^request\.operation != 'UPDATE' \|\| oldObject == null \|\| !has\(object\.spec\) \|\| !has\(oldObject\.spec\) \|\| object\.spec != oldObject\.spec \|\|/);
      for (const [where, key] of [['annotations', MODE_KEY], ['annotations', SKIP_CODES_ANNOTATION], ['labels', SKIP_LABEL]] as const) {
        for (const side of ['object', 'oldObject']) {
          assert.ok(expr.includes(`(has(${side}.metadata.${where}) && '${key}' in ${side}.metadata.${where} ? ${side}.metadata.${where}['${key}'] : '')`), `${side} ${where} ${key}`);
        }
      }
      let depth = 0;
      for (const ch of expr) {
        depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
        assert.ok(depth >= 0);
      }
      assert.equal(depth, 0, 'balanced parentheses');
    }
  }
  const namespace = findOne(objects, 'Namespace');
  assert.equal(namespace.metadata.labels?.[SKIP_LABEL], 'true', 'the install namespace opts itself out');
});

test('another namespace: the webhooks still exclude the install namespace and call the Service there', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kustomize-ns-'));
  writeFileSync(join(dir, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: guard-elsewhere\nresources:\n  - ${relative(dir, join(REPO_ROOT, 'deploy/base'))}\n`);
  const objects = renderKustomizeAt(dir);
  const namespace = findOne(objects, 'Namespace');
  assert.equal(namespace.metadata.name, 'guard-elsewhere');
  assert.equal(namespace.metadata.labels?.[SKIP_LABEL], 'true');
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    for (const h of webhooksOf(objects, kind)) {
      assert.equal(h.clientConfig.service.namespace, 'guard-elsewhere');
      assert.ok(h.namespaceSelector.matchExpressions.some((e) => e.key === SKIP_LABEL && e.operator === 'NotIn'));
      assert.ok(!h.namespaceSelector.matchExpressions.some((e) => e.values.includes(NS)), `${kind}: no hard-coded ${NS} in the namespace exclusion`);
    }
  }
});

test('base: probes, security context, Vault token volume, replicas, PDB', { skip }, () => {
  const objects = renderKustomize('deploy/base');
  const deployment = findOne(objects, 'Deployment', 'eso-vault-guard');
  assert.equal((deployment.spec as { replicas: number }).replicas, 2);
  const spec = podSpec(objects);
  assert.equal(spec.serviceAccountName, 'eso-vault-guard');
  assert.equal(spec.securityContext.runAsNonRoot, true);
  assert.deepEqual(spec.securityContext.seccompProfile, { type: 'RuntimeDefault' });
  assert.ok((spec.topologySpreadConstraints ?? []).length >= 1);
  const c = spec.containers[0]!;
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 8080, scheme: 'HTTP' });
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 8080, scheme: 'HTTP' });
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.runAsNonRoot, true);
  assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
  assert.ok(c.resources.requests?.cpu && c.resources.requests.memory && c.resources.limits?.memory);
  const vaultVolume = spec.volumes.find((v) => v.projected)!;
  const sat = vaultVolume.projected!.sources[0]!.serviceAccountToken!;
  assert.equal(sat.audience, 'vault');
  const mount = c.volumeMounts.find((m) => m.name === vaultVolume.name)!;
  const config = findOne(objects, 'ConfigMap', 'eso-vault-guard-config');
  const configYaml = (config.data as Record<string, string>)['config.yaml']!;
  assert.ok(configYaml.includes(`tokenFile: ${mount.mountPath}/${sat.path}`), 'the config reads the projected token');
  assert.ok(c.args?.includes('/etc/eso-vault-guard/config.yaml'));
  assert.ok(c.volumeMounts.some((m) => m.mountPath === '/etc/eso-vault-guard'));
  assert.ok(c.volumeMounts.some((m) => m.mountPath === '/tmp'), 'a writable /tmp with a read-only root');
  const pdb = findOne(objects, 'PodDisruptionBudget', 'eso-vault-guard');
  assert.equal((pdb.spec as { minAvailable: number }).minAvailable, 1);
  assert.equal((pdb.spec as { unhealthyPodEvictionPolicy?: string }).unhealthyPodEvictionPolicy, 'AlwaysAllow', 'an unready pod never blocks a drain');
  // SIGTERM: drain (server.drainMs) + in-flight admissions (deadlineMs) + the process's own 5 s margin.
  const grace = (deployment.spec as { template: { spec: { terminationGracePeriodSeconds?: number } } }).template.spec.terminationGracePeriodSeconds ?? 30;
  const shipped = (findOne(objects, 'ConfigMap', 'eso-vault-guard-config').data as Record<string, string>)['config.yaml']!;
  const drainMs = Number(/drainMs: (\d+)/.exec(shipped)?.[1] ?? '5000');
  assert.ok(grace * 1000 > drainMs + 2500 + 5000, `terminationGracePeriodSeconds ${grace} covers the drain`);
  assert.equal(findOne(objects, 'Namespace').metadata.name, NS);
  for (const o of objects) if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].includes(o.kind)) assert.equal(o.metadata.namespace, NS, `${o.kind} ${o.metadata.name}`);
});

test('base: RBAC is exactly the documented least privilege', { skip }, () => {
  const objects = renderKustomize('deploy/base');
  const norm = (rules: Rule[]) => rules.map((r) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs, ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) }));
  assert.deepEqual(norm(findOne(objects, 'ClusterRole', 'eso-vault-guard').rules as Rule[]), [
    { apiGroups: ['external-secrets.io'], resources: ['secretstores', 'clustersecretstores'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['external-secrets.io'], resources: ['externalsecrets', 'clusterexternalsecrets', 'pushsecrets', 'clusterpushsecrets'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'], verbs: ['get', 'patch'], resourceNames: ['eso-vault-guard'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    // GET /report, and the client-JWT question whether ESO's ServiceAccount may create tokenreviews (TokenReviewNotPermitted).
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ]);
  // Reading the report is granted by binding this role; nothing is bound by default.
  assert.deepEqual(findOne(objects, 'ClusterRole', 'eso-vault-guard-report-reader').rules, [{ nonResourceURLs: ['/eso-vault-guard/report'], verbs: ['get'] }]);
  assert.ok(!objects.some((o) => (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && (o.roleRef as { name: string }).name === 'eso-vault-guard-report-reader'));
  const shipped = (findOne(objects, 'ConfigMap').data as Record<string, string>)['config.yaml']!;
  assert.match(shipped, /path: \/eso-vault-guard\/report/);
  const role = findOne(objects, 'Role', 'eso-vault-guard');
  assert.equal(role.metadata.namespace, NS);
  assert.deepEqual(norm(role.rules as Rule[]), [
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'update'], resourceNames: ['eso-vault-guard-tls'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['eso-vault-guard-audit'] },
  ]);
  const configYaml = (findOne(objects, 'ConfigMap').data as Record<string, string>)['config.yaml']!;
  assert.match(configYaml, /tlsSecretName: eso-vault-guard-tls/);
  assert.match(configYaml, /leaseName: eso-vault-guard-audit/);
  for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
    const b = findOne(objects, kind, 'eso-vault-guard');
    assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: 'eso-vault-guard', namespace: NS }]);
  }
  assert.ok(!objects.some((o) => JSON.stringify(o).includes('system:auth-delegator')), 'auth-delegator stays optional');
});

test('cert-manager overlay: serving Certificate from a CA Issuer (stable caBundle), CA injection, files mounted, no bootstrap RBAC', { skip }, () => {
  const objects = renderKustomize('deploy/overlays/cert-manager');
  const cert = findOne(objects, 'Certificate', 'eso-vault-guard-serving');
  const certSpec = cert.spec as { secretName: string; dnsNames: string[]; issuerRef: { kind: string; name: string } };
  assert.deepEqual(certSpec.dnsNames, ['eso-vault-guard', 'eso-vault-guard.eso-vault-guard', 'eso-vault-guard.eso-vault-guard.svc', 'eso-vault-guard.eso-vault-guard.svc.cluster.local']);
  // selfSigned Issuer -> CA Certificate -> CA Issuer -> serving Certificate.
  const issuer = (name: string) => findOne(objects, 'Issuer', name).spec as { selfSigned?: object; ca?: { secretName: string } };
  assert.equal(certSpec.issuerRef.kind, 'Issuer');
  const caIssuer = issuer(certSpec.issuerRef.name);
  assert.ok(caIssuer.ca, 'the serving certificate comes from a CA Issuer');
  const caCert = objects.find((o) => o.kind === 'Certificate' && (o.spec as { secretName: string }).secretName === caIssuer.ca!.secretName)!;
  const caSpec = caCert.spec as { isCA: boolean; issuerRef: { name: string }; duration: string };
  assert.equal(caSpec.isCA, true);
  assert.ok(issuer(caSpec.issuerRef.name).selfSigned, 'the CA is self-signed');
  assert.ok(parseInt(caSpec.duration, 10) > parseInt((cert.spec as { duration: string }).duration, 10), 'the CA outlives serving certificates');
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    const config = findOne(objects, kind);
    assert.equal(config.metadata.annotations?.['cert-manager.io/inject-ca-from'], `${NS}/${cert.metadata.name}`);
    // Only the inject annotation is added, the rest of the object is the base's.
    assert.deepEqual(config.webhooks, webhooksOf(renderKustomize('deploy/base'), kind));
  }
  // The pods neither bootstrap a Secret nor patch webhook configurations: no RBAC for either.
  const rules = objects.filter((o) => (o.kind === 'Role' || o.kind === 'ClusterRole') && o.metadata.name === 'eso-vault-guard').flatMap((o) => o.rules as Rule[]);
  assert.ok(!rules.some((r) => r.resources.includes('secrets')), JSON.stringify(rules));
  assert.ok(!rules.some((r) => r.apiGroups.includes('admissionregistration.k8s.io')));
  assert.ok(rules.some((r) => r.resources.includes('leases')), 'the audit Lease is still needed');
  const spec = podSpec(objects);
  const c = spec.containers[0]!;
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
  assert.equal(env.ESO_GUARD_TLS_CERT_FILE, '/etc/eso-vault-guard/tls/tls.crt');
  assert.equal(env.ESO_GUARD_TLS_KEY_FILE, '/etc/eso-vault-guard/tls/tls.key');
  assert.ok('ESO_GUARD_NAMESPACE' in env, 'base env kept');
  const vol = spec.volumes.find((v) => v.secret?.secretName === certSpec.secretName)!;
  assert.ok(c.volumeMounts.some((m) => m.name === vol.name && m.mountPath === '/etc/eso-vault-guard/tls'));
});

test('cert-manager overlay with another namespace: inject-ca-from and the service names follow', { skip }, () => {
  // Set inside the overlay (its replacements do not see a namespace set above it).
  const inner = mkdtempSync(join(tmpdir(), 'kustomize-cm-inner-'));
  const overlay = join(REPO_ROOT, 'deploy/overlays/cert-manager');
  cpSync(overlay, inner, { recursive: true });
  const text = readFileSync(join(inner, 'kustomization.yaml'), 'utf8').replace('../../base', relative(inner, join(REPO_ROOT, 'deploy/base'))).replace('resources:', 'namespace: guard-elsewhere\nresources:');
  writeFileSync(join(inner, 'kustomization.yaml'), text);
  const objects = renderKustomizeAt(inner);
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    assert.equal(findOne(objects, kind).metadata.annotations?.['cert-manager.io/inject-ca-from'], 'guard-elsewhere/eso-vault-guard-serving');
  }
  assert.deepEqual((findOne(objects, 'Certificate', 'eso-vault-guard-serving').spec as { dnsNames: string[] }).dnsNames.slice(1), ['eso-vault-guard.guard-elsewhere', 'eso-vault-guard.guard-elsewhere.svc', 'eso-vault-guard.guard-elsewhere.svc.cluster.local']);
});

test('network-policy overlay: the NetworkPolicy admits 8443 and only labelled scrapers on 8080', { skip }, () => {
  const objects = renderKustomize('deploy/overlays/network-policy');
  const policy = findOne(objects, 'NetworkPolicy', 'eso-vault-guard');
  const spec = policy.spec as { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: { from?: unknown[]; ports: { port: number }[] }[] };
  assert.equal(policy.metadata.namespace, NS);
  assert.deepEqual(spec.policyTypes, ['Ingress']);
  const podLabels = (findOne(objects, 'Deployment').spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
  for (const [k, v] of Object.entries(spec.podSelector.matchLabels)) assert.equal(podLabels[k], v);
  const webhook = spec.ingress.find((r) => r.ports.some((p) => p.port === 8443))!;
  assert.equal(webhook.from, undefined, 'the API server must reach the webhook from wherever it runs');
  const metrics = spec.ingress.find((r) => r.ports.some((p) => p.port === 8080))!;
  assert.deepEqual(metrics.from, [{ namespaceSelector: { matchLabels: { 'eso-vault-guard.io/metrics-scraper': 'true' } } }]);
  assert.ok(!renderKustomize('deploy/base').some((o) => o.kind === 'NetworkPolicy'), 'optional: not in the base');
});

test('fail-closed overlay: failurePolicy Fail on every webhook and failClosed mode', { skip }, () => {
  const objects = renderKustomize('deploy/overlays/fail-closed');
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    for (const h of webhooksOf(objects, kind)) assert.equal(h.failurePolicy, 'Fail');
  }
  const env = podSpec(objects).containers[0]!.env ?? [];
  assert.ok(env.some((e) => e.name === 'ESO_GUARD_FAILURE_MODE' && e.value === 'failClosed'));
});

test('base: the shipped config.yaml is a valid configuration for serve (every section)', { skip }, async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadConfig } = await import('../../src/config/load.js');
  const configYaml = (findOne(renderKustomize('deploy/base'), 'ConfigMap').data as Record<string, string>)['config.yaml']!;
  const file = join(mkdtempSync(join(tmpdir(), 'deploy-config-')), 'config.yaml');
  writeFileSync(file, configYaml);
  const config = loadConfig({ file, env: {} });
  assert.equal(config.admission.failureMode, 'failOpen');
  assert.equal(config.checks.controllerServiceAccount, 'external-secrets/external-secrets');
  // loadConfig validated every section; these are what the file sets.
  assert.equal(config.vault.servers[0]?.url, 'https://vault.vault.svc:8200');
  assert.deepEqual(config.vault.servers[0]?.valueReadMounts, [], 'no secret value is read by default');
  assert.equal(config.kube.caProviderSecrets, false);
  assert.equal(config.audit.enabled, true);
});
