// ESO's own admission webhook (`external-secrets webhook`, ESO v2's separate subcommand), out of
// cluster beside its controller, registered in the run's API server as ESO's Helm chart registers
// it (deploy/charts/external-secrets/templates/validatingwebhook.yaml: the ValidatingWebhookConfigurations
// secretstore-validate and externalsecret-validate, failurePolicy Fail, the chart's default), with
// `url: https://localhost:<port>/…` instead of the Service. Its serving certificate comes from the
// suite's own test CA (cmd/controller/webhook.go reads ca.crt, tls.crt and tls.key from --cert-dir
// and checks the pair for --dns-name before it serves).
//
// Validating webhooks run in parallel and the API server shows one refusal only, so the run tells
// the two apart by the webhook name in kubectl's error (below) and takes the product's own decision
// from its admission log when ESO's refusal is the one shown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { servingPair, testCa } from '../support/test-certificates.js';
import { alive, freePort, startProcess, until, type Proc } from './processes.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * On a store of a provider other than Vault: the suite's ESO binary is built with the Vault provider
 * only (`-tags vault`), so its webhook would refuse such a store with "failed to find registered
 * store backend for type: aws", which a full ESO build accepts. The suite's one departure from the
 * chart's configurations: an objectSelector that leaves objects with this label to the controller
 * (which fails them as not ready, as before; the product calls them StoreOutOfScope).
 */
export const PROVIDER_NOT_BUILT = 'e2e.eso-vault-guard.io/eso-provider-not-built';

/** The webhook names of ESO's chart. */
export const ESO_WEBHOOKS = ['validate.secretstore.external-secrets.io', 'validate.clustersecretstore.external-secrets.io', 'validate.externalsecret.external-secrets.io'];

export interface EsoWebhook {
  proc: Proc;
  /** The ValidatingWebhookConfigurations to apply. */
  configurations: Obj[];
  stop(): Promise<void>;
}

function configurations(port: number, caBundle: string): Obj[] {
  const hook = (name: string, resource: string, scope: string, path: string) => ({
    name,
    rules: [{ apiGroups: ['external-secrets.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: [resource], scope }],
    clientConfig: { url: `https://localhost:${port}${path}`, caBundle },
    admissionReviewVersions: ['v1', 'v1beta1'],
    sideEffects: 'None',
    // The chart says 5 s; this busy test machine runs much more than a cluster node.
    timeoutSeconds: 10,
    failurePolicy: 'Fail',
    objectSelector: { matchExpressions: [{ key: PROVIDER_NOT_BUILT, operator: 'DoesNotExist' }] },
  });
  const config = (name: string, webhooks: Obj[]) => ({
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration',
    metadata: { name, labels: { 'external-secrets.io/component': 'webhook' } }, webhooks,
  });
  return [
    config('secretstore-validate', [
      hook(ESO_WEBHOOKS[0]!, 'secretstores', 'Namespaced', '/validate-external-secrets-io-v1-secretstore'),
      hook(ESO_WEBHOOKS[1]!, 'clustersecretstores', 'Cluster', '/validate-external-secrets-io-v1-clustersecretstore'),
    ]),
    config('externalsecret-validate', [hook(ESO_WEBHOOKS[2]!, 'externalsecrets', 'Namespaced', '/validate-external-secrets-io-v1-externalsecret')]),
  ];
}

export async function startEsoWebhook(bin: string, dir: string, kubeconfig: string): Promise<EsoWebhook> {
  const certDir = join(dir, 'eso-webhook-certs');
  mkdirSync(certDir, { recursive: true });
  const ca = await testCa('e2e-eso-webhook-ca');
  const pair = await servingPair(ca, 'localhost');
  writeFileSync(join(certDir, 'ca.crt'), ca.cert);
  writeFileSync(join(certDir, 'tls.crt'), pair.cert);
  writeFileSync(join(certDir, 'tls.key'), pair.key, { mode: 0o600 });
  const [port, metrics, health] = [await freePort(), await freePort(), await freePort()];
  const proc = startProcess('external-secrets-webhook', bin, [
    'webhook', `--port=${port}`, `--cert-dir=${certDir}`, '--dns-name=localhost',
    `--metrics-addr=127.0.0.1:${metrics}`, `--healthz-addr=127.0.0.1:${health}`, '--loglevel=info',
  ], { dir, env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig } });
  // /readyz checks the certificate (its "certs" check); the webhook server starts with the manager.
  await until('external-secrets webhook /readyz', async () => {
    alive(proc);
    const res = await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 60_000, 500).catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
  return { proc, configurations: configurations(port, Buffer.from(ca.cert).toString('base64')), stop: () => proc.stop() };
}

/** ESO's webhook refusal in kubectl's error output (its words after "denied the request: "), if it is the one shown. */
export function esoRefusalIn(stderr: string): string | undefined {
  for (const name of ESO_WEBHOOKS) {
    const m = new RegExp(`admission webhook "${name.replace(/\./g, '\\.')}" denied the request: ([^\\n]*)`).exec(stderr);
    if (m) return m[1]!.trim();
  }
  return undefined;
}

/** Whether the product's own webhook is the one whose refusal kubectl shows. */
export function guardRefusalIn(stderr: string): boolean {
  return /admission webhook "(validate|mutate)\.eso-vault-guard\.io" denied the request/.test(stderr);
}
