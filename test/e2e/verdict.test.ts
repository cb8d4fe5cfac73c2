import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { agreementOf, codesIn, summarise, verdictOf } from './verdict.js';
import { findBinaries } from './binaries.js';
import { REPO_ROOT } from '../support/paths.js';

test('verdicts: deny, clean allow, warnings, could-not-verify, out of scope', () => {
  assert.equal(verdictOf('deny', ['PolicyDenied']), 'deny');
  assert.equal(verdictOf('allow', []), 'allow');
  assert.equal(verdictOf('allow', ['Defaulted']), 'allow');
  assert.equal(verdictOf('allow', ['PolicyDenied']), 'allow-with-warnings');
  assert.equal(verdictOf('allow', ['InsecureVaultAddress', 'VaultUnavailable']), 'not-verifiable');
  assert.equal(verdictOf('allow', ['StoreOutOfScope']), 'out-of-scope');
});

test('agreement: a denial ESO would sync is a false denial; a clean allow ESO fails is a miss', () => {
  assert.equal(agreementOf('deny', 'not-ready'), 'agree');
  assert.equal(agreementOf('deny', 'ready'), 'false-denial');
  assert.equal(agreementOf('allow', 'ready'), 'agree');
  assert.equal(agreementOf('allow', 'not-ready'), 'miss');
  assert.equal(agreementOf('allow', 'no-condition'), 'miss');
  assert.equal(agreementOf('allow-with-warnings', 'not-ready'), 'agree');
  assert.equal(agreementOf('not-verifiable', 'not-ready'), 'unverified');
  assert.equal(agreementOf('out-of-scope', 'not-ready'), 'not-applicable');
  assert.equal(agreementOf('deny', 'not-run'), 'not-applicable');
  // ESO's own webhook refusing the object: it never exists, so it never syncs.
  assert.equal(agreementOf('deny', 'refused'), 'agree');
  assert.equal(agreementOf('allow', 'refused'), 'miss');
  assert.equal(agreementOf('allow-with-warnings', 'refused'), 'agree');
  assert.deepEqual(summarise(['agree', 'agree', 'false-denial', 'miss', 'unverified', 'not-applicable']), { total: 5, agree: 2, falseDenials: 1, misses: 1, unverified: 1, notApplicable: 1 });
});

test('codes are read from kubectl\'s denial and Warning lines', () => {
  const text = 'Warning: [Defaulted] spec.x: …\nError from server: … denied the request: … [RoleNotFound] spec.provider…';
  assert.deepEqual(codesIn(text), ['Defaulted', 'RoleNotFound']);
});

test('the e2e suite names what is missing', () => {
  assert.deepEqual(findBinaries({}), { ok: false, missing: ['E2E_BIN_DIR (a folder with bao or vault, etcd, kube-apiserver, kubectl, external-secrets)'] });
  const empty = mkdtempSync(join(tmpdir(), 'e2e-bin-'));
  const r = findBinaries({ E2E_BIN_DIR: empty, E2E_ESO_CRDS: join(empty, 'nope') });
  assert.equal(r.ok, false);
  const missing = r.ok ? [] : r.missing;
  for (const name of ['bao', 'etcd', 'kube-apiserver', 'kubectl', 'external-secrets', 'ESO CRDs']) assert.ok(missing.some((m) => m.includes(name)), name);
});

test('npm run e2e without binaries: skipped, exit 0, a report that says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-skip-'));
  const report = join(dir, 'r.json');
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'dist', 'test', 'e2e', 'run.js'), '--report', report], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' }, (err, out) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: out });
    });
  });
  assert.equal(code, 0);
  assert.match(stdout, /e2e: skipped — missing:\n {2}- E2E_BIN_DIR/);
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as { skipped: boolean; missing: string[]; agreement: { total: number } };
  assert.equal(parsed.skipped, true);
  assert.equal(parsed.agreement.total, 0);
});

test('docs/fidelity.md is rendered from a report: versions, the agreement line, one row per object', async () => {
  const { renderFidelity } = await import('./fidelity-doc.js');
  const md = renderFidelity({
    skipped: false,
    components: [{ name: 'OpenBao', version: '2.6.2', versionFrom: 'binary', reported: 'OpenBao v2.6.2', detail: 'sys/health version 2.6.2' }],
    examples: [{ name: 'ex', seed: [], objects: [{
      example: 'ex', kind: 'ExternalSecret', namespace: 'apps', name: 'db', expected: { decision: 'deny', codes: ['PolicyDenied'] },
      webhook: { decision: 'deny', codes: ['PolicyDenied'], kubectl: [] }, matchesExpected: true, verdict: 'deny',
      eso: { outcome: 'not-ready', reason: 'SecretSyncedError', error: 'Code: 403. Errors: * permission denied' }, agreement: 'agree',
    }, {
      example: 'ex', kind: 'ExternalSecret', namespace: 'apps', name: 'merge-none', expected: { decision: 'deny', codes: ['MalformedReference'] },
      webhook: { decision: 'deny', codes: ['MalformedReference'], kubectl: [] }, matchesExpected: true, verdict: 'deny',
      eso: { outcome: 'refused', webhook: 'deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with' }, agreement: 'agree',
    }] }],
    agreement: { total: 1, agree: 1, falseDenials: 0, misses: 0, unverified: 0, notApplicable: 0 },
    expectedMismatches: 0, checks: [{ name: 'lease', ok: true, detail: 'holder x' }], durationMs: 1000,
  }, '2026-01-01');
  assert.match(md, /\| OpenBao \| 2\.6\.2 \|/);
  assert.match(md, /1 objects compared: \*\*1 agree, 0 false denials, 0 misses\*\*/);
  assert.match(md, /\| ExternalSecret apps\/db \| deny PolicyDenied \| deny PolicyDenied \| False \(SecretSyncedError\) \| Code: 403\. Errors: \* permission denied \| agree \|/);
  assert.match(md, /- ✔ lease: holder x/);
  assert.match(md, /\| ExternalSecret apps\/merge-none \| deny MalformedReference \| deny MalformedReference \| refused by ESO's webhook \| ESO's webhook: deletionPolicy=Merge must not be used with creationPolicy=None\. There is no Secret to merge with \| agree \|/);
});

test('kubectl\'s refusal is told apart by the webhook that gave it', async () => {
  const { esoRefusalIn, guardRefusalIn } = await import('./eso-webhook.js');
  const eso = 'Error from server (Forbidden): error when creating "x.yaml": admission webhook "validate.externalsecret.external-secrets.io" denied the request: deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with\n';
  const ours = 'Error from server (Forbidden): error when creating "x.yaml": admission webhook "validate.eso-vault-guard.io" denied the request: [MalformedReference] spec.target.deletionPolicy: …\n';
  assert.equal(esoRefusalIn(eso), 'deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with');
  assert.equal(guardRefusalIn(eso), false);
  assert.equal(esoRefusalIn(ours), undefined);
  assert.equal(guardRefusalIn(ours), true);
});
