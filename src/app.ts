// The composition root of the webhook: builds the parts in order — config sections → Vault facts →
// Kubernetes state → the checks as admission handlers → the background audit → TLS → the HTTPS and
// health servers — and stops them in reverse. `serve` calls startApp with the real Kubernetes and
// Vault; tests call it with the doubles. Nothing in src/ imports this module but the serve command.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createAudit, type Audit } from './audit/index.js';
import { createAdmissionHandlers, type AdmissionStoreLookup } from './checks/handlers.js';
import type { GuardConfig } from './config/types.js';
import { createKubeCaSources } from './kube/ca-source.js';
import { createKubeTemplateSources } from './kube/template-source.js';
import { createKubeExistingObjects } from './kube/existing-objects.js';
import { createKubeTokenReviewAccess } from './kube/token-review-access.js';
import { createClusterStoreLookup, createDetachedStoreLookup, startKube, type KubeRuntime } from './kube/index.js';
import { createRequestAuthorizer } from './kube/request-auth.js';
import { createLogger } from './log/logger.js';
import type { ReadinessCheck } from './server/admission-types.js';
import { createMetricsRegistry } from './server/metrics.js';
import { startServers, type RunningServers, type Wait } from './server/start.js';
import { tlsSourceFromConfig } from './server/tls/from-config.js';
import type { TlsSource } from './server/tls/source.js';
import { createVaultFacts, type VaultFactsService } from './vault/index.js';

export interface AppOptions {
  /** Undefined: no Kubernetes API (a local run); ExternalSecrets are then "could not check". */
  kubeConfig: KubeConfig | undefined;
  logger?: Logger;
  registry?: Registry;
}

export interface App {
  servers: RunningServers;
  tls: TlsSource;
  logger: Logger;
  registry: Registry;
  kube: KubeRuntime | undefined;
  facts: VaultFactsService;
  /** Undefined without a cluster or with audit.enabled false. */
  audit: Audit | undefined;
  /** SIGTERM: drain for server.drainMs (waited with `wait`), then close(). */
  shutdown(wait?: Wait): Promise<void>;
  close(): Promise<void>;
}

/**
 * Vault's state is shown in /readyz's body and the readiness metric but never makes the pod
 * unready: the failure mode already answers for Vault, and an unready pod would hand the decision
 * to the API server's failurePolicy (and a new pod would never become Ready during an outage).
 */
export function vaultReadinessCheck(facts: Pick<VaultFactsService, 'ready'>): ReadinessCheck {
  return { name: 'vault', informational: true, check: () => facts.ready() };
}

/** `namespace/name` (validated by the config schema). */
function parseServiceAccount(text: string): { name: string; namespace: string } {
  const [namespace = '', name = ''] = text.split('/');
  return { name, namespace };
}

export async function startApp(config: GuardConfig, opts: AppOptions): Promise<App> {
  const logger = opts.logger ?? createLogger({ level: config.log.level });
  const registry = opts.registry ?? createMetricsRegistry();
  // Every section was validated (defaults filled in) by loadConfig.
  const { vault: vaultConfig, kube: kubeSettings, audit: auditSettings } = config;
  if (vaultConfig.servers.length === 0) {
    logger.warn('no vault.servers configured: stores are not checked against Vault (VaultUnavailable); set the vault section of the config file');
  }
  const controllerServiceAccount = parseServiceAccount(config.checks.controllerServiceAccount);
  const templateDelimiters = { left: config.checks.templateLeftDelimiter, right: config.checks.templateRightDelimiter };

  const facts = createVaultFacts(vaultConfig, { logger, registry });
  // Login runs in the background: /readyz's body says when Vault is usable; admissions meanwhile follow the failure mode.
  void facts.start().catch((err: unknown) => logger.warn({ err: String(err) }, 'Vault login did not complete at start; retrying'));
  let kube: KubeRuntime | undefined;
  let audit: Audit | undefined;
  try {
    let lookup: AdmissionStoreLookup;
    const readinessChecks: ReadinessCheck[] = [vaultReadinessCheck(facts)];
    if (opts.kubeConfig) {
      kube = await startKube({ kubeConfig: opts.kubeConfig, kube: kubeSettings, tls: config.tls, logger });
      lookup = createClusterStoreLookup(kube.state, { controllerServiceAccount });
      const state = kube.state;
      readinessChecks.push({
        name: 'informers',
        check: () => (state.hasSynced() ? { ready: true } : { ready: false, reason: 'stores and namespaces are not listed yet' }),
      });
    } else {
      logger.warn('no Kubernetes API configured (not in a pod, no --kubeconfig, KUBECONFIG or ~/.kube/config): ExternalSecrets cannot be checked and follow the failure mode');
      lookup = createDetachedStoreLookup({ controllerServiceAccount });
    }
    // One answer cache for admission and the audit: a ServiceAccount's RBAC is asked once per TTL.
    const tokenReviews = opts.kubeConfig ? createKubeTokenReviewAccess(opts.kubeConfig) : undefined;
    const handlers = createAdmissionHandlers({
      facts,
      lookup,
      mode: config.admission.mode,
      failureMode: config.admission.failureMode,
      defaultAudiences: config.checks.defaultAudiences,
      reuseResultsMs: config.checks.reuseResultsMs,
      objectOverrides: config.admission.objectOverrides,
      templateDelimiters,
      ...(kube ? { events: kube.events } : {}),
      ...(opts.kubeConfig
        ? {
            caSources: createKubeCaSources(opts.kubeConfig, { configMaps: kubeSettings.caProviderConfigMaps, secrets: kubeSettings.caProviderSecrets }),
            templateSources: createKubeTemplateSources(opts.kubeConfig, { enabled: kubeSettings.templateConfigMaps }),
            existingObjects: createKubeExistingObjects(opts.kubeConfig),
            ...(tokenReviews ? { tokenReviews } : {}),
          }
        : {}),
    });
    if (kube && opts.kubeConfig && auditSettings.enabled) {
      // Only the holder of the audit Lease runs passes; the others keep answering admissions.
      audit = createAudit({
        kubeConfig: opts.kubeConfig,
        state: kube.state,
        facts,
        events: kube.events,
        leader: kube.leader,
        registry,
        logger: logger.child({ component: 'audit' }),
        controllerServiceAccount,
        defaultAudiences: config.checks.defaultAudiences,
        ...(tokenReviews ? { tokenReviews } : {}),
        intervalMs: auditSettings.intervalMs,
        objectsPerSecond: auditSettings.objectsPerSecond,
        deadlineMsPerObject: auditSettings.deadlineMsPerObject,
        templateSources: createKubeTemplateSources(opts.kubeConfig, { enabled: kubeSettings.templateConfigMaps }),
        templateDelimiters,
        existingObjects: createKubeExistingObjects(opts.kubeConfig),
      });
      audit.start();
    }
    const runningAudit = audit;
    const tls = kube?.tlsSource ?? (await tlsSourceFromConfig(config, logger));
    const servers = await startServers({
      config,
      logger,
      registry,
      tls,
      handlers,
      readinessChecks,
      auditReport: () => runningAudit?.report(),
      ...(opts.kubeConfig ? { reportAuthorizer: createRequestAuthorizer(opts.kubeConfig, { path: config.report.path, verb: config.report.verb, logger }) } : {}),
    });
    const runningKube = kube;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        await servers.close();
        await runningAudit?.close();
        // Closing Kubernetes also releases the audit Lease, so another replica takes over at once.
        await Promise.allSettled([runningKube?.close(), facts.close()]);
      })();
      return closing;
    };
    return {
      servers,
      tls,
      logger,
      registry,
      kube: runningKube,
      facts,
      audit: runningAudit,
      async shutdown(wait?: Wait) {
        await servers.shutdown(wait);
        await close();
      },
      close,
    };
  } catch (err) {
    await audit?.close().catch(() => {});
    await Promise.allSettled([kube?.close(), facts.close()]);
    throw err;
  }
}
