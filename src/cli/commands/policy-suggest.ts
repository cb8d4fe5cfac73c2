// `eso-vault-guard policy suggest MANIFESTS... --store KIND/NAMESPACE/NAME | --role MOUNT/NAME`: the
// least Vault policy for the requests ESO will make through one store or role. The logic lives in
// ../policy-suggest/; this file only declares the flags. Other `policy` subcommands can join the
// same parent command.
import type { Command } from 'commander';
import type { CliExit, CliIo } from '../io.js';
import { runSuggest, type SuggestOptions } from '../policy-suggest/suggest-run.js';

export function registerPolicySuggest(program: Command, io: CliIo, exit: CliExit): void {
  const policy = program.commands.find((c) => c.name() === 'policy')
    ?? program.command('policy').description('Vault policies for ESO objects (see policy-eval for evaluating one)');
  policy
    .command('suggest')
    .description('Print the least Vault policy (HCL) that grants exactly the requests ESO will make for the ExternalSecrets, ClusterExternalSecrets and PushSecrets using one store or role, planned from the manifests alone (exit 0 printed, 2 could not run)')
    .argument('<paths...>', 'YAML or JSON files, directories or - for stdin, holding the store and the objects that use it')
    .option('--store <KIND/NAMESPACE/NAME>', 'the store: SecretStore/NAMESPACE/NAME or ClusterSecretStore/NAME')
    .option('--role <MOUNT/NAME>', 'instead of --store: every store that logs in with this role at this auth mount (e.g. kubernetes/team-a)')
    .option('--namespace <ns>', 'namespace of namespaced objects that name none (as kubectl apply -n)', 'default')
    .option('--controller-sa <namespace/name>', "ESO controller's ServiceAccount (ClusterSecretStores without serviceAccountRef.namespace)", 'external-secrets/external-secrets')
    .option('--output <file>', 'write the policy to a file instead of stdout')
    .action(async (paths: string[], opts: SuggestOptions) => {
      exit.code = await runSuggest(paths, opts, io);
    });
}
