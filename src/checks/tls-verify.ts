// Go's crypto/x509 verification as ESO's Vault client (net/http, crypto/tls) applies it, on Node's
// X509Certificate: validity of the leaf, hostname against the SANs (no Common Name fallback), then
// a chain from the leaf through the presented intermediates to one of the roots. Error texts are
// Go's (x509.HostnameError, UnknownAuthorityError, CertificateInvalidError), so authors can match
// them with what ESO's store status will say. Pure: the clock is an argument.
import { isIP } from 'node:net';
import type { X509Certificate } from 'node:crypto';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EKU = '2.5.29.37.0';
const MAX_DEPTH = 10;

/** Go's time.RFC3339 in UTC. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** x509.CertificateInvalidError{Reason: Expired}, or undefined when `cert` is valid at `now`. */
export function validityError(cert: X509Certificate, now: Date): string | undefined {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is before ${rfc3339(from)}`;
  if (now > to) return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is after ${rfc3339(to)}`;
  return undefined;
}

/** SAN entries of one type from Node's `subjectAltName` text (`DNS:a, IP Address:1.2.3.4`). */
function sans(cert: X509Certificate, prefix: 'DNS:' | 'IP Address:'): string[] {
  const text = cert.subjectAltName;
  if (!text) return [];
  return text
    .split(/,\s*/)
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .filter((s) => s.startsWith(prefix))
    .map((s) => s.slice(prefix.length));
}

function commonName(cert: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
}

/** x509.Certificate.VerifyHostname: undefined when `host` matches, else Go's HostnameError text. */
export function hostnameError(leaf: X509Certificate, host: string): string | undefined {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h) !== 0) {
    if (leaf.checkIP(h) !== undefined) return undefined;
    const ips = sans(leaf, 'IP Address:');
    if (ips.length === 0) return `x509: cannot validate certificate for ${h} because it doesn't contain any IP SANs`;
    return `x509: certificate is valid for ${ips.join(', ')}, not ${h}`;
  }
  const name = h.toLowerCase().replace(/\.$/, '');
  // Go matches SAN DNS names only, a `*` only as the whole leftmost label.
  if (leaf.checkHost(name, { subject: 'never', wildcards: true, partialWildcards: false, multiLabelWildcards: false, singleLabelSubdomains: false }) !== undefined) {
    return undefined;
  }
  const dns = sans(leaf, 'DNS:');
  if (leaf.subjectAltName === undefined && commonName(leaf)?.toLowerCase() === name) {
    return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  }
  if (dns.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${h}`;
  return `x509: certificate is valid for ${dns.join(', ')}, not ${h}`;
}

/** Go names a candidate authority by CommonName, else first Organization, else serial. */
function candidateName(cert: X509Certificate): string {
  const cn = commonName(cert);
  if (cn) return cn;
  const o = /(?:^|\n)O=([^\n]*)/.exec(cert.subject)?.[1];
  return o ?? `serial:${BigInt(`0x${cert.serialNumber}`).toString()}`;
}

export type ChainVerdict =
  | { ok: true; chain: X509Certificate[] }
  | {
      ok: false;
      /** Go's error text. */
      error: string;
      /** The certificate at the top of what the server presented (the CA to trust is its issuer, or itself when self-signed). */
      top: X509Certificate;
    };

/** Parent `p` of `c` as Go's CheckSignatureFrom sees it (name/key-id match and a valid signature). */
function signatureProblem(c: X509Certificate, p: X509Certificate): string | undefined {
  if (!c.checkIssued(p)) return 'not issuer';
  try {
    return c.verify(p.publicKey) ? undefined : 'x509: ECDSA verification failure';
  } catch {
    return 'x509: cannot verify signature';
  }
}

/**
 * x509.Certificate.Verify with Roots = `roots` and Intermediates = the rest of `presented`
 * (KeyUsages ServerAuth, the default of crypto/tls). Hostname is checked separately.
 */
export function verifyChain(presented: readonly X509Certificate[], roots: readonly X509Certificate[], now: Date): ChainVerdict {
  const leaf = presented[0];
  if (!leaf) throw new Error('verifyChain needs the leaf certificate');
  const top = presented[presented.length - 1] ?? leaf;
  const expired = validityError(leaf, now);
  if (expired) return { ok: false, error: expired, top };
  const intermediates = presented.slice(1);
  let hint: { error: string; cert: X509Certificate } | undefined;

  const build = (chain: X509Certificate[]): X509Certificate[] | undefined => {
    const c = chain[chain.length - 1] as X509Certificate;
    if (chain.length > MAX_DEPTH) return undefined;
    const consider = (candidate: X509Certificate, isRoot: boolean): X509Certificate[] | undefined => {
      if (chain.some((x) => x.fingerprint256 === candidate.fingerprint256)) return undefined;
      const sig = signatureProblem(c, candidate);
      if (sig === 'not issuer') return undefined;
      const problem = sig ?? validityError(candidate, now);
      if (problem) {
        hint ??= { error: problem, cert: candidate };
        return undefined;
      }
      return isRoot ? [...chain, candidate] : build([...chain, candidate]);
    };
    for (const r of roots) {
      const found = consider(r, true);
      if (found) return found;
    }
    for (const i of intermediates) {
      const found = consider(i, false);
      if (found) return found;
    }
    return undefined;
  };

  const chain = roots.some((r) => r.fingerprint256 === leaf.fingerprint256) ? [leaf] : build([leaf]);
  if (!chain) {
    const base = 'x509: certificate signed by unknown authority';
    const h = hint as { error: string; cert: X509Certificate } | undefined;
    return {
      ok: false,
      error: h ? `${base} (possibly because of ${JSON.stringify(h.error)} while trying to verify candidate authority certificate ${JSON.stringify(candidateName(h.cert))})` : base,
      top,
    };
  }
  const eku = leaf.keyUsage;
  if (Array.isArray(eku) && eku.length > 0 && !eku.includes(SERVER_AUTH) && !eku.includes(ANY_EKU)) {
    return { ok: false, error: 'x509: certificate specifies an incompatible key usage', top };
  }
  return { ok: true, chain };
}

/** True when `issuer` issued and signed `cert`. */
export function isIssuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return signatureProblem(cert, issuer) === undefined;
}

/** True when `cert` signed itself (a root the server sent along). */
export function isSelfSigned(cert: X509Certificate): boolean {
  return signatureProblem(cert, cert) === undefined;
}
