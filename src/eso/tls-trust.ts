// The CA set ESO v2.9.0 builds for a Vault store (providers/v1/vault/client.go newConfig and
// runtime/esutils FetchCACertFromSource): a non-empty caBundle wins, else caProvider (ConfigMap or
// Secret, namespace rules by store kind), else no RootCAs at all = the system roots of ESO's image.
// Pure: decoding and PEM parsing only; which certificate a server presents is a Vault fact.
import { X509Certificate } from 'node:crypto';
import type { StoreModel, VaultProviderModel } from './model.js';

/** ESO's errors, verbatim (runtime/esutils/utils.go, resolvers/secret_ref.go, providers/v1/vault). */
export const ESO_TLS_ERRORS = {
  namespaceNotAllowed: 'namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore',
  missingNamespace: 'missing namespace on caProvider secret',
  notPem: 'failed to decode ca bundle: failed to parse the new certificate, not valid pem data',
  noCertInPool: 'cannot set Vault CA certificate: failed to parse certificates from CertPool',
} as const;

export type CaProviderType = 'ConfigMap' | 'Secret';

export interface CaProviderPlan {
  type: CaProviderType;
  name: string;
  /** `key` as written; ESO reads `data[key]` (an omitted key reads "" and fails). */
  key: string;
  /** Namespace ESO reads from; undefined when ESO rejects the reference before reading. */
  namespace?: string;
  /** ESO's rejection of the reference itself (namespace rules, unsupported type), in ESO's words. */
  rejected?: string;
}

/** Where ESO's CA set for the store comes from. */
export type CaSourcePlan =
  | { source: 'system'; field: string }
  | { source: 'caBundle'; field: string; bundle: CaBundleDecode }
  | { source: 'caProvider'; field: string; provider: CaProviderPlan };

export interface TrustPlan {
  /** `https:` servers only; other schemes are not TLS (InsecureVaultAddress covers http). */
  server: string;
  /** Host ESO verifies the certificate for (URL hostname, brackets removed for IPv6). */
  host: string;
  /** `host:port` ESO dials (port 443 when the URL has none). */
  hostPort: string;
  ca: CaSourcePlan;
  /** `tls.certSecretRef`/`keySecretRef` are set: ESO presents a client certificate (mTLS). */
  clientCertificate: boolean;
}

/** A parsed certificate with what messages may show (never anything private). */
export interface CaCertificate {
  cert: X509Certificate;
  pem: string;
}

export type CaBundleDecode =
  | { ok: true; certificates: CaCertificate[] }
  | { ok: false; reason: 'pem-pasted' | 'not-base64' | 'not-pem' | 'no-certificate'; message: string };

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every PEM block of `text` in order: type and DER bytes (body base64 as Go's encoding/pem reads it). */
function pemBlocks(text: string): { type: string; der: Buffer }[] {
  const out: { type: string; der: Buffer }[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    // Go's pem.Decode skips RFC 1421 headers (lines with ':') before the base64 body.
    const body = (m[2] ?? '').split(/\r?\n/).filter((l) => !l.includes(':')).join('').replace(/\s+/g, '');
    out.push({ type: m[1] ?? '', der: Buffer.from(body, 'base64') });
  }
  return out;
}

function parseCertificate(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/** Go's x509.CertPool.AppendCertsFromPEM: every CERTIFICATE block that parses. */
export function certificatesFromPem(text: string): CaCertificate[] {
  const out: CaCertificate[] = [];
  for (const b of pemBlocks(text)) {
    if (b.type !== 'CERTIFICATE') continue;
    const cert = parseCertificate(b.der);
    if (cert) out.push({ cert, pem: cert.toString() });
  }
  return out;
}

/** esutils parseCertificateBytes: the first PEM block (of any type) must be an X.509 certificate. */
function firstBlockIsCertificate(text: string): boolean {
  const first = pemBlocks(text)[0];
  return first !== undefined && parseCertificate(first.der) !== undefined;
}

/** Strict standard base64 as the API server checks `format: byte` (line breaks tolerated). */
function decodeStdBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** ESO's decoding.Decode(Auto): base64 (standard, then URL alphabet), else the bytes as they are. */
function decodeAuto(text: string): string {
  const std = decodeStdBase64(text);
  if (std) return std.toString('latin1');
  const compact = text.replace(/[\r\n]/g, '');
  if (/^[A-Za-z0-9_-]*={0,2}$/.test(compact) && compact.length > 0) return Buffer.from(compact, 'base64url').toString('latin1');
  return text;
}

/**
 * `spec.provider.vault.caBundle` as the manifest carries it (base64 of the CRD's []byte), decoded as
 * the API server and then esutils.base64decode do: PEM after one decoding, or after a second one
 * (a bundle base64-encoded twice also works), then every certificate block of it.
 */
export function decodeCaBundle(value: string, field: string): CaBundleDecode {
  const bytes = decodeStdBase64(value);
  if (!bytes) {
    const pasted = value.includes('-----BEGIN');
    return {
      ok: false,
      reason: pasted ? 'pem-pasted' : 'not-base64',
      message: `the API server rejects it: "${field} in body must be of type byte"`,
    };
  }
  let text = bytes.toString('latin1');
  if (!firstBlockIsCertificate(text)) {
    text = decodeAuto(text);
    if (!firstBlockIsCertificate(text)) return { ok: false, reason: 'not-pem', message: ESO_TLS_ERRORS.notPem };
  }
  const certificates = certificatesFromPem(text);
  if (certificates.length === 0) return { ok: false, reason: 'no-certificate', message: ESO_TLS_ERRORS.noCertInPool };
  return { ok: true, certificates };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** esutils FetchCACertFromSource's namespace rules for the store's kind. */
export function planCaProvider(store: StoreModel, raw: Record<string, unknown>): CaProviderPlan {
  const type = str(raw['type']);
  const name = str(raw['name']) ?? '';
  const key = str(raw['key']) ?? '';
  const ns = str(raw['namespace']);
  const plan = { type: type === 'Secret' ? ('Secret' as const) : ('ConfigMap' as const), name, key };
  if (type !== 'Secret' && type !== 'ConfigMap') return { ...plan, rejected: `unsupported CA provider type: ${type ?? ''}` };
  if (store.kind === 'ClusterSecretStore') {
    return ns === undefined ? { ...plan, rejected: ESO_TLS_ERRORS.missingNamespace } : { ...plan, namespace: ns };
  }
  const storeNamespace = store.namespace ?? 'default';
  if (ns !== undefined && ns !== storeNamespace) return { ...plan, rejected: ESO_TLS_ERRORS.namespaceNotAllowed };
  return { ...plan, namespace: storeNamespace };
}

function hostAndPort(server: string): { host: string; hostPort: string } | undefined {
  let url: URL;
  try {
    url = new URL(server.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.hostname === '') return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, hostPort: `${url.hostname}:${url.port || '443'}` };
}

/** The trust ESO will apply to the store's server; undefined for non-https servers. */
export function planTrust(store: StoreModel, vault: VaultProviderModel, field = 'spec.provider.vault'): TrustPlan | undefined {
  const target = hostAndPort(vault.server);
  if (!target) return undefined;
  const tls = vault.tls ?? {};
  const clientCertificate = tls['certSecretRef'] !== undefined && tls['keySecretRef'] !== undefined;
  let ca: CaSourcePlan;
  // client.go: `len(CABundle) != 0 || CAProvider != nil`, and FetchCACertFromSource prefers caBundle.
  if (vault.caBundle !== undefined && vault.caBundle !== '') {
    ca = { source: 'caBundle', field: `${field}.caBundle`, bundle: decodeCaBundle(vault.caBundle, `${field}.caBundle`) };
  } else if (vault.caProvider) {
    ca = { source: 'caProvider', field: `${field}.caProvider`, provider: planCaProvider(store, vault.caProvider) };
  } else {
    ca = { source: 'system', field: `${field}.server` };
  }
  return { server: vault.server, ...target, ca, clientCertificate };
}

/** First subject line worth naming (`CN=…`), for messages. */
export function subjectName(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}

/** One line naming a CA by subject and SHA-256 fingerprint (public data only). */
export function describeCertificate(cert: X509Certificate): string {
  return `"${subjectName(cert)}" (SHA-256 ${cert.fingerprint256})`;
}
