// Typed facts about Vault, each saying how it was obtained. Rules consume these; they never call Vault.
import type { ValueShape } from '../eso/value-shape.js';

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
  | { status: 'not_configured'; source: FactSource; server: string };

/** Options every lookup takes: the Vault Enterprise namespace of the store and the admission's deadline. */
export interface FactOptions {
  namespace?: string;
  /** Absolute deadline, epoch milliseconds (Date.now() based). */
  deadlineAtMs: number;
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
}

/**
 * The result of reading a secret's data path, values already dropped.
 * - present: 200, the data's shape (KV v2: the shape of `data.data`; KV v1/other: of `data`).
 *   `envelopeShape` is the shape of the raw `data` object (for v1-reading-a-v2-path diagnostics).
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
  /** KV v2 metadata at the metadata API path (`kv/dev/metadata/app`). */
  kvMetadata(server: string, metadataPath: string, opts: FactOptions): Promise<Fact<KvMetadataFact>>;
  /**
   * Read the data API path (`kv/dev/data/app`) with optional `?version=`; values dropped at once.
   * In metadata-only mode no request is sent: the answer is `unavailable` with detail
   * `METADATA_ONLY_DETAIL` (rules treat it like any "could not look" answer).
   */
  readSecretShape(server: string, dataPath: string, version: string | undefined, opts: FactOptions & { kvVersion: '1' | '2' }): Promise<Fact<SecretReadFact>>;
  /** LIST (sent as GET ?list=true) at a metadata/v1 path; key names as Vault returns them (`dir/` for folders). */
  listKeys(server: string, listPath: string, opts: FactOptions): Promise<Fact<string[]>>;
  /** True when data reads are disabled by configuration (metadata-only mode). */
  readonly metadataOnly: boolean;
}
