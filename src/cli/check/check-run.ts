// One `check` run from validated options to an exit code: read the manifests, find the stores,
// log in to Vault, default and check every object, write the report.
import { writeFile } from 'node:fs/promises';
import { Registry } from 'prom-client';
import { ConfigError, loadConfig } from '../../config/index.js';
import type { GuardConfig } from '../../config/types.js';
import type { Finding } from '../../checks/finding.js';
import { silentLogger } from '../../log/logger.js';
import { createVaultFacts, type VaultFactsService } from '../../vault/index.js';
import { CheckConfigError } from './errors.js';
import { EXIT_CANNOT_RUN, exitDecision } from './exit-code.js';
import { renderReport } from './format.js';
import { InputError, readInputs, type InputDocument } from './inputs.js';
import { buildCheckReport } from './located.js';
import type { CheckOptions } from './options.js';
import { createProgress } from './progress.js';
import { checkAll, isChecked, mutate, withNamespace } from './run.js';
import { createManifestCaSources } from '../../checks/ca-sources.js';
import { layeredLookup, lookupOver, parseControllerSa, storeServers } from './stores.js';
import { prepareVaultConfig, parseVaultMap } from './vault-setup.js';

export interface CheckIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

type Obj = Record<string, unknown>;
const STORE_KINDS: readonly string[] = ['SecretStore', 'ClusterSecretStore'];

function loadGuardConfig(opts: CheckOptions): GuardConfig {
  const checks: Record<string, unknown> = {};
  if (opts.defaultAudiences) checks['defaultAudiences'] = opts.defaultAudiences;
  if (opts.controllerSa) checks['controllerServiceAccount'] = opts.controllerSa;
  try {
    return loadConfig({ ...(opts.config ? { file: opts.config } : {}), overrides: { checks } });
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckConfigError(err.problems.map((p) => `config: ${p}`).join('; '));
    throw err;
  }
}

/** Store and Namespace objects of the files (cluster objects come in separately). */
function isLookupObject(obj: Obj): boolean {
  return STORE_KINDS.includes(String(obj['kind'])) || obj['kind'] === 'Namespace';
}

async function clusterObjects(opts: CheckOptions): Promise<Obj[]> {
  if (opts.storesFrom === 'files') return [];
  // Loaded only when asked: the Kubernetes client is large and needs its compatibility shim.
  const { readClusterStores } = await import('./cluster-stores.js');
  return (await readClusterStores(opts.kubeconfig)).objects;
}

function useColour(io: CheckIo, opts: CheckOptions): boolean {
  const noColor = io.env['NO_COLOR'];
  return opts.output === undefined && io.stdout.isTTY === true && (noColor === undefined || noColor === '');
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

export async function runCheck(paths: readonly string[], opts: CheckOptions, io: CheckIo): Promise<number> {
  let facts: VaultFactsService | undefined;
  let cleanup = (): void => undefined;
  try {
    if (paths.length === 0) throw new CheckConfigError('give at least one FILE, DIR or - (stdin) to check');
    const config = loadGuardConfig(opts);
    const controllerSa = parseControllerSa(config.checks.controllerServiceAccount);
    if (!controllerSa) throw new CheckConfigError(`--controller-sa expects namespace/name, got "${config.checks.controllerServiceAccount}"`);
    const vaultMap = parseVaultMap(opts.vaultMap);

    const docs: { doc: InputDocument; object: Obj }[] = (await readInputs(paths)).map((doc) => ({ doc, object: withNamespace(doc.object, opts.namespace) }));
    const fileLookupObjects = opts.storesFrom === 'cluster' ? [] : docs.map((d) => d.object).filter(isLookupObject);
    const fromCluster = await clusterObjects(opts);

    const prepared = prepareVaultConfig(config.vault, {
      ...(opts.vaultToken ? { token: opts.vaultToken } : {}),
      ...(opts.vaultAddr ? { address: opts.vaultAddr } : {}),
      map: vaultMap,
    }, storeServers([...docs.map((d) => d.object), ...fromCluster]));
    cleanup = prepared.cleanup;
    facts = createVaultFacts(prepared.config, { logger: silentLogger(), registry: new Registry() });
    await facts.start();

    // Stores from the files are checked, and looked up, in the form admission will give them.
    const clusterLookup = lookupOver(fromCluster, controllerSa);
    const before = opts.storesFrom === 'files' ? lookupOver(fileLookupObjects, controllerSa) : layeredLookup(lookupOver(fileLookupObjects, controllerSa), clusterLookup);
    const admitted = new Map<Obj, { object: Obj; extra: Finding[] }>();
    for (const { object } of docs) {
      if (!STORE_KINDS.includes(String(object['kind']))) continue;
      const m = await mutate(object, { facts, lookup: before, deadlineAtMs: Date.now() + opts.timeoutMs });
      admitted.set(object, { object: m.object, extra: m.findings });
    }
    const admittedLookupObjects = fileLookupObjects.map((o) => admitted.get(o)?.object ?? o);
    const filesLookup = lookupOver(admittedLookupObjects, controllerSa);
    const lookup = opts.storesFrom === 'files' ? filesLookup : opts.storesFrom === 'cluster' ? clusterLookup : layeredLookup(filesLookup, clusterLookup);

    const progress = createProgress(io.stderr as NodeJS.WriteStream);
    const toCheck = docs.filter((d) => isChecked(d.doc)).map((d) => ({ doc: d.doc, ...(admitted.get(d.object) ?? { object: d.object, extra: [] }) }));
    const checked = await checkAll(toCheck, lookup, {
      facts,
      defaultAudiences: config.checks.defaultAudiences,
      trust: opts.trust,
      // caProvider ConfigMaps/Secrets are read from the given files only.
      caSources: createManifestCaSources(docs.map((d) => d.object), 'the checked files'),
      timeoutMs: opts.timeoutMs,
      concurrency: opts.concurrency,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();

    const report = buildCheckReport(checked);
    const text = renderReport(report, opts.format, { colour: useColour(io, opts) });
    if (opts.output) await writeFile(opts.output, text);
    else await write(io.stdout, text);
    const exit = exitDecision(report, opts.failOpen);
    for (const line of exit.stderr) await write(io.stderr, `${line}\n`);
    return exit.code;
  } catch (err) {
    if (err instanceof CheckConfigError || err instanceof InputError) {
      await write(io.stderr, `eso-vault-guard check: ${err.message}\n`);
      return EXIT_CANNOT_RUN;
    }
    throw err;
  } finally {
    await facts?.close();
    cleanup();
  }
}
