import type { Command } from 'commander';

// Placeholder until the issue that owns this subcommand lands.
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('check: not implemented yet\n');
      process.exit(2);
    });
}
