// What one check of one object produces, before a decision is made from it.
import type { Finding } from './finding.js';

export interface CheckedResource {
  kind: string;
  namespace?: string;
  name: string;
}

/** A check that could not run (Vault unreachable, sealed, timed out, not configured, forbidden to the webhook). */
export interface CouldNotCheck {
  reason: string;
}

export interface CheckResult {
  findings: Finding[];
  couldNotCheck: CouldNotCheck[];
  resource: CheckedResource;
  /** The object's annotations (mode and skip-codes overrides are read from them). */
  annotations: Record<string, string>;
  /** Set when the object was not judged at all (a kind or API version the checks do not model): why. */
  skipped?: string;
}
