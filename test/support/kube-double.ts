// A small Kubernetes API server double: real HTTPS on 127.0.0.1 (its own CA in the kubeconfig), bearer-token auth, the subset of
// the API eso-vault-guard calls (discovery, list, watch, get, create, replace, patch, delete; TokenReview,
// SubjectAccessReview with RBAC from ClusterRoleBindings), so
// @kubernetes/client-node is exercised for real. No product logic lives here.
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generate } from 'selfsigned';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { applyJsonPatch, applyMergePatch, JsonPatchError } from './kube-patch.js';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; uid?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

interface ResourceType {
  group: string; // '' for core
  versions: string[];
  plural: string;
  kind: string;
  namespaced: boolean;
}

const ESO_GROUP = 'external-secrets.io';

function resourceTypes(esoVersions: string[]): ResourceType[] {
  return [
    { group: '', versions: ['v1'], plural: 'namespaces', kind: 'Namespace', namespaced: false },
    { group: '', versions: ['v1'], plural: 'secrets', kind: 'Secret', namespaced: true },
    { group: '', versions: ['v1'], plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { group: '', versions: ['v1'], plural: 'events', kind: 'Event', namespaced: true },
    { group: '', versions: ['v1'], plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { group: 'coordination.k8s.io', versions: ['v1'], plural: 'leases', kind: 'Lease', namespaced: true },
    { group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'clusterroles', kind: 'ClusterRole', namespaced: false },
    { group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
    { group: 'admissionregistration.k8s.io', versions: ['v1'], plural: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false },
    { group: 'admissionregistration.k8s.io', versions: ['v1'], plural: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false },
    { group: ESO_GROUP, versions: esoVersions, plural: 'secretstores', kind: 'SecretStore', namespaced: true },
    { group: ESO_GROUP, versions: esoVersions, plural: 'clustersecretstores', kind: 'ClusterSecretStore', namespaced: false },
    { group: ESO_GROUP, versions: esoVersions, plural: 'externalsecrets', kind: 'ExternalSecret', namespaced: true },
    { group: ESO_GROUP, versions: esoVersions, plural: 'clusterexternalsecrets', kind: 'ClusterExternalSecret', namespaced: false },
    // ESO v2.9.0 serves PushSecret and ClusterPushSecret as v1alpha1 only.
    { group: ESO_GROUP, versions: ['v1alpha1'], plural: 'pushsecrets', kind: 'PushSecret', namespaced: true },
    { group: ESO_GROUP, versions: ['v1alpha1'], plural: 'clusterpushsecrets', kind: 'ClusterPushSecret', namespaced: false },
  ];
}

export interface KubeRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  status: number;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rv: number;
  typeKey: string;
  object: KubeObject;
}

export interface KubeDoubleOptions {
  /** ESO versions served (default both v1 and v1beta1; ['v1beta1'] for an older ESO). */
  esoVersions?: string[];
  /** ESO resources (plurals) whose CRDs are not installed: their paths answer 404. */
  unservedEsoResources?: string[];
  token?: string;
  /** Objects present at start. */
  objects?: KubeObject[];
  /** Bearer tokens TokenReview accepts (authentication.k8s.io/v1), with the user each one is. */
  users?: Record<string, ReviewedUser>;
  /** Non-resource permissions SubjectAccessReview grants (authorization.k8s.io/v1), as RBAC would. */
  nonResourceGrants?: NonResourceGrant[];
  /**
   * Milliseconds of wall time per second of a watch's own clock (timeoutSeconds, the bookmark 2 s
   * before it); default 1000, the API server's. A replay of a recorded watch runs it faster.
   */
  watchMsPerSecond?: number;
}

export interface ReviewedUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** A ClusterRole rule `nonResourceURLs: [path], verbs: [verb]` bound to a user or a group. */
export interface NonResourceGrant {
  user?: string;
  group?: string;
  path: string;
  verb: string;
}

export interface KubeDouble {
  url: string;
  kubeConfig: KubeConfig;
  /** PEM CA that signed the double's serving certificate (also in the kubeconfig). */
  caPem: string;
  kubeconfigYaml: string;
  token: string;
  requests: KubeRequestLogEntry[];
  /** Create or replace an object (watchers see ADDED/MODIFIED); returns the stored copy. */
  apply(obj: KubeObject): KubeObject;
  /** Delete an object; watchers see DELETED. */
  remove(apiVersion: string, kind: string, name: string, namespace?: string): boolean;
  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** End every open watch stream (the client sees a clean close). */
  dropWatches(): void;
  /** The next watch gets a 410: as an ERROR event (like the API server) or as an HTTP 410. */
  forceNextWatch410(how?: 'event' | 'http', path?: string): void;
  /** Forget the event history: any watch from an older resourceVersion gets 410 Gone. */
  compact(): void;
  /** The next `count` requests matching method and path (a string is a prefix) get `status` (a Status body). */
  failNext(method: string, path: string | RegExp, status: number, count?: number): void;
  openWatchCount(): number;
  currentResourceVersion(): number;
  close(): Promise<void>;
}

interface OpenWatch {
  typeKey: string;
  namespace?: string;
  res: ServerResponse;
  /** The resourceVersion the watch started at (its own or the newest then, like the watch cache's). */
  startRv: number;
  /** Newest resourceVersion of its resource (any namespace) since it started: a BOOKMARK carries it. */
  latestRv: number;
}

/**
 * ClusterRoles the API server creates at start that tests bind (kubernetes
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go); a stored ClusterRole of the same name wins.
 */
const BOOTSTRAP_CLUSTER_ROLES: Record<string, Record<string, unknown>[]> = {
  'system:auth-delegator': [
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ],
};

/** The API server's audiences (a token reviewed without spec.audiences is checked against them). */
export const KUBE_DOUBLE_API_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

function status(code: number, reason: string, message: string, details?: { name: string; group: string; kind: string }): Record<string, unknown> {
  const d = details ? { name: details.name, ...(details.group ? { group: details.group } : {}), kind: details.kind } : undefined;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(d ? { details: d } : {}), code };
}

// metav1.MicroTime parses with Go's RFC3339Micro layout: exactly six fraction digits. The real
// API server answers 400 to a Lease whose renewTime/acquireTime has fewer (a JS Date's three).
const MICRO_TIME_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(?:Z|[+-]\d{2}:\d{2})$/;

function microTimeError(t: ResourceType, version: string, obj: unknown): string | undefined {
  if (t.kind !== 'Lease') return undefined;
  const spec = (obj as { spec?: Record<string, unknown> } | null)?.spec ?? {};
  for (const field of ['acquireTime', 'renewTime']) {
    const v = spec[field];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && MICRO_TIME.test(v)) continue;
    const text = String(v);
    return `${t.kind} in version "${version}" cannot be handled as a ${t.kind}: parsing time "${text}" as "${MICRO_TIME_LAYOUT}": cannot parse "${text.slice(19)}" as ".000000"`;
  }
  return undefined;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

async function doubleCertificate(): Promise<{ key: string; cert: string; ca: string }> {
  const now = new Date();
  const notAfterDate = new Date(now.getTime() + 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'kube-double-ca' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate: new Date(now.getTime() - 60_000), notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: 'kube-double' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate: new Date(now.getTime() - 60_000), notAfterDate, ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { key: leaf.private, cert: leaf.cert, ca: ca.cert };
}

export async function startKubeDouble(opts: KubeDoubleOptions = {}): Promise<KubeDouble> {
  const esoVersions = opts.esoVersions ?? ['v1', 'v1beta1'];
  const types = resourceTypes(esoVersions).filter((t) => t.group !== ESO_GROUP || !(opts.unservedEsoResources ?? []).includes(t.plural));
  const token = opts.token ?? `kube-double-${randomUUID()}`;
  const msPerSecond = opts.watchMsPerSecond ?? 1000;
  const typeKeyOf = (t: ResourceType) => `${t.group}/${t.plural}`;
  const store = new Map<string, KubeObject>(); // typeKey|namespace|name
  let history: WatchEvent[] = [];
  let compactedBelow = 0;
  let rv = 1000;
  const watches = new Set<OpenWatch>();
  const requests: KubeRequestLogEntry[] = [];
  let next410: { how: 'event' | 'http'; path?: string } | undefined;
  const failures: { method: string; path: string | RegExp; status: number; count: number }[] = [];

  const objKey = (typeKey: string, ns: string | undefined, name: string) => `${typeKey}|${ns ?? ''}|${name}`;
  const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
  const typeByKind = (apiVersion: string, kind: string): ResourceType => {
    const group = groupOf(apiVersion);
    const t = types.find((x) => x.group === group && x.kind === kind);
    if (!t) throw new Error(`kube double: unknown kind ${apiVersion} ${kind}`);
    return t;
  };

  function emit(type: WatchEvent['type'], t: ResourceType, obj: KubeObject): void {
    const event: WatchEvent = { type, rv: Number(obj.metadata.resourceVersion), typeKey: typeKeyOf(t), object: clone(obj) };
    history.push(event);
    for (const w of watches) {
      if (w.typeKey !== event.typeKey) continue;
      w.latestRv = Math.max(w.latestRv, event.rv);
      if (w.namespace !== undefined && w.namespace !== obj.metadata.namespace) continue;
      writeEvent(w.res, event, t);
    }
  }

  function asVersion(obj: KubeObject, t: ResourceType, version?: string): KubeObject {
    const out = clone(obj);
    const v = version && t.versions.includes(version) ? version : t.versions[0];
    out.apiVersion = t.group ? `${t.group}/${v}` : v;
    out.kind = t.kind;
    return out;
  }

  function writeEvent(res: ServerResponse, e: WatchEvent, t: ResourceType, version?: string): void {
    res.write(`${JSON.stringify({ type: e.type, object: asVersion(e.object, t, version) })}\n`);
  }

  function put(t: ResourceType, obj: KubeObject): { stored: KubeObject; created: boolean } {
    const name = obj.metadata.name!;
    const key = objKey(typeKeyOf(t), t.namespaced ? obj.metadata.namespace : undefined, name);
    const existing = store.get(key);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++rv);
    stored.metadata.uid = existing?.metadata.uid ?? obj.metadata.uid ?? randomUUID();
    stored.metadata.creationTimestamp = existing?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (!t.namespaced) delete stored.metadata.namespace;
    store.set(key, stored);
    emit(existing ? 'MODIFIED' : 'ADDED', t, stored);
    return { stored, created: !existing };
  }

  function del(t: ResourceType, name: string, ns: string | undefined): KubeObject | undefined {
    const key = objKey(typeKeyOf(t), t.namespaced ? ns : undefined, name);
    const existing = store.get(key);
    if (!existing) return undefined;
    store.delete(key);
    const gone = clone(existing);
    gone.metadata.resourceVersion = String(++rv);
    emit('DELETED', t, gone);
    return gone;
  }

  function listOf(t: ResourceType, ns?: string): KubeObject[] {
    const prefix = `${typeKeyOf(t)}|`;
    return [...store.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (ns === undefined || o.metadata.namespace === ns))
      .map(([, o]) => o);
  }

  for (const o of opts.objects ?? []) put(typeByKind(o.apiVersion ?? 'v1', o.kind ?? ''), o);
  // Like the API server's watch cache, which starts from a LIST at the then current
  // resourceVersion: a watch from an older one is answered with an ERROR event, 410 Expired.
  compactedBelow = rv;

  function discovery(pathname: string): unknown | undefined {
    if (pathname === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    const groups = [...new Set(types.filter((t) => t.group).map((t) => t.group))];
    if (pathname === '/apis') {
      return {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: groups.map((g) => {
          const versions = [...new Set(types.filter((t) => t.group === g).flatMap((t) => t.versions))];
          return { name: g, versions: versions.map((v) => ({ groupVersion: `${g}/${v}`, version: v })), preferredVersion: { groupVersion: `${g}/${versions[0]}`, version: versions[0] } };
        }),
      };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(pathname);
    if (!m) return undefined;
    const group = m[1] ? '' : m[2]!;
    const version = m[1] ?? m[3]!;
    const served = types.filter((t) => t.group === group && t.versions.includes(version));
    if (served.length === 0) return null; // 404
    return {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version,
      resources: served.map((t) => ({ name: t.plural, singularName: t.kind.toLowerCase(), namespaced: t.namespaced, kind: t.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })),
    };
  }

  const users = opts.users ?? {};
  /** ServiceAccount tokens issued by TokenRequest, by token. */
  const issued = new Map<string, { sub: string; uid: string; aud: string[] }>();
  const grants = opts.nonResourceGrants ?? [];
  const REVIEWS: Record<string, { apiVersion: string; kind: 'TokenReview' | 'SubjectAccessReview' }> = {
    '/apis/authentication.k8s.io/v1/tokenreviews': { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview' },
    '/apis/authorization.k8s.io/v1/subjectaccessreviews': { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview' },
  };
  type ReviewAnswer = { object: Record<string, unknown> } | { error: Record<string, unknown> };
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

  // pkg/registry/authentication/tokenreview: an empty token is a 400; an unknown one is answered
  // (201) with authenticated unset and an error; a known one with the user and the audiences.
  function tokenReview(body: Record<string, unknown>): ReviewAnswer {
    const spec = isObject(body['spec']) ? body['spec'] : {};
    const token = typeof spec['token'] === 'string' ? spec['token'] : '';
    if (token === '') return { error: status(400, 'BadRequest', 'token is required for TokenReview in authentication') };
    const wanted = Array.isArray(spec['audiences']) && spec['audiences'].length > 0 ? (spec['audiences'] as string[]) : KUBE_DOUBLE_API_AUDIENCES;
    // A configured user (any API audience), or a ServiceAccount token this double issued (its own audiences).
    const known = issued.get(token);
    const user = users[token] ?? (known ? { username: known.sub, uid: known.uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${known.sub.split(':')[2]}`, 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${randomUUID()}`] } } : undefined);
    const tokenAudiences = known ? known.aud : KUBE_DOUBLE_API_AUDIENCES;
    const audiences = wanted.filter((a) => tokenAudiences.includes(a));
    if (!user) return { object: { spec, status: { error: '[invalid bearer token]', user: {} } } };
    if (audiences.length === 0) return { object: { spec, status: { error: `[invalid bearer token, token audiences ${JSON.stringify(tokenAudiences)} is invalid for the target audiences ${JSON.stringify(wanted)}]`, user: {} } } };
    return { object: { spec, status: { audiences, authenticated: true, user: { ...user } } } };
  }

  /**
   * RBAC for resource requests as the API server's authorizer decides it, for ClusterRoleBindings
   * only (stored objects; roles named by roleRef from the stored ClusterRoles or the bootstrap ones).
   */
  function resourceAllowed(user: string, groups: string[], attrs: Record<string, unknown>): string | undefined {
    const str = (v: unknown): string => (typeof v === 'string' ? v : '');
    const [verb, group, resource, name] = [str(attrs['verb']), str(attrs['group']), str(attrs['resource']), str(attrs['name'])];
    const has = (list: unknown, value: string): boolean => Array.isArray(list) && (list.includes(value) || list.includes('*'));
    for (const binding of listOf(types.find((t) => t.kind === 'ClusterRoleBinding')!)) {
      const roleRef = (binding['roleRef'] ?? {}) as Record<string, unknown>;
      if (roleRef['kind'] !== 'ClusterRole') continue;
      const subjects = Array.isArray(binding['subjects']) ? (binding['subjects'] as Record<string, unknown>[]) : [];
      const subject = subjects.find((x) =>
        (x['kind'] === 'ServiceAccount' && user === `system:serviceaccount:${str(x['namespace'])}:${str(x['name'])}`)
        || (x['kind'] === 'User' && x['name'] === user)
        || (x['kind'] === 'Group' && groups.includes(str(x['name']))));
      if (!subject) continue;
      const stored = store.get(objKey('rbac.authorization.k8s.io/clusterroles', undefined, str(roleRef['name'])));
      const rules = (stored?.['rules'] ?? BOOTSTRAP_CLUSTER_ROLES[str(roleRef['name'])] ?? []) as Record<string, unknown>[];
      const grants = rules.some((r) => has(r['verbs'], verb) && has(r['apiGroups'], group) && has(r['resources'], resource)
        && (!Array.isArray(r['resourceNames']) || r['resourceNames'].length === 0 || r['resourceNames'].includes(name)));
      if (grants) {
        const who = subject['kind'] === 'ServiceAccount' ? `ServiceAccount "${str(subject['name'])}/${str(subject['namespace'])}"` : `${str(subject['kind'])} "${str(subject['name'])}"`;
        return `RBAC: allowed by ClusterRoleBinding "${str(binding.metadata.name)}" of ClusterRole "${str(roleRef['name'])}" to ${who}`;
      }
    }
    return undefined;
  }

  // pkg/apis/authorization/validation: exactly one of resourceAttributes / nonResourceAttributes,
  // and a user or a group (422 otherwise). Non-resource grants come from the options, resource
  // grants from ClusterRoleBindings (resourceAllowed).
  function subjectAccessReview(body: Record<string, unknown>): ReviewAnswer {
    const spec = isObject(body['spec']) ? body['spec'] : {};
    const causes: { field: string; message: string; reason: string }[] = [];
    const hasResource = spec['resourceAttributes'] !== undefined && spec['resourceAttributes'] !== null;
    const nonResource = isObject(spec['nonResourceAttributes']) ? spec['nonResourceAttributes'] : undefined;
    if (hasResource === (nonResource !== undefined)) causes.push({ field: 'spec.resourceAttributes', reason: 'FieldValueInvalid', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified' });
    const user = typeof spec['user'] === 'string' ? spec['user'] : '';
    const groups = Array.isArray(spec['groups']) ? (spec['groups'] as unknown[]).filter((g): g is string => typeof g === 'string') : [];
    if (user === '' && groups.length === 0) causes.push({ field: 'spec.user', reason: 'FieldValueInvalid', message: 'Invalid value: "": at least one of user or group must be specified' });
    if (causes.length > 0) {
      const message = `SubjectAccessReview.authorization.k8s.io "" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`;
      return { error: { ...status(422, 'Invalid', message), details: { group: 'authorization.k8s.io', causes } } };
    }
    const path = typeof nonResource?.['path'] === 'string' ? nonResource['path'] : '';
    const verb = typeof nonResource?.['verb'] === 'string' ? nonResource['verb'] : '';
    if (hasResource) {
      const reason = resourceAllowed(user, groups, isObject(spec['resourceAttributes']) ? spec['resourceAttributes'] : {});
      return { object: { spec, status: reason ? { allowed: true, reason } : { allowed: false } } };
    }
    const allowed = grants.some((g) => g.path === path && g.verb === verb && ((g.user !== undefined && g.user === user) || (g.group !== undefined && groups.includes(g.group))));
    return { object: { spec, status: allowed ? { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding' } : { allowed: false } } };
  }

  interface Target { t: ResourceType; version: string; namespace?: string; name?: string }
  function route(pathname: string): Target | undefined {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(pathname);
    if (!m) return undefined;
    const group = m[1] ? '' : m[2]!;
    const version = m[1] ?? m[3]!;
    const segs = m[4]!.split('/').map(decodeURIComponent);
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    if (segs[0] === 'namespaces' && segs.length >= 3) {
      namespace = segs[1];
      plural = segs[2]!;
      name = segs[3];
      if (segs.length > 4) return undefined;
    } else {
      plural = segs[0]!;
      name = segs[1];
      if (segs.length > 2) return undefined;
    }
    const t = types.find((x) => x.group === group && x.plural === plural && x.versions.includes(version));
    if (!t) return undefined;
    if (t.namespaced === false && namespace !== undefined) return undefined;
    return { t, version, namespace, name };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function startWatch(res: ServerResponse, target: Target, query: URLSearchParams): void {
    const from = query.get('resourceVersion') ?? '';
    const typeKey = typeKeyOf(target.t);
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
    const forced = next410 && (next410.path === undefined || next410.path === res.req.url?.split('?')[0]) ? next410.how : undefined;
    if (forced) next410 = undefined;
    if (forced === 'http') {
      res.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify(status(410, 'Expired', 'too old resource version')));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const fromRv = from === '' || from === '0' ? undefined : Number(from);
    if (forced === 'event' || (fromRv !== undefined && fromRv < compactedBelow)) {
      res.write(`${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${compactedBelow})`) })}\n`);
      res.end();
      return;
    }
    if (fromRv === undefined) {
      for (const o of listOf(target.t, target.namespace)) {
        writeEvent(res, { type: 'ADDED', rv: Number(o.metadata.resourceVersion), typeKey, object: o }, target.t, target.version);
      }
    } else {
      for (const e of history) {
        if (e.typeKey === typeKey && e.rv > fromRv && (target.namespace === undefined || e.object.metadata.namespace === target.namespace)) {
          writeEvent(res, e, target.t, target.version);
        }
      }
    }
    const startRv = Math.max(fromRv ?? 0, rv);
    const w: OpenWatch = { typeKey, namespace: target.namespace, res, startRv, latestRv: startRv };
    watches.add(w);
    let timer: NodeJS.Timeout | undefined;
    if (timeoutSeconds > 0) timer = setTimeout(() => res.end(), timeoutSeconds * msPerSecond);
    // The watch cache's bookmarks (allowWatchBookmarks): 2 s before the deadline, else every
    // minute; each only when the resource moved past the point the watch started from.
    let bookmarkTimer: NodeJS.Timeout | undefined;
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    const scheduleBookmark = (afterSeconds: number) => {
      if (!bookmarks || afterSeconds < 0) return;
      bookmarkTimer = setTimeout(() => {
        if (res.writableEnded) return;
        if (w.latestRv > w.startRv) {
          const v = target.version && target.t.versions.includes(target.version) ? target.version : target.t.versions[0];
          res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: target.t.kind, apiVersion: target.t.group ? `${target.t.group}/${v}` : v, metadata: { resourceVersion: String(w.latestRv) } } })}\n`);
          w.startRv = w.latestRv;
        }
        if (timeoutSeconds === 0) scheduleBookmark(60);
      }, afterSeconds * msPerSecond);
    };
    scheduleBookmark(timeoutSeconds > 0 ? Math.min(60, timeoutSeconds - 2) : 60);
    res.on('close', () => {
      watches.delete(w);
      if (timer) clearTimeout(timer);
      if (bookmarkTimer) clearTimeout(bookmarkTimer);
    });
  }

  // TokenRequest, as ESO and Vault's kubernetes auth use it (the product does not): unsigned tokens
  // the double issues; tokenReview above reviews them against their audiences.
  async function tokenApis(req: IncomingMessage, pathname: string, method: string): Promise<{ code: number; body: unknown } | undefined> {
    const tr = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/]+)\/token$/.exec(pathname);
    if (method === 'POST' && tr) {
      const [, ns, name] = tr as unknown as [string, string, string];
      const sa = store.get(objKey('/serviceaccounts', ns, name));
      if (!sa) return { code: 404, body: status(404, 'NotFound', `serviceaccounts "${name}" not found`, { name, group: '', kind: 'serviceaccounts' }) };
      const spec = ((JSON.parse((await readBody(req)) || '{}') as { spec?: { audiences?: string[]; expirationSeconds?: number } }).spec) ?? {};
      const aud = spec.audiences?.length ? spec.audiences : ['https://kubernetes.default.svc.cluster.local'];
      const expirationSeconds = spec.expirationSeconds ?? 3600;
      const exp = Math.floor(Date.now() / 1000) + expirationSeconds;
      const sub = `system:serviceaccount:${ns}:${name}`;
      const claims = { aud, exp, iss: 'https://kubernetes.default.svc.cluster.local', sub, 'kubernetes.io': { namespace: ns, serviceaccount: { name, uid: sa.metadata.uid } } };
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const token = `${b64({ alg: 'none', kid: 'kube-double' })}.${b64(claims)}.${randomUUID()}`;
      issued.set(token, { sub, uid: String(sa.metadata.uid), aud });
      return {
        code: 201,
        body: {
          kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
          metadata: { name, namespace: ns, uid: sa.metadata.uid, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
          spec: { audiences: aud, expirationSeconds, boundObjectRef: null },
          status: { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z') },
        },
      };
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://double');
    const method = req.method ?? 'GET';
    const send = (code: number, body: unknown): number => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return code;
    };
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const failure = failures.find((f) => f.method === method && f.count > 0 && (typeof f.path === 'string' ? url.pathname.startsWith(f.path) : f.path.test(url.pathname)));
    if (failure) {
      failure.count -= 1;
      return send(failure.status, status(failure.status, 'Injected', `injected failure ${failure.status}`));
    }
    const review = REVIEWS[url.pathname];
    if (review) {
      if (method !== 'POST') return send(405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      } catch {
        return send(400, status(400, 'BadRequest', 'body is not JSON'));
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return send(400, status(400, 'BadRequest', 'body is not an object'));
      if ((body['apiVersion'] !== undefined && body['apiVersion'] !== review.apiVersion) || (body['kind'] !== undefined && body['kind'] !== review.kind)) {
        return send(400, status(400, 'BadRequest', `the API version in the data (${String(body['apiVersion'])}) does not match the expected API version (${review.apiVersion})`));
      }
      const answer = review.kind === 'TokenReview' ? tokenReview(body) : subjectAccessReview(body);
      if ('error' in answer) return send(answer.error.code as number, answer.error);
      return send(201, { kind: review.kind, apiVersion: review.apiVersion, metadata: {}, ...answer.object });
    }
    if (method === 'GET') {
      const d = discovery(url.pathname);
      if (d === null) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      if (d !== undefined) return send(200, d);
    }
    const auth = await tokenApis(req, url.pathname, method);
    if (auth) return send(auth.code, auth.body);
    const target = route(url.pathname);
    if (!target) {
      // A kind ESO's CRDs do not serve in this version (PushSecret under v1): the API server's CRD
      // handler answers a plain-text 404, not a Status (recorded: kube-apiserver-pushsecret-get.json).
      if (/^\/apis\/(?:[^/]+\.)?external-secrets\.io\//.test(url.pathname)) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
        return 404;
      }
      return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const { t, version, namespace, name } = target;
    const key = name === undefined ? undefined : objKey(typeKeyOf(t), t.namespaced ? namespace : undefined, name);
    const notFound = () => send(404, status(404, 'NotFound', `${t.plural}${t.group ? `.${t.group}` : ''} "${name}" not found`, { name: name ?? '', group: t.group, kind: t.plural }));

    if (method === 'GET' && name === undefined) {
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
        startWatch(res, target, url.searchParams);
        return res.statusCode;
      }
      const all = listOf(t, namespace).map((o) => asVersion(o, t, version));
      for (const i of all) { delete i.apiVersion; delete i.kind; }
      // Paging as the API server does it: `limit` items, an opaque `continue` token for the rest.
      const limit = Number(url.searchParams.get('limit') ?? '0');
      const offset = Number(Buffer.from(url.searchParams.get('continue') ?? '', 'base64').toString('utf8') || '0');
      const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
      const more = limit > 0 && offset + limit < all.length;
      // Custom resources (served as unstructured) carry `continue: ""` on the last page; built-in types omit it.
      const metadata = {
        resourceVersion: String(rv),
        ...(more ? { continue: Buffer.from(String(offset + limit)).toString('base64'), remainingItemCount: all.length - offset - limit } : t.group === ESO_GROUP ? { continue: '' } : {}),
      };
      return send(200, { apiVersion: t.group ? `${t.group}/${version}` : version, kind: `${t.kind}List`, metadata, items });
    }
    if (method === 'GET') {
      const o = store.get(key!);
      return o ? send(200, asVersion(o, t, version)) : notFound();
    }
    if (method === 'DELETE') {
      const gone = del(t, name!, namespace);
      return gone ? send(200, asVersion(gone, t, version)) : notFound();
    }
    let body: KubeObject;
    const text = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (method === 'PATCH') {
      const existing = store.get(key!);
      if (!existing) return notFound();
      let patched: unknown;
      try {
        const patch = JSON.parse(text) as unknown;
        if (contentType === 'application/json-patch+json') patched = applyJsonPatch(asVersion(existing, t, version), patch);
        else if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json') patched = applyMergePatch(asVersion(existing, t, version), patch);
        else return send(415, status(415, 'UnsupportedMediaType', `unsupported patch type ${contentType}`));
      } catch (err) {
        if (err instanceof JsonPatchError) return send(422, { ...status(422, 'Invalid', err.message), details: {} });
        return send(400, status(400, 'BadRequest', (err as Error).message));
      }
      const badTime = microTimeError(t, version, patched);
      if (badTime) return send(400, status(400, 'BadRequest', badTime));
      const p = patched as KubeObject;
      p.metadata = { ...p.metadata, name: existing.metadata.name, namespace: existing.metadata.namespace };
      return send(200, asVersion(put(t, p).stored, t, version));
    }
    try {
      body = JSON.parse(text) as KubeObject;
    } catch {
      return send(400, status(400, 'BadRequest', 'body is not JSON'));
    }
    const badTime = microTimeError(t, version, body);
    if (badTime) return send(400, status(400, 'BadRequest', badTime));
    body.metadata ??= {};
    if (t.namespaced) body.metadata.namespace = namespace;
    if (method === 'POST' && name === undefined) {
      if (!body.metadata.name && typeof body.metadata.generateName === 'string') body.metadata.name = `${body.metadata.generateName}${randomUUID().slice(0, 5)}`;
      if (!body.metadata.name) return send(422, status(422, 'Invalid', 'metadata.name: Required value'));
      if (store.has(objKey(typeKeyOf(t), t.namespaced ? namespace : undefined, body.metadata.name))) {
        return send(409, status(409, 'AlreadyExists', `${t.plural} "${body.metadata.name}" already exists`, { name: body.metadata.name, group: t.group, kind: t.plural }));
      }
      delete body.metadata.resourceVersion;
      delete body.metadata.uid;
      return send(201, asVersion(put(t, body).stored, t, version));
    }
    if (method === 'PUT' && name !== undefined) {
      const existing = store.get(key!);
      if (!existing) return notFound();
      if (body.metadata.name !== name) return send(400, status(400, 'BadRequest', 'the name of the object does not match the name on the URL'));
      const given = body.metadata.resourceVersion;
      if (given !== undefined && given !== '' && given !== existing.metadata.resourceVersion) {
        return send(409, status(409, 'Conflict', `Operation cannot be fulfilled on ${t.plural}${t.group ? `.${t.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: t.group, kind: t.plural }));
      }
      return send(200, asVersion(put(t, body).stored, t, version));
    }
    return send(405, status(405, 'MethodNotAllowed', `${method} is not supported`));
  }

  const tls = await doubleCertificate();
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const entry: KubeRequestLogEntry = {
      method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'], status: 0,
    };
    requests.push(entry);
    handle(req, res).then(
      (code) => { entry.status = code; },
      (err: unknown) => {
        entry.status = 500;
        if (!res.headersSent) res.writeHead(500).end(JSON.stringify(status(500, 'InternalError', String(err))));
      },
    );
  });
  // Every socket is tracked so close() ends even a connection still in its TLS handshake.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}`;
  const kubeconfigYaml = [
    'apiVersion: v1', 'kind: Config', 'current-context: double',
    'clusters:', '- name: double', '  cluster:', `    server: ${url}`,
    `    certificate-authority-data: ${Buffer.from(tls.ca).toString('base64')}`,
    'users:', '- name: tester', '  user:', `    token: ${token}`,
    'contexts:', '- name: double', '  context:', '    cluster: double', '    user: tester', '    namespace: default', '',
  ].join('\n');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kubeconfigYaml);

  return {
    url, kubeConfig, kubeconfigYaml, token, requests, caPem: tls.ca,
    apply: (obj) => clone(put(typeByKind(obj.apiVersion ?? 'v1', obj.kind ?? ''), obj).stored),
    remove: (apiVersion, kind, name, namespace) => del(typeByKind(apiVersion, kind), name, namespace) !== undefined,
    get: (apiVersion, kind, name, namespace) => {
      const t = typeByKind(apiVersion, kind);
      const o = store.get(objKey(typeKeyOf(t), t.namespaced ? namespace : undefined, name));
      return o ? asVersion(o, t, apiVersion.split('/').pop()) : undefined;
    },
    list: (apiVersion, kind, namespace) => {
      const t = typeByKind(apiVersion, kind);
      return listOf(t, namespace).map((o) => asVersion(o, t, apiVersion.split('/').pop()));
    },
    dropWatches: () => {
      for (const w of watches) w.res.end();
      watches.clear();
    },
    forceNextWatch410: (how = 'event', path) => { next410 = { how, path }; },
    compact: () => {
      compactedBelow = rv;
      history = [];
    },
    failNext: (method, path, code, count = 1) => { failures.push({ method, path, status: code, count }); },
    openWatchCount: () => watches.size,
    currentResourceVersion: () => rv,
    close: async () => {
      for (const w of watches) w.res.destroy();
      watches.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
