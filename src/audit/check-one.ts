// One audited object through the admission checks: the same engine, the same trust setting
// ('store-identity', so an Event tells its readers no more than the store's identity could learn
// from Vault — issue 10), a deadline of its own.
import type { TemplateSourceLookup } from '../checks/template-sources.js';
import { checkObject } from '../checks/engine.js';
import type { CheckResult } from '../checks/result.js';
import type { ParsedEsoObject } from '../eso/index.js';
import type { InvolvedObject } from '../kube/events.js';
import type { ClusterStoreLookup } from '../kube/store-lookup.js';
import type { RawKubeObject } from '../kube/types.js';
import type { VaultFacts } from '../vault/facts.js';
import type { TokenReviewAccess } from '../checks/token-review-access.js';
import type { TemplateDelimiters } from '../eso/go-template.js';
import type { ExistingObjectLookup } from '../checks/existing-objects.js';

export interface AuditedObject {
  /** uid, or kind/namespace/name when the object has none. */
  key: string;
  involved: InvolvedObject;
  /** '' for cluster-scoped objects (the metric's namespace label). */
  namespace: string;
  result: CheckResult;
  /** False when some lookup could not be made: findings may be missing, none is invented. */
  complete: boolean;
}

export interface CheckOneDeps {
  facts: VaultFacts;
  lookup: ClusterStoreLookup;
  defaultAudiences: string[];
  deadlineMsPerObject: number;
  /** Where templateFrom ConfigMaps are read (absent: not read). */
  templateSources?: TemplateSourceLookup;
  /** ESO's template delimiters; absent: Go's defaults. */
  templateDelimiters?: TemplateDelimiters;
  /** Where a ClusterPushSecret's PushSecret is looked up (absent: not looked up). */
  existingObjects?: ExistingObjectLookup;
  /** Whether a ServiceAccount may create tokenreviews (client-JWT mode), as admission asks it. */
  tokenReviews?: TokenReviewAccess;
}

type AuditedKind = 'ExternalSecret' | 'SecretStore' | 'ClusterSecretStore' | 'ClusterExternalSecret' | 'PushSecret' | 'ClusterPushSecret';

/** Kinds checked through the object ESO creates from them, or through their pushes (the engine's own branches). */
const OTHER_KINDS: Record<string, string> = {
  ClusterExternalSecret: 'external-secrets.io/v1',
  PushSecret: 'external-secrets.io/v1alpha1',
  ClusterPushSecret: 'external-secrets.io/v1alpha1',
};

/** The kind the audit checks `parsed` as, or undefined when it does not audit it. */
export function auditedKind(parsed: ParsedEsoObject): AuditedKind | undefined {
  if (parsed.kind === 'ExternalSecret' || parsed.kind === 'SecretStore' || parsed.kind === 'ClusterSecretStore') return parsed.kind;
  if (parsed.kind === 'Other' && parsed.kindName !== undefined && OTHER_KINDS[parsed.kindName] === parsed.apiVersion) return parsed.kindName as AuditedKind;
  return undefined;
}

function involvedOf(raw: RawKubeObject, kind: AuditedKind): InvolvedObject {
  const meta = raw.metadata ?? {};
  return {
    apiVersion: raw.apiVersion ?? 'external-secrets.io/v1',
    kind,
    name: meta.name ?? '',
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    ...(meta.uid ? { uid: meta.uid } : {}),
  };
}

function notChecked(involved: InvolvedObject, reason: string): CheckResult {
  return {
    findings: [],
    couldNotCheck: [{ reason }],
    resource: { kind: involved.kind, name: involved.name, ...(involved.namespace ? { namespace: involved.namespace } : {}) },
    annotations: {},
  };
}

export async function checkOne(raw: RawKubeObject, kind: AuditedKind, deps: CheckOneDeps): Promise<AuditedObject> {
  const involved = involvedOf(raw, kind);
  const key = involved.uid ?? `${kind}/${involved.namespace ?? ''}/${involved.name}`;
  const base = { key, involved, namespace: involved.namespace ?? '' };
  const deadlineAtMs = Date.now() + deps.deadlineMsPerObject;
  try {
    // A store the informer has not seen yet is read from the API, so a lagging watch never
    // becomes a StoreNotFound Event.
    if (kind === 'ExternalSecret' || kind === 'PushSecret') await deps.lookup.prefetchStores(raw, deadlineAtMs);
  } catch (err) {
    const reason = `its stores could not be read from the Kubernetes API (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
    return { ...base, result: notChecked(involved, reason), complete: false };
  }
  try {
    const result = await checkObject(raw, {
      facts: deps.facts,
      lookup: deps.lookup,
      deadlineAtMs,
      audience: { defaultAudiences: deps.defaultAudiences },
      trust: 'store-identity',
      ...(deps.templateSources ? { templateSources: deps.templateSources } : {}),
      ...(deps.templateDelimiters ? { templateDelimiters: deps.templateDelimiters } : {}),
      ...(deps.existingObjects ? { existingObjects: deps.existingObjects } : {}),
      ...(deps.tokenReviews ? { tokenReviews: deps.tokenReviews } : {}),
    });
    return { ...base, result, complete: result.couldNotCheck.length === 0 };
  } catch (err) {
    // A bug in a rule must not stop the pass or pass for a verdict on the manifest.
    const reason = `the check failed unexpectedly (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
    return { ...base, result: notChecked(involved, reason), complete: false };
  }
}
