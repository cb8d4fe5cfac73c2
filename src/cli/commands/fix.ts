// `eso-vault-guard fix FILE|DIR ...`: applies the certain fixes of `check`'s findings to the files.
// The logic lives in ../fix/; this file only declares the flags.
import type { Command } from 'commander';
import { CheckConfigError } from '../check/errors.js';
import { withCheckSourceFlags } from '../check/flags.js';
import { checkOptions, type RawCheckOptions } from '../check/options.js';
import { runFix } from '../fix/fix-run.js';
import type { CliExit, CliIo } from '../io.js';

export function registerFix(program: Command, io: CliIo, exit: CliExit): void {
  withCheckSourceFlags(program
    .command('fix')
    .description('Apply the certain fixes of check\'s findings to YAML files and print them as a unified diff on stdout; what remains is reported on stderr as check would (exit 0 no errors remain, 1 errors remain, 2 could not run/check)')
    .argument('<paths...>', 'YAML or JSON files, or directories (searched recursively for *.yaml, *.yml, *.json)')
    .option('--write', 'change the files in place (comments, key order and formatting are kept)'))
    .option('-q, --quiet', 'report only the error findings that remain')
    .action(async (paths: string[], raw: RawCheckOptions & { write?: boolean }) => {
      let code: number;
      try {
        code = await runFix(paths, { check: checkOptions(raw, io.env), write: raw.write === true }, io);
      } catch (err) {
        if (!(err instanceof CheckConfigError)) throw err;
        io.stderr.write(`eso-vault-guard fix: ${err.message}\n`);
        code = 2;
      }
      // Idle keep-alive sockets to Vault would keep the process alive.
      Object.assign(exit, { code, now: true });
    });
}
