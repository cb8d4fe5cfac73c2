// The admission handlers the HTTPS server calls: /validate runs the checks and decides; /mutate
// admits without a patch (see NO_MUTATION). UPDATEs that leave the spec alone skip Vault.
import type { AdmissionMode, FailureMode, ObjectOverrides } from '../config/types.js';
import type { StoreLookup } from '../eso/index.js';
import type { EventRecorder } from '../kube/events.js';
import type { AdmissionHandlers, AdmissionRequest } from '../server/admission-types.js';
import type { AdmissionDecision } from '../server/decision.js';
import type { VaultFacts } from '../vault/facts.js';
import { decide } from './decide.js';
import type { TemplateSourceLookup } from './template-sources.js';
import type { CaSourceLookup } from './ca-sources.js';
import type { TokenReviewAccess } from './token-review-access.js';
import { hasSkipLabel, objectOverridesGranted, requestNamespace } from './overrides.js';
import type { Trust } from './disclosure.js';
import { checkObject, couldNotCheckResult, type CheckContext } from './engine.js';
import type { CheckResult } from './result.js';
import { specUnchanged } from './update.js';
import { createResultReuse, resultKey } from './result-reuse.js';
import { recordWarnModeEvents } from './warn-events.js';
import type { TemplateDelimiters } from '../eso/go-template.js';
import type { ExistingObjectLookup } from './existing-objects.js';

/**
 * The stores and namespace labels the checks read. The server's cluster cache also has
 * `prefetchStores`: it reads from the API every store `obj` references that the cache does not hold
 * yet, and rejects when the API cannot say (the check then counts as not done).
 */
export interface AdmissionStoreLookup extends StoreLookup {
  prefetchStores?(obj: unknown, deadlineAtMs: number): Promise<void>;
}

export interface HandlerDeps {
  facts: VaultFacts;
  lookup: AdmissionStoreLookup;
  mode: AdmissionMode;
  failureMode: FailureMode;
  /** Audiences the API server puts into a token requested without audiences (its --api-audiences). */
  defaultAudiences: string[];
  /** The webhook always answers with the store's identity; `operator` is for the check CLI. */
  trust?: Trust;
  /**
   * Reuse the result of an identical ExternalSecret checked within this many ms (Argo CD dry-run +
   * apply, refreshes); 0 or absent checks every admission afresh.
   */
  reuseResultsMs?: number;
  /** Where caProvider ConfigMaps/Secrets are read (absent: their contents are not checked). */
  caSources?: CaSourceLookup;
  /** Where templateFrom ConfigMaps are read (absent: not read). */
  templateSources?: TemplateSourceLookup;
  /** ESO's template delimiters (checks.templateLeftDelimiter/RightDelimiter); absent: Go's defaults. */
  templateDelimiters?: TemplateDelimiters;
  /** Where a ClusterPushSecret's PushSecret is looked up in each namespace (absent: not looked up). */
  existingObjects?: ExistingObjectLookup;
  /** Who answers whether a ServiceAccount may create tokenreviews (client-JWT mode); absent: no cluster to ask. */
  tokenReviews?: TokenReviewAccess;
  /** Where errors that warn mode admitted are also said as Events (absent without a cluster). */
  events?: EventRecorder;
  /** Observes every check result with its decision (tests). */
  onResult?: (result: CheckResult, request: AdmissionRequest, decision: AdmissionDecision) => void;
  /** Who may loosen one object's checks with its own label/annotations; default namespaceGranted. */
  objectOverrides?: ObjectOverrides;
}

const ALLOW: AdmissionDecision = { allowed: true, warnings: [], codes: [] };

/** The object with its namespace filled from the request when the manifest left it out. */
function objectOf(request: AdmissionRequest): unknown {
  const obj = request.object;
  if (!obj || typeof obj !== 'object' || !request.namespace) return obj;
  const o = obj as Record<string, unknown>;
  const meta = (o['metadata'] && typeof o['metadata'] === 'object' ? o['metadata'] : {}) as Record<string, unknown>;
  if (typeof meta['namespace'] === 'string' && meta['namespace'] !== '') return obj;
  return { ...o, metadata: { ...meta, namespace: request.namespace } };
}

/**
 * The one gate for requests that need no check: DELETE (deleting a manifest never needs Vault, and
 * must not be blocked by an outage), CONNECT, status-subresource writes and spec-preserving UPDATEs.
 */
function needsNoCheck(request: AdmissionRequest): boolean {
  if (request.operation === 'DELETE' || request.operation === 'CONNECT') return true;
  if (request.subResource !== undefined && request.subResource !== '') return true;
  return request.operation === 'UPDATE' && specUnchanged(request.object, request.oldObject);
}

export function createAdmissionHandlers(deps: HandlerDeps): AdmissionHandlers {
  const audience = { defaultAudiences: deps.defaultAudiences };
  const context = (deadlineAtMs: number): CheckContext => {
    // Set one by one: five spreads of conditional literals per admission cost an object each.
    const ctx: CheckContext = { facts: deps.facts, lookup: deps.lookup, deadlineAtMs, audience, trust: deps.trust ?? 'store-identity' };
    if (deps.caSources) ctx.caSources = deps.caSources;
    if (deps.templateSources) ctx.templateSources = deps.templateSources;
    if (deps.templateDelimiters) ctx.templateDelimiters = deps.templateDelimiters;
    if (deps.existingObjects) ctx.existingObjects = deps.existingObjects;
    if (deps.tokenReviews) ctx.tokenReviews = deps.tokenReviews;
    return ctx;
  };
  const reuse = createResultReuse(deps.reuseResultsMs ?? 0);
  /** Undefined when the stores are known; else a result that says the check could not run. */
  const prefetch = async (obj: unknown, deadlineAtMs: number): Promise<CheckResult | undefined> => {
    if (!deps.lookup.prefetchStores) return undefined;
    try {
      await deps.lookup.prefetchStores(obj, deadlineAtMs);
      return undefined;
    } catch (err) {
      return couldNotCheckResult(obj, `the referenced store could not be read from the Kubernetes API (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  return {
    async validate(request, ctx) {
      if (needsNoCheck(request)) return ALLOW;
      const requestNs = requestNamespace(request);
      const granted = objectOverridesGranted(deps.objectOverrides ?? 'namespaceGranted', requestNs, requestNs ? deps.lookup.namespaceLabels(requestNs) : undefined);
      // The object opted out, and the operator lets objects here do so: no Vault, no findings.
      if (granted && hasSkipLabel(request.object)) return ALLOW;
      const obj = objectOf(request);
      // Without a cluster cache (offline stores) there is nothing to read first: no await.
      const storesUnknown = deps.lookup.prefetchStores ? await prefetch(obj, ctx.deadlineAtMs) : undefined;
      const key = storesUnknown || !reuse ? undefined : resultKey(obj, deps.lookup);
      let result = storesUnknown ?? (key ? reuse?.get(key) : undefined);
      if (!result) {
        result = await checkObject(obj, context(ctx.deadlineAtMs));
        if (key) reuse?.remember(key, result);
      }
      const namespace = result.resource.namespace;
      const namespaceLabels = namespace ? deps.lookup.namespaceLabels(namespace) : undefined;
      const decision = decide(result, { mode: deps.mode, failureMode: deps.failureMode, objectOverrides: granted, ...(namespaceLabels ? { namespaceLabels } : {}) });
      if (deps.events) recordWarnModeEvents(deps.events, result, request, decision);
      deps.onResult?.(result, request, decision);
      return decision;
    },
    // NO_MUTATION: every field the webhook once filled has a meaning in ESO when absent (ESO v2.9.0):
    // - storeRef.kind absent = SecretStore (no CRD default); filling ClusterSecretStore re-points the
    //   reference and outlives a SecretStore created later.
    // - ClusterSecretStore serviceAccountRef.namespace absent = each ExternalSecret's own namespace
    //   (providers/v1/vault/auth_kubernetes.go); filling it makes one identity for every namespace.
    // - jwt kubernetesServiceAccountToken.audiences absent = ["vault"] (auth_jwt.go); filling it
    //   changes the token ESO requests, and copied another team's role audience into the patch.
    // So /mutate patches nothing and asks nothing: it reveals no more than /validate. It stays served
    // so an installed MutatingWebhookConfiguration keeps working; /validate reports the problems.
    async mutate() {
      return ALLOW;
    },
  };
}
