// Runs one example folder (manifests.yaml, vault-state.json, expected.json) through the real
// product path: the Vault double seeded with the folder's state, the real Vault facts layer,
// checks and the decision (/mutate patches nothing, so objects are checked as written).
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { parseEsoObject, type StoreLookup } from '../../../src/eso/index.js';
import type { StoreKind, StoreModel } from '../../../src/eso/model.js';
import { createVaultFacts, type VaultFactsService } from '../../../src/vault/index.js';
import type { JsonPatchOperation } from '../../../src/server/decision.js';
import { checkObject, type CheckContext, type CheckResult } from '../../../src/checks/engine.js';
import { decide } from '../../../src/checks/decide.js';
import type { Trust } from '../../../src/checks/disclosure.js';
import { startVaultDouble, webhookVaultConfig, type VaultDouble } from '../../support/vault-double.js';
import { postAdmission } from '../../support/https-client.js';
import { admissionReview } from '../../support/admission-fixtures.js';
import { startTestServers } from '../../server/harness.js';
import { createAdmissionHandlers } from '../../../src/checks/handlers.js';
import { exampleTokenReviews } from '../../support/example-cluster-rbac.js';

import { loadExpected, loadManifests, type ExpectedEntry, type Obj } from '../../support/examples.js';

export { loadExpected, loadManifests, type ExpectedEntry, type Obj };

export interface Outcome {
  object: Obj;
  kind: string;
  namespace: string | null;
  name: string;
  allowed: boolean;
  codes: string[];
  errorCodes: string[];
  message?: string;
  warnings: string[];
  result: CheckResult;
}

export const CONTROLLER_SA = { name: 'external-secrets', namespace: 'external-secrets' };
export const DEFAULT_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

function meta(obj: Obj): { name: string; namespace: string | null } {
  const m = (obj['metadata'] ?? {}) as Obj;
  return { name: String(m['name'] ?? ''), namespace: typeof m['namespace'] === 'string' ? m['namespace'] : null };
}

/** A StoreLookup over a fixed set of objects, as the informers would hold them. */
export function manifestLookup(objects: Obj[]): StoreLookup {
  const stores = new Map<string, StoreModel>();
  const labels = new Map<string, Record<string, string>>();
  for (const obj of objects) {
    const parsed = parseEsoObject(obj);
    if (parsed.kind === 'SecretStore' || parsed.kind === 'ClusterSecretStore') {
      stores.set(`${parsed.kind}/${parsed.model.namespace ?? ''}/${parsed.model.name}`, parsed.model);
    } else if (parsed.kind === 'Namespace') {
      labels.set(parsed.name, { 'kubernetes.io/metadata.name': parsed.name, ...parsed.labels });
    }
  }
  return {
    getStore(kind: StoreKind, name: string, namespace: string) {
      return stores.get(`${kind}/${kind === 'SecretStore' ? namespace : ''}/${name}`);
    },
    // The API server labels every namespace with its name.
    namespaceLabels(namespace: string) {
      return labels.get(namespace) ?? { 'kubernetes.io/metadata.name': namespace };
    },
    controllerServiceAccount: CONTROLLER_SA,
    listNamespaces: () => (labels.size > 0 ? [...labels.keys()].sort() : undefined),
    listStores: (kind: StoreKind, namespace: string) => [...stores.values()].filter((s) => s.kind === kind && (kind === 'ClusterSecretStore' || s.namespace === namespace)),
  };
}

/** JSON Patch `add` as our mutations use it (parents exist). */
export function applyPatch(obj: Obj, patch: JsonPatchOperation[]): Obj {
  const out = structuredClone(obj);
  for (const op of patch) {
    if (op.op !== 'add') throw new Error(`unexpected patch op ${op.op}`);
    const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let cur: unknown = out;
    for (const p of parts.slice(0, -1)) cur = (cur as Obj)[p];
    (cur as Obj)[parts[parts.length - 1] as string] = op.value;
  }
  return out;
}

export interface ExampleRun {
  double: VaultDouble;
  facts: VaultFactsService;
  outcomes: Outcome[];
  close(): Promise<void>;
}

export async function startFacts(
  statePath: string,
  overrides: Parameters<typeof webhookVaultConfig>[1] = {},
): Promise<{ double: VaultDouble; facts: VaultFactsService }> {
  const double = await startVaultDouble({ state: statePath });
  const facts = createVaultFacts(webhookVaultConfig(double, overrides), { logger: pino({ level: 'silent' }), registry: new Registry() });
  await facts.start();
  return { double, facts };
}

export async function admit(obj: Obj, ctx: CheckContext): Promise<Outcome> {
  const result = await checkObject(obj, ctx);
  const decision = decide(result, { mode: 'enforce', failureMode: 'failOpen' });
  const m = meta(obj);
  return {
    object: obj,
    kind: String(obj['kind']),
    ...m,
    allowed: decision.allowed,
    codes: decision.codes,
    errorCodes: [...new Set(result.findings.filter((f) => f.severity === 'error').map((f) => f.code))],
    ...(decision.message !== undefined ? { message: decision.message } : {}),
    warnings: decision.warnings,
    result,
  };
}

export async function runExample(dir: string, trust: Trust = 'store-identity'): Promise<ExampleRun> {
  const { double, facts } = await startFacts(join(dir, 'vault-state.json'));
  const objects = loadManifests(dir);
  const base = { facts, deadlineAtMs: Date.now() + 10_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust };
  const lookup = manifestLookup(objects);
  const ctx: CheckContext = { ...base, lookup, tokenReviews: exampleTokenReviews(objects, CONTROLLER_SA) };
  const outcomes: Outcome[] = [];
  for (const obj of objects) {
    const kind = obj['kind'];
    if (!['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'PushSecret', 'ClusterExternalSecret', 'ClusterPushSecret'].includes(String(kind))) continue;
    outcomes.push(await admit(obj, ctx));
  }
  return {
    double,
    facts,
    outcomes,
    async close() {
      await facts.close();
      await double.close();
    },
  };
}

/**
 * The same run over HTTPS: each object goes through POST /mutate (its patch applied, as the API
 * server does) and then POST /validate of the real webhook wired with the checks' handlers.
 * Codes come from the handler's result hook, so silent (logged-only) codes are seen too.
 */
export async function runExampleOverHttps(dir: string): Promise<ExampleRun> {
  const { double, facts } = await startFacts(join(dir, 'vault-state.json'));
  const objects = loadManifests(dir);
  const base = { facts, deadlineAtMs: Date.now() + 10_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust: 'store-identity' as const };
  const lookup = manifestLookup(objects);
  const results = new Map<string, { result: CheckResult; codes: string[] }>();
  const handlers = createAdmissionHandlers({
    facts,
    lookup,
    mode: 'enforce',
    failureMode: 'failOpen',
    defaultAudiences: DEFAULT_AUDIENCES,
    tokenReviews: exampleTokenReviews(objects, CONTROLLER_SA),
    onResult: (result, request, decision) => results.set(request.uid, { result, codes: decision.codes }),
  });
  const servers = await startTestServers({ handlers });
  const outcomes: Outcome[] = [];
  try {
    let n = 0;
    for (const obj of objects) {
      const kind = obj['kind'];
      if (!['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'PushSecret', 'ClusterExternalSecret', 'ClusterPushSecret'].includes(String(kind))) continue;
      n += 1;
      const mutated = await postAdmission(servers.webhookPort, '/mutate', admissionReview(obj, { uid: `m-${n}` }), servers.ca);
      const patchText = mutated.body.response.patch;
      const patch = patchText ? (JSON.parse(Buffer.from(patchText, 'base64').toString('utf8')) as JsonPatchOperation[]) : [];
      const object = applyPatch(obj, patch);
      const uid = `v-${n}`;
      const validated = await postAdmission(servers.webhookPort, '/validate', admissionReview(object, { uid }), servers.ca);
      const seen = results.get(uid);
      if (!seen) throw new Error(`no check result for ${String(kind)} ${JSON.stringify(obj['metadata'])}`);
      const message = validated.body.response.status?.message;
      outcomes.push({
        object,
        kind: String(kind),
        ...meta(obj),
        allowed: validated.body.response.allowed,
        codes: seen.codes,
        errorCodes: [...new Set(seen.result.findings.filter((f) => f.severity === 'error').map((f) => f.code))],
        ...(message !== undefined ? { message } : {}),
        warnings: [...(mutated.body.response.warnings ?? []), ...(validated.body.response.warnings ?? [])],
        result: seen.result,
      });
    }
  } catch (err) {
    await servers.close();
    await facts.close();
    await double.close();
    throw err;
  }
  return {
    double,
    facts,
    outcomes,
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
    },
  };
}
