// The check of one admitted object: parse → plan → gather facts (through VaultFacts, which caches
// and coalesces) → pure rules → findings. Never decides; see decide.ts.
import { parseEsoObject, planExternalSecret, type StoreLookup } from '../eso/index.js';
import type { ExternalSecretModel, StoreModel } from '../eso/model.js';
import type { VaultFacts } from '../vault/facts.js';
import { Collector } from './collector.js';
import type { UnavailableRemedies } from './rules/vault-unavailable.js';
import { disclosureFor, type Trust } from './disclosure.js';
import type { ReferenceCheckEnv } from './reference-check.js';
import { checkReferences, STOP_RESERVE_MS, summariseSkipped } from './reference-budget.js';
import type { CheckedResource, CheckResult } from './result.js';
import { checkPushSecret } from './push-secret-check.js';
import { checkClusterExternalSecret } from './cluster-external-secret-check.js';
import { checkClusterPushSecret } from './cluster-push-secret-check.js';
import { templateFindings } from './rules/template-keys.js';
import type { TemplateSourceLookup } from './template-sources.js';
import type { TemplateDelimiters } from '../eso/go-template.js';
import type { ExistingObjectLookup } from './existing-objects.js';
import { storeResolutionFindings } from './rules/store-resolution.js';
import { isEsoApiVersion, notCheckedFinding, notCheckedReason } from './rules/not-checked.js';
import { StoreAccessCache } from './store-access.js';
import { checkStore, type StoreCheckEnv } from './store-check.js';
import type { CaSourceLookup } from './ca-sources.js';
import { checkStoreTrust, type TrustCheckEnv } from './tls-check.js';
import type { Finding } from './finding.js';
import type { TokenReviewAccess } from './token-review-access.js';

export type { CheckResult, CheckedResource, CouldNotCheck } from './result.js';

/** Kinds and external-secrets.io versions the checks judge; other ESO objects are reported NotChecked. */
export const MODELLED = { kinds: ['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'ClusterExternalSecret'], versions: ['v1', 'v1beta1'] } as const;

export interface CheckContext {
  facts: VaultFacts;
  lookup: StoreLookup;
  /** Absolute deadline for Vault lookups, epoch milliseconds. */
  deadlineAtMs: number;
  /** Audiences the API server puts into a token requested without audiences. */
  audience: { defaultAudiences: string[] };
  trust: Trust;
  /** How could-not-check entries are worded for their reader; the webhook's wording when absent. */
  remedies?: UnavailableRemedies;
  /** Where caProvider ConfigMaps/Secrets are read (absent: caProvider contents are not checked). */
  caSources?: CaSourceLookup;
  /** Where target.template.templateFrom ConfigMaps are read (absent: not read, nothing said). */
  templateSources?: TemplateSourceLookup;
  /** The template delimiters ESO's controller runs with (checks.templateLeftDelimiter/RightDelimiter); absent: Go's defaults. */
  templateDelimiters?: TemplateDelimiters;
  /** Where the object a ClusterPushSecret/ClusterExternalSecret would create is looked up (absent: not looked up). */
  existingObjects?: ExistingObjectLookup;
  /** Who answers whether a ServiceAccount may create tokenreviews (client-JWT mode); absent: no cluster to ask. */
  tokenReviews?: TokenReviewAccess;
  /** Clock for certificate validity and CA expiry (epoch ms); Date.now when absent. */
  now?: () => number;
}

function metadataOf(obj: unknown): { name: string; namespace?: string; annotations: Record<string, string>; kind: string } {
  const o = (obj && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
  const meta = (o['metadata'] && typeof o['metadata'] === 'object' ? o['metadata'] : {}) as Record<string, unknown>;
  const annotations: Record<string, string> = {};
  const raw = meta['annotations'];
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string') annotations[k] = v;
  }
  return {
    name: typeof meta['name'] === 'string' ? meta['name'] : '',
    ...(typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? { namespace: meta['namespace'] } : {}),
    annotations,
    kind: typeof o['kind'] === 'string' ? o['kind'] : '',
  };
}

/** The result of a check that could not run at all (e.g. its stores could not be read). */
export function couldNotCheckResult(obj: unknown, reason: string): CheckResult {
  const meta = metadataOf(obj);
  return {
    findings: [],
    couldNotCheck: [{ reason }],
    resource: { kind: meta.kind, name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}) },
    annotations: meta.annotations,
  };
}

/** deletionPolicy Delete/Merge make ESO skip a secret that does not exist. */
function missingIsSkipped(raw: Record<string, unknown>): boolean {
  const spec = raw['spec'] as Record<string, unknown> | undefined;
  const target = spec?.['target'] as Record<string, unknown> | undefined;
  const policy = target?.['deletionPolicy'];
  return policy === 'Delete' || policy === 'Merge';
}

function targetName(raw: Record<string, unknown>, fallback: string): string {
  const spec = raw['spec'] as Record<string, unknown> | undefined;
  const target = spec?.['target'] as Record<string, unknown> | undefined;
  return typeof target?.['name'] === 'string' && target['name'] !== '' ? target['name'] : fallback;
}

export async function checkObject(obj: unknown, ctx: CheckContext): Promise<CheckResult> {
  const meta = metadataOf(obj);
  const resource: CheckedResource = { kind: meta.kind, name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}) };
  const collector = new Collector(ctx.remedies);
  const disclosure = disclosureFor(ctx.trust);
  // Stop a little before the caller's deadline, so what was checked (and what was not) is the answer.
  const deadlineAtMs = ctx.deadlineAtMs - Math.min(STOP_RESERVE_MS, Math.max(0, ctx.deadlineAtMs - Date.now()) / 10);
  const budget = ctx.facts.openBudget?.(deadlineAtMs);
  // Objects set one by one, not from spreads of conditional literals (an object each, per admission).
  const opts: StoreCheckEnv['opts'] = { deadlineAtMs };
  if (budget) opts.budget = budget;
  const parsed = parseEsoObject(obj);
  const common: StoreCheckEnv = { facts: ctx.facts, lookup: ctx.lookup, opts, defaultAudiences: ctx.audience.defaultAudiences, disclosure, collector };
  if (ctx.tokenReviews) common.tokenReviews = ctx.tokenReviews;
  if (parsed.kind === 'ExternalSecret') {
    if (parsed.problems.length > 0) collector.add(...storeResolutionFindings(parsed.problems));
    const plans = planExternalSecret(parsed.model, ctx.lookup);
    const trustEnv: TrustCheckEnv = { facts: ctx.facts, opts };
    if (ctx.caSources) trustEnv.caSources = ctx.caSources;
    if (ctx.now) trustEnv.now = ctx.now;
    let trustCache: Map<string, Promise<Finding[]>> | undefined; // made when a store's trust is first asked
    // Most references name the same store model: found again without building its key.
    let lastTrust: { store: StoreModel; findings: Promise<Finding[]> } | undefined;
    const env: ReferenceCheckEnv = {
      storeTrust: (store) => {
        if (lastTrust?.store === store) return lastTrust.findings;
        const key = `${store.kind}/${store.namespace ?? ''}/${store.name}`;
        trustCache ??= new Map();
        let p = trustCache.get(key);
        if (!p) trustCache.set(key, (p = checkStoreTrust(store, trustEnv)));
        lastTrust = { store, findings: p };
        return p;
      },
      ...common,
      missingIsSkipped: missingIsSkipped(parsed.model.raw),
      targetName: targetName(parsed.model.raw, parsed.model.name),
      accessCache: new StoreAccessCache(),
      producedKeys: new Map<string, string[]>(),
    };
    const notStarted = await checkReferences(plans, env, budget, deadlineAtMs);
    // Templates read the keys the references produce: known for dataFrom only once Vault was read.
    collector.add(...(await templateFindings(parsed.model, {
      deadlineAtMs,
      produced: producedKeys(parsed.model, env.producedKeys),
      ...(ctx.templateSources ? { sources: ctx.templateSources } : {}),
      ...(ctx.templateDelimiters ? { delimiters: ctx.templateDelimiters } : {}),
    })));
    summariseSkipped(collector, plans, notStarted, budget);
    sortByField(collector);
  } else if (parsed.kind === 'SecretStore' || parsed.kind === 'ClusterSecretStore') {
    // ESO's TLS trust in the server runs beside the Vault checks (its own handshake, no token).
    const [, trustFindings] = await Promise.all([
      checkStore(parsed.model, parsed.problems, common),
      checkStoreTrust(parsed.model, { facts: ctx.facts, opts, ...(ctx.caSources ? { caSources: ctx.caSources } : {}), ...(ctx.now ? { now: ctx.now } : {}) }),
    ]);
    collector.add(...trustFindings);
    summariseSkipped(collector, [], 0, budget);
  } else if (parsed.kind === 'Other' && parsed.kindName === 'PushSecret' && parsed.apiVersion === 'external-secrets.io/v1alpha1') {
    await checkPushSecret(obj as Record<string, unknown>, { ...common, ...(ctx.templateSources ? { templateSources: ctx.templateSources } : {}) });
    sortByField(collector);
  } else if (parsed.kind === 'Other' && parsed.kindName === 'ClusterPushSecret' && parsed.apiVersion === 'external-secrets.io/v1alpha1') {
    await checkClusterPushSecret(obj as Record<string, unknown>, ctx.lookup, collector, (ps) => checkObject(ps, ctx), { ...(ctx.existingObjects ? { existing: ctx.existingObjects } : {}), deadlineAtMs });
    sortByField(collector);
  } else if (parsed.kind === 'Other' && parsed.kindName === 'ClusterExternalSecret' && notCheckedReason(parsed.apiVersion ?? '', 'ClusterExternalSecret', MODELLED) === undefined) {
    await checkClusterExternalSecret(obj as Record<string, unknown>, ctx.lookup, collector, (es) => checkObject(es, ctx), { ...(ctx.existingObjects ? { existing: ctx.existingObjects } : {}), deadlineAtMs });
    sortByField(collector);
  } else if (parsed.kind === 'Other' && isEsoApiVersion(parsed.apiVersion)) {
    const reason = notCheckedReason(parsed.apiVersion, parsed.kindName ?? '', MODELLED);
    if (reason !== undefined) {
      collector.add(notCheckedFinding(reason, parsed.kindName ?? ''));
      return { findings: collector.findings, couldNotCheck: [], resource, annotations: meta.annotations, skipped: reason };
    }
  }
  return { findings: collector.findings, couldNotCheck: collector.couldNotCheck, resource, annotations: meta.annotations };
}

/** Every key of the Secret's data map (dataFrom entries, then spec.data), or undefined when one entry's keys are not known. */
function producedKeys(es: ExternalSecretModel, fromDataFrom: ReadonlyMap<string, string[]> | undefined): string[] | undefined {
  const keys = new Set<string>();
  for (const entry of es.dataFrom) {
    const k = fromDataFrom?.get(entry.field);
    if (!k) return undefined;
    k.forEach((x) => keys.add(x));
  }
  es.data.forEach((d) => keys.add(d.secretKey));
  return [...keys];
}

/** Concurrent references finish in any order; findings are reported in field order for stable output. */
function sortByField(collector: Collector): void {
  const key = (field: string): string => field.replace(/\[(\d+)\]/g, (_, n: string) => `[${n.padStart(6, '0')}]`);
  collector.findings.sort((a, b) => (key(a.field) < key(b.field) ? -1 : key(a.field) > key(b.field) ? 1 : 0));
}
