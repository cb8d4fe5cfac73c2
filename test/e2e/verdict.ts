// How one object's webhook verdict and ESO's outcome are compared (pure; unit-tested).

export type Verdict = 'deny' | 'allow' | 'allow-with-warnings' | 'not-verifiable' | 'out-of-scope';
/** refused: ESO's own admission webhook refused the object (it never exists, so it never syncs). */
export type EsoOutcome = 'ready' | 'not-ready' | 'no-condition' | 'refused' | 'not-run';
export type Agreement = 'agree' | 'false-denial' | 'miss' | 'unverified' | 'not-applicable';

/** Codes that announce a change or a limit, not a broken manifest. */
const ADVISORY = new Set(['Defaulted']);
const UNVERIFIABLE = new Set(['NotVerifiable', 'VaultUnavailable']);

export function verdictOf(decision: 'allow' | 'deny', codes: readonly string[]): Verdict {
  if (decision === 'deny') return 'deny';
  if (codes.includes('StoreOutOfScope')) return 'out-of-scope';
  if (codes.some((c) => UNVERIFIABLE.has(c))) return 'not-verifiable';
  return codes.some((c) => !ADVISORY.has(c)) ? 'allow-with-warnings' : 'allow';
}

/**
 * deny vs ESO ready is a false denial; a clean allow vs ESO failing is a miss; a warning that
 * ESO's failure bears out, or a warning on a store ESO accepts, agrees (warnings never block).
 * "Could not verify" is counted apart; objects outside Vault are not compared.
 */
export function agreementOf(verdict: Verdict, outcome: EsoOutcome): Agreement {
  if (verdict === 'out-of-scope' || outcome === 'not-run') return 'not-applicable';
  if (verdict === 'not-verifiable') return 'unverified';
  const ready = outcome === 'ready';
  if (verdict === 'deny') return ready ? 'false-denial' : 'agree';
  if (verdict === 'allow') return ready ? 'agree' : 'miss';
  return 'agree';
}

export interface AgreementSummary {
  total: number;
  agree: number;
  falseDenials: number;
  misses: number;
  unverified: number;
  notApplicable: number;
}

export function summarise(agreements: readonly Agreement[]): AgreementSummary {
  const n = (a: Agreement) => agreements.filter((x) => x === a).length;
  return {
    total: agreements.length - n('not-applicable'),
    agree: n('agree'),
    falseDenials: n('false-denial'),
    misses: n('miss'),
    unverified: n('unverified'),
    notApplicable: n('not-applicable'),
  };
}

/** `[Code]` markers in kubectl's output (denial message and `Warning:` lines). */
export function codesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\[([A-Z][A-Za-z]+)\]/g)].map((m) => m[1]!))];
}
