// Objects ESO's controllers look up besides stores: the PushSecret a ClusterPushSecret, or the
// ExternalSecret a ClusterExternalSecret, would create in a namespace. ESO
// (clusterpushsecret_controller.go / clusterexternalsecret_controller.go
// updateProvisionedNamespaces) refuses a namespace whose object of that name exists and is not
// controlled by the cluster-scoped owner ("push secret already exists in namespace", "external
// secret already exists in namespace"). The webhook asks the API server for the one object
// (src/kube/existing-objects.ts); `check` knows only the objects among its files, and an object not
// known either way is never reported.

/** A controller owner reference (metav1.GetControllerOf), as ESO compares it. */
export interface ControllerRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/** The kinds a cluster-scoped ESO object creates per namespace. */
export type ChildKind = 'PushSecret' | 'ExternalSecret';

export type ExistingObject =
  | { status: 'absent' }
  /** `source`: `cluster` (read now) or `files` (among the files; the cluster may differ). */
  | { status: 'present'; controller?: ControllerRef; source: 'cluster' | 'files' }
  | { status: 'unknown'; reason: string };

export interface ExistingObjectLookup {
  get(kind: ChildKind, namespace: string, name: string, deadlineAtMs: number): Promise<ExistingObject>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** metav1.GetControllerOf: the owner reference with controller: true. */
export function controllerOf(obj: unknown): ControllerRef | undefined {
  const meta = isObj(obj) && isObj(obj['metadata']) ? obj['metadata'] : {};
  const refs = Array.isArray(meta['ownerReferences']) ? (meta['ownerReferences'] as unknown[]) : [];
  const c = refs.find((r): r is Obj => isObj(r) && r['controller'] === true);
  if (!c) return undefined;
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  return { apiVersion: s(c['apiVersion']), kind: s(c['kind']), name: s(c['name']) };
}

/** PushSecrets and ExternalSecrets among the given manifests (for `check`); one not among them is unknown. */
export function createManifestExistingObjects(objects: readonly Obj[]): ExistingObjectLookup {
  const byKey = new Map<string, Obj>();
  for (const o of objects) {
    if (typeof o['apiVersion'] !== 'string' || !o['apiVersion'].startsWith('external-secrets.io/')) continue;
    if (o['kind'] !== 'PushSecret' && o['kind'] !== 'ExternalSecret') continue;
    const meta = isObj(o['metadata']) ? o['metadata'] : {};
    if (typeof meta['name'] !== 'string') continue;
    const ns = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
    byKey.set(`${o['kind']}/${ns}/${meta['name']}`, o);
  }
  return {
    get(kind, namespace, name) {
      const o = byKey.get(`${kind}/${namespace}/${name}`);
      if (!o) return Promise.resolve({ status: 'unknown', reason: 'not among the checked files' });
      const controller = controllerOf(o);
      return Promise.resolve({ status: 'present', source: 'files', ...(controller ? { controller } : {}) });
    },
  };
}
