// ESO's TLS trust in a store's https:// Vault server: the CA set ESO builds (eso/tls-trust.ts),
// read from the cluster or files where it lives in a caProvider, against the chain the server
// presents to the webhook (a Vault fact). A chain the webhook cannot see as ESO would is
// "not verifiable", never a denial.
import { rootCertificates } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { certificatesFromPem, planTrust, type CaProviderPlan, type TrustPlan } from '../eso/tls-trust.js';
import type { StoreModel, VaultProviderModel } from '../eso/model.js';
import type { FactOptions, VaultFacts } from '../vault/facts.js';
import type { CaSourceLookup } from './ca-sources.js';
import type { Finding } from './finding.js';
import { hostnameError } from './tls-verify.js';
import {
  caExpiryFindings, caProviderNotFoundFinding, invalidCaBundleFinding, invalidCaProviderValueFinding, notVerifiableTrustFinding,
  rejectedCaProviderFinding, trustFindings, type ResolvedCaSet,
} from './rules/tls-trust.js';
import { storeLabel } from './store-access.js';

export interface TrustCheckEnv {
  facts: VaultFacts;
  opts: Omit<FactOptions, 'namespace'>;
  /** Where caProvider ConfigMaps/Secrets are read; absent = nowhere (caProvider not verifiable, silently). */
  caSources?: CaSourceLookup;
  /** Injected clock (epoch ms) for validity and expiry. */
  now?: () => number;
}

let systemRoots: X509Certificate[] | undefined;
/** ESO's image trusts its system roots; Node's bundled Mozilla roots stand in for them. */
function nodeRoots(): X509Certificate[] {
  systemRoots ??= rootCertificates.map((pem) => new X509Certificate(pem));
  return systemRoots;
}

// The server's chain and the webhook's CAs come from a cached fact (the same PEM text every
// admission): parsed once, not per admission. X509Certificate objects are immutable.
const parsedPem = new Map<string, X509Certificate>();
const PARSED_PEM_MAX = 512;
function certificateOf(pem: string): X509Certificate {
  let cert = parsedPem.get(pem);
  if (!cert) {
    cert = new X509Certificate(pem);
    if (parsedPem.size >= PARSED_PEM_MAX) parsedPem.clear();
    parsedPem.set(pem, cert);
  }
  return cert;
}

type CaOutcome = { set?: ResolvedCaSet; findings: Finding[] };

async function resolveCaProvider(store: StoreModel, field: string, p: CaProviderPlan, env: TrustCheckEnv, now: Date): Promise<CaOutcome> {
  if (p.rejected || p.namespace === undefined) return { findings: [rejectedCaProviderFinding(field, p)] };
  if (!env.caSources) return { findings: [] };
  const answer = await env.caSources.read(p.type, p.namespace, p.name, p.key, env.opts.deadlineAtMs);
  const where = `${p.type} ${p.namespace}/${p.name} key "${p.key}"`;
  switch (answer.status) {
    case 'not_found':
      return { findings: [caProviderNotFoundFinding(field, p, 'object')] };
    case 'not_verifiable':
      return { findings: [notVerifiableTrustFinding(field, storeLabel(store), `its caProvider cannot be read (${answer.reason})`)] };
    case 'unavailable':
      return { findings: [notVerifiableTrustFinding(field, storeLabel(store), `its caProvider could not be read (${answer.detail})`)] };
    case 'ok': {
      if (answer.value === undefined) return { findings: [caProviderNotFoundFinding(field, p, 'key')] };
      const cas = certificatesFromPem(answer.value);
      if (cas.length === 0) return { findings: [invalidCaProviderValueFinding(`${field}.key`, p, answer.value)] };
      return {
        set: { description: `the CA set in ${where}`, fixTarget: where, certificates: cas.map((c) => c.cert), system: false },
        findings: caExpiryFindings(field, where, cas, now),
      };
    }
  }
}

/**
 * The CA set ESO uses, or the findings that stop ESO before any handshake (expiry warnings ride
 * along), for the system roots and caBundle, known without a lookup; undefined for a caProvider.
 */
function ownCaSet(ca: Exclude<TrustPlan['ca'], { source: 'caProvider' }>, now: Date): CaOutcome {
  if (ca.source === 'system') {
    return {
      set: {
        description: "the system roots of ESO's image (Node's bundled Mozilla roots stand in for them)",
        fixTarget: 'spec.provider.vault.caBundle (base64 of its PEM) or a caProvider ConfigMap',
        certificates: nodeRoots(),
        system: true,
      },
      findings: [],
    };
  }
  if (!ca.bundle.ok) return { findings: [invalidCaBundleFinding(ca.field, ca.bundle)] };
  return {
    set: { description: 'the CA set in caBundle', fixTarget: 'spec.provider.vault.caBundle (base64 of the PEM)', certificates: ca.bundle.certificates.map((c) => c.cert), system: false },
    findings: caExpiryFindings(ca.field, 'caBundle', ca.bundle.certificates, now),
  };
}

// Store models are replaced, never changed (kube/store-lookup.ts): the plan (server URL parsed,
// caBundle decoded) is made once per model, not per admission.
const trustPlans = new WeakMap<StoreModel, TrustPlan | null>();
function trustPlanOf(store: StoreModel, vault: VaultProviderModel): TrustPlan | undefined {
  let plan = trustPlans.get(store);
  if (plan === undefined) trustPlans.set(store, (plan = planTrust(store, vault) ?? null));
  return plan ?? undefined;
}

const hostPorts = new Map<string, string | undefined>();

/** `host:port` of an URL, default port 443 for https (the few addresses of the configured servers, parsed once). */
function hostPortOf(address: string): string | undefined {
  if (hostPorts.has(address)) return hostPorts.get(address);
  if (hostPorts.size >= 1_000) hostPorts.clear();
  const hostPort = parseHostPort(address);
  hostPorts.set(address, hostPort);
  return hostPort;
}

function parseHostPort(address: string): string | undefined {
  try {
    const u = new URL(address);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`.toLowerCase();
  } catch {
    return undefined;
  }
}

export async function checkStoreTrust(store: StoreModel, env: TrustCheckEnv): Promise<Finding[]> {
  if (store.provider.type !== 'vault') return [];
  const plan = trustPlanOf(store, store.provider.vault);
  if (!plan) return [];
  const now = new Date((env.now ?? Date.now)());
  // System roots and caBundle need no lookup: then only the chain is waited for (no Promise.all and
  // no second async step per admission); a caProvider is read alongside the chain.
  const chainLookup = () => (env.facts.presentedChain && env.facts.isConfigured(plan.server) ? env.facts.presentedChain(plan.server, env.opts) : undefined);
  let ca: CaOutcome;
  let chainFact: Awaited<ReturnType<typeof chainLookup>>;
  if (plan.ca.source === 'caProvider') {
    [ca, chainFact] = await Promise.all([resolveCaProvider(store, plan.ca.field, plan.ca.provider, env, now), chainLookup()]);
  } else {
    ca = ownCaSet(plan.ca, now);
    const chain = chainLookup();
    chainFact = chain && (await chain);
  }
  const findings = [...ca.findings];
  if (!ca.set || !chainFact) return findings;
  const label = storeLabel(store);
  const caField = plan.ca.source === 'system' ? 'spec.provider.vault.server' : plan.ca.field;
  if (chainFact.status !== 'ok') {
    if (chainFact.status === 'not_configured') return findings;
    const why = chainFact.status === 'timeout' ? 'timed out' : chainFact.status === 'unavailable' ? chainFact.detail : chainFact.status;
    return [...findings, notVerifiableTrustFinding(caField, label, `the webhook's TLS handshake with the server did not complete (${why})`)];
  }
  const chain = chainFact.value;
  // The webhook talks plain HTTP to this server (a test double, an in-cluster HTTP listener): no certificate to judge.
  if (chain.plainHttp) return findings;
  const presented = chain.certificates.map(certificateOf);
  const leaf = presented[0];
  if (!leaf) return findings;
  const sameAddress = hostPortOf(chain.address) === plan.hostPort.toLowerCase();
  if (!sameAddress && hostnameError(leaf, plan.host)) {
    return [
      ...findings,
      notVerifiableTrustFinding(caField, label,
        `the webhook reaches ${plan.server} at its configured address ${chain.address}, which presents a certificate not valid for "${plan.host}"; ESO dials "${plan.host}" and may be given another certificate`),
    ];
  }
  const knownCas = [...chain.webhookCas.map(certificateOf), ...nodeRoots()];
  return [...findings, ...trustFindings({ store: label, plan, presented, caSet: ca.set, caField, now, knownCas, ...(sameAddress ? {} : { seenAt: chain.address }) })];
}
