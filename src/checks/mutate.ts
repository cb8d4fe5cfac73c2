// Safe defaulting for /mutate: fill only fields that are absent and whose right value is certain
// from live facts. A present field is never rewritten (Argo CD would show perpetual drift);
// problems with present fields are findings instead. Pure: the facts are gathered by mutate-facts.ts.
import type { JsonPatchOperation } from '../server/decision.js';
import { listContainsGlob } from './glob.js';
import { toStringList } from './rules/role-binding.js';

export interface StoreRefExistence {
  secretStore: boolean;
  clusterSecretStore: boolean;
}

export interface MutationFacts {
  /** ExternalSecret: which stores exist for each referenced name (SecretStore in the object's namespace). */
  storesByName: Record<string, StoreRefExistence>;
  /** Store objects: the Vault role of the store's auth (kubernetes / jwt), when it could be read. */
  role?: Record<string, unknown>;
}

export interface PatchResult {
  patch: JsonPatchOperation[];
  /** One `[Defaulted] field: what and why` line per patch operation, reported as a warning. */
  notes: string[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function pointer(parts: (string | number)[]): string {
  return parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function computePatch(obj: unknown, facts: MutationFacts): PatchResult {
  const out: PatchResult = { patch: [], notes: [] };
  if (!isObj(obj) || !isObj(obj['spec'])) return out;
  const kind = obj['kind'];
  if (kind === 'ExternalSecret') patchStoreRefKinds(obj, facts, out);
  if (kind === 'SecretStore' || kind === 'ClusterSecretStore') patchStoreAuth(obj, kind, facts, out);
  return out;
}

function storeRefs(spec: Obj): { ref: Obj; path: (string | number)[]; field: string }[] {
  const refs: { ref: Obj; path: (string | number)[]; field: string }[] = [];
  if (isObj(spec['secretStoreRef'])) refs.push({ ref: spec['secretStoreRef'], path: ['spec', 'secretStoreRef'], field: 'spec.secretStoreRef' });
  for (const list of ['data', 'dataFrom'] as const) {
    const entries = spec[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry: unknown, i) => {
      if (!isObj(entry) || !isObj(entry['sourceRef']) || !isObj(entry['sourceRef']['storeRef'])) return;
      refs.push({
        ref: entry['sourceRef']['storeRef'],
        path: ['spec', list, i, 'sourceRef', 'storeRef'],
        field: `spec.${list}[${i}].sourceRef.storeRef`,
      });
    });
  }
  return refs;
}

function patchStoreRefKinds(obj: Obj, facts: MutationFacts, out: PatchResult): void {
  const namespace = isObj(obj['metadata']) && typeof obj['metadata']['namespace'] === 'string' ? obj['metadata']['namespace'] : '';
  for (const { ref, path, field } of storeRefs(obj['spec'] as Obj)) {
    if (ref['kind'] !== undefined && ref['kind'] !== null && ref['kind'] !== '') continue;
    const name = ref['name'];
    if (typeof name !== 'string' || name === '') continue;
    const exists = facts.storesByName[name];
    if (!exists || exists.secretStore || !exists.clusterSecretStore) continue;
    out.patch.push({ op: 'add', path: pointer([...path, 'kind']), value: 'ClusterSecretStore' });
    out.notes.push(
      `[Defaulted] ${field}.kind: set to "ClusterSecretStore" because no SecretStore "${name}" exists in namespace "${namespace}" and a ClusterSecretStore "${name}" does (an omitted kind means SecretStore).`,
    );
  }
}

function patchStoreAuth(obj: Obj, kind: 'SecretStore' | 'ClusterSecretStore', facts: MutationFacts, out: PatchResult): void {
  const role = facts.role;
  if (!role) return;
  const provider = (obj['spec'] as Obj)['provider'];
  const vault = isObj(provider) ? provider['vault'] : undefined;
  const auth = isObj(vault) ? vault['auth'] : undefined;
  if (!isObj(auth)) return;
  // Only the method ESO uses matters; kubernetes comes before jwt in ESO's order.
  const k8s = auth['kubernetes'];
  if (!('tokenSecretRef' in auth) && !('appRole' in auth) && isObj(k8s)) {
    const sa = k8s['serviceAccountRef'];
    if (kind === 'ClusterSecretStore' && isObj(sa) && typeof sa['name'] === 'string' && (sa['namespace'] === undefined || sa['namespace'] === '')) {
      const namespaces = toStringList(role['bound_service_account_namespaces']);
      const names = toStringList(role['bound_service_account_names']);
      const only = namespaces.length === 1 ? (namespaces[0] as string) : undefined;
      const nameBound = (names.length === 1 && names[0] === '*') || listContainsGlob(names, sa['name']);
      if (only !== undefined && !only.includes('*') && nameBound) {
        out.patch.push({ op: 'add', path: '/spec/provider/vault/auth/kubernetes/serviceAccountRef/namespace', value: only });
        out.notes.push(
          `[Defaulted] spec.provider.vault.auth.kubernetes.serviceAccountRef.namespace: set to "${only}" because the Vault role binds ServiceAccount "${sa['name']}" only in that namespace (without it, ESO would use each ExternalSecret's namespace).`,
        );
      }
    }
    return;
  }
  const jwt = auth['jwt'];
  if (!isObj(jwt)) return;
  const kst = jwt['kubernetesServiceAccountToken'];
  if (!isObj(kst) || kst['audiences'] !== undefined) return;
  const bound = toStringList(role['bound_audiences']);
  if (bound.length !== 1) return;
  const audience = bound[0] as string;
  const saRef = isObj(kst['serviceAccountRef']) ? kst['serviceAccountRef'] : {};
  // ESO sends serviceAccountRef.audiences followed by kubernetesServiceAccountToken.audiences (default ["vault"]).
  const effective = [...toStringList(saRef['audiences']), 'vault'];
  if (effective.includes(audience)) return;
  out.patch.push({ op: 'add', path: '/spec/provider/vault/auth/jwt/kubernetesServiceAccountToken/audiences', value: [audience] });
  out.notes.push(
    `[Defaulted] spec.provider.vault.auth.jwt.kubernetesServiceAccountToken.audiences: set to ["${audience}"] because the Vault role accepts exactly that audience and ESO would otherwise request "vault".`,
  );
}
