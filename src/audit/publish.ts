// Turning one pass's results into drift reports: Warning Events for new error/warning findings and
// the findings gauge. "Vault unavailable" is never reported as drift: an object that could not be
// checked keeps the findings it had (last known), and gets no Event saying its manifest is broken.
import type { Finding } from '../checks/finding.js';
import { aboutManifest } from '../checks/finding-codes.js';
import { errorLine, warningLine } from '../checks/messages.js';
import type { EventRecorder } from '../kube/events.js';
import type { AuditedObject } from './check-one.js';
import { EventLedger } from './event-ledger.js';
import type { AuditMetrics } from './metrics.js';

/** Findings that say something about the manifest (not about the webhook's view of Vault). */
function verdicts(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => aboutManifest(f.code));
}

const identity = (f: Finding) => `${f.code}\u0000${f.field}\u0000${f.message}`;

/** Per object key, the findings the audit stands by after this pass. */
export function currentFindings(audited: readonly AuditedObject[], previous: ReadonlyMap<string, Finding[]>): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const a of audited) {
    const fresh = verdicts(a.result.findings);
    if (a.complete) {
      out.set(a.key, fresh);
      continue;
    }
    const merged = new Map<string, Finding>();
    for (const f of [...(previous.get(a.key) ?? []), ...fresh]) merged.set(identity(f), f);
    out.set(a.key, [...merged.values()]);
  }
  return out;
}

export function setFindingsGauge(metrics: AuditMetrics, audited: readonly AuditedObject[], current: ReadonlyMap<string, Finding[]>): void {
  const counts = new Map<string, { code: string; namespace: string; n: number }>();
  for (const a of audited) {
    for (const f of current.get(a.key) ?? []) {
      const k = `${f.code}\u0000${a.namespace}`;
      const entry = counts.get(k) ?? { code: f.code, namespace: a.namespace, n: 0 };
      entry.n += 1;
      counts.set(k, entry);
    }
  }
  // Reset and set in one synchronous step: a scrape never sees a half-updated gauge, and series
  // of fixed findings disappear.
  metrics.findings.reset();
  for (const { code, namespace, n } of counts.values()) metrics.findings.set({ code, namespace }, n);
}

/**
 * Sends an Event for each error/warning finding found fresh this pass that the ledger has not
 * announced recently; forgets findings no longer present so they are announced again if they return.
 */
export async function emitEvents(audited: readonly AuditedObject[], current: ReadonlyMap<string, Finding[]>, ledger: EventLedger, events: EventRecorder): Promise<number> {
  const present = new Set<string>();
  for (const a of audited) {
    for (const f of current.get(a.key) ?? []) present.add(EventLedger.keyOf(a.key, f.code, f.field, f.message));
  }
  ledger.retainOnly(present);
  let sent = 0;
  for (const a of audited) {
    for (const f of verdicts(a.result.findings)) {
      if (f.severity === 'info') continue;
      if (!ledger.shouldEmit(EventLedger.keyOf(a.key, f.code, f.field, f.message))) continue;
      // Sequential: a pass with many new findings must not burst the API server.
      await events.record(a.involved, 'Warning', f.code, f.severity === 'error' ? errorLine(f) : warningLine(f));
      sent += 1;
    }
  }
  return sent;
}
