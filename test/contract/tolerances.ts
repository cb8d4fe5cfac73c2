// Where a double may differ from a recording, and why. Everything else must match (status and
// body shape). Each entry is a field the product never reads and the double does not model; the
// replay strips it from both sides before comparing.

export interface Tolerance {
  key: string;
  reason: string;
}

export const TOLERATED_KEYS: Tolerance[] = [
  { key: 'managedFields', reason: 'server-side apply bookkeeping of the API server; the product never reads it' },
  { key: 'generation', reason: 'set by the API server on objects with spec; the product never reads it' },
  { key: 'eventTime', reason: 'null on core/v1 Events the product creates; never read' },
  { key: 'matchPolicy', reason: 'webhook defaults the API server fills in; the product reads only name and clientConfig.caBundle' },
  { key: 'namespaceSelector', reason: 'webhook defaults the API server fills in; the product reads only name and clientConfig.caBundle' },
  { key: 'objectSelector', reason: 'webhook defaults the API server fills in; the product reads only name and clientConfig.caBundle' },
  { key: 'timeoutSeconds', reason: 'webhook defaults the API server fills in; the product reads only name and clientConfig.caBundle' },
  { key: 'scope', reason: 'webhook rule default; never read' },
  { key: 'current_metadata_version', reason: 'OpenBao-only KV v2 metadata field; never read' },
  { key: 'metadata_cas_required', reason: 'OpenBao-only KV v2 metadata field; never read' },
  { key: 'allow_slashes_in_identity_templates', reason: 'OpenBao-only policy field; the ACL engine takes this setting from configuration' },
  { key: 'allow_wildcards_in_identity_templates', reason: 'OpenBao-only policy field; never read' },
  { key: 'cas_required', reason: 'OpenBao policy CAS fields; never read' },
  { key: 'modified', reason: 'OpenBao policy CAS fields; never read' },
  { key: 'version', reason: 'OpenBao policy version (CAS); sys/health `version` is compared by type only' },
  { key: 'token_strictly_bind_ip', reason: 'OpenBao-only role token field; never read' },
  { key: 'callback_mode', reason: 'OpenBao-only jwt/oidc role field (OIDC callback); never read' },
  { key: 'oauth2_metadata', reason: 'OpenBao-only jwt/oidc role field; never read' },
  { key: 'oidc_disable_confirmation', reason: 'OpenBao-only jwt/oidc role field; never read' },
  { key: 'token_policies_template_claims', reason: 'OpenBao-only jwt role field; never read' },
  { key: 'passthrough_request_headers', reason: 'identity/ mount tuning; never read' },
];

const KEYS = new Set(TOLERATED_KEYS.map((t) => t.key));

/** The shape without tolerated keys (at any depth; `version` only inside `data`). */
export function withoutTolerated(shape: unknown, parent = ''): unknown {
  if (Array.isArray(shape)) return shape.map((s) => withoutTolerated(s, parent));
  if (!shape || typeof shape !== 'object') return shape;
  return Object.fromEntries(Object.entries(shape as Record<string, unknown>)
    .filter(([k]) => !KEYS.has(k) || (k === 'version' && parent !== 'data'))
    .map(([k, v]) => [k, withoutTolerated(v, k)]));
}
