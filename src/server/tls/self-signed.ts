// A CA and a serving certificate generated at start, for clusters without cert-manager and for
// local runs. The CA stays available so the caBundle of the webhook configurations can be set.
import { generate } from 'selfsigned';
import type { TlsSource } from './source.js';

export interface SelfSignedTlsOptions {
  serviceName: string;
  namespace: string;
  extraDnsNames?: string[];
  /** Also valid for localhost and 127.0.0.1 (default true) so a local run can be called directly. */
  includeLocalhost?: boolean;
  validityDays?: number;
}

/** The names the API server may use for the Service, shortest first. */
export function serviceDnsNames(serviceName: string, namespace: string): string[] {
  return [serviceName, `${serviceName}.${namespace}`, `${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function selfSignedTlsSource(options: SelfSignedTlsOptions): Promise<TlsSource> {
  const now = new Date();
  const validityDays = options.validityDays ?? 365;
  const dnsNames = [
    ...new Set([
      ...serviceDnsNames(options.serviceName, options.namespace),
      ...(options.extraDnsNames ?? []),
      ...(options.includeLocalhost === false ? [] : ['localhost']),
    ]),
  ];
  const ips = options.includeLocalhost === false ? [] : ['127.0.0.1', '::1'];

  // EC P-256: generated in milliseconds, and the API server accepts ECDSA serving certificates.
  const ca = await generate([{ name: 'commonName', value: `${options.serviceName}-ca` }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 10 * validityDays * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const serving = await generate([{ name: 'commonName', value: `${options.serviceName}.${options.namespace}.svc` }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + validityDays * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      // ECDSA keys sign; keyEncipherment applies to RSA only.
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  const material = { key: serving.private, cert: serving.cert, ca: ca.cert };
  return {
    current: () => material,
    onChange: () => {
      // Generated once; nothing changes for the life of the process.
    },
    close: () => {},
  };
}
