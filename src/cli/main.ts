// Entry point of the `eso-vault-guard` command. Each subcommand lives in its own module under
// ./commands and registers itself on the program, so a new subcommand never edits this file twice.
import { Command } from 'commander';
import { registerServe } from './commands/serve.js';
import { registerExplain } from './commands/explain.js';
import { registerPolicyEval } from './commands/policy-eval.js';
import { registerCheck } from './commands/check.js';
import { registerDemo } from './commands/demo.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerFix } from './commands/fix.js';
import { PACKAGE_VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('eso-vault-guard')
    .description('Admission webhook and CLI that check External Secrets Operator manifests against live HashiCorp Vault')
    .version(PACKAGE_VERSION)
    // Usage errors (unknown command or flag, missing argument) are "could not run": exit 2, not
    // commander's 1, which means "errors found" for check. Subcommands inherit this.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  registerServe(program);
  registerExplain(program);
  registerPolicyEval(program);
  registerCheck(program);
  registerDemo(program);
  registerSandbox(program);
  registerFix(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`eso-vault-guard: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
