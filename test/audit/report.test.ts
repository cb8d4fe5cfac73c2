// report() is the shared report of issue 8 (the schema `check --format json` documents), built from
// the latest complete pass; nothing before the first pass. Plus the `audit` config section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { AUDIT_CONFIG_DEFAULTS } from '../../src/audit/index.js';
import { validateSection } from '../../src/config/index.js';
import { startKubeDouble } from '../support/kube-double.js';
import { startVaultDouble } from '../support/vault-double.js';
import { waitFor } from '../support/kube-wait.js';
import { baseObjects, manifest, startInstance, VAULT_STATE } from './harness.js';

// The stable schema of issue 8: {findings:[{code, severity, resource:{kind,namespace,name}, file, field, message, hint}], summary:{errors,warnings,infos}}.
const reportSchema = {
  type: 'object',
  required: ['findings', 'summary'],
  additionalProperties: false,
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'severity', 'resource', 'file', 'field', 'message', 'hint'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', minLength: 1 },
          severity: { enum: ['error', 'warning', 'info'] },
          resource: {
            type: 'object',
            required: ['kind', 'namespace', 'name'],
            additionalProperties: false,
            properties: { kind: { type: 'string' }, namespace: { type: ['string', 'null'] }, name: { type: 'string' } },
          },
          file: { type: ['string', 'null'] },
          field: { type: 'string' },
          message: { type: 'string' },
          hint: { type: 'string' },
        },
      },
    },
    summary: {
      type: 'object',
      required: ['errors', 'warnings', 'infos'],
      additionalProperties: false,
      properties: { errors: { type: 'integer', minimum: 0 }, warnings: { type: 'integer', minimum: 0 }, infos: { type: 'integer', minimum: 0 } },
    },
  },
} as const;

test('audit: report() is undefined before the first pass, then the latest pass in the shared report schema', async () => {
  const vault = await startVaultDouble({ state: VAULT_STATE });
  const kube = await startKubeDouble({
    objects: [...baseObjects(), manifest('Namespace', 'team-c'), manifest('SecretStore', 'vault', 'team-c'), manifest('ExternalSecret', 'api-db'), manifest('ExternalSecret', 'api-db-typo')],
  });
  const a = await startInstance(vault, kube, { identity: 'replica-a' });
  try {
    a.leader.start();
    await waitFor('leader', () => a.leader.isLeader());
    assert.equal(a.audit.report(), undefined, 'no report before the first pass');
    const returned = await a.audit.runOnce();
    const report = a.audit.report();
    assert.deepEqual(report, returned);
    const validate = new Ajv({ allErrors: true, strict: true }).compile(reportSchema);
    assert.ok(validate(report), JSON.stringify(validate.errors));
    const codes = report!.findings.map((f) => `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}:${f.code}`).sort();
    assert.deepEqual(codes, ['ExternalSecret/team-a/api-db-typo:PropertyNotFound', 'SecretStore/team-c/vault:RoleNotFound']);
    const typo = report!.findings.find((f) => f.code === 'PropertyNotFound')!;
    assert.equal(typo.file, null, 'objects read from the cluster have no file');
    assert.equal(typo.field, 'spec.data[0].remoteRef.property');
    assert.equal(typo.severity, 'error');
    assert.deepEqual(report!.summary, { errors: 2, warnings: 0, infos: 0 });
    // The store's Event goes to the store, in its namespace.
    const storeEvents = kube.list('v1', 'Event', 'team-c') as unknown as { reason?: string; involvedObject?: { kind?: string } }[];
    assert.deepEqual(storeEvents.map((e) => `${e.involvedObject?.kind}:${e.reason}`), ['SecretStore:RoleNotFound']);
  } finally {
    await a.close();
    await Promise.all([kube.close(), vault.close()]);
  }
});

test('audit config: defaults, and the schema rejects what the audit cannot run with', () => {
  assert.deepEqual(AUDIT_CONFIG_DEFAULTS, { enabled: true, intervalMs: 300_000, objectsPerSecond: 5, deadlineMsPerObject: 10_000 });
  assert.deepEqual(validateSection('audit', { intervalMs: 60_000 }), { ...AUDIT_CONFIG_DEFAULTS, intervalMs: 60_000 });
  assert.deepEqual(validateSection('audit', { enabled: false, intervalMs: 60_000, objectsPerSecond: 0.5, deadlineMsPerObject: 2000 }), { enabled: false, intervalMs: 60_000, objectsPerSecond: 0.5, deadlineMsPerObject: 2000 });
  assert.throws(() => validateSection('audit', { objectsPerSecond: 0 }), /audit\.objectsPerSecond must be > 0/);
  assert.throws(() => validateSection('audit', { intervalMs: 10 }), /audit\.intervalMs must be >= 1000/);
  assert.throws(() => validateSection('audit', { intervalMS: 60_000 }), /audit\.intervalMS is not a known option/, 'a misspelt key is an error, not ignored');
});
