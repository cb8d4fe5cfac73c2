// `check` flags and failure paths through the compiled CLI: --vault-addr / --vault-map with a
// workstation token, stdin, --output, trust levels, Vault unreachable (exit 2 / --fail-open),
// YAML syntax and configuration errors (exit 2, one line naming the problem).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { runCli, seededVault, type JsonReport } from './check-support.js';

const KV_DEV = join(OWN_EXAMPLES_DIR, 'kv-dev-kubernetes-auth');
const KV_DEV_MANIFESTS = join(KV_DEV, 'manifests.yaml');
const STORE_SERVER = (JSON.parse(readFileSync(join(KV_DEV, 'vault-state.json'), 'utf8')) as { server: string }).server;

function errorCodes(report: JsonReport): string[] {
  return report.findings.filter((f) => f.severity === 'error').map((f) => `${f.resource.name}:${f.code}`).sort();
}
const KV_DEV_ERRORS = ['postgres-credentials-typo:PropertyNotFound', 'redis-credentials:SecretNotFound'];

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('--vault-addr sends every store\'s traffic to the given address with a workstation token', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    assert.notEqual(STORE_SERVER, vault.double.url);
    const r = await runCli([KV_DEV_MANIFESTS, '--vault-token', vault.double.webhookToken, '--vault-addr', vault.double.url, '--allow-insecure-http', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(errorCodes(JSON.parse(r.stdout) as JsonReport), KV_DEV_ERRORS);
    assert.ok(vault.double.requests.some((q) => q.path.includes('postgres')), 'the double was asked');
    // The token goes nowhere but to Vault.
    assert.ok(!r.stdout.includes(vault.double.webhookToken) && !r.stderr.includes(vault.double.webhookToken));
  } finally {
    await vault.close();
  }
});

test('--vault-map SERVER=ADDR with $VAULT_TOKEN reaches the mapped server only', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const r = await runCli([KV_DEV_MANIFESTS, '--vault-map', `${STORE_SERVER}/=${vault.double.url}`, '--allow-insecure-http', '--format', 'json'], { env: { VAULT_TOKEN: vault.double.webhookToken } });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(errorCodes(JSON.parse(r.stdout) as JsonReport), KV_DEV_ERRORS);
    // A map for another server leaves this one unknown: could not check.
    const other = await runCli([KV_DEV_MANIFESTS, '--vault-map', `https://other.example:8200=${vault.double.url}`, '--allow-insecure-http', '--vault-token', 'x', '--format', 'json', '--timeout-ms', '3000']);
    assert.equal(other.code, 2, other.stderr);
  } finally {
    await vault.close();
  }
});

test('Vault unreachable: one fatal line naming the address dialled and the cause, exit 2; --fail-open: exit 0 with a warning', async () => {
  const addr = `http://127.0.0.1:${await closedPort()}`;
  const args = [KV_DEV_MANIFESTS, '--vault-token', 'hvs.unused', '--vault-addr', addr, '--allow-insecure-http', '--format', 'json', '--timeout-ms', '3000'];
  const closed = await runCli(args);
  assert.equal(closed.code, 2, closed.stderr);
  assert.equal(closed.stdout, '');
  const lines = closed.stderr.trim().split('\n');
  assert.equal(lines.length, 1, closed.stderr);
  assert.match(lines[0] ?? '', new RegExp(`^eso-vault-guard check: cannot reach Vault at ${addr.replace(/[.:/]/g, '\\$&')} \\(from --vault-addr, for ${STORE_SERVER.replace(/[.:/]/g, '\\$&')}\\): .*ECONNREFUSED.* Fix: .*--vault-addr`));
  assert.doesNotMatch(closed.stderr, /circuit breaker|webhook/);
  const open = await runCli([...args, '--fail-open']);
  assert.equal(open.code, 0, open.stderr);
  assert.match(open.stderr, /^eso-vault-guard check: warning: cannot reach Vault at .*--fail-open/);
  const report = JSON.parse(open.stdout) as JsonReport;
  assert.equal(report.summary.errors, 0);
  assert.ok(report.findings.some((f) => f.code === 'VaultUnavailable'));
});

test('a token Vault refuses: one fatal line naming the address and the refusal, exit 2', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const r = await runCli([KV_DEV_MANIFESTS, '--vault-token', 'hvs.not-a-token', '--vault-addr', vault.double.url, '--allow-insecure-http', '--format', 'json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Vault at ${vault.double.url.replace(/[.:/]/g, '\\$&')} .*refused the login: .*403.* Fix: .*--vault-token`));
    // One login attempt; no object was checked.
    assert.equal(vault.double.requests.filter((q) => q.path !== '/v1/sys/health').length, 1, JSON.stringify(vault.double.requests.map((q) => q.path)));
  } finally {
    await vault.close();
  }
});

test('stdin (-), other kinds ignored, --output writes the report to a file', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const input = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated, namespace: myapp}\n---\n${readFileSync(KV_DEV_MANIFESTS, 'utf8')}`;
    const out = join(mkdtempSync(join(tmpdir(), 'check-out-')), 'report.sarif');
    const r = await runCli(['-', '--config', vault.configFile, '--allow-insecure-http', '--format', 'sarif', '--output', out], { input });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const results = log.runs[0]!.results;
    // The example's Kubernetes auth runs in client-JWT mode: without a cluster its tokenreviews requirement is one info on the store (NotVerifiable).
    assert.deepEqual(results.map((x) => x.ruleId).filter((c) => c !== 'NotVerifiable').sort(), ['PropertyNotFound', 'SecretNotFound']);
    // The line is the field's own line, counted in the stdin text.
    const lines = input.split('\n');
    const typo = results.find((x) => x.ruleId === 'PropertyNotFound')!.locations[0]!.physicalLocation;
    assert.equal(typo.artifactLocation.uri, 'stdin');
    assert.match(lines[typo.region.startLine - 1] ?? '', /property: pasword/);
    const json = await runCli(['-', '--config', vault.configFile, '--allow-insecure-http', '--format', 'json'], { input });
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.ok(report.findings.every((f) => f.file === '-' && f.resource.kind !== 'ConfigMap'));
  } finally {
    await vault.close();
  }
});

test('--trust operator says more than the default store-identity (issue 10)', async () => {
  const dir = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
  const vault = await seededVault(dir);
  try {
    const codesOf = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as JsonReport).findings.filter((f) => f.resource.name === 'reads-team-b-missing').map((f) => f.code).sort();
    const [storeIdentity, operator] = await Promise.all([
      runCli([dir, '--config', vault.configFile, '--allow-insecure-http', '--format', 'json']),
      runCli([dir, '--config', vault.configFile, '--allow-insecure-http', '--format', 'json', '--trust', 'operator']),
    ]);
    assert.deepEqual(codesOf(storeIdentity), ['PolicyDenied']);
    assert.deepEqual(codesOf(operator), ['PolicyDenied', 'SecretNotFound']);
  } finally {
    await vault.close();
  }
});

test('a YAML syntax error exits 2 naming the file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'check-yaml-'));
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'good.yml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
  writeFileSync(join(dir, 'nested', 'bad.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [a\n  labels: {}\n');
  writeFileSync(join(dir, 'ignored.txt'), 'not: [yaml');
  const r = await runCli([dir]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^eso-vault-guard check: .*nested\/bad\.yaml:\d+: YAML syntax error: .+\n$/);
});

test('configuration errors exit 2 with one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'check-config-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'vault:\n  servers:\n    - url: vault.example\n      login: {method: token}\n');
  const cases: [string[], RegExp][] = [
    [[KV_DEV_MANIFESTS, '--config', config], /config: vault\.servers\[0\]\.url must match pattern/],
    [[KV_DEV_MANIFESTS, '--config', join(dir, 'missing.yaml')], /cannot read config file/],
    [[KV_DEV_MANIFESTS, '--controller-sa', 'not-a-namespaced-name'], /controllerServiceAccount/],
    [[KV_DEV_MANIFESTS, '--vault-map', 'nonsense'], /--vault-map expects SERVER=ADDR/],
    [[KV_DEV_MANIFESTS, '--format', 'xml'], /format/],
    [[KV_DEV_MANIFESTS, '--timeout-ms', '0'], /--timeout-ms must be a positive integer/],
    [[join(dir, 'no-such-dir')], /cannot read .*no-such-dir/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
