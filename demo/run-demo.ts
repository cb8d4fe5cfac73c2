// `eso-vault-guard demo`: the real webhook on loopback, asked over HTTPS exactly as the API server
// asks it, against an embedded Vault seeded from examples/<folder>/vault-state.json. Every manifest
// of a folder is replayed in file order and answered the way `kubectl apply` prints it.
//
// No Vault binary can run here, so the embedded Vault is the faithful HTTP double the test suite
// uses (test/support/vault-double.ts): real HTTP, Vault's response shapes and errors, ACLs enforced
// by the product's ACL engine. Like bench/, this folder is development tooling: it is not part of
// the container image, which compiles src/ only.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { createAdmissionHandlers } from '../src/checks/handlers.js';
import { loadConfig } from '../src/config/load.js';
import { createOfflineLookup, parseEsoObject, type ParsedEsoObject, type StoreLookup } from '../src/eso/index.js';
import { silentLogger } from '../src/log/index.js';
import { createMetricsRegistry } from '../src/server/metrics.js';
import { selfSignedTlsSource } from '../src/server/tls/self-signed.js';
import { createVaultFacts } from '../src/vault/index.js';
import type { DemoOutput } from '../src/cli/commands/demo.js';
import { startServers } from '../src/server/start.js';
import { startVaultDouble, webhookVaultConfig, type VaultDouble } from '../test/support/vault-double.js';
import { admissionReview } from '../test/support/admission-fixtures.js';
import { exampleTokenReviews } from '../test/support/example-cluster-rbac.js';
import { postReview } from './admission-client.js';
import { applyJsonPatch } from './json-patch.js';
import { createdLine, kubectlLines } from './kubectl-output.js';
import { fixSection, FIX_DEMO_FOLDER } from './fix-demo.js';
import { runVaultSide, VAULT_SIDE_EXAMPLE } from './vault-side.js';

/** The repository root, from dist/demo/ (any dist folder). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

export const CONTROLLER_SERVICE_ACCOUNT = { name: 'external-secrets', namespace: 'external-secrets' };
export const DEFAULT_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

type Obj = Record<string, unknown>;

export interface DemoOutcome {
  folder: string;
  kind: string;
  namespace?: string;
  name: string;
  outcome: 'created' | 'warned' | 'denied';
}


/** Runnable folders, in the order examples/README.md lists them (unlisted ones last). */
export function exampleFolders(): string[] {
  const readme = readFileSync(join(EXAMPLES_DIR, 'README.md'), 'utf8');
  const rank = (name: string) => {
    const at = readme.indexOf(`- \`${name}/\``);
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES_DIR, d.name, 'manifests.yaml')) && existsSync(join(EXAMPLES_DIR, d.name, 'vault-state.json')))
    .map((d) => d.name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The folder's one-line purpose from examples/README.md (`- \`folder/\` — purpose`). */
function purposeOf(folder: string): string {
  const readme = readFileSync(join(EXAMPLES_DIR, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.startsWith(`- \`${folder}/\``));
  return line ? line.replace(/^- `[^`]+` — /, '').replace(/;.*$/, '').replace(/\.$/, '') : '';
}

function meta(obj: Obj): { name: string; namespace?: string } {
  const m = (obj['metadata'] ?? {}) as { name?: unknown; namespace?: unknown };
  return { name: String(m.name ?? ''), ...(typeof m.namespace === 'string' ? { namespace: m.namespace } : {}) };
}

const ESO_KINDS = new Set(['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'PushSecret', 'ClusterExternalSecret', 'ClusterPushSecret']);

/**
 * One example's world: its manifests, the embedded Vault seeded from its vault-state.json, and the
 * webhook's Vault facts on that Vault (not started), with a silent logger and a private registry.
 */
export async function exampleWorld(folder: string): Promise<{
  objects: Obj[];
  vault: VaultDouble;
  logger: ReturnType<typeof silentLogger>;
  registry: ReturnType<typeof createMetricsRegistry>;
  facts: ReturnType<typeof createVaultFacts>;
}> {
  const dir = join(EXAMPLES_DIR, folder);
  const objects = parseAllDocuments(readFileSync(join(dir, 'manifests.yaml'), 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Obj => d !== null && typeof d === 'object');
  const vault = await startVaultDouble({ state: join(dir, 'vault-state.json') });
  const logger = silentLogger();
  const registry = createMetricsRegistry({ defaultMetrics: false });
  return { objects, vault, logger, registry, facts: createVaultFacts(webhookVaultConfig(vault), { logger, registry }) };
}

/** Replays one example folder; returns the outcome of every object. */
export async function replayFolder(folder: string, out: DemoOutput): Promise<DemoOutcome[]> {
  const dir = join(EXAMPLES_DIR, folder);
  const file = relative(REPO_ROOT, join(dir, 'manifests.yaml'));
  const { objects, vault, logger, registry, facts } = await exampleWorld(folder);
  await facts.start();
  // The webhook's store cache: the folder's stores as the cluster holds them once admitted (mutated).
  let cluster: StoreLookup = createOfflineLookup(objects.map((o) => parseEsoObject(o)), CONTROLLER_SERVICE_ACCOUNT);
  const lookup: StoreLookup = {
    getStore: (kind, name, namespace) => cluster.getStore(kind, name, namespace),
    namespaceLabels: (namespace) => cluster.namespaceLabels(namespace) ?? { 'kubernetes.io/metadata.name': namespace },
    controllerServiceAccount: CONTROLLER_SERVICE_ACCOUNT,
    // ClusterExternalSecret/ClusterPushSecret namespaces and PushSecret stores chosen by label.
    listNamespaces: () => cluster.listNamespaces?.(),
    listStores: (kind, namespace) => cluster.listStores?.(kind, namespace),
  };
  const config = loadConfig({ env: {}, overrides: { server: { port: 0, metricsPort: 0, host: '127.0.0.1' } } });
  const tls = await selfSignedTlsSource({ serviceName: 'eso-vault-guard', namespace: 'eso-vault-guard', extraDnsNames: ['localhost'] });
  const servers = await startServers({
    config,
    logger,
    registry,
    tls,
    // The example's cluster RBAC (client-JWT mode asks it): its stores' ServiceAccounts hold system:auth-delegator.
    handlers: createAdmissionHandlers({ facts, lookup, mode: config.admission.mode, failureMode: config.admission.failureMode, defaultAudiences: DEFAULT_AUDIENCES, tokenReviews: exampleTokenReviews(objects, CONTROLLER_SERVICE_ACCOUNT) }),
  });
  const ca = tls.current().ca ?? tls.current().cert;
  const port = servers.webhookPort;
  try {
    const mutated = new Map<Obj, { object: Obj; warnings: string[] }>();
    const mutate = async (obj: Obj) => {
      let done = mutated.get(obj);
      if (!done) {
        const answer = await postReview(port, '/mutate', admissionReview(obj), ca);
        done = { object: applyJsonPatch(obj, answer.patch), warnings: answer.warnings };
        mutated.set(obj, done);
      }
      return done;
    };
    const admittedStores: ParsedEsoObject[] = [];
    for (const obj of objects) {
      const parsed = parseEsoObject(obj);
      if (parsed.kind === 'Namespace') admittedStores.push(parsed);
      else if (parsed.kind === 'SecretStore' || parsed.kind === 'ClusterSecretStore') admittedStores.push(parseEsoObject((await mutate(obj)).object));
    }
    cluster = createOfflineLookup(admittedStores, CONTROLLER_SERVICE_ACCOUNT);

    out.line(`$ kubectl apply -f ${file}`, 'heading');
    const outcomes: DemoOutcome[] = [];
    for (const obj of objects) {
      const kind = String(obj['kind'] ?? '');
      const m = meta(obj);
      if (!ESO_KINDS.has(kind)) {
        out.line(createdLine({ kind, name: m.name }), 'ok');
        continue;
      }
      const { object, warnings } = await mutate(obj);
      const answer = await postReview(port, '/validate', admissionReview(object), ca);
      const lines = kubectlLines({ kind, ...m }, file, { ...answer, warnings: [...warnings, ...answer.warnings] });
      for (const line of lines) out.line(line, line.startsWith('Warning:') ? 'warning' : line.startsWith('Error from server') ? 'error' : 'ok');
      outcomes.push({ folder, kind, ...m, outcome: !answer.allowed ? 'denied' : lines.length > 1 ? 'warned' : 'created' });
    }
    return outcomes;
  } finally {
    await servers.close();
    await facts.close();
    await vault.close();
  }
}

export async function runDemo(folders: string[], out: DemoOutput): Promise<DemoOutcome[]> {
  out.line('eso-vault-guard demo: the webhook on loopback (HTTPS, AdmissionReview v1) against an embedded Vault;', 'dim');
  out.line('each example is replayed as `kubectl apply` would send it (mutate, then validate) and printed as kubectl prints it.', 'dim');
  const all: DemoOutcome[] = [];
  for (const folder of folders) {
    out.line('');
    out.line(`# ${folder}: ${purposeOf(folder)}`, 'heading');
    all.push(...(await replayFolder(folder, out)));
  }
  if (folders.includes(FIX_DEMO_FOLDER)) {
    out.line('');
    out.line(`# fix: the certain fixes of ${FIX_DEMO_FOLDER}, as a diff (docs/fix.md); the rest stay findings`, 'heading');
    await fixSection(REPO_ROOT, EXAMPLES_DIR, out);
  }
  const count = (o: DemoOutcome['outcome']) => all.filter((x) => x.outcome === o).length;
  out.line('');
  out.line(`${all.length} ESO objects: ${count('created')} created, ${count('warned')} created with warnings, ${count('denied')} denied.`, 'heading');
  // The other direction: a Vault-side change, and the least policy, for the example that has both.
  if (folders.includes(VAULT_SIDE_EXAMPLE)) await runVaultSide(out);
  return all;
}
