// The `eso-vault-guard` command line as a function: arguments and io in, exit code out. Each
// subcommand lives in its own module under ./commands and registers itself on the program.
import { Command, CommanderError } from 'commander';
import { registerServe } from './commands/serve.js';
import { registerExplain } from './commands/explain.js';
import { registerPolicyEval } from './commands/policy-eval.js';
import { registerCheck } from './commands/check.js';
import { registerDemo } from './commands/demo.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerFix } from './commands/fix.js';
import { registerImpact } from './commands/impact.js';
import { registerPolicySuggest } from './commands/policy-suggest.js';
import type { CliExit, CliIo } from './io.js';
import { PACKAGE_VERSION } from './version.js';

export function buildProgram(io: CliIo, exit: CliExit): Command {
  const program = new Command();
  program
    .name('eso-vault-guard')
    .description('Admission webhook and CLI that check External Secrets Operator manifests against live HashiCorp Vault')
    .version(PACKAGE_VERSION)
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    // Usage errors (unknown command or flag, missing argument) are "could not run": exit 2, not
    // commander's 1, which means "errors found" for check. Subcommands inherit this and the output.
    .exitOverride();
  registerServe(program);
  registerExplain(program, io, exit);
  registerPolicyEval(program, io, exit);
  registerCheck(program, io, exit);
  registerDemo(program, io, exit);
  registerSandbox(program, io);
  registerFix(program, io, exit);
  registerImpact(program, io, exit);
  registerPolicySuggest(program, io, exit);
  return program;
}

/** Runs one command line (without the node and script arguments). */
export async function runCli(args: readonly string[], io: CliIo): Promise<CliExit> {
  const exit: CliExit = { code: 0, now: false };
  try {
    await buildProgram(io, exit).parseAsync([...args], { from: 'user' });
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode === 0 ? 0 : 2, now: true };
    io.stderr.write(`eso-vault-guard: ${err instanceof Error ? err.message : String(err)}\n`);
    return { code: 2, now: true };
  }
}
