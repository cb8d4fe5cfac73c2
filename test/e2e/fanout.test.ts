import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fanoutRows, namespaceFindings, namespaceVerdict, ownerStatus, type EsoCondition } from './fanout.js';
import { renderFidelity } from './fidelity-doc.js';

// kubectl's output for a ClusterExternalSecret the webhook denied: the denial's first line, one
// line per error, and the Warning lines (per-namespace-check.ts words them "In namespace(s) …").
const denied = [
  'Error from server (Forbidden): error when creating "x.yaml": admission webhook "validate.eso-vault-guard.io" denied the request: ClusterExternalSecret fanout-db-ab-store has 1 problem that ESO would fail on:',
  '[StoreNamespaceNotAllowed] spec.externalSecretSpec.secretStoreRef: In namespace "fan-c" (ExternalSecret "fanout-db-ab-store"): ClusterSecretStore "fanout-ab" may not be used from namespace "fan-c". Fix: add it to the conditions.',
  'Warning: [PolicyDenied] spec.externalSecretSpec.data[0]: In namespaces "fan-a", "fan-b" (ExternalSecret "fanout-db-ab-store"): a warning.',
];

test('per-namespace findings are read from the denial and Warning lines', () => {
  const f = namespaceFindings(denied);
  assert.deepEqual([...f.byNamespace.keys()].sort(), ['fan-a', 'fan-b', 'fan-c']);
  assert.deepEqual(namespaceVerdict(f, 'fan-c'), { decision: 'deny', codes: ['StoreNamespaceNotAllowed'], verdict: 'deny', truncated: false });
  assert.deepEqual(namespaceVerdict(f, 'fan-a'), { decision: 'allow', codes: ['PolicyDenied'], verdict: 'allow-with-warnings', truncated: false });
  assert.deepEqual(namespaceVerdict(f, 'fan-d'), { decision: 'allow', codes: [], verdict: 'allow', truncated: false });
});

test('a finding not about one namespace holds in all; a cut namespace list leaves the unlisted ones uncompared', () => {
  const f = namespaceFindings([
    'Error from server (Forbidden): … denied the request: ClusterExternalSecret x has 1 problem that ESO would fail on:',
    '[InvalidSelector] spec.namespaceSelectors[0]: ESO cannot convert this selector.',
    'Warning: [SecretNotFound] spec.externalSecretSpec.data[0]: In namespaces "a", "b", "c", "d", "e" (+2 more) (ExternalSecret "x"): not there.',
  ]);
  assert.equal(namespaceVerdict(f, 'a').decision, 'deny');
  assert.deepEqual(namespaceVerdict(f, 'a').codes, ['InvalidSelector', 'SecretNotFound']);
  assert.equal(namespaceVerdict(f, 'f').verdict, 'not-verifiable');
  assert.equal(namespaceVerdict(f, 'e').truncated, false);
});

const owner = (status: Record<string, unknown>) => ownerStatus({ kind: 'ClusterExternalSecret', metadata: { name: 'fanout-db-ab-store' }, spec: {}, status });

test('ESO per namespace: a failed namespace fails, a provisioned one is its object\'s Ready condition', () => {
  const status = owner({
    externalSecretName: 'fanout-db-ab-store',
    conditions: [{ type: 'Ready', status: 'False', message: 'one or more namespaces failed' }],
    provisionedNamespaces: ['fan-a', 'fan-c'],
    failedNamespaces: [{ namespace: 'fan-b', reason: 'external secret already exists in namespace' }],
  });
  const children: Record<string, EsoCondition> = {
    'fan-a': { status: 'True', reason: 'SecretSynced' },
    'fan-c': { status: 'False', reason: 'SecretSyncedError', message: 'using cluster store "fanout-ab" is not allowed from namespace "fan-c": denied by spec.condition' },
  };
  const rows = fanoutRows({ ownerKind: 'ClusterExternalSecret', objectDecision: 'deny', objectCodes: ['PolicyDenied', 'StoreNamespaceNotAllowed'], lines: denied, status, child: (ns) => children[ns], esoRan: true });
  assert.deepEqual(rows.map((r) => [r.namespace, r.webhook.decision, r.eso.outcome, r.agreement]), [
    ['fan-a', 'allow', 'ready', 'agree'],
    // The webhook warned about fan-b; ESO failed there (an object it does not own): a warning agrees.
    ['fan-b', 'allow', 'not-ready', 'agree'],
    ['fan-c', 'deny', 'not-ready', 'agree'],
  ]);
  assert.equal(rows[1]!.eso.message, 'status.failedNamespaces[fan-b]: external secret already exists in namespace; ClusterExternalSecret Ready False: one or more namespaces failed');
  assert.equal(rows[0]!.childKind, 'ExternalSecret');
});

test('a clean namespace ESO fails is a miss; a denied one ESO syncs is a false denial; one ESO never selected is only judged on a denial', () => {
  const status = owner({ conditions: [{ type: 'Ready', status: 'True' }], provisionedNamespaces: ['fan-a', 'fan-b'] });
  const lines = ['Warning: x', '[SecretNotFound] spec.externalSecretSpec.data[0]: In namespaces "fan-b", "fan-z" (ExternalSecret "fanout-db-ab-store"): not there.'];
  const children: Record<string, EsoCondition> = { 'fan-a': { status: 'False', reason: 'SecretSyncedError' }, 'fan-b': { status: 'True', reason: 'SecretSynced' } };
  const rows = fanoutRows({ ownerKind: 'ClusterExternalSecret', objectDecision: 'deny', objectCodes: ['SecretNotFound'], lines, status, child: (ns) => children[ns], esoRan: true });
  assert.deepEqual(rows.map((r) => [r.namespace, r.agreement]), [['fan-a', 'miss'], ['fan-b', 'false-denial'], ['fan-z', 'false-denial']]);
  assert.match(rows[2]!.note ?? '', /ESO did not select namespace "fan-z"/);
});

test('an owner ESO created nothing for is one row, compared with its own Ready condition', () => {
  const status = ownerStatus({ kind: 'ClusterPushSecret', metadata: { name: 'p' }, spec: { pushSecretName: 'pp' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Errored', message: 'failed to get target Namespaces' }] } });
  const rows = fanoutRows({ ownerKind: 'ClusterPushSecret', objectDecision: 'deny', objectCodes: ['InvalidSelector'], lines: ['[InvalidSelector] spec.namespaceSelectors[0]: bad.'], status, child: () => undefined, esoRan: true });
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0]!.namespace, rows[0]!.childKind, rows[0]!.childName, rows[0]!.eso.outcome, rows[0]!.agreement], [null, 'PushSecret', 'pp', 'not-ready', 'agree']);
  const ces = ownerStatus({ kind: 'ClusterExternalSecret', metadata: { name: 'e' }, status: { conditions: [{ type: 'Ready', status: 'False', message: 'one or more namespaces failed' }], failedNamespaces: [{ namespace: 'unknown', reason: 'failed to convert label selector …' }] } });
  const cesRow = fanoutRows({ ownerKind: 'ClusterExternalSecret', objectDecision: 'deny', objectCodes: ['InvalidSelector'], lines: [], status: ces, child: () => undefined, esoRan: true })[0]!;
  assert.deepEqual([cesRow.eso.reason, cesRow.eso.message, cesRow.agreement], ['failedNamespaces', 'status.failedNamespaces[unknown]: failed to convert label selector …', 'agree']);
  assert.match(cesRow.note ?? '', /could not select namespaces/);
  assert.equal(fanoutRows({ ownerKind: 'ClusterPushSecret', objectDecision: 'allow', objectCodes: [], lines: [], status: undefined, child: () => undefined, esoRan: false })[0]!.agreement, 'not-applicable');
});

test('docs/fidelity.md names the namespace and the object ESO created in a fan-out row', () => {
  const md = renderFidelity({
    skipped: false, components: [],
    examples: [{ name: 'fan', seed: [], objects: [{
      example: 'fan', kind: 'ClusterExternalSecret', namespace: 'fan-a', name: 'db', expected: { decision: 'deny', codes: [] },
      webhook: { decision: 'allow', codes: [], kubectl: [] }, matchesExpected: true, verdict: 'allow',
      eso: { outcome: 'ready', reason: 'SecretSynced', message: 'secret synced' }, agreement: 'agree',
      fanout: { child: { kind: 'ExternalSecret', name: 'db' }, object: { decision: 'deny', codes: ['SecretNotFound'] }, owner: { provisionedNamespaces: ['fan-a'], failedNamespaces: [] } },
    }] }],
    agreement: { total: 1, agree: 1, falseDenials: 0, misses: 0, unverified: 0, notApplicable: 0 },
    expectedMismatches: 0, checks: [], durationMs: 1000,
  }, '2026-01-01');
  assert.match(md, /\| ClusterExternalSecret db → ExternalSecret fan-a\/db \| allow \(owner denied\) \| deny \| True \(SecretSynced\) \| secret synced \| agree \|/);
});
