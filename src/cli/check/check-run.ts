// One `check` run from validated options to an exit code: read the manifests, find the stores,
// log in to Vault, default and check every object, write the report.
import { writeFile } from 'node:fs/promises';
import { Registry } from 'prom-client';
import { ConfigError, loadConfig } from '../../config/index.js';
import type { GuardConfig } from '../../config/types.js';
import { silentLogger } from '../../log/logger.js';
import { createOfflineFacts, createVaultFacts, normaliseServerUrl, type VaultFacts, type VaultFactsService } from '../../vault/index.js';
import { CheckConfigError } from './errors.js';
import { EXIT_CANNOT_RUN, exitDecision } from './exit-code.js';
import { renderReport } from './format.js';
import { InputError, readInputs, type InputDocument } from './inputs.js';
import { buildCheckReport, skippedObject, type SkippedObject } from './located.js';
import type { CheckOptions } from './options.js';
import { createProgress } from './progress.js';
import { checkAll, isCheckedObject, skipReason, withNamespace, type CheckedObject } from './run.js';
import { createManifestCaSources } from '../../checks/ca-sources.js';
import { createManifestTemplateSources } from '../../checks/template-sources.js';
import { createManifestExistingObjects } from '../../checks/existing-objects.js';
import type { TokenReviewAccess } from '../../checks/token-review-access.js';
import { layeredLookup, lookupOver, parseControllerSa, storeServers } from './stores.js';
import { prepareVaultConfig, parseVaultMap } from './vault-setup.js';
import { describeReachProblem, reachProblems, withoutDeadServers } from './vault-reach.js';

export type { CliIo as CheckIo } from '../io.js';
import type { CliIo as CheckIo } from '../io.js';

type Obj = Record<string, unknown>;
const STORE_KINDS: readonly string[] = ['SecretStore', 'ClusterSecretStore'];

function loadGuardConfig(opts: CheckOptions, env: Record<string, string | undefined>): GuardConfig {
  const checks: Record<string, unknown> = {};
  if (opts.defaultAudiences) checks['defaultAudiences'] = opts.defaultAudiences;
  if (opts.controllerSa) checks['controllerServiceAccount'] = opts.controllerSa;
  try {
    return loadConfig({ ...(opts.config ? { file: opts.config } : {}), env, overrides: { checks } });
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckConfigError(err.problems.map((p) => `config: ${p}`).join('; '));
    throw err;
  }
}

/** A ConfigMap with a PEM certificate in its data, or a Secret with one base64-encoded ("-----BEGIN"). */
function holdsCertificate(obj: Obj): boolean {
  if (obj['kind'] !== 'ConfigMap' && obj['kind'] !== 'Secret') return false;
  const data = obj['data'];
  if (data === null || typeof data !== 'object') return false;
  return Object.values(data).some((v) => typeof v === 'string' && (v.includes('-----BEGIN') || v.includes('LS0tLS1CRUdJT')));
}

/** A ConfigMap with a Go template in its data (a templateFrom source, by ESO's left delimiter); others are kept as stubs without data. */
function holdsTemplate(obj: Obj, leftDelimiter: string): boolean {
  if (obj['kind'] !== 'ConfigMap') return false;
  const data = obj['data'];
  if (data === null || typeof data !== 'object') return false;
  return Object.values(data).some((v) => typeof v === 'string' && v.includes(leftDelimiter));
}

/** Store and Namespace objects of the files (cluster objects come in separately). */
function isLookupObject(obj: Obj): boolean {
  return STORE_KINDS.includes(String(obj['kind'])) || obj['kind'] === 'Namespace';
}

async function clusterObjects(opts: CheckOptions): Promise<{ objects: Obj[]; tokenReviews?: TokenReviewAccess }> {
  if (opts.storesFrom === 'files') return { objects: [] };
  // Loaded only when asked: the Kubernetes client is large.
  const { readClusterStores } = await import('./cluster-stores.js');
  const read = await readClusterStores(opts.kubeconfig);
  return { objects: read.objects, tokenReviews: read.tokenReviews };
}

function useColour(io: CheckIo, opts: CheckOptions): boolean {
  const noColor = io.env['NO_COLOR'];
  return opts.colour && opts.output === undefined && io.stdout.isTTY === true && (noColor === undefined || noColor === '');
}

/**
 * What a command built on `check` changes in the run (`impact` checks every object twice and reports
 * the difference); `check` itself passes none.
 */
export interface RunHooks {
  /** The command's name in stderr lines. */
  command?: string;
  /** Checks the objects (default: checkAll); the report holds what it returns. */
  checkAll?: typeof checkAll;
  /** Renders the report (default: renderReport). */
  render?: typeof renderReport;
  /** The input when it is not read from `paths` (impact: the cluster's ESO objects). */
  inputs?: () => Promise<InputDocument[]>;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

/**
 * The objects `check` keeps whole: the checked kinds, Namespaces (their labels), ConfigMaps/Secrets
 * holding a certificate (caProvider), ConfigMaps holding a template (templateFrom; one without is
 * not verifiable, see template-sources.ts).
 */
export function keptForCheck(obj: Obj, leftDelimiter = '{{'): boolean {
  return isCheckedObject(obj) || obj['kind'] === 'Namespace' || holdsCertificate(obj) || holdsTemplate(obj, leftDelimiter);
}

/** What checking the input gave: every object's result and the objects not checked. */
export interface CheckedInput {
  checked: CheckedObject[];
  skipped: SkippedObject[];
}

/**
 * Checks read input documents as admission would: finds the stores, logs in to Vault (or not,
 * offline), checks every ESO object. A number is the exit code of a run that cannot go on (a Vault
 * server unreachable without --fail-open), its reason already on stderr.
 */
export async function checkDocuments(inputs: readonly InputDocument[], opts: CheckOptions, io: CheckIo, hooks: RunHooks = {}): Promise<CheckedInput | number> {
  let service: VaultFactsService | undefined;
  const command = hooks.command ?? 'check';
  try {
    const config = loadGuardConfig(opts, io.env);
    const controllerSa = parseControllerSa(config.checks.controllerServiceAccount);
    if (!controllerSa) throw new CheckConfigError(`--controller-sa expects namespace/name, got "${config.checks.controllerServiceAccount}"`);
    const vaultMap = parseVaultMap(opts.vaultMap);
    const docs: { doc: InputDocument; object: Obj }[] = inputs.map((doc) => ({ doc, object: withNamespace(doc.object, opts.namespace) }));
    const fileLookupObjects = opts.storesFrom === 'cluster' ? [] : docs.map((d) => d.object).filter(isLookupObject);
    const cluster = await clusterObjects(opts);
    const fromCluster = cluster.objects;

    let facts: VaultFacts;
    if (opts.offline) {
      // The static half: nothing is sent to Vault, no credential is read or used.
      facts = createOfflineFacts();
    } else {
      const usedServers = storeServers([...docs.map((d) => d.object), ...fromCluster]);
      const prepared = prepareVaultConfig(config.vault, {
        ...(opts.vaultToken ? { token: opts.vaultToken } : {}),
        ...(opts.vaultAddr ? { address: opts.vaultAddr } : {}),
        map: vaultMap,
        allowInsecureHttp: opts.allowInsecureHttp,
      }, usedServers);
      service = createVaultFacts(prepared.config, { logger: silentLogger(), registry: new Registry() });
      await service.start();
      // A server that cannot be reached or refuses the login is one fatal error, not a line per object.
      const problems = reachProblems(service, prepared.dials, usedServers);
      for (const p of problems) {
        await write(io.stderr, `eso-vault-guard ${command}: ${opts.failOpen ? 'warning: ' : ''}${describeReachProblem(p)}${opts.failOpen ? ' (--fail-open: its stores are not checked against Vault)' : ''}\n`);
      }
      if (problems.length > 0 && !opts.failOpen) return EXIT_CANNOT_RUN;
      const dead = new Map(problems.flatMap((p) => p.servers.map((s) => [normaliseServerUrl(s), `${p.failure.detail} (at ${p.address})`] as const)));
      facts = withoutDeadServers(service, dead);
    }

    // Admission does not change objects (the /mutate endpoint patches nothing), so stores are
    // checked and looked up as written.
    const clusterLookup = lookupOver(fromCluster, controllerSa);
    const filesLookup = lookupOver(fileLookupObjects, controllerSa);
    const lookup = opts.storesFrom === 'files' ? filesLookup : opts.storesFrom === 'cluster' ? clusterLookup : layeredLookup(filesLookup, clusterLookup);

    const progress = createProgress((opts.quiet ? { isTTY: false } : io.stderr) as NodeJS.WriteStream);
    // Namespaces are not checked, but they are used (their labels), so they are not "skipped".
    const skipped = docs.flatMap((d) => {
      const reason = skipReason(d.doc.object);
      return reason === undefined || d.doc.object['kind'] === 'Namespace' ? [] : [skippedObject(d.doc, reason)];
    });
    const toCheck = docs.filter((d) => skipReason(d.doc.object) === undefined).map((d) => ({ doc: d.doc, object: d.object }));
    const checked = await (hooks.checkAll ?? checkAll)(toCheck, lookup, {
      facts,
      defaultAudiences: config.checks.defaultAudiences,
      trust: opts.trust,
      // caProvider ConfigMaps/Secrets are read from the given files only.
      caSources: createManifestCaSources(docs.map((d) => d.object), 'the checked files'),
      // templateFrom ConfigMaps likewise: from the files, else not verifiable.
      templateSources: createManifestTemplateSources(docs.map((d) => d.object), 'the checked files'),
      templateDelimiters: { left: config.checks.templateLeftDelimiter, right: config.checks.templateRightDelimiter },
      // A ClusterPushSecret's PushSecret: known only among the files.
      existingObjects: createManifestExistingObjects(docs.map((d) => d.object)),
      // With a cluster, its RBAC answers for client-JWT mode; without, that stays not verifiable.
      ...(cluster.tokenReviews ? { tokenReviews: cluster.tokenReviews } : {}),
      timeoutMs: opts.timeoutMs,
      concurrency: opts.concurrency,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();
    return { checked, skipped };
  } finally {
    await service?.close();
  }
}

export async function runCheck(paths: readonly string[], opts: CheckOptions, io: CheckIo, hooks: RunHooks = {}): Promise<number> {
  const command = hooks.command ?? 'check';
  try {
    if (paths.length === 0 && !hooks.inputs) throw new CheckConfigError('give at least one FILE, DIR or - (stdin) to check');
    // Only what the run uses stays in memory whole.
    // Template ConfigMaps are recognised by ESO's left delimiter, which the configuration says.
    const left = hooks.inputs ? '{{' : loadGuardConfig(opts, io.env).checks.templateLeftDelimiter;
    const inputs = hooks.inputs ? await hooks.inputs() : await readInputs(paths, io.stdin, (o) => keptForCheck(o, left));
    const result = await checkDocuments(inputs, opts, io, hooks);
    if (typeof result === 'number') return result;
    const report = { ...buildCheckReport(result.checked, result.skipped), ...(opts.offline ? { offline: true } : {}) };
    const text = (hooks.render ?? renderReport)(report, opts.format, { colour: useColour(io, opts), quiet: opts.quiet });
    if (opts.output) await writeFile(opts.output, text);
    else await write(io.stdout, text);
    const exit = exitDecision(report, opts.failOpen, command);
    for (const line of exit.stderr) await write(io.stderr, `${line}\n`);
    return exit.code;
  } catch (err) {
    if (err instanceof CheckConfigError || err instanceof InputError) {
      await write(io.stderr, `eso-vault-guard ${command}: ${err.message}\n`);
      return EXIT_CANNOT_RUN;
    }
    throw err;
  }
}
