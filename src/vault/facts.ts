// Typed facts about Vault, each saying how it was obtained. Rules consume these; they never call Vault.
import type { AclFlavour } from './acl/index.js';
import type { ValueShape } from '../eso/value-shape.js';
import type { RequestBudget } from './request-budget.js';

export type { RequestBudget } from './request-budget.js';
import type { PresentedChainFact } from './tls-chain.js';

export type { PresentedChainFact } from './tls-chain.js';

/** How a fact was obtained, e.g. `GET sys/internal/ui/mounts/kv/dev (cache)`. */
export type FactSource = string;

/**
 * A fact lookup's outcome. `forbidden` means the *webhook's own* identity may not read it
 * (a deployment problem, never a verdict on the manifest). `unavailable`/`sealed`/`timeout`
 * mean "could not look"; `not_configured` means the store names a Vault server the webhook has no
 * login for.
 */
export type Fact<T> =
  | { status: 'ok'; value: T; source: FactSource }
  | { status: 'not_found'; source: FactSource }
  | { status: 'forbidden'; source: FactSource; detail: string }
  | { status: 'sealed'; source: FactSource }
  | { status: 'unavailable'; source: FactSource; detail: string }
  | { status: 'timeout'; source: FactSource }
  | { status: 'not_configured'; source: FactSource; server: string }
  /**
   * Not asked: the object's budget of Vault lookups was spent, or its deadline passed while it waited
   * its turn, or the run is offline (`check --offline`: nothing is asked, and that is said once per run).
   */
  | { status: 'skipped'; source: FactSource; reason: 'budget' | 'deadline' | 'offline' };

/** Options every lookup takes: the Vault Enterprise namespace of the store and the admission's deadline. */
export interface FactOptions {
  namespace?: string;
  /** Absolute deadline, epoch milliseconds (Date.now() based). */
  deadlineAtMs: number;
  /** The object's share of Vault (VaultFacts.openBudget); lookups without one are not limited. */
  budget?: RequestBudget;
}

export interface KvMountFact {
  /** Mount path with trailing slash, as Vault lists it (`kv/dev/`). */
  mountPath: string;
  /** Engine type (`kv`, `generic`, `database`, ...). */
  type: string;
  /** `"1"` / `"2"` for kv; null for other engines. */
  kvVersion: '1' | '2' | null;
  accessor?: string;
}

export interface AuthMountFact {
  /** Path with trailing slash (`kubernetes/`). */
  path: string;
  type: string;
  accessor: string;
}

export interface KvVersionInfo {
  createdTime: string;
  deletionTime: string; // '' when not deleted
  destroyed: boolean;
}

export interface KvMetadataFact {
  currentVersion: number;
  oldestVersion: number;
  versions: Record<string, KvVersionInfo>;
  /** Names only; custom metadata values are not kept. */
  customMetadataKeys: string[];
  /** Keyed digests of the values (metadata-digest.ts), to compare find.tags without keeping values. */
  customMetadataDigests?: Record<string, string>;
  /** `cas_required`: every data write must carry `options.cas` (absent when Vault did not say). */
  casRequired?: boolean;
  /** OpenBao `metadata_cas_required`: every metadata write must carry `metadata_cas`. */
  metadataCasRequired?: boolean;
}

/** A KV v2 engine's config (`GET <mount>/config`): what every write must carry. */
export interface KvConfigFact {
  casRequired: boolean;
  /** OpenBao only. */
  metadataCasRequired?: boolean;
}

/** Where a secret lives: the KV mount as Vault lists it (`kv/dev/`) and the path below it (`team-a/db`). */
export interface SecretLocation {
  mount: string;
  secretPath: string;
}

/** A folder to LIST: '' for the mount's root, else a path ending in `/`. */
export interface FolderLocation {
  mount: string;
  folder: string;
  kvVersion: '1' | '2';
}

/**
 * The result of reading a secret's structure, values already dropped.
 * - present: 200, the data's shape (KV v2: the shape of `data.data`; KV v1/other: of `data`).
 *   KV v2 shapes come from `subkeys` unless the mount opted into value reads: their leaves are
 *   `unknown` (subkeys turns scalars, arrays and empty maps alike into null).
 *   `envelopeShape` is the shape of the `{data, metadata}` envelope (for v1-reading-a-v2-path diagnostics).
 * - missing: 404 with no data (no secret, no such version).
 * - deleted / destroyed: KV v2 404 with `data.metadata` saying so.
 * - invalid_path: KV v2 404 with a warning only (v1-style path on a v2 mount, wrong nested mount).
 */
export type SecretReadFact =
  | { state: 'present'; shape: ValueShape; envelopeShape: ValueShape; version?: number }
  | { state: 'missing' }
  | { state: 'deleted'; version: number; deletionTime: string }
  | { state: 'destroyed'; version: number }
  | { state: 'invalid_path'; warning: string };

/** `detail` of the `unavailable` fact readSecretShape returns when data reads are disabled by configuration. */
export const METADATA_ONLY_DETAIL = 'metadata-only mode: secret data reads are disabled';
/** `detail` when a KV v1 secret would have to be read with its values and its mount has not opted in. */
export const VALUES_NOT_READ_DETAIL = 'secret values are not read on this mount (vault.servers[].valueReadMounts)';

export interface VaultFacts {
  /** True when the server URL (as a store's `spec.provider.vault.server` names it) has a configured login. */
  isConfigured(server: string): boolean;
  /** Mount serving `path` (longest prefix), from `sys/internal/ui/mounts/<path>` or `sys/mounts`. not_found when no mount serves it. */
  mountForPath(server: string, path: string, opts: FactOptions): Promise<Fact<KvMountFact>>;
  /** All auth mounts keyed by path with trailing slash (`sys/auth`). */
  authMounts(server: string, opts: FactOptions): Promise<Fact<Record<string, AuthMountFact>>>;
  /** `GET auth/<mountPath>/role/<role>` data (kubernetes, jwt, approle). mountPath without trailing slash. */
  authRole(server: string, mountPath: string, role: string, opts: FactOptions): Promise<Fact<Record<string, unknown>>>;
  /** `GET auth/<mountPath>/config` data (jwt `bound_issuer`, kubernetes config). Credentials are dropped. */
  authConfig(server: string, mountPath: string, opts: FactOptions): Promise<Fact<Record<string, unknown>>>;
  /** Policy text from `sys/policies/acl/<name>`. */
  policyText(server: string, name: string, opts: FactOptions): Promise<Fact<string>>;
  /**
   * KV v2 engine config (`GET <mount>/config`). Optional: fact sources that cannot ask it omit it,
   * and a webhook policy without read on it makes it `forbidden`; both leave it unjudged.
   */
  kvConfig?(server: string, mount: string, opts: FactOptions): Promise<Fact<KvConfigFact>>;
  /** KV v2 metadata (`GET <mount>/metadata/<path>`). */
  kvMetadata(server: string, at: SecretLocation, opts: FactOptions): Promise<Fact<KvMetadataFact>>;
  /**
   * The secret's structure with optional `?version=`. KV v2: `GET <mount>/subkeys/<path>` (no values),
   * or `<mount>/data/<path>` on a mount in `valueReadMounts`; KV v1: `GET <mount>/<path>`, only on
   * such a mount (else `unavailable` with VALUES_NOT_READ_DETAIL, nothing sent). Values are dropped at
   * once. In metadata-only mode nothing is sent (`unavailable`, METADATA_ONLY_DETAIL).
   */
  readSecretShape(server: string, at: SecretLocation, version: string | undefined, opts: FactOptions & { kvVersion: '1' | '2' }): Promise<Fact<SecretReadFact>>;
  /** LIST (sent as GET ?list=true) of a folder; key names as Vault returns them (`dir/` for folders). */
  listKeys(server: string, at: FolderLocation, opts: FactOptions): Promise<Fact<string[]>>;
  /** True when data reads are disabled by configuration (metadata-only mode). */
  readonly metadataOnly: boolean;
  /** A budget of Vault lookups for one object checked until `deadlineAtMs` (absent: lookups are not limited). */
  openBudget?(deadlineAtMs: number): RequestBudget;
  /** True when the operator let the webhook read secret values on this mount (`kv/dev/`). */
  readsValues(server: string, mount: string): boolean;
  /** Vault or OpenBao, as the server's sys/health said (Vault until it has); the ACL follows it. */
  flavour?(server: string): AclFlavour;
  /**
   * The certificate chain the server presents at the webhook's configured address for it (one TLS
   * handshake, cached like mounts). Optional: fact sources without a network (tests, offline) omit it.
   */
  presentedChain?(server: string, opts: FactOptions): Promise<Fact<PresentedChainFact>>;
}
