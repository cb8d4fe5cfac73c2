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
}
