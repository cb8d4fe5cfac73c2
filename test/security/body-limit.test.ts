// The 3 MiB body limit at its edge. Oversized bodies (announced by Content-Length, or chunked and
// growing past the limit) are refused in test/server/malformed.test.ts; this adds the boundary:
// a body of exactly the limit is read and answered, one byte more is refused before it is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServers } from '../server/harness.js';
import { httpsRequest } from '../support/https-client.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';
import { BODY_LIMIT_BYTES } from '../../src/server/request-errors.js';

/** A valid AdmissionReview padded with JSON whitespace to exactly `bytes`. */
function reviewOfSize(bytes: number, uid: string): Buffer {
  const text = JSON.stringify(admissionReview(externalSecret(), { uid }));
  assert.ok(text.length < bytes);
  return Buffer.from(text.padEnd(bytes, ' '));
}

test('a body of exactly 3 MiB is answered; 3 MiB + 1 byte is refused with 413', async () => {
  assert.equal(BODY_LIMIT_BYTES, 3 * 1024 * 1024);
  const servers = await startTestServers();
  try {
    const atLimit = await httpsRequest<{ response: { uid: string } }>({
      port: servers.webhookPort, path: '/validate', method: 'POST', body: reviewOfSize(BODY_LIMIT_BYTES, 'at-limit'),
      headers: { 'content-type': 'application/json' }, ca: servers.ca,
    });
    assert.equal(atLimit.status, 200, atLimit.text.slice(0, 200));
    assert.equal(atLimit.body.response.uid, 'at-limit');

    const over = await httpsRequest<{ error: string }>({
      port: servers.webhookPort, path: '/validate', method: 'POST', body: reviewOfSize(BODY_LIMIT_BYTES + 1, 'over'),
      headers: { 'content-type': 'application/json' }, ca: servers.ca,
    }).catch((err: Error) => ({ status: -1, body: { error: err.message }, text: '' }));
    // The server answers from the headers and closes; a client still writing may see the reset instead.
    if (over.status === -1) assert.match(over.body.error, /EPIPE|ECONNRESET|socket hang up/);
    else {
      assert.equal(over.status, 413);
      assert.match(over.body.error, new RegExp(`request body of ${BODY_LIMIT_BYTES + 1} bytes exceeds the limit of ${BODY_LIMIT_BYTES} bytes`));
    }
  } finally {
    await servers.close();
  }
});
