// `check --offline`: the static half of the checks for CI jobs with no route to Vault. Nothing is
// sent to Vault (a listening server records no connection, even with a token in the environment),
// Vault flags are a usage error, findings are a subset of the online run's, and the run says
// "offline: not checked against Vault" once instead of a VaultUnavailable per object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { loadExpected, runCli, type JsonReport } from './check-support.js';

const CLASSIC = join(OWN_EXAMPLES_DIR, 'classic-mistakes');
const ESO_SEMANTICS = join(OWN_EXAMPLES_DIR, 'eso-semantics');
const KV_DEV = join(OWN_EXAMPLES_DIR, 'kv-dev-kubernetes-auth');
const OFFLINE_LINE = 'offline: not checked against Vault';

/** Every finding offline is one the online run (the example's expected.json) reports for the same object. */
function assertSubsetOfOnline(report: JsonReport, exampleDir: string): void {
  const expected = loadExpected(exampleDir);
  for (const f of report.findings.filter((x) => x.severity !== 'info')) {
    const entry = expected.find((e) => e.kind === f.resource.kind && e.name === f.resource.name && e.namespace === f.resource.namespace);
    assert.ok(entry, `${f.resource.kind} ${f.resource.name} is in expected.json`);
    if (f.severity === 'error') assert.ok(entry.codes.includes(f.code), `${f.resource.name}: ${f.code} offline, but online says ${entry.codes.join(', ')}`);
  }
}

test('check --offline: static errors of the classic mistakes, exit 1, no VaultUnavailable, summary.offline', async () => {
  const r = await runCli([CLASSIC, '--offline', '-o', 'json']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  const report = JSON.parse(r.stdout) as JsonReport & { summary: { offline?: boolean } };
  assert.equal(report.summary.offline, true);
  assert.deepEqual(report.findings.filter((f) => f.code === 'VaultUnavailable'), []);
  const errors = report.findings.filter((f) => f.severity === 'error').map((f) => `${f.resource.name}:${f.code}`).sort();
  assert.deepEqual(errors, [
    'app-db-kind-omitted:StoreNotFound',
    'app-db-store-typo:StoreNotFound',
    'legacy-config-fetch:MalformedReference',
    'stripe:StoreNamespaceNotAllowed',
    'vault-mountpath-file:InvalidMountPath',
  ]);
  assertSubsetOfOnline(report, CLASSIC);
});

test('check --offline: selectors, templates and versions are judged without Vault', async () => {
  const r = await runCli([ESO_SEMANTICS, '--offline', '-o', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const codes = new Set(report.findings.map((f) => f.code));
  for (const code of ['InvalidSelector', 'TemplateKeyNotFound', 'NotChecked']) assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
  assert.ok(!codes.has('VaultUnavailable'));
  assertSubsetOfOnline(report, ESO_SEMANTICS);
});

test('check --offline: on every example, each error is one the online run reports for that object, and no VaultUnavailable', async () => {
  const folders = readdirSync(OWN_EXAMPLES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(OWN_EXAMPLES_DIR, d.name, 'expected.json')));
  assert.ok(folders.length >= 5);
  for (const folder of folders) {
    const dir = join(OWN_EXAMPLES_DIR, folder.name);
    const r = await runCli([join(dir, 'manifests.yaml'), '--offline', '-o', 'json']);
    assert.ok(r.code === 0 || r.code === 1, `${folder.name}: exit ${r.code} ${r.stderr}`);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.equal(r.code, report.summary.errors > 0 ? 1 : 0, folder.name);
    assert.deepEqual(report.findings.filter((f) => f.code === 'VaultUnavailable'), [], folder.name);
    assertSubsetOfOnline(report, dir);
  }
});

test('check --offline: the text summary says offline once; no static error is exit 0, never 2', async () => {
  const r = await runCli([KV_DEV, '--offline']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split(OFFLINE_LINE).length - 1, 1, r.stdout);
  assert.doesNotMatch(r.stdout, /VaultUnavailable|could not/i);
  assert.match(r.stdout, /4 objects checked: 0 errors/);
  const github = await runCli([KV_DEV, '--offline', '-o', 'github']);
  assert.equal(github.code, 0);
  assert.match(github.stdout, new RegExp(`^eso-vault-guard: .*; ${OFFLINE_LINE}$`, 'm'));
  const sarif = await runCli([KV_DEV, '--offline', '-o', 'sarif']);
  assert.match(sarif.stdout, new RegExp(OFFLINE_LINE));
});

test('check --offline: no connection reaches a Vault the stores name, even with $VAULT_TOKEN set', async () => {
  const connections: Socket[] = [];
  const server = createServer((socket) => {
    connections.push(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const docs = parseAllDocuments(readFileSync(join(KV_DEV, 'manifests.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>).filter((o) => o !== null);
    const pointed = docs.map((o) => stringify(o['kind'] === 'ClusterSecretStore' ? JSON.parse(JSON.stringify(o).replace('https://vault.example.internal:8200', `https://127.0.0.1:${port}`)) : o));
    const file = join(mkdtempSync(join(tmpdir(), 'check-offline-')), 'manifests.yaml');
    writeFileSync(file, pointed.join('---\n'));
    assert.match(readFileSync(file, 'utf8'), new RegExp(`127\\.0\\.0\\.1:${port}`));
    const r = await runCli([file, '--offline'], { env: { VAULT_TOKEN: 'hvs.offline-test-token' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(OFFLINE_LINE));
    assert.doesNotMatch(r.stdout + r.stderr, /hvs\.offline-test-token/);
    assert.equal(connections.length, 0, 'the offline run dialled the Vault the store names');
    // The recorder works: the same input online, with the token sent there, dials it.
    const online = await runCli([file, '--vault-addr', `https://127.0.0.1:${port}`, '--timeout-ms', '2000'], { env: { VAULT_TOKEN: 'hvs.offline-test-token' } });
    assert.equal(online.code, 2, online.stderr);
    assert.ok(connections.length > 0, 'the online run dialled the recording server');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('check --offline: Vault and cluster flags are a usage error (exit 2) naming them', async () => {
  for (const args of [['--vault-token', 't'], ['--vault-addr', 'https://127.0.0.1:1'], ['--vault-map', 'https://a=https://b'], ['--stores-from', 'cluster']]) {
    const r = await runCli([KV_DEV, '--offline', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`--offline .*${args[0]}`));
    assert.equal(r.stdout, '');
  }
});
