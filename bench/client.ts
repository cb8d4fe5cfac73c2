// A keep-alive HTTPS client for the in-process measurements (cold admission, burst).
import { Agent, request } from 'node:https';

export interface Posted {
  status: number;
  body: { kind?: string; response?: { uid?: string; allowed?: boolean; warnings?: string[] } };
  elapsedMs: number;
}

function parseBody(text: string): Posted['body'] {
  try {
    return JSON.parse(text) as Posted['body'];
  } catch {
    return {}; // not JSON: the callers' checks (kind, uid) then fail
  }
}

export function createAgent(caPem: string, maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, ca: caPem, servername: 'localhost' });
}

export function postReview(agent: Agent, port: number, review: unknown, timeoutMs = 10_000): Promise<Posted> {
  const payload = Buffer.from(JSON.stringify(review));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/validate', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')), elapsedMs: performance.now() - started }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}
