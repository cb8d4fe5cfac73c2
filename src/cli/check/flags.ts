// The flags that say where a run's stores and Vault facts come from, shared by the commands that
// check manifests as admission would (`check`, `fix`, `impact`): one declaration, one meaning.
import { Option, type Command } from 'commander';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, FORMATS, STORES_FROM, TRUST_LEVELS } from './options.js';

export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `offline: false`: a command that needs Vault (`impact`) does not offer --offline. */
export function withCheckSourceFlags(command: Command, opts: { offline?: boolean } = {}): Command {
  command
    .option('--config <file>', 'the server\'s configuration file (its vault and checks sections are used); default $ESO_GUARD_CONFIG')
    .addOption(new Option('--stores-from <where>', 'where stores and Namespace labels come from (files override cluster with both)').choices([...STORES_FROM]).default('files'))
    .option('--kubeconfig <file>', 'kubeconfig for --stores-from cluster|both (default: $KUBECONFIG, ~/.kube/config or in-cluster)')
    .option('--controller-sa <namespace/name>', "ESO controller's ServiceAccount (ClusterSecretStores without serviceAccountRef.namespace); default external-secrets/external-secrets")
    .option('--vault-token <token>', 'log in with this token to the Vault servers named by --vault-addr, --vault-map or --config (default $VAULT_TOKEN)')
    .option('--vault-addr <url>', "send every store's Vault traffic (and the token) to this address, whatever the store's server")
    .option('--vault-map <server=addr>', 'send one server\'s traffic (and the token) to this address (repeatable)', collect)
    .option('--allow-insecure-http', 'allow sending the Vault credential to plain http:// addresses (a local or test Vault)')
    .option('--default-audience <aud>', "the cluster's default ServiceAccount token audience (repeatable; default https://kubernetes.default.svc.cluster.local)", collect)
    .addOption(new Option('--trust <level>', 'how much findings may reveal: store-identity (as the webhook) or operator (you can read Vault yourself)').choices([...TRUST_LEVELS]).default('store-identity'))
    .option('--timeout-ms <ms>', 'deadline for checking one object', String(DEFAULT_TIMEOUT_MS))
    .option('--concurrency <n>', 'objects checked at the same time', String(DEFAULT_CONCURRENCY))
    .option('--namespace <ns>', 'namespace of namespaced objects that name none (as kubectl apply -n)', 'default');
  if (opts.offline !== false) {
    command.option('--offline', 'static checks only, for CI jobs with no route to Vault: no Vault request, no credential (refuses --vault-* flags and --stores-from cluster|both); the summary says "offline: not checked against Vault"');
  }
  return command.option('--fail-open', 'when an object cannot be checked (Vault unreachable, sealed or slow, no login for its server), print a warning on stderr and exit with the findings\' code (0 or 1) instead of 2');
}

/** The report flags of a command that prints check's report (`check`, `impact`). */
export function withReportFlags(command: Command): Command {
  return command
    .addOption(new Option('-o, --format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('-q, --quiet', 'print error findings only: no warnings, infos, skipped objects, summary or progress')
    .option('--no-color', 'no colour in text output (also when NO_COLOR is set, or stdout is not a terminal)');
}
