// `eso-vault-guard fix FILE|DIR ...`: applies the certain fixes of `check`'s findings to the files.
// The logic lives in ../fix/; this file only declares the flags.
import type { Command } from 'commander';
import { CheckConfigError } from '../check/errors.js';
import { withCheckSourceFlags } from '../check/flags.js';
import { checkOptions, type RawCheckOptions } from '../check/options.js';
import { runFix } from '../fix/fix-run.js';

export function registerFix(program: Command): void {
  withCheckSourceFlags(program
    .command('fix')
    .description('Apply the certain fixes of check\'s findings to YAML files and print them as a unified diff on stdout; what remains is reported on stderr as check would (exit 0 no errors remain, 1 errors remain, 2 could not run/check)')
    .argument('<paths...>', 'YAML or JSON files, or directories (searched recursively for *.yaml, *.yml, *.json)')
    .option('--write', 'change the files in place (comments, key order and formatting are kept)'))
    .option('-q, --quiet', 'report only the error findings that remain')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (paths: string[], raw: RawCheckOptions & { write?: boolean }) => {
      let code: number;
      try {
        code = await runFix(paths, { check: checkOptions(raw), write: raw.write === true }, { stdout: process.stdout, stderr: process.stderr, env: process.env });
      } catch (err) {
        if (!(err instanceof CheckConfigError)) throw err;
        process.stderr.write(`eso-vault-guard fix: ${err.message}\n`);
        code = 2;
      }
      process.exit(code);
    });
}
