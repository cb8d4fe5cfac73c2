import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postAdmission } from '../support/https-client.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';
import type { AdmissionDecision } from '../../src/server/decision.js';
import { startTestServers } from './harness.js';

const denial: AdmissionDecision = {
  allowed: false,
  statusCode: 403,
  message: 'spec.data[0].remoteRef.property: key "pasword" not found\nDid you mean "password"?',
  warnings: ['spec.refreshInterval defaulted'],
  codes: ['PropertyNotFound'],
  patch: [{ op: 'add', path: '/x', value: 1 }],
};

test('the server passes handler decisions through whatever admission.mode says (the rules resolve the mode)', async () => {
  const servers = await startTestServers({
    admission: { mode: 'warn' },
    handlers: {
      validate: async () => denial,
      mutate: async () => ({ allowed: true, warnings: ['would deny: x'], codes: ['PropertyNotFound'], wouldDeny: true }),
    },
  });
  try {
    const denied = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'd' }), servers.ca);
    assert.equal(denied.body.response.allowed, false, 'a namespace may override warn with enforce; the server cannot know');
    assert.equal(denied.body.response.status?.code, 403);
    const warned = await postAdmission(servers.webhookPort, '/mutate', admissionReview(externalSecret(), { uid: 'w' }), servers.ca);
    assert.equal(warned.body.response.allowed, true);
    assert.ok(servers.logs.some((l) => l.uid === 'd' && l.decision === 'denied'));
    assert.ok(servers.logs.some((l) => l.uid === 'w' && l.decision === 'would_deny' && l.wouldDeny === true));
  } finally {
    await servers.close();
  }
});
