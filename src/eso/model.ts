// The internal model of ESO resources: one model for external-secrets.io/v1 and v1beta1.
// Every model node that can be wrong carries the field path it came from, so findings can name it.
// The ESO-semantics module owns this file; other modules import it read-only.
import type { RewriteModel } from './key-pipeline.js';

export type { RewriteModel };

export type EsoApiVersion = 'external-secrets.io/v1' | 'external-secrets.io/v1beta1';
export type StoreKind = 'SecretStore' | 'ClusterSecretStore';

export interface SecretKeySelectorModel {
  name: string;
  key?: string;
  namespace?: string;
}

export interface ServiceAccountRefModel {
  name: string;
  namespace?: string;
  audiences?: string[];
}

/** Vault auth as configured; `field` is its path, e.g. `spec.provider.vault.auth.kubernetes`. */
export type VaultAuthModel =
  | { method: 'none'; field: string }
  | { method: 'tokenSecretRef'; field: string; tokenSecretRef: SecretKeySelectorModel }
  | { method: 'appRole'; field: string; path: string; roleId?: string; roleRef?: SecretKeySelectorModel; secretRef?: SecretKeySelectorModel }
  | { method: 'kubernetes'; field: string; mountPath: string; role: string; serviceAccountRef?: ServiceAccountRefModel; secretRef?: SecretKeySelectorModel }
  | { method: 'jwt'; field: string; path: string; role: string; secretRef?: SecretKeySelectorModel;
      kubernetesServiceAccountToken?: { serviceAccountRef: ServiceAccountRefModel; audiences?: string[]; expirationSeconds?: number } }
  | { method: 'ldap'; field: string; path: string; username: string }
  | { method: 'userPass'; field: string; path: string; username: string }
  | { method: 'cert'; field: string; path: string; vaultRole?: string }
  | { method: 'iam'; field: string; path: string; region: string; vaultRole: string }
  | { method: 'gcp'; field: string; path: string; role: string };

export interface VaultProviderModel {
  server: string;
  /** nil (omitted) and "" behave differently in ESO: keep null for omitted. */
  path: string | null;
  version: 'v1' | 'v2';
  namespace?: string;
  caBundle?: string;
  caProvider?: Record<string, unknown>;
  tls?: Record<string, unknown>;
  headers?: Record<string, string>;
  readYourWrites: boolean;
  forwardInconsistent: boolean;
  /** The auth ESO will use (first present in ESO's order). */
  auth: VaultAuthModel;
  /** Every auth method that is set (ESO's webhook validates all of them). */
  allAuth: VaultAuthModel[];
  /** `auth.namespace`: Vault Enterprise namespace used for the login only (defaults to `namespace`). */
  authNamespace?: string;
  /** `checkAndSet.required`: PushSecret writes carry `cas` (client_push.go getCASVersion). */
  checkAndSetRequired?: boolean;
  /** `auth` is present but names no method: ESO's setAuth fails (not the same as an absent `auth`). */
  authEmpty?: boolean;
}

export type ProviderModel =
  | { type: 'vault'; vault: VaultProviderModel }
  | { type: 'other'; name: string };

export interface ClusterStoreConditionModel {
  field: string; // spec.conditions[0]
  namespaces?: string[];
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  namespaceRegexes?: string[];
}

export interface StoreModel {
  kind: StoreKind;
  apiVersion: EsoApiVersion;
  name: string;
  /** Only for SecretStore. */
  namespace?: string;
  provider: ProviderModel;
  conditions: ClusterStoreConditionModel[];
  /** Raw object, for mutation patches. */
  raw: Record<string, unknown>;
  /** `spec.controller` (controller class); a store of another class is ignored by this ESO. */
  controller?: string;
}

export interface StoreRefModel {
  kind: StoreKind;
  name: string;
  /** Field path of the reference (`spec.secretStoreRef` or `spec.data[0].sourceRef.storeRef`). */
  field: string;
  /** True when `kind` was omitted and defaulted (SecretStore). */
  kindDefaulted: boolean;
}

export interface RemoteRefModel {
  key: string;
  property?: string;
  version?: string;
  metadataPolicy: 'None' | 'Fetch';
  /** Field path of the remote reference (`spec.data[0].remoteRef`, `spec.dataFrom[1].extract`). */
  field?: string;
  decodingStrategy?: string;
  conversionStrategy?: string;
}

export interface FindModel {
  /** `spec.dataFrom[0].find`. */
  field?: string;
  path?: string;
  nameRegexp?: string;
  tags?: Record<string, string>;
  conversionStrategy?: string;
}

export interface DataEntryModel {
  field: string; // spec.data[0]
  secretKey: string;
  remoteRef: RemoteRefModel;
  storeRef?: StoreRefModel;
  /** Deprecated and not implemented in spec.data: ESO ignores it (the entry uses sourceRef.storeRef). */
  generatorRef?: Record<string, unknown>;
  /** `sourceRef` is present: ESO then uses `sourceRef.storeRef`, empty when absent. */
  hasSourceRef?: boolean;
}

export interface DataFromEntryModel {
  field: string; // spec.dataFrom[0]
  extract?: RemoteRefModel;
  find?: FindModel;
  storeRef?: StoreRefModel;
  generatorRef?: Record<string, unknown>;
  /** True when `rewrite` has items (ESO then skips conversionStrategy). */
  hasRewrite?: boolean;
  /** `rewrite` operations in order (merge, regexp and transform as ESO applies them). */
  rewrite?: RewriteModel[];
}

export interface ExternalSecretModel {
  kind: 'ExternalSecret';
  apiVersion: EsoApiVersion;
  name: string;
  namespace: string;
  secretStoreRef?: StoreRefModel;
  data: DataEntryModel[];
  dataFrom: DataFromEntryModel[];
  raw: Record<string, unknown>;
  /** `spec.target` policies with CRD defaults (Owner / Retain). */
  target?: { creationPolicy: string; deletionPolicy: string };
}

/** A problem found without Vault (malformed reference, store missing from input, namespace not allowed). */
export interface EsoProblem {
  code: 'StoreNotFound' | 'StoreNamespaceNotAllowed' | 'MalformedReference' | 'StoreOutOfScope' | 'InvalidMountPath' | 'InvalidSelector';
  field: string;
  message: string;
  hint?: string;
  /** The certain edit (see checks/finding.ts FieldFix). */
  fix?: { field: string; value: string };
}

/** One Vault HTTP request ESO will make for a secret reference. */
export interface VaultRequestPlan {
  purpose: 'data' | 'metadata' | 'list' | 'tags-metadata';
  /** Logical path as ESO builds it (`kv/dev/data/app`); may hold `//` or a leading `/`. */
  logicalPath: string;
  /** Request path after the Vault Go client's path.Clean (`/v1/kv/dev/data/app`). */
  httpPath: string;
  /** `?version=` when remoteRef.version is set; `list=true` for LIST. */
  query?: Record<string, string>;
  /** ACL capability the request needs. */
  capability: 'read' | 'list';
  /** The field the request comes from, e.g. `spec.data[0].remoteRef.key`. */
  field: string;
}

/** The identity ESO presents to Vault for a store, as far as it is knowable before a login. */
export interface IdentityPlan {
  method: VaultAuthModel['method'];
  /** Auth mount path without trailing slash (`kubernetes`, `jwt`, `approle`); absent for token/none. */
  authMountPath?: string;
  role?: string;
  /** kubernetes auth, and jwt with kubernetesServiceAccountToken: the ServiceAccount whose token is sent. */
  serviceAccount?: {
    name: string;
    namespace: string;
    /** Audiences requested in the TokenRequest; empty = API server default audience. */
    audiences: string[];
    source: 'serviceAccountRef' | 'controller' | 'secretRef';
    expirationSeconds?: number;
  };
  /** False when the identity cannot be known without reading a credential (token, secretRef JWT, cert, iam, gcp ...). */
  verifiable: boolean;
  notVerifiableReason?: string;
}

export interface ReferencePlan {
  /** `spec.data[0]`, `spec.dataFrom[1]`. */
  field: string;
  kind: 'data' | 'extract' | 'find' | 'generator' | 'empty';
  storeRef?: StoreRefModel;
  store?: StoreModel;
  remoteRef?: RemoteRefModel;
  find?: FindModel;
  /** Requests in the order ESO makes them; for `find` only the first LIST (the walk depends on Vault). */
  requests: VaultRequestPlan[];
  identity?: IdentityPlan;
  problems: EsoProblem[];
  /** Set when the reference is not checked (non-Vault provider, generator). */
  outOfScope?: string;
  /** dataFrom: the entry's `rewrite` (applied to the keys before conversion and validation). */
  rewrite?: RewriteModel[];
  /**
   * `find` only: requests ESO makes for every LIST result, which depend on Vault. `pathPattern` has
   * a trailing `*` standing for each candidate (`secret/data/dev/*`).
   */
  perCandidate?: { purpose: 'tags-metadata' | 'data'; pathPattern: string; capability: 'read' }[];
}
