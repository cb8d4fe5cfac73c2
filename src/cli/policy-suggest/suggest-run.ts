// One `policy suggest` run: read the manifests, select the store (or the role), plan ESO's requests
// through it and print the least policy that grants them. Vault is never asked.
import { writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { neededRequests, type StoreSelector } from '../../eso/least-privilege.js';
import { CheckConfigError } from '../check/errors.js';
import { InputError, readInputs } from '../check/inputs.js';
import { withNamespace } from '../check/run.js';
import { lookupOver, parseControllerSa } from '../check/stores.js';
import { renderPolicy } from './hcl.js';

export interface SuggestOptions {
  store?: string;
  role?: string;
  namespace: string;
  controllerSa: string;
  output?: string;
}

export function parseSelector(opts: Pick<SuggestOptions, 'store' | 'role'>): StoreSelector {
  if ((opts.store === undefined) === (opts.role === undefined)) throw new CheckConfigError('name exactly one of --store KIND/NAMESPACE/NAME (or ClusterSecretStore/NAME) and --role MOUNT/NAME');
  if (opts.store !== undefined) {
    const parts = opts.store.split('/');
    const kind = parts[0]?.toLowerCase();
    if (kind === 'secretstore' && parts.length === 3 && parts[1] && parts[2]) return { by: 'store', kind: 'SecretStore', namespace: parts[1], name: parts[2] };
    if (kind === 'clustersecretstore' && parts.length === 2 && parts[1]) return { by: 'store', kind: 'ClusterSecretStore', name: parts[1] };
    throw new CheckConfigError(`--store expects SecretStore/NAMESPACE/NAME or ClusterSecretStore/NAME, got "${opts.store}"`);
  }
  const ref = (opts.role ?? '').replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
  const at = ref.lastIndexOf('/');
  if (at <= 0 || at === ref.length - 1) throw new CheckConfigError(`--role expects MOUNT/NAME (e.g. kubernetes/team-a), got "${opts.role ?? ''}"`);
  return { by: 'role', mount: ref.slice(0, at), role: ref.slice(at + 1) };
}

function selected(selector: StoreSelector): string {
  if (selector.by === 'role') return `role "${selector.role}" at auth mount "${selector.mount}"`;
  return selector.kind === 'SecretStore' ? `SecretStore ${selector.namespace}/${selector.name}` : `ClusterSecretStore ${selector.name}`;
}

/** The policy text; CheckConfigError / InputError when the run cannot say. */
export async function suggestPolicy(paths: readonly string[], opts: SuggestOptions, stdin?: Readable): Promise<string> {
  const selector = parseSelector(opts);
  const controllerSa = parseControllerSa(opts.controllerSa);
  if (!controllerSa) throw new CheckConfigError(`--controller-sa expects namespace/name, got "${opts.controllerSa}"`);
  const objects = (await readInputs(paths, stdin)).map((d) => withNamespace(d.object, opts.namespace));
  const lookup = lookupOver(objects, controllerSa);
  if (selector.by === 'store' && !lookup.getStore(selector.kind, selector.name, selector.namespace ?? '')) {
    throw new CheckConfigError(`no ${selected(selector)} in ${paths.join(', ')}: give the file that defines it`);
  }
  const { needs, uncovered } = neededRequests(objects, lookup, selector);
  const users = new Set(needs.map((n) => n.object)).size;
  const header = [
    `Least privilege for the ExternalSecrets and PushSecrets that use ${selected(selector)}: ${users} object${users === 1 ? '' : 's'}.`,
    'Planned from the manifests alone (eso-vault-guard policy suggest): Vault was not asked.',
    "ESO's store validation also reads auth/token/lookup-self, which Vault's default policy grants.",
  ];
  return renderPolicy(header, needs, uncovered);
}

export async function runSuggest(paths: readonly string[], opts: SuggestOptions, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin?: Readable }): Promise<number> {
  try {
    const text = await suggestPolicy(paths, opts, io.stdin);
    if (opts.output) await writeFile(opts.output, text);
    else io.stdout.write(text);
    return 0;
  } catch (err) {
    if (err instanceof CheckConfigError || err instanceof InputError) {
      io.stderr.write(`eso-vault-guard policy suggest: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
