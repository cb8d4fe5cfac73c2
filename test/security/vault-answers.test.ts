// Issue 14 item 4: something in front of Vault (a proxy, a login portal) that answers with HTML or
// with JSON of another shape makes the checks "could not check" (the failure mode decides), never a
// finding about the manifest. The double is logged in to first, then answers every request foreign.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { postAdmission } from '../support/https-client.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { startTestServers } from '../server/harness.js';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import type { FailureMode } from '../../src/config/types.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from '../checks/support/example-harness.js';

const PLATFORM = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
const HTML = '<!doctype html><html><head><title>Sign in</title></head><body><form>SSO portal</form></body></html>';

const FOREIGN: { name: string; status: number; contentType: string; text: string }[] = [
  { name: '200 text/html (login portal)', status: 200, contentType: 'text/html; charset=utf-8', text: HTML },
  { name: '404 text/html (proxy)', status: 404, contentType: 'text/html', text: '<html><body><h1>404 Not Found</h1></body></html>' },
  { name: '403 text/html (proxy)', status: 403, contentType: 'text/html', text: '<html><body>Forbidden</body></html>' },
  { name: '200 JSON without data', status: 200, contentType: 'application/json', text: '{}' },
  { name: '200 JSON of another shape', status: 200, contentType: 'application/json', text: '{"data":"ok","items":[1,2,3]}' },
  { name: '200 JSON array', status: 200, contentType: 'application/json', text: '[]' },
];

const VERDICT_CODES = /\[(MountNotFound|AuthMountNotFound|AuthMountTypeMismatch|RoleNotFound|RoleBindingMismatch|SecretNotFound|SecretVersionNotFound|SecretDeleted|PropertyNotFound|KVVersionMismatch|PolicyDenied)\]/;

const store = loadManifests(PLATFORM).find((o) => o.kind === 'SecretStore' && (o.metadata as { namespace?: string }).namespace === 'team-a') as Obj;
const externalSecret: Obj = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'team-a' },
  spec: { secretStoreRef: { name: 'vault', kind: 'SecretStore' }, target: { name: 'db' }, data: [{ secretKey: 'p', remoteRef: { key: 'team-a/db', property: 'password' } }] },
};

async function foreignWebhook(answer: (typeof FOREIGN)[number], failureMode: FailureMode) {
  const { double, facts } = await startFacts(join(PLATFORM, 'vault-state.json'));
  assert.deepEqual(facts.ready(), { ready: true }, 'logged in before the proxy took over');
  double.setForeignAnswer(answer);
  const handlers = createAdmissionHandlers({ facts, lookup: manifestLookup(loadManifests(PLATFORM)), mode: 'enforce', failureMode, defaultAudiences: DEFAULT_AUDIENCES });
  const servers = await startTestServers({ handlers });
  return {
    double,
    post: (obj: Obj) => postAdmission(servers.webhookPort, '/validate', admissionReview(obj), servers.ca),
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
    },
  };
}

for (const answer of FOREIGN) {
  test(`a foreign answer (${answer.name}) is could-not-check, never a finding`, async () => {
    for (const failureMode of ['failOpen', 'failClosed'] as const) {
      const w = await foreignWebhook(answer, failureMode);
      try {
        for (const obj of [store, externalSecret]) {
          const res = await w.post(obj);
          const r = res.body.response;
          const text = `${r.status?.message ?? ''}\n${(r.warnings ?? []).join('\n')}`;
          const what = `${answer.name}, ${failureMode}, ${obj.kind as string}`;
          assert.doesNotMatch(text, VERDICT_CODES, what);
          if (failureMode === 'failOpen') {
            assert.equal(r.allowed, true, `${what}: ${text}`);
            assert.match(text, /\[VaultUnavailable\].*not a well-formed Vault response|Not checked against Vault/, what);
          } else {
            assert.equal(r.allowed, false, what);
            assert.equal(r.status?.code, 500, what);
            assert.match(r.status?.message ?? '', /could not be checked against Vault/, what);
          }
        }
        assert.ok(w.double.requests.some((q) => q.status === answer.status && q.path !== '/v1/sys/health'), 'the foreign answers were served');
      } finally {
        await w.close();
      }
    }
  });
}
