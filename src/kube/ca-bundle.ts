// Self-signed TLS shared by every replica, and the caBundle of the webhook configurations.
//
// Replicas keep one CA and one serving certificate in a Secret of their own namespace: the first
// replica to create it wins (the others get 409 and read the winner's), and any replica renews the
// serving certificate before it expires with an update carrying the resourceVersion it read (a 409
// there means another replica renewed first). The CA outlives many serving certificates, so a
// renewal does not change the caBundle. With cert-manager none of this runs: cert files are
// mounted and cert-manager's CA injector fills the caBundle.
import { X509Certificate } from 'node:crypto';
import { AdmissionregistrationV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { generate } from 'selfsigned';
import { serviceDnsNames } from '../server/tls/self-signed.js';
import type { TlsMaterial, TlsSource } from '../server/tls/source.js';
import { describeError, httpStatusOf } from './errors.js';

export interface SharedCertificate {
  key: string;
  cert: string;
  ca: string;
}

export interface SharedCertificateOptions {
  namespace: string;
  /** The Secret holding tls.crt, tls.key, ca.crt and ca.key. */
  secretName: string;
  serviceName: string;
  extraDnsNames?: string[];
  /** Serving certificate lifetime; default 365 days. The CA lives ten times longer. */
  validityDays?: number;
  /** Renew when less than this remains; default 30 days. */
  renewBeforeMs?: number;
  logger: Logger;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The names the API server may use to call the Service. */
export function webhookDnsNames(serviceName: string, namespace: string, extra: string[] = []): string[] {
  return [...new Set([...serviceDnsNames(serviceName, namespace), ...extra])];
}

interface StoredMaterial extends SharedCertificate {
  caKey: string;
}

async function generateCa(serviceName: string, validityDays: number): Promise<{ cert: string; key: string }> {
  const now = new Date();
  const ca = await generate([{ name: 'commonName', value: `${serviceName}-ca` }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate: new Date(now.getTime() - 5 * 60_000),
    notAfterDate: new Date(now.getTime() + 10 * validityDays * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private };
}

async function generateServing(ca: { cert: string; key: string }, dnsNames: string[], validityDays: number): Promise<{ cert: string; key: string }> {
  const now = new Date();
  const serving = await generate([{ name: 'commonName', value: dnsNames[2] ?? dnsNames[0]! }], {
    keyType: 'ec', algorithm: 'sha256',
    // Backdated a little: the API server's clock may lag ours.
    notBeforeDate: new Date(now.getTime() - 5 * 60_000),
    notAfterDate: new Date(now.getTime() + validityDays * DAY_MS),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2 as const, value })) },
    ],
  });
  return { cert: serving.cert, key: serving.private };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

function fromSecret(secret: V1Secret): StoredMaterial | undefined {
  const d = secret.data ?? {};
  const m = { cert: unb64(d['tls.crt']), key: unb64(d['tls.key']), ca: unb64(d['ca.crt']), caKey: unb64(d['ca.key']) };
  return m.cert && m.key && m.ca && m.caKey ? m : undefined;
}

function toSecret(name: string, namespace: string, m: StoredMaterial, resourceVersion?: string): V1Secret {
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
    metadata: { name, namespace, resourceVersion, labels: { 'app.kubernetes.io/name': 'eso-vault-guard', 'app.kubernetes.io/component': 'webhook-tls' } },
    data: { 'tls.crt': b64(m.cert), 'tls.key': b64(m.key), 'ca.crt': b64(m.ca), 'ca.key': b64(m.caKey) },
  };
}

/** Why the stored material must be replaced, or undefined when it is good. */
function replacementReason(m: StoredMaterial, dnsNames: string[], renewBeforeMs: number): { reason: string; keepCa: boolean } | undefined {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(m.cert);
    ca = new X509Certificate(m.ca);
  } catch {
    return { reason: 'unreadable certificate', keepCa: false };
  }
  const now = Date.now();
  if (Date.parse(ca.validTo) - now < renewBeforeMs) return { reason: 'CA expires soon', keepCa: false };
  if (!cert.verify(ca.publicKey)) return { reason: 'serving certificate not signed by the stored CA', keepCa: false };
  if (Date.parse(cert.validTo) - now < renewBeforeMs) return { reason: 'serving certificate expires soon', keepCa: true };
  const sans = (cert.subjectAltName ?? '').split(',').map((s) => s.trim().replace(/^DNS:/, ''));
  if (!dnsNames.every((n) => sans.includes(n))) return { reason: 'serving certificate lacks a service DNS name', keepCa: true };
  return undefined;
}

function publicPart(m: StoredMaterial): SharedCertificate {
  return { key: m.key, cert: m.cert, ca: m.ca };
}

/**
 * Reads the shared certificate, creating it when absent and renewing it when due. Every replica
 * ends with the same material whatever the interleaving.
 */
export async function bootstrapSharedCertificate(kubeConfig: KubeConfig, opts: SharedCertificateOptions): Promise<SharedCertificate> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { namespace, secretName: name, logger } = opts;
  const validityDays = opts.validityDays ?? 365;
  const renewBeforeMs = opts.renewBeforeMs ?? 30 * DAY_MS;
  const dnsNames = webhookDnsNames(opts.serviceName, namespace, opts.extraDnsNames);

  for (let attempt = 0; attempt < 5; attempt++) {
    let existing: V1Secret | undefined;
    try {
      existing = await core.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err;
    }
    const stored = existing ? fromSecret(existing) : undefined;
    const why = stored ? replacementReason(stored, dnsNames, renewBeforeMs) : { reason: 'no certificate yet', keepCa: false };
    if (stored && !why) return publicPart(stored);

    const ca = stored && why?.keepCa ? { cert: stored.ca, key: stored.caKey } : await generateCa(opts.serviceName, validityDays);
    const serving = await generateServing(ca, dnsNames, validityDays);
    const next: StoredMaterial = { cert: serving.cert, key: serving.key, ca: ca.cert, caKey: ca.key };
    try {
      if (existing) {
        await core.replaceNamespacedSecret({ name, namespace, body: toSecret(name, namespace, next, existing.metadata?.resourceVersion) });
      } else {
        await core.createNamespacedSecret({ namespace, body: toSecret(name, namespace, next) });
      }
      logger.info({ secret: `${namespace}/${name}`, reason: why?.reason }, 'stored a new webhook serving certificate');
      return publicPart(next);
    } catch (err) {
      // 409: another replica created or renewed it first; read theirs on the next round.
      if (httpStatusOf(err) !== 409) throw err;
      logger.info({ secret: `${namespace}/${name}` }, 'another replica stored the certificate first; using theirs');
    }
  }
  throw new Error(`could not agree on the certificate in Secret ${namespace}/${name} after 5 attempts`);
}

export interface SharedCertificateWatcher {
  close(): void;
}

/**
 * Re-reads (and when due renews) the shared certificate every `pollMs` and calls `onChange` when it
 * differs from the last one seen. Polling one Secret keeps RBAC to get/create/update.
 */
export function watchSharedCertificate(
  kubeConfig: KubeConfig,
  opts: SharedCertificateOptions & { pollMs?: number; initial?: SharedCertificate },
  onChange: (material: SharedCertificate) => void,
): SharedCertificateWatcher {
  let last = opts.initial?.cert;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    bootstrapSharedCertificate(kubeConfig, opts)
      .then((m) => {
        if (m.cert !== last) {
          last = m.cert;
          onChange(m);
        }
      })
      .catch((err: unknown) => opts.logger.warn({ err: describeError(err) }, 'could not re-read the shared webhook certificate'))
      .finally(() => {
        busy = false;
      });
  }, opts.pollMs ?? 60_000);
  timer.unref();
  return { close: () => clearInterval(timer) };
}

/** The shared certificate as the server's TlsSource: bootstrap now, then follow changes. */
export async function sharedCertificateTlsSource(kubeConfig: KubeConfig, opts: SharedCertificateOptions & { pollMs?: number }): Promise<TlsSource> {
  let material: TlsMaterial = await bootstrapSharedCertificate(kubeConfig, opts);
  const listeners: (() => void)[] = [];
  const watcher = watchSharedCertificate(kubeConfig, { ...opts, initial: material as SharedCertificate }, (m) => {
    material = m;
    for (const cb of listeners) cb();
  });
  return {
    current: () => material,
    onChange: (cb) => listeners.push(cb),
    close: () => watcher.close(),
  };
}

export interface CaBundleInjectorOptions {
  validatingWebhookConfiguration?: string;
  mutatingWebhookConfiguration?: string;
  /** The PEM CA to put into every webhook entry (read at each check, so a new CA is picked up). */
  caPem: () => string;
  /** How often to check that nobody reset the caBundle (an Argo CD sync does); default 30 s. */
  checkIntervalMs?: number;
  logger: Logger;
}

export interface CaBundleInjector {
  /** Checks both configurations now and patches entries whose caBundle differs. */
  syncNow(): Promise<void>;
  close(): void;
}

/**
 * Keeps `clientConfig.caBundle` of every entry of the named webhook configurations equal to the CA.
 * Uses a JSON patch with a `test` of each entry's name, so a configuration reordered between read
 * and patch makes the patch fail (422) instead of writing to the wrong entry; the next check retries.
 */
export function startCaBundleInjector(kubeConfig: KubeConfig, opts: CaBundleInjectorOptions): CaBundleInjector {
  const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
  const targets: { kind: 'validating' | 'mutating'; name: string }[] = [];
  if (opts.validatingWebhookConfiguration) targets.push({ kind: 'validating', name: opts.validatingWebhookConfiguration });
  if (opts.mutatingWebhookConfiguration) targets.push({ kind: 'mutating', name: opts.mutatingWebhookConfiguration });

  async function syncOne(kind: 'validating' | 'mutating', name: string): Promise<void> {
    const wanted = b64(opts.caPem());
    const config = kind === 'validating' ? await api.readValidatingWebhookConfiguration({ name }) : await api.readMutatingWebhookConfiguration({ name });
    const ops: unknown[] = [];
    (config.webhooks ?? []).forEach((hook, i) => {
      if (hook.clientConfig?.caBundle === wanted) return;
      ops.push({ op: 'test', path: `/webhooks/${i}/name`, value: hook.name });
      ops.push({ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: wanted });
    });
    if (ops.length === 0) return;
    if (kind === 'validating') await api.patchValidatingWebhookConfiguration({ name, body: ops }, jsonPatch);
    else await api.patchMutatingWebhookConfiguration({ name, body: ops }, jsonPatch);
    opts.logger.info({ webhookConfiguration: name, kind, entries: ops.length / 2 }, 'set caBundle');
  }

  // One check at a time: a periodic tick during a requested sync joins it instead of reading the
  // same stale configuration and patching it a second time.
  let running: Promise<void> | undefined;
  function syncNow(): Promise<void> {
    running ??= (async () => {
      try {
        const results = await Promise.allSettled(targets.map((t) => syncOne(t.kind, t.name)));
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  const timer = setInterval(() => {
    syncNow().catch((err: unknown) => opts.logger.warn({ err: describeError(err) }, 'could not check the webhook caBundle'));
  }, opts.checkIntervalMs ?? 30_000);
  timer.unref();
  return { syncNow, close: () => clearInterval(timer) };
}
