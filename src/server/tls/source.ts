// Where the webhook's serving certificate comes from. The server asks `current()` when it starts
// and again after each `onChange`, so new connections get a new certificate without a restart.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';

export interface TlsMaterial {
  /** PEM private key. */
  key: string;
  /** PEM certificate chain, serving certificate first. */
  cert: string;
  /** PEM CA that signed it, for the webhook configuration's caBundle (when known). */
  ca?: string;
}

export interface TlsSource {
  current(): TlsMaterial;
  onChange(cb: () => void): void;
  close(): void;
}

/** TLS 1.0/1.1 are refused; the API server speaks 1.2 and 1.3. */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

/**
 * TLS 1.3 suites (all AEAD) first, then TLS 1.2 ECDHE with AEAD only: no CBC/SHA-1, no static-RSA
 * key exchange (no forward secrecy). RSA and ECDSA certificates both keep working.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface SecureContextSettings {
  key: string;
  cert: string;
  minVersion: typeof TLS_MIN_VERSION;
  ciphers: string;
  honorCipherOrder: boolean;
}

export function secureContextOptions(material: TlsMaterial): SecureContextSettings {
  // The highest version both sides speak is negotiated, so TLS 1.3 wins whenever the client has it.
  return { key: material.key, cert: material.cert, minVersion: TLS_MIN_VERSION, ciphers: TLS_CIPHERS, honorCipherOrder: true };
}

export interface CertificateSummary {
  serialNumber: string;
  fingerprint256: string;
  subject: string;
  validTo: string;
}

/**
 * Throws with a sentence saying what is wrong unless `cert` parses, `key` parses and is the
 * certificate's key, and Node accepts the pair for a TLS context.
 */
export function checkKeyPair(material: TlsMaterial, names: { certFrom: string; keyFrom: string }): CertificateSummary {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(material.cert);
  } catch (err) {
    throw new Error(`${names.certFrom} does not hold a PEM certificate: ${(err as Error).message}`);
  }
  let key;
  try {
    key = createPrivateKey(material.key);
  } catch (err) {
    throw new Error(`${names.keyFrom} does not hold a PEM private key: ${(err as Error).message}`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new Error(`the private key in ${names.keyFrom} does not belong to the certificate in ${names.certFrom}`);
  }
  try {
    createSecureContext(secureContextOptions(material));
  } catch (err) {
    throw new Error(`${names.certFrom} and ${names.keyFrom} cannot be used for TLS: ${(err as Error).message}`);
  }
  return {
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
    subject: certificate.subject.replace(/\n/g, ', '),
    validTo: certificate.validTo,
  };
}
