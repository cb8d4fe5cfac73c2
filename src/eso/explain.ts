// The report `eso-vault-guard explain --offline` prints: per secret reference, the store, server,
// Vault path, capability, property, identity and problems, computed from manifests alone.
import { detectClassicMistakes } from './mistakes.js';
import type { EsoProblem, IdentityPlan, ReferencePlan, StoreModel } from './model.js';
import type { ParsedEsoObject } from './parse.js';
import { planIdentity } from './identity.js';
import { planExternalSecret, type StoreLookup } from './plan.js';
import { explainTrust, type TrustExplain } from './tls-trust-explain.js';

export interface ExplainEntry {
  resource: { kind: string; namespace: string | null; name: string };
  field: string;
  /** data | extract | find | generator | empty | store | resource */
  referenceKind: string;
  store: { kind: string; name: string } | null;
  server: string | null;
  /** HTTP path of the first request (`/v1/kv/dev/data/app`), null when none is made. */
  vaultPath: string | null;
  capability: 'read' | 'list' | null;
  property: string | null;
  /** PUT and DELETE only for PushSecret writes. */
  requests: { purpose: string; method: 'GET' | 'LIST' | 'PUT' | 'DELETE'; path: string; query: Record<string, string> | null; capability: string; field: string }[];
  /** find only: reads ESO makes for each LIST result (`*` = each candidate). */
  perCandidate: { purpose: string; pathPattern: string; capability: string }[];
  identity: IdentityPlan | null;
  problems: EsoProblem[];
  hints: { kind: string; field: string; message: string; hint: string }[];
  outOfScope: string | null;
  /** Stores with an https:// server: the CA set ESO will trust and the host it verifies. */
  tls?: TrustExplain;
  /** ClusterExternalSecret/ClusterPushSecret: the namespace of the object ESO creates, and its kind and name. */
  createdIn?: { namespace: string; kind: string; name: string };
  /** PushSecret dataTo per key: the requests ESO makes for each source key (`<key>` in the path). */
  perKey?: { purpose: string; method: 'GET' | 'PUT' | 'DELETE'; pathPattern: string; capability: string }[];
}

function storeServer(store: StoreModel | undefined): string | null {
  return store && store.provider.type === 'vault' ? store.provider.vault.server : null;
}

function entryFromPlan(resource: ExplainEntry['resource'], plan: ReferencePlan): ExplainEntry {
  const first = plan.requests[0];
  const vault = plan.store?.provider.type === 'vault' ? plan.store.provider.vault : undefined;
  const hints = vault && plan.remoteRef ? detectClassicMistakes(vault, plan.remoteRef, plan.remoteRef.field ?? `${plan.field}.remoteRef`) : [];
  return {
    resource,
    field: plan.field,
    referenceKind: plan.kind,
    store: plan.storeRef ? { kind: plan.storeRef.kind, name: plan.storeRef.name } : null,
    server: storeServer(plan.store),
    vaultPath: first ? first.httpPath : null,
    capability: first ? first.capability : null,
    property: plan.remoteRef?.property ?? null,
    requests: plan.requests.map((r) => ({
      purpose: r.purpose, method: r.capability === 'list' ? 'LIST' : 'GET', path: r.httpPath,
      query: r.query ?? null, capability: r.capability, field: r.field,
    })),
    perCandidate: plan.perCandidate ?? [],
    identity: plan.identity ?? null,
    problems: plan.problems,
    hints,
    outOfScope: plan.outOfScope ?? null,
  };
}

/** Explain every ExternalSecret and store among `objects`; problems from parsing stay with their resource. */
export function explainObjects(objects: readonly ParsedEsoObject[], lookup: StoreLookup): ExplainEntry[] {
  const out: ExplainEntry[] = [];
  for (const o of objects) {
    if (o.kind === 'ExternalSecret') {
      const es = o.model;
      const resource = { kind: 'ExternalSecret', namespace: es.namespace, name: es.name };
      const plans = planExternalSecret(es, lookup);
      const used = new Set<EsoProblem>();
      const entries = plans.map((plan) => {
        const e = entryFromPlan(resource, plan);
        const own = o.problems.filter((p) => p.field === plan.field || p.field.startsWith(`${plan.field}.`));
        own.forEach((p) => used.add(p));
        e.problems = [...own, ...e.problems];
        return e;
      });
      const rest = o.problems.filter((p) => !used.has(p));
      if (rest.length > 0 || entries.length === 0) {
        out.push({
          resource, field: 'spec', referenceKind: 'resource', store: es.secretStoreRef ? { kind: es.secretStoreRef.kind, name: es.secretStoreRef.name } : null,
          server: null, vaultPath: null, capability: null, property: null, requests: [], perCandidate: [], identity: null, problems: rest, hints: [], outOfScope: null,
        });
      }
      out.push(...entries);
    } else if (o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore') {
      const s = o.model;
      const vault = s.provider.type === 'vault' ? s.provider.vault : undefined;
      out.push({
        resource: { kind: s.kind, namespace: s.namespace ?? null, name: s.name },
        field: 'spec.provider',
        referenceKind: 'store',
        store: { kind: s.kind, name: s.name },
        server: vault?.server ?? null,
        vaultPath: null,
        capability: null,
        property: null,
        requests: [],
        perCandidate: [],
        identity: vault ? planIdentity(s, s.kind === 'SecretStore' ? s.namespace : undefined, lookup.controllerServiceAccount) : null,
        problems: o.problems,
        hints: [],
        outOfScope: vault ? null : `provider ${s.provider.type === 'other' ? s.provider.name || '(missing)' : ''} is not Vault`,
        ...(vault && explainTrust(s, vault) ? { tls: explainTrust(s, vault) as TrustExplain } : {}),
      });
    }
  }
  return out;
}

function identityText(id: IdentityPlan | null): string {
  if (!id) return '-';
  const parts: string[] = [id.method];
  if (id.authMountPath) parts.push(`auth/${id.authMountPath}`);
  if (id.role) parts.push(`role "${id.role}"`);
  if (id.serviceAccount) {
    const sa = id.serviceAccount;
    parts.push(`as ServiceAccount ${sa.namespace}/${sa.name} (${sa.source}; audiences ${sa.audiences.length ? sa.audiences.join(',') : 'API server default'})`);
  }
  if (!id.verifiable) parts.push(`[not verifiable: ${id.notVerifiableReason ?? ''}]`);
  return parts.join(' ');
}

export function formatExplainText(entries: readonly ExplainEntry[]): string {
  const lines: string[] = [];
  for (const e of entries) {
    const r = e.resource;
    lines.push(`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} ${e.field} (${e.referenceKind})`);
    if (e.createdIn) lines.push(`  creates:    ${e.createdIn.kind} ${e.createdIn.namespace}/${e.createdIn.name}`);
    if (e.store) lines.push(`  store:      ${e.store.kind} "${e.store.name}"${e.server ? ` at ${e.server}` : ''}`);
    for (const q of e.requests) {
      const query = q.query ? `?${new URLSearchParams(q.query).toString()}` : '';
      lines.push(`  request:    ${q.method} ${q.path}${query} (needs "${q.capability}", ${q.purpose}, from ${q.field})`);
    }
    for (const c of e.perCandidate) lines.push(`  then:       GET /v1/${c.pathPattern} for each listed secret (needs "${c.capability}", ${c.purpose})`);
    for (const k of e.perKey ?? []) lines.push(`  per key:    ${k.method} /v1/${k.pathPattern} (needs "${k.capability}", ${k.purpose})`);
    if (e.property !== null) lines.push(`  property:   ${e.property === '' ? '(whole secret)' : e.property}`);
    if (e.identity) lines.push(`  identity:   ${identityText(e.identity)}`);
    if (e.outOfScope) lines.push(`  not checked: ${e.outOfScope}`);
    if (e.tls) lines.push(...e.tls.lines.map((l, i) => `  ${i === 0 ? 'trust:      ' : '            '}${l}`));
    for (const p of e.problems) lines.push(`  ${p.code} at ${p.field}: ${p.message}${p.hint ? `\n    fix: ${p.hint}` : ''}`);
    for (const h of e.hints) lines.push(`  hint (${h.kind}) at ${h.field}: ${h.message}\n    fix: ${h.hint}`);
    lines.push('');
  }
  return lines.join('\n');
}
