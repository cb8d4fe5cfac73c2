// One recorded Kubernetes step sent over HTTPS, as the recorder sends it to the real API server and
// the replay sends it to the double: the same request, and a WATCH answer read as its event lines.
import { request as httpsRequest } from 'node:https';
import type { ContractStep } from './shape.js';

export interface KubeTarget {
  url: string;
  caPem: string;
  token: string;
}

export interface KubeAnswer {
  status: number;
  contentType?: string;
  body: unknown;
}

export function kubeRequest(target: KubeTarget, step: ContractStep): Promise<KubeAnswer> {
  const qs = step.query ? `?${new URLSearchParams(step.query).toString()}` : '';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${target.url}${step.path}${qs}`, {
      method: step.method, ca: target.caPem,
      headers: { authorization: `Bearer ${target.token}`, accept: 'application/json', ...(step.body ? { 'content-type': step.contentType ?? 'application/json' } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const contentType = res.headers['content-type']?.split(';')[0];
        // A path the API server does not serve (a CRD's group/version not yet in discovery) answers
        // a plain-text "404 page not found": kept as text, so a double answering JSON there differs.
        const parse = (t: string): unknown => (contentType === 'text/plain' ? t : JSON.parse(t));
        const body = step.watchLines !== undefined && res.statusCode === 200 ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown) : text ? parse(text) : null;
        resolve({ status: res.statusCode ?? 0, ...(contentType ? { contentType } : {}), body });
      });
    });
    req.on('error', reject);
    if (step.body) req.write(JSON.stringify(step.body));
    req.end();
  });
}
