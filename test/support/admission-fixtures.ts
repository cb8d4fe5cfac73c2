// Builders of AdmissionReview requests for ESO objects, shaped like what the API server sends.
import { randomUUID } from 'node:crypto';

type Obj = Record<string, unknown>;
export type EsoApiVersion = 'external-secrets.io/v1' | 'external-secrets.io/v1beta1';

export function externalSecret(args: { name?: string; namespace?: string; apiVersion?: EsoApiVersion; spec?: Obj } = {}): Obj {
  return {
    apiVersion: args.apiVersion ?? 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: args.name ?? 'postgres-credentials', namespace: args.namespace ?? 'myapp' },
    spec: args.spec ?? {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault-backend' },
      target: { name: 'postgres-credentials', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'username', remoteRef: { key: 'postgres', property: 'username' } },
        { secretKey: 'password', remoteRef: { key: 'postgres', property: 'password' } },
      ],
    },
  };
}

function vaultProvider(): Obj {
  return {
    vault: {
      server: 'https://vault.example.internal:8200',
      path: 'kv/dev',
      version: 'v2',
      auth: { kubernetes: { mountPath: 'dev-kubernetes', role: 'external-secrets' } },
    },
  };
}

export function secretStore(args: { name?: string; namespace?: string; apiVersion?: EsoApiVersion; spec?: Obj } = {}): Obj {
  return {
    apiVersion: args.apiVersion ?? 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: args.name ?? 'vault-backend', namespace: args.namespace ?? 'myapp' },
    spec: args.spec ?? { provider: vaultProvider() },
  };
}

export function clusterSecretStore(args: { name?: string; apiVersion?: EsoApiVersion; spec?: Obj } = {}): Obj {
  return {
    apiVersion: args.apiVersion ?? 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: args.name ?? 'vault-backend' },
    spec: args.spec ?? {
      provider: {
        vault: {
          ...(vaultProvider().vault as Obj),
          auth: {
            kubernetes: {
              mountPath: 'dev-kubernetes',
              role: 'external-secrets',
              serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' },
            },
          },
        },
      },
    },
  };
}

const RESOURCES: Record<string, string> = {
  ExternalSecret: 'externalsecrets',
  SecretStore: 'secretstores',
  ClusterSecretStore: 'clustersecretstores',
};

export interface ReviewOptions {
  uid?: string;
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  dryRun?: boolean;
  oldObject?: Obj;
  username?: string;
}

/** An admission.k8s.io/v1 AdmissionReview request for `object` (for DELETE, `object` becomes oldObject). */
export function admissionReview(object: Obj, options: ReviewOptions = {}): Obj {
  const [group, version] = String(object.apiVersion).split('/') as [string, string];
  const kind = String(object.kind);
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  const operation = options.operation ?? 'CREATE';
  const gvk = { group, version, kind };
  const gvr = { group, version, resource: RESOURCES[kind] ?? `${kind.toLowerCase()}s` };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? randomUUID(),
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: metadata.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      operation,
      userInfo: { username: options.username ?? 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object: operation === 'DELETE' ? null : object,
      oldObject: operation === 'DELETE' ? object : (options.oldObject ?? null),
      dryRun: options.dryRun ?? false,
      options: {
        apiVersion: 'meta.k8s.io/v1',
        kind: operation === 'DELETE' ? 'DeleteOptions' : operation === 'UPDATE' ? 'UpdateOptions' : 'CreateOptions',
      },
    },
  };
}
