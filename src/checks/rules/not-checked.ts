// ESO objects the checks do not judge are reported as such (info) and counted as skipped, never
// passed as clean: an API version the model does not cover, a kind without checks.
import type { Finding } from '../finding.js';

/** The ESO API groups: objects of these groups are ESO's, judged or listed as skipped. */
export function isEsoApiVersion(apiVersion: unknown): apiVersion is string {
  return typeof apiVersion === 'string' && /^([a-z0-9-]+\.)?external-secrets\.io\//.test(apiVersion);
}

/** Served versions per kind of ESO v2.9.0's CRDs (deploy/crds in the v2.9.0 tag). */
const SERVED_BY_ESO_2_9: Record<string, string> = {
  ExternalSecret: 'v1',
  SecretStore: 'v1',
  ClusterSecretStore: 'v1',
  ClusterExternalSecret: 'v1',
  PushSecret: 'v1alpha1',
  ClusterPushSecret: 'v1alpha1',
};

/** Why an ESO object is not judged, or undefined when it is a kind and version the checks model. */
export function notCheckedReason(apiVersion: string, kind: string, modelled: { kinds: readonly string[]; versions: readonly string[] }): string | undefined {
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const group = apiVersion.slice(0, apiVersion.indexOf('/'));
  if (modelled.kinds.includes(kind) && group === 'external-secrets.io' && modelled.versions.includes(version)) return undefined;
  const served = group === 'external-secrets.io' ? SERVED_BY_ESO_2_9[kind] : undefined;
  if (modelled.kinds.includes(kind) && group === 'external-secrets.io') {
    return `${kind} ${apiVersion} is not checked: the checks model ${modelled.versions.map((v) => `external-secrets.io/${v}`).join(' and ')}` +
      (served ? `, and ESO v2.9.0's CRDs serve ${kind} only as external-secrets.io/${served} (the API server of such an install rejects ${version})` : '');
  }
  if ((kind === 'PushSecret' || kind === 'ClusterPushSecret') && group === 'external-secrets.io') {
    return `${kind} ${apiVersion} is not checked: the checks model ${kind} as external-secrets.io/v1alpha1, the only version ESO v2.9.0's CRDs serve`;
  }
  return `${kind || '(no kind)'} ${apiVersion} is not checked: the checks do not judge this kind`;
}

export function notCheckedFinding(reason: string, kind: string): Finding {
  const served = SERVED_BY_ESO_2_9[kind];
  return {
    code: 'NotChecked',
    severity: 'info',
    field: 'apiVersion',
    message: `${reason}; it is counted as skipped, not as clean.`,
    ...(served ? { hint: `Write apiVersion: external-secrets.io/${served} (what ESO v2.9 serves) to have it checked.` } : {}),
  };
}
