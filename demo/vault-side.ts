// The demo's Vault-side part: `impact` (what a proposed policy, role or secret change would break)
// and `policy suggest` (the least policy for one store), run as the CLI runs them, against the
// embedded Vault of examples/platform-team-templated. The change files live in demo/changes/.
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { checkOptions } from '../src/cli/check/options.js';
import { readVaultChange, type ChangeFlags } from '../src/cli/impact/change-files.js';
import { runImpact } from '../src/cli/impact/impact-run.js';
import { suggestPolicy } from '../src/cli/policy-suggest/suggest-run.js';
import type { DemoOutput } from '../src/cli/commands/demo.js';
import { startVaultDouble } from '../test/support/vault-double.js';

/** The repository root, from dist/demo/ (as run-demo.ts finds it; not imported from there: no cycle). */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

export const VAULT_SIDE_EXAMPLE = 'platform-team-templated';

const CHANGES: { flags: string; change: ChangeFlags }[] = [
  { flags: '--policy app-secrets=demo/changes/app-secrets-without-list.hcl', change: { policy: [`app-secrets=${join(REPO_ROOT, 'demo/changes/app-secrets-without-list.hcl')}`] } },
  { flags: '--role kubernetes/payments=demo/changes/payments-role.json', change: { role: [`kubernetes/payments=${join(REPO_ROOT, 'demo/changes/payments-role.json')}`] } },
  { flags: '--remove-secret apps/team-a/config', change: { removeSecret: ['apps/team-a/config'] } },
];

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

function style(line: string): 'heading' | 'error' | 'warning' | 'dim' | undefined {
  if (/^ {2}error /.test(line)) return 'error';
  if (/^ {2}warning /.test(line)) return 'warning';
  if (/^ {6}hint: /.test(line)) return 'dim';
  return undefined;
}

export async function runVaultSide(out: DemoOutput): Promise<void> {
  const manifests = join(EXAMPLES_DIR, VAULT_SIDE_EXAMPLE, 'manifests.yaml');
  const shown = relative(REPO_ROOT, manifests);
  const vault = await startVaultDouble({ state: join(EXAMPLES_DIR, VAULT_SIDE_EXAMPLE, 'vault-state.json') });
  try {
    out.line('');
    out.line(`# impact: what a change in the policy repository would break, before it is merged (${VAULT_SIDE_EXAMPLE} against its embedded Vault)`, 'heading');
    for (const [i, { flags, change }] of CHANGES.entries()) {
      if (i > 0) out.line('');
      out.line(`$ eso-vault-guard impact ${shown} ${flags} --vault-addr "$VAULT_ADDR"`, 'heading');
      const stdout = collector();
      const stderr = collector();
      const opts = checkOptions({ vaultAddr: vault.url, vaultToken: vault.webhookToken, allowInsecureHttp: true, color: false }, {});
      const code = await runImpact([manifests], opts, readVaultChange(change), { stdout: stdout.stream, stderr: stderr.stream, env: {} });
      const text = `${stdout.text()}${stderr.text()}`.split(manifests).join(shown).replace(/\n$/, '');
      for (const line of text.split('\n')) out.line(line, style(line));
      out.line(`(exit ${code})`, 'dim');
    }
    out.line('');
    out.line('# policy suggest: the least policy for the ExternalSecrets of one store, from the manifests alone (Vault is not asked)', 'heading');
    out.line(`$ eso-vault-guard policy suggest ${shown} --store SecretStore/payments/vault`, 'heading');
    const policy = await suggestPolicy([manifests], { store: 'SecretStore/payments/vault', namespace: 'default', controllerSa: 'external-secrets/external-secrets' });
    for (const line of policy.replace(/\n$/, '').split('\n')) out.line(line);
  } finally {
    await vault.close();
  }
}
