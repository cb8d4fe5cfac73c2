// A finding is what a rule concludes about one field of one resource. Its code is one of the
// registry's (finding-codes.ts); messages are for people running kubectl.
import type { FindingCode, Severity } from './finding-codes.js';

export type { FindingCode, Severity } from './finding-codes.js';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Field path in the object, e.g. `spec.data[1].remoteRef.property`. */
  field: string;
  /** What was expected and what was found, in one sentence a person can act on. */
  message: string;
  /** How to fix it (may be empty). */
  hint?: string;
  /** The one certain edit that fixes it, applied by `eso-vault-guard fix`; set only when the hint already names it. */
  fix?: FieldFix;
}

/**
 * A value to set in the checked object itself: never a guess among several candidates, and never
 * more than the finding's own text reveals (the hint names the same value).
 */
export interface FieldFix {
  /** Field path in the object, in the finding's notation (`spec.secretStoreRef.kind`); created when absent. */
  field: string;
  value: string;
}
