// The suite's TLS scenario (test/e2e/scenarios/tls-trust/): OpenBao itself serves TLS on a second
// listener of its dev server, with a certificate the suite issues from its own test CA, so that ESO
// meets a real Vault certificate and ESO's (Go's) own x509 verdicts judge the webhook's
// VaultCertificateNotTrusted / VaultCertificateHostMismatch / CAExpiring.
//
// - CA "e2e-tls-ca-a" issues the listener's certificate, valid for vault-tls.e2e.internal and
//   localhost only (no IP SAN); CA "e2e-tls-ca-b" issued nothing here (the wrong CA); CA-A is also
//   re-issued with the same key and a validity that ends in 5 days (a CA about to expire).
// - ESO reaches https://vault-tls.e2e.internal:8200 through the run's CONNECT proxy, which relays
//   the bytes to the TLS listener (no TLS of its own), and https://127.0.0.1:<port> directly: that
//   name is not in the certificate (Go: "cannot validate certificate for 127.0.0.1 because it
//   doesn't contain any IP SANs").
// - A third listener speaks plain HTTP (http://127.0.0.1:<plainPort>): ESO syncs through it, the
//   webhook warns InsecureVaultAddress and still checks everything else.
// - The webhook is configured as an operator would: vault-tls.e2e.internal at address
//   https://localhost:<port> with caFile CA-A; https://127.0.0.1:<port> and the plain listener as themselves.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { servingPair, testCa } from '../support/test-certificates.js';
import { freePort } from './processes.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TLS_HOST = 'vault-tls.e2e.internal';
const DAY_MS = 24 * 3600_000;

/** What a scenario adds to the run of an example folder. */
export interface ScenarioSetup {
  /** Extra arguments of `bao server -dev` (listeners from a config file). */
  vaultArgs: string[];
  /** `${NAME}` placeholders in the scenario's manifests. */
  values: Record<string, string>;
  /** The webhook's vault.servers, given the token login the run made for it. */
  servers(login: Obj): Obj[];
  /** CONNECT routes relayed as bytes to a TLS listener: `host:port` → loopback port. */
  passthrough: { hostPort: string; port: number }[];
}

export async function setupTlsScenario(dir: string): Promise<ScenarioSetup> {
  const now = Date.now();
  const caA = await testCa('e2e-tls-ca-a', { notBeforeDate: new Date(now - DAY_MS), notAfterDate: new Date(now + 365 * DAY_MS) });
  const caB = await testCa('e2e-tls-ca-b', { notBeforeDate: new Date(now - DAY_MS), notAfterDate: new Date(now + 365 * DAY_MS) });
  const caAExpiring = await testCa('e2e-tls-ca-a', { sameKeyAs: caA, notBeforeDate: new Date(now - DAY_MS), notAfterDate: new Date(now + 5 * DAY_MS) });
  const leaf = await servingPair(caA, TLS_HOST, [{ type: 2, value: TLS_HOST }, { type: 2, value: 'localhost' }]);
  const port = await freePort();
  const plainPort = await freePort();
  const files = { cert: join(dir, 'vault-tls.crt'), key: join(dir, 'vault-tls.key'), caA: join(dir, 'vault-tls-ca-a.pem'), hcl: join(dir, 'vault-tls-listener.hcl') };
  writeFileSync(files.cert, leaf.cert);
  writeFileSync(files.key, leaf.key, { mode: 0o600 });
  writeFileSync(files.caA, caA.cert);
  writeFileSync(files.hcl, [
    `listener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_cert_file = "${files.cert}"\n  tls_key_file = "${files.key}"\n}\n`,
    `listener "tcp" {\n  address = "127.0.0.1:${plainPort}"\n  tls_disable = true\n}\n`,
  ].join(''));
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  return {
    vaultArgs: [`-config=${files.hcl}`],
    values: {
      TLS_PORT: String(port),
      PLAIN_PORT: String(plainPort),
      CA_A_B64: b64(caA.cert),
      CA_B_B64: b64(caB.cert),
      CA_A_EXPIRING_B64: b64(caAExpiring.cert),
      CA_A_PEM: caA.cert,
      CA_B_PEM: caB.cert,
    },
    servers: (login) => [
      { url: `https://${TLS_HOST}:8200`, address: `https://localhost:${port}`, caFile: files.caA, login },
      { url: `https://127.0.0.1:${port}`, caFile: files.caA, login },
      { url: `http://127.0.0.1:${plainPort}`, login },
    ],
    passthrough: [{ hostPort: `${TLS_HOST}:8200`, port }],
  };
}

/** Replaces `${NAME}` in every string of the parsed manifests. */
export function fillPlaceholders<T>(value: T, values: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(/\$\{([A-Z0-9_]+)\}/g, (m, name: string) => values[name] ?? m) as T;
  if (Array.isArray(value)) return value.map((v) => fillPlaceholders(v, values)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, values)])) as T;
  return value;
}
