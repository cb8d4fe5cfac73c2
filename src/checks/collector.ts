// Accumulates findings and "could not check" entries of one object, without duplicates
// (several references through one store share the store's binding findings).
import { displayText, safeText } from './display-text.js';
import type { Finding } from './finding.js';
import type { CouldNotCheck } from './result.js';
import { isUnavailable, unavailableReason, vaultUnavailableFinding, WEBHOOK_REMEDIES, type UnavailableFact, type UnavailableRemedies } from './rules/vault-unavailable.js';
import type { Fact } from '../vault/facts.js';

export class Collector {
  readonly findings: Finding[] = [];
  readonly couldNotCheck: CouldNotCheck[] = [];
  // Made on first use: most admissions add no finding and meet no unavailable fact.
  private seen: Set<string> | undefined;
  private seenReasons: Set<string> | undefined;

  /** Fields whose lookups were skipped (budget spent, deadline passed): summarised once by the engine, not one entry each. */
  readonly skipped = new Map<string, 'budget' | 'deadline'>();

  constructor(private readonly remedies: UnavailableRemedies = WEBHOOK_REMEDIES) {}

  /** Records findings with their text made safe to show (display-text.ts): every output shows these. */
  add(...added: Finding[]): void {
    if (added.length === 0) return;
    const findings = added.map((f): Finding => {
      const { fix, ...rest } = f;
      return {
        ...rest,
        field: safeText(f.field),
        message: safeText(f.message),
        ...(f.hint !== undefined ? { hint: safeText(f.hint) } : {}),
        // A fix is written into a manifest as is: one whose value the display would alter is no certain fix.
        ...(fix !== undefined && displayText(fix.value) === fix.value && fix.value !== '' ? { fix } : {}),
      };
    });
    for (const f of findings) {
      const key = `${f.code}\u0000${f.field}\u0000${f.message}`;
      this.seen ??= new Set();
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.findings.push(f);
    }
  }

  unavailable(field: string, fact: UnavailableFact): void {
    if (fact.status === 'skipped') {
      // Offline runs ask Vault nothing by design; the run says so once, not per object.
      if (fact.reason === 'offline') return;
      if (this.skipped.get(field) !== 'budget') this.skipped.set(field, fact.reason);
      return;
    }
    const reason = safeText(unavailableReason(fact, this.remedies));
    this.seenReasons ??= new Set();
    if (!this.seenReasons.has(reason)) {
      this.seenReasons.add(reason);
      this.couldNotCheck.push({ reason });
    }
    this.add(vaultUnavailableFinding(field, fact, this.remedies));
  }

  /** A lookup outside Vault (the Kubernetes API) that could not be made: could-not-check, never a finding. */
  notChecked(reason: string): void {
    const safe = safeText(reason);
    this.seenReasons ??= new Set();
    if (this.seenReasons.has(safe)) return;
    this.seenReasons.add(safe);
    this.couldNotCheck.push({ reason: safe });
  }

  /** Records an unavailable fact and returns true; returns false for ok / not_found. */
  failed<T>(field: string, fact: Fact<T>): boolean {
    if (!isUnavailable(fact)) return false;
    this.unavailable(field, fact);
    return true;
  }
}
