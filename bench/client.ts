// A keep-alive HTTPS client for the in-process measurements (cold admission, burst).
import { Agent, request } from 'node:https';

export interface Posted {
  status: number;
  body: { response?: { uid?: string; allowed?: boolean; warnings?: string[] } };
  elapsedMs: number;
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
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Posted['body'], elapsedMs: performance.now() - started }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}
