// The configuration's TypeScript types are derived from its one JSON schema: these assertions fail
// to compile when the derivation (src/config/infer.ts) stops giving the shapes the code relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardConfig } from '../../src/config/types.js';
import { loadConfig } from '../../src/config/load.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <T extends true>(value: T): T => value;

test('the derived types: defaulted options present, others optional, enums and login methods as unions', () => {
  const checks = [
    holds<Equal<GuardConfig['server'], { port: number; metricsPort: number; host: string; drainMs: number }>>(true),
    holds<Equal<GuardConfig['tls'], { serviceName: string; namespace: string; extraDnsNames: string[]; certFile?: string; keyFile?: string; caFile?: string }>>(true),
    holds<Equal<GuardConfig['admission']['mode'], 'enforce' | 'warn' | 'audit'>>(true),
    holds<
      Equal<
        GuardConfig['vault']['servers'][number]['login'],
        | { method: 'kubernetes' | 'jwt'; mountPath: string; role: string; tokenFile: string }
        | { method: 'approle'; mountPath: string; roleId: string; secretIdFile: string }
        | { method: 'token'; tokenFile: string }
      >
    >(true),
    holds<Equal<GuardConfig['vault']['servers'][number]['address'], string | undefined>>(true),
    holds<Equal<GuardConfig['audit'], { enabled: boolean; intervalMs: number; objectsPerSecond: number; deadlineMsPerObject: number }>>(true),
  ];
  assert.ok(checks.every(Boolean));
  // And the values: what the types call present is there after loading nothing.
  const config = loadConfig({ env: {} });
  assert.equal(typeof config.vault.breaker.openMs, 'number');
  assert.equal(typeof config.kube.leaseRenewMs, 'number');
});
