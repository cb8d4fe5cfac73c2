// ClusterExternalSecret and ClusterPushSecret against ESO, one namespace at a time (pure; unit-tested).
// ESO creates the owner's ExternalSecret/PushSecret in every selected namespace
// (clusterexternalsecret_controller.go / clusterpushsecret_controller.go): a namespace where that
// failed is in the owner's status.failedNamespaces with the reason, the others in
// provisionedNamespaces, and the owner's Ready condition is False ("one or more namespaces failed")
// when any failed. Whether the created object then syncs is its own Ready condition. The webhook
// judges the owner once per namespace and says where each finding holds ("In namespace(s) "a", "b"
// (ExternalSecret "x"): …", per-namespace-check.ts); kubectl prints those lines.
import { agreementOf, verdictOf, type Agreement, type EsoOutcome, type Verdict } from './verdict.js';

export const FANOUT_CHILD: Record<string, string> = { ClusterExternalSecret: 'ExternalSecret', ClusterPushSecret: 'PushSecret' };

/** What the webhook said about each namespace, read from kubectl's output for the owner. */
export interface NamespaceFindings {
  /** Codes of error findings (a denial's lines) and of the other findings (`Warning:` lines), per namespace. */
  byNamespace: Map<string, { errors: Set<string>; others: Set<string> }>;
  /** Findings not about one namespace (a selector ESO cannot convert, "selects no namespace"). */
  objectWide: { errors: Set<string>; others: Set<string> };
  /** Namespace lists that were cut ("(+3 more)"): a namespace not in one may carry that finding. */
  truncated: Set<string>[];
}

const NS_PREFIX = /: In namespaces? ((?:"[^"]+"(?:, )?)+)( \(\+\d+ more\))? \((?:ExternalSecret|PushSecret) "[^"]*"\): /;

export function namespaceFindings(lines: readonly string[]): NamespaceFindings {
  const out: NamespaceFindings = { byNamespace: new Map(), objectWide: { errors: new Set(), others: new Set() }, truncated: [] };
  for (const raw of lines) {
    const warning = /^Warning: /.test(raw);
    const line = raw.replace(/^Warning: /, '');
    // A finding line starts with its code: `[Code] field: message` (errorLine/warningLine).
    const m = /^\[([A-Z][A-Za-z]+)\] /.exec(line);
    if (!m) continue;
    const code = m[1]!;
    const kind = warning ? 'others' : 'errors';
    const where = NS_PREFIX.exec(line);
    if (!where) {
      out.objectWide[kind].add(code);
      continue;
    }
    const listed = [...where[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
    if (where[2]) out.truncated.push(new Set(listed));
    for (const ns of listed) {
      const entry = out.byNamespace.get(ns) ?? { errors: new Set<string>(), others: new Set<string>() };
      entry[kind].add(code);
      out.byNamespace.set(ns, entry);
    }
  }
  return out;
}

/** The webhook's decision and codes for one namespace (its own findings and the object-wide ones). */
export function namespaceVerdict(f: NamespaceFindings, ns: string): { decision: 'allow' | 'deny'; codes: string[]; verdict: Verdict; truncated: boolean } {
  const own = f.byNamespace.get(ns);
  const errors = new Set([...(own?.errors ?? []), ...f.objectWide.errors]);
  const codes = [...new Set([...errors, ...(own?.others ?? []), ...f.objectWide.others])].sort();
  const decision = errors.size > 0 ? 'deny' : 'allow';
  const truncated = f.truncated.some((listed) => !listed.has(ns));
  return { decision, codes, verdict: truncated ? 'not-verifiable' : verdictOf(decision, codes), truncated };
}

export interface EsoCondition { status: string; reason?: string; message?: string }

/** What ESO's status says for an owner (ClusterExternalSecret/ClusterPushSecret). */
export interface OwnerStatus {
  ready?: EsoCondition;
  childName: string;
  provisioned: string[];
  failed: { namespace: string; reason: string }[];
}

export function ownerStatus(item: Record<string, unknown>): OwnerStatus {
  const o = item as { metadata?: { name?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
  const status = o.status ?? {};
  const conds = (status.conditions ?? []) as { type?: string; status?: string; reason?: string; message?: string }[];
  const ready = conds.find((c) => c.type === 'Ready');
  const childName = String(status.externalSecretName ?? status.pushSecretName ?? o.spec?.externalSecretName ?? o.spec?.pushSecretName ?? '') || String(o.metadata?.name ?? '');
  return {
    ...(ready ? { ready: { status: String(ready.status), ...(ready.reason ? { reason: ready.reason } : {}), ...(ready.message ? { message: ready.message } : {}) } } : {}),
    childName,
    provisioned: ((status.provisionedNamespaces ?? []) as string[]).map(String),
    failed: ((status.failedNamespaces ?? []) as { namespace?: string; reason?: string }[]).map((f) => ({ namespace: String(f.namespace ?? ''), reason: String(f.reason ?? '') })),
  };
}

export interface FanoutRow {
  /** The namespace of the object ESO created; null for the owner's own row (ESO created nothing). */
  namespace: string | null;
  childKind: string;
  childName: string;
  webhook: { decision: 'allow' | 'deny'; codes: string[] };
  verdict: Verdict;
  eso: { outcome: EsoOutcome; reason?: string; message?: string; failedNamespace?: string };
  agreement: Agreement;
  note?: string;
}

/**
 * One row per namespace ESO (or the webhook) names for the owner. A namespace in
 * failedNamespaces failed in ESO whatever its child says; a provisioned one is its child's Ready
 * condition. A namespace only the webhook names was not selected by ESO: a denial there is a false
 * denial (ESO never creates anything there), anything else is not compared. Without any namespace,
 * the owner's own Ready condition is the outcome.
 */
export function fanoutRows(input: {
  ownerKind: string;
  objectDecision: 'allow' | 'deny';
  objectCodes: readonly string[];
  lines: readonly string[];
  status: OwnerStatus | undefined;
  child: (namespace: string) => EsoCondition | undefined;
  esoRan: boolean;
}): FanoutRow[] {
  const childKind = FANOUT_CHILD[input.ownerKind] ?? 'ExternalSecret';
  const status = input.status;
  const childName = status?.childName ?? '';
  const findings = namespaceFindings(input.lines);
  const failed = new Map((status?.failed ?? []).map((f) => [f.namespace, f.reason]));
  const eso = new Set([...(status?.provisioned ?? []), ...failed.keys()].filter((n) => n !== 'unknown'));
  const namespaces = [...new Set([...eso, ...findings.byNamespace.keys()])].sort();
  if (namespaces.length === 0) {
    const verdict = verdictOf(input.objectDecision, [...input.objectCodes]);
    const ready = status?.ready;
    const outcome: EsoOutcome = !input.esoRan ? 'not-run' : !ready ? 'no-condition' : ready.status === 'True' ? 'ready' : 'not-ready';
    const unknown = failed.get('unknown');
    return [{
      namespace: null, childKind, childName,
      webhook: { decision: input.objectDecision, codes: [...input.objectCodes].sort() },
      verdict,
      eso: {
        outcome,
        ...(ready?.reason ?? (unknown !== undefined ? 'failedNamespaces' : undefined) ? { reason: ready?.reason ?? 'failedNamespaces' } : {}),
        ...(unknown ?? ready?.message ? { message: unknown !== undefined ? `status.failedNamespaces[unknown]: ${unknown}` : ready?.message } : {}),
      },
      agreement: agreementOf(verdict, outcome),
      note: unknown !== undefined ? `ESO created no ${childKind}: it could not select namespaces (status.failedNamespaces "unknown")` : `ESO created no ${childKind}: no namespace is provisioned or failed`,
    }];
  }
  return namespaces.map((ns): FanoutRow => {
    const w = namespaceVerdict(findings, ns);
    const base = { namespace: ns, childKind, childName, webhook: { decision: w.decision, codes: w.codes }, verdict: w.verdict };
    const note = w.truncated ? 'the webhook listed its findings\' namespaces in part ("+N more"): this namespace is not compared' : undefined;
    if (!input.esoRan) return { ...base, eso: { outcome: 'not-run' }, agreement: 'not-applicable' };
    if (!eso.has(ns)) {
      return {
        ...base, eso: { outcome: 'no-condition' },
        agreement: w.decision === 'deny' ? 'false-denial' : 'not-applicable',
        note: `ESO did not select namespace "${ns}" (neither provisioned nor failed), the webhook judged it`,
      };
    }
    const reason = failed.get(ns);
    if (reason !== undefined) {
      const owner = status?.ready ? `; ${input.ownerKind} Ready ${status.ready.status}${status.ready.message ? `: ${status.ready.message}` : ''}` : '';
      return { ...base, eso: { outcome: 'not-ready', reason: 'failedNamespaces', message: `status.failedNamespaces[${ns}]: ${reason}${owner}`, failedNamespace: ns }, agreement: agreementOf(w.verdict, 'not-ready'), ...(note ? { note } : {}) };
    }
    const cond = input.child(ns);
    const outcome: EsoOutcome = !cond ? 'no-condition' : cond.status === 'True' ? 'ready' : 'not-ready';
    return {
      ...base,
      eso: { outcome, ...(cond?.reason ? { reason: cond.reason } : {}), ...(cond?.message ? { message: cond.message } : {}) },
      agreement: agreementOf(w.verdict, outcome),
      ...(note ? { note } : {}),
    };
  });
}
