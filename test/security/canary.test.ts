// A canary secret value planted in the Vault double never leaves Vault's response handling on the
// full webhook path: not in the logs (debug level), /metrics, the /validate and /mutate answers
// (including "did you mean" hints for PropertyNotFound), nor GET /report. The Vault layer alone is
// covered by test/vault/canary.test.ts; this follows the value through checks, server and report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetricsRegistry } from '../../src/server/metrics.js';
import { startServers } from '../../src/server/start.js';
import { selfSignedTlsSource } from '../../src/server/tls/self-signed.js';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import type { CheckResult } from '../../src/checks/result.js';
import { buildReport } from '../../src/report/report.js';
import { createVaultFacts } from '../../src/vault/index.js';
import { startVaultDouble, webhookVaultConfig, type VaultState } from '../support/vault-double.js';
import { httpRequest, postAdmission, httpsRequest } from '../support/https-client.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { CLASSIC, goodExternalSecret } from '../faults/rig.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, type Obj } from '../checks/support/example-harness.js';

const CANARY = 'CANARY-b41d-e2e-value';

function es(name: string, data: Obj[], dataFrom?: Obj[]): Obj {
  const obj = goodExternalSecret(name);
  const spec = obj.spec as Obj;
  spec.data = data;
  if (dataFrom) spec.dataFrom = dataFrom;
  return obj;
}

test('a canary secret value appears in no log line, metric, admission answer or report', async () => {
  const state = JSON.parse(readFileSync(join(CLASSIC, 'vault-state.json'), 'utf8')) as VaultState;
  state.secrets['secret/app/db'] = {
    versions: [
      { data: { username: CANARY, password: CANARY } },
      { data: { username: 'app', password: CANARY, json: JSON.stringify({ inner: CANARY, deeper: { x: CANARY } }), list: [CANARY, { k: CANARY }] } },
    ],
    custom_metadata: { owner: CANARY },
  };
  const double = await startVaultDouble({ state });
  const kube = double.state.auth['kubernetes/'] as { config?: Record<string, unknown> };
  kube.config = { ...kube.config, token_reviewer_jwt: CANARY };

  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write(chunk: Buffer, _e, done) { logLines.push(chunk.toString('utf8')); done(); } }) });
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const facts = createVaultFacts(webhookVaultConfig(double), { logger, registry });
  await facts.start();
  const results: CheckResult[] = [];
  const handlers = createAdmissionHandlers({
    facts, lookup: manifestLookup(loadManifests(CLASSIC)), mode: 'warn', failureMode: 'failOpen', defaultAudiences: DEFAULT_AUDIENCES,
    onResult: (result) => results.push(result),
  });
  const config = loadConfig({ env: {}, overrides: { server: { port: 0, metricsPort: 0, host: '127.0.0.1' } } });
  const tls = await selfSignedTlsSource({ serviceName: 'eso-vault-guard', namespace: 'eso-vault-guard' });
  const servers = await startServers({
    config, logger, registry, tls, handlers, auditReport: () => buildReport(results.map((result) => ({ result }))),
    // Who may read the report is tested in test/serve/runtime.test.ts; here a reader is let in.
    reportAuthorizer: { authorize: async (h) => (h === 'Bearer reader' ? { status: 'allowed', user: 'reader' } : { status: 'unauthenticated', reason: 'no' }) },
  });
  const ca = tls.current().ca ?? tls.current().cert;
  try {
    const ref = (remoteRef: Obj) => [{ secretKey: 'v', remoteRef }];
    const objects = [
      es('plain', ref({ key: 'app/db', property: 'password' })),
      es('typo', ref({ key: 'app/db', property: 'passwrod' })),
      es('nested-json', ref({ key: 'app/db', property: 'json.innr' })),
      es('into-a-string', ref({ key: 'app/db', property: 'password.x' })),
      es('old-version', ref({ key: 'app/db', property: 'usernam', version: '1' })),
      es('metadata', ref({ key: 'app/db', property: 'ownr', metadataPolicy: 'Fetch' })),
      es('extract', [], [{ extract: { key: 'app/db', property: 'jsn' } }]),
      es('find', [], [{ find: { path: 'app', name: { regexp: '.*' } } }]),
    ];
    const answers: string[] = [];
    for (const [i, obj] of objects.entries()) {
      for (const path of ['/mutate', '/validate'] as const) {
        const res = await postAdmission(servers.webhookPort, path, admissionReview(obj, { uid: `canary-${i}` }), ca);
        assert.equal(res.status, 200);
        answers.push(res.text);
      }
    }
    const everything = answers.join('\n');
    assert.match(everything, /PropertyNotFound/, 'the typo cases produced PropertyNotFound findings');
    assert.match(everything, /Did you mean \\"password\\"\?/, 'with a "did you mean" hint (quotes escaped in JSON)');
    const report = await httpsRequest({ port: servers.webhookPort, path: '/report', ca, headers: { authorization: 'Bearer reader' } });
    assert.equal(report.status, 200);
    assert.match(report.text, /PropertyNotFound/, 'the report holds the findings');
    const places = {
      answers: everything,
      report: report.text,
      metrics: (await httpRequest({ port: servers.metricsPort, path: '/metrics' })).text,
      logs: logLines.join(''),
    };
    assert.ok(places.logs.includes('Vault fact looked up'), 'debug logging was on');
    for (const [where, text] of Object.entries(places)) assert.ok(!text.includes(CANARY), `canary found in ${where}`);
    assert.ok(!places.logs.includes(double.webhookToken), 'the webhook token is never logged');
  } finally {
    await servers.close();
    await facts.close();
    await double.close();
  }
});
