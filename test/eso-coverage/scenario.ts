// One ESO scenario (manifests + Vault state) run end to end both ways the product is used: each
// object through the real HTTPS webhook (/validate, stores known as the informers would hold them)
// and the whole file through the compiled `check` CLI against the same Vault double.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { postAdmission } from '../support/https-client.js';
import { startTestServers } from '../server/harness.js';
import { DEFAULT_AUDIENCES, manifestLookup, startFacts, type Obj } from '../checks/support/example-harness.js';
import { runCli, seededVault, type CliRun, type JsonReport } from '../cli/check-support.js';
import type { VaultState } from '../support/vault-double.js';
import { startKubeDouble, type KubeDouble, type KubeObject } from '../support/kube-double.js';
import { createKubeTemplateSources } from '../../src/kube/template-source.js';
import { createKubeExistingObjects } from '../../src/kube/existing-objects.js';

export type { Obj };

/** A webhook policy for the double that lets the webhook read everywhere, Vault Enterprise namespaces included. */
export const READ_EVERYWHERE_POLICY = 'path "*" {\n  capabilities = ["read", "list"]\n}\n';

export interface Validated {
  allowed: boolean;
  message: string;
  warnings: string[];
}

export interface ScenarioOptions {
  /** Objects a Kubernetes API double holds; the webhook reads templateFrom ConfigMaps and existing PushSecrets from it. */
  kubeObjects?: Obj[];
  /** ESO's --template-left/right-delimiter, given to the webhook and to check's config file. */
  templateDelimiters?: { left: string; right: string };
}

export interface Scenario {
  dir: string;
  /** The Kubernetes double, when `kubeObjects` were given. */
  kube?: KubeDouble;
  manifests: string;
  /** Requests the webhook's Vault double has seen (path, method). */
  vaultRequests(): readonly { path: string; method: string }[];
  validate(obj: Obj): Promise<Validated>;
  check(extraArgs?: string[]): Promise<CliRun & { report: JsonReport }>;
  close(): Promise<void>;
}

export async function scenario(objects: Obj[], state: VaultState, options: ScenarioOptions = {}): Promise<Scenario> {
  const dir = mkdtempSync(join(tmpdir(), 'eso-coverage-'));
  const manifests = join(dir, 'manifests.yaml');
  writeFileSync(manifests, objects.map((o) => stringify(o)).join('---\n'));
  writeFileSync(join(dir, 'vault-state.json'), JSON.stringify(state, null, 2));
  const { double, facts } = await startFacts(join(dir, 'vault-state.json'));
  const kube = options.kubeObjects ? await startKubeDouble({ objects: options.kubeObjects as KubeObject[] }) : undefined;
  const handlers = createAdmissionHandlers({
    facts,
    lookup: manifestLookup(objects),
    mode: 'enforce',
    failureMode: 'failOpen',
    defaultAudiences: DEFAULT_AUDIENCES,
    ...(kube ? { templateSources: createKubeTemplateSources(kube.kubeConfig, { enabled: true }), existingObjects: createKubeExistingObjects(kube.kubeConfig) } : {}),
    ...(options.templateDelimiters ? { templateDelimiters: options.templateDelimiters } : {}),
  });
  const servers = await startTestServers({ handlers });
  const cliVault = await seededVault(dir);
  if (options.templateDelimiters) {
    const config = JSON.parse(readFileSync(cliVault.configFile, 'utf8')) as Obj;
    const checks = { templateLeftDelimiter: options.templateDelimiters.left, templateRightDelimiter: options.templateDelimiters.right };
    writeFileSync(cliVault.configFile, JSON.stringify({ ...config, checks }, null, 2));
  }
  return {
    dir,
    ...(kube ? { kube } : {}),
    manifests,
    vaultRequests: () => double.requests,
    async validate(obj) {
      const r = await postAdmission(servers.webhookPort, '/validate', admissionReview(obj), servers.ca);
      return { allowed: r.body.response.allowed, message: r.body.response.status?.message ?? '', warnings: r.body.response.warnings ?? [] };
    },
    async check(extraArgs = []) {
      const run = await runCli([manifests, '--config', cliVault.configFile, '--allow-insecure-http', '--format', 'json', ...extraArgs]);
      let report: JsonReport;
      try {
        report = JSON.parse(run.stdout) as JsonReport;
      } catch {
        throw new Error(`check printed no JSON (exit ${String(run.code)}): ${run.stderr}`);
      }
      return { ...run, report };
    },
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
      await cliVault.close();
      await kube?.close();
    },
  };
}

/** Error findings of one object in a `check` report, as `CODE field`. */
export function errorsOf(report: JsonReport, name: string): string[] {
  return report.findings.filter((f) => f.resource.name === name && f.severity === 'error').map((f) => `${f.code} ${f.field}`);
}
