// `demo --serve`: a local try of `serve`. The compiled CLI runs as a child process; the test reads the
// URL, CA and AdmissionReview it prints, posts the review over HTTPS trusting only that CA (and runs
// the printed curl command when curl is installed), gets an AdmissionReview response, then stops it
// with SIGTERM and checks that it exits 0 and removes its temporary files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../support/cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface AdmissionResponse {
  apiVersion: string;
  kind: string;
  response: { uid: string; allowed: boolean; status?: { message?: string } };
}

function post(url: string, ca: string, body: string): Promise<AdmissionResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(text) as AdmissionResponse);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('demo --serve: prints a URL, CA and review; the printed review gets an AdmissionReview answer; SIGTERM stops it', async () => {
  const child = spawn(process.execPath, [MAIN, 'demo', '--serve', '--port', '0', '--no-color'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (/^Ctrl-C/m.test(stdout)) resolve();
      });
      child.on('close', () => reject(new Error(`exited before it was ready: ${stdout}${stderr}`)));
    });
    const url = /^webhook: (https:\/\/127\.0\.0\.1:\d+)\/validate/m.exec(stdout)?.[1];
    const caFile = /^CA certificate: (\S+)$/m.exec(stdout)?.[1];
    const reviewFile = /^AdmissionReview: (\S+) \(ExternalSecret myapp\/postgres-credentials-typo;/m.exec(stdout)?.[1];
    const curl = /^ {2}(curl .*)$/m.exec(stdout)?.[1];
    assert.ok(url && caFile && reviewFile && curl, stdout);
    assert.ok(curl.includes(caFile) && curl.includes(reviewFile) && curl.endsWith(`${url}/validate`), curl);

    const review = readFileSync(reviewFile, 'utf8');
    const uid = (JSON.parse(review) as { request: { uid: string } }).request.uid;
    const answer = await post(`${url}/validate`, readFileSync(caFile, 'utf8'), review);
    assert.equal(answer.kind, 'AdmissionReview');
    assert.equal(answer.apiVersion, 'admission.k8s.io/v1');
    assert.equal(answer.response.uid, uid);
    assert.equal(answer.response.allowed, false);
    assert.match(answer.response.status?.message ?? '', /\[PropertyNotFound\] spec\.data\[0\]\.remoteRef\.property/);

    // The command as printed, pasted into a shell.
    if (spawnSync('curl', ['--version']).status === 0) {
      const r = spawnSync('sh', ['-c', `${curl} --silent --show-error`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as AdmissionResponse).response.uid, uid);
    }

    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /stopped/);
    assert.equal(existsSync(dirname(reviewFile)), false, 'the temporary folder is removed');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

// In-process: the program the binary runs (its exit codes are test/cli/cli-conventions').
test('demo --serve: an unknown example or a bad --port is a usage error (exit 2)', async () => {
  const bad = await runCommand(['demo', '--serve', '--example', 'no-such-example']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /no example "no-such-example"/);
  const port = await runCommand(['demo', '--serve', '--port', 'eighty']);
  assert.equal(port.code, 2, port.stderr);
  assert.match(port.stderr, /--port must be a port number/);
});
