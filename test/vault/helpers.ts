// Shared helpers for the Vault tests: a service wired to a double, captured logs, JWT building.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { createVaultFacts, type VaultClientConfig, type VaultFactsService } from '../../src/vault/index.js';

export interface CapturedLogger {
  logger: Logger;
  text: () => string;
}

export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => lines.join('') };
}

export function makeService(config: VaultClientConfig, logger?: Logger, now?: () => number): { facts: VaultFactsService; registry: Registry } {
  const registry = new Registry();
  const facts = createVaultFacts(config, { logger: logger ?? pino({ level: 'silent' }), registry, ...(now ? { now } : {}) });
  return { facts, registry };
}

/** An unsigned-looking JWT with the given claims (the double does not verify signatures). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'test' })}.${part(claims)}.${Buffer.from('signature').toString('base64url')}`;
}

export function serviceAccountJwt(namespace: string, name: string, aud = 'https://kubernetes.default.svc.cluster.local'): string {
  const now = Math.floor(Date.now() / 1000);
  return fakeJwt({
    aud: [aud], exp: now + 3600, iat: now, iss: 'https://kubernetes.default.svc.cluster.local', sub: `system:serviceaccount:${namespace}:${name}`,
    'kubernetes.io': { namespace, serviceaccount: { name, uid: '11111111-2222-3333-4444-555555555555' } },
  });
}

export const inMs = (ms: number) => ({ deadlineAtMs: Date.now() + ms });
