// One HTTP connection pool per Vault server, on node-vault (axios underneath).
// node-vault forwards `timeout`, `httpAgent` and `httpsAgent` per request to axios, so each request
// gets a keep-alive agent (with the configured CA) and a timeout cut to the admission's deadline.
// Answers of every status come back as data; only transport failures are errors.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import nodeVault from 'node-vault';
import { VaultConfigError, type VaultServerConfig } from './config.js';

export interface VaultHttpRequest {
  method: 'GET' | 'POST';
  /** Path after `/v1/`, every segment already percent-encoded by buildVaultRequest (request-path.ts). */
  encodedPath: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  token?: string;
  namespace?: string;
  timeoutMs: number;
}

export type VaultHttpResult =
  | { kind: 'answer'; status: number; body: unknown }
  | { kind: 'timeout'; detail: string }
  | { kind: 'connection'; detail: string };

interface ApiResponseErrorLike {
  response?: { statusCode?: unknown; body?: unknown };
  code?: unknown;
  message?: unknown;
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new VaultConfigError(`cannot read the Vault CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export class VaultTransport {
  private readonly client: nodeVault.client;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(server: VaultServerConfig) {
    const ca = server.caFile ? readCaFile(server.caFile) : undefined;
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
    // A no-op `debug`: node-vault's debug output would print login bodies (JWTs, secret_ids).
    const noDebug = (() => undefined) as unknown as (...args: unknown[]) => void;
    this.client = nodeVault({ endpoint: server.address ?? server.url, apiVersion: 'v1', debug: noDebug } as nodeVault.VaultOptions);
    // node-vault otherwise picks up VAULT_TOKEN / VAULT_NAMESPACE from the environment.
    this.client.token = '';
    (this.client as unknown as { namespace: string }).namespace = '';
  }

  async send(req: VaultHttpRequest): Promise<VaultHttpResult> {
    const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
    const headers: Record<string, string> = { 'X-Vault-Request': 'true' };
    if (req.token) headers['X-Vault-Token'] = req.token;
    if (req.namespace) headers['X-Vault-Namespace'] = req.namespace;
    const timeoutMs = Math.max(1, Math.floor(req.timeoutMs));
    try {
      const options = { headers, timeout: timeoutMs, httpAgent: this.httpAgent, httpsAgent: this.httpsAgent } as unknown as nodeVault.Option;
      // node-vault's read/write with the path request-path.ts built (segments already encoded). Its
      // list() sends the LIST verb (or `?list=1`) and health()/tokenLookupSelf() build their own
      // paths and queries; the product sends LIST as `GET ?list=true` and every path from one
      // builder, so those helpers are not used and every request has the shape the recorded
      // exchanges in test/contract/ hold.
      const path = `${req.encodedPath}${query}`;
      const body: unknown = req.method === 'GET' ? await this.client.read(path, options) : await this.client.write(path, req.body, options);
      // node-vault resolves 200/204 and, for sys/health, every status (the health body tells).
      return { kind: 'answer', status: 200, body };
    } catch (err) {
      const e = err as ApiResponseErrorLike;
      if (e.response && typeof e.response.statusCode === 'number') {
        return { kind: 'answer', status: e.response.statusCode, body: e.response.body };
      }
      const code = typeof e.code === 'string' ? e.code : '';
      const message = typeof e.message === 'string' ? e.message : 'request failed';
      if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message)) {
        return { kind: 'timeout', detail: `no answer within ${timeoutMs} ms` };
      }
      // Only the code and message: axios errors carry the request config, headers and token.
      return { kind: 'connection', detail: code ? `${code}: ${message}` : message };
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
