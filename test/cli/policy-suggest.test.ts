// `policy suggest` closes the loop with the product's ACL engine: for every Vault store of every
// example, the suggested policy (alone, without Vault's default policy) allows every request the ESO
// planner says ESO makes through that store — the walk of a `find` sampled below its folder — and
// denies a sample of sibling paths and operations the manifests do not need. The CLI output
// round-trips through `policy-eval`, and a role given only the suggested policy in a copy of the
// example's Vault state passes `check` without PolicyDenied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createOfflineLookup, parseEsoObject, planExternalSecret, toHttpPath, type StoreModel } from '../../src/eso/index.js';
import { entriesForStore, parsePushSecret, perKeyPrefixes, pushPaths, storeLabels } from '../../src/eso/push-secret.js';
import { labelSelectorMatchesValid } from '../../src/eso/label-selector.js';
import { compileAcl, evaluateAcl, isOperationAllowed, type Operation } from '../../src/vault/acl/index.js';
import { suggestPolicy } from '../../src/cli/policy-suggest/suggest-run.js';
import { OWN_EXAMPLES_DIR, REPO_ROOT } from '../support/paths.js';
import type { VaultState } from '../support/vault-double.js';
import { runCli, seededVault, type JsonReport } from './check-support.js';
import { runCommand } from '../support/cli.js';

type Obj = Record<string, unknown>;
const CONTROLLER = { namespace: 'external-secrets', name: 'external-secrets' };

function examples(): string[] {
  return readdirSync(OWN_EXAMPLES_DIR).filter((d) => existsSync(join(OWN_EXAMPLES_DIR, d, 'manifests.yaml')));
}

function objectsOf(folder: string): Obj[] {
  return parseAllDocuments(readFileSync(join(OWN_EXAMPLES_DIR, folder, 'manifests.yaml'), 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Obj => d !== null && typeof d === 'object')
    .map((o) => {
      // As kubectl apply -n default: namespaced objects without a namespace land in "default".
      const meta = (o['metadata'] ?? {}) as Obj;
      return ['ExternalSecret', 'SecretStore', 'PushSecret'].includes(String(o['kind'])) && !meta['namespace'] ? { ...o, metadata: { ...meta, namespace: 'default' } } : o;
    });
}

const same = (a: StoreModel, b: StoreModel) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
const acl = (path: string) => path.replace(/^\/v1\/?/, '');

interface Request {
  path: string;
  op: Operation;
  what: string;
}

/** What ESO asks through `store`, from the planner (find walks sampled one and two levels below). */
function plannedRequests(objects: Obj[], store: StoreModel): { requests: Request[]; walked: string[] } {
  const lookup = createOfflineLookup(objects.map((o) => parseEsoObject(o)), CONTROLLER);
  const requests: Request[] = [];
  const walked: string[] = [];
  for (const o of objects) {
    const parsed = parseEsoObject(o);
    if (parsed.kind === 'ExternalSecret') {
      for (const plan of planExternalSecret(parsed.model, lookup)) {
        if (!plan.store || !same(plan.store, store) || plan.outOfScope || plan.problems.length > 0) continue;
        for (const r of plan.requests) {
          const path = acl(r.httpPath);
          const what = `${parsed.model.namespace}/${parsed.model.name} ${r.field}`;
          if (r.capability === 'list') {
            walked.push(`${path}/`);
            for (const folder of [`${path}/`, `${path}/sub/`, `${path}/sub/deeper/`]) requests.push({ path: folder, op: 'list', what });
          } else requests.push({ path, op: 'read', what });
        }
        for (const c of plan.perCandidate ?? []) {
          const base = acl(toHttpPath(c.pathPattern.replace(/\*$/, '')));
          for (const leaf of ['leaf', 'sub/leaf']) requests.push({ path: `${base}/${leaf}`, op: 'read', what: `${parsed.model.name} candidate` });
        }
      }
    } else if (parsed.kind === 'Other' && parsed.kindName === 'PushSecret') {
      const ps = parsePushSecret(o);
      // Named in secretStoreRefs, or picked by a labelSelector there.
      const targets = ps.storeRefs.some((r) => r.kind === store.kind && (r.name === store.name || (r.name === '' && r.selector !== undefined && labelSelectorMatchesValid(r.selector, storeLabels(store)))));
      if (!targets || store.provider.type !== 'vault') continue;
      const { entries, perKey } = entriesForStore(ps, store);
      for (const entry of entries) {
        const paths = pushPaths(store.provider.vault, entry.remoteKey);
        if ('error' in paths) continue;
        for (const path of [paths.data, ...(paths.metadata ? [paths.metadata] : [])]) {
          for (const op of ['read', 'create', 'update'] as const) requests.push({ path, op, what: `${ps.name} push` });
        }
      }
      // Per-key dataTo pushes every key of the source Secret below the store's path.
      const prefixes = perKey.length > 0 ? perKeyPrefixes(store.provider.vault) : undefined;
      for (const prefix of prefixes ? [prefixes.data, ...(prefixes.metadata ? [prefixes.metadata] : [])] : []) {
        walked.push(prefix);
        for (const op of ['read', 'create', 'update'] as const) requests.push({ path: `${prefix}some-key`, op, what: `${ps.name} per-key push` });
      }
    }
  }
  return { requests, walked };
}

function vaultStores(objects: Obj[]): StoreModel[] {
  return objects.map((o) => parseEsoObject(o)).flatMap((p) => ((p.kind === 'SecretStore' || p.kind === 'ClusterSecretStore') && p.model.provider.type === 'vault' ? [p.model] : []));
}

const storeArg = (s: StoreModel) => (s.kind === 'SecretStore' ? `SecretStore/${s.namespace}/${s.name}` : `ClusterSecretStore/${s.name}`);

for (const folder of examples()) {
  test(`policy suggest ${folder}: every store's policy allows what ESO asks and denies sampled siblings`, async () => {
    const objects = objectsOf(folder);
    let checked = 0;
    for (const store of vaultStores(objects)) {
      const text = await suggestPolicy([join(OWN_EXAMPLES_DIR, folder, 'manifests.yaml')], { store: storeArg(store), namespace: 'default', controllerSa: 'external-secrets/external-secrets' });
      const compiled = compileAcl([{ name: 'suggested', text }]);
      const allowed = (path: string, op: Operation) => isOperationAllowed(evaluateAcl(compiled, path), op);
      const { requests, walked } = plannedRequests(objects, store);
      for (const r of requests) {
        assert.ok(allowed(r.path, r.op), `${folder} ${storeArg(store)}: ${r.op} ${r.path} (${r.what}) is denied by\n${text}`);
        checked += 1;
      }
      const planned = new Set(requests.map((r) => `${r.op} ${r.path}`));
      // A find may read anything below the folder it walks: siblings there are the walk's to read.
      const underWalk = (path: string) => walked.some((w) => path.startsWith(w) || path.startsWith(w.replace('/metadata/', '/data/')));
      for (const r of requests.filter((x) => x.op === 'read' && !underWalk(x.path))) {
        const parent = r.path.slice(0, r.path.lastIndexOf('/') + 1);
        const siblings: Request[] = [
          { path: `${r.path}-sibling`, op: 'read', what: 'a sibling secret' },
          { path: `${r.path}/below`, op: 'read', what: 'a path below' },
          { path: parent, op: 'list', what: 'the folder' },
          { path: r.path, op: 'delete', what: 'a delete' },
        ];
        if (!planned.has(`update ${r.path}`)) siblings.push({ path: r.path, op: 'update', what: 'a write' });
        for (const s of siblings) {
          if (planned.has(`${s.op} ${s.path}`) || underWalk(s.path)) continue;
          assert.ok(!allowed(s.path, s.op), `${folder} ${storeArg(store)}: ${s.op} ${s.path} (${s.what}) is allowed by\n${text}`);
        }
      }
      // Nothing outside the store's mounts.
      assert.ok(!allowed('sys/mounts', 'read') && !allowed('other-mount/data/x', 'read'));
    }
    assert.ok(checked > 0 || folder === 'token-auth-v1beta1', `${folder}: some planned request was checked`);
  });
}

test('policy suggest: one stanza per path with the objects that need it; a find walks with a glob, exact paths elsewhere', async () => {
  const run = await runCommand(['policy', 'suggest', join(OWN_EXAMPLES_DIR, 'platform-team-templated', 'manifests.yaml'), '--store', 'SecretStore/team-a/vault']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^# ExternalSecret team-a\/api-everything: lists the folder and every folder below it, at apps\/metadata\/team-a\/\*, for find \(spec\.dataFrom\[0\]\.find\.path\)\npath "apps\/metadata\/team-a\/\*" \{\n {2}capabilities = \["list"\]\n\}$/m);
  assert.match(run.stdout, /^# ExternalSecret team-a\/reads-team-b-db: reads it \(spec\.data\[0\]\.remoteRef\.key\)\npath "apps\/data\/team-b\/db" \{$/m);
  // The exact reads under the find's folder add nothing to its glob: named in its comment instead.
  assert.match(run.stdout, /^# ExternalSecret team-a\/api-db: reads apps\/data\/team-a\/db \(spec\.data\[0\]\.remoteRef\.key, spec\.data\[1\]\.remoteRef\.key\)$/m);
  assert.doesNotMatch(run.stdout, /path "apps\/data\/team-a\/db"/);
  assert.doesNotMatch(run.stdout, /team-b\/vault|payments/);
});

test('policy suggest: metadataPolicy Fetch needs read on the metadata path, and a PushSecret its writes', async () => {
  const all = objectsOf('jwt-service-account-token');
  const fetchStore = vaultStores(all).find((s) => plannedRequests(all, s).requests.some((r) => r.path.includes('/metadata/')));
  assert.ok(fetchStore, 'an example store serves metadataPolicy: Fetch');
  const text = await suggestPolicy([join(OWN_EXAMPLES_DIR, 'jwt-service-account-token', 'manifests.yaml')], { store: storeArg(fetchStore), namespace: 'default', controllerSa: 'external-secrets/external-secrets' });
  assert.match(text, /for metadataPolicy: Fetch/);
  const push = await suggestPolicy([join(OWN_EXAMPLES_DIR, 'eso-semantics', 'manifests.yaml')], { store: 'ClusterSecretStore/vault-push', namespace: 'default', controllerSa: 'external-secrets/external-secrets' });
  assert.match(push, /^# PushSecret apps\/push-api-token: pushes to kv\/data\/pushed\/api-token: reads, then creates or updates/m);
  // A per-key dataTo pushes keys the manifests do not name: everything below the store's path.
  assert.match(push, /^# PushSecret apps\/push-per-key: pushes every key of the source Secret \(dataTo\), at kv\/data\/\*/m);
  assert.match(push, /capabilities = \["create", "read", "update"\]/);
});

test('policy suggest output round-trips through policy-eval', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'suggest-'));
  const file = join(dir, 'team-a.hcl');
  const manifests = join(OWN_EXAMPLES_DIR, 'platform-team-templated', 'manifests.yaml');
  const suggest = await runCommand(['policy', 'suggest', manifests, '--store', 'SecretStore/team-a/vault', '--output', file]);
  assert.equal(suggest.code, 0, suggest.stderr);
  assert.equal(suggest.stdout, '');
  const evalPath = (path: string, op: string) => runCommand(['policy-eval', '--policy', `suggested=${file}`, '--no-default-policy', '--path', path, '--operation', op, '--format', 'json']);
  const cases: [string, string, number][] = [
    ['apps/data/team-a/db', 'read', 0],
    ['apps/data/team-a/config', 'read', 0],
    ['apps/metadata/team-a/', 'list', 0],
    ['apps/metadata/team-a/nested', 'list', 0],
    ['apps/data/team-b/db', 'read', 0],
    ['apps/data/team-b/other', 'read', 1],
    ['apps/metadata/team-a/db', 'read', 1],
    ['apps/data/team-a/db', 'update', 1],
    ['apps/data/shared/pci/tokenizer', 'read', 1],
  ];
  const runs = await Promise.all(cases.map(([path, op]) => evalPath(path, op)));
  cases.forEach(([path, op, code], i) => assert.equal(runs[i]!.code, code, `${op} ${path}: ${runs[i]!.stdout}${runs[i]!.stderr}`));
});

test('policy suggest: a role holding only the suggested policy passes check without PolicyDenied', async () => {
  const example = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
  const text = await suggestPolicy([join(example, 'manifests.yaml')], { role: 'kubernetes/team-a', namespace: 'default', controllerSa: 'external-secrets/external-secrets' });
  const state = JSON.parse(readFileSync(join(example, 'vault-state.json'), 'utf8')) as VaultState;
  state.policies['team-a-suggested'] = text;
  state.auth['kubernetes/']!.roles!['team-a']!['token_policies'] = ['team-a-suggested'];
  const dir = mkdtempSync(join(tmpdir(), 'suggest-state-'));
  writeFileSync(join(dir, 'vault-state.json'), JSON.stringify(state));
  const vault = await seededVault(dir);
  try {
    const run = await runCli([join(example, 'manifests.yaml'), '--config', vault.configFile, '--allow-insecure-http', '--format', 'json']);
    const report = JSON.parse(run.stdout) as JsonReport;
    const teamA = report.findings.filter((f) => f.resource.namespace === 'team-a');
    assert.deepEqual(teamA.filter((f) => f.code === 'PolicyDenied').map((f) => `${f.resource.name} ${f.field}: ${f.message}`), []);
    // What remains for team A are the example's own mistakes, not access.
    assert.deepEqual([...new Set(teamA.filter((f) => f.severity === 'error').map((f) => f.code))].sort(), ['PropertyNotFound', 'SecretDeleted', 'SecretNotFound', 'SecretVersionNotFound']);
  } finally {
    await vault.close();
  }
});

test('policy suggest: usage errors exit 2; --help names --store and --role', async () => {
  const manifests = join(OWN_EXAMPLES_DIR, 'platform-team-templated', 'manifests.yaml');
  const [none, both, missing, bad, help] = await Promise.all([
    runCommand(['policy', 'suggest', manifests]),
    runCommand(['policy', 'suggest', manifests, '--store', 'SecretStore/team-a/vault', '--role', 'kubernetes/team-a']),
    runCommand(['policy', 'suggest', manifests, '--store', 'SecretStore/team-z/vault']),
    runCommand(['policy', 'suggest', manifests, '--store', 'vault']),
    runCommand(['policy', 'suggest', '--help']),
  ]);
  for (const r of [none, both, missing, bad]) assert.equal(r.code, 2, r.stderr);
  assert.match(none.stderr, /name exactly one of --store/);
  assert.match(missing.stderr, /no SecretStore team-z\/vault in /);
  assert.match(bad.stderr, /--store expects SecretStore\/NAMESPACE\/NAME or ClusterSecretStore\/NAME/);
  assert.equal(help.code, 0);
  for (const flag of ['--store <KIND/NAMESPACE/NAME>', '--role <MOUNT/NAME>', '--output']) assert.ok(help.stdout.includes(flag), flag);
});

test('docs/policy-suggest.md: the example is what policy suggest prints (lines in order, "…" for the rest)', async () => {
  const page = readFileSync(join(REPO_ROOT, 'docs', 'policy-suggest.md'), 'utf8');
  const start = page.indexOf('```console\n', page.indexOf('## Example')) + '```console\n'.length;
  const [command, ...example] = page.slice(start, page.indexOf('```', start)).replace(/\n$/, '').split('\n');
  assert.equal(command, '$ eso-vault-guard policy suggest examples/platform-team-templated/manifests.yaml --store SecretStore/team-a/vault');
  const printed = (await suggestPolicy([join(OWN_EXAMPLES_DIR, 'platform-team-templated', 'manifests.yaml')], { store: 'SecretStore/team-a/vault', namespace: 'default', controllerSa: 'external-secrets/external-secrets' })).split('\n');
  let at = 0;
  let gap = false;
  for (const line of example) {
    if (line === '…') {
      gap = true;
      continue;
    }
    const found = gap ? printed.indexOf(line, at) : printed[at] === line ? at : -1;
    assert.ok(found >= at, `not printed here: ${line}`);
    at = found + 1;
    gap = false;
  }
});

const INLINE = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { tier: apps } }
---
apiVersion: v1
kind: Namespace
metadata: { name: blog, labels: { tier: apps } }
---
apiVersion: v1
kind: Namespace
metadata: { name: ops }
---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: shared }
spec:
  provider:
    vault:
      server: https://vault.example:8200
      path: kv
      version: v2
      namespace: admin/apps
      auth:
        namespace: admin
        kubernetes: { mountPath: kubernetes, role: shared, serviceAccountRef: { name: eso, namespace: ops } }
---
apiVersion: external-secrets.io/v1
kind: ClusterExternalSecret
metadata: { name: common }
spec:
  namespaceSelector: { matchLabels: { tier: apps } }
  externalSecretSpec:
    secretStoreRef: { kind: ClusterSecretStore, name: shared }
    target: { name: common }
    data:
      - secretKey: token
        remoteRef: { key: common/token, property: value }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: tagged, namespace: ops }
spec:
  secretStoreRef: { kind: ClusterSecretStore, name: shared }
  target: { name: tagged }
  dataFrom:
    - find: { path: ops/certs, tags: { team: ops } }
  data:
    - secretKey: owner
      remoteRef: { key: ops/certs/root, property: owner, metadataPolicy: Fetch }
---
apiVersion: external-secrets.io/v1alpha1
kind: PushSecret
metadata: { name: push, namespace: ops }
spec:
  deletionPolicy: Delete
  secretStoreRefs: [ { kind: ClusterSecretStore, name: shared } ]
  selector: { secret: { name: src } }
  data:
    - match: { secretKey: k, remoteRef: { remoteKey: ops/pushed } }
`;

test('policy suggest: ClusterExternalSecret namespaces, find by tags, Fetch inside a find, PushSecret deletes, a child Vault namespace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'suggest-inline-'));
  const file = join(dir, 'manifests.yaml');
  writeFileSync(file, INLINE);
  const text = await suggestPolicy([file], { store: 'ClusterSecretStore/shared', namespace: 'default', controllerSa: 'external-secrets/external-secrets' });
  // The role logs in under admin and reads under admin/apps: the policy (in admin) names apps/… paths.
  const compiled = compileAcl([{ name: 'suggested', text }]);
  const allowed = (path: string, op: Operation) => isOperationAllowed(evaluateAcl(compiled, path), op);
  const grants: [string, Operation][] = [
    ['apps/kv/data/common/token', 'read'],
    ['apps/kv/metadata/ops/certs/', 'list'],
    ['apps/kv/metadata/ops/certs/sub/', 'list'],
    ['apps/kv/metadata/ops/certs/any', 'read'],
    ['apps/kv/data/ops/certs/any', 'read'],
    ['apps/kv/metadata/ops/certs/root', 'read'],
    ['apps/kv/data/ops/pushed', 'create'],
    ['apps/kv/data/ops/pushed', 'update'],
    ['apps/kv/data/ops/pushed', 'delete'],
    ['apps/kv/metadata/ops/pushed', 'delete'],
  ];
  for (const [path, op] of grants) assert.ok(allowed(path, op), `${op} ${path}:\n${text}`);
  const denials: [string, Operation][] = [
    ['kv/data/common/token', 'read'],
    ['apps/kv/data/common/other', 'read'],
    ['apps/kv/metadata/ops/', 'list'],
    ['apps/kv/data/ops/other', 'read'],
    ['apps/kv/data/ops/certs/any', 'update'],
    ['apps/kv/metadata/ops/certs/root', 'update'],
  ];
  for (const [path, op] of denials) assert.ok(!allowed(path, op), `${op} ${path}:\n${text}`);
  // One stanza for the ClusterExternalSecret's reads, naming each namespace it creates an ExternalSecret in (not ops: unlabelled).
  assert.match(text, /^# ClusterExternalSecret common \(in namespace blog\): reads it \(spec\.externalSecretSpec\.data\[0\]\.remoteRef\.key\)\n# ClusterExternalSecret common \(in namespace shop\): reads it/m);
  assert.doesNotMatch(text, /in namespace ops/);
  assert.match(text, /to match find\.tags/);
});
