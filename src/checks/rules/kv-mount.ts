// KV mount and version: is the path ESO builds served by a KV engine of the store's version?
import type { KvMountFact } from '../../vault/facts.js';
import type { VaultRequestPlan } from '../../eso/model.js';
import type { Finding } from '../finding.js';
import { describeStore, type StoreLabel } from './describe.js';

export interface MountInput {
  store: StoreLabel;
  storeVersion: 'v1' | 'v2';
  storePath: string | null;
  /** The path ESO's request reaches (Vault's request path without `/v1/`). */
  requestPath: string;
  purpose: VaultRequestPlan['purpose'];
  /** Where path problems are reported (`spec.data[0].remoteRef.key`, or the store's `spec.provider.vault.path`). */
  field: string;
  /** Where version problems are reported (`spec.secretStoreRef`, or the store's `spec.provider.vault.version`). */
  versionField: string;
  /** undefined when no mount serves the path. */
  mount: KvMountFact | undefined;
  /** Extra hints (classic mistakes) for a failing finding. */
  hints?: string[];
  /** The store is judged alone, for no particular key (a SecretStore/ClusterSecretStore admission). */
  storeOnly?: boolean;
}

export interface MountVerdict {
  findings: Finding[];
  /** Read the secret to check existence and properties (false for non-KV engines and hopeless paths). */
  proceed: boolean;
}

const STORE_VERSION_FIELD = 'spec.provider.vault.version';

function withHints(base: string, hints: string[] | undefined): string {
  return [base, ...(hints ?? [])].filter((h) => h !== '').join(' ');
}

/** The verdict of a path a KV mount of the store's version serves as ESO asks it: nothing to say. */
const SERVED: MountVerdict = Object.freeze({ findings: Object.freeze([]) as unknown as Finding[], proceed: true });

/**
 * A KV mount of the store's version serves the path as ESO asks it: the common case, in which
 * kvMountFindings has nothing to say (judged before any text or input is built).
 */
export function mountServes(mount: KvMountFact | undefined, storeVersion: MountInput['storeVersion'], requestPath: string, purpose: MountInput['purpose']): boolean {
  if (!mount || (mount.type !== 'kv' && mount.type !== 'generic')) return false;
  const version = mount.kvVersion ?? '1';
  return storeVersion === 'v2' ? version === '2' && requestPath.startsWith(purpose === 'data' ? `${mount.mountPath}data/` : `${mount.mountPath}metadata/`) : version === '1';
}

export function kvMountFindings(input: MountInput): MountVerdict {
  const mount = input.mount;
  if (mountServes(mount, input.storeVersion, input.requestPath, input.purpose)) return SERVED;
  const storeText = describeStore(input.store);
  if (!mount) {
    return {
      proceed: false,
      findings: [
        {
          code: 'MountNotFound',
          severity: 'error',
          field: input.field,
          message: `No secrets engine is mounted at a path serving ${input.requestPath}, which ESO requests through ${storeText}.`,
          hint: withHints(
            input.storePath === null
              ? 'Without spec.provider.vault.path the first segment of the key is taken as the mount: start the key with the KV mount path, or set path on the store.'
              : `Set spec.provider.vault.path on the store to the KV mount's path (now "${input.storePath}").`,
            input.hints,
          ),
        },
      ],
    };
  }
  const mountPath = mount.mountPath;
  const mountName = mountPath.replace(/\/$/, '');
  if (mount.type !== 'kv' && mount.type !== 'generic') {
    if (input.storeVersion === 'v1') return { findings: [], proceed: false };
    return {
      proceed: false,
      findings: [
        {
          code: 'KVVersionMismatch',
          severity: 'error',
          field: input.versionField,
          message: `"${mountName}" is a ${mount.type} secrets engine, not KV, but ${storeText} has version: v2, so ESO inserts "data/" and requests ${input.requestPath}.`,
          hint: 'Use a store with version: v1 for non-KV engines, or a VaultDynamicSecret generator.',
        },
      ],
    };
  }
  const mountVersion = mount.kvVersion ?? '1';
  const apiPrefix = input.purpose === 'data' ? `${mountPath}data/` : `${mountPath}metadata/`;
  if (input.storeVersion === 'v2' && mountVersion === '1') {
    return {
      proceed: false,
      findings: [
        {
          code: 'KVVersionMismatch',
          severity: 'error',
          field: input.versionField,
          message: `"${mountName}" is a KV version 1 mount, but ${storeText} has version: v2 (the CRD default when omitted), so ESO requests ${input.requestPath}, a path KV v1 does not serve this way.`,
          hint: withHints('Set spec.provider.vault.version: v1 on the store.', input.hints),
          // Certain on the store itself (a v2 store reads nothing from a v1 mount); a reference's field is not the store.
          ...(input.versionField === STORE_VERSION_FIELD ? { fix: { field: STORE_VERSION_FIELD, value: 'v1' } } : {}),
        },
      ],
    };
  }
  if (input.storeVersion === 'v1' && mountVersion === '2') {
    if (input.purpose === 'data' && input.requestPath.startsWith(`${mountPath}data/`)) {
      // The issue #1333 workaround: a v1 store reading a v2 data path gets the {data, metadata} envelope.
      return {
        proceed: true,
        findings: [
          {
            code: 'KVVersionMismatch',
            severity: 'warning',
            field: input.versionField,
            message: `"${mountName}" is a KV version 2 mount and ${storeText} has version: v1; this read works only because the key contains "data/", and ESO returns the whole {data, metadata} envelope.`,
            hint: 'Set version: v2 on the store, drop "data/" from the key and the "data." prefix from properties.',
          },
        ],
      };
    }
    const message = `"${mountName}" is a KV version 2 mount, but ${storeText} has version: v1, so ESO requests ${input.requestPath}, which KV v2 answers with "Invalid path for a versioned K/V secrets engine" (ESO: Secret does not exist).`;
    return {
      proceed: false,
      findings: [
        {
          code: 'KVVersionMismatch',
          // A v1 store on a KV v2 mount still syncs keys written as `data/<path>` (ESO issue #1333),
          // so for the store alone the mismatch is a warning; a v2 store on a v1 mount never reads anything.
          severity: input.storeOnly ? 'warning' : 'error',
          field: input.versionField,
          message: input.storeOnly ? `${message} Keys written as "data/<path>" still work (the {data, metadata} envelope is returned).` : message,
          hint: withHints('Set spec.provider.vault.version: v2 on the store.', input.hints),
        },
      ],
    };
  }
  if (mountVersion === '2' && !input.requestPath.startsWith(apiPrefix)) {
    const fix =
      input.storePath !== null && input.storePath.replace(/^\/+|\/+$/g, '').startsWith(mountPath)
        ? `Set spec.provider.vault.path: "${mountName}" and start keys with "${input.storePath.replace(/^\/+|\/+$/g, '').slice(mountPath.length)}/".`
        : `Use the KV mount "${mountName}" as the store's path and the rest of the path in the key.`;
    return {
      proceed: false,
      findings: [
        {
          code: 'MountNotFound',
          severity: 'error',
          field: input.field,
          message: `${input.requestPath} is served by KV v2 mount "${mountName}", not by a mount at the store's path "${input.storePath ?? input.requestPath.split('/')[0]}", so Vault answers "Invalid path for a versioned K/V secrets engine" (ESO: failed to find data field).`,
          hint: withHints(fix, input.hints),
        },
      ],
    };
  }
  return SERVED;
}
