// Certificate rotation under load: while admissions run concurrently (each on a new TLS
// connection, as the API server opens them), the serving certificate and key files are replaced.
// No request may fail, and once the webhook has picked up the new pair every new connection gets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileTlsSource } from '../../src/server/tls/file-source.js';
import { replaceFile, servingPair, testCa } from '../support/test-certificates.js';
import { goodExternalSecret, startFaultRig, type TimedAnswer } from './rig.js';
import { isClean } from './expect.js';

/** Polls `done` until it holds; the bound only catches a hang. */
async function waitFor(done: () => boolean, what: string, boundMs = 30_000): Promise<void> {
  const until = Date.now() + boundMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('rotating the certificate files under concurrent admissions: no request fails, new connections get the new certificate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fault-rotation-'));
  const ca = await testCa('rotation-test-ca');
  const [first, second] = await Promise.all([servingPair(ca, 'first'), servingPair(ca, 'second')]);
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const caFile = join(dir, 'ca.crt');
  writeFileSync(certFile, first.cert);
  writeFileSync(keyFile, first.key);
  writeFileSync(caFile, ca.cert);
  const firstFingerprint = new X509Certificate(first.cert).fingerprint256;
  const secondFingerprint = new X509Certificate(second.cert).fingerprint256;

  const rig = await startFaultRig({
    failureMode: 'failClosed',
    tls: (logger) => fileTlsSource(certFile, keyFile, caFile, { logger, pollIntervalMs: 200, debounceMs: 50 }),
  });
  const seen: { startedAtMs: number; answer: TimedAnswer }[] = [];
  const failures: unknown[] = [];
  let stop = false;
  let n = 0;
  const worker = async () => {
    while (!stop) {
      const startedAtMs = Date.now();
      try {
        seen.push({ startedAtMs, answer: await rig.post('/validate', goodExternalSecret(), `rot-${(n += 1)}`) });
      } catch (err) {
        failures.push(err);
      }
    }
  };
  try {
    const workers = Array.from({ length: 4 }, worker);
    // Phases end after a number of answers, not after a time: a busy machine answers fewer per second.
    await waitFor(() => seen.length >= 10, 'ten admissions on the first certificate');
    replaceFile(keyFile, second.key);
    replaceFile(certFile, second.cert);
    const rotatedAtMs = Date.now();
    await waitFor(() => seen.some((s) => s.answer.res.peerCertificate?.fingerprint256 === secondFingerprint), 'the new certificate served');
    const switchedAtMs = Date.now();
    await waitFor(() => seen.filter((s) => s.startedAtMs > switchedAtMs).length >= 10, 'ten admissions after the switch');
    stop = true;
    await Promise.all(workers);

    assert.deepEqual(failures, [], 'no request failed during the rotation');
    assert.ok(seen.length >= 20, `load ran (${seen.length} requests)`);
    for (const s of seen) assert.ok(isClean(s.answer), s.answer.res.text);
    const fingerprints = new Set(seen.map((s) => s.answer.res.peerCertificate?.fingerprint256));
    assert.deepEqual([...fingerprints].sort(), [firstFingerprint, secondFingerprint].sort(), 'only the two certificates were served');
    assert.ok(seen.some((s) => s.startedAtMs < rotatedAtMs && s.answer.res.peerCertificate?.fingerprint256 === firstFingerprint));
    const afterSwitch = seen.filter((s) => s.startedAtMs > switchedAtMs);
    assert.ok(afterSwitch.length > 0, 'requests ran after the switch');
    for (const s of afterSwitch) assert.equal(s.answer.res.peerCertificate?.fingerprint256, secondFingerprint, 'a new connection after the switch got the new certificate');
    assert.ok(rig.logs.some((l) => l.msg === 'TLS certificate reloaded'));
    assert.ok(rig.logs.some((l) => l.msg === 'webhook serving certificate replaced'));
  } finally {
    stop = true;
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
