// Everything the server needs from Kubernetes, started in one call: the informer cache, the shared
// self-signed TLS and caBundle upkeep (only without mounted cert files), the event recorder and
// the audit lease. The server keeps the returned handles and calls close() on shutdown.
import { existsSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { TlsSource } from '../server/tls/source.js';
import { sharedCertificateTlsSource, startCaBundleInjector, type CaBundleInjector } from './ca-bundle.js';
import type { KubeSectionConfig } from './config.js';
import { createEventRecorder, type EventRecorder } from './events.js';
import { createLeaderElector, type LeaderElector } from './leader.js';
import { createKubeState, type KubeState } from './state.js';

/** In a pod: the service account (in-cluster config); elsewhere: $KUBECONFIG or ~/.kube/config. */
export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromDefault();
  return kc;
}

/** Kubernetes access: in a pod its ServiceAccount; elsewhere --kubeconfig, $KUBECONFIG or ~/.kube/config; else none. */
export function kubeConfigFor(flag: string | undefined): KubeConfig | undefined {
  const inCluster = process.env.KUBERNETES_SERVICE_HOST !== undefined;
  const path = flag ?? process.env.KUBECONFIG;
  if (!inCluster && !path && !existsSync(join(homedir(), '.kube', 'config'))) return undefined;
  return loadKubeConfig(flag);
}

export interface StartKubeOptions {
  kubeConfig: KubeConfig;
  kube: KubeSectionConfig;
  tls: { certFile?: string; serviceName: string; namespace: string; extraDnsNames?: string[] };
  /** Lease holder identity; default $POD_NAME or the host name. */
  identity?: string;
  logger: Logger;
}

export interface KubeRuntime {
  state: KubeState;
  /** The shared self-signed certificate, when tls.certFile is unset; else undefined (use the files). */
  tlsSource: TlsSource | undefined;
  caBundle: CaBundleInjector | undefined;
  events: EventRecorder;
  leader: LeaderElector;
  close(): Promise<void>;
}

export async function startKube(opts: StartKubeOptions): Promise<KubeRuntime> {
  const { kubeConfig, kube, tls, logger } = opts;
  const state = createKubeState(kubeConfig, { logger, resyncMs: kube.resyncMs });
  state.start();

  let tlsSource: TlsSource | undefined;
  let caBundle: CaBundleInjector | undefined;
  // Mounted files mean cert-manager (or the operator) owns TLS and the caBundle: touch neither.
  if (!tls.certFile) {
    tlsSource = await sharedCertificateTlsSource(kubeConfig, {
      namespace: tls.namespace, secretName: kube.tlsSecretName, serviceName: tls.serviceName,
      extraDnsNames: tls.extraDnsNames, pollMs: kube.certificatePollMs, logger,
    });
    const source = tlsSource;
    caBundle = startCaBundleInjector(kubeConfig, {
      validatingWebhookConfiguration: kube.validatingWebhookConfiguration,
      mutatingWebhookConfiguration: kube.mutatingWebhookConfiguration,
      caPem: () => source.current().ca ?? '',
      checkIntervalMs: kube.caBundleCheckIntervalMs,
      logger,
    });
    // A missing configuration (not yet applied in this sync) is retried by the periodic check.
    await caBundle.syncNow().catch((err: unknown) => logger.warn({ err: String(err).split('\n')[0] }, 'caBundle not set yet; will retry'));
    source.onChange(() => {
      caBundle?.syncNow().catch(() => {});
    });
  }

  const events = createEventRecorder(kubeConfig, { component: 'eso-vault-guard', logger });
  const leader = createLeaderElector(kubeConfig, {
    namespace: tls.namespace, name: kube.leaseName, identity: opts.identity ?? process.env.POD_NAME ?? hostname(),
    leaseDurationMs: kube.leaseDurationMs, renewMs: kube.leaseRenewMs, logger,
  });
  leader.start();

  return {
    state, tlsSource, caBundle, events, leader,
    async close() {
      caBundle?.close();
      tlsSource?.close();
      await Promise.all([leader.stop(), state.close()]);
    },
  };
}
