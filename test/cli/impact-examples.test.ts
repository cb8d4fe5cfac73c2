// `impact` end to end on an example: the compiled CLI, over real HTTP, against the Vault double
// seeded with examples/platform-team-templated/vault-state.json. Each proposed change is also made
// for real in a copy of that state, and `check` against the copy is the ground truth: impact must
// report exactly the error findings the copy has and the original has not — and name exactly the
// objects the example's story says lose access.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR, REPO_ROOT } from '../support/paths.js';
import type { VaultState } from '../support/vault-double.js';
import { startKubeDouble, type KubeObject } from '../support/kube-double.js';
import { parseAllDocuments } from 'yaml';
import { runCli, seededVault, type JsonFinding, type JsonReport, type SeededVault } from './check-support.js';
import { runCommand } from '../support/cli.js';

const EXAMPLE = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
const MANIFESTS = join(EXAMPLE, 'manifests.yaml');
const ORIGINAL = JSON.parse(readFileSync(join(EXAMPLE, 'vault-state.json'), 'utf8')) as VaultState;
const work = mkdtempSync(join(tmpdir(), 'impact-'));

let original: SeededVault;
let originalErrors: Set<string>;

const id = (f: JsonFinding): string => `${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name} ${f.code} ${f.field}`;
const objectOf = (f: JsonFinding): string => `${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}`;

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

async function checkErrors(vault: SeededVault): Promise<Set<string>> {
  const run = await runCli([MANIFESTS, '--config', vault.configFile, '--allow-insecure-http', '--format', 'json']);
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  return new Set((JSON.parse(run.stdout) as JsonReport).findings.filter((f) => f.severity === 'error').map(id));
}

/** The error findings a state changed for real has and the original has not. */
async function groundTruth(change: (state: VaultState) => void): Promise<string[]> {
  const state = structuredClone(ORIGINAL);
  change(state);
  const dir = mkdtempSync(join(work, 'state-'));
  writeFileSync(join(dir, 'vault-state.json'), JSON.stringify(state));
  const changed = await seededVault(dir);
  try {
    return [...(await checkErrors(changed))].filter((f) => !originalErrors.has(f)).sort();
  } finally {
    await changed.close();
  }
}

async function impact(args: string[]): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const run = await runCommand(['impact', MANIFESTS, '--config', original.configFile, '--allow-insecure-http', '--format', 'json', ...args]);
  return { code: run.code, report: JSON.parse(run.stdout || '{"findings":[],"summary":{}}') as JsonReport, stderr: run.stderr };
}

function assertSameAsTruth(report: JsonReport, truth: string[]): void {
  assert.deepEqual(report.findings.filter((f) => f.severity === 'error').map(id).sort(), truth);
}

before(async () => {
  original = await seededVault(EXAMPLE);
  originalErrors = await checkErrors(original);
});
after(async () => {
  await original.close();
});

test('impact: deleting a policy breaks exactly the ExternalSecret that needed it', async () => {
  const result = await impact(['--policy', `payments-pci=${file('empty.hcl', '')}`]);
  assert.equal(result.code, 1, result.stderr);
  assert.deepEqual([...new Set(result.report.findings.map(objectOf))], ['ExternalSecret payments/tokenizer']);
  assert.deepEqual(result.report.findings.map((f) => f.code), ['PolicyDenied']);
  assert.equal(result.report.summary.errors, 1);
  assertSameAsTruth(result.report, await groundTruth((s) => delete s.policies['payments-pci']));
});

test('impact: a policy narrowed to the data paths breaks only the find that lists metadata', async () => {
  const narrowed = 'path "apps/data/{{identity.entity.aliases.auth_kubernetes_3f9a2c17.metadata.service_account_namespace}}/*" {\n  capabilities = ["read"]\n}\n';
  const result = await impact(['--policy', `app-secrets=${file('narrowed.hcl', narrowed)}`]);
  assert.equal(result.code, 1, result.stderr);
  assert.deepEqual([...new Set(result.report.findings.map(objectOf))], ['ExternalSecret team-a/api-everything']);
  assertSameAsTruth(result.report, await groundTruth((s) => (s.policies['app-secrets'] = narrowed)));
});

test('impact: a policy narrowed to one secret breaks the readers of its siblings (a typo already broken today now fails on the policy first)', async () => {
  const ns = '{{identity.entity.aliases.auth_kubernetes_3f9a2c17.metadata.service_account_namespace}}';
  const narrowed = `path "apps/data/${ns}/db" {\n  capabilities = ["read"]\n}\npath "apps/metadata/${ns}/*" {\n  capabilities = ["read", "list"]\n}\n`;
  const result = await impact(['--policy', `app-secrets=${file('db-only.hcl', narrowed)}`]);
  assert.equal(result.code, 1, result.stderr);
  const objects = [...new Set(result.report.findings.filter((f) => f.severity === 'error').map(objectOf))].sort();
  assert.deepEqual(objects, ['ExternalSecret team-a/api-config', 'ExternalSecret team-a/api-everything', 'ExternalSecret team-a/api-smtp-typo']);
  assertSameAsTruth(result.report, await groundTruth((s) => (s.policies['app-secrets'] = narrowed)));
});

test('impact: a role bound to another ServiceAccount breaks the store and every ExternalSecret that uses it', async () => {
  const role = { ...ORIGINAL.auth['kubernetes/']!.roles!['team-a'], bound_service_account_names: ['eso-reader-v2'] };
  // As `vault read -format=json auth/kubernetes/role/team-a` prints it.
  const printed = { request_id: '6a1c', lease_id: '', renewable: false, lease_duration: 0, data: role, warnings: null };
  const result = await impact(['--role', `kubernetes/team-a=${file('role.json', JSON.stringify(printed))}`]);
  assert.equal(result.code, 1, result.stderr);
  const objects = new Set(result.report.findings.map(objectOf));
  const teamA = ['SecretStore team-a/vault', ...['api-db', 'api-db-typo', 'api-db-pinned-deleted', 'api-db-pinned-missing', 'api-db-pinned-current', 'api-config', 'api-everything', 'api-smtp-typo', 'reads-team-b-db', 'reads-team-b-missing'].map((n) => `ExternalSecret team-a/${n}`)];
  assert.deepEqual([...objects].sort(), teamA.sort());
  assert.ok(result.report.findings.every((f) => f.code === 'RoleBindingMismatch'));
  assertSameAsTruth(result.report, await groundTruth((s) => (s.auth['kubernetes/']!.roles!['team-a'] = role)));
});

test('impact: deleting a role breaks its users; the same role unchanged breaks nothing', async () => {
  const deleted = await impact(['--role', `kubernetes/payments=${file('empty-role.json', '')}`]);
  assert.equal(deleted.code, 1, deleted.stderr);
  assert.deepEqual([...new Set(deleted.report.findings.map(objectOf))].sort(), ['ExternalSecret payments/tokenizer', 'SecretStore payments/vault']);
  assertSameAsTruth(deleted.report, await groundTruth((s) => delete s.auth['kubernetes/']!.roles!['payments']));
  const same = await impact(['--role', `kubernetes/payments=${file('same-role.json', JSON.stringify(ORIGINAL.auth['kubernetes/']!.roles!['payments']))}`]);
  assert.equal(same.code, 0, same.stderr);
  assert.deepEqual(same.report.findings, []);
});

test('impact: removing a secret breaks exactly its readers; removing one only a typo came near breaks nothing', async () => {
  const removed = await impact(['--remove-secret', 'apps/team-a/config']);
  assert.equal(removed.code, 1, removed.stderr);
  assert.deepEqual(removed.report.findings.map((f) => `${objectOf(f)} ${f.code}`), ['ExternalSecret team-a/api-config SecretNotFound']);
  assertSameAsTruth(removed.report, await groundTruth((s) => delete s.secrets['apps/team-a/config']));
  // The find over team-a/ still finds db and config; the typo's "did you mean" changes wording only.
  const smtp = await impact(['--remove-secret', 'apps/data/team-a/smtp']);
  assert.equal(smtp.code, 0, smtp.stderr);
  assert.deepEqual(smtp.report.findings, []);
  assertSameAsTruth(smtp.report, await groundTruth((s) => delete s.secrets['apps/team-a/smtp']));
});

test('impact: not an oracle — removing a secret a store may not read says nothing through that store (store-identity), unlike --trust operator', async () => {
  // team-a/reads-team-b-db is PolicyDenied whether team-b/db exists or not.
  const hidden = await impact(['--remove-secret', 'apps/team-b/db']);
  assert.equal(hidden.code, 0, hidden.stderr);
  assert.deepEqual(hidden.report.findings, []);
  const operator = await impact(['--remove-secret', 'apps/team-b/db', '--trust', 'operator']);
  assert.equal(operator.code, 1, operator.stderr);
  assert.deepEqual(operator.report.findings.map((f) => `${objectOf(f)} ${f.code}`), ['ExternalSecret team-a/reads-team-b-db SecretNotFound']);
});

test('impact: removing every secret of a folder empties the find walk as Vault would', async () => {
  const paths = ['apps/team-a/db', 'apps/team-a/config', 'apps/team-a/smtp'];
  const result = await impact(paths.flatMap((p) => ['--remove-secret', p]));
  assert.equal(result.code, 1, result.stderr);
  assertSameAsTruth(result.report, await groundTruth((s) => paths.forEach((p) => delete s.secrets[p])));
});

test('impact --stores-from cluster with no MANIFESTS: the ESO objects running in the cluster are the input', async () => {
  const objects = parseAllDocuments(readFileSync(MANIFESTS, 'utf8')).map((d) => d.toJS() as KubeObject).filter((o) => o !== null);
  const kube = await startKubeDouble({ objects });
  try {
    const kubeconfig = file('kubeconfig', kube.kubeconfigYaml);
    const run = await runCommand(['impact', '--stores-from', 'cluster', '--kubeconfig', kubeconfig, '--config', original.configFile, '--allow-insecure-http', '--format', 'json', '--policy', `payments-pci=${file('empty3.hcl', '')}`]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.findings.map((f) => `${objectOf(f)} ${f.code} ${f.file}`), ['ExternalSecret payments/tokenizer PolicyDenied cluster/ExternalSecret/payments/tokenizer']);
    assert.ok(kube.requests.some((q) => q.path.includes('/externalsecrets')), 'the ExternalSecrets were listed');
    // Without the cluster there is nothing to check.
    const none = await runCommand(['impact', '--policy', `payments-pci=${file('empty4.hcl', '')}`]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give the MANIFESTS to check .*or --stores-from cluster/);
  } finally {
    await kube.close();
  }
});

test('impact: text, sarif and github print the same breakage as check prints findings', async () => {
  const policy = `payments-pci=${file('empty2.hcl', '')}`;
  const base = [MANIFESTS, '--config', original.configFile, '--allow-insecure-http', '--policy', policy];
  const [text, sarif, github] = await Promise.all([
    runCommand(['impact', ...base, '--no-color']),
    runCommand(['impact', ...base, '--format', 'sarif']),
    runCommand(['impact', ...base, '--format', 'github']),
  ]);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /^ExternalSecret payments\/tokenizer$/m);
  assert.match(text.stdout, /error \[PolicyDenied\] spec\.data\[0\]\.remoteRef\.key: /);
  assert.match(text.stdout, /^impact: the change breaks 1 object \(findings absent today, present with the change\)$/m);
  const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] }).runs[0]!.results;
  assert.deepEqual(results.map((r) => r.ruleId), ['PolicyDenied']);
  assert.match(github.stdout, /^::error file=examples\/platform-team-templated\/manifests\.yaml,line=\d+,title=\[PolicyDenied\] spec\.data\[0\]\.remoteRef\.key::/m);
});

test('impact: no change, a policy Vault would refuse, or a malformed flag cannot run (exit 2)', async () => {
  const none = await runCommand(['impact', MANIFESTS, '--config', original.configFile, '--allow-insecure-http']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^eso-vault-guard impact: no change given/m);
  const bad = await runCommand(['impact', MANIFESTS, '--config', original.configFile, '--allow-insecure-http', '--policy', `x=${file('bad.hcl', 'path "a" {\n  capabilities = ["read"\n')}`]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--policy x: .*bad\.hcl: Vault would refuse this policy/);
  const role = await runCommand(['impact', MANIFESTS, '--role', 'team-a=x.json']);
  assert.equal(role.code, 2);
  assert.match(role.stderr, /--role expects MOUNT\/NAME=FILE/);
  const offline = await runCommand(['impact', MANIFESTS, '--offline', '--remove-secret', 'apps/x']);
  assert.equal(offline.code, 2, 'impact needs Vault: --offline is not an option');
});

test('impact --help names the change flags and the shared check flags', async () => {
  const help = await runCommand(['impact', '--help']);
  assert.equal(help.code, 0);
  for (const flag of ['--policy <NAME=FILE>', '--role <MOUNT/NAME=FILE>', '--remove-secret <PATH>', '--vault-namespace', '--vault-addr', '--stores-from', '--format']) assert.ok(help.stdout.includes(flag), flag);
});

test('docs/impact.md: the example is a run of the demo transcript (which a docs test pins to the demo)', () => {
  const page = readFileSync(join(REPO_ROOT, 'docs', 'impact.md'), 'utf8');
  const start = page.indexOf('```console\n', page.indexOf('## Example')) + '```console\n'.length;
  const example = page.slice(start, page.indexOf('```', start)).replace(/\n$/, '').split('\n');
  const transcript = readFileSync(join(REPO_ROOT, 'docs', 'demo.md'), 'utf8').split('\n');
  const at = transcript.indexOf(example[0]!);
  assert.ok(at >= 0 && example[0]!.startsWith('$ eso-vault-guard impact '), example[0]);
  assert.deepEqual(transcript.slice(at, at + example.length), example);
});
