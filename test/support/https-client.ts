// Small HTTPS/HTTP client for tests: one fresh connection per request (no keep-alive, no session
// reuse), the server certificate verified against the given CA, and the peer certificate returned
// so tests can see which certificate a new connection got.
import { request as httpsRequestRaw } from 'node:https';
import { request as httpRequestRaw, type IncomingHttpHeaders, type IncomingMessage, type ClientRequest } from 'node:http';
import type { PeerCertificate, SecureVersion, TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';

export interface ClientResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the response says it is JSON; otherwise the text. */
  body: T;
  text: string;
  peerCertificate?: PeerCertificate;
  /** performance.now() when the connection was ready (TLS handshake done) and when the response headers arrived. */
  timings: { connectedAtMs: number; responseAtMs: number };
}

export interface ClientRequestOptions {
  port: number;
  path: string;
  method?: string;
  host?: string;
  /** Object → JSON with Content-Type application/json unless headers say otherwise; string/Buffer sent as is. */
  body?: unknown;
  headers?: Record<string, string | number>;
  timeoutMs?: number;
}

export interface HttpsClientOptions extends ClientRequestOptions {
  /** PEM CA the server certificate must chain to; omit with `insecure` (like curl -k). */
  ca?: string;
  insecure?: boolean;
  servername?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
}

function encodeBody(options: ClientRequestOptions): { payload?: Buffer; headers: Record<string, string | number> } {
  const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
  const has = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (options.body === undefined) return { headers };
  let payload: Buffer;
  if (Buffer.isBuffer(options.body)) payload = options.body;
  else if (typeof options.body === 'string') payload = Buffer.from(options.body, 'utf8');
  else {
    payload = Buffer.from(JSON.stringify(options.body), 'utf8');
    if (!has('content-type')) headers['content-type'] = 'application/json';
  }
  // With Transfer-Encoding: chunked the body goes without a length, as a streaming client would send it.
  if (!has('content-length') && !has('transfer-encoding')) headers['content-length'] = payload.length;
  return { payload, headers };
}

function collect<T>(req: ClientRequest, timeoutMs: number, payload: Buffer | undefined): Promise<ClientResponse<T>> {
  return new Promise((resolve, reject) => {
    let connectedAtMs = performance.now();
    req.on('socket', (socket) => {
      socket.once(typeof (socket as TLSSocket).getPeerCertificate === 'function' ? 'secureConnect' : 'connect', () => {
        connectedAtMs = performance.now();
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const responseAtMs = performance.now();
      const chunks: Buffer[] = [];
      const socket = res.socket as TLSSocket;
      const peerCertificate = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        if (String(res.headers['content-type'] ?? '').includes('json') && text !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: body as T,
          text,
          peerCertificate,
          timings: { connectedAtMs, responseAtMs },
        });
      });
    });
    req.end(payload);
  });
}

export function httpsRequest<T = unknown>(options: HttpsClientOptions): Promise<ClientResponse<T>> {
  const { payload, headers } = encodeBody(options);
  const req = httpsRequestRaw({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    path: options.path,
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ca: options.ca,
    servername: options.servername ?? 'localhost',
    rejectUnauthorized: options.insecure !== true,
    minVersion: options.minVersion,
    maxVersion: options.maxVersion,
    agent: false,
  });
  return collect<T>(req, options.timeoutMs ?? 10_000, payload);
}

export function httpRequest<T = unknown>(options: ClientRequestOptions): Promise<ClientResponse<T>> {
  const { payload, headers } = encodeBody(options);
  const req = httpRequestRaw({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    path: options.path,
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    agent: false,
  });
  return collect<T>(req, options.timeoutMs ?? 10_000, payload);
}

/** The AdmissionReview answer shape, loosely typed for assertions. */
export interface AdmissionReviewAnswer {
  apiVersion: string;
  kind: string;
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; message: string };
    warnings?: string[];
    patchType?: string;
    patch?: string;
  };
}

export function postAdmission(
  port: number,
  path: '/validate' | '/mutate',
  review: unknown,
  ca: string,
): Promise<ClientResponse<AdmissionReviewAnswer>> {
  return httpsRequest<AdmissionReviewAnswer>({ port, path, method: 'POST', body: review, ca });
}
