// The trust decision `explain --offline` can show without a network: the CA set ESO will use (or
// why ESO rejects it) and the host the certificate must name. The verdict on the chain Vault
// presents needs a handshake: `check` and the webhook make it.
import type { StoreModel, VaultProviderModel } from './model.js';
import { describeCertificate, planTrust } from './tls-trust.js';

export interface TrustExplain {
  source: 'caBundle' | 'caProvider' | 'system';
  /** Host the leaf's SANs must name. */
  host: string;
  /** CAs ESO will trust (caBundle only; caProvider contents live in the cluster). */
  cas: { subject: string; fingerprint256: string; validTo: string }[];
  /** ESO's error when it cannot build the CA set. */
  problem: string | null;
  /** Human-readable lines for the text format. */
  lines: string[];
}

export function explainTrust(store: StoreModel, vault: VaultProviderModel): TrustExplain | undefined {
  const plan = planTrust(store, vault);
  if (!plan) return undefined;
  const hostLine = `the certificate must name "${plan.host}" in its SANs (Go ignores the Common Name)`;
  const verdict = 'whether Vault\'s chain verifies against it is decided by `check` (it connects)';
  const ca = plan.ca;
  if (ca.source === 'system') {
    return {
      source: 'system', host: plan.host, cas: [], problem: null,
      lines: ["no caBundle/caProvider: ESO trusts the system roots of its image (public CAs only)", hostLine, verdict],
    };
  }
  if (ca.source === 'caBundle') {
    if (!ca.bundle.ok) {
      return { source: 'caBundle', host: plan.host, cas: [], problem: ca.bundle.message, lines: [`caBundle is unusable: ${ca.bundle.message}`] };
    }
    const cas = ca.bundle.certificates.map(({ cert }) => ({ subject: cert.subject.split('\n').join(', '), fingerprint256: cert.fingerprint256, validTo: new Date(cert.validTo).toISOString() }));
    return {
      source: 'caBundle', host: plan.host, cas, problem: null,
      lines: [
        `caBundle only (system roots are not used): ${ca.bundle.certificates.map(({ cert }) => `${describeCertificate(cert)} until ${new Date(cert.validTo).toISOString()}`).join('; ')}`,
        hostLine, verdict,
      ],
    };
  }
  const p = ca.provider;
  if (p.rejected) return { source: 'caProvider', host: plan.host, cas: [], problem: p.rejected, lines: [`caProvider is rejected by ESO: "${p.rejected}"`] };
  return {
    source: 'caProvider', host: plan.host, cas: [], problem: null,
    lines: [`caProvider only (system roots are not used): the PEM under key "${p.key}" of ${p.type} ${p.namespace ?? ''}/${p.name}`, hostLine, verdict],
  };
}
