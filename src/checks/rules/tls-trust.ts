// Findings about ESO's TLS trust in the store's Vault server: the CA set ESO builds (caBundle,
// caProvider, or the system roots of its image) against the chain the server presents, in ESO's
// (Go's) words. Pure: certificates, plan and clock come in as arguments.
import type { X509Certificate } from 'node:crypto';
import { describeCertificate, ESO_TLS_ERRORS, subjectName, type CaBundleDecode, type CaCertificate, type CaProviderPlan, type TrustPlan } from '../../eso/tls-trust.js';
import type { Finding } from '../finding.js';
import { hostnameError, isIssuedBy, isSelfSigned, verifyChain } from '../tls-verify.js';
import { describeStore, type StoreLabel } from './describe.js';

export const CA_EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The CA set ESO will use, once known. */
export interface ResolvedCaSet {
  /** `caBundle`, `caProvider ConfigMap ns/name key "k"`, or the system roots. */
  description: string;
  /** Where the fix puts a CA. */
  fixTarget: string;
  certificates: X509Certificate[];
  /** True for the system roots (no expiry warnings; they are the image's business). */
  system: boolean;
}

const VERIFY_PREFIX = 'tls: failed to verify certificate: ';

export function invalidCaBundleFinding(field: string, decoded: Exclude<CaBundleDecode, { ok: true }>): Finding {
  switch (decoded.reason) {
    case 'pem-pasted':
      return {
        code: 'InvalidCABundle', severity: 'error', field,
        message: `caBundle holds PEM text where the CRD wants the base64 of the PEM bytes; ${decoded.message} (external-secrets#3978).`,
        hint: 'Put the output of `base64 -w0 ca.pem` here, or keep the PEM in a ConfigMap and name it in caProvider.',
      };
    case 'not-base64':
      return {
        code: 'InvalidCABundle', severity: 'error', field,
        message: `caBundle is not base64; ${decoded.message}.`,
        hint: 'Put the output of `base64 -w0 ca.pem` here.',
      };
    case 'not-pem':
      return {
        code: 'InvalidCABundle', severity: 'error', field,
        message: `caBundle decodes to something that is not a PEM certificate; ESO fails with "${decoded.message}".`,
        hint: 'caBundle is the base64 of a PEM file whose first block is -----BEGIN CERTIFICATE-----.',
      };
    case 'no-certificate':
      return {
        code: 'InvalidCABundle', severity: 'error', field,
        message: `caBundle holds no usable certificate; ESO fails with "${decoded.message}".`,
        hint: 'caBundle is the base64 of a PEM file with one or more -----BEGIN CERTIFICATE----- blocks.',
      };
  }
}

/** The text under a caProvider key is used as PEM as it is (no base64 step, unlike caBundle). */
export function invalidCaProviderValueFinding(field: string, provider: CaProviderPlan, value: string): Finding {
  const looksBase64 = /^[A-Za-z0-9+/=\s]+$/.test(value) && Buffer.from(value, 'base64').toString('latin1').includes('-----BEGIN');
  return {
    code: 'InvalidCABundle', severity: 'error', field,
    message: `${provider.type} ${provider.namespace ?? ''}/${provider.name} key "${provider.key}" holds no PEM certificate; ESO fails with "${ESO_TLS_ERRORS.noCertInPool}".`,
    hint: looksBase64
      ? 'The value is base64 of a PEM: caProvider wants the PEM text itself (only caBundle is base64).'
      : 'Store the CA certificate as PEM (-----BEGIN CERTIFICATE-----) under that key.',
  };
}

export function rejectedCaProviderFinding(field: string, provider: CaProviderPlan): Finding {
  const isNamespace = provider.rejected === ESO_TLS_ERRORS.missingNamespace || provider.rejected === ESO_TLS_ERRORS.namespaceNotAllowed;
  return {
    code: 'InvalidCAProvider', severity: 'error', field: isNamespace ? `${field}.namespace` : `${field}.type`,
    message: `ESO rejects this caProvider: "${provider.rejected ?? ''}".`,
    hint: provider.rejected === ESO_TLS_ERRORS.missingNamespace
      ? 'A ClusterSecretStore must name the namespace of its caProvider ConfigMap/Secret.'
      : provider.rejected === ESO_TLS_ERRORS.namespaceNotAllowed
        ? "Drop caProvider.namespace or set it to the SecretStore's own namespace."
        : 'Set caProvider.type to ConfigMap or Secret.',
  };
}

/** ESO's errors when the caProvider object or key is missing (esutils getCertFrom*, resolvers.SecretKeyRef). */
export function caProviderNotFoundFinding(field: string, p: CaProviderPlan, what: 'object' | 'key'): Finding {
  const ns = p.namespace ?? '';
  const eso = p.type === 'ConfigMap'
    ? what === 'object'
      ? `failed to get cert from configmap: failed to get caProvider secret ${p.name}: configmaps "${p.name}" not found`
      : `failed to get cert from configmap: failed to get caProvider configMap ${p.name} -> ${p.key}`
    : what === 'object'
      ? `failed to get cert from secret: failed to resolve secret key ref: cannot get Kubernetes secret "${p.name}" from namespace "${ns}": secrets "${p.name}" not found`
      : `failed to get cert from secret: failed to resolve secret key ref: cannot find secret data for key: "${p.key}"`;
  return {
    code: 'CAProviderNotFound', severity: 'error', field: what === 'key' ? `${field}.key` : `${field}.name`,
    message: what === 'object'
      ? `${p.type} ${ns}/${p.name} does not exist; ESO fails with "${eso}".`
      : `${p.type} ${ns}/${p.name} has no key "${p.key}"; ESO fails with "${eso}".`,
    hint: what === 'object'
      ? `Create the ${p.type} ${ns}/${p.name} with the CA PEM under "${p.key || 'ca.crt'}", or fix caProvider.name${p.type === 'ConfigMap' || p.namespace ? '/namespace' : ''}.`
      : `Put the CA PEM under "${p.key}" in ${p.type} ${ns}/${p.name}, or set caProvider.key to the key that holds it.`,
  };
}

export function notVerifiableTrustFinding(field: string, store: StoreLabel, why: string): Finding {
  return {
    code: 'NotVerifiable', severity: 'info', field,
    message: `ESO's TLS trust in the Vault server of ${describeStore(store)} is not checked: ${why}.`,
  };
}

/** Expired, or expiring within 14 days, CAs of caBundle/caProvider. */
export function caExpiryFindings(field: string, where: string, cas: readonly CaCertificate[], now: Date): Finding[] {
  const out: Finding[] = [];
  for (const { cert } of cas) {
    const to = new Date(cert.validTo);
    const left = remainingTime(to.getTime() - now.getTime());
    if (to.getTime() - now.getTime() > CA_EXPIRY_WARNING_DAYS * DAY_MS) continue;
    const expired = to <= now;
    out.push({
      code: 'CAExpiring', severity: 'warning', field,
      message: expired
        ? `The CA ${describeCertificate(cert)} in ${where} expired on ${to.toISOString().replace(/\.000Z$/, 'Z')}; Go no longer accepts it as a trust anchor.`
        : `The CA ${describeCertificate(cert)} in ${where} expires on ${to.toISOString().replace(/\.000Z$/, 'Z')} (in ${left}); after that ESO fails with "x509: certificate signed by unknown authority".`,
      hint: `Put the renewed CA certificate into ${where} ${expired ? 'now' : 'before it expires'} (both may stay side by side during the change).`,
    });
  }
  return out;
}

/** Time left, rounded to the nearest day (a CA issued for 5 days and checked a minute later is "5 days"), in hours under a day. */
function remainingTime(ms: number): string {
  if (ms < DAY_MS) {
    const hours = Math.max(1, Math.round(ms / 3_600_000));
    return `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  const days = Math.round(ms / DAY_MS);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/**
 * The CA a fix should name: the self-signed top of the presented chain; else its issuer found among
 * `known` (the webhook's own CA file for the server, public roots); else the issuer's name only.
 */
function caToTrust(top: X509Certificate, known: readonly X509Certificate[]): string {
  if (isSelfSigned(top)) return `the CA ${describeCertificate(top)}, which the server sends along`;
  const issuer = known.find((k) => isIssuedBy(top, k));
  if (issuer) return `the CA ${describeCertificate(issuer)} that issued "${subjectName(top)}"`;
  return `the CA "${top.issuer.split('\n').join(', ')}" that issued "${subjectName(top)}" (the server does not send it, so its fingerprint is not known here)`;
}

/** The chain the server presents against ESO's CA set, and the `server` host against the leaf. */
export function trustFindings(args: {
  store: StoreLabel;
  plan: TrustPlan;
  presented: readonly X509Certificate[];
  caSet: ResolvedCaSet;
  caField: string;
  now: Date;
  /** CAs that may have issued the chain's top (the webhook's own CA file for the server, public roots). */
  knownCas?: readonly X509Certificate[];
  /** Set when the chain was seen at the webhook's configured address rather than at the store's host. */
  seenAt?: string;
}): Finding[] {
  const { plan, presented, caSet, now } = args;
  const leaf = presented[0];
  if (!leaf) return [];
  const out: Finding[] = [];
  const hostError = hostnameError(leaf, plan.host);
  if (hostError) {
    out.push({
      code: 'VaultCertificateHostMismatch', severity: 'error', field: 'spec.provider.vault.server',
      message: `ESO checks Vault's certificate for the host of ${plan.server} and fails with "${VERIFY_PREFIX}${hostError}".`,
      hint: `Name a host the certificate is valid for in spec.provider.vault.server, or reissue Vault's certificate with "${plan.host}" in its subjectAltName.`,
    });
  }
  const verdict = verifyChain(presented, caSet.certificates, now);
  if (!verdict.ok) {
    out.push({
      code: 'VaultCertificateNotTrusted', severity: 'error', field: args.caField,
      message: `ESO's connection to ${plan.server} fails with "${VERIFY_PREFIX}${verdict.error}": the server's certificate ${describeCertificate(leaf)}, issued by "${leaf.issuer.split('\n').join(', ')}", does not chain to ${caSet.description}${args.seenAt ? ` (chain as presented at ${args.seenAt}, the webhook's address for this server)` : ''}.`,
      hint: verdict.error.startsWith('x509: certificate has expired')
        ? "Renew Vault's serving certificate: it is outside its validity period."
        : verdict.error.includes('incompatible key usage')
          ? "Reissue Vault's serving certificate with extended key usage serverAuth."
          : `Trust ${caToTrust(verdict.top, args.knownCas ?? [])}: put it into ${caSet.fixTarget}.`,
    });
  }
  return out;
}

/**
 * A store-level TLS/CA error as the author of an ExternalSecret using the store meets it: ESO builds
 * the store's client (CA set and all) before every sync, so every ExternalSecret of the store fails
 * ("could not get secret data from provider"). Same code, reported on the secretStoreRef; it repeats
 * only what the store's spec and public CA material say.
 */
export function storeTrustForReference(f: Finding, store: StoreLabel, reportField: string): Finding {
  return {
    code: f.code, severity: 'error', field: reportField,
    message: `ESO cannot build the Vault client of ${describeStore(store)} (its ${f.field}), so every ExternalSecret using it fails with "could not get secret data from provider": ${f.message}`,
    hint: `The store's owner must fix ${describeStore(store)}${f.hint ? `: ${f.hint}` : '.'}`,
  };
}
