// `eso-vault-guard impact MANIFESTS... --policy NAME=FILE ...`: what a proposed Vault-side change
// (policies, roles, deleted secrets) would break among these ESO objects. The logic lives in
// ../impact/ (over ../check/); this file only declares the flags.
import type { Command } from 'commander';
import { CheckConfigError } from '../check/errors.js';
import { collect, withCheckSourceFlags, withReportFlags } from '../check/flags.js';
import { checkOptions, type RawCheckOptions } from '../check/options.js';
import { readVaultChange, type ChangeFlags } from '../impact/change-files.js';
import { runImpact } from '../impact/impact-run.js';
import type { CliExit, CliIo } from '../io.js';

export function registerImpact(program: Command, io: CliIo, exit: CliExit): void {
  const command = program
    .command('impact')
    .description('Report what a proposed Vault change (policy texts, role definitions, deleted secrets) would break among these ESO objects: findings absent today and present with the change (exit 0 nothing breaks, 1 something breaks, 2 could not run/check)')
    .argument('[paths...]', 'YAML or JSON files, directories or - for stdin; none with --stores-from cluster|both: the ExternalSecrets, ClusterExternalSecrets and PushSecrets of the cluster')
    .option('--policy <NAME=FILE>', 'the new text of policy NAME (HCL, JSON or a sys/policies/acl answer); an empty FILE deletes it (repeatable)', collect)
    .option('--role <MOUNT/NAME=FILE>', 'the new definition of role NAME at auth mount MOUNT, as `vault read -format=json auth/MOUNT/role/NAME` prints it; an empty FILE deletes it (repeatable)', collect)
    .option('--remove-secret <PATH>', 'a secret deleted with all its versions: MOUNT/PATH as `vault kv` takes it (repeatable)', collect)
    .option('--vault-namespace <ns>', 'the Vault Enterprise namespace the change is made in (default: the root namespace)');
  withReportFlags(withCheckSourceFlags(command, { offline: false }))
    .action(async (paths: string[] | undefined, raw: RawCheckOptions & ChangeFlags) => {
      let code: number;
      try {
        code = await runImpact(paths ?? [], checkOptions(raw, io.env), readVaultChange(raw), io);
      } catch (err) {
        if (!(err instanceof CheckConfigError)) throw err;
        io.stderr.write(`eso-vault-guard impact: ${err.message}\n`);
        code = 2;
      }
      // Idle keep-alive sockets to Vault or the API server would keep the process alive.
      Object.assign(exit, { code, now: true });
    });
}
