import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log/logger.js';

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
