// spec.provider.vault → VaultProviderModel, with the CRD defaults the API server applies
// (version v2, auth mount paths) and the ones ESO's code applies (iam path aws, region us-east-1,
// cert path cert, kubernetes secretRef key token).
import type { FieldReader, Json } from './field-reader.js';
import type { SecretKeySelectorModel, ServiceAccountRefModel, StoreKind, VaultAuthModel, VaultProviderModel } from './model.js';

/** ESO's runtime order: the first method present is the one used (providers/v1/vault/auth.go). */
/** ESO's error when `auth` is set but names no method (providers/v1/vault/auth.go errAuthFormat). */
export const ERR_AUTH_FORMAT = 'cannot initialize Vault client: no valid auth method specified';

export const AUTH_ORDER = ['tokenSecretRef', 'appRole', 'kubernetes', 'ldap', 'userPass', 'jwt', 'cert', 'iam', 'gcp'] as const;

/** Mount paths are used as `auth/<path>/login`; the Go client's path cleaning drops extra slashes. */
export function normaliseMountPath(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

interface StoreContext {
  kind: StoreKind;
  /** Set only when the manifest states it. */
  namespace?: string;
}

function selector(r: FieldReader, v: unknown, field: string, ctx: StoreContext, label: string, defaultKey?: string): SecretKeySelectorModel | undefined {
  const o = r.obj(v, field);
  if (!o) return undefined;
  const name = r.str(o['name'], `${field}.name`, { required: true }) ?? '';
  const key = r.str(o['key'], `${field}.key`) ?? defaultKey;
  const namespace = r.str(o['namespace'], `${field}.namespace`);
  namespaceRule(r, `${field}.namespace`, namespace, ctx, label);
  return { name, ...(key !== undefined ? { key } : {}), ...(namespace !== undefined ? { namespace } : {}) };
}

function serviceAccountRef(r: FieldReader, v: unknown, field: string, ctx: StoreContext, label: string): ServiceAccountRefModel | undefined {
  const o = r.obj(v, field);
  if (!o) return undefined;
  const name = r.str(o['name'], `${field}.name`, { required: true }) ?? '';
  const namespace = r.str(o['namespace'], `${field}.namespace`);
  const audiences = r.strArray(o['audiences'], `${field}.audiences`);
  namespaceRule(r, `${field}.namespace`, namespace, ctx, label);
  return { name, ...(namespace !== undefined ? { namespace } : {}), ...(audiences !== undefined ? { audiences } : {}) };
}

/** ESO's ValidateStore rejects, on a SecretStore, a selector namespace other than the store's own. */
function namespaceRule(r: FieldReader, field: string, namespace: string | undefined, ctx: StoreContext, label: string): void {
  if (ctx.kind !== 'SecretStore' || namespace === undefined || ctx.namespace === undefined || namespace === ctx.namespace) return;
  r.problem(
    field,
    `invalid Auth.${label}: namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore (found "${namespace}", store is in "${ctx.namespace}").`,
    `Remove ${field} (a SecretStore always uses its own namespace) or use a ClusterSecretStore.`,
  );
}

function trimmed(s: string | undefined): string {
  return (s ?? '').trim();
}

// Paths that look like a token file, not a Vault auth mount (a common confusion with the SA token file).
const FILE_LIKE_MOUNT = /^\/(var|run|etc|tmp|home)\/|serviceaccount\/token$/;

function parseAuthMethod(r: FieldReader, method: (typeof AUTH_ORDER)[number], o: Json, field: string, ctx: StoreContext): VaultAuthModel {
  const path = (key: string, dflt: string): string => normaliseMountPath(r.str(o[key], `${field}.${key}`) ?? dflt);
  switch (method) {
    case 'tokenSecretRef':
      return { method, field, tokenSecretRef: selector(r, o, field, ctx, 'TokenSecretRef') ?? { name: '' } };
    case 'appRole': {
      const roleId = r.str(o['roleId'], `${field}.roleId`);
      const roleRef = selector(r, o['roleRef'], `${field}.roleRef`, ctx, 'AppRole.RoleRef');
      const secretRef = selector(r, o['secretRef'], `${field}.secretRef`, ctx, 'AppRole.SecretRef');
      if (roleId === undefined && roleRef === undefined) {
        r.problem(field, 'invalid Auth.AppRole: neither `roleId` nor `roleRef` was supplied', `Set ${field}.roleId or ${field}.roleRef.`);
      }
      return {
        method, field, path: path('path', 'approle'),
        ...(roleId !== undefined ? { roleId: roleId.trim() } : {}),
        ...(roleRef ? { roleRef } : {}), ...(secretRef ? { secretRef } : {}),
      };
    }
    case 'kubernetes': {
      const raw = r.str(o['mountPath'], `${field}.mountPath`) ?? 'kubernetes';
      if (FILE_LIKE_MOUNT.test(raw)) {
        r.problems.push({
          code: 'InvalidMountPath',
          field: `${field}.mountPath`,
          message: `"${raw}" looks like a file path, but mountPath is the path of the Vault auth mount (ESO logs in at auth/<mountPath>/login).`,
          hint: `Set ${field}.mountPath to the auth mount's path, e.g. "kubernetes" (see \`vault auth list\`).`,
        });
      }
      const sa = serviceAccountRef(r, o['serviceAccountRef'], `${field}.serviceAccountRef`, ctx, 'Kubernetes.ServiceAccountRef');
      const secretRef = selector(r, o['secretRef'], `${field}.secretRef`, ctx, 'Kubernetes.SecretRef', 'token');
      return {
        method, field, mountPath: normaliseMountPath(raw),
        role: r.str(o['role'], `${field}.role`, { required: true }) ?? '',
        ...(sa ? { serviceAccountRef: sa } : {}), ...(secretRef ? { secretRef } : {}),
      };
    }
    case 'jwt': {
      const secretRef = selector(r, o['secretRef'], `${field}.secretRef`, ctx, 'Jwt.SecretRef');
      const kf = `${field}.kubernetesServiceAccountToken`;
      const k = r.obj(o['kubernetesServiceAccountToken'], kf);
      let kubernetesServiceAccountToken: Extract<VaultAuthModel, { method: 'jwt' }>['kubernetesServiceAccountToken'];
      if (k) {
        const sa = serviceAccountRef(r, k['serviceAccountRef'], `${kf}.serviceAccountRef`, ctx, 'Jwt.KubernetesServiceAccountToken.ServiceAccountRef');
        if (!sa) r.problem(`${kf}.serviceAccountRef`, `${kf}.serviceAccountRef is required but missing.`, `Set ${kf}.serviceAccountRef.name.`);
        const audiences = r.strArray(k['audiences'], `${kf}.audiences`);
        const expirationSeconds = r.int(k['expirationSeconds'], `${kf}.expirationSeconds`);
        kubernetesServiceAccountToken = {
          serviceAccountRef: sa ?? { name: '' },
          ...(audiences !== undefined ? { audiences } : {}),
          ...(expirationSeconds !== undefined ? { expirationSeconds } : {}),
        };
      }
      if (!secretRef && !kubernetesServiceAccountToken) {
        r.problem(field, 'neither `secretRef` nor `kubernetesServiceAccountToken` was supplied as token source for jwt authentication', `Set ${field}.kubernetesServiceAccountToken.serviceAccountRef or ${field}.secretRef.`);
      }
      return {
        method, field, path: path('path', 'jwt'), role: trimmed(r.str(o['role'], `${field}.role`)),
        ...(secretRef ? { secretRef } : {}), ...(kubernetesServiceAccountToken ? { kubernetesServiceAccountToken } : {}),
      };
    }
    case 'ldap':
    case 'userPass':
      selector(r, o['secretRef'], `${field}.secretRef`, ctx, method === 'ldap' ? 'Ldap.SecretRef' : 'UserPass.SecretRef');
      return { method, field, path: path('path', method === 'ldap' ? 'ldap' : 'userpass'), username: trimmed(r.str(o['username'], `${field}.username`, { required: true })) };
    case 'cert': {
      selector(r, o['clientCert'], `${field}.clientCert`, ctx, 'Cert.ClientCert');
      selector(r, o['secretRef'], `${field}.secretRef`, ctx, 'Cert.SecretRef');
      const vaultRole = r.str(o['vaultRole'], `${field}.vaultRole`);
      return { method, field, path: path('path', 'cert'), ...(vaultRole !== undefined ? { vaultRole } : {}) };
    }
    case 'iam':
      return {
        method, field, path: path('path', 'aws'),
        region: r.str(o['region'], `${field}.region`) || 'us-east-1',
        vaultRole: r.str(o['vaultRole'], `${field}.vaultRole`, { required: true }) ?? '',
      };
    case 'gcp':
      return { method, field, path: path('path', 'gcp'), role: r.str(o['role'], `${field}.role`, { required: true }) ?? '' };
  }
}

export function parseVaultProvider(r: FieldReader, v: Json, field: string, ctx: StoreContext): VaultProviderModel {
  const server = r.str(v['server'], `${field}.server`, { required: true }) ?? '';
  const path = r.str(v['path'], `${field}.path`) ?? null;
  const version = r.enumOf(v['version'], `${field}.version`, ['v1', 'v2'] as const) ?? 'v2';
  const namespace = r.str(v['namespace'], `${field}.namespace`);
  const caBundle = r.str(v['caBundle'], `${field}.caBundle`);
  const caProvider = r.obj(v['caProvider'], `${field}.caProvider`);
  const tls = r.obj(v['tls'], `${field}.tls`);
  const headers = r.strMap(v['headers'], `${field}.headers`);
  const cas = r.obj(v['checkAndSet'], `${field}.checkAndSet`);
  const checkAndSetRequired = cas ? (r.bool(cas['required'], `${field}.checkAndSet.required`) ?? false) : false;
  const authField = `${field}.auth`;
  const authObj = r.obj(v['auth'], authField);
  const allAuth: VaultAuthModel[] = [];
  const authNamespace = authObj ? r.str(authObj['namespace'], `${authField}.namespace`) : undefined;
  if (authObj) {
    for (const m of AUTH_ORDER) {
      const mf = `${authField}.${m}`;
      const mo = r.obj(authObj[m], mf);
      if (mo) allAuth.push(parseAuthMethod(r, m, mo, mf, ctx));
    }
    if (allAuth.length === 0) {
      r.problem(authField, `${authField} names no auth method; ESO fails with "${ERR_AUTH_FORMAT}".`,
        `Set one of ${AUTH_ORDER.map((m) => `${authField}.${m}`).join(', ')}.`);
    }
  }
  return {
    server,
    path,
    version,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(caBundle !== undefined ? { caBundle } : {}),
    ...(caProvider ? { caProvider } : {}),
    ...(tls ? { tls } : {}),
    ...(headers ? { headers } : {}),
    readYourWrites: r.bool(v['readYourWrites'], `${field}.readYourWrites`) ?? false,
    forwardInconsistent: r.bool(v['forwardInconsistent'], `${field}.forwardInconsistent`) ?? false,
    auth: allAuth[0] ?? { method: 'none', field: authField },
    allAuth,
    ...(authNamespace !== undefined ? { authNamespace } : {}),
    ...(authObj && allAuth.length === 0 ? { authEmpty: true } : {}),
    ...(checkAndSetRequired ? { checkAndSetRequired } : {}),
  };
}
