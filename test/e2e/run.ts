// `npm run e2e [-- --report FILE] [--example NAME] [--keep]`: the product against real components.
// etcd + kube-apiserver + OpenBao/Vault (dev) on 127.0.0.1, ESO's CRDs, `serve` as deployed
// (caBundle bootstrap into the real webhook configurations, informers, Lease, Events), every
// examples/*/manifests.yaml applied with kubectl, decisions compared with expected.json; then ESO's
// controller reconciles every object with the webhook in warn mode and its Ready conditions are
// compared with the webhook's verdicts; ESO's own admission webhook runs registered beside the
// product's (eso-webhook.ts), and its refusal is ESO's outcome for what it refuses; a ClusterExternalSecret/ClusterPushSecret is compared per
// namespace with what ESO created there (fanout.ts). Without the binaries it says what is missing and exits 0.
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from '../support/paths.js';
import { dirname } from 'node:path';
import { componentVersion, findBinaries, type Binaries, type ComponentVersion } from './binaries.js';
import { API_AUDIENCES, startCluster, type Cluster } from './cluster.js';
import { GUARD_NAMESPACE, GUARD_SA, renderDeploy, startGuard, type GuardProcess, type Rendered } from './deploy.js';
import { canUnshare, startEso } from './eso.js';
import { esoRefusalIn, guardRefusalIn, PROVIDER_NOT_BUILT, startEsoWebhook, type EsoWebhook } from './eso-webhook.js';
import { freePort, run, until, type Proc } from './processes.js';
import { startVaultProxy, type VaultProxy } from './vault-proxy.js';
import { startVaultServer, type VaultServer } from './vault-server.js';
import { renderFidelity } from './fidelity-doc.js';
import { fillPlaceholders, setupTlsScenario, type ScenarioSetup } from './tls-scenario.js';
import { agreementOf, codesIn, summarise, verdictOf, type Agreement, type EsoOutcome, type Verdict } from './verdict.js';
import { FANOUT_CHILD, fanoutRows, ownerStatus, type EsoCondition, type OwnerStatus } from './fanout.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ESO_KINDS = new Set(['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'PushSecret', ...Object.keys(FANOUT_CHILD)]);
const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
const SCENARIOS_DIR = join(REPO_ROOT, 'test', 'e2e', 'scenarios');
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Args { report?: string; fidelity?: string; examples: string[]; keep: boolean }

function parseArgs(argv: string[]): Args {
  const args: Args = { examples: [], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--report') args.report = argv[++i];
    else if (a.startsWith('--report=')) args.report = a.slice(9);
    else if (a === '--example') args.examples.push(argv[++i]!);
    else if (a === '--keep') args.keep = true;
    else if (a === '--fidelity') args.fidelity = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

export interface ObjectResult {
  example: string;
  kind: string;
  namespace: string | null;
  name: string;
  expected: { decision: string; codes: string[] };
  webhook: { decision: 'allow' | 'deny'; codes: string[]; kubectl: string[] };
  matchesExpected: boolean;
  verdict: Verdict;
  /** webhook: ESO's admission webhook refused the object (its words); ESO's controller then never saw it. */
  eso: { outcome: EsoOutcome; reason?: string; message?: string; event?: string; error?: string; webhook?: string };
  agreement: Agreement;
  note?: string;
  /**
   * A ClusterExternalSecret/ClusterPushSecret compared in one namespace (namespace above; null when
   * ESO created nothing): the object ESO created there, the webhook's decision for the whole owner
   * (webhook above holds the findings for this namespace), ESO's status of the owner, and the
   * webhook's own admission of the created object.
   */
  fanout?: {
    child: { kind: string; name: string };
    object: { decision: 'allow' | 'deny'; codes: string[] };
    owner: { ready?: string; provisionedNamespaces: string[]; failedNamespaces: { namespace: string; reason: string }[] };
    childAdmission?: { decision: string; codes: string[] };
  };
}

export interface E2eReport {
  skipped: boolean;
  missing?: string[];
  components: ComponentVersion[];
  flavour?: Record<string, unknown>;
  examples: { name: string; seed: string[]; objects: ObjectResult[] }[];
  agreement: ReturnType<typeof summarise>;
  expectedMismatches: number;
  checks: { name: string; ok: boolean; detail: string }[];
  durationMs: number;
}

function writeReport(file: string | undefined, report: E2eReport): void {
  if (file) writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * The suite's own example-like scenarios: test/e2e/scenarios/<name>/ with vault-state.json,
 * manifests.yaml and expected.json, and for some a setup (below) for what a plain example cannot hold.
 */
const SCENARIO_SETUPS: Record<string, (dir: string) => Promise<ScenarioSetup>> = { 'tls-trust': setupTlsScenario };

function scenarioFolders(only: string[]): string[] {
  return readdirSync(SCENARIOS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SCENARIOS_DIR, d.name, 'vault-state.json')))
    .map((d) => d.name)
    .filter((n) => only.length === 0 || only.includes(n))
    .sort();
}

function exampleFolders(only: string[]): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES_DIR, d.name, 'vault-state.json')) && existsSync(join(EXAMPLES_DIR, d.name, 'expected.json')))
    .map((d) => d.name)
    .filter((n) => only.length === 0 || only.includes(n))
    .sort();
}

const keyOf = (kind: string, ns: string | null | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;

class Kubectl {
  constructor(private readonly bin: string, private readonly kubeconfig: string) {}
  run(args: string[], input?: string) {
    return run(this.bin, ['--kubeconfig', this.kubeconfig, ...args], { ...(input !== undefined ? { input } : {}), timeoutMs: 120_000 });
  }
  async ok(args: string[], input?: string): Promise<string> {
    const out = await this.run(args, input);
    if (out.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${out.stderr.trim()}`);
    return out.stdout;
  }
  async json(args: string[]): Promise<Obj> {
    return JSON.parse(await this.ok([...args, '-o', 'json'])) as Obj;
  }
}

async function components(bins: Binaries, kubectl: Kubectl, vaultHealth: Record<string, unknown>): Promise<E2eReport['components']> {
  const apiVersion = JSON.parse(await kubectl.ok(['get', '--raw', '/version'])) as { gitVersion?: string };
  const vaultSource = process.env.E2E_VAULT_SRC ?? join(bins.dir, '..', 'src', bins.vaultFlavour === 'bao' ? 'openbao' : 'vault');
  return Promise.all([
    componentVersion(bins.vaultFlavour === 'bao' ? 'OpenBao' : 'Vault', bins.vault, ['version'], {
      module: bins.vaultFlavour === 'bao' ? 'github.com/openbao/openbao' : 'github.com/hashicorp/vault', sourceDir: vaultSource,
      extra: `sys/health version ${String(vaultHealth.version ?? '')}`,
    }),
    componentVersion('etcd', bins.etcd, ['--version'], { module: 'go.etcd.io/etcd/server/v3' }),
    componentVersion('kube-apiserver', bins.kubeApiserver, ['--version'], { module: 'k8s.io/kubernetes', extra: `/version gitVersion ${apiVersion.gitVersion ?? ''}` }),
    componentVersion('kubectl', bins.kubectl, ['version', '--client'], { module: 'k8s.io/kubernetes' }),
    // ESO's controller has no version command; its CRDs' source checkout tells the tag.
    componentVersion('external-secrets', bins.externalSecrets, ['version'], { module: 'github.com/external-secrets/external-secrets', sourceDir: process.env.E2E_ESO_SRC ?? dirname(bins.esoCrds[0] ?? '.') }),
  ]);
}

/** ServiceAccounts the stores name (and their namespaces): no controller-manager creates them here. */
function serviceAccountsFor(docs: Obj[]): Obj[] {
  const out = new Map<string, Obj>();
  const add = (name: string, namespace: string) => out.set(`${namespace}/${name}`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
  add('external-secrets', 'external-secrets');
  for (const d of docs) {
    if (d.kind !== 'SecretStore' && d.kind !== 'ClusterSecretStore') continue;
    const auth = d.spec?.provider?.vault?.auth ?? {};
    const refs = [auth.kubernetes?.serviceAccountRef, auth.jwt?.kubernetesServiceAccountToken?.serviceAccountRef].filter(Boolean) as Obj[];
    for (const r of refs) add(String(r.name), String(r.namespace ?? d.metadata?.namespace ?? 'external-secrets'));
  }
  return [...out.values()];
}

/**
 * The caProvider ConfigMaps/Secrets the stores name exist in the clusters the examples describe,
 * unless expected.json says the store meets CAProviderNotFound/InvalidCAProvider. Here they hold the
 * CA ESO needs for the examples' Vault names: the CONNECT proxy's, which terminates their TLS.
 */
function caProviderObjects(docs: Obj[], expected: Obj[], caPem: string): Obj[] {
  const out = new Map<string, Obj>();
  for (const d of docs) {
    if (d.kind !== 'SecretStore' && d.kind !== 'ClusterSecretStore') continue;
    const p = d.spec?.provider?.vault?.caProvider;
    if (!p?.name) continue;
    const exp = expected.find((e) => e.kind === d.kind && (e.namespace ?? '') === (d.metadata?.namespace ?? '') && e.name === d.metadata?.name);
    if (((exp?.codes ?? []) as string[]).some((c) => c === 'CAProviderNotFound' || c === 'InvalidCAProvider')) continue;
    const namespace = d.kind === 'SecretStore' ? d.metadata?.namespace : p.namespace;
    if (!namespace) continue;
    const key = String(p.key ?? 'ca.crt');
    out.set(`${String(p.type)}/${String(namespace)}/${String(p.name)}`, p.type === 'Secret'
      ? { apiVersion: 'v1', kind: 'Secret', metadata: { name: p.name, namespace }, data: { [key]: Buffer.from(caPem).toString('base64') } }
      : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: p.name, namespace }, data: { [key]: caPem } });
  }
  return [...out.values()];
}

async function applyList(kubectl: Kubectl, objects: Obj[]): Promise<void> {
  if (objects.length === 0) return;
  await kubectl.ok(['apply', '-f', '-'], stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
}

async function waitCaBundle(kubectl: Kubectl): Promise<void> {
  await until('caBundle in both webhook configurations', async () => {
    const v = await kubectl.json(['get', 'validatingwebhookconfiguration', 'eso-vault-guard']);
    const m = await kubectl.json(['get', 'mutatingwebhookconfiguration', 'eso-vault-guard']);
    const set = (o: Obj) => (o.webhooks as Obj[]).every((w) => typeof w.clientConfig?.caBundle === 'string' && w.clientConfig.caBundle.length > 0);
    return set(v) && set(m) ? true : undefined;
  }, 60_000, 500);
}

/** ESO's newest Warning Event per object: its condition says "could not get secret data", the Event says why. */
async function esoEvents(kubectl: Kubectl, namespaces: Set<string>): Promise<Map<string, string>> {
  const out = new Map<string, { at: string; message: string }>();
  for (const ns of namespaces) {
    const list = await kubectl.json(['get', 'events', '-n', ns]);
    for (const e of list.items as Obj[]) {
      if (e.type !== 'Warning' || !/external-secrets/.test(String(e.source?.component ?? e.reportingComponent ?? ''))) continue;
      const k = keyOf(e.involvedObject?.kind, e.involvedObject?.namespace, e.involvedObject?.name);
      const at = String(e.lastTimestamp ?? e.eventTime ?? '');
      if (!out.has(k) || out.get(k)!.at <= at) out.set(k, { at, message: String(e.message ?? '') });
    }
  }
  return new Map([...out].map(([k, v]) => [k, v.message]));
}

/** ESO's newest reconcile error per object, from its log (the Vault/Kubernetes error text itself). */
function esoErrors(logFile: string, fromByte = 0): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(logFile).subarray(fromByte).toString('utf8').split('\n')) {
    if (!line.includes('"Reconciler error"')) continue;
    try {
      const l = JSON.parse(line) as Obj;
      if (typeof l.controllerKind === 'string' && typeof l.error === 'string') {
        out.set(keyOf(l.controllerKind, l.namespace || undefined, l.name), l.error.replace(/\s+/g, ' ').replace(/URL: \S+ https?:\/\/[^/]+/, 'URL: …').trim());
      }
    } catch {
      // not a JSON line
    }
  }
  return out;
}

interface EsoState {
  /** Ready conditions of ExternalSecrets, stores and PushSecrets (those ESO created too). */
  conditions: Map<string, EsoCondition>;
  /** ClusterExternalSecrets and ClusterPushSecrets: their Ready condition and namespaces. */
  owners: Map<string, OwnerStatus>;
}

async function esoState(kubectl: Kubectl): Promise<EsoState> {
  const list = await kubectl.json(['get', 'externalsecrets.external-secrets.io,secretstores.external-secrets.io,clustersecretstores.external-secrets.io,pushsecrets.external-secrets.io,clusterexternalsecrets.external-secrets.io,clusterpushsecrets.external-secrets.io', '-A']);
  const conditions = new Map<string, EsoCondition>();
  const owners = new Map<string, OwnerStatus>();
  for (const item of list.items as Obj[]) {
    const k = keyOf(item.kind, item.metadata.namespace, item.metadata.name);
    if (item.kind in FANOUT_CHILD) {
      owners.set(k, ownerStatus(item));
      continue;
    }
    const ready = ((item.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready');
    if (ready) conditions.set(k, { status: String(ready.status), reason: ready.reason, message: ready.message });
  }
  return { conditions, owners };
}

/**
 * What the wait compares between polls: every object's Ready condition and, per owner, its Ready
 * condition, namespaces and its created objects' Ready conditions. Complete when each has one.
 */
function esoSnapshot(keys: string[], state: EsoState, errors: Map<string, string>): { snapshot: string; complete: boolean } {
  let complete = true;
  const parts: unknown[] = [];
  for (const k of keys) {
    const [kind] = k.split('/') as [string];
    if (!(kind in FANOUT_CHILD)) {
      const c = state.conditions.get(k);
      complete &&= c !== undefined || errors.has(k);
      parts.push([k, c?.status, c?.reason, errors.has(k)]);
      continue;
    }
    const o = state.owners.get(k);
    complete &&= o?.ready !== undefined;
    const children = (o?.provisioned ?? []).map((ns) => {
      const childKey = keyOf(FANOUT_CHILD[kind]!, ns, o!.childName);
      const c = state.conditions.get(childKey);
      complete &&= c !== undefined || errors.has(childKey);
      return [ns, c?.status, c?.reason, errors.has(childKey)];
    });
    parts.push([k, o?.ready?.status, o?.failed, children]);
  }
  return { snapshot: JSON.stringify(parts), complete };
}

interface RunContext {
  bins: Binaries;
  dir: string;
  cluster: Cluster;
  kubectl: Kubectl;
  rendered: Rendered;
  guardToken: string;
  reviewerToken: string;
  proxy: VaultProxy;
  eso: Proc | undefined;
  checks: E2eReport['checks'];
}

function webhookPolicy(state: Obj): string {
  // As deploy/vault/README.md tells operators: the policy file, plus read/list on KV v1 mounts.
  const v1 = Object.entries((state.mounts ?? {}) as Record<string, Obj>)
    .filter(([, m]) => m.type === 'kv' && m.options?.version !== '2')
    .map(([p]) => `path "${p}*" {\n  capabilities = ["read", "list"]\n}\n`);
  const file = readFileSync(join(REPO_ROOT, 'deploy', 'vault', 'eso-vault-guard-policy.hcl'), 'utf8');
  // The webhook's token lives in the root namespace; a request in namespace N is matched against
  // the root's rules as `N/<path>`, so each Vault namespace of the state gets the file's stanzas
  // with its path in front (what an operator writes to let one root-namespace identity see them).
  const namespaced = Object.keys(vaultNamespaces(state)).map((ns) => file.replace(/^path "/gm, `path "${ns}/`));
  return `${file}\n${v1.join('')}${namespaced.join('\n')}`;
}

/**
 * A scenario's Vault Enterprise namespaces (`e2eNamespaces` of its vault-state.json: namespace path
 * → a vault-state of its own, seeded with `sandbox seed --namespace`), parents before children.
 */
function vaultNamespaces(state: Obj): Record<string, Obj> {
  const all = (state.e2eNamespaces ?? {}) as Record<string, Obj>;
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.split('/').length - b.split('/').length));
}

/** Creates namespace `path` (OpenBao/Vault Enterprise: `sys/namespaces/<name>` in its parent). */
async function createVaultNamespace(vault: VaultServer, path: string): Promise<void> {
  const parts = path.split('/');
  const parent = parts.slice(0, -1).join('/');
  await vaultCall(vault, 'POST', `sys/namespaces/${parts.at(-1)!}`, {}, parent || undefined);
}

async function vaultCall(vault: VaultServer, method: string, path: string, body?: unknown, namespace?: string): Promise<Obj> {
  const res = await fetch(`${vault.address}/v1/${path}`, { method, headers: { 'X-Vault-Token': vault.rootToken, 'content-type': 'application/json', ...(namespace ? { 'X-Vault-Namespace': namespace } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Obj) : {};
}

async function seedExample(ctx: RunContext, example: string, state: Obj, docs: Obj[], vault: VaultServer, exDir: string): Promise<string[]> {
  // The examples' auth config names hosts of their clusters; here they point at the run's API server.
  // An example whose kubernetes auth has no reviewer JWT and disable_local_ca_jwt (client-JWT mode)
  // keeps that mode: Vault reviews ESO's token with the token itself, so the ServiceAccounts ESO
  // presents hold system:auth-delegator, as the example's README says.
  const seedState = structuredClone(state);
  const namespaces = vaultNamespaces(seedState);
  delete seedState.e2eNamespaces;
  let clientJwtMode = false;
  for (const auth of [seedState, ...Object.values(namespaces)].flatMap((s) => Object.values((s.auth ?? {}) as Record<string, Obj>))) {
    if (auth.type === 'kubernetes') {
      const clientJwt = auth.config?.disable_local_ca_jwt === true && !auth.config?.token_reviewer_jwt;
      clientJwtMode ||= clientJwt;
      auth.config = { kubernetes_host: ctx.cluster.url, kubernetes_ca_cert: ctx.cluster.caPem, ...(clientJwt ? {} : { token_reviewer_jwt: ctx.reviewerToken }), disable_local_ca_jwt: true };
    } else if (auth.type === 'jwt' || auth.type === 'oidc') {
      auth.config = { jwt_validation_pubkeys: [ctx.cluster.saPublicKeyPem], bound_issuer: ctx.cluster.issuer };
    }
  }
  if (clientJwtMode) {
    // A scenario's store may ask for its ServiceAccount to stay unbound (ESO's login must then fail).
    const subjects = serviceAccountsFor(docs.filter((d) => d.metadata?.annotations?.[WITHOUT_AUTH_DELEGATOR] !== 'true')).map((sa) => ({ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }));
    await applyList(ctx.kubectl, [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `e2e-client-jwt-${example}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' }, subjects }]);
  }
  const tokenFile = join(exDir, 'root-token');
  writeFileSync(tokenFile, vault.rootToken, { mode: 0o600 });
  const seedOne = async (s: Obj, namespace?: string): Promise<string[]> => {
    const stateFile = join(exDir, `vault-state.seed${namespace ? `.${namespace.replace(/\//g, '.')}` : ''}.json`);
    writeFileSync(stateFile, JSON.stringify(s, null, 2));
    const out = await run(process.execPath, [join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'), 'sandbox', 'seed', '--address', vault.address, '--token-file', tokenFile, ...(namespace ? ['--namespace', namespace] : []), stateFile], { env: { PATH: process.env.PATH ?? '' } });
    if (out.code !== 0) throw new Error(`sandbox seed ${example}${namespace ? ` (namespace ${namespace})` : ''}: ${out.stderr}`);
    return out.stdout.trim().split('\n').map((l) => (namespace ? `[namespace ${namespace}] ${l}` : l));
  };
  const lines = await seedOne(seedState);
  for (const [ns, s] of Object.entries(namespaces)) {
    await createVaultNamespace(vault, ns);
    lines.push(`namespace ${ns} created`, ...(await seedOne({ server: seedState.server, ...s }, ns)));
  }
  return lines;
}

/**
 * A scenario's KV v2 metadata settings beyond custom metadata (`e2eMetadata` of a secret in
 * vault-state.json, e.g. `{ "cas_required": true }`), which `sandbox seed` does not write.
 */
async function secretMetadataSettings(vault: VaultServer, state: Obj): Promise<void> {
  const mounts = Object.keys((state.mounts ?? {}) as Obj);
  for (const [key, secret] of Object.entries((state.secrets ?? {}) as Record<string, Obj>)) {
    if (!secret.e2eMetadata) continue;
    const mount = mounts.filter((m) => key.startsWith(m)).sort((a, b) => b.length - a.length)[0];
    if (!mount) throw new Error(`secret ${key}: under no mount of the state`);
    await vaultCall(vault, 'POST', `${mount}metadata/${key.slice(mount.length)}`, secret.e2eMetadata);
  }
}

/** On a scenario's store: its ServiceAccount is left out of the client-JWT auth-delegator binding. */
const WITHOUT_AUTH_DELEGATOR = 'e2e.eso-vault-guard.io/without-auth-delegator';

/** A scenario's Vault additions (test/e2e/scenarios/<example>.vault-state.json): roles per auth mount, policies. */
function withScenarioState(state: Obj, file: string): Obj {
  if (!existsSync(file)) return state;
  const extra = JSON.parse(readFileSync(file, 'utf8')) as Obj;
  const out = structuredClone(state);
  for (const [mount, auth] of Object.entries((extra.auth ?? {}) as Record<string, Obj>)) {
    const target = out.auth?.[mount];
    if (!target) throw new Error(`${file}: auth mount ${mount} is not in the example's vault-state.json`);
    target.roles = { ...(target.roles ?? {}), ...(auth.roles ?? {}) };
  }
  out.policies = { ...(out.policies ?? {}), ...(extra.policies ?? {}) };
  return out;
}

/**
 * A ClusterExternalSecret/ClusterPushSecret as rows per namespace (fanout.ts), with ESO's Event and
 * log error of the object it created there, and the expected.json entry's per-namespace part
 * (`namespaces: { "<ns>": { decision, codes } }`; a namespace it does not list is expected clean).
 */
function fanoutResults(input: {
  example: string; kind: string; name: string; exp: Obj; decision: 'allow' | 'deny'; codes: string[]; lines: string[]; matchesExpected: boolean;
  state: EsoState; esoRan: boolean; esoWarnings: Map<string, string>; esoLogErrors: Map<string, string>; lastAdmission: Map<string, { decision: string; codes: string[] }>;
}): ObjectResult[] {
  const status = input.state.owners.get(keyOf(input.kind, undefined, input.name));
  const childKind = FANOUT_CHILD[input.kind]!;
  const rows = fanoutRows({
    ownerKind: input.kind, objectDecision: input.decision, objectCodes: input.codes, lines: input.lines, status,
    child: (ns) => input.state.conditions.get(keyOf(childKind, ns, status?.childName ?? input.name)), esoRan: input.esoRan,
  });
  const perNs = (input.exp.namespaces ?? undefined) as Record<string, { decision: string; codes: string[] }> | undefined;
  return rows.map((r): ObjectResult => {
    const childKey = keyOf(r.childKind, r.namespace ?? undefined, r.childName);
    const want = r.namespace && perNs ? perNs[r.namespace] ?? { decision: 'allow', codes: [] } : undefined;
    const matches = input.matchesExpected && (!want || (r.webhook.decision === want.decision && want.codes.every((c) => r.webhook.codes.includes(c))));
    const notReady = r.eso.outcome !== 'ready' && r.namespace !== null && !r.eso.failedNamespace;
    const admission = r.namespace ? input.lastAdmission.get(childKey) : undefined;
    return {
      example: input.example, kind: input.kind, namespace: r.namespace, name: input.name,
      expected: want ? { decision: want.decision, codes: want.codes } : { decision: String(input.exp.decision), codes: (input.exp.codes ?? []) as string[] },
      webhook: { decision: r.webhook.decision, codes: r.webhook.codes, kubectl: input.lines },
      matchesExpected: matches, verdict: r.verdict,
      eso: {
        outcome: r.eso.outcome, ...(r.eso.reason ? { reason: r.eso.reason } : {}), ...(r.eso.message ? { message: r.eso.message } : {}),
        ...(notReady && input.esoWarnings.get(childKey) ? { event: input.esoWarnings.get(childKey)! } : {}),
        ...(notReady && input.esoLogErrors.get(childKey) ? { error: input.esoLogErrors.get(childKey)! } : {}),
      },
      agreement: r.agreement,
      ...(r.note ? { note: r.note } : {}),
      fanout: {
        child: { kind: r.childKind, name: r.childName },
        object: { decision: input.decision, codes: input.codes },
        owner: { ...(status?.ready ? { ready: `${status.ready.status}${status.ready.message ? ` (${status.ready.message})` : ''}` } : {}), provisionedNamespaces: status?.provisioned ?? [], failedNamespaces: status?.failed ?? [] },
        ...(admission ? { childAdmission: admission } : {}),
      },
    };
  });
}

/**
 * The webhook judged an owner per namespace; it also admitted (warn or enforce mode) each object ESO
 * created from it. Both answers must agree: same decision, same codes.
 */
function fanoutAdmissionCheck(ctx: RunContext, example: string, objects: ObjectResult[]): void {
  // A failed namespace has no object ESO created (one of that name may exist there, not ESO's).
  const rows = objects.filter((o) => o.fanout && o.namespace && o.eso.outcome !== 'not-run' && o.eso.reason !== 'failedNamespaces');
  if (rows.length === 0) return;
  const id = (o: ObjectResult) => `${o.fanout!.child.kind} ${o.namespace}/${o.fanout!.child.name}`;
  const seen = rows.filter((o) => o.fanout!.childAdmission);
  const differ = seen.filter((o) => o.fanout!.childAdmission!.decision !== o.webhook.decision || o.fanout!.childAdmission!.codes.join(',') !== o.webhook.codes.join(','));
  const unseen = rows.filter((o) => !o.fanout!.childAdmission);
  ctx.checks.push({
    name: `${example}: the webhook's admission of each ExternalSecret/PushSecret ESO created matches its findings for the owner in that namespace`,
    ok: differ.length === 0 && seen.length > 0,
    detail: `${seen.length - differ.length} of ${seen.length} admissions agree${differ.length ? `; differ: ${differ.map((o) => `${id(o)} admitted ${o.fanout!.childAdmission!.decision} [${o.fanout!.childAdmission!.codes.join(',')}], owner's findings there ${o.webhook.decision} [${o.webhook.codes.join(',')}]`).join('; ')}` : ''}${unseen.length ? `; not admitted while the webhook ran (created between its passes, or not created): ${unseen.map(id).join(', ')}` : ''}`,
  });
}

/** A store of a provider the suite's ESO build lacks is left to ESO's controller (eso-webhook.ts). */
function providerNotBuilt(d: Obj): Obj {
  const provider = (d?.kind === 'SecretStore' || d?.kind === 'ClusterSecretStore') ? d.spec?.provider : undefined;
  if (!provider || provider.vault || Object.keys(provider).length === 0) return d;
  return { ...d, metadata: { ...d.metadata, labels: { ...(d.metadata?.labels ?? {}), [PROVIDER_NOT_BUILT]: 'true' } } };
}

async function runExample(ctx: RunContext, example: string, folder = join(EXAMPLES_DIR, example)): Promise<{ seed: string[]; objects: ObjectResult[] }> {
  const exDir = join(ctx.dir, example);
  mkdirSync(exDir, { recursive: true });
  const setup = SCENARIO_SETUPS[example] && folder !== join(EXAMPLES_DIR, example) ? await SCENARIO_SETUPS[example](exDir) : undefined;
  const state = withScenarioState(JSON.parse(readFileSync(join(folder, 'vault-state.json'), 'utf8')) as Obj, join(SCENARIOS_DIR, `${example}.vault-state.json`));
  const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Obj[];
  const docs = parseAllDocuments(readFileSync(join(folder, 'manifests.yaml'), 'utf8')).map((d) => fillPlaceholders(d.toJS() as Obj, setup?.values ?? {})).filter(Boolean).map(providerNotBuilt);
  // The suite's own scenarios for this example (test/e2e/scenarios/<example>.yaml): objects that put
  // a finding code in front of ESO that the example alone does not (e.g. an ExternalSecret through a
  // store whose problem ESO only reports when reading).
  const extraFile = join(SCENARIOS_DIR, `${example}.yaml`);
  if (existsSync(extraFile)) {
    docs.push(...parseAllDocuments(readFileSync(extraFile, 'utf8')).map((d) => d.toJS() as Obj).filter(Boolean));
    expected.push(...(JSON.parse(readFileSync(join(SCENARIOS_DIR, `${example}.expected.json`), 'utf8')) as Obj[]));
  }
  const vault = await startVaultServer(ctx.bins.vault, exDir, 'vault', setup?.vaultArgs);
  let guard: GuardProcess | undefined;
  const serverHost = new URL(String(state.server)).host;
  try {
    log(`\n# ${example}: ${vault.proc.name} at ${vault.address}`);
    // ESO's log from here on is this example's.
    const esoLogStart = ctx.eso ? statSync(ctx.eso.logFile).size : 0;
    const seed = await seedExample(ctx, example, state, docs, vault, exDir);
    for (const l of seed) log(`  seed: ${l}`);
    await secretMetadataSettings(vault, state);
    await vaultCall(vault, 'POST', 'sys/policies/acl/eso-vault-guard', { policy: webhookPolicy(state) });
    const created = await vaultCall(vault, 'POST', 'auth/token/create', { policies: ['eso-vault-guard'], ttl: '2h', no_default_policy: false });
    const guardVaultToken = join(exDir, 'guard-vault-token');
    writeFileSync(guardVaultToken, String(created.auth.client_token), { mode: 0o600 });
    const guardLogin = { method: 'token', tokenFile: guardVaultToken };
    const vaultServers = setup ? setup.servers(guardLogin) : [{ url: String(state.server), address: vault.address, login: guardLogin }];
    if (setup) for (const r of setup.passthrough) ctx.proxy.route(r.hostPort, r.port, { passthrough: true });
    else ctx.proxy.route(serverHost.includes(':') ? serverHost : `${serverHost}:443`, Number(new URL(vault.address).port));

    // Pass 1, enforce: what kubectl prints, and the decisions against expected.json.
    guard = await startGuard(exDir, `${example}-enforce`, ctx.cluster, ctx.guardToken, ctx.rendered, { mode: 'enforce', vaultServers, auditIntervalMs: 600_000 });
    await waitCaBundle(ctx.kubectl);
    // Namespaces the objects live in but the file does not declare (a real cluster already has them).
    const declared = new Set(docs.filter((d) => d.kind === 'Namespace').map((d) => String(d.metadata.name)));
    const used = new Set([...docs.map((d) => d.metadata?.namespace), ...serviceAccountsFor(docs).map((sa) => sa.metadata.namespace)].filter((n): n is string => typeof n === 'string'));
    await applyList(ctx.kubectl, [...used].filter((n) => !declared.has(n)).map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
    await applyList(ctx.kubectl, caProviderObjects(docs, expected, ctx.proxy.caPem));
    const kubectlOut = new Map<string, { decision: 'allow' | 'deny'; lines: string[]; file: string; esoRefusal?: string; decisionFromLog?: boolean }>();
    const manifestsDir = join(exDir, 'manifests');
    mkdirSync(manifestsDir, { recursive: true });
    // Namespaces, then stores, then ExternalSecrets. expected.json judges each ExternalSecret with
    // every store of the file present, so a denied store is then created with the deployed opt-out
    // label (eso-vault-guard.io/skip) before the ExternalSecrets are applied.
    const isStore = (d: Obj) => d.kind === 'SecretStore' || d.kind === 'ClusterSecretStore';
    // Plain Secrets (a PushSecret's source) and ConfigMaps (a caProvider's CA) come with the
    // namespaces: the cluster already has them.
    const isSetup = (d: Obj) => d.kind === 'Namespace' || (d.apiVersion === 'v1' && (d.kind === 'Secret' || d.kind === 'ConfigMap'));
    const ordered = [...docs.filter(isSetup), ...docs.filter(isStore), ...docs.filter((d) => !isSetup(d) && !isStore(d))];
    let saApplied = false;
    let storesBackfilled = false;
    for (const [i, d] of ordered.entries()) {
      if (!isSetup(d) && !saApplied) {
        await applyList(ctx.kubectl, serviceAccountsFor(docs));
        saApplied = true;
      }
      if (!isSetup(d) && !isStore(d) && !storesBackfilled) {
        storesBackfilled = true;
        // The denied stores get the object opt-out label, which the webhook honours only in
        // namespaces the operator granted it (admission.objectOverrides: namespaceGranted).
        for (const name of used) {
          const out = await ctx.kubectl.run(['label', '--overwrite', 'namespace', name, 'eso-vault-guard.io/object-overrides=allowed']);
          if (out.code !== 0) throw new Error(`kubectl label namespace ${name}: ${out.stderr}`);
        }
        // A store ESO's webhook refused cannot exist in the cluster (whatever the product said).
        const denied = docs.filter((x) => isStore(x) && kubectlOut.get(keyOf(x.kind, x.metadata.namespace, x.metadata.name))?.decision === 'deny' && kubectlOut.get(keyOf(x.kind, x.metadata.namespace, x.metadata.name))?.esoRefusal === undefined);
        await applyList(ctx.kubectl, denied.map((x) => ({ ...x, metadata: { ...x.metadata, labels: { ...(x.metadata.labels ?? {}), 'eso-vault-guard.io/skip': 'true' } } })));
      }
      const file = join(manifestsDir, `${String(i).padStart(2, '0')}-${d.kind}-${d.metadata.namespace ?? ''}-${d.metadata.name}.yaml`);
      writeFileSync(file, stringify(d));
      const out = await ctx.kubectl.run(['apply', '-f', file]);
      const lines = `${out.stderr}${out.stdout}`.split('\n').filter((l) => l.trim() !== '');
      // Both webhooks judge in parallel and kubectl shows one refusal: when it is ESO's, the
      // product's own decision comes from its admission log once this pass is over.
      const esoRefusal = out.code !== 0 ? esoRefusalIn(out.stderr) : undefined;
      const denied = out.code !== 0 && guardRefusalIn(out.stderr);
      // An API version the installed CRDs do not serve never reaches the webhook (or ESO): the API
      // server refuses it first. Logged, not compared.
      if (out.code !== 0 && /no matches for kind/.test(out.stderr)) {
        log(`  not served by the installed CRDs (the webhook never sees it): ${String(d.apiVersion)} ${String(d.kind)} ${String(d.metadata.namespace ?? '')}/${String(d.metadata.name)}`);
        continue;
      }
      if (out.code !== 0 && !denied && esoRefusal === undefined) throw new Error(`kubectl apply ${file}: ${out.stderr}`);
      for (const l of lines) log(`  ${l}`);
      if (ESO_KINDS.has(d.kind)) kubectlOut.set(keyOf(d.kind, d.metadata.namespace, d.metadata.name), { decision: denied ? 'deny' : 'allow', lines, file, ...(esoRefusal !== undefined ? { esoRefusal, decisionFromLog: true } : {}) });
    }
    // Stopped first: the log is written asynchronously and complete only once serve has exited.
    await guard.stop();
    const detected = guard.logLines().find((l) => typeof l.flavour === 'string' && /^Vault API server is/.test(String(l.msg)));
    const wantFlavour = ctx.bins.vaultFlavour === 'bao' ? 'openbao' : 'vault';
    ctx.checks.push({
      name: `${example}: the webhook tells ${wantFlavour === 'openbao' ? 'OpenBao' : 'Vault'} from sys/health and applies its ACL rules`, ok: detected?.flavour === wantFlavour,
      detail: detected ? `${String(detected.msg)} (version ${String(detected.version)})` : 'no flavour line in the log',
    });
    const admissionCodes = new Map<string, Set<string>>();
    // The webhook's own answer per object, the objects ESO created for an owner included.
    const lastAdmission = new Map<string, { decision: string; codes: string[] }>();
    const noteAdmissions = (records: Obj[]) => {
      for (const a of records) {
        if (a.dryRun || a.webhook !== 'validate' || a.operation === 'DELETE') continue;
        lastAdmission.set(keyOf(a.kind, a.namespace, a.name), { decision: a.decision === 'denied' || a.wouldDeny === true ? 'deny' : 'allow', codes: [...((a.codes ?? []) as string[])].sort() });
      }
    };
    noteAdmissions(guard.admissions());
    // Where kubectl showed ESO's refusal, the product's decision is its own log's.
    for (const [k, o] of kubectlOut) {
      if (!o.decisionFromLog) continue;
      const rec = guard.admissions().filter((a) => !a.dryRun && a.webhook === 'validate' && a.operation !== 'DELETE' && keyOf(a.kind, a.namespace, a.name) === k).at(-1);
      if (!rec) throw new Error(`${k}: ESO's webhook refused it and the webhook logged no admission of it`);
      o.decision = rec.decision === 'denied' || rec.decision === 'fail_closed' ? 'deny' : 'allow';
    }
    for (const a of guard.admissions()) {
      if (a.dryRun) continue;
      const k = keyOf(a.kind, a.namespace, a.name);
      const set = admissionCodes.get(k) ?? new Set<string>();
      for (const c of a.codes ?? []) set.add(c);
      admissionCodes.set(k, set);
    }
    await guard.stop();
    guard = undefined;

    // Pass 2, warn: everything admitted; ESO reconciles; the audit runs on the Lease holder.
    guard = await startGuard(exDir, `${example}-warn`, ctx.cluster, ctx.guardToken, ctx.rendered, { mode: 'warn', vaultServers, auditIntervalMs: 3000 });
    for (const [, o] of kubectlOut) {
      if (o.decision !== 'deny') continue;
      const out = await ctx.kubectl.run(['apply', '-f', o.file]);
      // In warn mode the product admits everything: a refusal now is ESO's webhook's alone.
      const esoRefusal = out.code !== 0 ? esoRefusalIn(out.stderr) : undefined;
      if (out.code !== 0 && esoRefusal === undefined) throw new Error(`kubectl apply (warn mode) ${o.file}: ${out.stderr}`);
      if (esoRefusal !== undefined) o.esoRefusal = esoRefusal;
    }
    const esoObjects = [...kubectlOut.keys()];
    // What ESO's webhook refused never exists: ESO's controller has nothing to say about it.
    const reconciled = esoObjects.filter((k) => kubectlOut.get(k)!.esoRefusal === undefined);
    let eso: EsoState = { conditions: new Map(), owners: new Map() };
    if (ctx.eso) {
      let stableSince = 0;
      let last = '';
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        eso = await esoState(ctx.kubectl);
        // ESO fails some objects before it sets any condition (a PushSecret's missing template
        // source): its reconcile error in the log is the outcome then.
        const { snapshot, complete } = esoSnapshot(reconciled, eso, esoErrors(ctx.eso.logFile, esoLogStart));
        if (snapshot !== last) { last = snapshot; stableSince = Date.now(); }
        if (complete && Date.now() - stableSince > 8_000) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await leaseAndAuditChecks(ctx, example, guard, docs, kubectlOut.size);
    const esoLogErrors = ctx.eso ? esoErrors(ctx.eso.logFile, esoLogStart) : new Map<string, string>();
    const fanoutNamespaces = [...eso.owners.values()].flatMap((o) => [...o.provisioned, ...o.failed.map((f) => f.namespace)]).filter((n) => n !== 'unknown');
    const esoWarnings = ctx.eso ? await esoEvents(ctx.kubectl, new Set(['default', ...fanoutNamespaces, ...docs.filter((d) => d.metadata?.namespace).map((d) => String(d.metadata.namespace))])) : new Map<string, string>();
    noteAdmissions(guard.admissions());
    const { conditions } = eso;

    const objects: ObjectResult[] = [];
    for (const k of esoObjects) {
      const [kind, ns, name] = k.split('/') as [string, string, string];
      const exp = expected.find((e) => e.kind === kind && (e.namespace ?? '') === ns && e.name === name) ?? { decision: 'allow', codes: [] };
      const o = kubectlOut.get(k)!;
      const codes = [...new Set([...(admissionCodes.get(k) ?? []), ...codesIn(o.lines.join('\n'))])].sort();
      const matchesExpected = o.decision === exp.decision && (exp.codes as string[]).every((c) => codes.includes(c));
      if (kind in FANOUT_CHILD) {
        objects.push(...fanoutResults({ example, kind, name, exp, decision: o.decision, codes, lines: o.lines.map((l) => l.replace(ctx.dir, '<run>')), matchesExpected, state: eso, esoRan: ctx.eso !== undefined, esoWarnings, esoLogErrors, lastAdmission }));
        continue;
      }
      const doc = docs.find((d) => keyOf(d.kind, d.metadata.namespace, d.metadata.name) === k);
      // A store of another provider is not the webhook's business (it says nothing about it).
      const otherProvider = kind !== 'ExternalSecret' && doc?.spec?.provider && !doc.spec.provider.vault;
      const verdict = otherProvider ? 'out-of-scope' : verdictOf(o.decision, codes);
      const cond = o.esoRefusal === undefined ? conditions.get(k) : undefined;
      const outcome: EsoOutcome = !ctx.eso ? 'not-run' : o.esoRefusal !== undefined ? 'refused' : !cond ? 'no-condition' : cond.status === 'True' ? 'ready' : 'not-ready';
      objects.push({
        example, kind, namespace: ns === '' ? null : ns, name,
        expected: { decision: exp.decision, codes: exp.codes },
        webhook: { decision: o.decision, codes, kubectl: o.lines.map((l) => l.replace(ctx.dir, '<run>')) },
        matchesExpected, verdict,
        eso: { outcome, ...(cond?.reason ? { reason: cond.reason } : {}), ...(cond?.message ? { message: cond.message } : {}), ...(outcome !== 'ready' && esoWarnings.get(k) ? { event: esoWarnings.get(k)! } : {}), ...(outcome !== 'ready' && esoLogErrors.get(k) ? { error: esoLogErrors.get(k)! } : {}), ...(o.esoRefusal !== undefined ? { webhook: o.esoRefusal } : {}) },
        agreement: agreementOf(verdict, outcome),
      });
    }
    // ESO marks a store Ready once it can log in; a problem under the store's mount shows only when
    // an ExternalSecret reads through it. A denied store ESO calls Ready agrees when every
    // ExternalSecret through it fails in ESO, and stays a false denial otherwise.
    for (const o of objects) {
      if (o.agreement !== 'false-denial' || o.kind === 'ExternalSecret') continue;
      const through = objects.filter((es) => {
        if (es.kind !== 'ExternalSecret' && !(es.kind === 'ClusterExternalSecret' && es.namespace)) return false;
        const spec = docs.find((d) => keyOf(d.kind, d.kind === 'ExternalSecret' ? d.metadata.namespace : undefined, d.metadata.name) === keyOf(es.kind, es.kind === 'ExternalSecret' ? es.namespace : undefined, es.name))?.spec;
        const ref = es.kind === 'ExternalSecret' ? spec?.secretStoreRef : spec?.externalSecretSpec?.secretStoreRef;
        return ref?.name === o.name && (ref.kind ?? 'SecretStore') === o.kind && (o.kind === 'ClusterSecretStore' || es.namespace === o.namespace);
      });
      if (through.length > 0 && through.every((es) => es.eso.outcome === 'not-ready')) {
        o.agreement = 'agree';
        o.note = `ESO calls the store Ready (login works); every ExternalSecret through it fails: ${through.map((es) => `${es.namespace}/${es.name} (${es.eso.reason ?? ''})`).join(', ')}`;
      }
    }
    fanoutAdmissionCheck(ctx, example, objects);
    for (const o of objects) {
      log(`  ${o.matchesExpected ? 'ok ' : 'BAD'} ${o.kind} ${o.fanout && o.namespace ? `${o.name} → ${o.fanout.child.kind} ${o.namespace}/${o.fanout.child.name}` : `${o.namespace ?? '-'}/${o.name}`}: webhook ${o.webhook.decision} [${o.webhook.codes.join(',')}] (expected ${o.expected.decision} [${o.expected.codes.join(',')}]); ESO ${o.eso.outcome}${o.eso.reason ? ` ${o.eso.reason}` : ''}${o.eso.webhook ? ` (ESO's webhook: ${o.eso.webhook})` : ''} → ${o.agreement}`);
    }
    // Leave the cluster as found for the next example (namespaces stay: nothing finalises them here).
    await guard.stop();
    guard = undefined;
    for (const o of kubectlOut.values()) await ctx.kubectl.run(['delete', '--ignore-not-found', '--wait=false', '-f', o.file]);
    // What a ClusterExternalSecret or ClusterPushSecret created is owned by it, but no garbage
    // collector runs here (no kube-controller-manager): delete those objects too.
    await ctx.kubectl.run(['delete', ESO_KINDS_CLEANED, '--all', '-A', '--ignore-not-found', '--wait=false']);
    let leftNames: string[] = [];
    const cleanupStarted = Date.now();
    await until('example objects deleted', async () => {
      const left = await ctx.kubectl.json(['get', `${ESO_KINDS_CLEANED},secretstores.external-secrets.io,clustersecretstores.external-secrets.io`, '-A']);
      const items = left.items as Obj[];
      leftNames = items.map((o) => `${String(o.kind)} ${String(o.metadata?.namespace ?? '')}/${String(o.metadata?.name)} finalizers=${JSON.stringify(o.metadata?.finalizers ?? [])}`);
      if (items.length === 0) return true;
      // A ClusterExternalSecret/ClusterPushSecret being deleted may recreate what it owns once more, and
      // a finalizer ESO keeps on an object whose store is gone would hold it: this cluster is thrown
      // away, so after a while the leftovers are deleted again and their finalizers dropped.
      await ctx.kubectl.run(['delete', ESO_KINDS_CLEANED, '--all', '-A', '--ignore-not-found', '--wait=false']);
      if (Date.now() - cleanupStarted > 15_000) {
        for (const o of items) {
          if (!(o.metadata?.finalizers ?? []).length) continue;
          const kind = `${String(o.kind).toLowerCase()}s.external-secrets.io`;
          await ctx.kubectl.run(['patch', kind, String(o.metadata.name), ...(o.metadata.namespace ? ['-n', String(o.metadata.namespace)] : []), '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
        }
      }
      return undefined;
    }, 60_000, 500).catch((err: unknown) => {
      throw new Error(`${String(err)}; left: ${leftNames.join(', ')}`);
    });
    for (const ns of new Set(docs.filter((d) => d.metadata?.namespace).map((d) => String(d.metadata.namespace)))) {
      await ctx.kubectl.run(['delete', 'secrets', '--all', '-n', ns, '--wait=false']);
    }
    return { seed, objects };
  } finally {
    ctx.proxy.route(serverHost.includes(':') ? serverHost : `${serverHost}:443`, undefined);
    for (const r of setup?.passthrough ?? []) ctx.proxy.route(r.hostPort, undefined);
    await guard?.stop();
    await vault.stop();
  }
}

/** What an example leaves behind that owns or is owned by another ESO object (removed between examples). */
const ESO_KINDS_CLEANED = 'clusterexternalsecrets.external-secrets.io,clusterpushsecrets.external-secrets.io,externalsecrets.external-secrets.io,pushsecrets.external-secrets.io';

/** The audit's Lease has a holder, and the audit (not the admission) sent an Event. */
async function leaseAndAuditChecks(ctx: RunContext, example: string, guard: GuardProcess, docs: Obj[], admitted: number): Promise<void> {
  const lease = await until('audit Lease holder', async () => {
    const l = await ctx.kubectl.json(['get', 'lease', 'eso-vault-guard-audit', '-n', GUARD_NAMESPACE]).catch(() => undefined);
    return l?.spec?.holderIdentity ? l : undefined;
  }, 30_000, 500).catch(() => undefined);
  ctx.checks.push({
    name: `${example}: audit Lease held`, ok: lease?.spec?.holderIdentity === `guard-${example}-warn`,
    detail: lease ? `holder ${String(lease.spec.holderIdentity)}, renewTime ${String(lease.spec.renewTime)}, transitions ${String(lease.spec.leaseTransitions)}` : 'no Lease',
  });
  // An example whose objects the installed CRDs do not serve (external-secrets.io/v1beta1 with ESO
  // v2.9.0) has nothing in the cluster to audit: no Event is the right answer there.
  if (admitted === 0) {
    ctx.checks.push({ name: `${example}: audit pass and Events`, ok: true, detail: 'no object of this example is served by the installed CRDs (the API server refused them): nothing to audit' });
    return;
  }
  // An audit pass records an Event per warning/error finding; warning findings never come from admission.
  const passDone = await until('an audit pass', async () => (guard.logLines().some((l) => /audit pass/.test(String(l.msg ?? ''))) ? true : undefined), 30_000, 500).catch(() => false);
  const namespaces = new Set(['default', ...docs.filter((d) => d.metadata?.namespace).map((d) => String(d.metadata.namespace))]);
  const events: Obj[] = [];
  for (const ns of namespaces) {
    const list = await ctx.kubectl.json(['get', 'events', '-n', ns]);
    events.push(...(list.items as Obj[]).filter((e) => e.source?.component === 'eso-vault-guard' || e.reportingComponent === 'eso-vault-guard'));
  }
  const mine = new Set(docs.map((d) => keyOf(d.kind, d.metadata?.namespace, d.metadata?.name)));
  const auditEvents = events.filter((e) => mine.has(keyOf(e.involvedObject?.kind, e.involvedObject?.namespace, e.involvedObject?.name)));
  const sent = guard.logLines().filter((l) => l.msg === 'audit pass complete').reduce((n, l) => n + Number(l.eventsSent ?? 0), 0);
  ctx.checks.push({
    name: `${example}: audit pass and Events`, ok: passDone === true && auditEvents.length > 0 && sent > 0,
    detail: `audit passes sent ${sent} Events; ${auditEvents.length} eso-vault-guard Events on this example's objects (${[...new Set(auditEvents.map((e) => `${e.involvedObject?.kind}/${e.reason}`))].slice(0, 6).join(', ')})`,
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const found = findBinaries();
  if (!found.ok) {
    log('e2e: skipped — missing:');
    for (const m of found.missing) log(`  - ${m}`);
    writeReport(args.report, { skipped: true, missing: found.missing, components: [], examples: [], agreement: summarise([]), expectedMismatches: 0, checks: [], durationMs: Date.now() - started });
    return 0;
  }
  const bins = found.bins;
  const dir = mkdtempSync(join(tmpdir(), 'eso-vault-guard-e2e-'));
  log(`e2e: binaries from ${bins.dir}; run dir ${dir}`);
  let cluster: Cluster | undefined;
  let proxy: VaultProxy | undefined;
  let eso: Proc | undefined;
  let esoWebhook: EsoWebhook | undefined;
  const checks: E2eReport['checks'] = [];
  try {
    cluster = await startCluster({ etcd: bins.etcd, kubeApiserver: bins.kubeApiserver }, dir);
    log(`kube-apiserver at ${cluster.url}`);
    const kubectl = new Kubectl(bins.kubectl, cluster.kubeconfig);
    for (const crd of bins.esoCrds) await kubectl.ok(['apply', '--server-side', '-f', crd]);
    await kubectl.ok(['wait', '--for', 'condition=established', '--timeout=60s', 'crd', '--all']);
    log(`ESO CRDs installed (${bins.esoCrds.length})`);
    esoWebhook = await startEsoWebhook(bins.externalSecrets, dir, cluster.kubeconfig);
    await applyList(kubectl, esoWebhook.configurations);
    log('external-secrets webhook running and registered');
    const rendered = await renderDeploy(bins.kubectl, await freePort());
    await applyList(kubectl, rendered.applied);
    // Vault's token reviewer (auth/kubernetes/config token_reviewer_jwt), as deploy/vault/README.md mode 2.
    await applyList(kubectl, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vault-token-reviewer', namespace: 'vault' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'vault-token-reviewer' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' }, subjects: [{ kind: 'ServiceAccount', name: 'vault-token-reviewer', namespace: 'vault' }] },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'external-secrets' } },
    ]);
    const reviewerToken = (await kubectl.ok(['create', 'token', 'vault-token-reviewer', '-n', 'vault', '--duration=2h'])).trim();
    // ESO's own ServiceAccount and a pod-like token of it (default audience) for stores that name no serviceAccountRef.
    await applyList(kubectl, [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'external-secrets', namespace: 'external-secrets' } }]);
    const esoPodToken = (await kubectl.ok(['create', 'token', 'external-secrets', '-n', 'external-secrets', '--duration=2h'])).trim();
    const guardToken = (await kubectl.ok(['create', 'token', GUARD_SA, '-n', GUARD_NAMESPACE, '--duration=2h', `--audience=${API_AUDIENCES[0]}`])).trim();
    const hosts = new Set<string>();
    for (const ex of exampleFolders([])) {
      const s = JSON.parse(readFileSync(join(EXAMPLES_DIR, ex, 'vault-state.json'), 'utf8')) as Obj;
      if (s.server) hosts.add(new URL(String(s.server)).hostname);
    }
    proxy = await startVaultProxy([...hosts]);
    eso = await startEso(bins.externalSecrets, dir, cluster.kubeconfig, proxy, await canUnshare() ? esoPodToken : undefined);
    log('external-secrets controller running');
    const ctx: RunContext = { bins, dir, cluster, kubectl, rendered, guardToken, reviewerToken, proxy, eso, checks };
    const examples: E2eReport['examples'] = [];
    let vaultHealth: Record<string, unknown> = {};
    for (const ex of exampleFolders(args.examples)) {
      const result = await runExample(ctx, ex);
      examples.push({ name: ex, ...result });
    }
    for (const sc of scenarioFolders(args.examples)) {
      const result = await runExample(ctx, sc, join(SCENARIOS_DIR, sc));
      examples.push({ name: sc, ...result });
    }
    {
      const v = await startVaultServer(bins.vault, dir, 'vault-version');
      vaultHealth = v.health;
      await v.stop();
    }
    const all = examples.flatMap((e) => e.objects);
    // Every finding code must have met ESO at least once (the examples plus test/e2e/scenarios).
    const { FINDING_CODES } = await import('../../src/checks/finding-codes.js');
    const seen = new Set(all.filter((o) => o.eso.outcome !== 'not-run').flatMap((o) => o.webhook.codes));
    // Codes no object can carry to ESO by construction: NotChecked is for ESO API versions/kinds the
    // installed CRDs do not serve (the API server refuses such objects before the webhook or ESO sees
    // them), and ESO's controller has no Ready condition to compare for it.
    const unreachable: Record<string, string> = { NotChecked: 'only for API versions the installed CRDs do not serve' };
    const unexercised = FINDING_CODES.filter((c) => !seen.has(c) && !(c in unreachable));
    checks.push({ name: 'every finding code put in front of ESO', ok: args.examples.length > 0 || unexercised.length === 0, detail: `${unexercised.length === 0 ? `all ${FINDING_CODES.length - Object.keys(unreachable).length} reachable codes` : `not exercised: ${unexercised.join(', ')}`}; cannot reach ESO: ${Object.entries(unreachable).map(([c, why]) => `${c} (${why})`).join(', ')}` });
    const report: E2eReport = {
      skipped: false,
      components: await components(bins, kubectl, vaultHealth),
      examples,
      agreement: summarise(all.map((o) => o.agreement)),
      expectedMismatches: all.filter((o) => !o.matchesExpected).length,
      checks,
      durationMs: Date.now() - started,
    };
    writeReport(args.report, report);
    if (args.fidelity) writeFileSync(args.fidelity, renderFidelity(report, new Date().toISOString().slice(0, 10)));
    log(`\nagreement with ESO: ${JSON.stringify(report.agreement)}; decisions differing from expected.json: ${report.expectedMismatches}`);
    for (const c of checks) log(`${c.ok ? 'ok ' : 'BAD'} ${c.name}: ${c.detail}`);
    const failed = report.expectedMismatches > 0 || report.agreement.falseDenials > 0 || report.agreement.misses > 0 || checks.some((c) => !c.ok);
    log(failed ? 'e2e: FAILED' : 'e2e: passed');
    return failed ? 1 : 0;
  } finally {
    await eso?.stop();
    await proxy?.close();
    await cluster?.stop();
    await esoWebhook?.stop();
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`e2e: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
