// Least privilege as documented, checked as invariants over the base and every overlay (the exact
// base objects are pinned in test/deploy/manifests.test.ts): every container runs non-root with a
// read-only root, no privilege escalation, ALL capabilities dropped and seccomp RuntimeDefault;
// RBAC grants no cluster-wide Secret access and nothing on Secrets beyond the caBundle bootstrap's
// own Secret in its own namespace; webhooks register CREATE and UPDATE only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlAvailable, renderKustomize, type Manifest } from '../support/kube-manifests.js';
import { REPO_ROOT } from '../support/paths.js';

const skip = kubectlAvailable() ? false : 'kubectl is not installed';
const NS = 'eso-vault-guard';
const TLS_SECRET = 'eso-vault-guard-tls';
const variants = ['deploy/base', ...readdirSync(join(REPO_ROOT, 'deploy', 'overlays')).map((o) => `deploy/overlays/${o}`)];

type Sc = Record<string, unknown> | undefined;
type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[] };

for (const variant of variants) {
  test(`${variant}: every container is locked down`, { skip }, () => {
    const objects = renderKustomize(variant);
    const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'].includes(o.kind));
    assert.ok(workloads.length > 0);
    for (const w of workloads) {
      const pod = (w.spec as { template: { spec: { securityContext?: Sc; containers: { name: string; securityContext?: Sc }[]; initContainers?: { name: string; securityContext?: Sc }[]; hostNetwork?: boolean; hostPID?: boolean } } }).template.spec;
      assert.notEqual(pod.hostNetwork, true);
      assert.notEqual(pod.hostPID, true);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        const either = (key: string) => sc[key] ?? pod.securityContext?.[key];
        assert.equal(either('runAsNonRoot'), true, `${w.metadata.name}/${c.name}: runAsNonRoot`);
        assert.notEqual(either('runAsUser'), 0, `${c.name}: not uid 0`);
        assert.equal(sc.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
        assert.equal(sc.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation`);
        assert.notEqual(sc.privileged, true, `${c.name}: privileged`);
        assert.deepEqual((sc.capabilities as { drop?: string[]; add?: string[] } | undefined)?.drop, ['ALL'], `${c.name}: drop ALL`);
        assert.equal((sc.capabilities as { add?: string[] } | undefined)?.add, undefined, `${c.name}: adds no capability`);
        assert.deepEqual(either('seccompProfile'), { type: 'RuntimeDefault' }, `${c.name}: seccomp`);
      }
    }
  });

  test(`${variant}: RBAC never reaches Secrets beyond the caBundle bootstrap; webhooks never see DELETE`, { skip }, () => {
    const objects: Manifest[] = renderKustomize(variant);
    for (const o of objects.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
      for (const r of (o.rules ?? []) as Rule[]) {
        assert.ok(!(r.verbs ?? []).includes('*') && !(r.resources ?? []).includes('*') && !(r.apiGroups ?? []).includes('*'), `${o.kind} ${o.metadata.name}: no wildcards`);
        if (!(r.resources ?? []).some((res) => res === 'secrets' || res.startsWith('secrets/'))) continue;
        assert.equal(o.kind, 'Role', `${o.metadata.name}: Secrets only through a namespaced Role, never cluster-wide`);
        assert.equal(o.metadata.namespace, NS);
        assert.deepEqual(r.resources, ['secrets']);
        const named = r.resourceNames !== undefined;
        for (const verb of r.verbs ?? []) {
          // create cannot be limited by name (the name is not known before the object exists).
          if (verb === 'create') continue;
          assert.ok(['get', 'update'].includes(verb), `${o.metadata.name}: verb ${verb} on secrets`);
          assert.ok(named, `${o.metadata.name}: ${verb} on secrets only by name`);
        }
        if (named) assert.deepEqual(r.resourceNames, [TLS_SECRET]);
      }
    }
    for (const b of objects.filter((x) => x.kind === 'ClusterRoleBinding')) {
      const ref = b.roleRef as { kind: string; name: string };
      assert.notEqual(ref.name, 'cluster-admin');
      assert.notEqual(ref.name, 'admin');
      assert.notEqual(ref.name, 'edit');
      assert.notEqual(ref.name, 'view', 'view reads no Secrets but far more than needed');
    }
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      for (const config of objects.filter((x) => x.kind === kind)) {
        for (const h of config.webhooks as { name: string; rules: { operations: string[] }[] }[]) {
          for (const r of h.rules) {
            assert.ok(r.operations.length > 0 && r.operations.every((op) => op === 'CREATE' || op === 'UPDATE'), `${h.name}: ${r.operations.join(',')}`);
          }
        }
      }
    }
  });
}
