// `eso-vault-guard check FILE|DIR|- ...`: the admission checks for CI pipelines and workstations.
// The logic lives in ../check/; this file only declares the flags.
import type { Command } from 'commander';
import { runCheck } from '../check/check-run.js';
import { checkOptions, type RawCheckOptions } from '../check/options.js';
import { withCheckSourceFlags, withReportFlags } from '../check/flags.js';
import { CheckConfigError } from '../check/errors.js';
import type { CliExit, CliIo } from '../io.js';

export function registerCheck(program: Command, io: CliIo, exit: CliExit): void {
  withReportFlags(withCheckSourceFlags(program
    .command('check')
    .description('Check ExternalSecrets and stores in YAML files against live Vault, as the admission webhook would (exit 0 no errors, 1 errors, 2 could not run/check)')
    .argument('<paths...>', 'YAML or JSON files, directories (searched recursively for *.yaml, *.yml, *.json) or - for stdin; a kind: List is read item by item')))
    .action(async (paths: string[], raw: RawCheckOptions) => {
      let code: number;
      try {
        code = await runCheck(paths, checkOptions(raw, io.env), io);
      } catch (err) {
        if (!(err instanceof CheckConfigError)) throw err;
        io.stderr.write(`eso-vault-guard check: ${err.message}\n`);
        code = 2;
      }
      // Idle keep-alive sockets to Vault or the API server would keep the process alive.
      Object.assign(exit, { code, now: true });
    });
}
