// `eso-vault-guard demo --serve`: a local try of `serve`. The real HTTPS webhook on loopback against
// the embedded Vault (the test suite's faithful HTTP double, as the demo uses it) seeded from one
// example, with that example's stores and Namespaces as the webhook's store cache. It prints the URL,
// the CA, an AdmissionReview written to a temp folder and a curl command that posts it, and runs until
// SIGINT/SIGTERM. Development tooling like the rest of demo/: not part of the container image.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createAdmissionHandlers } from '../src/checks/handlers.js';
import { loadConfig } from '../src/config/load.js';
import { createOfflineLookup, parseEsoObject, type StoreLookup } from '../src/eso/index.js';
import { selfSignedTlsSource } from '../src/server/tls/self-signed.js';
import type { DemoOutput } from '../src/cli/commands/demo.js';
import { startServers, type RunningServers } from '../src/server/start.js';
import { admissionReview } from '../test/support/admission-fixtures.js';
import { exampleTokenReviews } from '../test/support/example-cluster-rbac.js';
import { CONTROLLER_SERVICE_ACCOUNT, DEFAULT_AUDIENCES, EXAMPLES_DIR, exampleWorld, REPO_ROOT } from './run-demo.js';

export const DEFAULT_SANDBOX_EXAMPLE = 'kv-dev-kubernetes-auth';

type Obj = Record<string, unknown>;

export interface Sandbox {
  /** `https://127.0.0.1:<port>`: /validate and /mutate. */
  url: string;
  metricsUrl: string;
  caFile: string;
  reviewFile: string;
  /** `ExternalSecret ns/name` the review carries. */
  reviewed: string;
  curl: string;
  close(): Promise<void>;
}

/** The example's first ExternalSecret that expected.json says is denied (a denial shows more), else its first. */
function reviewedObject(dir: string, objects: Obj[]): Obj {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { kind: string; name: string; namespace: string | null; decision: string }[];
  const externalSecrets = objects.filter((o) => o['kind'] === 'ExternalSecret');
  const denied = externalSecrets.find((o) => {
    const m = (o['metadata'] ?? {}) as { name?: string; namespace?: string };
    return expected.some((e) => e.kind === 'ExternalSecret' && e.name === m.name && (e.namespace ?? undefined) === m.namespace && e.decision === 'deny');
  });
  const chosen = denied ?? externalSecrets[0];
  if (!chosen) throw new Error(`examples/${relative(EXAMPLES_DIR, dir)} has no ExternalSecret to review`);
  return chosen;
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export async function startSandbox(example: string, port: number): Promise<Sandbox> {
  const dir = join(EXAMPLES_DIR, example);
  const { objects, vault, logger, registry, facts } = await exampleWorld(example);
  const work = mkdtempSync(join(tmpdir(), 'eso-vault-guard-sandbox-'));
  let servers: RunningServers | undefined;
  try {
    await facts.start();
    // The webhook's store cache: the example's stores and Namespaces, as if applied before.
    const stores = createOfflineLookup(objects.map((o) => parseEsoObject(o)), CONTROLLER_SERVICE_ACCOUNT);
    const lookup: StoreLookup = {
      getStore: (kind, name, namespace) => stores.getStore(kind, name, namespace),
      namespaceLabels: (namespace) => stores.namespaceLabels(namespace) ?? { 'kubernetes.io/metadata.name': namespace },
      controllerServiceAccount: CONTROLLER_SERVICE_ACCOUNT,
      // ClusterExternalSecret/ClusterPushSecret namespaces and PushSecret stores chosen by label.
      listNamespaces: () => stores.listNamespaces?.(),
      listStores: (kind, namespace) => stores.listStores?.(kind, namespace),
    };
    const config = loadConfig({ env: {}, overrides: { server: { port, metricsPort: 0, host: '127.0.0.1' } } });
    const tls = await selfSignedTlsSource({ serviceName: 'eso-vault-guard', namespace: 'eso-vault-guard', extraDnsNames: ['localhost'] });
    servers = await startServers({
      config,
      logger,
      registry,
      tls,
      handlers: createAdmissionHandlers({ facts, lookup, mode: config.admission.mode, failureMode: config.admission.failureMode, defaultAudiences: DEFAULT_AUDIENCES, tokenReviews: exampleTokenReviews(objects, CONTROLLER_SERVICE_ACCOUNT) }),
    });
    const caFile = join(work, 'ca.pem');
    writeFileSync(caFile, tls.current().ca ?? tls.current().cert);
    const object = reviewedObject(dir, objects);
    const reviewFile = join(work, 'admission-review.json');
    writeFileSync(reviewFile, `${JSON.stringify(admissionReview(object), null, 2)}\n`);
    const m = (object['metadata'] ?? {}) as { name?: string; namespace?: string };
    const url = `https://127.0.0.1:${servers.webhookPort}`;
    const running = servers;
    let closed: Promise<void> | undefined;
    return {
      url,
      metricsUrl: `http://127.0.0.1:${servers.metricsPort}/metrics`,
      caFile,
      reviewFile,
      reviewed: `ExternalSecret ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? ''}`,
      curl: `curl --cacert ${shellQuote(caFile)} -H 'Content-Type: application/json' --data-binary @${shellQuote(reviewFile)} ${url}/validate`,
      close: () => {
        closed ??= (async () => {
          await running.close();
          await facts.close();
          await vault.close();
          rmSync(work, { recursive: true, force: true });
        })();
        return closed;
      },
    };
  } catch (err) {
    await servers?.close();
    await facts.close();
    await vault.close();
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

/** Starts the sandbox, prints how to try it, and stops it on SIGINT/SIGTERM. */
export async function runSandbox(example: string, port: number, out: DemoOutput): Promise<void> {
  const sandbox = await startSandbox(example, port);
  out.line(`eso-vault-guard sandbox: the webhook (serve) on ${sandbox.url} against an embedded Vault seeded from ${relative(REPO_ROOT, join(EXAMPLES_DIR, example))}`, 'heading');
  out.line(`webhook: ${sandbox.url}/validate and ${sandbox.url}/mutate (AdmissionReview v1 over HTTPS)`);
  out.line(`metrics: ${sandbox.metricsUrl}`);
  out.line(`CA certificate: ${sandbox.caFile}`);
  out.line(`AdmissionReview: ${sandbox.reviewFile} (${sandbox.reviewed}; edit request.object and post it again)`);
  out.line('try:', 'heading');
  out.line(`  ${sandbox.curl}`);
  out.line('Ctrl-C (SIGINT) or SIGTERM stops it and removes the temporary files.', 'dim');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sandbox.close();
  out.line('eso-vault-guard sandbox: stopped', 'dim');
}
