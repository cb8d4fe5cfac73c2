import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeDouble } from '../support/kube-double.js';
import { startVaultDouble, webhookVaultConfig } from '../support/vault-double.js';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';
import { httpRequest, httpsRequest, type AdmissionReviewAnswer } from '../support/https-client.js';
// The compiled CLI next to this compiled test (works from any dist-* folder): serve's process, its env and signals.
import { MAIN, runCommand } from '../support/cli.js';

// Help in-process (the program the binary runs; test/cli/cli-conventions runs the binary's exit codes).
test('--help lists serve', async () => {
  const res = await runCommand(['--help']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^\s+serve \[options\]\s+run the admission webhook/m);
});

test('serve --help lists its flags', async () => {
  const res = await runCommand(['serve', '--help']);
  assert.equal(res.code, 0, res.stderr);
  for (const flag of ['--config <file>', '--port <n>', '--metrics-port <n>']) assert.ok(res.stdout.includes(flag), flag);
});

test('serve with a bad setting exits 2 naming the field', () => {
  const res = spawnSync(process.execPath, [MAIN, 'serve', '--port', '0'], {
    encoding: 'utf8',
    env: { ...process.env, ESO_GUARD_FAILURE_MODE: 'open', ESO_GUARD_CONFIG: '' },
  });
  assert.equal(res.status, 2);
  assert.match(res.stderr, /admission\.failureMode must be one of failOpen, failClosed \(got "open"\); set by ESO_GUARD_FAILURE_MODE/);
});

test('serve with no config and no cluster starts on a self-signed certificate and answers AdmissionReviews', async () => {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--metrics-port', '0'], {
    env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'no-kube-')), ESO_GUARD_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
  });
  try {
    const until = Date.now() + 15_000;
    while (!/"msg":"eso-vault-guard is serving"/.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /no Kubernetes API configured/);
    assert.match(out, /no vault.servers configured/);
    const port = Number(/"webhookPort":(\d+)/.exec(out)?.[1]);
    // curl -k: no CA given, certificate not verified.
    const review = admissionReview(externalSecret({ name: 'db', namespace: 'team-a' }));
    const answer = await httpsRequest<AdmissionReviewAnswer>({ port, path: '/validate', method: 'POST', body: review, insecure: true });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.kind, 'AdmissionReview');
    assert.equal(answer.body.response.uid, (review.request as { uid: string }).uid);
    assert.equal(answer.body.response.allowed, true, 'failOpen: not checked, so admitted');
    assert.ok((answer.body.response.warnings ?? []).some((w) => /no Kubernetes API is configured/.test(w)), JSON.stringify(answer.body.response));
  } finally {
    child.kill('SIGKILL');
  }
});

test('serve starts against Kubernetes and Vault, says where it listens; on SIGTERM it drains (answers, unready), then exits', async () => {
  const vault = await startVaultDouble({ state: join(OWN_EXAMPLES_DIR, 'platform-team-templated', 'vault-state.json') });
  const kube = await startKubeDouble();
  const dir = mkdtempSync(join(tmpdir(), 'serve-cli-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kube.kubeconfigYaml);
  const configFile = join(dir, 'config.yaml');
  // JSON is YAML: the vault section the product would read from its ConfigMap.
  writeFileSync(configFile, JSON.stringify({ vault: webhookVaultConfig(vault) }));
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--metrics-port', '0', '--config', configFile, '--kubeconfig', kubeconfig], {
    // A drain long enough to be observed from here; the exit is awaited, not timed.
    env: { ...process.env, ESO_GUARD_HOST: '127.0.0.1', ESO_GUARD_CONFIG: '', ESO_GUARD_LOG_LEVEL: 'info', ESO_GUARD_DRAIN_MS: '3000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const until = Date.now() + 15_000;
    while (!/"msg":"eso-vault-guard is serving"/.test(out) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(out, /webhook listening on https:\/\/127\.0\.0\.1:\d+ \(\/validate, \/mutate, \/report\); health and metrics on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /"msg":"eso-vault-guard is serving"/);
    const webhookPort = Number(/"webhookPort":(\d+)/.exec(out)?.[1]);
    const metricsPort = Number(/"metricsPort":(\d+)/.exec(out)?.[1]);
    child.kill('SIGTERM');
    const drainUntil = Date.now() + 10_000;
    while (!/"msg":"draining: /.test(out) && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
    // The API server keeps sending until the endpoints update: those admissions are answered ...
    const review = admissionReview(externalSecret({ name: 'db', namespace: 'team-a' }));
    const answer = await httpsRequest<AdmissionReviewAnswer>({ port: webhookPort, path: '/validate', method: 'POST', body: review, insecure: true });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.response.uid, (review.request as { uid: string }).uid);
    // ... while readiness already says the pod is going.
    const ready = await httpRequest<{ message?: string }>({ port: metricsPort, path: '/readyz' });
    assert.equal(ready.status, 503);
    assert.match(ready.body.message ?? '', /shutdown: draining/);
    assert.doesNotMatch(out, /"msg":"stopped"/, 'not stopped during the drain');
    assert.equal(await exited, 0, out);
    assert.match(out, /"msg":"stopped"/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all([kube.close(), vault.close()]);
  }
});
