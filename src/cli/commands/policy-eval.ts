import type { Command } from 'commander';

// Placeholder until the issue that owns this subcommand lands.
export function registerPolicyEval(program: Command): void {
  program
    .command('policy-eval')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('policy-eval: not implemented yet\n');
      process.exit(2);
    });
}
