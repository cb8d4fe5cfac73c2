// Certificates for TLS tests: a CA, serving pairs it signs for localhost/127.0.0.1, and the way
// cert-manager-like writers replace files (write aside, rename over: readers never see half a file).
import { renameSync, writeFileSync } from 'node:fs';
import { generate } from 'selfsigned';

export interface KeyPair {
  key: string;
  cert: string;
  /** Public key PEM (to re-issue a CA with the same key). */
  publicKey?: string;
}

export interface CaOptions {
  notBeforeDate?: Date;
  notAfterDate?: Date;
  /** Re-issue with this CA's key (same subject key, other validity). */
  sameKeyAs?: KeyPair;
  /** An intermediate CA signed by this CA instead of a self-signed root. */
  issuer?: KeyPair;
}

export async function testCa(commonName = 'test-ca', opts: CaOptions = {}): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ...(opts.notBeforeDate ? { notBeforeDate: opts.notBeforeDate } : {}),
    ...(opts.notAfterDate ? { notAfterDate: opts.notAfterDate } : {}),
    ...(opts.issuer ? { ca: { key: opts.issuer.key, cert: opts.issuer.cert } } : {}),
    ...(opts.sameKeyAs?.publicKey ? { keyPair: { privateKey: opts.sameKeyAs.key, publicKey: opts.sameKeyAs.publicKey } } : {}),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true },
    ],
  });
  return { key: pems.private, cert: pems.cert, publicKey: pems.public };
}

export type AltName = { type: 2; value: string } | { type: 7; ip: string };

export async function servingPair(
  ca: KeyPair,
  commonName: string,
  altNames: AltName[] = [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }],
): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.next`, text);
  renameSync(`${path}.next`, path);
}
