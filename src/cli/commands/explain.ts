// `explain --offline FILE|DIR|- ...`: what ESO will do for each secret reference of the given
// manifests (store, Vault request path, capability, property, identity), without Vault or a cluster;
// for PushSecrets the reads and writes of each push, for ClusterExternalSecret/ClusterPushSecret those
// of the object ESO creates in each selected namespace.
// Inputs are read as `check` reads them (../check/inputs.ts). Exit 0 when explained, 2 on a usage
// or read/parse error, or when no manifest was found.
import { Option, type Command } from 'commander';
import { InputError, readInputs } from '../check/inputs.js';
import { createOfflineLookup } from '../../eso/offline-lookup.js';
import { explainObjects, formatExplainText } from '../../eso/explain.js';
import { explainOtherKind } from '../../eso/explain-kinds.js';
import { parseEsoObject, type ParsedEsoObject } from '../../eso/parse.js';
import type { CliExit, CliIo } from '../io.js';
import type { Readable } from 'node:stream';

class UsageError extends Error {}

interface ExplainOptions {
  offline?: boolean;
  format: string;
  controllerSa: string;
}

function parseControllerSa(value: string): { name: string; namespace: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(value);
  if (!m) throw new UsageError(`--controller-sa must be NAMESPACE/NAME, found "${value}"`);
  return { namespace: m[1] as string, name: m[3] as string };
}

export async function runExplain(targets: readonly string[], opts: ExplainOptions, stdin: Readable = process.stdin): Promise<string> {
  if (!opts.offline) throw new UsageError('explain needs --offline (it reads manifests only; use `check` to ask a live Vault)');
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, found "${opts.format}"`);
  const controller = parseControllerSa(opts.controllerSa);
  const docs = await readInputs(targets, stdin);
  const objects: ParsedEsoObject[] = docs.map((doc) => parseEsoObject(doc.object));
  const lookup = createOfflineLookup(objects, controller);
  // In input order; ClusterExternalSecret, PushSecret and ClusterPushSecret through explain-kinds.ts.
  const entries = docs.flatMap((doc, i) => explainOtherKind(doc.object, lookup) ?? explainObjects([objects[i] as ParsedEsoObject], lookup));
  return opts.format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : formatExplainText(entries);
}

export function registerExplain(program: Command, io: CliIo, exit: CliExit): void {
  program
    .command('explain')
    .description('show, per secret reference, the store, Vault request path, capability, property and identity ESO will use')
    .argument('<paths...>', 'YAML or JSON files, directories (searched recursively for *.yaml, *.yml, *.json) or - for stdin; a kind: List is read item by item')
    .option('--offline', 'use the manifests only (no Vault, no cluster)')
    .addOption(new Option('-o, --format <format>', 'text or json').default('text'))
    .option('--controller-sa <ns/name>', "ESO controller's ServiceAccount (used by kubernetes auth without serviceAccountRef)", 'external-secrets/external-secrets')
    .action(async (paths: string[], opts: ExplainOptions) => {
      try {
        io.stdout.write(await runExplain(paths, opts, io.stdin));
      } catch (e) {
        if (e instanceof UsageError || e instanceof InputError) {
          io.stderr.write(`explain: ${e.message}\n`);
          Object.assign(exit, { code: 2, now: true });
          return;
        }
        throw e;
      }
    });
}
