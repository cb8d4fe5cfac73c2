// How the references of one object share its budget of Vault lookups: checked in order, a few at a
// time, until the budget or the time runs out; what was not checked is said once, with a count.
import type { ReferencePlan } from '../eso/model.js';
import type { RequestBudget } from '../vault/facts.js';
import type { Collector } from './collector.js';
import { checkReference, type ReferenceCheckEnv } from './reference-check.js';

/** Time kept before the caller's deadline for summing up (at most a tenth of the time left). */
export const STOP_RESERVE_MS = 200;

/** References checked at the same time; VaultFacts coalesces identical lookups, the budget paces them. */
const REFERENCE_CONCURRENCY = 32;

/**
 * Checks references in order, a few at a time, until the object's budget is spent or its deadline
 * passes; returns how many were never started. In order, so the store's login facts (asked by the
 * first references) come before the thousandth reference's secret.
 */
export async function checkReferences(plans: readonly ReferencePlan[], env: ReferenceCheckEnv, budget: RequestBudget | undefined, deadlineAtMs: number): Promise<number> {
  if (plans.length <= REFERENCE_CONCURRENCY) {
    // Every reference has a place at once: started in order, each after the one before has run up
    // to its first wait, as the workers below would, without a worker (and its promise) per reference.
    // A spent budget and a passed deadline stay so: once one stops the starts, none follows.
    const running: Promise<void>[] = [];
    for (const plan of plans) {
      if (budget?.exhausted || Date.now() >= deadlineAtMs) break;
      running.push(checkReference(plan, env));
    }
    await Promise.all(running);
    return plans.length - running.length;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length) {
      if (budget?.exhausted || Date.now() >= deadlineAtMs) return;
      const plan = plans[next] as ReferencePlan;
      next += 1;
      await checkReference(plan, env);
    }
  };
  await Promise.all(Array.from({ length: Math.min(REFERENCE_CONCURRENCY, plans.length) }, worker));
  return plans.length - next;
}

const REFERENCE_FIELD = /^spec\.(?:data|dataFrom)\[\d+\]/;

/** One could-not-check entry, naming how many references were not checked, instead of one per lookup. */
export function summariseSkipped(collector: Collector, plans: readonly ReferencePlan[], notStarted: number, budget: RequestBudget | undefined): void {
  if (collector.skipped.size === 0 && notStarted === 0) return;
  const started = new Set(plans.slice(0, plans.length - notStarted).map((p) => p.field));
  const hit = new Set<string>();
  let shared = false;
  for (const field of collector.skipped.keys()) {
    const ref = REFERENCE_FIELD.exec(field)?.[0];
    if (ref !== undefined && started.has(ref)) hit.add(ref);
    else shared = true;
  }
  const becauseBudget = budget?.exhausted === true || [...collector.skipped.values()].includes('budget');
  const why = becauseBudget
    ? `it needs more than the ${budget?.limit ?? ''} Vault lookups one object may make`
    : 'its deadline passed';
  const unchecked = shared ? plans.length : hit.size + notStarted;
  const what = plans.length === 0
    ? 'some Vault lookups were not made'
    : `${unchecked} of ${plans.length} references were not checked`;
  const reason = `${what}: ${why}`;
  collector.couldNotCheck.push({ reason });
  collector.add({
    code: 'VaultUnavailable',
    severity: 'warning',
    field: 'spec',
    message: `Not checked against Vault: ${reason}.`,
    hint: plans.length > 1
      ? 'Split the object into smaller ones, or read many keys with one request (dataFrom extract or find); what was checked is reported.'
      : 'Retry; if it persists, Vault answers too slowly for the admission deadline.',
  });
}
