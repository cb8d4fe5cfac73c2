import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log/logger.js';
import { logAdmission, type AdmissionLogRecord } from '../../src/log/admission-log.js';

function capture(level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

test('credential-bearing fields are redacted at any depth', () => {
  const { logger, lines } = capture();
  logger.info(
    {
      req: { headers: { authorization: 'Bearer abc.def', 'x-vault-token': 'hvs.SECRET1' } },
      vault: { auth: { client_token: 'hvs.SECRET2', secret_id: 'SECRET3', jwt: 'SECRET4' } },
      secret: { data: { password: 'SECRET5' }, stringData: { token: 'SECRET6' } },
      nested: { a: { b: { c: { password: 'SECRET7' } } } },
      keep: 'visible',
    },
    'redaction check',
  );
  assert.equal(lines.length, 1);
  const line = lines[0] ?? '';
  for (const secret of ['abc.def', 'SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5', 'SECRET6', 'SECRET7']) {
    assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
  }
  assert.ok(line.includes('"keep":"visible"'));
  assert.ok(line.includes('[REDACTED]'));
});

test('the level is configurable', () => {
  const { logger, lines } = capture('warn');
  logger.info('hidden');
  logger.warn('shown');
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { msg: string; level: string }).msg),
    ['shown'],
  );
  assert.equal((JSON.parse(lines[0] ?? '{}') as { level: string }).level, 'warn');
});

test('the admission line keeps the logger bindings and still redacts a credential key (top level: its record is flat)', () => {
  const { logger, lines } = capture();
  const record = { uid: 'u1', webhook: 'validate', kind: 'ExternalSecret', operation: 'CREATE', dryRun: false, decision: 'allowed', durationMs: 1, codes: [], token: 'hvs.SECRET', 'x-vault-token': 'hvs.SECRET2' };
  logAdmission(logger.child({ component: 'server' }), record as AdmissionLogRecord);
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(line['component'], 'server');
  assert.equal(line['uid'], 'u1');
  assert.equal(line['msg'], 'admission validate allowed');
  assert.doesNotMatch(lines[0] ?? '', /SECRET/);
  const quiet = capture('warn');
  logAdmission(quiet.logger, record as AdmissionLogRecord);
  assert.equal(quiet.lines.length, 0, 'an info line below the level is not written');
});
