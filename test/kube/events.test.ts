import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createEventRecorder, EVENT_MESSAGE_MAX_CHARS } from '../../src/kube/index.js';
import { startKubeDouble } from '../support/kube-double.js';

const es = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', namespace: 'team-a', name: 'db', uid: 'u-1' };

test('records a core/v1 Event on the involved object, capped and de-duplicated', async () => {
  const double = await startKubeDouble();
  try {
    const recorder = createEventRecorder(double.kubeConfig, { component: 'eso-vault-guard' });
    await recorder.record(es, 'Warning', 'VaultPathNotFound', 'kv/data/db does not exist');
    await recorder.record(es, 'Warning', 'VaultPathNotFound', 'kv/data/db does not exist');
    await recorder.record(es, 'Warning', 'VaultPathNotFound', 'x'.repeat(5000));
    await recorder.record({ apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', name: 'shared' }, 'Normal', 'Checked', 'ok');
    const events = double.list('v1', 'Event', 'team-a');
    assert.equal(events.length, 2, 'the duplicate was not sent');
    const first = events.find((e) => e.message === 'kv/data/db does not exist')!;
    assert.deepEqual(first.involvedObject, es);
    assert.equal(first.type, 'Warning');
    assert.equal(first.reason, 'VaultPathNotFound');
    assert.deepEqual((first.source as { component: string }).component, 'eso-vault-guard');
    const long = events.find((e) => e.message !== 'kv/data/db does not exist')!;
    assert.equal((long.message as string).length, EVENT_MESSAGE_MAX_CHARS);
    assert.equal(double.list('v1', 'Event', 'default').length, 1, 'cluster-scoped objects get events in default');
  } finally {
    await double.close();
  }
});

test('a failing API is logged, never thrown', async () => {
  const double = await startKubeDouble();
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write(c: Buffer, _e, done) { lines.push(c.toString()); done(); } }));
  try {
    double.failNext('POST', '/api/v1/namespaces/team-a/events', 403);
    const recorder = createEventRecorder(double.kubeConfig, { component: 'eso-vault-guard', logger });
    await recorder.record(es, 'Warning', 'Denied', 'message');
    assert.equal(double.list('v1', 'Event', 'team-a').length, 0);
    assert.match(lines.join(''), /could not record a Kubernetes event/);
    // A failure does not count as sent: the next attempt goes through.
    await recorder.record(es, 'Warning', 'Denied', 'message');
    assert.equal(double.list('v1', 'Event', 'team-a').length, 1);
  } finally {
    await double.close();
  }
});
