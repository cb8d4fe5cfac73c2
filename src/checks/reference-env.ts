// What the reference checks of one ExternalSecret share (reference-check.ts, secret-state-check.ts).
import type { StoreModel } from '../eso/model.js';
import type { Finding } from './finding.js';
import type { StoreAccessCache, StoreCheckEnv } from './store-access.js';

/** What a store check needs, plus what the references of one ExternalSecret share. */
export interface ReferenceCheckEnv extends StoreCheckEnv {
  /** deletionPolicy Delete/Merge: ESO skips a missing secret. */
  missingIsSkipped: boolean;
  /** Store access per store and identity, shared by the references of one object. */
  accessCache: StoreAccessCache;
  /** The Secret ESO writes (spec.target.name, else the ExternalSecret's name). */
  targetName?: string;
  /** The store's TLS-trust findings (tls-check.ts), shared per store; absent: not checked here. */
  storeTrust?: (store: StoreModel) => Promise<Finding[]>;
  /** dataFrom entry field → the Secret keys ESO makes of it, where they are known (templates read them). */
  producedKeys?: Map<string, string[]>;
}

